/*
 * proc_startup_calls: the calls glibc 2.36 and busybox make at start-up
 * or on the way, with Linux's semantics and errnos: set_robust_list (311)
 * and get_robust_list (312), rseq (386) registration (cpu ids written,
 * EBUSY/EINVAL/EPERM rules, unregister, a critical section aborted by a
 * preemption), prctl PR_SET_NAME/PR_GET_NAME (172), getrandom (355),
 * sched_getaffinity/sched_setaffinity (242/241), the scheduling policy
 * queries, getpriority/setpriority (96/97); then the bad-pointer matrix
 * for every pointer argument of the calls of this area that are new:
 * clone's tls, waitid's infop, times, getrusage, getitimer/setitimer, getrandom,
 * rseq, get_robust_list, prctl, sched_*affinity, sched_getparam.
 */
#include <agora_test.h>
#include <signal.h>
#include <stdint.h>

#define PR_SET_NAME 15
#define PR_GET_NAME 16
#define RSEQ_SIG 0x53053053

/* ---- robust list -------------------------------------------------------- */

static void test_robust(void)
{
    uint32_t head[3] = { 0, 0, 0 };
    head[0] = (uint32_t)(uintptr_t)head;
    T_EQ(syscall(SYS_set_robust_list, head, 12), 0, "set_robust_list(head, 12)");
    T_ERRNO(syscall(SYS_set_robust_list, head, 24), EINVAL, "set_robust_list with len 24: EINVAL");
    T_ERRNO(syscall(SYS_set_robust_list, head, 0), EINVAL, "len 0: EINVAL");
    uint32_t got = 0, len = 0;
    T_EQ(syscall(SYS_get_robust_list, 0, &got, &len), 0, "get_robust_list(0)");
    T_EQ(got, (uint32_t)(uintptr_t)head, "returns the head");
    T_EQ(len, 12, "and the length 12");
    T_EQ(syscall(SYS_get_robust_list, getpid(), &got, &len), 0, "get_robust_list(getpid())");
    T_ERRNO(syscall(SYS_get_robust_list, 99999, &got, &len), ESRCH, "no such pid: ESRCH");
    pid_t pid = fork();
    if (pid == 0) {
        uint32_t h = 1, l = 0;
        syscall(SYS_get_robust_list, 0, &h, &l);
        _exit(h == 0 ? 0 : 1);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a forked child starts with no robust list");
}

/* ---- rseq ------------------------------------------------------------------ */

struct rseq_area {
    uint32_t cpu_id_start, cpu_id;
    uint64_t rseq_cs;
    uint32_t flags, node_id, mm_cid;
    uint32_t pad;
} __attribute__((aligned(32)));

static struct rseq_area rs __attribute__((used));
static struct rseq_area rs2;

struct rseq_cs_desc {
    uint32_t version, flags;
    uint64_t start_ip, post_commit_offset, abort_ip;
} __attribute__((aligned(32)));

static struct rseq_cs_desc cs __attribute__((used));
static volatile int aborted __attribute__((used));

/* A critical section that spins until it is aborted: it can end only
 * through the abort handler, which the kernel enters when it delivers a
 * signal (or switches the process out) while eip is inside. */
extern char cs_start[], cs_end[], cs_abort[];
static void __attribute__((noinline)) spin_in_cs(void)
{
    __asm__ volatile(
        "movl $cs, %%eax\n\t"
        "movl %%eax, rs+8\n\t"          /* rseq_cs = &cs (low word; high is 0) */
        "cs_start:\n\t"
        "jmp cs_start\n\t"
        "cs_end:\n\t"
        ".long 0x53053053\n\t"          /* the signature, just before the abort ip */
        "cs_abort:\n\t"
        "movl $1, aborted\n\t"
        : : : "eax", "memory");
}

static volatile int alarms;
static void on_alarm(int sig)
{
    (void)sig;
    alarms++;
}

static void test_rseq(void)
{
    memset(&rs, 0xff, sizeof(rs));
    rs.rseq_cs = 0;
    T_ERRNO(syscall(SYS_rseq, (char *)&rs + 4, 32, 0, RSEQ_SIG), EINVAL, "misaligned area: EINVAL");
    T_ERRNO(syscall(SYS_rseq, &rs, 16, 0, RSEQ_SIG), EINVAL, "len 16: EINVAL");
    T_ERRNO(syscall(SYS_rseq, &rs, 32, 2, RSEQ_SIG), EINVAL, "unknown flag: EINVAL");
    T_ERRNO(syscall(SYS_rseq, (void *)0xC0000000, 32, 0, RSEQ_SIG), EFAULT, "kernel address: EFAULT");
    T_ERRNO(syscall(SYS_rseq, &rs, 32, 1, RSEQ_SIG), EINVAL, "unregister when none: EINVAL");
    T_EQ(syscall(SYS_rseq, &rs, 32, 0, RSEQ_SIG), 0, "rseq registers a 32-byte area");
    T_EQ(rs.cpu_id, 0, "cpu_id 0 written");
    T_EQ(rs.cpu_id_start, 0, "cpu_id_start 0 written");
    T_ERRNO(syscall(SYS_rseq, &rs, 32, 0, RSEQ_SIG), EBUSY, "again: EBUSY");
    T_ERRNO(syscall(SYS_rseq, &rs, 32, 0, RSEQ_SIG + 1), EPERM, "again with another signature: EPERM");
    T_ERRNO(syscall(SYS_rseq, &rs2, 32, 0, RSEQ_SIG), EINVAL, "another area: EINVAL");
    /* A fork keeps the registration. */
    pid_t pid = fork();
    if (pid == 0)
        _exit(syscall(SYS_rseq, &rs, 32, 0, RSEQ_SIG) == -1 && errno == EBUSY ? 0 : 1);
    int st = 0;
    waitpid(pid, &st, 0);
    T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a forked child is still registered (EBUSY)");

    /* Abort on preemption. */
    cs.version = 0;
    cs.flags = 0;
    cs.start_ip = (uint32_t)(uintptr_t)cs_start;
    cs.post_commit_offset = (uint32_t)(cs_end - cs_start);
    cs.abort_ip = (uint32_t)(uintptr_t)cs_abort;
    aborted = 0;
    signal(SIGALRM, on_alarm);
    alarm(1);
    spin_in_cs();
    alarm(0);
    signal(SIGALRM, SIG_DFL);
    /* A switch to another process may come first and abort it as well. */
    T_EQ(aborted, 1, "a critical section is aborted (by the signal's delivery or a switch)");
    T_EQ(rs.rseq_cs, 0, "and rseq_cs cleared by the kernel");

    T_ERRNO(syscall(SYS_rseq, &rs, 32, 1, RSEQ_SIG + 1), EPERM, "unregister with another signature: EPERM");
    T_ERRNO(syscall(SYS_rseq, &rs, 64, 1, RSEQ_SIG), EINVAL, "unregister with another length: EINVAL");
    T_EQ(syscall(SYS_rseq, &rs, 32, 1, RSEQ_SIG), 0, "unregister");
    T_EQ(rs.cpu_id, 0xFFFFFFFFu, "cpu_id reads RSEQ_CPU_ID_UNINITIALIZED (-1)");
    T_EQ(syscall(SYS_rseq, &rs2, 32, 0, RSEQ_SIG), 0, "register another area after that");
    T_EQ(syscall(SYS_rseq, &rs2, 32, 1, RSEQ_SIG), 0, "and unregister it");
}

/* ---- prctl names ----------------------------------------------------------- */

static void test_prctl(void)
{
    char name[32];
    memset(name, 'x', sizeof(name));
    T_EQ(syscall(SYS_prctl, PR_GET_NAME, name, 0, 0, 0), 0, "PR_GET_NAME");
    T_OK(memchr(name, 0, 16) != NULL, "the name is NUL-terminated within 16 bytes");
    T_EQ(syscall(SYS_prctl, PR_SET_NAME, "worker", 0, 0, 0), 0, "PR_SET_NAME worker");
    memset(name, 'x', sizeof(name));
    syscall(SYS_prctl, PR_GET_NAME, name, 0, 0, 0);
    T_OK(strcmp(name, "worker") == 0, "PR_GET_NAME reads worker");
    T_EQ(name[16], 'x', "PR_GET_NAME writes 16 bytes");
    T_EQ(syscall(SYS_prctl, PR_SET_NAME, "a-name-longer-than-fifteen", 0, 0, 0), 0,
         "a long name is cut, not refused");
    syscall(SYS_prctl, PR_GET_NAME, name, 0, 0, 0);
    T_OK(strcmp(name, "a-name-longer-t") == 0, "to 15 bytes");
    T_ERRNO(syscall(SYS_prctl, 9999, 0, 0, 0, 0), EINVAL, "an unknown option: EINVAL");
    T_ERRNO(syscall(SYS_prctl, -1, 0, 0, 0, 0), EINVAL, "option -1: EINVAL");
}

/* ---- getrandom ------------------------------------------------------------- */

static void test_getrandom(void)
{
    unsigned char a[256], b[256];
    memset(a, 0, sizeof(a));
    memset(b, 0, sizeof(b));
    T_EQ(syscall(SYS_getrandom, a, sizeof(a), 0), 256, "getrandom 256 bytes");
    T_EQ(syscall(SYS_getrandom, b, sizeof(b), 0), 256, "again");
    T_OK(memcmp(a, b, sizeof(a)) != 0, "two calls give different bytes");
    int zeros = 0, ones = 0;
    for (int i = 0; i < 256; i++) {
        zeros += a[i] == 0;
        ones += __builtin_popcount(a[i]);
    }
    T_OK(zeros < 8, "not mostly zero bytes");
    T_OK(ones > 900 && ones < 1150, "about half the bits set (2048 bits)");
    T_EQ(syscall(SYS_getrandom, a, 16, 1), 16, "GRND_NONBLOCK");
    T_EQ(syscall(SYS_getrandom, a, 16, 2), 16, "GRND_RANDOM");
    T_EQ(syscall(SYS_getrandom, a, 16, 4), 16, "GRND_INSECURE");
    T_EQ(syscall(SYS_getrandom, a, 0, 0), 0, "0 bytes: 0");
    T_ERRNO(syscall(SYS_getrandom, a, 16, 6), EINVAL, "GRND_RANDOM|GRND_INSECURE: EINVAL");
    T_ERRNO(syscall(SYS_getrandom, a, 16, 8), EINVAL, "an unknown flag: EINVAL");
    /* A buffer whose tail is unmapped: the bytes that fit. */
    uintptr_t brk = ((uintptr_t)sbrk(0) + 4095) & ~(uintptr_t)4095;
    sbrk((intptr_t)(brk - (uintptr_t)sbrk(0)));
    T_EQ(syscall(SYS_getrandom, (void *)(brk - 100), 1000, 0), 100,
         "a buffer running into an unmapped page: the 100 bytes that fit");
    pid_t pid = fork();
    if (pid == 0) {
        unsigned char c[32];
        syscall(SYS_getrandom, c, sizeof(c), 0);
        _exit(memcmp(c, b, sizeof(c)) == 0 ? 1 : 0);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a child's bytes differ from the parent's last ones");
}

/* ---- affinity, policy, priority ----------------------------------------- */

static void test_sched(void)
{
    uint32_t mask[4] = { 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff };
    T_EQ(syscall(SYS_sched_getaffinity, 0, sizeof(mask), mask), 4,
         "sched_getaffinity returns the mask size, 4");
    T_EQ(mask[0], 1, "CPU 0 only");
    T_EQ(mask[1], 0xffffffff, "bytes past the returned size untouched");
    T_ERRNO(syscall(SYS_sched_getaffinity, 0, 2, mask), EINVAL, "len 2: EINVAL");
    T_ERRNO(syscall(SYS_sched_getaffinity, 0, 6, mask), EINVAL, "len 6 (not a multiple of 4): EINVAL");
    T_ERRNO(syscall(SYS_sched_getaffinity, 99999, 4, mask), ESRCH, "no such pid: ESRCH");
    uint32_t one = 1, none = 0, two = 2;
    T_EQ(syscall(SYS_sched_setaffinity, 0, 4, &one), 0, "sched_setaffinity to CPU 0");
    T_ERRNO(syscall(SYS_sched_setaffinity, 0, 4, &none), EINVAL, "an empty mask: EINVAL");
    T_ERRNO(syscall(SYS_sched_setaffinity, 0, 4, &two), EINVAL, "CPU 1 only (absent): EINVAL");
    T_ERRNO(syscall(SYS_sched_setaffinity, 99999, 4, &one), ESRCH, "no such pid: ESRCH");

    T_EQ(syscall(SYS_sched_getscheduler, 0), 0, "sched_getscheduler: SCHED_OTHER");
    T_ERRNO(syscall(SYS_sched_getscheduler, -1), EINVAL, "pid -1: EINVAL");
    int prio = -1;
    T_EQ(syscall(SYS_sched_getparam, 0, &prio), 0, "sched_getparam");
    T_EQ(prio, 0, "priority 0");
    T_ERRNO(syscall(SYS_sched_getparam, 0, NULL), EINVAL, "sched_getparam NULL: EINVAL");
    T_EQ(syscall(SYS_sched_get_priority_max, 1), 99, "SCHED_FIFO max 99");
    T_EQ(syscall(SYS_sched_get_priority_min, 2), 1, "SCHED_RR min 1");
    T_EQ(syscall(SYS_sched_get_priority_max, 0), 0, "SCHED_OTHER max 0");
    T_ERRNO(syscall(SYS_sched_get_priority_max, 42), EINVAL, "policy 42: EINVAL");

    /* Nice values: the raw getpriority returns 20 - nice. */
    T_EQ(syscall(SYS_getpriority, 0, 0), 20, "getpriority: nice 0 reads 20");
    T_EQ(syscall(SYS_setpriority, 0, 0, 5), 0, "setpriority nice 5");
    T_EQ(syscall(SYS_getpriority, 0, getpid()), 15, "getpriority reads 15");
    T_EQ(syscall(SYS_setpriority, 0, 0, 100), 0, "nice 100 is clamped");
    T_EQ(syscall(SYS_getpriority, 0, 0), 1, "to 19");
    pid_t pid = fork();
    if (pid == 0)
        _exit((int)syscall(SYS_getpriority, 0, 0));
    int st = 0;
    waitpid(pid, &st, 0);
    T_EQ(WEXITSTATUS(st), 1, "a child inherits nice 19");
    pid = fork();
    if (pid == 0) {
        setuid(1000);
        long r1 = syscall(SYS_setpriority, 0, 0, 10);
        int e1 = errno;
        long r2 = syscall(SYS_setpriority, 0, getppid(), 19);
        int e2 = errno;
        _exit((r1 == -1 && e1 == EACCES ? 1 : 0) | (r2 == -1 && e2 == EPERM ? 2 : 0));
    }
    waitpid(pid, &st, 0);
    T_EQ(WEXITSTATUS(st), 3, "non-root: lowering nice EACCES, another user's process EPERM");
    T_EQ(syscall(SYS_setpriority, 0, 0, 0), 0, "root lowers it back to 0");
    T_ERRNO(syscall(SYS_getpriority, 3, 0), EINVAL, "which 3: EINVAL");
    T_ERRNO(syscall(SYS_getpriority, 0, 99999), ESRCH, "no such pid: ESRCH");
    T_EQ(syscall(SYS_getpriority, 1, 0), 20, "PRIO_PGRP of our group");
    T_EQ(syscall(SYS_getpriority, 2, 0), 20, "PRIO_USER of our uid");
}

/* ---- the bad-pointer matrix --------------------------------------------- */

static const unsigned char ro_page[4096] __attribute__((aligned(4096))) = { 0x5a };

static long m_clone_tls(void *p)
{
    long r = syscall(SYS_clone, 0x80000 | SIGCHLD, NULL, NULL, p, NULL);
    if (r == 0)
        _exit(0);
    int e = errno;
    if (r > 0)
        waitpid((pid_t)r, NULL, 0);
    errno = e;
    return r;
}
static long m_waitid_infop(void *p)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    long r = syscall(SYS_waitid, P_PID, pid, p, WEXITED | WNOWAIT, NULL);
    int e = errno;
    waitpid(pid, NULL, 0);
    errno = e;
    return r;
}
static long m_waitid_rusage(void *p)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    int32_t info[32];
    long r = syscall(SYS_waitid, P_PID, pid, info, WEXITED, p);
    int e = errno;
    waitpid(pid, NULL, 0);
    errno = e;
    return r;
}
static long m_times(void *p) { return syscall(SYS_times, p); }
static long m_getrusage(void *p) { return syscall(SYS_getrusage, 0, p); }
static long m_getitimer(void *p) { return syscall(SYS_getitimer, 0, p); }
static long m_setitimer_new(void *p) { return syscall(SYS_setitimer, 0, p, NULL); }
static long m_setitimer_old(void *p)
{
    long v[4] = { 0, 0, 0, 0 };
    return syscall(SYS_setitimer, 0, v, p);
}
static long m_getrandom(void *p) { return syscall(SYS_getrandom, p, 16, 0); }
static long m_get_robust_head(void *p) { uint32_t l; return syscall(SYS_get_robust_list, 0, p, &l); }
static long m_get_robust_len(void *p) { uint32_t h; return syscall(SYS_get_robust_list, 0, &h, p); }
static long m_prctl_set(void *p) { return syscall(SYS_prctl, PR_SET_NAME, p, 0, 0, 0); }
static long m_prctl_get(void *p) { return syscall(SYS_prctl, PR_GET_NAME, p, 0, 0, 0); }
static long m_getaffinity(void *p) { return syscall(SYS_sched_getaffinity, 0, 4, p); }
static long m_setaffinity(void *p) { return syscall(SYS_sched_setaffinity, 0, 4, p); }
static long m_getparam(void *p) { return syscall(SYS_sched_getparam, 0, p); }
static long m_rseq(void *p) { return syscall(SYS_rseq, p, 32, 0, RSEQ_SIG); }

