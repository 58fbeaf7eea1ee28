/* sys/select.h: select(2) and pselect(2) with fd_set bit arrays. */
#ifndef _SYS_SELECT_H
#define _SYS_SELECT_H

#include <signal.h>
#include <time.h>
#include <sys/time.h>

#define FD_SETSIZE 1024

typedef struct {
    unsigned long fds_bits[FD_SETSIZE / (8 * sizeof(unsigned long))];
} fd_set;

#define __FD_WORD(fd) ((fd) / (8 * (int)sizeof(unsigned long)))
#define __FD_MASK(fd) (1ul << ((fd) % (8 * (int)sizeof(unsigned long))))
#define FD_ZERO(s) __builtin_memset((s), 0, sizeof(fd_set))
#define FD_SET(fd, s) ((s)->fds_bits[__FD_WORD(fd)] |= __FD_MASK(fd))
#define FD_CLR(fd, s) ((s)->fds_bits[__FD_WORD(fd)] &= ~__FD_MASK(fd))
#define FD_ISSET(fd, s) (((s)->fds_bits[__FD_WORD(fd)] & __FD_MASK(fd)) != 0)

int select(int n, fd_set *in, fd_set *out, fd_set *ex, struct timeval *timeout);
int pselect(int n, fd_set *in, fd_set *out, fd_set *ex, const struct timespec *timeout,
            const sigset_t *sigmask);

#endif
