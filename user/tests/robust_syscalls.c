/*
 * robust_syscalls: a user program cannot hurt the kernel through the
 * system-call interface.
 *
 * Garbage system-call numbers give ENOSYS; every number 0..511 is called
 * with random arguments (a fixed-seed generator mixing small integers,
 * random words, kernel addresses, pointers into a scratch buffer) in
 * children that have closed every descriptor, so nothing can block; each
 * child must return from every call or die by a signal, and the kernel
 * must survive. A deny list keeps out what would block forever or hit
 * other processes (exit, fork, execve, pause, sigsuspend, long sleeps,
 * kill, reboot, shmget and ipc). Then: the direction flag set by user code must
 * not leak into the kernel; a forged sigreturn frame cannot give user code
 * kernel segments or I/O privilege; a TLS segment based in the kernel
 * cannot read it; huge brk requests fail.
 */
#include <agora_test.h>
#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <stdint.h>
#include <time.h>

/* ---- garbage numbers ---------------------------------------------------- */

static void test_enosys(void)
{
    static const long nrs[] = {
        -1, -2, (long)0x80000000, 0x7fffffff, 0xFFFF, 1000, 4096, 512, 503, 511,
        17 /* break */, 31 /* stty */, 32 /* gtty */, 35 /* ftime */, 44 /* prof */,
        53 /* lock */, 56 /* mpx */, 98 /* profil */, 137 /* afs_syscall */,
        188 /* getpmsg */, 189 /* putpmsg */, 222, 223, 251, 285, 440,
    };
    for (size_t i = 0; i < sizeof(nrs) / sizeof(nrs[0]); i++) {
        char what[64];
        snprintf(what, sizeof(what), "system call %ld: ENOSYS", nrs[i]);
        T_ERRNO(syscall(nrs[i], 1, 2, 3, 4, 5, 6), ENOSYS, what);
    }
    /* random numbers far beyond the table */
    unsigned seed = 12345;
    int bad = 0;
    for (int i = 0; i < 200; i++) {
        seed = seed * 1103515245 + 12345;
        long nr = (long)(seed | 0x1000);          /* never below 4096 */
        errno = 0;
        if (syscall(nr, seed, ~seed, 0, 0, 0, 0) != -1 || errno != ENOSYS)
            bad++;
    }
    T_EQ(bad, 0, "200 random numbers >= 4096: all ENOSYS");
    T_OK(getpid() > 0, "still running");
}

/* ---- random arguments to every number ----------------------------------- */

static unsigned char scratch[65536] __attribute__((aligned(4096)));
static uint32_t rng;

static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static uint32_t random_arg(void)
{
    switch (next() % 12) {
    case 0: return 0;
    case 1: return 1;
    case 2: return (uint32_t)-1;
    case 3: return next() % 70;                         /* small: fds, signals, flags */
    case 4: return next();
    case 5: return (uint32_t)(uintptr_t)scratch + next() % sizeof(scratch);
    case 6: return (uint32_t)(uintptr_t)scratch;
    case 7: return 0xC0000000u + (next() & 0xFFFF);
    case 8: return 0xBFFFFFF0u;
    case 9: return 0x7fffffff;
    case 10: return 0x80000000u;
    default: return (uint32_t)(uintptr_t)&random_arg + next() % 4096;   /* text */
    }
}

/* Calls that block, end the process, or act on other processes. */
static int denied(long nr)
{
    switch (nr) {
    case 1:     /* exit */
    case 2:     /* fork */
    case 11:    /* execve */
    case 29:    /* pause */
    case 37:    /* kill */
    case 72:    /* sigsuspend */
    case 82:    /* select: with no timeout it waits for ever */
    case 88:    /* reboot */
    case 117:   /* ipc: its SHMGET would leave segments behind */
    case 119:   /* sigreturn: jumps to garbage (tested separately) */
    case 120:   /* clone */
    case 142:   /* _newselect */
    case 162:   /* nanosleep */
    case 168:   /* poll */
    case 173:   /* rt_sigreturn */
    case 179:   /* rt_sigsuspend */
    case 190:   /* vfork */
    case 238:   /* tkill */
    case 252:   /* exit_group */
    case 267:   /* clock_nanosleep */
    case 270:   /* tgkill */
    case 308:   /* pselect6 */
    case 309:   /* ppoll */
    case 395:   /* shmget: would leave segments behind */
    case 407:   /* clock_nanosleep_time64 */
    case 413:   /* pselect6_time64 */
    case 414:   /* ppoll_time64 */
        return 1;
    default:
        return 0;
    }
}

