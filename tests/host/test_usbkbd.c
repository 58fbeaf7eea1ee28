/*
 * test_usbkbd.c: host unit test of kernel/dev/usb_kbd.c: HID boot reports
 * in, console bytes out, as the PS/2 driver (arch/x86/kbd.c) sends them:
 * letters, Shift, Ctrl, Caps Lock, Enter/Backspace/Tab/Esc, the cursor keys
 * and keypad as VT100 sequences, Shift+PgUp/PgDn as scrollback; held keys
 * typed once, rollover reports ignored; key repeat after 500 ms at 30/s.
 * The console and the clock are stubbed here.
 */
#include <kernel/usb.h>
#include <kernel/sched.h>
#include <stdio.h>
#include <string.h>

static char typed[256];
static size_t ntyped;
static int scrolled;
static uint64_t now;

void console_input(char c) { if (ntyped < sizeof(typed) - 1) typed[ntyped++] = c; typed[ntyped] = 0; }
void console_scrollback(int dir) { scrolled += dir; }
uint64_t sched_ticks(void) { return now; }

static int failures;

static void check(const char *name, int ok, const char *why)
{
    if (ok) {
        printf("PASS host.usbkbd.%s\n", name);
    } else {
        printf("FAIL host.usbkbd.%s (%s)\n", name, why);
        failures++;
    }
}

#define LCTRL 0x01
#define LSHIFT 0x02
#define RCTRL 0x10
#define RSHIFT 0x20

/* Press the keys (usages) with modifiers mod, then release all: what was typed. */
static const char *press(struct usb_kbd *k, uint8_t mod, uint8_t u1, uint8_t u2)
{
    uint8_t down[8] = { mod, 0, u1, u2 }, up[8] = { 0 };
    ntyped = 0;
    typed[0] = 0;
    usb_kbd_report(k, down);
    usb_kbd_report(k, up);
    return typed;
}

static const struct {
    const char *name;
    uint8_t mod, usage;
    const char *want;
} cases[] = {
    { "a", 0, 0x04, "a" },
    { "z", 0, 0x1D, "z" },
    { "shift_a", LSHIFT, 0x04, "A" },
    { "rshift_q", RSHIFT, 0x14, "Q" },
    { "digit_1", 0, 0x1E, "1" },
    { "digit_0", 0, 0x27, "0" },
    { "shift_1_bang", LSHIFT, 0x1E, "!" },
    { "shift_2_at", LSHIFT, 0x1F, "@" },
    { "enter_cr", 0, 0x28, "\r" },
    { "esc", 0, 0x29, "\033" },
    { "backspace_del", 0, 0x2A, "\x7f" },
    { "tab", 0, 0x2B, "\t" },
    { "space", 0, 0x2C, " " },
    { "minus", 0, 0x2D, "-" },
    { "shift_equal_plus", LSHIFT, 0x2E, "+" },
    { "brackets", 0, 0x2F, "[" },
    { "backslash", 0, 0x31, "\\" },
    { "shift_backslash_bar", LSHIFT, 0x31, "|" },
    { "semicolon", 0, 0x33, ";" },
    { "shift_quote", LSHIFT, 0x34, "\"" },
    { "grave", 0, 0x35, "`" },
    { "shift_grave_tilde", LSHIFT, 0x35, "~" },
    { "slash", 0, 0x38, "/" },
    { "shift_slash_question", LSHIFT, 0x38, "?" },
    { "ctrl_c", LCTRL, 0x06, "\x03" },
    { "rctrl_d", RCTRL, 0x07, "\x04" },
    { "ctrl_shift_a", LCTRL | LSHIFT, 0x04, "\x01" },
    { "ctrl_bracket_esc", LCTRL, 0x2F, "\033" },
    { "ctrl_backslash_fs", LCTRL, 0x31, "\x1c" },
    { "up", 0, 0x52, "\033[A" },
    { "down", 0, 0x51, "\033[B" },
    { "right", 0, 0x4F, "\033[C" },
    { "left", 0, 0x50, "\033[D" },
    { "home", 0, 0x4A, "\033[H" },
    { "end", 0, 0x4D, "\033[F" },
    { "insert", 0, 0x49, "\033[2~" },
    { "delete", 0, 0x4C, "\033[3~" },
    { "pgup", 0, 0x4B, "\033[5~" },
    { "pgdn", 0, 0x4E, "\033[6~" },
    { "kp8_up", 0, 0x60, "\033[A" },
    { "kp_dot_delete", 0, 0x63, "\033[3~" },
    { "kp_enter", 0, 0x58, "\r" },
    { "kp_star", 0, 0x55, "*" },
    { "f1_nothing", 0, 0x3A, "" },
    { "kp5_nothing", 0, 0x5D, "" },
};

