/*
 * termios.c: tcgetattr and friends, each one ioctl on the terminal.
 */
#include <errno.h>
#include <termios.h>
#include <agora/syscall.h>

_Static_assert(sizeof(struct termios) == sizeof(struct linux_termios), "termios layout");

#define RET(x) __syscall_ret(x)

/* The terminal's attributes into *t: 0, or -1 with errno (ENOTTY, EBADF). */
int tcgetattr(int fd, struct termios *t)
{
	return (int)RET(__syscall3(__NR_ioctl, fd, TCGETS, t));
}

/* Set the attributes: now, after output drains, or that and the pending
 * input flushed (TCSANOW, TCSADRAIN, TCSAFLUSH); 0, or -1 with errno. */
int tcsetattr(int fd, int when, const struct termios *t)
{
	static const unsigned long cmd[] = { TCSETS, TCSETSW, TCSETSF };

	if (when < TCSANOW || when > TCSAFLUSH) {
		errno = EINVAL;
		return -1;
	}
	return (int)RET(__syscall3(__NR_ioctl, fd, cmd[when], t));
}

/* Discard pending input (TCIFLUSH), output (TCOFLUSH) or both. */
int tcflush(int fd, int queue)
{
	return (int)RET(__syscall3(__NR_ioctl, fd, TCFLSH, queue));
}

/* Wait until the output is sent (TCSBRK with 1, as Linux's libcs do). */
int tcdrain(int fd)
{
	return (int)RET(__syscall3(__NR_ioctl, fd, TCSBRK, 1));
}

/* Raw mode as cfmakeraw(3) defines it. */
void cfmakeraw(struct termios *t)
{
	t->c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
	t->c_oflag &= ~OPOST;
	t->c_lflag &= ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
	t->c_cflag &= ~(CSIZE | PARENB);
	t->c_cflag |= CS8;
	t->c_cc[VMIN] = 1;
	t->c_cc[VTIME] = 0;
}

speed_t cfgetospeed(const struct termios *t)
{
	return t->c_cflag & CBAUD;
}

speed_t cfgetispeed(const struct termios *t)
{
	return t->c_cflag & CBAUD;
}