#define CALLS_PER_CHILD 400
#define CHILDREN 16

/* One child: close every descriptor (nothing can block on the console),
 * then make CALLS_PER_CHILD random calls from seed. verbose prints each
 * call first (on a descriptor kept out of reach of the random calls). */
/* The fuzz children work in a scratch directory of their own, as uid
 * nobody: random calls that create files (open, mkdir, symlink with a
 * name made of random bytes) create them there, and the parent removes
 * them after each child, so that a run leaves the file system as it was. */
#define SCRATCH "/tmp/robust-fuzz"
#define NOBODY 65534

/* Remove everything under dir (not dir itself); symlinks are not followed. */
static void empty_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char path[512];
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            chmod(path, 0700);
            empty_tree(path);
            rmdir(path);
        } else {
            unlink(path);
        }
    }
    closedir(d);
}

static void fuzz_child(uint32_t seed, int verbose)
{
    int log = -1;
    if (chdir(SCRATCH) != 0 || setgid(NOBODY) != 0 || setuid(NOBODY) != 0)
        _exit(99);
    if (verbose) {
        fflush(stdout);
        log = dup2(1, 200) >= 0 ? 200 : -1;
    }
    for (int fd = 0; fd < 64; fd++)
        close(fd);
    rng = seed ? seed : 1;
    for (int i = 0; i < CALLS_PER_CHILD; i++) {
        long nr = (long)(next() % 512);
        if (denied(nr))
            continue;
        uint32_t a[6];
        for (int k = 0; k < 6; k++)
            a[k] = random_arg();
        if (verbose && log >= 0) {
            char line[160];
            int n = snprintf(line, sizeof(line), "#   call %d: nr %ld (%x, %x, %x, %x, %x, %x)\n",
                             i, nr, a[0], a[1], a[2], a[3], a[4], a[5]);
            syscall(SYS_write, log, line, n);
        }
        syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
        /* keep our descriptors closed: a random dup/open may have made one */
        for (int fd = 0; fd < 64; fd++)
            syscall(SYS_close, fd);
    }
    _exit(0);
}

static void test_fuzz(void)
{
    int exited = 0, signalled = 0, hung = 0;
    int sigs[65] = {0};
    mkdir(SCRATCH, 0777);
    chmod(SCRATCH, 0777);               /* whatever the umask */
    for (int c = 0; c < CHILDREN; c++) {
        uint32_t seed = 0x9e3779b9u * (uint32_t)(c + 1);
        pid_t pid = fork();
        if (pid == 0)
            fuzz_child(seed, 0);
        long deadline = now_ms() + 20000;
        int st = 0;
        pid_t got;
        while ((got = waitpid(pid, &st, WNOHANG)) == 0 && now_ms() < deadline)
            usleep(10000);
        if (got != pid) {
            hung++;
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            printf("# fuzz child %d (seed 0x%x) hung; replaying verbosely:\n", c, seed);
            pid = fork();
            if (pid == 0)
                fuzz_child(seed, 1);
            long d2 = now_ms() + 20000;
            while (waitpid(pid, &st, WNOHANG) == 0 && now_ms() < d2)
                usleep(10000);
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            continue;
        }
        empty_tree(SCRATCH);
        if (WIFEXITED(st)) {
            exited++;
        } else {
            signalled++;
            sigs[WTERMSIG(st) & 63]++;
        }
    }
    printf("# fuzz: %d children returned from every call, %d died by a signal (",
           exited, signalled);
    for (int s = 1; s < 65; s++)
        if (sigs[s])
            printf(" sig%d x%d", s, sigs[s]);
    printf(" )\n");
    empty_tree(SCRATCH);
    T_EQ(rmdir(SCRATCH), 0, "the fuzz children's scratch directory is removed");
    T_EQ(hung, 0, "no fuzz child blocked for 20 s");
    T_EQ(exited + signalled + hung, CHILDREN, "every fuzz child ended");
    T_OK(getpid() > 0 && getppid() > 0, "the kernel and the test survive random calls");
    /* The system still works: fork, exec-free child, heap. */
    pid_t pid = fork();
    if (pid == 0)
        _exit(21);
    int st = 0;
    waitpid(pid, &st, 0);
    T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 21, "fork and wait still work");
    void *p = malloc(100000);
    T_OK(p != NULL, "malloc still works");
    free(p);
    T_EQ(syscall(AGORA_NR_meminfo, NULL), -1, "meminfo(NULL) still just EFAULT");
}

