/*
 * arch.h: what the portable kernel may ask of the machine. Implemented in
 * arch/x86/. Nothing outside arch/x86 touches registers or ports directly.
 */
#ifndef ARCH_ARCH_H
#define ARCH_ARCH_H

#include <kernel/types.h>

struct trapframe;
struct kernel_sigaction;
struct siginfo_i386;

void arch_init_cpu(void);              /* GDT, TSS, IDT, PIC, FPU */
/* Give double faults their own task and stack (after the kernel page tables). */
void arch_init_double_fault(paddr_t kernel_cr3);
void arch_init_timer(unsigned hz);     /* PIT at hz, IRQ 0 */
void arch_irq_enable(void);
void arch_irq_disable(void);
/* Whether interrupts are on (EFLAGS.IF). Inline: the scheduler and the
 * allocators assert that they are off. */
static inline bool arch_irq_enabled(void)
{
    uint32_t flags;
    __asm__ volatile("pushfl; popl %0" : "=r"(flags));
    return flags & 0x200;
}
void arch_idle(void);                  /* wait for an interrupt, with IRQs on */
void arch_irq_window(void);            /* let pending interrupts in, then off again */
void arch_halt(void) __attribute__((noreturn));
void arch_set_kernel_stack(vaddr_t top);
void arch_switch_pgdir(paddr_t pgdir_pa);
void arch_flush_tlb_page(vaddr_t va);
void arch_flush_tlb_all(void);
uint64_t arch_read_tsc(void);
/* The TSC's rate in Hz, measured against the PIT (takes 30 ms); 0 if the
 * CPU has no TSC or the measurement failed. */
uint64_t arch_tsc_hz(void);
/* Busy-wait ms milliseconds on the PIT, interrupts on or off; false if
 * the PIT does not answer. */
bool arch_delay_ms(unsigned ms);

/* Wall-clock time from the CMOS RTC, in seconds since 1970. */
int64_t arch_rtc_read(void);

/* QEMU's isa-debug-exit: QEMU exits with (code << 1) | 1. Does nothing
 * until arch_qemu_exit_enable() (test, bench and bootcheck runs only). */
void arch_qemu_exit(uint32_t code);
void arch_qemu_exit_enable(void);
#define QEMU_EXIT_PASS 0x10
#define QEMU_EXIT_FAIL 0x11

/* Serial port COM1. serial_init probes it (the UART's loopback test);
 * without one, output is dropped at once and no interrupt is enabled. */
void serial_init(void);
bool serial_present(void);
void serial_putc(char c);
void serial_enable_rx_irq(void);

/* The PS/2 (8042) controller, as probed by arch_init_input. */
bool arch_ps2_present(void);

/* ACPI's "system I/O" address space (x86 ports), width 8, 16 or 32 bits:
 * for the fixed hardware registers the FADT names (PM1 control, SMI
 * command, reset register). */
uint32_t arch_pio_read(uint16_t port, unsigned width);
void arch_pio_write(uint16_t port, unsigned width, uint32_t value);
/* A byte write to PCI configuration space (mechanism #1), for a reset
 * register that lives there. */
void arch_pci_config_write8(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t reg, uint8_t value);
/* The last resorts to restart: the 8042's reset line (if there is one),
 * then a triple fault. Neither returns if it works. */
void arch_reset_8042(void);
void arch_triple_fault(void) __attribute__((noreturn));

/* Frame pointer walk for backtraces. */
uint32_t arch_frame_pointer(void);

/* Processes: kernel stacks, user frames, TLS, input devices. */
void arch_switch(uint32_t *save_esp, uint32_t load_esp);
/* Prepare a new kernel stack so that arch_switch to the returned esp
 * enters user mode with the registers in the trapframe at the top. */
uint32_t arch_prepare_kstack(vaddr_t kstack_top, struct trapframe **tf_out);
/* Set up a trapframe to enter user mode at eip with stack esp. */
void arch_init_user_frame(struct trapframe *tf, uint32_t eip, uint32_t esp);
void arch_set_tls(uint32_t base, uint32_t limit, int flags);
/* Make the data segment registers saved in a user frame loadable on the
 * way back to user mode: a selector whose descriptor (in the GDT as it is
 * now, with current's TLS) is not a present ring-3 data or readable code
 * segment becomes the null selector, as on Linux. Call after anything that
 * sets them from user input (sigreturn) or changes a descriptor behind
 * them (set_thread_area). */
void arch_sanitize_user_segments(struct trapframe *tf);
void arch_init_input(void);

/* FPU state: per process, switched eagerly. Areas are 16-byte aligned. */
#define FPU_AREA_SIZE 512
void arch_fpu_init(void);
void arch_fpu_save(void *area);
void arch_fpu_restore(const void *area);
void arch_fpu_reset(void *area);        /* the state after fninit */
void arch_fpu_sanitize(void *area);     /* make a user-supplied state loadable */

/* Signal frames (arch/x86/signal.c). Push the frame for a handler of
 * info->si_signo on the user stack of tf (with info when act has SA_SIGINFO),
 * saving the registers, the FPU state in fpu, fault_addr and the blocked mask
 * old, and point tf at act's handler. 0, or -EFAULT when the stack cannot
 * take the frame. */
int arch_sigframe_push(struct trapframe *tf, const struct kernel_sigaction *act,
                       const struct siginfo_i386 *info, uint64_t old, const void *fpu,
                       uint32_t fault_addr);
/* For sigreturn (rt: rt_sigreturn): reload tf, as far as a user may set it,
 * and the FPU (through the area fpu) from the frame below tf's esp, and
 * return the blocked mask it saved in *mask. 0, or -EFAULT if unreadable. */
int arch_sigframe_pop(struct trapframe *tf, bool rt, void *fpu, uint64_t *mask);
/* System-call restart (signal.c): the result in tf, and making the user
 * registers re-enter the call nr (eip back over int $0x80, eax = nr). */
long arch_syscall_result(const struct trapframe *tf);
void arch_syscall_set_result(struct trapframe *tf, long ret);
void arch_syscall_restart(struct trapframe *tf, uint32_t nr);
/* The user instruction pointer of tf, and setting it (rseq's abort). */
uint32_t arch_user_ip(const struct trapframe *tf);
void arch_set_user_ip(struct trapframe *tf, uint32_t ip);

/* Hardware randomness (random.c): RDRAND's next word into *out; false if
 * the CPU has no RDRAND or it gave up. */
bool arch_hw_random(uint32_t *out);

#endif
