/*
 * sig_default: default signal actions, kill(2) and its errors, and the
 * signals that cannot be caught.
 *
 * Each terminating signal is sent to a paused child and must come back
 * through waitpid as WIFSIGNALED with that WTERMSIG; the ignored-by-default
 * ones must not kill. kill(pid, 0) probes existence; bad pids and signal
 * numbers fail as on Linux; SIGKILL and SIGSTOP cannot be caught, ignored
 * or blocked.
 */
#include <agora_test.h>
#include <signal.h>

static pid_t spawn_pauser(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        for (;;)
            pause();
    }
    return pid;
}

/* Signals whose default action ends the process (Linux i386). */
static const struct { int sig; const char *name; } terminating[] = {
    { SIGHUP, "SIGHUP" }, { SIGINT, "SIGINT" }, { SIGQUIT, "SIGQUIT" },
    { SIGILL, "SIGILL" }, { SIGTRAP, "SIGTRAP" }, { SIGABRT, "SIGABRT" },
    { SIGBUS, "SIGBUS" }, { SIGFPE, "SIGFPE" }, { SIGKILL, "SIGKILL" },
    { SIGUSR1, "SIGUSR1" }, { SIGSEGV, "SIGSEGV" }, { SIGUSR2, "SIGUSR2" },
    { SIGPIPE, "SIGPIPE" }, { SIGALRM, "SIGALRM" }, { SIGTERM, "SIGTERM" },
    { SIGSTKFLT, "SIGSTKFLT" }, { SIGXCPU, "SIGXCPU" }, { SIGXFSZ, "SIGXFSZ" },
    { SIGVTALRM, "SIGVTALRM" }, { SIGPROF, "SIGPROF" }, { SIGIO, "SIGIO" },
    { SIGPWR, "SIGPWR" }, { SIGSYS, "SIGSYS" }, { 34, "SIGRTMIN (34)" },
    { 64, "SIGRTMAX (64)" },
};

static void test_terminating(void)
{
    for (size_t i = 0; i < sizeof(terminating) / sizeof(terminating[0]); i++) {
        int sig = terminating[i].sig;
        pid_t pid = spawn_pauser();
        int st = 0;
        int r = kill(pid, sig);
        pid_t got = waitpid(pid, &st, 0);
        char what[96];
        snprintf(what, sizeof(what), "%s kills by default (WIFSIGNALED, WTERMSIG %d)",
                 terminating[i].name, sig);
        t_check(r == 0 && got == pid && WIFSIGNALED(st) && !WIFEXITED(st) &&
                WTERMSIG(st) == sig, what, NULL);
        if (!(WIFSIGNALED(st) && WTERMSIG(st) == sig))
            printf("#   kill=%d waitpid=%d status=0x%x\n", r, (int)got, st);
    }
}

/* Signals a child sends itself that must not kill it by default. */
static void test_ignored_by_default(void)
{
    static const struct { int sig; const char *name; } ign[] = {
        { SIGCHLD, "SIGCHLD" }, { SIGURG, "SIGURG" }, { SIGWINCH, "SIGWINCH" },
        { SIGCONT, "SIGCONT" },
    };
    for (size_t i = 0; i < sizeof(ign) / sizeof(ign[0]); i++) {
        pid_t pid = fork();
        if (pid == 0) {
            kill(getpid(), ign[i].sig);
            raise(ign[i].sig);
            _exit(33);
        }
        int st = 0;
        waitpid(pid, &st, 0);
        char what[80];
        snprintf(what, sizeof(what), "%s is ignored by default", ign[i].name);
        t_check(WIFEXITED(st) && WEXITSTATUS(st) == 33, what, NULL);
    }

    /* A child's exit sends its parent SIGCHLD, which by default does nothing. */
    pid_t pid = fork();
    if (pid == 0) {
        pid_t g = fork();
        if (g == 0)
            _exit(0);
        int st;
        waitpid(g, &st, 0);
        _exit(34);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 34, "a parent survives its child's SIGCHLD");
}

static volatile sig_atomic_t got_chld;

static void on_chld(int sig)
{
    got_chld = sig;
}

