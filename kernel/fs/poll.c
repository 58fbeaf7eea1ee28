/*
 * poll.c: waiting for several files at once: poll, ppoll, select, the old
 * select of i386 and pselect6, in both time_t widths where Linux has them.
 *
 * All of them come down to one loop (wait_ready): ask every file what it
 * is ready for (ops->poll); if something is, or the time is up, return;
 * else sleep until a file's readiness changes (file_poll_wakeup, one
 * channel for every file: see file.h), the deadline passes or a signal
 * arrives, and ask again.
 *
 * As on Linux, select and pselect6 (and ppoll) write the time left back
 * into the caller's timeout; a fault writing it back is ignored.
 */
#include <kernel/file.h>
#include <kernel/fs_syscalls.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/time.h>
#include <kernel/kheap.h>
#include <kernel/uaccess.h>
#include <uapi/errno.h>
#include <kernel/errno.h>
#include <uapi/time.h>
#include <uapi/signal.h>
#include <string.h>

/* Every process in poll or select sleeps on this. */
static char poll_chan;

void file_poll_wakeup(void)
{
    sched_wakeup(&poll_chan);
}

#define NSEC_PER_SEC 1000000000ll

/* What select counts as ready for reading, writing, and exceptions. */
#define POLLIN_SET (POLLIN | POLLRDNORM | POLLHUP | POLLERR)
#define POLLOUT_SET (POLLOUT | POLLWRNORM | POLLERR)
#define POLLEX_SET POLLPRI

/* struct pollfd */
struct linux_pollfd {
    int32_t fd;
    int16_t events, revents;
};

/* One request: a descriptor and what the caller wants of it. */
struct waiter {
    int fd;
    uint32_t events;                    /* poll's events, or select's *_SET bits */
    uint32_t revents;
};

/*
 * Ask each file in w[0..n) what it is ready for; fill revents. A
 * descriptor that is not open gives POLLNVAL. Returns how many entries
 * have something in revents.
 */
static int scan(struct waiter *w, int n)
{
    int ready = 0;
    for (int i = 0; i < n; i++) {
        w[i].revents = 0;
        if (w[i].fd < 0)
            continue;
        struct file *f = fd_file(w[i].fd);
        if (!f) {
            w[i].revents = POLLNVAL;
        } else {
            uint32_t now = f->ops->poll ? f->ops->poll(f)
                                        : POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM;
            /* POLLERR and POLLHUP are reported whether asked for or not. */
            w[i].revents = now & (w[i].events | POLLERR | POLLHUP);
        }
        if (w[i].revents)
            ready++;
    }
    return ready;
}

static bool signal_pending(void)
{
    return (current->sig_pending & ~current->sig_blocked) != 0;
}

/* Scan until something is ready (its count), the deadline (monotonic ns;
 * TIME_NEVER: none) has passed (0), or a signal comes (-ERESTARTNOHAND:
 * EINTR after a handler, as Linux's poll and select say whatever
 * SA_RESTART; a restart, with the whole timeout again, if no handler ran). */
static int wait_ready(struct waiter *w, int n, int64_t deadline)
{
    for (;;) {
        int ready = scan(w, n);
        if (ready || time_monotonic_ns() >= deadline)
            return ready;
        if (signal_pending())
            return -ERESTARTNOHAND;
        /* The timer interrupt wakes a sleeper whose wake_ns has passed. */
        current->wake_ns = deadline == TIME_NEVER ? 0 : deadline;
        int err = sched_sleep(&poll_chan);
        current->wake_ns = 0;
        if (err < 0)
            return -ERESTARTNOHAND;
    }
}

/* ---- timeouts ---- */

/* A relative timeout as a deadline: TIME_NEVER for none (NULL). */
static int deadline_ts32(const struct timespec32 __user *uts, int64_t *deadline)
{
    struct timespec32 ts;
    if (!uts) {
        *deadline = TIME_NEVER;
        return 0;
    }
    if (copyin(&ts, uts, sizeof(ts)) < 0)
        return -EFAULT;
    if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NSEC_PER_SEC)
        return -EINVAL;
    *deadline = time_deadline(time_monotonic_ns(), ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec);
    return 0;
}

