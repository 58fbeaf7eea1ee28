/*
 * trap.c: where every interrupt, exception and system call arrives.
 * IRQs go to their drivers; int $0x80 to the system-call table; a fault in
 * user mode becomes a signal for the process; a fault in kernel mode is a
 * kernel bug and panics with the registers and a symbolized backtrace.
 */
#include <arch/trap.h>
#include <arch/arch.h>
#include <arch/x86.h>
#include <arch/mmu.h>
#include <kernel/console.h>
#include <kernel/ksyms.h>
#include <kernel/sched.h>
#include <kernel/trap.h>
#include <kernel/vm.h>
#include <uapi/signal.h>
#include <uapi/errno.h>

static const char *const exception_names[32] = {
    "divide error", "debug", "NMI", "breakpoint", "overflow", "bound range",
    "invalid opcode", "device not available", "double fault", "coprocessor overrun",
    "invalid TSS", "segment not present", "stack fault", "general protection",
    "page fault", "reserved", "x87 FPU error", "alignment check", "machine check",
    "SIMD error", "virtualization", "control protection",
};

static void dump_registers(const struct trapframe *tf)
{
    printk("  eax=%08x ebx=%08x ecx=%08x edx=%08x\n", tf->eax, tf->ebx, tf->ecx, tf->edx);
    printk("  esi=%08x edi=%08x ebp=%08x eflags=%08x\n", tf->esi, tf->edi, tf->ebp, tf->eflags);
    printk("  eip=%08x cs=%04x err=%08x cr2=%08x cr3=%08x\n", tf->eip, tf->cs, tf->err,
           read_cr2(), read_cr3());
}

/* A fault the kernel cannot blame on a user program. */
static void __attribute__((noreturn)) kernel_fault(struct trapframe *tf)
{
    const char *name = tf->trapno < 32 && exception_names[tf->trapno]
                           ? exception_names[tf->trapno] : "exception";
    arch_irq_disable();
    console_panic();
    printk("\nPANIC: %s (vector %u) in kernel mode\n", name, tf->trapno);
    if (tf->trapno == T_PGFLT) {
        uint32_t cr2 = read_cr2();
        printk("  page fault at %08x: %s, %s%s\n", cr2,
               (tf->err & PF_PRESENT) ? "protection violation" : "page not present",
               (tf->err & PF_WRITE) ? "write" : "read",
               vm_is_kstack_guard(cr2) ? " (kernel stack overflow)" : "");
    }
    dump_registers(tf);
    uint32_t off = 0;
    const char *fn = ksym_lookup(tf->eip, &off);
    printk("faulting instruction:\n  [<%08x>] %s+0x%x\n", tf->eip, fn ? fn : "?", off);
    backtrace_print(tf->ebp);
    printk("kernel panic: halted\n");
    arch_qemu_exit(QEMU_EXIT_FAIL);
    arch_halt();
}

void double_fault_report(uint32_t eip, uint32_t esp, uint32_t ebp)
{
    console_panic();
    printk("\nPANIC: double fault in kernel mode%s\n",
           vm_is_kstack_guard(esp - 4) || vm_is_kstack_guard(esp) ? " (kernel stack overflow)" : "");
    printk("  eip=%08x esp=%08x ebp=%08x cr2=%08x\n", eip, esp, ebp, read_cr2());
    uint32_t off = 0;
    const char *fn = ksym_lookup(eip, &off);
    printk("faulting instruction:\n  [<%08x>] %s+0x%x\n", eip, fn ? fn : "?", off);
    backtrace_print(ebp);
    printk("kernel panic: halted\n");
    arch_qemu_exit(QEMU_EXIT_FAIL);
    arch_halt();
}

/*
 * Did the kernel fault in trap_return, while popping the user frame of
 * current (a data segment selector that cannot be loaded, or iret)? The
 * CPU pushed the fault's frame just below the esp of the moment, which lies
 * inside the user frame being popped.
 */
