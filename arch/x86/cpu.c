/*
 * cpu.c: the arch_*() calls that the portable kernel uses.
 */
#include <arch/arch.h>
#include <arch/x86.h>
#include <arch/io.h>
#include <arch/trap.h>

void arch_init_cpu(void)
{
    gdt_init();
    idt_init();
    pic_init();
}

void arch_irq_enable(void) { sti(); }
void arch_irq_disable(void) { cli(); }
bool arch_irq_enabled(void) { return read_eflags() & EFLAGS_IF; }

/* Sleep until the next interrupt; interrupts are off again on return. */
void arch_idle(void)
{
    __asm__ volatile("sti; hlt; cli" ::: "memory");
}

void arch_halt(void)
{
    for (;;)
        __asm__ volatile("cli; hlt");
}

void arch_switch_pgdir(paddr_t pgdir_pa) { write_cr3(pgdir_pa); }
void arch_flush_tlb_page(vaddr_t va) { invlpg(va); }
void arch_flush_tlb_all(void) { write_cr3(read_cr3()); }
uint64_t arch_read_tsc(void) { return rdtsc(); }
uint32_t arch_fault_address(void) { return read_cr2(); }

uint32_t arch_frame_pointer(void)
{
    return (uint32_t)__builtin_frame_address(0);
}

void arch_qemu_exit(uint32_t code)
{
    outl(0xF4, code);
}

uint32_t arch_prepare_kstack(vaddr_t kstack_top, struct trapframe **tf_out)
{
    struct trapframe *tf = (struct trapframe *)(kstack_top - sizeof(*tf));
    uint32_t *sp = (uint32_t *)tf;
    *--sp = (uint32_t)trap_return;      /* arch_switch's ret goes here */
    *--sp = 0;                          /* ebp: ends backtraces */
    *--sp = 0;                          /* ebx */
    *--sp = 0;                          /* esi */
    *--sp = 0;                          /* edi */
    *tf_out = tf;
    return (uint32_t)sp;
}

void arch_init_user_frame(struct trapframe *tf, uint32_t eip, uint32_t esp)
{
    *tf = (struct trapframe){0};
    tf->cs = SEG_UCODE;
    tf->ds = tf->es = tf->fs = tf->ss = SEG_UDATA;
    tf->gs = SEG_UDATA;
    tf->eflags = EFLAGS_IF | 0x2;
    tf->eip = eip;
    tf->esp = esp;
}

void arch_set_tls(uint32_t base, uint32_t limit, int flags)
{
    gdt_set_tls(base, limit, flags & 2, flags & 1);
}

void kbd_init(void);
void arch_init_input(void)
{
    kbd_init();
    serial_enable_rx_irq();
    pic_unmask(IRQ_COM1);
}
