/*
 * sig_restart: what a blocking call returns when a handled signal
 * interrupts it, as on Linux (signal(7), "Interruption of system calls"):
 *   - wait4 restarts when the handler has SA_RESTART, fails with EINTR
 *     without it;
 *   - nanosleep and clock_nanosleep fail with EINTR even with SA_RESTART,
 *     and report the time left;
 *   - pause and sigsuspend return EINTR after the handler;
 * and the timers that deliver the signals here: alarm(27) (its return
 * value, alarm(0) cancelling), setitimer/getitimer ITIMER_REAL, one-shot
 * and periodic, their errors, ITIMER_VIRTUAL and ITIMER_PROF (CPU time
 * only); a restart_syscall with nothing to restart.
 */
#include <agora_test.h>
#include <signal.h>
#include <stdint.h>
#include <sys/time.h>

struct itv { long int_sec, int_usec, val_sec, val_usec; };

static volatile int hits;

static void on_signal(int sig)
{
    (void)sig;
    hits++;
}

static void handle(int sig, int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sa.sa_flags = flags;
    sigaction(sig, &sa, NULL);
}

static long set_timer(long val_ms, long int_ms, struct itv *old)
{
    struct itv v = { int_ms / 1000, int_ms % 1000 * 1000, val_ms / 1000, val_ms % 1000 * 1000 };
    return syscall(SYS_setitimer, 0, &v, old);
}

/* A child that exits after ms milliseconds. */
static pid_t late_child(int ms, int code)
{
    pid_t pid = fork();
    if (pid == 0) {
        usleep((useconds_t)ms * 1000);
        _exit(code);
    }
    return pid;
}

static void test_wait4(void)
{
    int st = 0;
    handle(SIGALRM, SA_RESTART);
    hits = 0;
    pid_t pid = late_child(400, 17);
    T_EQ(set_timer(100, 0, NULL), 0, "setitimer ITIMER_REAL 100 ms");
    long r = syscall(SYS_wait4, pid, &st, 0, NULL);
    T_EQ(r, pid, "SA_RESTART: wait4 restarted after the handler and reaped the child");
    T_EQ(hits, 1, "the handler ran once");
    T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 17, "with its status");

    handle(SIGALRM, 0);
    hits = 0;
    pid = late_child(400, 18);
    set_timer(100, 0, NULL);
    T_ERRNO(syscall(SYS_wait4, pid, &st, 0, NULL), EINTR, "without SA_RESTART: wait4 fails with EINTR");
    T_EQ(hits, 1, "after the handler ran");
    T_EQ(waitpid(pid, &st, 0), pid, "the child is still there to wait for");

    /* waitid restarts the same way. */
    handle(SIGALRM, SA_RESTART);
    hits = 0;
    pid = late_child(300, 19);
    set_timer(100, 0, NULL);
    int32_t info[32];
    memset(info, 0, sizeof(info));
    T_EQ(syscall(SYS_waitid, P_PID, pid, info, WEXITED, NULL), 0, "SA_RESTART: waitid restarted");
    T_EQ(info[3], pid, "and got the child");
    T_EQ(hits, 1, "after one handler run");
}