static int deadline_ts64(const struct timespec64_k __user *uts, int64_t *deadline)
{
    struct timespec64_k ts;
    if (!uts) {
        *deadline = TIME_NEVER;
        return 0;
    }
    if (copyin(&ts, uts, sizeof(ts)) < 0)
        return -EFAULT;
    if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NSEC_PER_SEC)
        return -EINVAL;
    /* Seconds past what 64-bit nanoseconds hold are as good as never. */
    if (ts.tv_sec >= INT64_MAX / NSEC_PER_SEC)
        *deadline = TIME_NEVER;
    else
        *deadline = time_deadline(time_monotonic_ns(), ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec);
    return 0;
}

/* Nanoseconds left until deadline, never negative. */
static int64_t time_left(int64_t deadline)
{
    int64_t left = deadline - time_monotonic_ns();
    return left > 0 ? left : 0;
}

/* Write the time left back (select's and ppoll's Linux habit). */
static void put_left_ts32(struct timespec32 __user *uts, int64_t deadline)
{
    if (!uts || deadline == TIME_NEVER)
        return;
    int64_t left = time_left(deadline);
    struct timespec32 ts = { (int32_t)(left / NSEC_PER_SEC), (int32_t)(left % NSEC_PER_SEC) };
    (void)copyout(uts, &ts, sizeof(ts));
}

static void put_left_ts64(struct timespec64_k __user *uts, int64_t deadline)
{
    if (!uts || deadline == TIME_NEVER)
        return;
    int64_t left = time_left(deadline);
    struct timespec64_k ts = { left / NSEC_PER_SEC, left % NSEC_PER_SEC };
    (void)copyout(uts, &ts, sizeof(ts));
}

/* ---- signal masks of ppoll and pselect6 ---- */

/* Block *mask while waiting (if given): the old mask goes to saved_mask. */
static int push_mask(const uint64_t __user *umask, uint32_t size)
{
    if (!umask)
        return 0;
    if (size != sizeof(uint64_t))
        return -EINVAL;
    uint64_t m;
    if (copyin(&m, umask, sizeof(m)) < 0)
        return -EFAULT;
    current->saved_mask = current->sig_blocked;
    current->has_saved_mask = true;
    current->sig_blocked = m & ~((1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1)));
    return 0;
}

/* After the wait: interrupted, the saved mask comes back after the
 * handler runs (as sigsuspend's does); otherwise now. */
static void pop_mask(long ret)
{
    if (!current->has_saved_mask || ret == -ERESTARTNOHAND)
        return;
    current->sig_blocked = current->saved_mask;
    current->has_saved_mask = false;
}

/* ---- poll ---- */

static long do_poll(struct linux_pollfd __user *ufds, uint32_t nfds, int64_t deadline)
{
    if (nfds > proc_rlimit(current, RLIMIT_NOFILE))
        return -EINVAL;
    struct linux_pollfd *pfd = NULL;
    struct waiter *w = NULL;
    if (nfds) {
        pfd = kmalloc(nfds * sizeof(*pfd));
        w = kmalloc(nfds * sizeof(*w));
    }
    long ret;
    if (nfds && (!pfd || !w)) {
        ret = -ENOMEM;
        goto out;
    }
    if (copyin(pfd, ufds, nfds * sizeof(*pfd)) < 0) {
        ret = -EFAULT;
        goto out;
    }
    for (uint32_t i = 0; i < nfds; i++) {
        w[i].fd = pfd[i].fd;
        w[i].events = (uint16_t)pfd[i].events;
    }
    ret = wait_ready(w, (int)nfds, deadline);
    if (ret >= 0) {
        for (uint32_t i = 0; i < nfds; i++)
            pfd[i].revents = (int16_t)w[i].revents;
        if (copyout(ufds, pfd, nfds * sizeof(*pfd)) < 0)
            ret = -EFAULT;
    }
out:
    kfree(pfd);
    kfree(w);
    return ret;
}

/* poll(2): the number of ready entries, 0 on time-out, or -EINVAL (nfds
 * over RLIMIT_NOFILE), -EFAULT, -ENOMEM, -EINTR. timeout_ms < 0: none. */
