/*
 * fs_poll: poll, ppoll, select, pselect and the raw old select of i386,
 * on pipes: what is ready is reported (POLLIN, POLLOUT, POLLHUP, POLLERR,
 * POLLNVAL), a timeout of 0 returns at once, a timeout waits at least its
 * time, a write from another process wakes a sleeper, a signal interrupts
 * with EINTR, select writes back the time left and refuses a closed
 * descriptor with EBADF, and the masks of ppoll/pselect are applied only
 * while waiting.
 */
#include <agora_test.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/select.h>
#include <sys/resource.h>
#include <sys/wait.h>

static long long mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000ll + ts.tv_nsec / 1000000;
}

static volatile sig_atomic_t got_sig;
static void on_sig(int sig) { got_sig = sig; }

/* A child that sleeps ms, then writes one byte into fd (or signals the parent if fd < 0). */
static pid_t later(int ms, int fd, int close_fd)
{
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        if (close_fd >= 0)
            close(close_fd);
        struct timespec ts = { 0, ms * 1000000l };
        nanosleep(&ts, NULL);
        if (fd >= 0)
            write(fd, "!", 1);
        else
            kill(parent, SIGUSR1);
        _exit(0);
    }
    return pid;
}

static void test_poll(void)
{
    int p[2];
    T_EQ(pipe(p), 0, "pipe");
    struct pollfd f[3] = { { p[0], POLLIN, 0 }, { p[1], POLLOUT, 0 }, { 60, POLLIN, 0 } };
    T_EQ(poll(f, 3, 0), 2, "empty pipe: the write end and the closed descriptor");
    T_EQ(f[0].revents, 0, "read end not ready");
    T_EQ(f[1].revents, POLLOUT, "write end POLLOUT");
    T_EQ(f[2].revents, POLLNVAL, "closed descriptor POLLNVAL");
    f[2].fd = -1;
    T_EQ(poll(f, 3, 0), 1, "a negative fd is ignored");
    T_EQ(f[2].revents, 0, "and its revents is 0");

    long long t0 = mono_ms();
    T_EQ(poll(f, 1, 100), 0, "nothing to read in 100 ms: 0");
    T_OK(mono_ms() - t0 >= 100, "the wait lasted at least 100 ms");

    pid_t pid = later(50, p[1], p[0]);
    T_EQ(poll(f, 1, -1), 1, "a write from another process wakes poll");
    T_EQ(f[0].revents, POLLIN, "POLLIN");
    waitpid(pid, NULL, 0);
    char c;
    read(p[0], &c, 1);

    close(p[1]);
    T_EQ(poll(f, 1, 0), 1, "the writer is gone");
    T_EQ(f[0].revents, POLLHUP, "POLLHUP, even though not asked for");
    close(p[0]);

    T_EQ(pipe(p), 0, "pipe");
    close(p[0]);
    struct pollfd w = { p[1], POLLOUT, 0 };
    T_EQ(poll(&w, 1, 0), 1, "the reader is gone");
    T_OK(w.revents & POLLERR, "POLLERR on the write end");
    close(p[1]);

    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    T_ERRNO(poll(f, rl.rlim_cur + 1, 0), EINVAL, "nfds over RLIMIT_NOFILE: EINVAL");
    T_EQ(poll(NULL, 0, 0), 0, "no descriptors, no wait: 0");
}

