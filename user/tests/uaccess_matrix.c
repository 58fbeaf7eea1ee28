/*
 * uaccess_matrix: every pointer-taking system call against every kind of
 * bad pointer.
 *
 * Each row of the table is one pointer argument of one call (the call is
 * made raw, through syscall(), so libc cannot crash first); each column is
 * one kind of bad pointer: NULL, 1, an unmapped page, the hole above the
 * break, the kernel's first page, the last page, a range straddling
 * 0xC0000000, and, for output arguments, a read-only .rodata page and our
 * own .text. Every cell must be -1/EFAULT, the test must keep running, and
 * the read-only page must come out untouched. NULL is skipped where Linux
 * reads it as "none" (oact, oset, rusage, tz...).
 */
#include <agora_test.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/stat.h>

#define SELF "/tests/uaccess_matrix"

/* A whole read-only page (in .rodata, alone in its page). */
static const unsigned char ro_page[4096] __attribute__((aligned(4096))) = {
    0x5a, 0xa5, 0x5a, 0xa5, 1, 2, 3, 4, 5, 6, 7, 8,
};

enum kind { K_NULL, K_ONE, K_UNMAPPED, K_ABOVE_BRK, K_KERNEL, K_KTOP, K_STRADDLE,
            K_RODATA, K_TEXT, NKINDS };

static const char *const kind_name[NKINDS] = {
    "NULL", "(void *)1", "unmapped 0x50000000", "64 KiB above the break",
    "0xC0000000", "0xFFFFF000", "0xBFFFFFFE (straddles 0xC0000000)",
    "read-only .rodata page", "our .text",
};

static void *kind_ptr[NKINDS];

#define OUT 1   /* the kernel writes through it: read-only pages must fail too */
#define OPT 2   /* NULL means "none" (or ends a vector) here: skip NULL */
#define SHORT 4 /* the kernel writes only 2 bytes here ("/"): skip the straddle */

static int tfd = -1;                    /* /etc/tests, for fstat etc. */
static int shmid = -1;

static long open_tests(void) { return syscall(SYS_open, "/etc/tests", O_RDONLY, 0); }

/* ---- one function per row; p is the bad pointer ------------------------ */

static long c_read(void *p)
{
    long fd = open_tests();
    long r = syscall(SYS_read, fd, p, 64);
    int e = errno;
    close((int)fd);
    errno = e;
    return r;
}
static long c_write(void *p) { return syscall(SYS_write, 1, p, 64); }
static long c_open(void *p) { return syscall(SYS_open, p, O_RDONLY, 0); }
static long c_stat_path(void *p) { char b[256]; return syscall(SYS_stat, p, b); }
static long c_stat_buf(void *p) { return syscall(SYS_stat, "/etc/tests", p); }
static long c_lstat_path(void *p) { char b[256]; return syscall(SYS_lstat, p, b); }
static long c_lstat_buf(void *p) { return syscall(SYS_lstat, "/etc/tests", p); }
static long c_fstat_buf(void *p) { return syscall(SYS_fstat, tfd, p); }
static long c_stat64_path(void *p) { char b[256]; return syscall(SYS_stat64, p, b); }
static long c_stat64_buf(void *p) { return syscall(SYS_stat64, "/etc/tests", p); }
static long c_lstat64_buf(void *p) { return syscall(SYS_lstat64, "/etc/tests", p); }
static long c_fstat64_buf(void *p) { return syscall(SYS_fstat64, tfd, p); }
static long c_access(void *p) { return syscall(SYS_access, p, 0); }
static long c_chdir(void *p) { return syscall(SYS_chdir, p); }

/* execve in a child (should it wrongly succeed, the new image exits 111:
 * see main). Returns -1 with errno = the child's errno. */
static long exec_child(const void *path, const void *argv, const void *envp)
{
    pid_t pid = fork();
    if (pid == 0) {
        long r = syscall(SYS_execve, path, argv, envp);
        _exit(r == -1 ? errno : 120);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st) >= 111) {
        errno = 0;
        return WIFEXITED(st) ? 0 : -2;
    }
    errno = WEXITSTATUS(st);
    return -1;
}
static char *probe_argv[] = { SELF, "probe", NULL };
static char *probe_envp[] = { "UACCESS_PROBE=1", NULL };
static long c_execve_path(void *p) { return exec_child(p, probe_argv, probe_envp); }
static long c_execve_argv(void *p) { return exec_child(SELF, p, probe_envp); }
static long c_execve_argv1(void *p)
{
    const void *argv[] = { SELF, p, NULL };
    return exec_child(SELF, argv, probe_envp);
}
static long c_execve_envp(void *p) { return exec_child(SELF, probe_argv, p); }
static long c_execve_envp0(void *p)
{
    const void *envp[] = { "UACCESS_PROBE=1", p, NULL };
    return exec_child(SELF, probe_argv, envp);
}