#define OUT 1
#define OPT 2                           /* NULL means "none" here */
#define ALIGNED 4                       /* only 32-aligned pointers reach the copy (rseq) */
#define PARTIAL 8                       /* a straddling buffer gets its first bytes */

static void test_matrix(void)
{
    static const struct { const char *what; long (*call)(void *); int flags; } rows[] = {
        { "clone tls (CLONE_SETTLS)", m_clone_tls, 0 },
        { "waitid infop", m_waitid_infop, OUT | OPT },
        { "waitid rusage", m_waitid_rusage, OUT | OPT },
        { "times buf", m_times, OUT | OPT },
        { "getrusage usage", m_getrusage, OUT },
        { "getitimer value", m_getitimer, OUT },
        { "setitimer value", m_setitimer_new, OPT },
        { "setitimer ovalue", m_setitimer_old, OUT | OPT },
        { "getrandom buf", m_getrandom, OUT | PARTIAL },
        { "get_robust_list head_ptr", m_get_robust_head, OUT },
        { "get_robust_list len_ptr", m_get_robust_len, OUT },
        { "prctl PR_SET_NAME name", m_prctl_set, 0 },
        { "prctl PR_GET_NAME name", m_prctl_get, OUT },
        { "sched_getaffinity mask", m_getaffinity, OUT },
        { "sched_setaffinity mask", m_setaffinity, 0 },
        { "sched_getparam param", m_getparam, OUT | OPT },
        { "rseq area", m_rseq, ALIGNED | OPT },
    };
    static const struct { const char *name; uintptr_t p; int kind; } kinds[] = {
        { "NULL", 0, 0 }, { "unmapped 0x50000000", 0x50000000, 1 },
        { "0xC0000000", 0xC0000000u, 1 }, { "0xFFFFF000", 0xFFFFF000u, 1 },
        { "0xBFFFFFFE (straddles)", 0xBFFFFFFEu, 2 }, { "read-only page", 0, 3 },
    };
    for (unsigned r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
        for (unsigned k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
            int f = rows[r].flags;
            if (kinds[k].kind == 0 && (f & OPT))
                continue;
            if (kinds[k].kind == 3 && !(f & OUT))
                continue;
            if (kinds[k].kind == 2 && (f & (ALIGNED | PARTIAL)))
                continue;
            /* rseq: an unmapped user address passes registration (Linux
             * checks the range only), so only kernel addresses fail. */
            if ((f & ALIGNED) && kinds[k].p < 0xC0000000u)
                continue;
            void *p = kinds[k].kind == 3 ? (void *)ro_page : (void *)kinds[k].p;
            /* The last two user bytes non-NUL, so a name there runs into
             * the kernel (as uaccess_matrix does). */
            ((volatile char *)0xBFFFFFFE)[0] = 'a';
            ((volatile char *)0xBFFFFFFE)[1] = 'a';
            errno = 0;
            long ret = rows[r].call(p);
            int e = errno;
            char what[128], d[96];
            snprintf(what, sizeof(what), "%s = %s: EFAULT", rows[r].what, kinds[k].name);
            snprintf(d, sizeof(d), "got %ld errno %d (%s)", ret, e, strerror(e));
            t_check(ret == -1 && e == EFAULT, what, d);
        }
    }
    T_EQ(ro_page[0], 0x5a, "the read-only page is unchanged");
    syscall(SYS_setitimer, 0, NULL, NULL);
}

int main(void)
{
    t_begin("proc_startup_calls");
    test_robust();
    test_rseq();
    test_prctl();
    test_getrandom();
    test_sched();
    test_matrix();
    return t_end();
}
