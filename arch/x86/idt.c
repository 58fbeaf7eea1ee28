/*
 * idt.c: the Interrupt Descriptor Table and the 8259 PICs.
 * Every vector is an interrupt gate, so the CPU clears IF on entry: agora's
 * kernel runs with interrupts off and turns them on only while idle. That
 * one rule replaces locks on a single CPU. int $0x80 has DPL 3 so user code
 * may raise it.
 */
#include <arch/trap.h>
#include <arch/io.h>

struct idt_entry {
    uint16_t off_lo;
    uint16_t sel;
    uint8_t zero;
    uint8_t type_attr;
    uint16_t off_hi;
} __attribute__((packed));

static struct idt_entry idt[256];
extern const uint32_t vectors[];

static void set_gate(int n, uint32_t handler, int dpl)
{
    idt[n].off_lo = handler & 0xFFFF;
    idt[n].sel = SEG_KCODE;
    idt[n].zero = 0;
    idt[n].type_attr = (uint8_t)(0x8E | (dpl << 5));   /* present, 32-bit interrupt gate */
    idt[n].off_hi = handler >> 16;
}

void idt_set_task_gate(int n, uint16_t tss_selector)
{
    idt[n].off_lo = 0;
    idt[n].sel = tss_selector;
    idt[n].zero = 0;
    idt[n].type_attr = 0x85;            /* present, DPL 0, task gate */
    idt[n].off_hi = 0;
}

void idt_init(void)
{
    for (int i = 0; i < 48; i++)
        set_gate(i, vectors[i], 0);
    set_gate(T_BRKPT, vectors[T_BRKPT], 3);     /* int3 and into from user mode */
    set_gate(4, vectors[4], 3);
    set_gate(T_SYSCALL, vectors[48], 3);
    struct { uint16_t size; uint32_t base; } __attribute__((packed)) idtr = {
        sizeof(idt) - 1, (uint32_t)idt
    };
    __asm__ volatile("lidt %0" : : "m"(idtr));
}

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xA0
#define PIC2_DATA 0xA1

static uint16_t irq_mask = 0xFFFF & ~(1 << 2);   /* cascade line open */

static void pic_write_mask(void)
{
    outb(PIC1_DATA, irq_mask & 0xFF);
    outb(PIC2_DATA, irq_mask >> 8);
}

/* Remap IRQs 0-15 to vectors 32-47, all masked but the cascade. */
void pic_init(void)
{
    outb(PIC1_CMD, 0x11); io_wait();
    outb(PIC2_CMD, 0x11); io_wait();
    outb(PIC1_DATA, T_IRQ0); io_wait();
    outb(PIC2_DATA, T_IRQ0 + 8); io_wait();
    outb(PIC1_DATA, 4); io_wait();
    outb(PIC2_DATA, 2); io_wait();
    outb(PIC1_DATA, 0x01); io_wait();
    outb(PIC2_DATA, 0x01); io_wait();
    pic_write_mask();
}

void pic_unmask(int irq)
{
    irq_mask &= (uint16_t)~(1 << irq);
    pic_write_mask();
}

void pic_eoi(int irq)
{
    if (irq >= 8)
        outb(PIC2_CMD, 0x20);
    outb(PIC1_CMD, 0x20);
}
