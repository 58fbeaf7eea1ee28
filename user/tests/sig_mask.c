/*
 * sig_mask: blocking, pending and waiting for signals.
 *
 * A blocked signal stays pending (sigpending shows it) and is delivered
 * exactly once when unblocked, however often it was sent; ignoring a
 * pending signal discards it; a blocked SIGCHLD with the default action
 * is still queued (Linux: blocked signals are never ignored); SIG_IGN via
 * signal(); pause() and sigsuspend() return -1 EINTR after a handler, and
 * sigsuspend restores the mask; sigprocmask's errors.
 */
#include <agora_test.h>
#include <signal.h>
#include <sched.h>

static volatile int usr1_hits, usr2_hits, chld_hits, order[8], norder;

static void on_usr1(int sig)
{
    (void)sig;
    usr1_hits++;
    if (norder < 8)
        order[norder++] = SIGUSR1;
}

static void on_usr2(int sig)
{
    (void)sig;
    usr2_hits++;
    if (norder < 8)
        order[norder++] = SIGUSR2;
}

static void on_chld(int sig)
{
    (void)sig;
    chld_hits++;
}

static void install(int sig, void (*fn)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = fn;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static sigset_t set_of(int a, int b)
{
    sigset_t s;
    sigemptyset(&s);
    if (a)
        sigaddset(&s, a);
    if (b)
        sigaddset(&s, b);
    return s;
}

static void test_block_pending(void)
{
    install(SIGUSR1, on_usr1);
    install(SIGUSR2, on_usr2);
    sigset_t b = set_of(SIGUSR1, 0), old, pend;
    T_SUCCESS(sigprocmask(SIG_BLOCK, &b, &old), "block SIGUSR1");
    T_OK(!sigismember(&old, SIGUSR1), "the old mask did not have it");
    usr1_hits = 0;
    for (int i = 0; i < 5; i++)
        kill(getpid(), SIGUSR1);
    T_EQ(usr1_hits, 0, "blocked: five kills run no handler");
    sigemptyset(&pend);
    T_SUCCESS(sigpending(&pend), "sigpending");
    T_OK(sigismember(&pend, SIGUSR1), "sigpending shows SIGUSR1");
    T_OK(!sigismember(&pend, SIGUSR2), "and not SIGUSR2");
    T_SUCCESS(sigprocmask(SIG_UNBLOCK, &b, NULL), "unblock SIGUSR1");
    T_EQ(usr1_hits, 1, "delivered exactly once, before sigprocmask returned");
    sigpending(&pend);
    T_OK(!sigismember(&pend, SIGUSR1), "no longer pending");
    kill(getpid(), SIGUSR1);
    T_EQ(usr1_hits, 2, "unblocked again: the next kill is delivered at once");

    /* Two different pending signals: both delivered on unblock, once each. */
    b = set_of(SIGUSR1, SIGUSR2);
    sigprocmask(SIG_BLOCK, &b, NULL);
    usr1_hits = usr2_hits = norder = 0;
    kill(getpid(), SIGUSR2);
    kill(getpid(), SIGUSR1);
    kill(getpid(), SIGUSR2);
    sigprocmask(SIG_UNBLOCK, &b, NULL);
    T_EQ(usr1_hits, 1, "two pending signals: SIGUSR1 once");
    T_EQ(usr2_hits, 1, "two pending signals: SIGUSR2 once");
    T_EQ(norder, 2, "two handler runs in all");

    /* SIG_SETMASK replaces, SIG_BLOCK adds, SIG_UNBLOCK removes. */
    sigset_t cur, one = set_of(SIGHUP, 0), two = set_of(SIGINT, 0);
    sigprocmask(SIG_SETMASK, &one, NULL);
    sigprocmask(SIG_BLOCK, &two, NULL);
    sigprocmask(SIG_SETMASK, NULL, &cur);
    T_OK(sigismember(&cur, SIGHUP) && sigismember(&cur, SIGINT), "SIG_BLOCK adds to the mask");
    sigprocmask(SIG_UNBLOCK, &one, &old);
    T_OK(sigismember(&old, SIGHUP), "sigprocmask's old set is the mask before the call");
    sigprocmask(SIG_SETMASK, NULL, &cur);
    T_OK(!sigismember(&cur, SIGHUP) && sigismember(&cur, SIGINT), "SIG_UNBLOCK removes");
    sigprocmask(SIG_SETMASK, &one, NULL);
    sigprocmask(SIG_SETMASK, NULL, &cur);
    T_OK(sigismember(&cur, SIGHUP) && !sigismember(&cur, SIGINT), "SIG_SETMASK replaces");
    sigset_t hi = set_of(40, 64);
    sigprocmask(SIG_SETMASK, &hi, NULL);
    sigprocmask(SIG_SETMASK, NULL, &cur);
    T_OK(sigismember(&cur, 40) && sigismember(&cur, 64) && !sigismember(&cur, SIGHUP),
         "signals above 32 can be blocked (40, 64)");
    T_ERRNO(sigprocmask(3, &one, NULL), EINVAL, "sigprocmask with how = 3");
    T_ERRNO(sigprocmask(-1, &one, NULL), EINVAL, "sigprocmask with how = -1");
    T_SUCCESS(sigprocmask(12345, NULL, &cur), "a bad how with set NULL is just a query");
    T_ERRNO(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &one, NULL, 4), EINVAL,
            "rt_sigprocmask with sigsetsize 4");
    T_ERRNO(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &one, NULL, 16), EINVAL,
            "rt_sigprocmask with sigsetsize 16");
    sigemptyset(&cur);
    sigprocmask(SIG_SETMASK, &cur, NULL);
}

