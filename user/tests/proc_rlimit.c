/*
 * proc_rlimit: resource limits with Linux's semantics.
 *
 * The calls: ugetrlimit (191) reports infinity as 0xFFFFFFFF and the old
 * getrlimit (76) as 0x7FFFFFFF; setrlimit (75) wants soft <= hard
 * (EINVAL) and root to raise a hard limit (EPERM); prlimit64 (340) works
 * on any process the caller may touch, in 64 bits. Errors come from a
 * table, in Linux's order. Limits survive fork and exec.
 *
 * The enforced ones: RLIMIT_NPROC (fork gives EAGAIN once the real user
 * has that many processes, zombies included; root is exempt) and
 * RLIMIT_NOFILE (open gives EMFILE at the soft limit, dup2 EBADF and
 * F_DUPFD EINVAL above it; descriptors already open stay usable).
 * RLIMIT_AS is in mm_limits.
 */
#include <agora_test.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/ipc.h>
#include <sys/resource.h>
#include <sys/shm.h>

#define SELF "/tests/proc_rlimit"
#define USER 1000
#define INF32 0xFFFFFFFFu
#define INF64 0xFFFFFFFFFFFFFFFFull
#define BAD ((void *)1)
#define KERNEL ((void *)0xC0000000u)

static long ugetrl(long res, void *rl) { return syscall(SYS_ugetrlimit, res, rl); }
static long oldgetrl(long res, void *rl) { return syscall(SYS_getrlimit, res, rl); }
static long setrl(long res, const void *rl) { return syscall(SYS_setrlimit, res, rl); }
static long prl64(long pid, long res, const void *new, void *old)
{
    return syscall(SYS_prlimit64, pid, res, new, old);
}

static struct rlimit32 get(int res)
{
    struct rlimit32 rl = { 12345, 12345 };
    ugetrl(res, &rl);
    return rl;
}

static int set(int res, uint32_t cur, uint32_t max)
{
    struct rlimit32 rl = { cur, max };
    return (int)setrl(res, &rl);
}

/* Run fn in a child; its exit status (0 = good, else the failed step),
 * or 100 + the signal that killed it. */
static int in_child(int (*fn)(void))
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(fn());
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st);
}

#define STEP(n, cond) do { if (!(cond)) return (n); } while (0)
#define FAILS(call, e) ((call) == -1 && errno == (e))

