/*
 * signal.c: posting and delivering signals, sigaction, sigprocmask and the
 * signal frames.
 *
 * A signal is posted by setting its bit in p->sig_pending. It is delivered
 * on the way back to user mode (proc_return_to_user): the default action
 * ends the process (or ignores the signal), a handler gets a frame pushed
 * on the user stack laid out as Linux i386 does (struct sigframe, or
 * struct rt_sigframe with SA_SIGINFO) and returns through the restorer
 * into sigreturn/rt_sigreturn, which restore the saved registers.
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
#include <uapi/errno.h>
#include <uapi/wait.h>
#include <string.h>

#define BIT(sig) (1ull << ((sig) - 1))
#define UNBLOCKABLE (BIT(SIGKILL) | BIT(SIGSTOP))

struct sigframe {
    uint32_t pretcode;
    int32_t sig;
    struct sigcontext_i386 sc;
    uint32_t extramask;
    uint8_t retcode[8];
    uint8_t fpstate[FPU_AREA_SIZE];     /* sc.fpstate points here */
};

struct rt_sigframe {
    uint32_t pretcode;
    int32_t sig;
    uint32_t pinfo;
    uint32_t puc;
    struct siginfo_i386 info;
    struct ucontext_i386 uc;
    uint8_t retcode[8];
    uint8_t fpstate[FPU_AREA_SIZE];     /* uc.uc_mcontext.fpstate points here */
};

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

static void save_context(const struct trapframe *tf, struct sigcontext_i386 *sc,
                         uint32_t oldmask)
{
    memset(sc, 0, sizeof(*sc));
    sc->gs = (uint16_t)tf->gs; sc->fs = (uint16_t)tf->fs;
    sc->es = (uint16_t)tf->es; sc->ds = (uint16_t)tf->ds;
    sc->edi = tf->edi; sc->esi = tf->esi; sc->ebp = tf->ebp; sc->esp = tf->esp;
    sc->ebx = tf->ebx; sc->edx = tf->edx; sc->ecx = tf->ecx; sc->eax = tf->eax;
    sc->trapno = tf->trapno; sc->err = tf->err; sc->eip = tf->eip;
    sc->cs = (uint16_t)tf->cs; sc->eflags = tf->eflags;
    sc->esp_at_signal = tf->esp; sc->ss = (uint16_t)tf->ss;
    sc->oldmask = oldmask;
    sc->cr2 = current->fault_addr;
}

/* Load the FPU state saved at user address fpstate (0: a clean state). */
static void restore_fpu(uint32_t fpstate)
{
    if (!fpstate || copyin(current->fpu, (const void __user *)fpstate, FPU_AREA_SIZE) < 0)
        arch_fpu_reset(current->fpu);
    arch_fpu_sanitize(current->fpu);
    arch_fpu_restore(current->fpu);
}

/* Restore user registers from a frame the user could have changed: cs and
 * ss stay ours, only the flags a user may set change, and a data segment
 * selector that could not be loaded becomes null (Linux's result too). */
static void restore_context(struct trapframe *tf, const struct sigcontext_i386 *sc)
{
    const uint32_t user_flags = 0x40DD5;    /* CF PF AF ZF SF TF DF OF AC */
    tf->edi = sc->edi; tf->esi = sc->esi; tf->ebp = sc->ebp; tf->esp = sc->esp;
    tf->ebx = sc->ebx; tf->edx = sc->edx; tf->ecx = sc->ecx; tf->eax = sc->eax;
    tf->eip = sc->eip;
    tf->eflags = (tf->eflags & ~user_flags) | (sc->eflags & user_flags);
    tf->cs = SEG_UCODE;
    tf->ss = SEG_UDATA;
    tf->ds = sc->ds; tf->es = sc->es; tf->fs = sc->fs; tf->gs = sc->gs;
    arch_sanitize_user_segments(tf);
}

static void set_blocked(uint64_t mask)
{
    current->sig_blocked = mask & ~UNBLOCKABLE;
}

/* Push a frame for sig and point the user registers at its handler.
 * Returns false if the user stack cannot take it. */