static void test_ignore(void)
{
    /* signal() with SIG_IGN */
    T_OK(signal(SIGUSR1, SIG_IGN) != SIG_ERR, "signal(SIGUSR1, SIG_IGN)");
    T_EQ(kill(getpid(), SIGUSR1), 0, "kill(self, SIGUSR1) while ignored");
    T_OK(1, "still alive");
    sigset_t pend;
    sigpending(&pend);
    T_OK(!sigismember(&pend, SIGUSR1), "an ignored signal is not left pending");
    T_OK(signal(SIGUSR1, SIG_DFL) == SIG_IGN, "signal() returns SIG_IGN as the old action");

    /* Ignoring a pending signal discards it. */
    install(SIGUSR1, on_usr1);
    sigset_t b = set_of(SIGUSR1, 0);
    sigprocmask(SIG_BLOCK, &b, NULL);
    kill(getpid(), SIGUSR1);
    signal(SIGUSR1, SIG_IGN);
    sigpending(&pend);
    T_OK(!sigismember(&pend, SIGUSR1), "setting SIG_IGN discards the pending signal");
    install(SIGUSR1, on_usr1);
    usr1_hits = 0;
    sigprocmask(SIG_UNBLOCK, &b, NULL);
    T_EQ(usr1_hits, 0, "so nothing is delivered on unblock");

    /* Linux drops a signal whose action is SIG_IGN at send time only if
     * it is not blocked; blocked, it stays pending, since the action may
     * change before the unblock. */
    signal(SIGUSR1, SIG_IGN);
    sigprocmask(SIG_BLOCK, &b, NULL);
    kill(getpid(), SIGUSR1);
    sigpending(&pend);
    T_OK(sigismember(&pend, SIGUSR1),
         "blocked + SIG_IGN: the signal is still queued (Linux: blocked signals are never ignored)");
    install(SIGUSR1, on_usr1);
    usr1_hits = 0;
    sigprocmask(SIG_UNBLOCK, &b, NULL);
    T_EQ(usr1_hits, 1, "...and reaches a handler installed before the unblock");

    /* SIGCHLD with SIG_DFL, blocked: queued too. */
    signal(SIGCHLD, SIG_DFL);
    b = set_of(SIGCHLD, 0);
    sigprocmask(SIG_BLOCK, &b, NULL);
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    int st;
    waitpid(pid, &st, 0);
    sigpending(&pend);
    T_OK(sigismember(&pend, SIGCHLD), "a blocked SIGCHLD (SIG_DFL) is pending after a child exits");
    install(SIGCHLD, on_chld);
    chld_hits = 0;
    sigprocmask(SIG_UNBLOCK, &b, NULL);
    T_EQ(chld_hits, 1, "a SIGCHLD handler installed later gets it once on unblock");
    signal(SIGCHLD, SIG_DFL);
    signal(SIGUSR1, SIG_DFL);
}

