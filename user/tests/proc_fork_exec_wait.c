/*
 * proc_fork_exec_wait: fork, the wait family, execve and orphans.
 *
 * fork's two results, getpid/getppid, every exit status 0..255 through
 * waitpid, wait4 with WNOHANG, ECHILD; execve of this very program with a
 * "helper" argument (the only second program we can count on) checks that
 * argv, argc and envp arrive intact and the pid is kept; execve errors
 * (ENOENT, EACCES, ENOEXEC) leave the caller running; an orphaned
 * grandchild is adopted by init (ppid 1).
 */
#include <agora_test.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>

#define SELF "/tests/proc_fork_exec_wait"

extern char **environ;

/* ---- helper mode: this program exec'd by itself ------------------------ */

static int env_has(const char *kv)
{
    for (char **e = environ; e && *e; e++)
        if (strcmp(*e, kv) == 0)
            return 1;
    return 0;
}

/* argv = SELF helper args "hello world" "" ; env AGORA_A=1 AGORA_B=two=2.
 * Exit 42 when everything arrived, else the number of the first mismatch. */
static int helper_args(int argc, char **argv)
{
    if (argc != 5) return 1;
    if (strcmp(argv[0], SELF) != 0) return 2;
    if (strcmp(argv[2], "args") != 0) return 3;
    if (strcmp(argv[3], "hello world") != 0) return 4;
    if (argv[4][0] != '\0') return 5;
    if (argv[5] != NULL) return 6;
    if (!env_has("AGORA_A=1") || !env_has("AGORA_B=two=2")) return 7;
    if (!getenv("AGORA_B") || strcmp(getenv("AGORA_B"), "two=2") != 0) return 8;
    int n = 0;
    for (char **e = environ; *e; e++)
        n++;
    if (n != 2) return 9;
    /* envp sits right after argv's NULL on the initial stack. */
    if (environ != argv + argc + 1) return 10;
    return 42;
}

static int helper(int argc, char **argv)
{
    if (strcmp(argv[2], "args") == 0)
        return helper_args(argc, argv);
    if (strcmp(argv[2], "pid") == 0 && argc == 4)    /* exec keeps the pid */
        return atoi(argv[3]) == getpid() ? 0 : 1;
    if (strcmp(argv[2], "noenv") == 0)               /* envp = { NULL } */
        return (environ && environ[0] == NULL && argc == 3) ? 0 : 1;
    if (strcmp(argv[2], "exit") == 0 && argc == 4)
        return atoi(argv[3]);
    return 99;
}

/* ---- the test ----------------------------------------------------------- */

static volatile sig_atomic_t got_usr;

static void on_usr(int sig)
{
    got_usr = sig;
}

static void test_fork_basics(void)
{
    pid_t me = getpid();
    T_OK(me > 1, "getpid is a real pid (> 1)");
    T_EQ(getpid(), me, "getpid is stable");
    pid_t parent = getppid();
    T_OK(parent >= 1 && parent != me, "getppid differs from getpid");

    pid_t pid = fork();
    if (pid == 0) {
        /* 1: fork returned 0; 2: getppid is the parent; 3: new pid */
        if (getppid() != me) _exit(2);
        if (getpid() == me) _exit(3);
        _exit(0);
    }
    T_OK(pid > 0, "fork returns the child's pid to the parent");
    T_OK(pid != me, "the child's pid differs from the parent's");
    int st = -1;
    T_EQ(waitpid(pid, &st, 0), pid, "waitpid returns the child's pid");
    T_OK(WIFEXITED(st), "child exited normally");
    T_EQ(WEXITSTATUS(st), 0, "child saw fork()==0, getppid()==parent, its own pid");

    /* The child's memory is a copy: its writes don't reach the parent. */
    static int shared_looking = 7;
    pid = fork();
    if (pid == 0) {
        shared_looking = 99;
        _exit(shared_looking == 99 ? 0 : 1);
    }
    waitpid(pid, &st, 0);
    T_EQ(shared_looking, 7, "child's write to a global stays in the child");
    T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child saw its own write");
}

