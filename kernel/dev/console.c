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

void console_init_screen(const struct fb_info *fb)
{
    vt_set_reply(screen_reply);
    uint32_t cols = VGA_COLS, rows = VGA_ROWS;     /* also for no screen at all */

    if (fb && fbcon_init(fb) == 0) {
        screen = SCREEN_FB;
        fbcon_size(&cols, &rows);
    } else if (!fb || fb->bpp == 16) {
        vga_init((uint16_t *)P2V(0xB8000));
        screen = SCREEN_VGA;
    }
    tty_init((uint16_t)cols, (uint16_t)rows);
}

const char *console_screen_name(void)
{
    switch (screen) {
    case SCREEN_FB: return "framebuffer";
    case SCREEN_VGA: return "vga-text";
    default: return "none";
    }
}

static void screen_putc(char c)
{
    if (screen == SCREEN_FB)
        fbcon_putc(c);
    else if (screen == SCREEN_VGA)
        vga_putc(c);
}

void console_emit(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        serial_putc(s[i]);
        screen_putc(s[i]);
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

/* The framebuffer's scrollback: not there yet. */
void console_scrollback(int dir)
{
    (void)dir;
}

void console_input(char c)
{
    tty_input(c);
}