/* A child that exits at once: the blocking wait with the bad pointer
 * reaches it as a zombie. */
static pid_t zombie(void)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    return pid;                         /* the blocking wait below waits for it */
}
static long c_waitpid_status(void *p)
{
    pid_t pid = zombie();
    long r = syscall(SYS_waitpid, pid, p, 0);
    int e = errno;
    waitpid(pid, NULL, 0);              /* reap it if the kernel did not */
    errno = e;
    return r;
}
static long c_wait4_status(void *p)
{
    pid_t pid = zombie();
    long r = syscall(SYS_wait4, pid, p, 0, NULL);
    int e = errno;
    waitpid(pid, NULL, 0);
    errno = e;
    return r;
}
static long c_wait4_rusage(void *p)
{
    pid_t pid = zombie();
    int st;
    long r = syscall(SYS_wait4, pid, &st, 0, p);
    int e = errno;
    waitpid(pid, NULL, 0);
    errno = e;
    return r;
}
static long c_sigaction_act(void *p) { return syscall(SYS_rt_sigaction, SIGUSR1, p, NULL, 8); }
static long c_sigaction_oact(void *p) { return syscall(SYS_rt_sigaction, SIGUSR1, NULL, p, 8); }
static long c_sigprocmask_set(void *p) { return syscall(SYS_rt_sigprocmask, SIG_BLOCK, p, NULL, 8); }
static long c_sigprocmask_oset(void *p) { return syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, p, 8); }
static long c_old_sigprocmask_set(void *p) { return syscall(SYS_sigprocmask, SIG_BLOCK, p, NULL); }
static long c_old_sigprocmask_oset(void *p) { return syscall(SYS_sigprocmask, SIG_BLOCK, NULL, p); }
static long c_sigpending(void *p) { return syscall(SYS_rt_sigpending, p, 8); }
static long c_sigsuspend(void *p) { return syscall(SYS_rt_sigsuspend, p, 8); }
static long c_nanosleep(void *p) { return syscall(SYS_nanosleep, p, NULL); }
static long c_clock_nanosleep64(void *p) { return syscall(SYS_clock_nanosleep_time64, 1, 0, p, NULL); }
static long c_clock_gettime(void *p) { return syscall(SYS_clock_gettime, 1, p); }
static long c_clock_gettime64(void *p) { return syscall(SYS_clock_gettime64, 1, p); }
static long c_clock_getres(void *p) { return syscall(SYS_clock_getres, 1, p); }
static long c_gettimeofday_tv(void *p) { return syscall(SYS_gettimeofday, p, NULL); }
static long c_gettimeofday_tz(void *p) { long tv[2]; return syscall(SYS_gettimeofday, tv, p); }
static long c_time(void *p) { return syscall(SYS_time, p); }
static long c_uname(void *p) { return syscall(SYS_uname, p); }
static long c_sysinfo(void *p) { return syscall(SYS_sysinfo, p); }
static long c_getdents64(void *p)
{
    long fd = syscall(SYS_open, "/tests", O_RDONLY | O_DIRECTORY, 0);
    long r = syscall(SYS_getdents64, fd, p, 4096);
    int e = errno;
    close((int)fd);
    errno = e;
    return r;
}
static long c_getcwd(void *p) { return syscall(SYS_getcwd, p, 64); }
static long c_getresuid_r(void *p) { unsigned a, b; return syscall(SYS_getresuid32, p, &a, &b); }
static long c_getresuid_e(void *p) { unsigned a, b; return syscall(SYS_getresuid32, &a, p, &b); }
static long c_getresuid_s(void *p) { unsigned a, b; return syscall(SYS_getresuid32, &a, &b, p); }
static long c_getresgid_r(void *p) { unsigned a, b; return syscall(SYS_getresgid32, p, &a, &b); }
static long c_getresgid_s(void *p) { unsigned a, b; return syscall(SYS_getresgid32, &a, &b, p); }
static long c_getgroups(void *p) { return syscall(SYS_getgroups32, 32, p); }
static long c_setgroups(void *p) { return syscall(SYS_setgroups32, 2, p); }
static long c_llseek(void *p) { return syscall(SYS__llseek, tfd, 0, 0, p, SEEK_SET); }
static long c_readv_iov(void *p)
{
    long fd = open_tests();
    long r = syscall(SYS_readv, fd, p, 1);
    int e = errno;
    close((int)fd);
    errno = e;
    return r;
}
static long c_readv_base(void *p)
{
    struct { void *base; size_t len; } iov[2] = { { p, 64 }, { NULL, 0 } };
    long fd = open_tests();
    long r = syscall(SYS_readv, fd, iov, 1);
    int e = errno;
    close((int)fd);
    errno = e;
    return r;
}
static long c_writev_iov(void *p) { return syscall(SYS_writev, 1, p, 1); }
static long c_writev_base(void *p)
{
    struct { void *base; size_t len; } iov[1] = { { p, 64 } };
    return syscall(SYS_writev, 1, iov, 1);
}
static long c_set_thread_area(void *p) { return syscall(SYS_set_thread_area, p); }
static long c_shmctl_stat(void *p) { return syscall(SYS_shmctl, shmid, 2, p); }   /* IPC_STAT */
static long c_shmctl_set(void *p) { return syscall(SYS_shmctl, shmid, 1, p); }    /* IPC_SET */
/* On stdin, the console: init's testsuite mode makes stdout a pipe. */
static long c_ioctl_tcgets(void *p) { return syscall(SYS_ioctl, 0, 0x5401, p); }
static long c_ioctl_winsz(void *p) { return syscall(SYS_ioctl, 0, 0x5413, p); }
static long c_meminfo(void *p) { return syscall(AGORA_NR_meminfo, p); }
static long c_pipe(void *p) { return syscall(SYS_pipe, p); }
static long c_pipe2(void *p) { return syscall(SYS_pipe2, p, 0); }
static long c_poll(void *p) { return syscall(SYS_poll, p, 1, 0); }
static long c_ppoll_ts(void *p)
{
    struct { int fd; short ev, rev; } pfd = { 0, 0, 0 };
    return syscall(SYS_ppoll, &pfd, 1, p, NULL, 8);
}
static long c_ppoll_mask(void *p)
{
    struct { int fd; short ev, rev; } pfd = { 0, 0, 0 };
    struct { long s, ns; } ts = { 0, 0 };
    return syscall(SYS_ppoll, &pfd, 1, &ts, p, 8);
}
static long c_select_set(void *p)
{
    struct { long s, us; } tv = { 0, 0 };
    return syscall(SYS__newselect, 1, p, NULL, NULL, &tv);
}
static long c_select_tv(void *p)
{
    unsigned long set = 1;              /* stdin: the console */
    return syscall(SYS__newselect, 1, &set, NULL, NULL, p);
}
static long c_old_select(void *p) { return syscall(SYS_select, p); }
static long c_pselect6_sig(void *p)
{
    struct { long s, ns; } ts = { 0, 0 };
    return syscall(SYS_pselect6, 0, NULL, NULL, NULL, &ts, p);
}
static long c_pselect6_mask(void *p)
{
    struct { long s, ns; } ts = { 0, 0 };
    unsigned long sig[2] = { (unsigned long)p, 8 };
    return syscall(SYS_pselect6, 0, NULL, NULL, NULL, &ts, sig);
}

