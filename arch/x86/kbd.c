/*
 * kbd.c: the PS/2 keyboard (IRQ 1), scancode set 1, US layout. Key presses
 * become characters for the console line discipline; Shift and Ctrl are
 * tracked, everything else is ignored.
 */
#include <arch/io.h>
#include <arch/trap.h>
#include <kernel/console.h>

static const char normal[128] = {
    0, 27, '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-', '=', '\b',
    '\t', 'q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p', '[', ']', '\n',
    0, 'a', 's', 'd', 'f', 'g', 'h', 'j', 'k', 'l', ';', '\'', '`',
    0, '\\', 'z', 'x', 'c', 'v', 'b', 'n', 'm', ',', '.', '/', 0, '*',
    0, ' ',
};

static const char shifted[128] = {
    0, 27, '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+', '\b',
    '\t', 'Q', 'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P', '{', '}', '\n',
    0, 'A', 'S', 'D', 'F', 'G', 'H', 'J', 'K', 'L', ':', '"', '~',
    0, '|', 'Z', 'X', 'C', 'V', 'B', 'N', 'M', '<', '>', '?', 0, '*',
    0, ' ',
};

static bool shift, ctrl;

void kbd_irq(void)
{
    while (inb(0x64) & 0x01) {
        uint8_t sc = inb(0x60);
        bool release = sc & 0x80;
        sc &= 0x7F;
        if (sc == 0x2A || sc == 0x36) {
            shift = !release;
            continue;
        }
        if (sc == 0x1D) {
            ctrl = !release;
            continue;
        }
        if (release)
            continue;
        char c = shift ? shifted[sc] : normal[sc];
        if (!c)
            continue;
        if (ctrl && c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 1);
        console_input(c);
    }
}

void kbd_init(void)
{
    while (inb(0x64) & 0x01)
        inb(0x60);                  /* drop whatever GRUB left behind */
    pic_unmask(IRQ_KBD);
}