/* ---- the direction flag ----------------------------------------------------- */

/* With DF set, make a system call that copies data (uname) and one that
 * writes to the console; the kernel must run with DF clear (it copies with
 * rep movs), so the results must be right. */
static int df_child(void)
{
    static char uts[390];
    long r;
    memset(uts, 0, sizeof(uts));
    __asm__ volatile("std\n\t"
                     "int $0x80\n\t"
                     "cld\n\t"
                     : "=a"(r) : "a"(SYS_uname), "b"(uts) : "memory", "cc");
    if (r != 0 || strcmp(uts, "agora") != 0)
        return 1;
    static const char msg[] = "# written with DF set\n";
    __asm__ volatile("std\n\t"
                     "int $0x80\n\t"
                     "cld\n\t"
                     : "=a"(r) : "a"(SYS_write), "b"(1), "c"(msg), "d"(sizeof(msg) - 1)
                     : "memory", "cc");
    if (r != (long)sizeof(msg) - 1)
        return 2;
    /* Spin with DF set until a few timer interrupts (and reschedules)
     * have come and gone: the interrupt path must clear DF as well. */
    long t0 = now_ms();
    while (now_ms() - t0 < 300) {
        __asm__ volatile("std\n\t"
                         "movl $200000, %%ecx\n\t"
                         "1: decl %%ecx\n\t"
                         "jnz 1b\n\t"
                         "cld\n\t" ::: "ecx", "cc");
    }
    return 0;
}

static void test_direction_flag(void)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0)
        _exit(df_child());
    /* a second process runs at the same time, so switches happen */
    pid_t other = fork();
    if (other == 0) {
        long t0 = now_ms();
        while (now_ms() - t0 < 300)
            ;
        _exit(0);
    }
    int st = 0, st2 = 0;
    waitpid(pid, &st, 0);
    waitpid(other, &st2, 0);
    T_EQ(WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st), 0,
         "system calls and interrupts with DF set work (1 uname, 2 write)");
}

/* ---- forged sigreturn frames -------------------------------------------- */

static unsigned char land_stack[8192] __attribute__((aligned(16)));

static void landing(void)
{
    unsigned cs, ds, fl;
    __asm__ volatile("movl %%cs, %0\n\tmovl %%ds, %1\n\tpushfl\n\tpopl %2"
                     : "=r"(cs), "=r"(ds), "=r"(fl));
    if ((cs & 3) != 3)
        _exit(3);                       /* running with a kernel code segment */
    if ((ds & ~3u) && (ds & 3) != 3)
        _exit(4);                       /* a kernel data segment (null is fine: Linux gives null too) */
    if (fl & 0x3000)
        _exit(5);                       /* IOPL granted */
    __asm__ volatile("cli");            /* must fault: SIGSEGV */
    _exit(6);
}

/* sigreturn (119) restores registers from a frame the user controls. Ask
 * for the kernel's code and data selectors and IOPL 3: the kernel must
 * keep user segments and drop IOPL, so landing() runs as a user and its
 * cli faults. */
