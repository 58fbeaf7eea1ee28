/*
 * printk.c: formatted kernel output on every console, and panic().
 * Formatting is libc's __format engine (libc/src/format.c), shared, not
 * rewritten.
 */
#include <kernel/console.h>
#include <kernel/ksyms.h>
#include <arch/arch.h>
#include <agora/format.h>
#include <stdarg.h>

static void emit(char c, void *ctx)
{
    (void)ctx;
    console_putc(c);
}

int printk(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = __format(emit, NULL, fmt, ap);
    va_end(ap);
    return n;
}

static bool panicking;

void panic(const char *fmt, ...)
{
    arch_irq_disable();
    if (panicking) {
        printk("\npanic during panic\n");
        arch_halt();
    }
    panicking = true;
    console_panic();
    printk("\nPANIC: ");
    va_list ap;
    va_start(ap, fmt);
    __format(emit, NULL, fmt, ap);
    va_end(ap);
    printk("\n");
    backtrace_print(arch_frame_pointer());
    printk("kernel panic: halted\n");
    arch_qemu_exit(QEMU_EXIT_FAIL);
    arch_halt();
}
