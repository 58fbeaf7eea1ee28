/*
 * console.h: kernel output to every console (serial, framebuffer or VGA
 * text) and line-edited console input (serial, PS/2 and USB keyboards).
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <kernel/types.h>

struct fb_info;
struct file_ops;

void console_init_screen(const struct fb_info *fb);   /* NULL: VGA text */
void console_init_no_screen(void);  /* neither: serial (if any) only */
const char *console_screen_name(void);
/* Kernel messages: '\n' becomes "\r\n". */
void console_putc(char c);
void console_write(const char *s, size_t n);
/* Bytes as they are, to the serial port and the screen (the tty's output). */
void console_emit(const char *s, size_t n);

/* The foreground process group: Ctrl-C sends it SIGINT, Ctrl-\ SIGQUIT. */
void console_set_foreground(pid_t pgid);
pid_t console_foreground(void);

/* Input: one character typed (from the serial and keyboard interrupt
 * handlers), for the line discipline (kernel/dev/tty.c); interrupts off. */
void console_input(char c);
/* What a keyboard sends for Ctrl with the key that types c, as a VT100:
 * a letter or one of @[\]^_ its control character, ? DEL; else c. */
static inline char console_ctrl_key(char c)
{
    if (c >= 'a' && c <= 'z')
        return (char)(c - 'a' + 1);
    if (c >= '@' && c <= '_')
        return (char)(c & 0x1F);
    if (c == '?')
        return 0x7F;
    return c;
}
/* Shift+PgUp/PgDn from any keyboard: scroll the screen's view back (-1,
 * half a screen) or forward (+1) through the scrollback; 0 returns to the
 * live screen. Interrupts off. */
void console_scrollback(int dir);
/* Before a panic message: the live screen, no pending escape sequence,
 * default colours (kernel/printk.c). */
void console_panic(void);
/* What was printed before the screen came up and was replayed on it
 * (bytes in *n, and *lost more not kept): for the self-tests. */
const char *console_early_log(size_t *n, size_t *lost);
/* The console as an open file's operations (kernel/dev/console_file.c). */
extern const struct file_ops console_fops;

int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

#define assert(x) \
    do { if (!(x)) panic("assertion failed: %s (%s:%d)", #x, __FILE__, __LINE__); } while (0)

#endif
