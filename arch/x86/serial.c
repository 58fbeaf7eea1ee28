/*
 * serial.c: COM1 at 115200 8N1. Output is polled (it must work in a panic);
 * input arrives by IRQ 4 and is handed to the console line discipline.
 *
 * Many PCs sold today have no COM1 at all, and there the ports read 0xFF:
 * a transmit loop waiting for "holding register empty" would see it set
 * and write into nothing, but a loop waiting for anything else would spin.
 * So serial_init probes first with the UART's own loopback mode (MCR bit
 * 4 connects the transmitter to the receiver inside the chip): a byte
 * written must come back. Without a UART serial_putc returns at once and
 * no serial interrupt is ever enabled.
 */
#include <arch/arch.h>
#include <arch/io.h>
#include <arch/trap.h>
#include <kernel/console.h>

#define COM1 0x3F8
#define REG_DATA 0                      /* receive buffer / transmit holding */
#define REG_IER 1                       /* interrupt enable */
#define REG_FCR 2                       /* FIFO control (write) */
#define REG_LCR 3                       /* line control; bit 7: DLAB */
#define REG_MCR 4                       /* modem control; bit 4: loopback */
#define REG_LSR 5                       /* line status */
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20
#define MCR_NORMAL 0x0B                 /* DTR, RTS, OUT2 (the IRQ line gate) */
#define MCR_LOOPBACK 0x1E               /* loopback with RTS, OUT1, OUT2 */

static bool present;

/* The loopback test: two patterns through the chip's internal loop. Each
 * wait is bounded (a missing UART reads 0xFF: "data ready" is set then,
 * and the byte read back, 0xFF, fails the comparison). */
static bool loopback_ok(void)
{
    static const uint8_t patterns[] = { 0xAE, 0x51 };
    outb(COM1 + REG_MCR, MCR_LOOPBACK);
    for (unsigned i = 0; i < sizeof(patterns); i++) {
        for (int n = 0; n < 64 && (inb(COM1 + REG_LSR) & LSR_DATA_READY); n++)
            inb(COM1 + REG_DATA);       /* drop what was waiting */
        outb(COM1 + REG_DATA, patterns[i]);
        int spins = 0;
        while (!(inb(COM1 + REG_LSR) & LSR_DATA_READY) && ++spins < 100000)
            ;
        if (inb(COM1 + REG_DATA) != patterns[i])
            return false;
    }
    return true;
}

void serial_init(void)
{
    outb(COM1 + REG_IER, 0x00);         /* no interrupts yet */
    outb(COM1 + REG_LCR, 0x80);         /* DLAB on */
    outb(COM1 + 0, 0x01);               /* divisor 1: 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + REG_LCR, 0x03);         /* 8N1, DLAB off */
    outb(COM1 + REG_FCR, 0xC7);         /* FIFO on, cleared, 14-byte threshold */
    present = loopback_ok();
    outb(COM1 + REG_MCR, present ? MCR_NORMAL : 0x00);
    for (int n = 0; present && n < 64 && (inb(COM1 + REG_LSR) & LSR_DATA_READY); n++)
        inb(COM1 + REG_DATA);           /* the loopback bytes may linger */
}

bool serial_present(void)
{
    return present;
}

/* One byte, as it is: the console layer adds the '\r' before a '\n'. */
void serial_putc(char c)
{
    if (!present)
        return;
    for (int i = 0; i < 100000 && !(inb(COM1 + REG_LSR) & LSR_THR_EMPTY); i++)
        ;
    outb(COM1 + REG_DATA, (uint8_t)c);
}

void serial_enable_rx_irq(void)
{
    if (present)
        outb(COM1 + REG_IER, 0x01);     /* data-available interrupt */
}

/* IRQ 4: drain the receive buffer into the console. */
void serial_irq(void)
{
    if (!present)
        return;
    for (int n = 0; n < 256 && (inb(COM1 + REG_LSR) & LSR_DATA_READY); n++) {
        char c = (char)inb(COM1 + REG_DATA);
        console_input(c);
    }
}