static void test_kill_errors(void)
{
    pid_t pid = spawn_pauser();
    T_EQ(kill(pid, 0), 0, "kill(child, 0): the child exists");
    T_EQ(kill(getpid(), 0), 0, "kill(self, 0)");
    T_EQ(kill(1, 0), 0, "kill(1, 0): init exists (root may signal it)");
    T_ERRNO(kill(pid, -1), EINVAL, "kill with signal -1");
    T_ERRNO(kill(pid, 65), EINVAL, "kill with signal 65");
    T_ERRNO(kill(pid, 1000), EINVAL, "kill with signal 1000");
    T_ERRNO(kill(30000, SIGTERM), ESRCH, "kill of a nonexistent pid");
    T_ERRNO(kill(30000, 0), ESRCH, "kill(nonexistent, 0)");
    T_ERRNO(kill(0x7fffffff, 0), ESRCH, "kill(INT_MAX, 0)");
    /* -pgrp: a process group that does not exist */
    T_ERRNO(kill(-30000, 0), ESRCH, "kill(-30000, 0): no such process group");
    T_ERRNO(kill(-30000, SIGKILL), ESRCH, "kill(-30000, SIGKILL): no such process group");
    T_ERRNO(kill((pid_t)0x80000000, 0), ESRCH, "kill(INT_MIN, 0)");
    T_EQ(kill(pid, 0), 0, "the child is still alive after the failed kills");

    T_EQ(kill(pid, SIGKILL), 0, "kill(child, SIGKILL)");
    int st = 0;
    T_EQ(waitpid(pid, &st, 0), pid, "reap it");
    T_OK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "killed by SIGKILL");
    T_ERRNO(kill(pid, 0), ESRCH, "kill(reaped child, 0): gone");

    /* A zombie still exists for kill(..., 0) until it is reaped. SIGCHLD
     * (caught, blocked until sigsuspend) says when the child has exited. */
    sigset_t set, old, none;
    sigemptyset(&set);
    sigemptyset(&none);
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &set, &old);
    struct sigaction sa, osa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_chld;
    sigaction(SIGCHLD, &sa, &osa);
    got_chld = 0;
    pid = fork();
    if (pid == 0)
        _exit(0);
    while (!got_chld)
        sigsuspend(&none);
    T_EQ(kill(pid, 0), 0, "kill(zombie, 0) succeeds until the zombie is reaped");
    T_EQ(kill(pid, SIGTERM), 0, "kill(zombie, SIGTERM) succeeds and does nothing");
    T_EQ(waitpid(pid, &st, 0), pid, "reap the zombie");
    T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the zombie's status is its exit, not SIGTERM");
    sigaction(SIGCHLD, &osa, NULL);
    sigprocmask(SIG_SETMASK, &old, NULL);

    /* A non-root process may not signal root's processes. */
    pid_t victim = spawn_pauser();
    pid = fork();
    if (pid == 0) {
        if (setuid(1000) != 0)
            _exit(1);
        errno = 0;
        int r = kill(victim, SIGKILL);
        if (r != -1 || errno != EPERM)
            _exit(2);
        errno = 0;
        r = kill(victim, 0);
        if (r != -1 || errno != EPERM)
            _exit(3);
        if (kill(getpid(), 0) != 0)
            _exit(4);
        _exit(0);
    }
    waitpid(pid, &st, 0);
    T_EQ(WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st), 0,
         "uid 1000 gets EPERM signalling a root process (1 setuid, 2 kill, 3 kill 0, 4 self)");
    T_EQ(kill(victim, 0), 0, "the victim survived");
    kill(victim, SIGKILL);
    waitpid(victim, &st, 0);
}

static void on_sig(int sig)
{
    (void)sig;
}

static void test_uncatchable(void)
{
    struct sigaction sa, old;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_sig;
    T_ERRNO(sigaction(SIGKILL, &sa, NULL), EINVAL, "sigaction(SIGKILL, handler)");
    T_ERRNO(sigaction(SIGSTOP, &sa, NULL), EINVAL, "sigaction(SIGSTOP, handler)");
    sa.sa_handler = SIG_IGN;
    T_ERRNO(sigaction(SIGKILL, &sa, NULL), EINVAL, "sigaction(SIGKILL, SIG_IGN)");
    T_ERRNO(sigaction(SIGSTOP, &sa, NULL), EINVAL, "sigaction(SIGSTOP, SIG_IGN)");
    sa.sa_handler = SIG_DFL;
    T_ERRNO(sigaction(SIGKILL, &sa, NULL), EINVAL, "sigaction(SIGKILL, SIG_DFL)");
    T_SUCCESS(sigaction(SIGKILL, NULL, &old), "sigaction(SIGKILL, NULL, &old) may query");
    T_OK(old.sa_handler == SIG_DFL, "SIGKILL's action is SIG_DFL");
    errno = 0;
    T_OK(signal(SIGKILL, SIG_IGN) == SIG_ERR && errno == EINVAL, "signal(SIGKILL, SIG_IGN) is SIG_ERR/EINVAL");
    errno = 0;
    T_OK(signal(SIGSTOP, on_sig) == SIG_ERR && errno == EINVAL, "signal(SIGSTOP, handler) is SIG_ERR/EINVAL");
    sa.sa_handler = on_sig;
    T_ERRNO(sigaction(0, &sa, NULL), EINVAL, "sigaction(0)");
    T_ERRNO(sigaction(65, &sa, NULL), EINVAL, "sigaction(65)");
    T_ERRNO(sigaction(-1, &sa, NULL), EINVAL, "sigaction(-1)");

    /* Blocking everything still lets SIGKILL through. */
    pid_t pid = fork();
    if (pid == 0) {
        sigset_t all, cur;
        sigfillset(&all);
        sigprocmask(SIG_SETMASK, &all, NULL);
        sigprocmask(SIG_SETMASK, NULL, &cur);
        if (sigismember(&cur, SIGKILL) || sigismember(&cur, SIGSTOP))
            _exit(1);                   /* the kernel must drop them from the mask */
        if (!sigismember(&cur, SIGTERM) || !sigismember(&cur, 64))
            _exit(2);
        kill(getpid(), SIGTERM);        /* blocked: stays pending */
        kill(getpid(), SIGKILL);
        _exit(3);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    T_OK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
         "with every signal blocked, SIGKILL still kills");
    if (!WIFSIGNALED(st))
        printf("#   child exited %d (1: SIGKILL in mask, 2: mask incomplete, 3: survived)\n",
               WEXITSTATUS(st));

    /* SIGKILL kills a process that ignores everything it can. */
    pid = fork();
    if (pid == 0) {
        for (int s = 1; s <= 64; s++)
            if (s != SIGKILL && s != SIGSTOP)
                signal(s, SIG_IGN);
        kill(getpid(), SIGTERM);
        kill(getpid(), SIGINT);
        kill(getpid(), SIGKILL);
        _exit(3);
    }
    waitpid(pid, &st, 0);
    T_OK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
         "ignoring everything: SIGTERM/SIGINT do nothing, SIGKILL still kills");
}

int main(void)
{
    t_begin("sig_default");
    test_terminating();
    test_ignored_by_default();
    test_kill_errors();
    test_uncatchable();
    return t_end();
}
