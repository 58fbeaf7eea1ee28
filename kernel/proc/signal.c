/*
 * signal.c: posting and delivering signals, sigaction and sigprocmask.
 *
 * A signal is posted by setting its bit in p->sig_pending. It is delivered
 * on the way back to user mode (proc_return_to_user): the default action
 * ends the process (or ignores the signal), a handler gets a frame pushed
 * on the user stack laid out as Linux i386 does (arch_sigframe_push in
 * arch/x86/signal.c) and returns through the restorer into
 * sigreturn/rt_sigreturn, which restore the saved registers.
 */
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/trap.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <kernel/console.h>
#include <kernel/vm.h>
#include <arch/trap.h>
#include <arch/arch.h>
#include <kernel/errno.h>
#include <uapi/errno.h>
#include <uapi/unistd.h>
#include <uapi/wait.h>

#define BIT(sig) (1ull << ((sig) - 1))
#define UNBLOCKABLE (BIT(SIGKILL) | BIT(SIGSTOP))

/* Signals whose default action is to do nothing. agora has no job control,
 * so the stop signals are ignored too (documented in docs/architecture.md). */
static bool default_ignored(int sig)
{
    return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT ||
           sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

static bool ignored(struct proc *p, int sig)
{
    uint32_t h = p->sigact[sig].handler;
    return h == SIG_IGN_VALUE || (h == SIG_DFL_VALUE && default_ignored(sig));
}

void proc_signal_from(struct proc *p, int sig, const struct proc *from)
{
    if (!p || sig <= 0 || sig > _NSIG || p->state == P_ZOMBIE || p->state == P_UNUSED)
        return;
    /* An ignored signal is dropped at once, unless it is blocked: then it
     * waits, since the action may change before it is unblocked (Linux). */
    bool blocked = p->sig_blocked & BIT(sig);
    if (sig != SIGKILL && !blocked && ignored(p, sig))
        return;
    /* init gets only the signals it has handlers for (Linux protects it
     * the same way): killing it would leave nobody to reap orphans. */
    if (p->pid == 1 && p->sigact[sig].handler == SIG_DFL_VALUE)
        return;
    p->sig_pending |= BIT(sig);
    p->sig_sender[sig] = from ? from->pid : 0;
    p->sig_sender_uid[sig] = from ? from->ruid : 0;
    if (!blocked)
        sched_interrupt(p);
}

void proc_signal(struct proc *p, int sig)
{
    proc_signal_from(p, sig, NULL);
}

void proc_fault_signal(int sig, vaddr_t addr, int code)
{
    struct proc *p = current;
    /* A fault cannot be blocked or ignored: that would loop forever. */
    if ((p->sig_blocked & BIT(sig)) || p->sigact[sig].handler == SIG_IGN_VALUE) {
        p->sig_blocked &= ~BIT(sig);
        p->sigact[sig].handler = SIG_DFL_VALUE;
    }
    p->fault_addr = addr;
    p->fault_code = code;
    p->sig_pending |= BIT(sig);
    p->sig_sender[sig] = -1;            /* marks a fault: siginfo gets addr and code */
}

void proc_exit_by_signal(int sig)
{
    proc_exit(W_EXITCODE(0, sig));
}

struct trapframe *proc_user_frame(void)
{
    return current ? current->tf : NULL;
}

int proc_page_fault(vaddr_t addr, bool write)
{
    return vm_fault(current->vm, addr, write);
}

static void set_blocked(uint64_t mask)
{
    current->sig_blocked = mask & ~UNBLOCKABLE;
}

/*
 * A system call that a signal interrupted returned one of the restart
 * codes (kernel/errno.h); decide, before any frame is pushed, what user
 * mode sees, exactly as Linux's i386 handle_signal (act: the handler about
 * to run) and do_signal (act NULL: no handler ran) do:
 *   handler:    ERESTART_RESTARTBLOCK, ERESTARTNOHAND -> EINTR;
 *               ERESTARTSYS -> restart with SA_RESTART, else EINTR;
 *               ERESTARTNOINTR -> restart.
 *   no handler: ERESTARTSYS, ERESTARTNOHAND, ERESTARTNOINTR -> restart;
 *               ERESTART_RESTARTBLOCK -> restart as restart_syscall (0).
 * Done once per call: the number is forgotten after.
 */
static void syscall_restart(struct trapframe *tf, const struct kernel_sigaction *act)
{
    int32_t nr = current->syscall_nr;
    if (nr < 0)
        return;
    current->syscall_nr = -1;
    switch (-arch_syscall_result(tf)) {
    case ERESTART_RESTARTBLOCK:
        if (act)
            arch_syscall_set_result(tf, -EINTR);
        else
            arch_syscall_restart(tf, __NR_restart_syscall);
        break;
    case ERESTARTNOHAND:
        if (act)
            arch_syscall_set_result(tf, -EINTR);
        else
            arch_syscall_restart(tf, (uint32_t)nr);
        break;
    case ERESTARTSYS:
        if (act && !(act->flags & SA_RESTART))
            arch_syscall_set_result(tf, -EINTR);
        else
            arch_syscall_restart(tf, (uint32_t)nr);
        break;
    case ERESTARTNOINTR:
        arch_syscall_restart(tf, (uint32_t)nr);
        break;
    }
}

/* Push a frame for sig and point the user registers at its handler.
 * Returns false if the user stack cannot take it. */
static bool setup_frame(struct trapframe *tf, int sig, const struct kernel_sigaction *act)
{
    syscall_restart(tf, act);           /* the frame saves the outcome */
    current->rseq_resched = true;       /* a critical section is aborted */
    rseq_return_to_user(tf);
    arch_fpu_save(current->fpu);        /* the interrupted code's FPU state */
    /* sigsuspend parked the mask to restore after the handler. */
    uint64_t old = current->has_saved_mask ? current->saved_mask : current->sig_blocked;
    current->has_saved_mask = false;
    struct siginfo_i386 info = { .si_signo = sig };
    if (current->sig_sender[sig] == -1) {           /* a fault */
        info.si_code = current->fault_code;
        info.si_addr = current->fault_addr;
    } else if (current->sig_sender[sig] > 0) {      /* kill() */
        info.si_code = SI_USER;
        info.si_pid = current->sig_sender[sig];
        info.si_uid = current->sig_sender_uid[sig];
    } else {
        info.si_code = SI_KERNEL;
    }
    if (arch_sigframe_push(tf, act, &info, old, current->fpu, current->fault_addr) < 0)
        return false;
    arch_fpu_reset(current->fpu);       /* the handler starts with a clean FPU, as on Linux */
    arch_fpu_restore(current->fpu);
    uint64_t mask = old | ((uint64_t)act->mask[1] << 32) | act->mask[0];
    if (!(act->flags & SA_NODEFER))
        mask |= BIT(sig);
    set_blocked(mask);
    if (act->flags & SA_RESETHAND)
        current->sigact[sig].handler = SIG_DFL_VALUE;
    return true;
}

static void deliver_signals(struct trapframe *tf)
{
    struct proc *p = current;
    for (;;) {
        uint64_t ready = p->sig_pending & ~p->sig_blocked;
        if (!ready) {
            syscall_restart(tf, NULL);  /* no handler ran */
            return;
        }
        int sig = __builtin_ctzll(ready) + 1;
        p->sig_pending &= ~BIT(sig);
        struct kernel_sigaction *act = &p->sigact[sig];
        if (sig != SIGKILL && act->handler == SIG_IGN_VALUE)
            continue;
        if (sig == SIGKILL || act->handler == SIG_DFL_VALUE) {
            if (sig != SIGKILL && default_ignored(sig))
                continue;
            proc_exit(W_EXITCODE(0, sig));
        }
        if (!setup_frame(tf, sig, act))
            proc_exit(W_EXITCODE(0, SIGSEGV));     /* no room for the frame */
        return;                                   /* one handler at a time */
    }
}

void proc_return_to_user(struct trapframe *tf, bool timer)
{
    /* The common way back from a system call: no tick to account, no
     * signal to deliver, no rseq area to update, no mask to restore and
     * no restart code in eax (-ERESTARTSYS..-ERESTART_RESTARTBLOCK). */
    struct proc *p = current;
    uint32_t ret = (uint32_t)arch_syscall_result(tf);
    if (!timer && !(p->sig_pending & ~p->sig_blocked) && !(p->rseq && p->rseq_resched) &&
        !p->has_saved_mask && (ret < (uint32_t)-ERESTART_RESTARTBLOCK || ret > (uint32_t)-ERESTARTSYS)) {
        p->syscall_nr = -1;
        return;
    }
    if (timer && current->stime > 0) {  /* sched_tick counted it as kernel time */
        current->stime--;
        current->utime++;
        proc_cpu_timer_tick(current, 0);        /* ITIMER_VIRTUAL: user time only */
    }
    if (timer)
        sched_preempt_check();
    rseq_return_to_user(tf);            /* before a frame saves eip */
    deliver_signals(tf);
    if (current->has_saved_mask) {      /* sigsuspend woke without a handler */
        set_blocked(current->saved_mask);
        current->has_saved_mask = false;
    }
    current->syscall_nr = -1;
}

/* Both return the restored eax, which the system-call exit writes back.
 * That eax is no system call's result: a value that looks like a restart
 * code must not restart anything (Linux sets orig_ax to -1 here too), and
 * a later restart_syscall has nothing to continue (Linux resets
 * restart_block.fn here). */
long sys_sigreturn(void)
{
    uint64_t mask;
    if (arch_sigframe_pop(current->tf, false, current->fpu, &mask) < 0)
        proc_exit(W_EXITCODE(0, SIGSEGV));
    set_blocked(mask);
    current->syscall_nr = -1;
    current->restart_deadline = 0;
    return (long)current->tf->eax;
}

long sys_rt_sigreturn(void)
{
    uint64_t mask;
    if (arch_sigframe_pop(current->tf, true, current->fpu, &mask) < 0)
        proc_exit(W_EXITCODE(0, SIGSEGV));
    set_blocked(mask);
    current->syscall_nr = -1;
    current->restart_deadline = 0;
    return (long)current->tf->eax;
}

long sys_rt_sigaction(int sig, const struct kernel_sigaction __user *act,
                      struct kernel_sigaction __user *oact, uint32_t sigsetsize)
{
    if (sigsetsize != 8)
        return -EINVAL;
    if (sig < 1 || sig > _NSIG)
        return -EINVAL;
    struct kernel_sigaction new_act;
    if (act && copyin(&new_act, act, sizeof(new_act)) < 0)
        return -EFAULT;
    if (act && (sig == SIGKILL || sig == SIGSTOP))
        return -EINVAL;
    if (oact && copyout(oact, &current->sigact[sig], sizeof(*oact)) < 0)
        return -EFAULT;
    if (act) {
        current->sigact[sig] = new_act;
        /* Setting SIG_IGN (or a default that ignores) drops a pending one. */
        if (ignored(current, sig))
            current->sig_pending &= ~BIT(sig);
    }
    return 0;
}

long sys_signal(int sig, uint32_t handler)
{
    if (sig < 1 || sig > _NSIG || sig == SIGKILL || sig == SIGSTOP)
        return -EINVAL;
    uint32_t old = current->sigact[sig].handler;
    current->sigact[sig] = (struct kernel_sigaction){
        .handler = handler, .flags = SA_RESETHAND | SA_NODEFER,
    };
    return (long)old;
}

static long change_mask(int how, uint64_t set)
{
    switch (how) {
    case SIG_BLOCK: set_blocked(current->sig_blocked | set); return 0;
    case SIG_UNBLOCK: set_blocked(current->sig_blocked & ~set); return 0;
    case SIG_SETMASK: set_blocked(set); return 0;
    default: return -EINVAL;
    }
}

long sys_rt_sigprocmask(int how, const uint64_t __user *set, uint64_t __user *oset,
                        uint32_t sigsetsize)
{
    if (sigsetsize != 8)
        return -EINVAL;
    uint64_t old = current->sig_blocked, new_set = 0;
    if (set && copyin(&new_set, set, sizeof(new_set)) < 0)
        return -EFAULT;
    if (set && how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK)
        return -EINVAL;
    if (oset && copyout(oset, &old, sizeof(old)) < 0)
        return -EFAULT;
    return set ? change_mask(how, new_set) : 0;
}

long sys_sigprocmask(int how, const uint32_t __user *set, uint32_t __user *oset)
{
    uint32_t old = (uint32_t)current->sig_blocked, new_set = 0;
    if (set && copyin(&new_set, set, sizeof(new_set)) < 0)
        return -EFAULT;
    if (set && how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK)
        return -EINVAL;
    if (oset && copyout(oset, &old, sizeof(old)) < 0)
        return -EFAULT;
    if (!set)
        return 0;
    uint64_t full = how == SIG_SETMASK ? (current->sig_blocked & ~0xFFFFFFFFull) | new_set
                                       : new_set;
    return change_mask(how, full);
}

long sys_rt_sigpending(uint64_t __user *set, uint32_t sigsetsize)
{
    if (sigsetsize > 8)
        return -EINVAL;
    uint64_t pending = current->sig_pending & current->sig_blocked;
    return copyout(set, &pending, sigsetsize) < 0 ? -EFAULT : 0;
}

/* pause and sigsuspend end with -ERESTARTNOHAND, as on Linux: EINTR once a
 * handler has run, a restart if the signal was handled otherwise. */
long sys_pause(void)
{
    while (sched_sleep(&current->sig_pending) == 0)
        ;
    return -ERESTARTNOHAND;
}

long sys_rt_sigsuspend(const uint64_t __user *mask, uint32_t sigsetsize)
{
    uint64_t m;
    if (sigsetsize != 8)
        return -EINVAL;
    if (copyin(&m, mask, sizeof(m)) < 0)
        return -EFAULT;
    current->saved_mask = current->sig_blocked;
    current->has_saved_mask = true;
    set_blocked(m);
    while (sched_sleep(&current->sig_pending) == 0)
        ;
    return -ERESTARTNOHAND;
}

long sys_tgkill(pid_t tgid, pid_t tid, int sig)
{
    if (tgid != tid)
        return -ESRCH;
    return sys_kill(tid, sig);
}
