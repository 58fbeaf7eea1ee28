/*
 * serial.c: COM1 at 115200 8N1. Output is polled (it must work in a panic);
 * input arrives by IRQ 4 and is handed to the console line discipline.
 */
#include <arch/arch.h>
#include <arch/io.h>
#include <arch/trap.h>
#include <kernel/console.h>

#define COM1 0x3F8

void serial_init(void)
{
    outb(COM1 + 1, 0x00);       /* no interrupts yet */
    outb(COM1 + 3, 0x80);       /* DLAB on */
    outb(COM1 + 0, 0x01);       /* divisor 1: 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03);       /* 8N1, DLAB off */
    outb(COM1 + 2, 0xC7);       /* FIFO on, cleared, 14-byte threshold */
    outb(COM1 + 4, 0x0B);       /* DTR, RTS, OUT2 (IRQ line enabled) */
}

/* One byte, as it is: the console layer adds the '\r' before a '\n'. */
void serial_putc(char c)
{
    for (int i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++)
        ;
    outb(COM1, (uint8_t)c);
}

void serial_enable_rx_irq(void)
{
    outb(COM1 + 1, 0x01);       /* data-available interrupt */
}

/* IRQ 4: drain the receive buffer into the console. */
void serial_irq(void)
{
    while (inb(COM1 + 5) & 0x01) {
        char c = (char)inb(COM1);
        console_input(c);
    }
}