static bool setup_frame(struct trapframe *tf, int sig, const struct kernel_sigaction *act)
{
    arch_fpu_save(current->fpu);        /* the interrupted code's FPU state */
    /* sigsuspend parked the mask to restore after the handler. */
    uint64_t old = current->has_saved_mask ? current->saved_mask : current->sig_blocked;
    current->has_saved_mask = false;
    bool rt = act->flags & SA_SIGINFO;
    uint32_t size = rt ? sizeof(struct rt_sigframe) : sizeof(struct sigframe);
    /* At handler entry (esp + 4) is 16-byte aligned, as the i386 ABI wants. */
    uint32_t sp = ((tf->esp - size - 128 + 4) & ~15u) - 4;
    int err;
    if (rt) {
        struct rt_sigframe f;
        memset(&f, 0, sizeof(f));
        f.sig = sig;
        f.pinfo = sp + offsetof(struct rt_sigframe, info);
        f.puc = sp + offsetof(struct rt_sigframe, uc);
        f.info.si_signo = sig;
        if (current->sig_sender[sig] == -1) {       /* a fault */
            f.info.si_code = current->fault_code;
            f.info.si_addr = current->fault_addr;
        } else if (current->sig_sender[sig] > 0) {  /* kill() */
            f.info.si_code = SI_USER;
            f.info.si_pid = current->sig_sender[sig];
            f.info.si_uid = current->sig_sender_uid[sig];
        } else {
            f.info.si_code = SI_KERNEL;
        }
        save_context(tf, &f.uc.uc_mcontext, (uint32_t)old);
        memcpy(f.fpstate, current->fpu, sizeof(f.fpstate));
        f.uc.uc_mcontext.fpstate = sp + offsetof(struct rt_sigframe, fpstate);
        f.uc.uc_sigmask[0] = (uint32_t)old;
        f.uc.uc_sigmask[1] = (uint32_t)(old >> 32);
        static const uint8_t code[8] = { 0xB8, 0xAD, 0, 0, 0, 0xCD, 0x80, 0 };   /* mov $173,%eax; int $0x80 */
        memcpy(f.retcode, code, sizeof(code));
        f.pretcode = (act->flags & SA_RESTORER) ? act->restorer
                                                : sp + offsetof(struct rt_sigframe, retcode);
        err = copyout((void __user *)sp, &f, sizeof(f));
        tf->edx = f.pinfo;
        tf->ecx = f.puc;
    } else {
        struct sigframe f;
        memset(&f, 0, sizeof(f));
        f.sig = sig;
        save_context(tf, &f.sc, (uint32_t)old);
        memcpy(f.fpstate, current->fpu, sizeof(f.fpstate));
        f.sc.fpstate = sp + offsetof(struct sigframe, fpstate);
        f.extramask = (uint32_t)(old >> 32);
        static const uint8_t code[8] = { 0x58, 0xB8, 0x77, 0, 0, 0, 0xCD, 0x80 };  /* pop %eax; mov $119,%eax; int $0x80 */
        memcpy(f.retcode, code, sizeof(code));
        f.pretcode = (act->flags & SA_RESTORER) ? act->restorer
                                                : sp + offsetof(struct sigframe, retcode);
        err = copyout((void __user *)sp, &f, sizeof(f));
        tf->edx = tf->ecx = 0;
    }
    if (err < 0)
        return false;
    tf->esp = sp;
    tf->eip = act->handler;
    tf->ds = tf->es = SEG_UDATA;        /* whatever the interrupted code had, as Linux */
    tf->eax = (uint32_t)sig;
    tf->eflags &= ~0x500u;              /* handler starts with TF and DF clear */
    arch_fpu_reset(current->fpu);       /* and a clean FPU, as on Linux */
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
        if (!ready)
            return;
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
    if (timer)
        sched_preempt_check();
    deliver_signals(tf);
    if (current->has_saved_mask) {      /* sigsuspend woke without a handler */
        set_blocked(current->saved_mask);
        current->has_saved_mask = false;
    }
}

long sys_sigreturn(void)
{
    struct trapframe *tf = current->tf;
    struct sigframe f;
    /* The restorer popped pretcode (ret) and sig (pop %eax). */
    if (copyin(&f, (const void __user *)(tf->esp - 8), sizeof(f)) < 0)
        proc_exit(W_EXITCODE(0, SIGSEGV));
    restore_context(tf, &f.sc);
    restore_fpu(f.sc.fpstate);
    set_blocked(((uint64_t)f.extramask << 32) | f.sc.oldmask);
    return (long)tf->eax;
}

long sys_rt_sigreturn(void)
{
    struct trapframe *tf = current->tf;
    struct rt_sigframe f;
    /* The restorer's ret popped pretcode only. */
    if (copyin(&f, (const void __user *)(tf->esp - 4), sizeof(f)) < 0)
        proc_exit(W_EXITCODE(0, SIGSEGV));
    restore_context(tf, &f.uc.uc_mcontext);
    restore_fpu(f.uc.uc_mcontext.fpstate);
    set_blocked(((uint64_t)f.uc.uc_sigmask[1] << 32) | f.uc.uc_sigmask[0]);
    return (long)tf->eax;
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

long sys_pause(void)
{
    while (sched_sleep(&current->sig_pending) == 0)
        ;
    return -EINTR;
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
    return -EINTR;
}

long sys_tgkill(pid_t tgid, pid_t tid, int sig)
{
    if (tgid != tid)
        return -ESRCH;
    return sys_kill(tid, sig);
}