static const struct row {
    const char *what;
    long (*call)(void *p);
    int flags;
} rows[] = {
    { "read buf", c_read, OUT },
    { "write buf", c_write, 0 },
    { "open path", c_open, 0 },
    { "stat path", c_stat_path, 0 },
    { "stat buf", c_stat_buf, OUT },
    { "lstat path", c_lstat_path, 0 },
    { "lstat buf", c_lstat_buf, OUT },
    { "fstat buf", c_fstat_buf, OUT },
    { "stat64 path", c_stat64_path, 0 },
    { "stat64 buf", c_stat64_buf, OUT },
    { "lstat64 buf", c_lstat64_buf, OUT },
    { "fstat64 buf", c_fstat64_buf, OUT },
    { "access path", c_access, 0 },
    { "chdir path", c_chdir, 0 },
    { "execve path", c_execve_path, 0 },
    { "execve argv", c_execve_argv, OPT },
    { "execve argv[1]", c_execve_argv1, OPT },
    { "execve envp", c_execve_envp, OPT },
    { "execve envp[1]", c_execve_envp0, OPT },
    { "waitpid status", c_waitpid_status, OUT | OPT },
    { "wait4 status", c_wait4_status, OUT | OPT },
    { "wait4 rusage", c_wait4_rusage, OUT | OPT },
    { "rt_sigaction act", c_sigaction_act, OPT },
    { "rt_sigaction oact", c_sigaction_oact, OUT | OPT },
    { "rt_sigprocmask set", c_sigprocmask_set, OPT },
    { "rt_sigprocmask oset", c_sigprocmask_oset, OUT | OPT },
    { "sigprocmask set", c_old_sigprocmask_set, OPT },
    { "sigprocmask oset", c_old_sigprocmask_oset, OUT | OPT },
    { "rt_sigpending set", c_sigpending, OUT },
    { "rt_sigsuspend mask", c_sigsuspend, 0 },
    { "nanosleep req", c_nanosleep, 0 },
    { "clock_nanosleep_time64 req", c_clock_nanosleep64, 0 },
    { "clock_gettime ts", c_clock_gettime, OUT },
    { "clock_gettime64 ts", c_clock_gettime64, OUT },
    { "clock_getres ts", c_clock_getres, OUT | OPT },
    { "gettimeofday tv", c_gettimeofday_tv, OUT | OPT },
    { "gettimeofday tz", c_gettimeofday_tz, OUT | OPT },
    { "time tloc", c_time, OUT | OPT },
    { "uname buf", c_uname, OUT },
    { "sysinfo info", c_sysinfo, OUT },
    { "getdents64 dirp", c_getdents64, OUT },
    { "getcwd buf", c_getcwd, OUT | SHORT },
    { "getresuid ruid", c_getresuid_r, OUT },
    { "getresuid euid", c_getresuid_e, OUT },
    { "getresuid suid", c_getresuid_s, OUT },
    { "getresgid rgid", c_getresgid_r, OUT },
    { "getresgid sgid", c_getresgid_s, OUT },
    { "getgroups list (2 groups set)", c_getgroups, OUT },
    { "setgroups list", c_setgroups, 0 },
    { "_llseek result", c_llseek, OUT },
    { "readv iov", c_readv_iov, 0 },
    { "readv iov_base", c_readv_base, OUT },
    { "writev iov", c_writev_iov, 0 },
    { "writev iov_base", c_writev_base, 0 },
    { "set_thread_area u_info", c_set_thread_area, 0 },
    { "shmctl IPC_STAT buf", c_shmctl_stat, OUT },
    { "shmctl IPC_SET buf", c_shmctl_set, 0 },
    { "ioctl TCGETS arg", c_ioctl_tcgets, OUT },
    { "ioctl TIOCGWINSZ arg", c_ioctl_winsz, OUT },
    { "agora meminfo buf", c_meminfo, OUT },
    { "pipe fds", c_pipe, OUT },
    { "pipe2 fds", c_pipe2, OUT },
    { "poll fds", c_poll, OUT },
    { "ppoll timeout", c_ppoll_ts, OPT },
    { "ppoll sigmask", c_ppoll_mask, OPT },
    { "select readfds", c_select_set, OUT | OPT },
    { "select timeout", c_select_tv, OPT },
    { "old select args", c_old_select, 0 },
    { "pselect6 sigmask argument", c_pselect6_sig, OPT },
    { "pselect6 sigmask", c_pselect6_mask, OPT },
};