static void test_exit_statuses(void)
{
    int bad = -1;
    for (int code = 0; code <= 255; code++) {
        pid_t pid = fork();
        if (pid == 0)
            _exit(code);
        int st = 0;
        if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
            WIFSIGNALED(st) || WEXITSTATUS(st) != code) {
            bad = code;
            break;
        }
    }
    T_EQ(bad, -1, "exit statuses 0..255 all come back through waitpid (first bad code)");

    /* exit() (not _exit) and return from main both report too: exit(256)
     * keeps the low 8 bits. */
    pid_t pid = fork();
    if (pid == 0)
        exit(256 + 3);
    int st = 0;
    waitpid(pid, &st, 0);
    T_OK(WIFEXITED(st), "exit(259): exited");
    T_EQ(WEXITSTATUS(st), 3, "exit(259): status keeps the low 8 bits");

    /* waitpid(-1) reaps any child; every child is reaped exactly once. */
    pid_t kids[5];
    for (int i = 0; i < 5; i++) {
        kids[i] = fork();
        if (kids[i] == 0)
            _exit(10 + i);
    }
    int seen = 0, okst = 1;
    for (int i = 0; i < 5; i++) {
        pid_t got = waitpid(-1, &st, 0);
        for (int j = 0; j < 5; j++)
            if (got == kids[j]) {
                seen |= 1 << j;
                okst &= WIFEXITED(st) && WEXITSTATUS(st) == 10 + j;
            }
    }
    T_EQ(seen, 0x1f, "waitpid(-1) reaps each of 5 children once");
    T_OK(okst, "waitpid(-1) pairs each pid with its own status");
    T_ERRNO(waitpid(-1, &st, 0), ECHILD, "waitpid(-1) with no children left");
    T_ERRNO(waitpid(-1, &st, WNOHANG), ECHILD, "waitpid(-1, WNOHANG) with no children");
}

static void test_wnohang(void)
{
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, &old);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_usr;
    sigaction(SIGUSR1, &sa, NULL);

    /* The child runs until the parent tells it (SIGUSR1) to exit. */
    pid_t pid = fork();
    if (pid == 0) {
        sigset_t none;
        sigemptyset(&none);
        while (!got_usr)
            sigsuspend(&none);
        _exit(5);
    }
    int st = 12345;
    T_EQ(wait4(pid, &st, WNOHANG, NULL), 0, "wait4(WNOHANG) on a running child returns 0");
    T_EQ(st, 12345, "wait4(WNOHANG) leaves status alone when nothing is reaped");
    T_EQ(waitpid(pid, &st, WNOHANG), 0, "waitpid(WNOHANG) on a running child returns 0");
    kill(pid, SIGUSR1);
    long ru[18];                        /* struct rusage, i386: 72 bytes */
    memset(ru, 0xAB, sizeof(ru));
    T_EQ(wait4(pid, &st, 0, (struct rusage *)ru), pid, "wait4 then reaps it");
    T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 5, "wait4 status: exited 5");
    T_OK(ru[0] >= 0 && ru[0] < 1000 && ru[17] != (long)0xABABABAB,
         "wait4 filled the 72-byte rusage");
    T_ERRNO(wait4(pid, &st, WNOHANG, NULL), ECHILD, "the same pid again: ECHILD");
    sigprocmask(SIG_SETMASK, &old, NULL);
    signal(SIGUSR1, SIG_DFL);
}

static void test_echild(void)
{
    T_ERRNO(waitpid(1, NULL, 0), ECHILD, "waitpid on init (not a child)");
    T_ERRNO(waitpid(getppid(), NULL, 0), ECHILD, "waitpid on our parent");
    T_ERRNO(waitpid(getpid(), NULL, WNOHANG), ECHILD, "waitpid on ourselves");
    T_ERRNO(waitpid(30000, NULL, WNOHANG), ECHILD, "waitpid on a pid nobody has");
    T_ERRNO(wait4(-1, NULL, 0, NULL), ECHILD, "wait4(-1) with no children");
    T_ERRNO(waitpid(-1, NULL, 0x1000), EINVAL, "waitpid with an unknown option bit");

    /* A grandchild is not our child. */
    pid_t mid = fork();
    if (mid == 0) {
        pid_t g = fork();
        if (g == 0)
            _exit(0);
        int st;
        waitpid(g, &st, 0);
        _exit(g > 0 ? 0 : 1);
    }
    int st;
    waitpid(mid, &st, 0);
    T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a child can wait for its own child");
}

static int run_self(char *const argv[], char *const envp[])
{
    pid_t pid = fork();
    if (pid == 0) {
        execve(SELF, argv, envp);
        _exit(100 + (errno & 0x7f));
    }
    int st = 0;
    if (waitpid(pid, &st, 0) != pid)
        return -1;
    if (!WIFEXITED(st))
        return -2;
    return WEXITSTATUS(st);
}