long sys_poll(struct linux_pollfd __user *ufds, uint32_t nfds, int32_t timeout_ms)
{
    int64_t deadline = TIME_NEVER;
    if (timeout_ms >= 0)
        deadline = time_deadline(time_monotonic_ns(), (int64_t)timeout_ms * 1000000);
    return do_poll(ufds, nfds, deadline);
}

/* ppoll(2), 32-bit timespec: poll with a timespec and a mask to wait with. */
long sys_ppoll(struct linux_pollfd __user *ufds, uint32_t nfds, struct timespec32 __user *tsp,
               const uint64_t __user *mask, uint32_t masksize)
{
    int64_t deadline;
    long ret = deadline_ts32(tsp, &deadline);
    if (ret < 0)
        return ret;
    if ((ret = push_mask(mask, masksize)) < 0)
        return ret;
    ret = do_poll(ufds, nfds, deadline);
    pop_mask(ret);
    put_left_ts32(tsp, deadline);
    return ret;
}

/* ppoll_time64 (414). */
long sys_ppoll_time64(struct linux_pollfd __user *ufds, uint32_t nfds,
                      struct timespec64_k __user *tsp, const uint64_t __user *mask,
                      uint32_t masksize)
{
    int64_t deadline;
    long ret = deadline_ts64(tsp, &deadline);
    if (ret < 0)
        return ret;
    if ((ret = push_mask(mask, masksize)) < 0)
        return ret;
    ret = do_poll(ufds, nfds, deadline);
    pop_mask(ret);
    put_left_ts64(tsp, deadline);
    return ret;
}

/* ---- select ---- */

#define FDSET_WORDS ((NOFILE + 31) / 32)

/* Read the n-bit set at u (NULL: empty) into k. */
static int get_set(uint32_t *k, const uint32_t __user *u, int n)
{
    memset(k, 0, FDSET_WORDS * 4);
    if (!u || n == 0)
        return 0;
    if (copyin(k, u, (size_t)((n + 31) / 32) * 4) < 0)
        return -EFAULT;
    if (n % 32)
        k[(n - 1) / 32] &= (1u << (n % 32)) - 1;
    return 0;
}

static bool bit(const uint32_t *set, int fd)
{
    return set[fd / 32] & (1u << (fd % 32));
}

/*
 * select's core: n descriptors (clamped to the table), the three sets
 * (any may be NULL), a deadline. The count of bits set in the results,
 * which replace the sets; -EINVAL (n < 0), -EBADF (a set names a closed
 * descriptor), -EFAULT, -EINTR.
 */
static long do_select(int n, uint32_t __user *uin, uint32_t __user *uout,
                      uint32_t __user *uex, int64_t deadline)
{
    if (n < 0)
        return -EINVAL;
    if (n > NOFILE)
        n = NOFILE;                     /* Linux: past the table, bits are ignored */
    uint32_t in[FDSET_WORDS], out[FDSET_WORDS], ex[FDSET_WORDS];
    if (get_set(in, uin, n) < 0 || get_set(out, uout, n) < 0 || get_set(ex, uex, n) < 0)
        return -EFAULT;

    struct waiter w[NOFILE];
    int nw = 0;
    for (int fd = 0; fd < n; fd++) {
        uint32_t ev = (bit(in, fd) ? POLLIN_SET : 0) | (bit(out, fd) ? POLLOUT_SET : 0) |
                      (bit(ex, fd) ? POLLEX_SET : 0);
        if (!ev)
            continue;
        if (!fd_file(fd))
            return -EBADF;
        w[nw++] = (struct waiter){ .fd = fd, .events = ev };
    }
    long ret = wait_ready(w, nw, deadline);
    if (ret < 0)
        return ret;
    memset(in, 0, sizeof(in));
    memset(out, 0, sizeof(out));
    memset(ex, 0, sizeof(ex));
    ret = 0;
    for (int i = 0; i < nw; i++) {
        int fd = w[i].fd;
        uint32_t r = w[i].revents, b = 1u << (fd % 32);
        /* scan reported POLLERR/POLLHUP even unasked: keep each set's own. */
        if ((w[i].events & POLLIN) && (r & POLLIN_SET)) { in[fd / 32] |= b; ret++; }
        if ((w[i].events & POLLOUT) && (r & POLLOUT_SET)) { out[fd / 32] |= b; ret++; }
        if ((w[i].events & POLLPRI) && (r & POLLEX_SET)) { ex[fd / 32] |= b; ret++; }
    }
    size_t bytes = (size_t)((n + 31) / 32) * 4;
    if ((uin && copyout(uin, in, bytes) < 0) || (uout && copyout(uout, out, bytes) < 0) ||
        (uex && copyout(uex, ex, bytes) < 0))
        return -EFAULT;
    return ret;
}

