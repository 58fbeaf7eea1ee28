/*
 * usb_kbd.c: the HID boot-protocol keyboard. In boot protocol (which the
 * xHCI driver selects with SET_PROTOCOL) a keyboard sends 8-byte reports on
 * its interrupt-IN endpoint whenever its state changes:
 *
 *   byte 0    modifiers: bit 0 left Ctrl, 1 left Shift, 2 left Alt, 3 left
 *             GUI, 4-7 the same on the right
 *   byte 1    reserved
 *   bytes 2-7 the usage codes (HID Usage Tables, page 7) of up to six keys
 *             held down, 0 for none; 1 in every slot: too many keys
 *
 * A report is a snapshot, not an event: a key is pressed when its code
 * appears that was not in the previous report. The keyboard does not
 * repeat (SET_IDLE(0): it only reports changes), so the last key pressed
 * repeats in software from the timer tick: after 500 ms, then 30 times a
 * second, until it is released or another key is pressed.
 *
 * Keys become the same bytes as from the PS/2 keyboard (arch/x86/kbd.c):
 * US layout, Backspace DEL (0x7F), Enter '\r', Ctrl with a letter or one
 * of @[\]^_ its control character, cursor keys (and the keypad, as with
 * Num Lock off) VT100 escape sequences. Caps Lock is tracked (usb.c lights
 * its LED); Alt and GUI are ignored. Shift+PgUp/PgDn scroll the console.
 */
#include <kernel/usb.h>
#include <kernel/console.h>
#include <kernel/sched.h>
#include <string.h>

#define MOD_CTRL  0x11                  /* left or right */
#define MOD_SHIFT 0x22

#define REPEAT_DELAY_TICKS (HZ / 2)     /* 500 ms */
#define REPEAT_RATE_TICKS  (HZ / 30 ? HZ / 30 : 1)

/* Usages 0x04 (a) to 0x38 (/). */
static const char normal[0x39] = {
    [0x04] = 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm',
    'n', 'o', 'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z',
    '1', '2', '3', '4', '5', '6', '7', '8', '9', '0',
    '\r', 27, 0x7F, '\t', ' ', '-', '=', '[', ']', '\\', '\\', ';', '\'', '`', ',', '.', '/',
};

static const char shifted[0x39] = {
    [0x04] = 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M',
    'N', 'O', 'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z',
    '!', '@', '#', '$', '%', '^', '&', '*', '(', ')',
    '\r', 27, 0x7F, '\t', ' ', '_', '+', '{', '}', '|', '|', ':', '"', '~', '<', '>', '?',
};

#define USAGE_CAPS_LOCK 0x39
#define USAGE_PGUP      0x4B
#define USAGE_PGDN      0x4E
#define USAGE_KP_PGUP   0x61
#define USAGE_KP_PGDN   0x5B

/* Usages 0x49-0x63: the grey cursor keys and the keypad. */
static const char *const special[] = {
    [0x49 - 0x49] = "\033[2~",          /* Insert */
    [0x4A - 0x49] = "\033[H",           /* Home */
    [0x4B - 0x49] = "\033[5~",          /* PgUp */
    [0x4C - 0x49] = "\033[3~",          /* Delete */
    [0x4D - 0x49] = "\033[F",           /* End */
    [0x4E - 0x49] = "\033[6~",          /* PgDn */
    [0x4F - 0x49] = "\033[C",           /* Right */
    [0x50 - 0x49] = "\033[D",           /* Left */
    [0x51 - 0x49] = "\033[B",           /* Down */
    [0x52 - 0x49] = "\033[A",           /* Up */
    [0x54 - 0x49] = "/",                /* keypad */
    [0x55 - 0x49] = "*",
    [0x56 - 0x49] = "-",
    [0x57 - 0x49] = "+",
    [0x58 - 0x49] = "\r",               /* keypad Enter */
    [0x59 - 0x49] = "\033[F",           /* keypad 1: End */
    [0x5A - 0x49] = "\033[B",           /* 2: Down */
    [0x5B - 0x49] = "\033[6~",          /* 3: PgDn */
    [0x5C - 0x49] = "\033[D",           /* 4: Left */
    [0x5E - 0x49] = "\033[C",           /* 6: Right */
    [0x5F - 0x49] = "\033[H",           /* 7: Home */
    [0x60 - 0x49] = "\033[A",           /* 8: Up */
    [0x61 - 0x49] = "\033[5~",          /* 9: PgUp */
    [0x62 - 0x49] = "\033[2~",          /* 0: Insert */
    [0x63 - 0x49] = "\033[3~",          /* .: Delete */
};

static void send(const char *s)
{
    while (*s)
        console_input(*s++);
}

/* Type the key with usage u under modifiers mod; false if it types nothing
 * (and so does not repeat). */
static bool type_key(struct usb_kbd *k, uint8_t u, uint8_t mod)
{
    bool shift = mod & MOD_SHIFT, ctrl = mod & MOD_CTRL;
    if (u < ARRAY_SIZE(normal) && normal[u]) {
        char c = shift ? shifted[u] : normal[u];
        if (k->caps_lock && u <= 0x1D)  /* letters: Caps Lock inverts Shift */
            c = shift ? normal[u] : shifted[u];
        if (ctrl)
            c = console_ctrl_key(c);
        console_input(c);
        return true;
    }
    if (shift && (u == USAGE_PGUP || u == USAGE_KP_PGUP)) {
        console_scrollback(-1);
        return true;
    }
    if (shift && (u == USAGE_PGDN || u == USAGE_KP_PGDN)) {
        console_scrollback(+1);
        return true;
    }
    if (u >= 0x49 && u - 0x49 < (int)ARRAY_SIZE(special) && special[u - 0x49]) {
        send(special[u - 0x49]);
        return true;
    }
    return false;
}

static bool held(const uint8_t report[8], uint8_t u)
{
    for (int i = 2; i < 8; i++)
        if (report[i] == u)
            return true;
    return false;
}

/* A report came: type the keys newly down, track Caps Lock and repeat. */
void usb_kbd_report(struct usb_kbd *k, const uint8_t report[8])
{
    if (report[2] == 1)
        return;                         /* rollover: the keys are unknown */
    for (int i = 2; i < 8; i++) {
        uint8_t u = report[i];
        if (u < 4 || held(k->prev, u))
            continue;
        if (u == USAGE_CAPS_LOCK) {
            k->caps_lock = !k->caps_lock;
            k->leds = (uint8_t)((k->leds & ~2u) | (k->caps_lock ? 2 : 0));
            k->leds_changed = true;
            continue;
        }
        if (type_key(k, u, report[0])) {
            k->repeat_usage = u;
            k->repeat_tick = sched_ticks() + REPEAT_DELAY_TICKS;
        }
    }
    if (k->repeat_usage && !held(report, k->repeat_usage))
        k->repeat_usage = 0;
    memcpy(k->prev, report, 8);
}

/* Per tick: type the held key again when its repeat is due. */
void usb_kbd_tick(struct usb_kbd *k)
{
    if (!k->repeat_usage || sched_ticks() < k->repeat_tick)
        return;
    k->repeat_tick = sched_ticks() + REPEAT_RATE_TICKS;
    type_key(k, k->repeat_usage, k->prev[0]);
}