/* The last two bytes of user space (in the AT_RANDOM bytes at the top of
 * the stack) are made non-NUL, so a string there runs into the kernel: "aa"
 * and no terminator below 0xC0000000. Redone before each call, in case a
 * call wrongly wrote there. */
static void set_straddle_string(void)
{
    ((volatile char *)0xBFFFFFFE)[0] = 'a';
    ((volatile char *)0xBFFFFFFE)[1] = 'a';
}

static void setup(void)
{
    kind_ptr[K_NULL] = NULL;
    kind_ptr[K_ONE] = (void *)1;
    kind_ptr[K_UNMAPPED] = (void *)0x50000000;
    uintptr_t brk_end = ((uintptr_t)sbrk(0) + 4095) & ~(uintptr_t)4095;
    kind_ptr[K_ABOVE_BRK] = (void *)(brk_end + 0x10000);
    kind_ptr[K_KERNEL] = (void *)0xC0000000;
    kind_ptr[K_KTOP] = (void *)0xFFFFF000;
    kind_ptr[K_STRADDLE] = (void *)0xBFFFFFFE;
    kind_ptr[K_RODATA] = (void *)ro_page;
    kind_ptr[K_TEXT] = (void *)(uintptr_t)&c_read;
    tfd = open("/etc/tests", O_RDONLY);
    shmid = (int)syscall(SYS_shmget, 0, 4096, 01000 | 0600);
    gid_t g[2] = { 5, 6 };
    syscall(SYS_setgroups32, 2, g);
}

