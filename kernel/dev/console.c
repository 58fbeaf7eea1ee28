/*
 * console.c: the kernel's consoles. Output goes to COM1 and to the screen:
 * the framebuffer text console when GRUB gave us a linear framebuffer (the
 * only screen under UEFI), VGA text mode otherwise.
 *
 * Input from the serial port and the keyboard goes through a small line
 * discipline: characters are echoed, backspace erases, and a line becomes
 * readable once Enter is pressed (canonical mode, as a Unix tty). Ctrl-D
 * (VEOF) hands over the line without a newline: on an empty line, read
 * returns 0, end of file. Ctrl-C and Ctrl-\ signal the foreground process
 * group a shell sets (TIOCSPGRP).
 */
#include <kernel/console.h>
#include <kernel/fbcon.h>
#include <kernel/sched.h>
#include <kernel/proc.h>
#include <kernel/file.h>
#include <arch/arch.h>
#include <arch/vga.h>
#include <arch/memlayout.h>

enum screen { SCREEN_NONE, SCREEN_VGA, SCREEN_FB };
static enum screen screen;

void console_init_screen(const struct fb_info *fb)
{
    if (fb && fbcon_init(fb) == 0) {
        screen = SCREEN_FB;
    } else if (!fb || fb->bpp == 16) {
        vga_init((uint16_t *)P2V(0xB8000));
        screen = SCREEN_VGA;
    }
}

const char *console_screen_name(void)
{
    switch (screen) {
    case SCREEN_FB: return "framebuffer";
    case SCREEN_VGA: return "vga-text";
    default: return "none";
    }
}

void console_putc(char c)
{
    serial_putc(c);
    if (screen == SCREEN_FB)
        fbcon_putc(c);
    else if (screen == SCREEN_VGA)
        vga_putc(c);
}

void console_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        console_putc(s[i]);
}

/* ---- input --------------------------------------------------------------- */

#define LINE_MAX 256
#define INPUT_BUF 1024
#define VEOF 0x04                       /* Ctrl-D */

/* Completed lines wait in a ring, each ended by '\n' (which read hands
 * over) or by VEOF (which read consumes and does not hand over). VEOF is
 * never data: the discipline always takes it as end of line. */
static char edit[LINE_MAX];          /* the line being typed */
static size_t edit_len;
static char ready[INPUT_BUF];        /* completed lines, a ring */
static size_t ready_head, ready_tail;

/* Move the typed line and its end into the ring and wake the readers. A
 * line that does not fit is dropped whole, so every line keeps its end. */
static void finish_line(char end)
{
    if (INPUT_BUF - (ready_tail - ready_head) >= edit_len + 1) {
        for (size_t i = 0; i < edit_len; i++)
            ready[ready_tail++ % INPUT_BUF] = edit[i];
        ready[ready_tail++ % INPUT_BUF] = end;
    }
    edit_len = 0;
    sched_wakeup(&ready_tail);
    file_poll_wakeup();
}

static pid_t foreground;

void console_set_foreground(pid_t pgid) { foreground = pgid; }
pid_t console_foreground(void) { return foreground; }

void console_input(char c)
{
    if (c == '\r')                      /* ICRNL: Enter sends a carriage return */
        c = '\n';
    if (c == 0x03 || c == 0x1C) {       /* Ctrl-C, Ctrl-\: drop the line, signal */
        console_write(c == 0x03 ? "^C\n" : "^\\\n", 3);
        edit_len = 0;
        if (foreground)
            proc_signal_group(foreground, c == 0x03 ? SIGINT : SIGQUIT);
        return;
    }
    if (c == '\b' || c == 0x7F) {
        if (edit_len > 0) {
            edit_len--;
            console_write("\b \b", 3);
        }
        return;
    }
    if (c == VEOF) {                    /* not echoed, as on Linux */
        finish_line(VEOF);
        return;
    }
    if (c != '\n' && edit_len >= LINE_MAX - 1)
        return;
    console_putc(c);
    if (c != '\n') {
        edit[edit_len++] = c;
        return;
    }
    finish_line('\n');
}

bool console_readable(void)
{
    return ready_head != ready_tail;
}

ssize_t console_read(char *buf, size_t n)
{
    while (ready_head == ready_tail) {
        if (sched_sleep(&ready_tail) < 0)
            return -1;      /* interrupted by a signal */
    }
    size_t got = 0;
    while (got < n && ready_head != ready_tail) {
        char c = ready[ready_head++ % INPUT_BUF];
        if (c == VEOF)
            return (ssize_t)got;        /* 0 on an empty line: end of file */
        buf[got++] = c;
        if (c == '\n')
            return (ssize_t)got;
    }
    /* The buffer filled up just before a line's VEOF: eat it now, or the
     * next read would return 0, an end of file nobody typed (Linux's
     * n_tty does the same). */
    if (ready_head != ready_tail && ready[ready_head % INPUT_BUF] == VEOF)
        ready_head++;
    return (ssize_t)got;
}
