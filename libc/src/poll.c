/*
 * poll.c: poll, ppoll, select and pselect. ppoll, select and pselect go
 * through the 64-bit-time calls (ppoll_time64 414, pselect6_time64 413),
 * since this libc's time_t is 64 bits; poll (168) takes milliseconds.
 */
#include <errno.h>
#include <poll.h>
#include <sys/select.h>
#include <agora/syscall.h>

#define RET(x) __syscall_ret(x)

int poll(struct pollfd *fds, nfds_t nfds, int timeout_ms)
{
    return (int)RET(__syscall3(__NR_poll, fds, nfds, timeout_ms));
}

int ppoll(struct pollfd *fds, nfds_t nfds, const struct timespec *timeout,
          const sigset_t *sigmask)
{
    struct timespec64_k ts, *tp = 0;
    if (timeout) {
        ts.tv_sec = timeout->tv_sec;
        ts.tv_nsec = timeout->tv_nsec;
        tp = &ts;
    }
    return (int)RET(__syscall5(__NR_ppoll_time64, fds, nfds, tp, sigmask, 8));
}

static int do_pselect(int n, fd_set *in, fd_set *out, fd_set *ex, struct timespec64_k *tp,
                      const sigset_t *sigmask)
{
    /* pselect6's sixth argument: the mask and its size, by pointer. */
    unsigned long sig[2] = { (unsigned long)sigmask, 8 };
    return (int)RET(__syscall6(__NR_pselect6_time64, n, in, out, ex, tp, sigmask ? sig : 0));
}

int select(int n, fd_set *in, fd_set *out, fd_set *ex, struct timeval *timeout)
{
    struct timespec64_k ts, *tp = 0;
    if (timeout) {
        if (timeout->tv_usec < 0 || timeout->tv_usec >= 1000000) {
            errno = EINVAL;
            return -1;
        }
        ts.tv_sec = timeout->tv_sec;
        ts.tv_nsec = timeout->tv_usec * 1000;
        tp = &ts;
    }
    int r = do_pselect(n, in, out, ex, tp, 0);
    if (timeout) {                      /* the time left, as Linux's select says */
        timeout->tv_sec = ts.tv_sec;
        timeout->tv_usec = ts.tv_nsec / 1000;
    }
    return r;
}

int pselect(int n, fd_set *in, fd_set *out, fd_set *ex, const struct timespec *timeout,
            const sigset_t *sigmask)
{
    struct timespec64_k ts, *tp = 0;
    if (timeout) {
        ts.tv_sec = timeout->tv_sec;
        ts.tv_nsec = timeout->tv_nsec;
        tp = &ts;
    }
    return do_pselect(n, in, out, ex, tp, sigmask);
}