int main(void)
{
    struct usb_kbd k;
    char why[128];
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        memset(&k, 0, sizeof(k));
        const char *got = press(&k, cases[i].mod, cases[i].usage, 0);
        int n = snprintf(why, sizeof(why), "usage %02x mod %02x typed", cases[i].usage,
                         cases[i].mod);
        for (const char *c = got; *c && n < 100; c++)
            n += snprintf(why + n, sizeof(why) - (size_t)n, " %02x", (unsigned char)*c);
        check(cases[i].name, strcmp(got, cases[i].want) == 0, why);
    }

    memset(&k, 0, sizeof(k));
    check("two_keys_one_report", strcmp(press(&k, 0, 0x04, 0x05), "ab") == 0, "a and b together");

    /* A key held over several reports is typed once. */
    memset(&k, 0, sizeof(k));
    ntyped = 0;
    uint8_t a[8] = { 0, 0, 0x04 }, ab[8] = { 0, 0, 0x04, 0x05 }, none[8] = { 0 };
    usb_kbd_report(&k, a);
    usb_kbd_report(&k, ab);
    usb_kbd_report(&k, ab);
    usb_kbd_report(&k, none);
    check("held_key_once", strcmp(typed, "ab") == 0, "a, then b pressed while a is held");

    /* Rollover: the keys are unknown; nothing typed, nothing released. */
    memset(&k, 0, sizeof(k));
    ntyped = 0;
    typed[0] = 0;
    uint8_t roll[8] = { 0, 0, 1, 1, 1, 1, 1, 1 };
    usb_kbd_report(&k, roll);
    check("rollover_ignored", ntyped == 0, "an ErrorRollOver report typed something");

    /* Caps Lock: letters inverted, Shift undoes it, digits untouched; LED. */
    memset(&k, 0, sizeof(k));
    press(&k, 0, 0x39, 0);
    check("caps_led", k.leds == 2 && k.leds_changed, "Caps Lock on: LED bit 1 to be sent");
    check("caps_a", strcmp(press(&k, 0, 0x04, 0), "A") == 0, "Caps Lock a");
    check("caps_shift_a", strcmp(press(&k, LSHIFT, 0x04, 0), "a") == 0, "Caps Lock Shift+a");
    check("caps_digit", strcmp(press(&k, 0, 0x1E, 0), "1") == 0, "Caps Lock 1");
    press(&k, 0, 0x39, 0);
    check("caps_off", k.leds == 0 && strcmp(press(&k, 0, 0x04, 0), "a") == 0, "Caps Lock again");

    /* Shift+PgUp/PgDn scroll and type nothing. */
    memset(&k, 0, sizeof(k));
    scrolled = 0;
    const char *t = press(&k, LSHIFT, 0x4B, 0);
    check("shift_pgup_scrolls", scrolled == -1 && t[0] == 0, "Shift+PgUp: scrollback(-1)");
    t = press(&k, RSHIFT, 0x4E, 0);
    check("shift_pgdn_scrolls", scrolled == 0 && t[0] == 0, "Shift+PgDn: scrollback(+1)");

    /* Repeat: nothing before 500 ms, then one every HZ/30 ticks. */
    memset(&k, 0, sizeof(k));
    now = 1000;
    ntyped = 0;
    usb_kbd_report(&k, a);
    for (now = 1001; now < 1000 + HZ / 2; now++)
        usb_kbd_tick(&k);
    check("repeat_not_before_500ms", ntyped == 1, "a key repeated before 500 ms");
    uint64_t end = 1000 + HZ / 2 + HZ;      /* one second of repeat */
    for (; now < end; now++)
        usb_kbd_tick(&k);
    snprintf(why, sizeof(why), "%zu repeats in a second", ntyped - 1);
    check("repeat_rate", ntyped - 1 >= 25 && ntyped - 1 <= 35, why);
    size_t n = ntyped;
    usb_kbd_report(&k, none);
    for (; now < end + HZ; now++)
        usb_kbd_tick(&k);
    check("repeat_stops_on_release", ntyped == n, "repeat went on after the release");
    return failures ? 1 : 0;
}
