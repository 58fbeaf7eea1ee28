/*
 * cpu.c: the arch_*() calls that the portable kernel uses.
 */
#include <arch/arch.h>
#include <arch/x86.h>
#include <arch/io.h>
#include <arch/trap.h>
#include <string.h>

void arch_init_cpu(void)
{
    gdt_init();
    idt_init();
    pic_init();
    arch_fpu_init();
}

void arch_irq_enable(void) { sti(); }
void arch_irq_disable(void) { cli(); }

/* Sleep until the next interrupt; interrupts are off again on return. */
void arch_idle(void)
{
    __asm__ volatile("sti; hlt; cli" ::: "memory");
}

/* Let pending interrupts in, then turn them off again (sti takes effect
 * after the next instruction, so the nop is the window). */
void arch_irq_window(void)
{
    __asm__ volatile("sti; nop; cli" ::: "memory");
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

uint32_t arch_frame_pointer(void)
{
    return (uint32_t)__builtin_frame_address(0);
}

static bool qemu_exit_enabled;

void arch_qemu_exit_enable(void)
{
    qemu_exit_enabled = true;
}

/* Port 0xF4 is QEMU's isa-debug-exit device; on a real PC it may be
 * anything, so nothing is written unless a test run asked for it. */
void arch_qemu_exit(uint32_t code)
{
    if (qemu_exit_enabled)
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

/* Input devices: the PS/2 keyboard if the 8042 probe finds one, COM1's
 * receive interrupt if serial_init found the UART. */
void arch_init_input(void)
{
    kbd_init();
    if (serial_present()) {
        serial_enable_rx_irq();
        pic_unmask(IRQ_COM1);
    }
}

uint32_t arch_pio_read(uint16_t port, unsigned width)
{
    switch (width) {
    case 8: return inb(port);
    case 16: return inw(port);
    default: return inl(port);
    }
}

void arch_pio_write(uint16_t port, unsigned width, uint32_t value)
{
    switch (width) {
    case 8: outb(port, (uint8_t)value); break;
    case 16: outw(port, (uint16_t)value); break;
    default: outl(port, value); break;
    }
}

void arch_pci_config_write8(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t reg, uint8_t value)
{
    outl(0xCF8, 0x80000000u | (uint32_t)bus << 16 | (uint32_t)(dev & 31) << 11 |
                (uint32_t)(fn & 7) << 8 | (reg & 0xFC));
    outb((uint16_t)(0xCFC + (reg & 3)), value);
}

/* An empty IDT: the breakpoint cannot be delivered, nor the double fault
 * that follows, and the CPU shuts down, which the chipset turns into a
 * reset. */
void arch_triple_fault(void)
{
    static const struct { uint16_t limit; uint32_t base; } __attribute__((packed)) none = { 0, 0 };
    __asm__ volatile("cli; lidt %0; int3" : : "m"(none));
    arch_halt();
}

/* ---- FPU ------------------------------------------------------------------
 * Every process has its own x87/SSE state, saved and restored eagerly at
 * each switch (fxsave/fxrstor where the CPU has them, fnsave/frstor
 * otherwise). The kernel itself never touches the FPU (-mgeneral-regs-only).
 */
static bool have_fxsr;
static uint32_t mxcsr_mask = 0xFFBF;
static uint8_t fpu_initial[FPU_AREA_SIZE] __attribute__((aligned(16)));

void arch_fpu_init(void)
{
    uint32_t eax = 1, ebx, ecx, edx;
    __asm__ volatile("cpuid" : "+a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx));
    have_fxsr = edx & (1u << 24);
    uint32_t cr0 = read_cr0();
    cr0 &= ~(1u << 2);                  /* EM off: x87 instructions run */
    cr0 &= ~(1u << 3);                  /* TS off: no lazy switching */
    cr0 |= (1u << 1) | (1u << 5);       /* MP, NE: native FPU errors */
    __asm__ volatile("mov %0, %%cr0" : : "r"(cr0));
    if (have_fxsr) {
        uint32_t cr4 = read_cr4() | (1u << 9) | ((edx & (1u << 25)) ? (1u << 10) : 0);
        __asm__ volatile("mov %0, %%cr4" : : "r"(cr4));
    }
    __asm__ volatile("fninit");
    arch_fpu_save(fpu_initial);
    if (have_fxsr) {
        uint32_t mask;
        memcpy(&mask, fpu_initial + 28, 4);
        if (mask)
            mxcsr_mask = mask;
    }
}

void arch_fpu_save(void *area)
{
    if (have_fxsr)
        __asm__ volatile("fxsave (%0)" : : "r"(area) : "memory");
    else
        __asm__ volatile("fnsave (%0); frstor (%0)" : : "r"(area) : "memory");
}

void arch_fpu_restore(const void *area)
{
    if (have_fxsr)
        __asm__ volatile("fxrstor (%0)" : : "r"(area) : "memory");
    else
        __asm__ volatile("frstor (%0)" : : "r"(area) : "memory");
}

void arch_fpu_reset(void *area)
{
    memcpy(area, fpu_initial, FPU_AREA_SIZE);
}

/* Make a state that came from user memory safe to load: MXCSR reserved
 * bits would fault in fxrstor. */
void arch_fpu_sanitize(void *area)
{
    if (have_fxsr) {
        uint32_t mxcsr;
        memcpy(&mxcsr, (uint8_t *)area + 24, 4);
        mxcsr &= mxcsr_mask;
        memcpy((uint8_t *)area + 24, &mxcsr, 4);
    }
}