/* _newselect (142): select(2) with a struct timeval. */
long sys_select(int n, uint32_t __user *in, uint32_t __user *out, uint32_t __user *ex,
                struct timeval32 __user *utv)
{
    int64_t deadline = TIME_NEVER;
    if (utv) {
        struct timeval32 tv;
        if (copyin(&tv, utv, sizeof(tv)) < 0)
            return -EFAULT;
        if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= 1000000)
            return -EINVAL;
        deadline = time_deadline(time_monotonic_ns(),
                                 (int64_t)tv.tv_sec * NSEC_PER_SEC + (int64_t)tv.tv_usec * 1000);
    }
    long ret = do_select(n, in, out, ex, deadline);
    if (utv && deadline != TIME_NEVER) {
        int64_t left = time_left(deadline);
        struct timeval32 tv = { (int32_t)(left / NSEC_PER_SEC),
                                (int32_t)(left % NSEC_PER_SEC / 1000) };
        (void)copyout(utv, &tv, sizeof(tv));
    }
    return ret;
}

/* select (82), i386's oldest: one pointer to the five arguments. */
long sys_old_select(const uint32_t __user *args)
{
    uint32_t a[5];
    if (copyin(a, args, sizeof(a)) < 0)
        return -EFAULT;
    return sys_select((int)a[0], (uint32_t __user *)(uintptr_t)a[1],
                      (uint32_t __user *)(uintptr_t)a[2], (uint32_t __user *)(uintptr_t)a[3],
                      (struct timeval32 __user *)(uintptr_t)a[4]);
}

/* pselect6's sixth argument: the mask and its size, by pointer. */
static int get_sigmask_arg(const uint32_t __user *usig, const uint64_t __user **mask,
                           uint32_t *size)
{
    uint32_t a[2] = { 0, 0 };
    if (usig && copyin(a, usig, sizeof(a)) < 0)
        return -EFAULT;
    *mask = (const uint64_t __user *)(uintptr_t)a[0];
    *size = a[1];
    return 0;
}

/* pselect6 (308): select with a 32-bit timespec and a signal mask. */
long sys_pselect6(int n, uint32_t __user *in, uint32_t __user *out, uint32_t __user *ex,
                  struct timespec32 __user *tsp, const uint32_t __user *usig)
{
    int64_t deadline;
    const uint64_t __user *mask;
    uint32_t size;
    long ret = deadline_ts32(tsp, &deadline);
    if (ret < 0 || (ret = get_sigmask_arg(usig, &mask, &size)) < 0 ||
        (ret = push_mask(mask, size)) < 0)
        return ret;
    ret = do_select(n, in, out, ex, deadline);
    pop_mask(ret);
    put_left_ts32(tsp, deadline);
    return ret;
}

/* pselect6_time64 (413). */
long sys_pselect6_time64(int n, uint32_t __user *in, uint32_t __user *out, uint32_t __user *ex,
                         struct timespec64_k __user *tsp, const uint32_t __user *usig)
{
    int64_t deadline;
    const uint64_t __user *mask;
    uint32_t size;
    long ret = deadline_ts64(tsp, &deadline);
    if (ret < 0 || (ret = get_sigmask_arg(usig, &mask, &size)) < 0 ||
        (ret = push_mask(mask, size)) < 0)
        return ret;
    ret = do_select(n, in, out, ex, deadline);
    pop_mask(ret);
    put_left_ts64(tsp, deadline);
    return ret;
}
