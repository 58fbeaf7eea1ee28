/*
 * trap.h: the register frame that entry.S pushes for every interrupt,
 * exception and system call, and the segment selectors.
 */
#ifndef ARCH_TRAP_H
#define ARCH_TRAP_H

#define SEG_KCODE 0x08
#define SEG_KDATA 0x10
#define SEG_UCODE 0x1B          /* GDT index 3, RPL 3 */
#define SEG_UDATA 0x23          /* GDT index 4, RPL 3 */
#define SEG_TSS   0x28
#define SEG_TLS   0x33          /* GDT index 6, set_thread_area */
#define GDT_TLS_INDEX 6

#define T_DIVIDE  0
#define T_DEBUG   1
#define T_NMI     2
#define T_BRKPT   3
#define T_ILLOP   6
#define T_DBLFLT  8
#define T_GPFLT   13
#define T_PGFLT   14
#define T_FPERR   16
#define T_IRQ0    32
#define T_SYSCALL 0x80

#define IRQ_TIMER  0
#define IRQ_KBD    1
#define IRQ_COM1   4

#ifndef __ASSEMBLY__
#include <stdint.h>

struct trapframe {
    uint32_t gs, fs, es, ds;
    uint32_t edi, esi, ebp, esp_unused, ebx, edx, ecx, eax;   /* pusha */
    uint32_t trapno, err;
    uint32_t eip, cs, eflags;       /* pushed by the CPU */
    uint32_t esp, ss;               /* pushed only on a change of ring */
};

/* From ring 3, or from virtual-8086 mode (whose cs can be anything). */
static inline int trap_from_user(const struct trapframe *tf)
{
    return (tf->cs & 3) == 3 || (tf->eflags & 0x20000);
}

void trap(struct trapframe *tf);
void trap_return(void);             /* entry.S: pop a trapframe and iret */
extern char trap_return_end[];      /* entry.S: the end of trap_return */
/* entry.S: make tf the top of the kernel stack and return to user mode. */
void trap_resume(struct trapframe *tf) __attribute__((noreturn));
void idt_init(void);
void idt_set_task_gate(int n, uint16_t tss_selector);
/* trap.c: report a double fault (state saved by the task switch). */
void double_fault_report(uint32_t eip, uint32_t esp, uint32_t ebp) __attribute__((noreturn));
void gdt_init(void);
void gdt_set_tls(uint32_t base, uint32_t limit, int limit_in_pages, int present);
void pic_init(void);
void pic_eoi(int irq);
void pic_unmask(int irq);
/* The drivers' interrupt handlers, called by trap() for their IRQ. */
void serial_irq(void);
void kbd_irq(void);
void kbd_init(void);                /* probe the 8042; if there, unmask IRQ 1 */
#endif

#endif