static bool fault_returning_to_user(const struct trapframe *tf)
{
    uint32_t esp = (uint32_t)&tf->esp;  /* no ring change: esp was not pushed */
    uint32_t utf = (uint32_t)proc_user_frame();
    return tf->eip >= (uint32_t)trap_return && tf->eip < (uint32_t)trap_return_end &&
           utf && esp >= utf && esp <= utf + sizeof(struct trapframe);
}

/*
 * The last line of defence behind arch_sanitize_user_segments: the process
 * gets SIGSEGV with safe selectors, and the kernel stack restarts from its
 * user frame. Never returns.
 */
static void __attribute__((noreturn)) return_fault(struct trapframe *tf)
{
    struct trapframe *utf = proc_user_frame();
    /* The fault's own frame overwrote the selectors already popped. */
    printk("trap: %s (error code %x) in trap_return: SIGSEGV to the process\n",
           exception_names[tf->trapno & 31] ? exception_names[tf->trapno & 31] : "exception",
           tf->err);
    utf->ds = utf->es = SEG_UDATA;
    utf->fs = utf->gs = 0;
    proc_fault_signal(SIGSEGV, 0, SI_KERNEL);
    proc_return_to_user(utf, false);
    trap_resume(utf);
}

static void user_fault(struct trapframe *tf)
{
    switch (tf->trapno) {
    case T_PGFLT: {
        uint32_t addr = read_cr2();
        int err = proc_page_fault(addr, tf->err & PF_WRITE);
        if (err == 0)
            return;
        if (err == -ENOMEM)             /* no frame for the page: as Linux's OOM kill */
            proc_exit_by_signal(SIGKILL);
        if (err == -EIO)                /* past the end of a mapped file */
            proc_fault_signal(SIGBUS, addr, BUS_ADRERR);
        else
            proc_fault_signal(SIGSEGV, addr, err == -EACCES ? SEGV_ACCERR : SEGV_MAPERR);
        return;
    }
    case T_DIVIDE:
        proc_fault_signal(SIGFPE, tf->eip, FPE_INTDIV);
        return;
    case T_ILLOP:
        proc_fault_signal(SIGILL, tf->eip, ILL_ILLOPN);
        return;
    case T_BRKPT:
        proc_fault_signal(SIGTRAP, tf->eip, SI_KERNEL);
        return;
    case T_DEBUG:
        proc_fault_signal(SIGTRAP, tf->eip, TRAP_TRACE);
        return;
    case T_FPERR:
        proc_fault_signal(SIGFPE, tf->eip, FPE_FLTINV);
        return;
    default:            /* general protection and the rest */
        proc_fault_signal(SIGSEGV, 0, SI_KERNEL);
        return;
    }
}

/*
 * A trap from virtual-8086 mode. A real CPU never lets ring 3 set EFLAGS.VM
 * with iret, but QEMU's TCG does. agora has no v86 support, and the frame
 * is not the process's saved user frame (the CPU pushed four segment
 * registers more, so it sits 16 bytes lower): the process dies by SIGSEGV.
 */
static void __attribute__((noreturn)) v86_trap(void)
{
    printk("trap: a process entered virtual-8086 mode: SIGSEGV\n");
    proc_exit_by_signal(SIGSEGV);
}

void trap(struct trapframe *tf)
{
    if (tf->trapno >= T_IRQ0 && tf->trapno < T_IRQ0 + 16) {
        int irq = (int)tf->trapno - T_IRQ0;
        pic_eoi(irq);
        if (irq == IRQ_TIMER)
            sched_tick();
        else if (irq == IRQ_COM1)
            serial_irq();
        else if (irq == IRQ_KBD)
            kbd_irq();
    } else if (tf->trapno == T_SYSCALL) {
        syscall_dispatch(tf);
    } else if (tf->eflags & EFLAGS_VM) {
        v86_trap();
    } else if (trap_from_user(tf)) {
        user_fault(tf);
    } else if (fault_returning_to_user(tf)) {
        return_fault(tf);
    } else {
        kernel_fault(tf);
    }
    if (tf->eflags & EFLAGS_VM)
        v86_trap();
    if (trap_from_user(tf))
        proc_return_to_user(tf, tf->trapno == T_IRQ0 + IRQ_TIMER);
}
