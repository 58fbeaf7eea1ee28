/*
 * kbd.c: the PS/2 keyboard (IRQ 1), scancode set 1, US layout. Key presses
 * become bytes for the console line discipline, as a VT100-style terminal
 * sends them: Backspace is DEL (0x7F, Linux's VERASE), Ctrl with a letter
 * or one of @[\]^_ its control character, and the cursor keys (arrows,
 * Home, End, Insert, Delete, PgUp, PgDn, from the grey keys or the keypad
 * with Num Lock off, which is not tracked) escape sequences such as ESC [ A.
 * Shift and Ctrl are tracked, everything else is ignored. Shift+PgUp and
 * Shift+PgDn scroll the screen's view (console_scrollback) instead.
 */
#include <arch/io.h>
#include <arch/trap.h>
#include <kernel/console.h>

static const char normal[128] = {
    0, 27, '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-', '=', 0x7F,
    '\t', 'q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p', '[', ']', '\r',
    0, 'a', 's', 'd', 'f', 'g', 'h', 'j', 'k', 'l', ';', '\'', '`',
    0, '\\', 'z', 'x', 'c', 'v', 'b', 'n', 'm', ',', '.', '/', 0, '*',
    0, ' ',
};

static const char shifted[128] = {
    0, 27, '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+', 0x7F,
    '\t', 'Q', 'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P', '{', '}', '\r',
    0, 'A', 'S', 'D', 'F', 'G', 'H', 'J', 'K', 'L', ':', '"', '~',
    0, '|', 'Z', 'X', 'C', 'V', 'B', 'N', 'M', '<', '>', '?', 0, '*',
    0, ' ',
};

/* The cursor keys: scancodes 0x47-0x53 (the keypad's, and the grey keys'
 * after an 0xE0 prefix) and what they send. */
static const char *const cursor_keys[] = {
    [0x47 - 0x47] = "\033[H",        /* Home */
    [0x48 - 0x47] = "\033[A",        /* Up */
    [0x49 - 0x47] = "\033[5~",       /* PgUp */
    [0x4B - 0x47] = "\033[D",        /* Left */
    [0x4D - 0x47] = "\033[C",        /* Right */
    [0x4F - 0x47] = "\033[F",        /* End */
    [0x50 - 0x47] = "\033[B",        /* Down */
    [0x51 - 0x47] = "\033[6~",       /* PgDn */
    [0x52 - 0x47] = "\033[2~",       /* Insert */
    [0x53 - 0x47] = "\033[3~",       /* Delete */
};

static bool shift, ctrl, extended;

static void send(const char *s)
{
    while (*s)
        console_input(*s++);
}

void kbd_irq(void)
{
    while (inb(0x64) & 0x01) {
        uint8_t sc = inb(0x60);
        if (sc == 0xE0) {
            extended = true;
            continue;
        }
        bool ext = extended;
        extended = false;
        bool release = sc & 0x80;
        sc &= 0x7F;
        if (sc == 0x2A || sc == 0x36) {
            if (!ext)                   /* E0 2A: a fake shift around grey keys */
                shift = !release;
            continue;
        }
        if (sc == 0x1D) {               /* left Ctrl, or right Ctrl after E0 */
            ctrl = !release;
            continue;
        }
        if (release)
            continue;
        if (shift && (sc == 0x49 || sc == 0x51)) {
            console_scrollback(sc == 0x49 ? -1 : 1);
            continue;
        }
        if (sc >= 0x47 && sc <= 0x53 && cursor_keys[sc - 0x47]) {
            send(cursor_keys[sc - 0x47]);
            continue;
        }
        if (ext && sc == 0x1C) {        /* keypad Enter */
            console_input('\r');
            continue;
        }
        char c = shift ? shifted[sc] : normal[sc];
        if (!c)
            continue;
        if (ctrl && c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 1);
        else if (ctrl && c >= '@' && c <= '_')
            c = (char)(c & 0x1F);
        else if (ctrl && c == '?')
            c = 0x7F;
        console_input(c);
    }
}

void kbd_init(void)
{
    while (inb(0x64) & 0x01)
        inb(0x60);                  /* drop whatever GRUB left behind */
    pic_unmask(IRQ_KBD);
}