static void test_sleeps(void)
{
    handle(SIGALRM, SA_RESTART);
    hits = 0;
    set_timer(100, 0, NULL);
    struct { int32_t sec, nsec; } req = { 2, 0 }, rem = { -1, -1 };
    long t0 = now_ms();
    T_ERRNO(syscall(SYS_nanosleep, &req, &rem), EINTR, "nanosleep: EINTR even with SA_RESTART");
    long took = now_ms() - t0;
    T_OK(took >= 80 && took < 1000, "it slept until the signal");
    T_EQ(hits, 1, "the handler ran");
    long left_ms = rem.sec * 1000L + rem.nsec / 1000000;
    T_OK(rem.nsec >= 0 && rem.nsec < 1000000000 && left_ms > 1500 && left_ms <= 1920,
         "rem holds the time left (about 1.9 s)");

    hits = 0;
    set_timer(100, 0, NULL);
    struct { int64_t sec; int32_t nsec, pad; } req64 = { 2, 0, 0 }, rem64 = { -1, -1, 0 };
    T_ERRNO(syscall(SYS_clock_nanosleep_time64, CLOCK_MONOTONIC, 0, &req64, &rem64), EINTR,
            "clock_nanosleep_time64: EINTR");
    T_OK(rem64.sec == 1 && rem64.nsec > 0, "its rem: 1.x s left");
    hits = 0;
    set_timer(100, 0, NULL);
    T_ERRNO(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &req, &rem), EINTR,
            "clock_nanosleep (32-bit): EINTR");
    T_EQ(hits, 1, "after the handler");

    /* An absolute sleep: EINTR, rem untouched. */
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    struct { int32_t sec, nsec; } abs_req = { (int32_t)now.tv_sec + 2, 0 }, abs_rem = { 77, 77 };
    set_timer(100, 0, NULL);
    T_ERRNO(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 1 /* TIMER_ABSTIME */, &abs_req, &abs_rem),
            EINTR, "absolute clock_nanosleep: EINTR");
    T_OK(abs_rem.sec == 77 && abs_rem.nsec == 77, "absolute: rem not written");

    /* pause and sigsuspend: EINTR after a SA_RESTART handler too. */
    hits = 0;
    set_timer(50, 0, NULL);
    T_ERRNO(syscall(SYS_pause), EINTR, "pause: EINTR after the handler (SA_RESTART or not)");
    T_EQ(hits, 1, "the handler ran");
    sigset_t none;
    sigemptyset(&none);
    set_timer(50, 0, NULL);
    T_ERRNO(sigsuspend(&none), EINTR, "sigsuspend: EINTR");

    /* A signal that wakes the call but runs no handler (a pending SIGCHLD,
     * whose default is to ignore it, unblocked by sigsuspend's mask): the
     * call restarts, so sigsuspend returns only for the handled SIGALRM. */
    signal(SIGCHLD, SIG_DFL);
    sigset_t chld, old;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, &old);
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    while (!(sigpending(&chld), sigismember(&chld, SIGCHLD)))
        usleep(1000);
    hits = 0;
    set_timer(200, 0, NULL);
    long t1 = now_ms();
    T_ERRNO(sigsuspend(&none), EINTR, "sigsuspend with a pending ignored SIGCHLD");
    T_OK(now_ms() - t1 >= 150, "returned only for the SIGALRM (the SIGCHLD wake-up restarted it)");
    T_EQ(hits, 1, "the SIGALRM handler ran");
    sigprocmask(SIG_SETMASK, &old, NULL);
    waitpid(pid, NULL, 0);

    /* restart_syscall (0) with nothing to restart: EINTR. */
    T_ERRNO(syscall(0), EINTR, "restart_syscall with nothing to restart: EINTR");
}

static void test_alarm(void)
{
    handle(SIGALRM, 0);
    hits = 0;
    T_EQ(alarm(10), 0, "alarm(10): no alarm before");
    unsigned left = alarm(20);
    T_OK(left == 10 || left == 9, "alarm(20) returns what was left of 10");
    T_OK(alarm(0) >= 19, "alarm(0) cancels and returns the 20 s");
    T_EQ(alarm(0), 0, "nothing left after");
    alarm(1);
    long t0 = now_ms();
    while (!hits && now_ms() - t0 < 3000)
        pause();
    long took = now_ms() - t0;
    T_EQ(hits, 1, "alarm(1) delivered SIGALRM");
    T_OK(took >= 900 && took < 1500, "about a second later");

    /* alarm and setitimer share the timer. */
    alarm(5);
    struct itv cur;
    T_EQ(syscall(SYS_getitimer, 0, &cur), 0, "getitimer ITIMER_REAL");
    T_OK(cur.val_sec == 4 || (cur.val_sec == 5 && cur.val_usec == 0), "it shows the alarm's 5 s");
    T_EQ(cur.int_sec + cur.int_usec, 0, "without interval");
    alarm(0);
}