static void test_defaults(void)
{
    static const struct { int res; uint32_t cur, max; const char *what; } cases[] = {
        { RLIMIT_AS, INF32, INF32, "RLIMIT_AS: unlimited, as on Linux" },
        { RLIMIT_NPROC, 32, 32, "RLIMIT_NPROC: half the 64-slot table (Linux: max_threads / 2)" },
        { RLIMIT_NOFILE, 64, 64, "RLIMIT_NOFILE: the 64-descriptor table" },
        { RLIMIT_STACK, 8 << 20, INF32, "RLIMIT_STACK: 8 MiB, hard unlimited" },
        { RLIMIT_CORE, 0, INF32, "RLIMIT_CORE: 0, hard unlimited" },
        { RLIMIT_CPU, INF32, INF32, "RLIMIT_CPU: unlimited" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct rlimit32 rl = get(cases[i].res);
        char what[128];
        snprintf(what, sizeof(what), "%s (%#x/%#x)", cases[i].what, rl.rlim_cur, rl.rlim_max);
        T_OK(rl.rlim_cur == cases[i].cur && rl.rlim_max == cases[i].max, what);
    }
    int all = 1;
    for (int res = 0; res < RLIM_NLIMITS; res++) {
        struct rlimit32 rl;
        all &= ugetrl(res, &rl) == 0 && rl.rlim_cur <= rl.rlim_max;
    }
    T_OK(all, "ugetrlimit works for all 16 resources, soft <= hard");

    struct rlimit32 o = { 0, 0 };
    T_SUCCESS(oldgetrl(RLIMIT_AS, &o), "old getrlimit(RLIMIT_AS)");
    T_OK(o.rlim_cur == 0x7FFFFFFF && o.rlim_max == 0x7FFFFFFF,
         "the old getrlimit clamps infinity to 0x7FFFFFFF");
    T_OK(oldgetrl(RLIMIT_NOFILE, &o) == 0 && o.rlim_cur == 64 && o.rlim_max == 64,
         "and reports small limits as they are");
    struct rlimit64_k q = { 0, 0 };
    T_OK(prl64(0, RLIMIT_AS, NULL, &q) == 0 && q.rlim_cur == INF64 && q.rlim_max == INF64,
         "prlimit64 reports infinity as ~0 in 64 bits");
    struct rlimit r;
    T_OK(getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur == 64, "libc getrlimit");
    T_EQ(sysconf(_SC_OPEN_MAX), 64, "sysconf(_SC_OPEN_MAX) follows RLIMIT_NOFILE");
    T_EQ(sysconf(_SC_CHILD_MAX), 32, "sysconf(_SC_CHILD_MAX) follows RLIMIT_NPROC");
}

static void test_errors(void)
{
    struct rlimit32 ok = { 100, 200 }, inverted = { 200, 100 }, rl;
    struct rlimit32 nofile_big = { 64, 65 };
    struct rlimit64_k q;
    T_ERRNO(ugetrl(RLIM_NLIMITS, &rl), EINVAL, "ugetrlimit(16): EINVAL");
    T_ERRNO(ugetrl(-1, &rl), EINVAL, "ugetrlimit(-1): EINVAL");
    T_ERRNO(oldgetrl(RLIM_NLIMITS, &rl), EINVAL, "old getrlimit(16): EINVAL");
    T_ERRNO(ugetrl(RLIMIT_AS, BAD), EFAULT, "ugetrlimit to address 1: EFAULT");
    T_ERRNO(ugetrl(RLIMIT_AS, KERNEL), EFAULT, "ugetrlimit to a kernel address: EFAULT");
    T_ERRNO(oldgetrl(RLIMIT_AS, NULL), EFAULT, "old getrlimit to NULL: EFAULT");
    T_ERRNO(setrl(RLIM_NLIMITS, &ok), EINVAL, "setrlimit(16): EINVAL");
    T_ERRNO(setrl(RLIM_NLIMITS, NULL), EFAULT, "setrlimit(16, NULL): EFAULT (copied first)");
    T_ERRNO(setrl(RLIMIT_AS, KERNEL), EFAULT, "setrlimit from a kernel address: EFAULT");
    T_ERRNO(setrl(RLIMIT_AS, &inverted), EINVAL, "setrlimit soft above hard: EINVAL");
    T_ERRNO(setrl(RLIMIT_NOFILE, &nofile_big), EPERM,
            "RLIMIT_NOFILE above the table, even for root: EPERM");
    T_ERRNO(prl64(0, RLIM_NLIMITS, NULL, &q), EINVAL, "prlimit64(16): EINVAL");
    T_ERRNO(prl64(0x7FFFFFFF, RLIMIT_AS, NULL, &q), ESRCH, "prlimit64 of no such pid: ESRCH");
    T_ERRNO(prl64(-1, RLIMIT_AS, NULL, &q), ESRCH, "prlimit64 of pid -1: ESRCH");
    T_ERRNO(prl64(0, RLIMIT_AS, BAD, NULL), EFAULT, "prlimit64 new at address 1: EFAULT");
    T_ERRNO(prl64(0, RLIMIT_AS, NULL, BAD), EFAULT, "prlimit64 old at address 1: EFAULT");
    T_OK(get(RLIMIT_AS).rlim_cur == INF32, "failed calls changed nothing");
}

/* As an unprivileged user: lower, raise the soft limit back, never the
 * hard one; 64-bit values through prlimit64. */
static int user_rules(void)
{
    STEP(1, setuid(USER) == 0);
    STEP(2, set(RLIMIT_AS, 1u << 30, 2u << 30) == 0);
    STEP(3, get(RLIMIT_AS).rlim_cur == 1u << 30 && get(RLIMIT_AS).rlim_max == 2u << 30);
    STEP(4, set(RLIMIT_AS, 2u << 30, 2u << 30) == 0);          /* soft up to hard */
    STEP(5, FAILS(set(RLIMIT_AS, 2u << 30, 3u << 30), EPERM)); /* hard up */
    STEP(6, FAILS(set(RLIMIT_AS, INF32, INF32), EPERM));
    STEP(7, set(RLIMIT_AS, 1u << 20, 2u << 30) == 0);          /* soft down again */
    struct rlimit64_k big = { 1ull << 33, 1ull << 33 }, q;
    STEP(8, FAILS(prl64(0, RLIMIT_AS, &big, NULL), EPERM));    /* clamps to infinity: up */
    struct rlimit64_k lower = { 4096, 1ull << 30 };
    STEP(9, prl64(0, RLIMIT_AS, &lower, &q) == 0 && q.rlim_cur == 1u << 20 && q.rlim_max == 2u << 30);
    STEP(10, get(RLIMIT_AS).rlim_cur == 4096 && get(RLIMIT_AS).rlim_max == 1u << 30);
    STEP(11, FAILS(prl64(1, RLIMIT_AS, NULL, &q), EPERM));     /* init is root's */
    return 0;
}

static int root_rules(void)
{
    STEP(1, set(RLIMIT_NOFILE, 10, 20) == 0);
    STEP(2, set(RLIMIT_NOFILE, 64, 64) == 0);                  /* root raises hard */
    struct rlimit64_k big = { 1ull << 33, INF64 - 1 }, q;
    STEP(3, prl64(0, RLIMIT_CPU, &big, NULL) == 0);
    STEP(4, get(RLIMIT_CPU).rlim_cur == INF32 && get(RLIMIT_CPU).rlim_max == INF32);
    STEP(5, prl64(0, RLIMIT_CPU, NULL, &q) == 0 && q.rlim_cur == INF64);
    STEP(6, prl64(1, RLIMIT_AS, NULL, &q) == 0);               /* root may read init's */
    return 0;
}

/* prlimit64 on another process: what a parent sets in its child (same
 * user) the child sees; another user's process (init) is out of reach. */
static int other_process(void)
{
    int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0666);
    volatile int *flag = shmat(id, NULL, 0);
    shmctl(id, IPC_RMID, NULL);
    STEP(1, flag != (void *)-1);
    STEP(2, setuid(USER) == 0);
    *flag = 0;
    pid_t kid = fork();
    if (kid == 0) {
        while (!*flag)
            sched_yield();
        _exit(get(RLIMIT_NOFILE).rlim_cur == 7 ? 0 : 1);
    }
    struct rlimit64_k n = { 7, 64 }, q = { 0, 0 };
    long r = prl64(kid, RLIMIT_NOFILE, &n, &q);
    *flag = 1;                          /* the child goes on whatever happened */
    int st = 0;
    waitpid(kid, &st, 0);
    STEP(3, r == 0 && q.rlim_cur == 64);
    STEP(4, WIFEXITED(st) && WEXITSTATUS(st) == 0);
    STEP(5, FAILS(prl64(1, RLIMIT_NOFILE, NULL, &q), EPERM));   /* init: root's */
    STEP(6, FAILS(prl64(1, RLIMIT_NOFILE, &n, NULL), EPERM));
    return 0;
}

