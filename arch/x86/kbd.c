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
#include <arch/arch.h>
#include <kernel/console.h>
#include <kernel/acpi.h>
#include <kernel/boot.h>

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
    for (int n = 0; n < 64 && (inb(0x64) & 0x01); n++) {   /* a vanished 8042 reads 0xFF */
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
        if (ctrl)
            c = console_ctrl_key(c);
        console_input(c);
    }
}

/* ---- the controller: probe, reset line ------------------------------------
 *
 * Legacy-free PCs have no 8042, and there ports 0x60/0x64 read 0xFF: a loop
 * waiting for "output buffer empty" would never end. So the controller is
 * probed first, and every wait on it is bounded (PS2_WAIT_MS).
 *
 * Whether to probe at all: where the FADT is revision 2 or later, its
 * IAPC_BOOT_ARCH bit 1 says whether there is an 8042. Firmware sometimes
 * gets that flag wrong (older QEMU q35, some real boards said "none" while
 * having one). Linux believes the flag when ACPI's device list (PNP) finds
 * no controller either; agora has no AML interpreter to read that list, so
 * it believes the flag alone and offers "ps2=probe" on the kernel command
 * line to probe regardless. Without a flag (no ACPI, FADT revision 1) the
 * controller's own answers decide: status 0xFF means nothing there, and the
 * self-test (command 0xAA) must answer 0x55.
 */
#define PS2_DATA 0x60
#define PS2_CMD 0x64                    /* write: command; read: status */
#define PS2_STATUS_OUT_FULL 0x01        /* a byte waits at PS2_DATA */
#define PS2_STATUS_IN_FULL 0x02         /* the controller has not taken the last byte */
#define PS2_WAIT_MS 200

static bool ps2_present;

/* Wait until (status & mask) == want; false after about PS2_WAIT_MS. */
static bool ps2_wait(uint8_t mask, uint8_t want)
{
    static bool no_pit;                 /* the PIT did not answer once: spin only */
    for (int ms = 0; ms < PS2_WAIT_MS; ms++) {
        for (int i = 0; i < 1000; i++)
            if ((inb(PS2_CMD) & mask) == want)
                return true;
        if (!no_pit && !arch_delay_ms(1))
            no_pit = true;
    }
    return false;
}

static bool ps2_command(uint8_t cmd)
{
    if (!ps2_wait(PS2_STATUS_IN_FULL, 0))
        return false;
    outb(PS2_CMD, cmd);
    return true;
}

static bool ps2_write_data(uint8_t v)
{
    if (!ps2_wait(PS2_STATUS_IN_FULL, 0))
        return false;
    outb(PS2_DATA, v);
    return true;
}

/* The next byte from the controller, or -1 when none comes. */
static int ps2_read_data(void)
{
    if (!ps2_wait(PS2_STATUS_OUT_FULL, PS2_STATUS_OUT_FULL))
        return -1;
    return inb(PS2_DATA);
}

static void ps2_flush(void)
{
    for (int i = 0; i < 32 && (inb(PS2_CMD) & PS2_STATUS_OUT_FULL); i++)
        inb(PS2_DATA);                  /* whatever GRUB or the firmware left */
}

/* Probe and set up the controller: both ports off, self-test, keyboard
 * port on with its interrupt (scancode translation as the firmware left
 * it: set 1 for kbd_irq). Returns a reason for the boot line if it failed. */
static const char *ps2_setup(void)
{
    if (inb(PS2_CMD) == 0xFF)
        return "status port reads 0xFF";
    ps2_flush();
    if (!ps2_command(0xAD) || !ps2_command(0xA7))   /* keyboard, aux port off */
        return "it takes no commands";
    ps2_flush();
    int cfg;
    if (!ps2_command(0x20) || (cfg = ps2_read_data()) < 0)
        return "no answer to 'read configuration'";
    int result;
    if (!ps2_command(0xAA) || (result = ps2_read_data()) < 0)
        return "no answer to the self-test";
    if (result != 0x55)
        return "self-test failed";
    /* The self-test may reset the configuration: write ours back. Bit 0:
     * keyboard IRQ on, bit 1: aux IRQ off, bit 4: keyboard clock on. */
    cfg = (cfg | 0x01) & ~0x12;
    if (!ps2_command(0x60) || !ps2_write_data((uint8_t)cfg) || !ps2_command(0xAE))
        return "it takes no commands";
    ps2_flush();
    return NULL;
}

void kbd_init(void)
{
    int fw = acpi_has_8042();
    if (fw == 0 && !boot_has_arg("ps2=probe")) {
        printk("ps/2: none (the ACPI FADT says no 8042; \"ps2=probe\" probes anyway)\n");
        return;
    }
    const char *why = ps2_setup();
    if (why) {
        printk("ps/2: none (%s)\n", why);
        return;
    }
    ps2_present = true;
    printk("ps/2: 8042 controller, self-test passed, keyboard on IRQ 1%s\n",
           fw < 0 ? " (firmware does not say)" : "");
    pic_unmask(IRQ_KBD);
}

bool arch_ps2_present(void)
{
    return ps2_present;
}

/* Pulse the CPU reset line through the 8042's output port (command 0xFE). */
void arch_reset_8042(void)
{
    if (!ps2_present)
        return;
    if (ps2_command(0xFE))
        arch_delay_ms(100);
}
