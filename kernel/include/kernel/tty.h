/*
 * tty.h: the console's terminal line discipline (kernel/dev/tty.c), the
 * one tty agora has. Input comes from the serial port and the PS/2
 * keyboard (console_input), output goes to the serial port and the screen.
 * termios (TCGETS/TCSETS) selects canonical or raw input, echo, signals
 * and output processing, with Linux's defaults and semantics.
 */
#ifndef KERNEL_TTY_H
#define KERNEL_TTY_H

#include <kernel/types.h>

/* Set the window size from the screen (cols x rows) and reset termios to
 * Linux's defaults. Called once at boot, after the screen is set up. */
void tty_init(uint16_t cols, uint16_t rows);

/* One byte of input, from an interrupt handler, TIOCSTI or the screen's
 * answer to a status request. Interrupts are off. */
void tty_input(char c);

/*
 * read(2) on the console: up to n bytes into buf. Canonical mode: at most
 * one line, blocking until one is complete; 0 at VEOF on an empty line.
 * Non-canonical: VMIN/VTIME as termios(3) describes. -EAGAIN if nonblock
 * and nothing is there; -EINTR if a signal arrives first; -EFAULT.
 */
long tty_read(char __user *buf, size_t n, bool nonblock);

/* write(2) on the console: n bytes through output processing (OPOST).
 * Returns the bytes written, or -EFAULT if none could be read from buf. */
long tty_write(const char __user *buf, size_t n);

/* ioctl(2) on the console: the termios, window size, process group and
 * queue requests; -ENOTTY for any other. */
long tty_ioctl(uint32_t cmd, uint32_t arg);

/* poll(2): TTY_POLLIN if a read would not block, TTY_POLLOUT always. */
#define TTY_POLLIN  0x001
#define TTY_POLLOUT 0x004
int tty_poll(void);

#endif