static void test_matrix(void)
{
    setup();
    T_OK(tfd >= 0, "open /etc/tests");
    T_OK(shmid >= 0, "a shm segment to stat");
    for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
        for (int k = 0; k < NKINDS; k++) {
            if (k == K_NULL && (rows[r].flags & OPT))
                continue;
            if ((k == K_RODATA || k == K_TEXT) && !(rows[r].flags & OUT))
                continue;
            if (k == K_STRADDLE && (rows[r].flags & SHORT))
                continue;
            set_straddle_string();
            errno = 0;
            long ret = rows[r].call(kind_ptr[k]);
            int e = errno;
            char what[128], d[96];
            snprintf(what, sizeof(what), "%s = %s: EFAULT", rows[r].what, kind_name[k]);
            snprintf(d, sizeof(d), "got %ld errno %d (%s)", ret, e, strerror(e));
            t_check(ret == -1 && e == EFAULT, what, d);
        }
    }
    static const unsigned char head[12] = { 0x5a, 0xa5, 0x5a, 0xa5, 1, 2, 3, 4, 5, 6, 7, 8 };
    int same = memcmp(ro_page, head, sizeof(head)) == 0;
    for (size_t i = sizeof(head); i < sizeof(ro_page); i++)
        same &= ro_page[i] == 0;
    T_OK(same, "the read-only page is unchanged after every call");
    if (shmid >= 0)
        syscall(SYS_shmctl, shmid, 0, NULL);       /* IPC_RMID */
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

static void test_count_zero(void)
{
    /* read/write of 0 bytes never look at the buffer (within user space). */
    static const int kinds[] = { K_NULL, K_ONE, K_UNMAPPED, K_RODATA };
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        char what[96];
        long fd = open_tests();
        snprintf(what, sizeof(what), "read(fd, %s, 0) returns 0", kind_name[kinds[i]]);
        T_EQ(syscall(SYS_read, fd, kind_ptr[kinds[i]], 0), 0, what);
        close((int)fd);
        snprintf(what, sizeof(what), "write(1, %s, 0) returns 0", kind_name[kinds[i]]);
        T_EQ(syscall(SYS_write, 1, kind_ptr[kinds[i]], 0), 0, what);
    }
    /* A buffer whose tail runs into an unmapped page: a short read. */
    uintptr_t b = (uintptr_t)sbrk(0);
    uintptr_t end = (b + 4095) & ~(uintptr_t)4095;
    if (end - b < 16) {
        sbrk((intptr_t)(end - b + 4096));
        end += 4096;
    } else {
        sbrk((intptr_t)(end - b));
    }
    T_OK((uintptr_t)sbrk(0) == end, "break moved to a page boundary");
    long fd = open_tests();
    struct stat sb;
    fstat((int)fd, &sb);
    char *buf = (char *)(end - 10);
    long got = syscall(SYS_read, fd, buf, 64);
    if (sb.st_size >= 64)
        T_EQ(got, 10, "read of 64 bytes into a buffer with 10 mapped bytes: short count 10");
    else
        T_EQ(got, sb.st_size < 10 ? sb.st_size : 10, "short read into a buffer with 10 mapped bytes");
    close((int)fd);
    T_EQ(syscall(SYS_write, 1, buf, 10), 10, "writing the 10 mapped bytes works");
    fd = open_tests();
    char first[10];
    read((int)fd, first, 10);
    close((int)fd);
    T_OK(memcmp(first, buf, 10) == 0, "the short read delivered the file's first bytes");
    (void)write(1, "\n", 1);
}

int main(int argc, char **argv)
{
    if (getenv("UACCESS_PROBE") || (argc > 1 && strcmp(argv[1], "probe") == 0))
        return 111;                     /* a bad execve that wrongly worked */
    t_begin("uaccess_matrix");
    test_matrix();
    test_count_zero();
    T_OK(1, "still running after every bad pointer");
    return t_end();
}
