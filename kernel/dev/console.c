/*
 * console.c: the kernel's consoles. Output goes to COM1 and to the screen:
 * the framebuffer text console when GRUB gave us a linear framebuffer (the
 * only screen under UEFI), VGA text mode otherwise.
 *
 * Bytes go out unchanged (console_emit): the serial terminal and the
 * screen's VT100 interpreter both see the same escape sequences. Kernel
 * messages (console_putc) turn '\n' into "\r\n" themselves; programs'
 * output gets that from the tty's output processing (kernel/dev/tty.c).
 *
 * What is printed before the screen console exists (kmain's first steps)
 * goes to the serial port only; it is also kept in `early` and replayed on
 * the screen when console_init_screen brings it up, so a machine without a
 * serial port shows the boot from its first line.
 *
 * The framebuffer keeps a scrollback (kernel/dev/fbcon.c): Shift+PgUp/PgDn
 * move the view (console_scrollback), and any output or any other key
 * returns it to the live screen, as on Linux. VGA text mode has none.
 *
 * Input from the serial port and the keyboard goes to the line discipline
 * in kernel/dev/tty.c, and so does the screen's answer to a cursor position
 * request (ESC [ 6 n), once the output that asked has been drawn.
 */
#include <kernel/console.h>
#include <kernel/fbcon.h>
#include <kernel/tty.h>
#include <kernel/vt.h>
#include <kernel/sched.h>
#include <kernel/proc.h>
#include <arch/arch.h>
#include <arch/vga.h>
#include <arch/memlayout.h>

enum screen { SCREEN_NONE, SCREEN_VGA, SCREEN_FB };
static enum screen screen;
static bool screen_started;         /* console_init_screen has run */

/* Output from before the screen existed, for it to show (4 KiB: a boot
 * prints a few hundred bytes before the screen; more is counted, not kept). */
static char early[4096];
static size_t nearly, early_lost;

/* The screen's answers to status requests, held until the output that
 * asked has been drawn: typing them in then may echo, which draws again. */
static char replies[64];
static size_t nreplies;
static bool delivering;

static void screen_reply(const char *s, size_t n)
{
    for (size_t i = 0; i < n && nreplies < sizeof(replies); i++)
        replies[nreplies++] = s[i];
}

static void deliver_replies(void)
{
    if (delivering)
        return;
    delivering = true;
    for (size_t i = 0; i < nreplies; i++)
        tty_input(replies[i]);
    nreplies = 0;
    delivering = false;
}

static void screen_putc(char c)
{
    if (screen == SCREEN_FB)
        fbcon_putc(c);
    else if (screen == SCREEN_VGA)
        vga_putc(c);
}

static void screen_puts(const char *s)
{
    while (*s)
        screen_putc(*s++);
}

static void screen_note_lost(void)
{
    char num[12], *p = num + sizeof(num);
    size_t v = early_lost;

    *--p = '\0';
    do
        *--p = (char)('0' + v % 10);
    while (v /= 10);
    screen_puts("[console: ");
    screen_puts(p);
    screen_puts(" more bytes of early messages went only to serial]\r\n");
}

void console_init_screen(const struct fb_info *fb)
{
    vt_set_reply(screen_reply);
    uint32_t cols = VGA_COLS, rows = VGA_ROWS;     /* also for no screen at all */

    if (fb && fbcon_init(fb) == 0) {
        screen = SCREEN_FB;
        fbcon_size(&cols, &rows);
    } else if (!fb) {                   /* the loader said VGA text (main.c) */
        vga_init((uint16_t *)P2V(0xB8000));
        screen = SCREEN_VGA;
    }
    tty_init((uint16_t)cols, (uint16_t)rows);
    screen_started = true;
    for (size_t i = 0; i < nearly; i++)
        screen_putc(early[i]);
    if (early_lost)
        screen_note_lost();
}

/* No screen at all (no framebuffer, no VGA text): the tty gets its
 * defaults and the early messages are not kept any longer. */
void console_init_no_screen(void)
{
    screen = SCREEN_NONE;
    tty_init(VGA_COLS, VGA_ROWS);
    screen_started = true;
}

/*
 * The early messages kept for the screen: their bytes (with "\r\n" line
 * ends) in *n and how many more there were in *lost. For the self-tests.
 */
const char *console_early_log(size_t *n, size_t *lost)
{
    *n = nearly;
    *lost = early_lost;
    return early;
}

const char *console_screen_name(void)
{
    switch (screen) {
    case SCREEN_FB: return "framebuffer";
    case SCREEN_VGA: return "vga-text";
    default: return "none";
    }
}

void console_emit(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        serial_putc(s[i]);
        if (screen_started)
            screen_putc(s[i]);
        else if (nearly < sizeof(early))
            early[nearly++] = s[i];
        else
            early_lost++;
    }
    if (nreplies)
        deliver_replies();
}

void console_putc(char c)
{
    if (c == '\n')
        console_emit("\r\n", 2);
    else
        console_emit(&c, 1);
}

void console_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        console_putc(s[i]);
}

/* ---- input --------------------------------------------------------------- */

static pid_t foreground;

void console_set_foreground(pid_t pgid) { foreground = pgid; }
pid_t console_foreground(void) { return foreground; }

void console_scrollback(int dir)
{
    if (screen == SCREEN_FB)
        fbcon_scrollback(dir);
}

void console_input(char c)
{
    console_scrollback(0);              /* a key shows the live screen */
    tty_input(c);
}

/*
 * Make the screen ready for a panic message: the live screen (not the
 * scrollback), any half-received escape sequence dropped (CAN) and the
 * default colours (SGR 0), so that the message can be read. Interrupts off.
 */
void console_panic(void)
{
    if (!screen_started)
        return;
    console_scrollback(0);
    screen_puts("\030\033[0m");
}