/* Limits set before fork and exec are the child's and the new image's. */
static int exec_report(void)
{
    return get(RLIMIT_NOFILE).rlim_cur == 9 && get(RLIMIT_NOFILE).rlim_max == 33 &&
           get(RLIMIT_AS).rlim_cur == 3u << 30 ? 0 : 1;
}

static int inherit(void)
{
    STEP(1, set(RLIMIT_NOFILE, 9, 33) == 0 && set(RLIMIT_AS, 3u << 30, INF32) == 0);
    pid_t kid = fork();
    if (kid == 0)
        _exit(exec_report());
    int st = 0;
    waitpid(kid, &st, 0);
    STEP(2, WIFEXITED(st) && WEXITSTATUS(st) == 0);
    kid = fork();
    if (kid == 0) {
        char *argv[] = { SELF, "exec-report", NULL };
        char *envp[] = { NULL };
        execve(SELF, argv, envp);
        _exit(50);
    }
    waitpid(kid, &st, 0);
    STEP(3, WIFEXITED(st) && WEXITSTATUS(st) == 0);
    return 0;
}

/* RLIMIT_NPROC for an unprivileged user: zombies count, reaping frees. */
static int nproc_user(void)
{
    STEP(1, setuid(USER) == 0);
    STEP(2, set(RLIMIT_NPROC, 3, 3) == 0);                     /* itself + 2 */
    pid_t a = fork();
    if (a == 0)
        _exit(0);
    pid_t b = fork();
    if (b == 0)
        _exit(0);
    STEP(3, a > 0 && b > 0);
    STEP(4, FAILS(fork(), EAGAIN));     /* a and b are zombies, and count */
    STEP(5, waitpid(a, NULL, 0) == a);
    pid_t c = fork();
    if (c == 0)
        _exit(0);
    STEP(6, c > 0);
    STEP(7, FAILS(fork(), EAGAIN));
    waitpid(b, NULL, 0);
    waitpid(c, NULL, 0);
    STEP(8, set(RLIMIT_NPROC, 1, 1) == 0);
    STEP(9, FAILS(fork(), EAGAIN));
    return 0;
}

