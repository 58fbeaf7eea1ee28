/*
 * signal.c (x86): the machine half of signal delivery. arch_sigframe_push
 * saves the interrupted registers and FPU state in a Linux i386 frame
 * (arch/sigframe.h) on the user stack and points the registers at the
 * handler; arch_sigframe_pop, for sigreturn, reloads them from the frame.
 * Which signal, which mask and when is kernel/proc/signal.c's business.
 * Also the register half of system-call restart (arch_syscall_restart).
 */
#include <arch/sigframe.h>
#include <arch/trap.h>
#include <kernel/uaccess.h>
#include <uapi/errno.h>
#include <stddef.h>
#include <string.h>

_Static_assert(__NR_sigreturn < 256 && __NR_rt_sigreturn < 256,
               "the trampolines hold the numbers in one byte");

static void save_context(const struct trapframe *tf, struct sigcontext_i386 *sc,
                         uint32_t oldmask, uint32_t fault_addr)
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
    sc->cr2 = fault_addr;
}

/* Restore user registers from a frame the user could have changed: cs and
 * ss stay ours, only the flags a user may set change, and a data segment
 * selector that could not be loaded becomes null (Linux's result too). */
static void restore_context(struct trapframe *tf, const struct sigcontext_i386 *sc)
{
    tf->edi = sc->edi; tf->esi = sc->esi; tf->ebp = sc->ebp; tf->esp = sc->esp;
    tf->ebx = sc->ebx; tf->edx = sc->edx; tf->ecx = sc->ecx; tf->eax = sc->eax;
    tf->eip = sc->eip;
    tf->eflags = (tf->eflags & ~SIGRETURN_EFLAGS) | (sc->eflags & SIGRETURN_EFLAGS);
    tf->cs = SEG_UCODE;
    tf->ss = SEG_UDATA;
    tf->ds = sc->ds; tf->es = sc->es; tf->fs = sc->fs; tf->gs = sc->gs;
    arch_sanitize_user_segments(tf);
}

/* Load the FPU state saved at user address fpstate (0: a clean state). */
static void restore_fpu(void *fpu, uint32_t fpstate)
{
    if (!fpstate || copyin(fpu, (const void __user *)fpstate, FPU_AREA_SIZE) < 0)
        arch_fpu_reset(fpu);
    arch_fpu_sanitize(fpu);
    arch_fpu_restore(fpu);
}

int arch_sigframe_push(struct trapframe *tf, const struct kernel_sigaction *act,
                       const struct siginfo_i386 *info, uint64_t old, const void *fpu,
                       uint32_t fault_addr)
{
    int sig = info->si_signo;
    bool rt = act->flags & SA_SIGINFO;
    uint32_t size = rt ? sizeof(struct rt_sigframe) : sizeof(struct sigframe);
    /* At handler entry (esp + 4) is 16-byte aligned, as the i386 ABI wants. */
    uint32_t sp = ((tf->esp - size - 128 + 4) & ~15u) - 4;
    int err;
    if (rt) {
        static const uint8_t code[8] = RT_SIGFRAME_RETCODE;
        struct rt_sigframe f;
        memset(&f, 0, sizeof(f));
        f.sig = sig;
        f.pinfo = sp + offsetof(struct rt_sigframe, info);
        f.puc = sp + offsetof(struct rt_sigframe, uc);
        f.info = *info;
        save_context(tf, &f.uc.uc_mcontext, (uint32_t)old, fault_addr);
        memcpy(f.fpstate, fpu, sizeof(f.fpstate));
        f.uc.uc_mcontext.fpstate = sp + offsetof(struct rt_sigframe, fpstate);
        f.uc.uc_sigmask[0] = (uint32_t)old;
        f.uc.uc_sigmask[1] = (uint32_t)(old >> 32);
        memcpy(f.retcode, code, sizeof(code));
        f.pretcode = (act->flags & SA_RESTORER) ? act->restorer
                                                : sp + offsetof(struct rt_sigframe, retcode);
        err = copyout((void __user *)sp, &f, sizeof(f));
        tf->edx = f.pinfo;
        tf->ecx = f.puc;
    } else {
        static const uint8_t code[8] = SIGFRAME_RETCODE;
        struct sigframe f;
        memset(&f, 0, sizeof(f));
        f.sig = sig;
        save_context(tf, &f.sc, (uint32_t)old, fault_addr);
        memcpy(f.fpstate, fpu, sizeof(f.fpstate));
        f.sc.fpstate = sp + offsetof(struct sigframe, fpstate);
        f.extramask = (uint32_t)(old >> 32);
        memcpy(f.retcode, code, sizeof(code));
        f.pretcode = (act->flags & SA_RESTORER) ? act->restorer
                                                : sp + offsetof(struct sigframe, retcode);
        err = copyout((void __user *)sp, &f, sizeof(f));
        tf->edx = tf->ecx = 0;
    }
    if (err < 0)
        return -EFAULT;
    tf->esp = sp;
    tf->eip = act->handler;
    tf->ds = tf->es = SEG_UDATA;        /* whatever the interrupted code had, as Linux */
    tf->eax = (uint32_t)sig;
    tf->eflags &= ~(EFLAGS_TF | EFLAGS_DF);     /* the handler starts with both clear */
    return 0;
}

int arch_sigframe_pop(struct trapframe *tf, bool rt, void *fpu, uint64_t *mask)
{
    if (rt) {
        struct rt_sigframe f;
        /* The restorer's ret popped pretcode only. */
        if (copyin(&f, (const void __user *)(tf->esp - 4), sizeof(f)) < 0)
            return -EFAULT;
        restore_context(tf, &f.uc.uc_mcontext);
        restore_fpu(fpu, f.uc.uc_mcontext.fpstate);
        *mask = ((uint64_t)f.uc.uc_sigmask[1] << 32) | f.uc.uc_sigmask[0];
    } else {
        struct sigframe f;
        /* The restorer popped pretcode (ret) and sig (pop %eax). */
        if (copyin(&f, (const void __user *)(tf->esp - 8), sizeof(f)) < 0)
            return -EFAULT;
        restore_context(tf, &f.sc);
        restore_fpu(fpu, f.sc.fpstate);
        *mask = ((uint64_t)f.extramask << 32) | f.sc.oldmask;
    }
    return 0;
}

/* System-call restart: Linux's i386 handle_signal/do_signal. The result is
 * in eax; int $0x80 is two bytes long (0xCD 0x80), so eip - 2 re-executes
 * it with eax = the call's number. */
long arch_syscall_result(const struct trapframe *tf)
{
    return (long)tf->eax;
}

void arch_syscall_set_result(struct trapframe *tf, long ret)
{
    tf->eax = (uint32_t)ret;
}

void arch_syscall_restart(struct trapframe *tf, uint32_t nr)
{
    tf->eax = nr;
    tf->eip -= 2;
}

uint32_t arch_user_ip(const struct trapframe *tf)
{
    return tf->eip;
}

void arch_set_user_ip(struct trapframe *tf, uint32_t ip)
{
    tf->eip = ip;
}