static void test_itimer(void)
{
    handle(SIGALRM, 0);
    hits = 0;
    struct itv old;
    T_EQ(set_timer(50, 50, &old), 0, "setitimer: 50 ms, every 50 ms");
    T_EQ(old.val_sec + old.val_usec, 0, "no timer before");
    long t0 = now_ms();
    while (hits < 4 && now_ms() - t0 < 3000)
        pause();
    long took = now_ms() - t0;
    T_EQ(hits, 4, "periodic: four SIGALRMs");
    T_OK(took >= 150 && took < 1000, "about 200 ms for four periods");
    struct itv cur;
    syscall(SYS_getitimer, 0, &cur);
    T_EQ(cur.int_sec * 1000000 + cur.int_usec, 50000, "getitimer: the interval");
    T_OK(cur.val_sec == 0 && cur.val_usec > 0 && cur.val_usec <= 50000, "getitimer: the value left");
    T_EQ(set_timer(0, 0, &old), 0, "disarm");
    T_EQ(old.int_sec * 1000000 + old.int_usec, 50000, "the old interval came back");
    syscall(SYS_getitimer, 0, &cur);
    T_EQ(cur.val_sec + cur.val_usec + cur.int_sec + cur.int_usec, 0, "disarmed");
    T_EQ(syscall(SYS_setitimer, 0, NULL, NULL), 0, "a NULL new value disarms");

    struct itv bad = { 0, 0, 0, 1000000 };
    T_ERRNO(syscall(SYS_setitimer, 0, &bad, NULL), EINVAL, "usec 1000000: EINVAL");
    bad.val_usec = -1;
    T_ERRNO(syscall(SYS_setitimer, 0, &bad, NULL), EINVAL, "usec -1: EINVAL");
    struct itv ok = { 0, 0, 1, 0 };
    T_ERRNO(syscall(SYS_setitimer, 3, &ok, NULL), EINVAL, "which 3: EINVAL");
    T_ERRNO(syscall(SYS_getitimer, 3, &cur), EINVAL, "getitimer which 3: EINVAL");

    /* A child does not inherit the timer. */
    set_timer(2000, 0, NULL);
    pid_t pid = fork();
    if (pid == 0) {
        struct itv c;
        syscall(SYS_getitimer, 0, &c);
        _exit(c.val_sec == 0 && c.val_usec == 0 && alarm(0) == 0 ? 0 : 1);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "fork: the child has no timer");
    set_timer(0, 0, NULL);
}

/* ITIMER_VIRTUAL (1) and ITIMER_PROF (2) count CPU time, not real time. */
static void test_cpu_timers(void)
{
    static const struct { int which, sig; const char *name; } t[] = {
        { 1, SIGVTALRM, "ITIMER_VIRTUAL" }, { 2, SIGPROF, "ITIMER_PROF" },
    };
    for (int i = 0; i < 2; i++) {
        char what[96];
        handle(t[i].sig, 0);
        hits = 0;
        struct itv v = { 0, 0, 0, 100000 }, cur;
        snprintf(what, sizeof(what), "%s: 100 ms", t[i].name);
        T_EQ(syscall(SYS_setitimer, t[i].which, &v, NULL), 0, what);
        /* Sleeping uses no CPU time: the timer does not move (much). */
        usleep(300000);
        syscall(SYS_getitimer, t[i].which, &cur);
        snprintf(what, sizeof(what), "%s: 300 ms asleep used (almost) none of it", t[i].name);
        T_OK(hits == 0 && cur.val_sec == 0 && cur.val_usec >= 80000, what);
        long t0 = now_ms();
        volatile unsigned x = 0;
        while (!hits && now_ms() - t0 < 3000)
            x++;
        long took = now_ms() - t0;
        snprintf(what, sizeof(what), "%s: its signal after about 100 ms of CPU (took %ld ms)",
                 t[i].name, took);
        T_OK(hits == 1 && took >= 60 && took < 400, what);
        syscall(SYS_getitimer, t[i].which, &cur);
        snprintf(what, sizeof(what), "%s: one-shot, now off", t[i].name);
        T_EQ(cur.val_sec + cur.val_usec, 0, what);
        signal(t[i].sig, SIG_DFL);
    }
}

int main(void)
{
    t_begin("sig_restart");
    test_cpu_timers();
    test_wait4();
    test_sleeps();
    test_alarm();
    test_itimer();
    signal(SIGALRM, SIG_DFL);
    return t_end();
}
