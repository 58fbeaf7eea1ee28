/*
 * termios.h: terminal attributes. struct termios is the kernel's own
 * (Linux i386, <uapi/termios.h>), so tcgetattr and tcsetattr pass it to
 * TCGETS/TCSETS as it is; the flag and c_cc names come from there too.
 */
#ifndef _TERMIOS_H
#define _TERMIOS_H

#include <sys/types.h>
#include <uapi/termios.h>

typedef unsigned char cc_t;
typedef unsigned int speed_t;
typedef unsigned int tcflag_t;

#define NCCS LINUX_NCCS
#define _POSIX_VDISABLE '\0'

struct termios {
	tcflag_t c_iflag, c_oflag, c_cflag, c_lflag;
	cc_t c_line;
	cc_t c_cc[NCCS];
};

/* tcsetattr's when */
#define TCSANOW   0
#define TCSADRAIN 1
#define TCSAFLUSH 2

int tcgetattr(int fd, struct termios *t);
int tcsetattr(int fd, int when, const struct termios *t);
int tcflush(int fd, int queue);
int tcdrain(int fd);
void cfmakeraw(struct termios *t);
speed_t cfgetospeed(const struct termios *t);
speed_t cfgetispeed(const struct termios *t);

#endif