static void test_pause_sigsuspend(void)
{
    install(SIGUSR1, on_usr1);
    usr1_hits = 0;
    pid_t parent = getpid();
    /* The child keeps signalling until told to stop (SIGKILL): pause()
     * cannot miss it, whenever it starts waiting. */
    pid_t pid = fork();
    if (pid == 0) {
        for (;;) {
            kill(parent, SIGUSR1);
            usleep(2000);
        }
    }
    errno = 0;
    int r = pause();
    int e = errno;
    kill(pid, SIGKILL);
    int st;
    waitpid(pid, &st, 0);
    T_EQ(r, -1, "pause() returns -1 after a handler ran");
    T_EQ(e, EINTR, "pause() sets EINTR");
    T_OK(usr1_hits >= 1, "the handler ran");

    /* sigsuspend: atomically unblock and wait; the old mask comes back. */
    sigset_t b = set_of(SIGUSR1, 0), wait_mask = set_of(SIGHUP, 0), cur;
    sigprocmask(SIG_BLOCK, &b, NULL);
    usr1_hits = 0;
    pid = fork();
    if (pid == 0) {
        kill(parent, SIGUSR1);
        _exit(0);
    }
    errno = 0;
    r = sigsuspend(&wait_mask);         /* SIGUSR1 unblocked only in here */
    e = errno;
    waitpid(pid, &st, 0);
    T_EQ(r, -1, "sigsuspend returns -1");
    T_EQ(e, EINTR, "sigsuspend sets EINTR");
    T_EQ(usr1_hits, 1, "the handler ran once");
    sigprocmask(SIG_BLOCK, NULL, &cur);
    T_OK(sigismember(&cur, SIGUSR1) && !sigismember(&cur, SIGHUP),
         "after sigsuspend the old mask is back (SIGUSR1 blocked, SIGHUP not)");

    /* A signal already pending ends sigsuspend at once. */
    kill(getpid(), SIGUSR1);
    T_EQ(usr1_hits, 1, "blocked again: the kill stays pending");
    sigset_t none;
    sigemptyset(&none);
    r = sigsuspend(&none);
    T_EQ(r, -1, "sigsuspend with a pending signal returns at once");
    T_EQ(usr1_hits, 2, "and the pending signal was handled");
    T_ERRNO(syscall(SYS_rt_sigsuspend, &none, 4), EINVAL, "rt_sigsuspend with sigsetsize 4");
    sigprocmask(SIG_UNBLOCK, &b, NULL);

    /* The handler sees sigsuspend's mask; SIGUSR2, blocked by it, waits. */
    install(SIGUSR2, on_usr2);
    b = set_of(SIGUSR1, SIGUSR2);
    sigprocmask(SIG_BLOCK, &b, NULL);
    usr1_hits = usr2_hits = 0;
    kill(getpid(), SIGUSR2);
    kill(getpid(), SIGUSR1);
    sigset_t only_usr2 = set_of(SIGUSR2, 0);
    r = sigsuspend(&only_usr2);
    T_EQ(usr1_hits, 1, "sigsuspend(mask with SIGUSR2): SIGUSR1 handled");
    T_EQ(usr2_hits, 0, "SIGUSR2 (blocked by sigsuspend's mask) not yet");
    sigprocmask(SIG_UNBLOCK, &b, NULL);
    T_EQ(usr2_hits, 1, "SIGUSR2 delivered once on unblock");
    signal(SIGUSR1, SIG_DFL);
    signal(SIGUSR2, SIG_DFL);
}

static void test_waitpid_interrupted(void)
{
    /* waitpid blocked on a running child returns EINTR when a handler
     * runs (no SA_RESTART). */
    install(SIGUSR1, on_usr1);
    pid_t parent = getpid();
    pid_t sleeper = fork();
    if (sleeper == 0) {
        for (;;)
            pause();
    }
    pid_t pinger = fork();
    if (pinger == 0) {
        for (;;) {
            kill(parent, SIGUSR1);
            usleep(2000);
        }
    }
    usr1_hits = 0;
    errno = 0;
    int st;
    int r = waitpid(sleeper, &st, 0);
    int e = errno;
    kill(pinger, SIGKILL);
    kill(sleeper, SIGKILL);
    waitpid(pinger, &st, 0);
    T_EQ(r, -1, "waitpid on a live child returns -1 when a handler interrupts it");
    T_EQ(e, EINTR, "with EINTR");
    T_EQ(waitpid(sleeper, &st, 0), sleeper, "the child can still be reaped");
    T_OK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "and shows SIGKILL");
    signal(SIGUSR1, SIG_DFL);
}

int main(void)
{
    t_begin("sig_mask");
    test_block_pending();
    test_ignore();
    test_pause_sigsuspend();
    test_waitpid_interrupted();
    return t_end();
}