static void test_poll_signal(void)
{
    int p[2];
    T_EQ(pipe(p), 0, "pipe");
    struct sigaction sa = { 0 };
    sa.sa_handler = on_sig;
    sigaction(SIGUSR1, &sa, NULL);
    struct pollfd f = { p[0], POLLIN, 0 };
    got_sig = 0;
    pid_t pid = later(50, -1, -1);
    T_ERRNO(poll(&f, 1, -1), EINTR, "a signal interrupts poll: EINTR");
    T_EQ(got_sig, SIGUSR1, "the handler ran");
    waitpid(pid, NULL, 0);

    /* ppoll blocks SIGUSR1 only while it waits. */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, &old);
    sigset_t wait_mask;
    sigemptyset(&wait_mask);            /* unblocked while waiting */
    got_sig = 0;
    pid = later(50, -1, -1);
    T_ERRNO(ppoll(&f, 1, NULL, &wait_mask), EINTR, "ppoll with SIGUSR1 unblocked: EINTR");
    T_EQ(got_sig, SIGUSR1, "the handler ran during ppoll");
    sigset_t now;
    sigprocmask(SIG_SETMASK, NULL, &now);
    T_OK(sigismember(&now, SIGUSR1), "after ppoll the old mask (SIGUSR1 blocked) is back");
    waitpid(pid, NULL, 0);
    struct timespec zero = { 0, 0 };
    T_EQ(ppoll(&f, 1, &zero, &wait_mask), 0, "ppoll with a zero timeout: 0");
    T_ERRNO(syscall(SYS_ppoll, &f, 1, NULL, &wait_mask, 4), EINVAL, "ppoll sigsetsize 4: EINVAL");
    struct { long s, ns; } bad = { 0, 1000000000 };
    T_ERRNO(syscall(SYS_ppoll, &f, 1, &bad, NULL, 8), EINVAL, "ppoll nsec = 1e9: EINVAL");
    sigprocmask(SIG_SETMASK, &old, NULL);
    signal(SIGUSR1, SIG_DFL);
    close(p[0]);
    close(p[1]);
}

static void test_select(void)
{
    int p[2];
    T_EQ(pipe(p), 0, "pipe");
    fd_set in, out;
    FD_ZERO(&in);
    FD_ZERO(&out);
    FD_SET(p[0], &in);
    FD_SET(p[1], &out);
    struct timeval tv = { 0, 0 };
    T_EQ(select(p[1] + 1, &in, &out, NULL, &tv), 1, "empty pipe: only the write end");
    T_OK(!FD_ISSET(p[0], &in) && FD_ISSET(p[1], &out), "the sets say which");

    write(p[1], "x", 1);
    FD_ZERO(&in);
    FD_SET(p[0], &in);
    tv.tv_sec = 5;
    T_EQ(select(p[0] + 1, &in, NULL, NULL, &tv), 1, "one byte: readable");
    T_OK(FD_ISSET(p[0], &in), "read end set");
    T_OK(tv.tv_sec <= 5 && tv.tv_sec >= 4, "the time left is written back");

    /* The raw select of i386 (82) takes one pointer to its arguments. */
    FD_ZERO(&in);
    FD_SET(p[0], &in);
    struct { long s, us; } rtv = { 0, 0 };
    unsigned long args[5] = { (unsigned long)(p[0] + 1), (unsigned long)&in, 0, 0,
                              (unsigned long)&rtv };
    T_EQ(syscall(SYS_select, args), 1, "old select (82) works too");

    char c;
    read(p[0], &c, 1);
    FD_ZERO(&in);
    FD_SET(p[0], &in);
    long long t0 = mono_ms();
    tv.tv_sec = 0;
    tv.tv_usec = 80000;
    T_EQ(select(p[0] + 1, &in, NULL, NULL, &tv), 0, "empty for 80 ms: 0");
    T_OK(mono_ms() - t0 >= 80, "waited at least 80 ms");
    T_OK(!FD_ISSET(p[0], &in), "and the set is cleared");
    T_OK(tv.tv_sec == 0 && tv.tv_usec == 0, "no time left");

    FD_ZERO(&in);
    FD_SET(50, &in);
    tv.tv_sec = 0;
    T_ERRNO(select(51, &in, NULL, NULL, &tv), EBADF, "a closed descriptor in a set: EBADF");
    T_ERRNO(select(-1, NULL, NULL, NULL, &tv), EINVAL, "n < 0: EINVAL");
    rtv.us = 1000000;
    T_ERRNO(syscall(SYS__newselect, 0, NULL, NULL, NULL, &rtv), EINVAL, "usec = 1e6: EINVAL");

    pid_t pid = later(50, p[1], p[0]);
    FD_ZERO(&in);
    FD_SET(p[0], &in);
    T_EQ(pselect(p[0] + 1, &in, NULL, NULL, NULL, NULL), 1, "pselect wakes on a write");
    waitpid(pid, NULL, 0);
    close(p[0]);
    close(p[1]);
}

int main(void)
{
    t_begin("fs_poll");
    test_poll();
    test_poll_signal();
    test_select();
    return t_end();
}