/* Root, real or only effective, is exempt. */
static int nproc_root(void)
{
    STEP(1, set(RLIMIT_NPROC, 1, 1) == 0);
    pid_t a = fork();
    if (a == 0)
        _exit(0);
    STEP(2, a > 0 && waitpid(a, NULL, 0) == a);
    STEP(3, setresuid(USER, 0, 0) == 0);                       /* euid 0 */
    a = fork();
    if (a == 0)
        _exit(0);
    STEP(4, a > 0 && waitpid(a, NULL, 0) == a);
    return 0;
}

static int nofile(void)
{
    STEP(1, setuid(USER) == 0);
    STEP(2, dup2(0, 10) == 10);
    STEP(3, set(RLIMIT_NOFILE, 5, 64) == 0);
    int fds[8], n = 0, fd, free_below = 0;
    for (fd = 0; fd < 5; fd++)
        free_below += fcntl(fd, F_GETFD) < 0;
    while (n < 8 && (fd = open("/etc/passwd", O_RDONLY)) >= 0)
        fds[n++] = fd;
    STEP(4, errno == EMFILE && n == free_below && n >= 1 && fds[n - 1] == 4);
    STEP(5, FAILS(dup(0), EMFILE));
    STEP(6, FAILS(dup2(0, 5), EBADF));
    STEP(7, FAILS(fcntl(0, F_DUPFD, 5), EINVAL));
    STEP(8, dup2(10, 10) == 10);                               /* itself: Linux says fine */
    STEP(9, fcntl(10, F_GETFD) == 0 && close(10) == 0);        /* open above: usable */
    STEP(10, dup2(0, 4) == 4);                                 /* below: fine */
    STEP(11, set(RLIMIT_NOFILE, 64, 64) == 0);
    STEP(12, (fd = open("/etc/passwd", O_RDONLY)) >= 5);
    STEP(13, fcntl(0, F_DUPFD, 40) == 40);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "exec-report") == 0)
        return exec_report();
    t_begin("proc_rlimit");
    test_defaults();
    test_errors();
    static const struct { const char *what; int (*fn)(void); } cases[] = {
        { "an unprivileged user lowers limits, raises soft ones, never hard ones", user_rules },
        { "root raises hard limits; 64-bit values clamp to infinity", root_rules },
        { "prlimit64 on a process of the same user; not on root's", other_process },
        { "limits survive fork and exec", inherit },
        { "RLIMIT_NPROC: fork gives EAGAIN at the limit, zombies count", nproc_user },
        { "RLIMIT_NPROC: root (real or effective) is exempt", nproc_root },
        { "RLIMIT_NOFILE: EMFILE, EBADF and EINVAL at the soft limit", nofile },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char what[160];
        int r = in_child(cases[i].fn);
        snprintf(what, sizeof(what), "%s (failed step %d)", cases[i].what, r);
        T_OK(r == 0, r == 0 ? cases[i].what : what);
    }
    return t_end();
}