static void test_execve(void)
{
    char *argv[] = { SELF, "helper", "args", "hello world", "", NULL };
    char *envp[] = { "AGORA_A=1", "AGORA_B=two=2", NULL };
    T_EQ(run_self(argv, envp), 42, "execve: argc, argv, envp, environ arrive intact (42 = all ok)");

    char *argv_noenv[] = { SELF, "helper", "noenv", NULL };
    char *envp_empty[] = { NULL };
    T_EQ(run_self(argv_noenv, envp_empty), 0, "execve with an empty envp: environ[0] == NULL");

    char *argv_exit[] = { SELF, "helper", "exit", "77", NULL };
    T_EQ(run_self(argv_exit, envp), 77, "exec'd program's exit status reaches the parent");

    /* exec keeps the pid */
    pid_t pid = fork();
    if (pid == 0) {
        char buf[16];
        snprintf(buf, sizeof(buf), "%d", getpid());
        char *a[] = { SELF, "helper", "pid", buf, NULL };
        execve(SELF, a, envp);
        _exit(100);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "execve keeps the pid");

    /* A large argument (8 KiB) survives. */
    pid = fork();
    if (pid == 0) {
        static char big[8193];
        memset(big, 'x', sizeof(big) - 1);
        char *a[] = { SELF, "helper", "exit", big, NULL };
        execve(SELF, a, envp);
        _exit(100);
    }
    waitpid(pid, &st, 0);
    T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "execve with an 8 KiB argument (atoi(\"xxx\")=0)");

    /* Failures return to the caller, which keeps running unharmed. */
    static int canary = 0x5a5a;
    T_ERRNO(execve("/tests/no_such_program", argv, envp), ENOENT, "execve of a missing file");
    T_ERRNO(execve("/no_such_dir/x", argv, envp), ENOENT, "execve through a missing directory");
    T_ERRNO(execve("", argv, envp), ENOENT, "execve of the empty path");
    T_ERRNO(execve("/tests", argv, envp), EACCES, "execve of a directory");
    T_ERRNO(execve("/etc/tests/x", argv, envp), ENOTDIR, "execve through a regular file");
    struct stat sb;
    if (stat("/etc/tests", &sb) == 0 && (sb.st_mode & 0111)) {
        T_ERRNO(execve("/etc/tests", argv, envp), ENOEXEC, "execve of an executable non-ELF file");
    } else {
        /* Linux: a regular file with no x bit is EACCES even for root. */
        T_ERRNO(execve("/etc/tests", argv, envp), EACCES,
                "execve of a non-executable text file (/etc/tests, no x bit)");
    }
    T_EQ(canary, 0x5a5a, "the caller's memory survives failed execs");
    char *p = malloc(64);
    T_OK(p != NULL, "the caller's heap still works after failed execs");
    free(p);

    /* The ENOEXEC-style failure must also leave a child fully usable. */
    pid = fork();
    if (pid == 0) {
        execve("/etc/tests", argv, envp);
        execve("/tests", argv, envp);
        execve(SELF, argv_exit, envp);   /* finally a good one */
        _exit(100);
    }
    waitpid(pid, &st, 0);
    T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 77, "a good execve after two failed ones works");
}

static void test_orphan(void)
{
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &set, &old);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_usr;
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGUSR2, &sa, NULL);
    got_usr = 0;

    pid_t top = getpid();
    pid_t mid = fork();
    if (mid == 0) {
        pid_t g = fork();
        if (g == 0) {
            /* Wait (bounded) until our parent is gone, then report. */
            pid_t first = getppid();
            long deadline = now_ms() + 15000;
            while (getppid() == first && now_ms() < deadline)
                sched_yield();
            kill(top, getppid() == 1 ? SIGUSR1 : SIGUSR2);
            _exit(0);
        }
        int d = g - getpid();
        _exit(g > 0 && d > 0 && d < 255 ? d : 255);
    }
    int st = 0;
    waitpid(mid, &st, 0);
    int d = WIFEXITED(st) ? WEXITSTATUS(st) : 255;
    T_OK(d != 255, "middle child forked the grandchild");
    sigset_t none;
    sigemptyset(&none);
    while (!got_usr)
        sigsuspend(&none);
    T_EQ(got_usr, SIGUSR1, "the orphaned grandchild's ppid became 1 (SIGUSR1; SIGUSR2 = not 1)");
    /* The grandchild is init's to reap; don't finish (and count frames)
     * before it is gone. */
    if (d != 255) {
        pid_t g = mid + d;
        long deadline = now_ms() + 15000;
        while (kill(g, 0) == 0 && now_ms() < deadline)
            usleep(10000);
        T_ERRNO(kill(g, 0), ESRCH, "init reaped the orphan");
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    signal(SIGUSR1, SIG_DFL);
    signal(SIGUSR2, SIG_DFL);
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "helper") == 0)
        return helper(argc, argv);
    t_begin("proc_fork_exec_wait");
    test_fork_basics();
    test_exit_statuses();
    test_wnohang();
    test_echild();
    test_execve();
    test_orphan();
    return t_end();
}