static int forged_sigreturn(void)
{
    static uint32_t frame[32];
    uint32_t *sc = &frame[2];           /* after pretcode and sig */
    memset(frame, 0, sizeof(frame));
    sc[0] = 0x10;                       /* gs */
    sc[1] = 0x10;                       /* fs */
    sc[2] = 0x10;                       /* es */
    sc[3] = 0x10;                       /* ds */
    sc[7] = (uint32_t)(uintptr_t)(land_stack + sizeof(land_stack) - 12);   /* esp */
    sc[14] = (uint32_t)(uintptr_t)landing;                                 /* eip */
    sc[15] = 0x08;                      /* cs: the kernel's */
    sc[16] = 0x3202;                    /* eflags: IF, IOPL 3 */
    sc[18] = 0x10;                      /* ss: the kernel's */
    __asm__ volatile("movl %0, %%esp\n\t"
                     "movl $119, %%eax\n\t"
                     "int $0x80\n\t"
                     :: "r"(&frame[2]) : "eax", "memory");
    return 7;                           /* not reached */
}

static void test_forged_sigreturn(void)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(forged_sigreturn());
    int st = 0;
    waitpid(pid, &st, 0);
    T_OK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
         "sigreturn cannot grant kernel segments or IOPL (cli after it faults)");
    if (!WIFSIGNALED(st))
        printf("#   child exited %d (3: kernel cs, 4: kernel ds, 5: IOPL, 6: cli worked)\n",
               WEXITSTATUS(st));
    else if (WTERMSIG(st) != SIGSEGV)
        printf("#   child killed by signal %d\n", WTERMSIG(st));
}

/* ---- a TLS segment into the kernel -------------------------------------- */

static void test_tls_kernel(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        struct { uint32_t entry, base, limit, flags; } d = {
            (uint32_t)-1, 0xC0000000u, 0xFFFFF, 0x51 /* 32-bit, pages, useable */
        };
        if (syscall(SYS_set_thread_area, &d) != 0)
            _exit(2);                   /* refused outright: fine too */
        unsigned sel = d.entry * 8 + 3;
        unsigned v;
        __asm__ volatile("movl %1, %%gs\n\t"
                         "movl %%gs:0, %0\n\t"
                         : "=r"(v) : "r"(sel) : "memory");
        _exit(v == 0x12345678 ? 3 : 4);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    T_OK((WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV) || (WIFEXITED(st) && WEXITSTATUS(st) == 2),
         "reading kernel memory through a TLS segment based at 0xC0000000 faults");
    if (WIFEXITED(st) && WEXITSTATUS(st) != 2)
        printf("#   child read kernel memory (exit %d)\n", WEXITSTATUS(st));
}

/* ---- brk ------------------------------------------------------------------ */

static void test_brk(void)
{
    void *cur = sbrk(0);
    T_ERRNO(brk((void *)0xC0000000), ENOMEM, "brk(0xC0000000)");
    T_ERRNO(brk((void *)0xFFFFFFFF), ENOMEM, "brk(0xFFFFFFFF)");
    T_ERRNO(sbrk(-0x7fffffff), ENOMEM, "sbrk(-2 GiB)");
    T_OK(sbrk(0) == cur, "the break did not move");
    T_EQ(syscall(SYS_brk, 0xFFFFFFFF), (long)(uintptr_t)cur, "raw brk(0xFFFFFFFF) returns the old break");
    T_EQ(syscall(SYS_brk, 0x1000), (long)(uintptr_t)cur, "raw brk(0x1000) returns the old break");
    char *p = malloc(4096);
    T_OK(p != NULL, "malloc works after");
    if (p)
        memset(p, 7, 4096);
    free(p);
}

int main(void)
{
    t_begin("robust_syscalls");
    test_enosys();
    test_brk();
    test_forged_sigreturn();
    test_tls_kernel();
    test_fuzz();
    test_direction_flag();
    return t_end();
}
