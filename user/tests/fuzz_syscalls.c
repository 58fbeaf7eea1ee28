/*
 * fuzz_syscalls: seeded random system calls from a hostile unprivileged
 * user. The kernel must not panic, hang or leak, whatever the calls are.
 *
 * The parent (root) runs children one after the other; each child drops to
 * uid and gid 65534 in a session of its own, opens a few files, creates a
 * few shm segments, installs SA_SIGINFO handlers and makes up to
 * per_child random calls. A call is a system call numbered 0..450 or one
 * of agora's own (500-502), half of them drawn from the calls agora
 * implements, with six arguments from a pool: 0, -1, small integers, page
 * aligned and unaligned buffers (mapped and writable, read-only, at the
 * edge of a guard page), unmapped user and kernel addresses, huge sizes,
 * flag bits, live descriptors, shm ids, mapped addresses and pids, paths,
 * and a buffer refilled with such values for calls that take structures.
 * One step in six picks its arguments by type instead, on shm and the
 * memory map (shmat with SHM_REMAP over live attachments, IPC_RMID on live
 * ids, MAP_FIXED, munmap and mprotect around live mappings), so that
 * stateful sequences come up often. exit, exit_group, execve, sigreturn
 * and rt_sigreturn, which end the child (or nearly always kill it), are
 * drawn 8 times less often: they are not left out.
 * With forging on (-s 1, the default) one step in 24 is instead one of:
 * a signal (sent or caught from a fault) whose handler rewrites the saved
 * context (gs fs es ds cs ss, eflags bits, eip, esp, fpstate, mask);
 * set_thread_area with a random descriptor, then loads of gs and fs and a
 * system call; a raw sigreturn or rt_sigreturn on a garbage frame; random
 * eflags bits (TF, DF, AC, NT, ID) around a system call; an iret, int $n,
 * far call, port access or privileged instruction from user mode; a
 * garbage FPU state.
 *
 * A watchdog process (root) kills children: one that makes no call for
 * STALL_MS gets SIGALRM (it may wait in read or pause), then SIGKILL; none
 * lives more than CHILD_MS. After each child every process of uid 65534
 * (grandchildren from fork included) is killed, init reaps them, and their
 * shm segments are removed (IPC_RMID as root); then the free frames, the
 * kernel heap and the shm segments must be what they were before the
 * child: a difference is reported with the child's number and seed, and
 * the run fails. No call is left out: reboot and the like fail with EPERM
 * for uid 65534, exit just ends the child, blocking calls meet the
 * watchdog.
 *
 * Options, each also from the environment (init puts the kernel command
 * line's NAME=VALUE words there, so `make fuzz` sets them):
 *   -r SEED     FUZZ_SEED      the run's seed (child C uses a seed made from it and C)
 *   -n CALLS    FUZZ_CALLS     stop starting children after this many calls
 *   -k N        FUZZ_PER_CHILD calls per child
 *   -c C        FUZZ_FIRST     first child number (to replay from a child)
 *   -t SECONDS  FUZZ_SECONDS   stop starting children after this long (0: no limit)
 *   -s 0|1      FUZZ_FORGE     segment-register and signal-frame forging
 *   -v          FUZZ_VERBOSE=1 print every call before making it, one line
 *               each ("F pid seq call(args)"), for tools/fuzz.sh to show
 *               the last calls before a panic
 */
#include <agora_test.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <uapi/mman.h>

#define DEFAULT_CALLS 150000
#define DEFAULT_SECONDS 90              /* init gives a test 120 s */
#define DEFAULT_PER_CHILD 2000
#define STALL_MS 20                     /* no call for this long: poke, then kill */
#define CHILD_MS 5000                   /* no child lives longer */
#define GRANDCHILD_CALLS 64             /* a forked copy makes at most this many */
#define NOBODY 65534
#define LOG_FD 63                       /* verbose lines go here (close-on-exec) */
#define RING 128

static uint32_t opt_seed = 1;
static long opt_calls = DEFAULT_CALLS;
static int opt_per_child = DEFAULT_PER_CHILD;
static int opt_first;
static int opt_seconds = DEFAULT_SECONDS;
static int opt_forge = 1;
static int opt_verbose;

/* ---- shared state ----------------------------------------------------- */

/* The last calls of every process, and the count: attached by the parent
 * before any fork, so children (and theirs) share it. Root owns it with
 * mode 0600: a child cannot attach or remove it by id. */
struct call_rec {
    int32_t pid;
    uint32_t seq;
    int32_t nr;                         /* system call, or an OP_* below 0 */
    uint32_t a[6];
};

struct ring {
    uint32_t calls;                     /* calls started, all processes */
    struct call_rec rec[RING];
};

/* What the parent tells the watchdog. Detached in each child before it
 * drops privileges: no child can write a pid here for root to kill. */
struct control {
    int32_t child;                      /* the child being watched, 0 if none */
    uint32_t generation;                /* changes with each child */
    int32_t killed;                     /* generation the watchdog killed */
    int32_t quit;
    int32_t ready;                      /* the watchdog has run */
};

static struct ring *ring;
static struct control *ctl;
static int ring_id = -1, ctl_id = -1, foreign_id = -1;

/* ---- the child's state ------------------------------------------------ */

static uint32_t rng;
static int32_t mypid;
static uint32_t step, nsteps;           /* calls made, calls allowed */
static int faults;                      /* handler entries since the last step */

#define POOL 24
static uint32_t fds[POOL], shmids[POOL], addrs[POOL], pids[POOL];
static int nfds, nshmids, naddrs, npids;

static unsigned char buf[65536] __attribute__((aligned(4096)));     /* valid, writable */
static uint32_t sbuf[1024] __attribute__((aligned(4096)));          /* structures */
static unsigned char *edge;             /* a writable page before a PROT_NONE page */
static unsigned char *ropage;           /* a read-only page */
static char longpath[5000];

#define LAND_SIZE 16384
unsigned char fuzz_land_stack[LAND_SIZE] __attribute__((aligned(16)));
uint32_t fuzz_user_ds;
void fuzz_land(void);
void fuzz_land_c(void) __attribute__((noreturn, used));
static void run_steps(void) __attribute__((noreturn));
extern const unsigned char fuzz_int_table[];

/* Where forged contexts resume: a clean stack and the user data segment
 * (read through cs: ds itself may be the forged one), then the call loop
 * again, since all of its state is global. */
__asm__(".text\n"
        ".globl fuzz_land\n"
        "fuzz_land:\n"
        "  movl %cs:fuzz_user_ds, %eax\n"
        "  movl %eax, %ss\n"
        "  movl $fuzz_land_stack + 16384 - 16, %esp\n"
        "  movl %eax, %ds\n"
        "  movl %eax, %es\n"
        "  call fuzz_land_c\n"
        "  ud2\n"
        /* int $n; ret for every n, 8 bytes apart. */
        ".balign 8\n"
        "fuzz_int_table:\n"
        ".set fuzz_vec, 0\n"
        ".rept 256\n"
        "  .balign 8\n"
        "  .byte 0xcd, fuzz_vec\n"
        "  ret\n"
        "  .set fuzz_vec, fuzz_vec + 1\n"
        ".endr\n");

static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static uint32_t pick(const uint32_t *v, int n) { return v[next() % (uint32_t)n]; }
#define PICK(arr) pick((arr), (int)(sizeof(arr) / sizeof((arr)[0])))

static uint32_t mix(uint32_t seed, uint32_t child)
{
    uint32_t x = seed * 0x9e3779b9u ^ (child + 1) * 0x85ebca6bu;
    x ^= x >> 16;
    x *= 0x7feb352du;
    x ^= x >> 15;
    return x ? x : 1;
}

/* int $0x80 with all six arguments (ebp carries the sixth). */
static long raw6(long nr, uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3,
                 uint32_t a4, uint32_t a5)
{
    uint32_t blk[2] = { (uint32_t)nr, a5 };
    long ret;
    __asm__ volatile("pushl %%ebp\n\t"
                     "movl 4(%%eax), %%ebp\n\t"
                     "movl 0(%%eax), %%eax\n\t"
                     "int $0x80\n\t"
                     "popl %%ebp"
                     : "=a"(ret)
                     : "a"(blk), "b"(a0), "c"(a1), "d"(a2), "S"(a3), "D"(a4)
                     : "memory", "cc");
    return ret;
}

static int is_err(long r) { return (unsigned long)r >= (unsigned long)-4095; }

static void add(uint32_t *pool, int *n, uint32_t v)
{
    if (*n < POOL)
        pool[(*n)++] = v;
    else
        pool[next() % POOL] = v;
}

/* ---- names and logging ------------------------------------------------ */

#define C(name) { __NR_##name, #name }
static const struct { int nr; const char *name; } known[] = {
    C(exit), C(fork), C(vfork), C(read), C(write), C(open), C(close), C(waitpid),
    C(execve), C(chdir), C(time), C(lseek), C(getpid), C(setuid), C(getuid),
    C(pause), C(access), C(kill), C(dup), C(brk), C(munmap), C(mprotect), C(mmap),
    C(mmap2), C(setgid), C(getgid), C(signal), C(geteuid), C(getegid), C(ioctl),
    C(umask), C(dup2), C(getppid), C(getpgrp), C(setpgid), C(getpgid), C(setsid),
    C(getsid), C(setreuid), C(setregid), C(gettimeofday), C(getgroups), C(setgroups),
    C(reboot), C(stat), C(lstat), C(fstat), C(wait4), C(sysinfo), C(sigreturn),
    C(uname), C(sigprocmask), C(_llseek), C(readv), C(writev), C(sched_yield),
    C(nanosleep), C(setresuid), C(getresuid), C(setresgid), C(getresgid),
    C(rt_sigreturn), C(rt_sigaction), C(rt_sigprocmask), C(rt_sigpending),
    C(rt_sigsuspend), C(getcwd), C(stat64), C(lstat64), C(fstat64), C(getuid32),
    C(getgid32), C(geteuid32), C(getegid32), C(setreuid32), C(setregid32),
    C(getgroups32), C(setgroups32), C(setresuid32), C(getresuid32), C(setresgid32),
    C(getresgid32), C(setuid32), C(setgid32), C(getdents64), C(fcntl64), C(gettid),
    C(set_thread_area), C(exit_group), C(set_tid_address), C(clock_gettime),
    C(clock_getres), C(tgkill), C(shmget), C(shmctl), C(shmat), C(shmdt),
    C(clock_gettime64), C(clock_nanosleep_time64),
    /* not in agora yet, likely soon: limits, fcntl, pipes, clone, signals */
    C(fcntl), C(pipe), C(pipe2), C(clone), C(getrlimit), C(setrlimit), C(ugetrlimit),
    C(prlimit64), C(getrusage), C(times), C(alarm), C(setitimer), C(getitimer),
    C(sigaltstack), C(sigaction), C(sigsuspend), C(sigpending), C(tkill),
    C(rt_sigtimedwait), C(rt_sigqueueinfo), C(clock_nanosleep), C(mremap), C(madvise),
    C(get_thread_area), C(modify_ldt), C(iopl), C(ioperm), C(vm86), C(vm86old),
    C(ipc), C(poll), C(_newselect), C(pread64), C(pwrite64), C(openat), C(dup3),
    C(getdents), C(readlink), C(futex), C(prctl), C(personality), C(getrandom),
    C(waitid), C(set_robust_list), C(get_robust_list), C(rseq), C(sched_getaffinity),
    C(sched_setaffinity), C(getpriority), C(setpriority), C(clone3), C(restart_syscall),
    C(sched_getscheduler), C(sched_getparam),
    { 500, "agora_meminfo" }, { 501, "agora_vmmap" }, { 502, "agora_pageinfo" },
};
#define NKNOWN ((int)(sizeof(known) / sizeof(known[0])))

/* Pseudo numbers for the steps that are not plain system calls. */
enum { OP_SIGFORGE = -1, OP_FAULT = -2, OP_TLS = -3, OP_SIGRETURN = -4, OP_EFLAGS = -5,
       OP_FPU = -6 };

static const char *call_name(int nr, char *tmp)
{
    for (int i = 0; i < NKNOWN; i++)
        if (known[i].nr == nr)
            return known[i].name;
    switch (nr) {
    case OP_SIGFORGE: return "sigforge";
    case OP_FAULT: return "fault";
    case OP_TLS: return "tls";
    case OP_SIGRETURN: return "forged_sigreturn";
    case OP_EFLAGS: return "eflags";
    case OP_FPU: return "fpu";
    }
    snprintf(tmp, 16, "sys%d", nr);
    return tmp;
}

/* The verbose line goes to LOG_FD; if a random call took that descriptor
 * away, open the terminal again (/dev/tty is 0666). */
static void log_line(const char *line, int n)
{
    if (raw6(SYS_write, LOG_FD, (uint32_t)(uintptr_t)line, (uint32_t)n, 0, 0, 0) == n)
        return;
    long fd = raw6(SYS_open, (uint32_t)(uintptr_t)"/dev/tty", O_WRONLY | O_CLOEXEC, 0, 0, 0, 0);
    if (is_err(fd))
        return;
    if (fd != LOG_FD) {
        raw6(SYS_dup2, (uint32_t)fd, LOG_FD, 0, 0, 0, 0);
        raw6(SYS_close, (uint32_t)fd, 0, 0, 0, 0, 0);
    }
    raw6(SYS_fcntl64, LOG_FD, F_SETFD, FD_CLOEXEC, 0, 0, 0);
    raw6(SYS_write, LOG_FD, (uint32_t)(uintptr_t)line, (uint32_t)n, 0, 0, 0);
}

/* Note a step in the ring (and on the console in verbose mode) before
 * making it. extra: a description for the pseudo steps, or NULL. */
static void record(int nr, const uint32_t a[6], const char *extra)
{
    uint32_t seq = __atomic_fetch_add(&ring->calls, 1, __ATOMIC_RELAXED);
    struct call_rec *r = &ring->rec[seq % RING];
    r->pid = mypid;
    r->seq = seq;
    r->nr = nr;
    for (int i = 0; i < 6; i++)
        r->a[i] = a ? a[i] : 0;
    if (!opt_verbose)
        return;
    char line[240], tmp[16];
    int n;
    if (extra)
        n = snprintf(line, sizeof(line), "F %d %u %s %s\n", (int)mypid, seq,
                     call_name(nr, tmp), extra);
    else
        n = snprintf(line, sizeof(line), "F %d %u %s(%#x, %#x, %#x, %#x, %#x, %#x)\n",
                     (int)mypid, seq, call_name(nr, tmp), a[0], a[1], a[2], a[3], a[4], a[5]);
    if (n > (int)sizeof(line) - 1)
        n = (int)sizeof(line) - 1;
    log_line(line, n);
}

/* ---- the argument pool ------------------------------------------------ */

static const char *const paths[] = {
    "/", "/etc/passwd", "/etc", "/dev/tty", "/dev/console", "/bin/true", "/bin/sh",
    "/testdata/not-elf", "/testdata/truncated-elf", "/testdata/elf64",
    "/testdata/kernel-elf", "/nonexistent", "", ".", "..", "/etc/passwd/x",
    "//etc///passwd", "/dev", "/tests",
};

static const uint32_t selectors[] = {
    0, 3, 0x08, 0x0b, 0x10, 0x13, 0x1b, 0x23, 0x28, 0x2b, 0x33, 0x33, 0x33, 0x38,
    0x3b, 0x43, 0x4b, 0x73, 0x7b, 0x07, 0x0f, 0xfffc, 0xffff, 0x1f, 0x27,
};

static uint32_t selector(void)
{
    return next() % 8 ? PICK(selectors) : (next() & 0xffff);
}

static uint32_t arg(void)
{
    static const uint32_t huge[] = {
        0x7fffffff, 0x80000000, 0xffffffff, 0xfffff000, 0x7ffff000, 0x10000000,
        0x40000000, 0xc0000000, 0x3fffffff, 0x00100000, 0x01000000, 0xbffff000,
    };
    static const uint32_t unmapped[] = {
        0x1000, 0x10000, 0x400000, 0x7fff0000, 0x40000000, 0x80000000, 0xbffff000,
        0xbfffffff, 0xbffffffc, 0x00000004, 0x0000fff0, 0x20000000,
    };
    switch (next() % 26) {
    case 0: return 0;
    case 1: return (uint32_t)-1;
    case 2: return next() % 70;
    case 3: return 1 + next() % 4;
    case 4: return next();
    case 5: return (uint32_t)(uintptr_t)buf + 4096 * (next() % 16);
    case 6: return (uint32_t)(uintptr_t)buf + next() % sizeof(buf);
    case 7: return (uint32_t)(uintptr_t)sbuf + 4 * (next() % 8);
    case 8: {
        static const uint32_t k[] = { 0xc0000000, 0xc0100000, 0xc0001000, 0xfffff000,
                                      0xffffffff, 0xfffffffc, 0xe0000000, 0xc03ffffc };
        return next() % 3 ? PICK(k) : 0xc0000000u + (next() & 0x3fffffff);
    }
    case 9: return PICK(unmapped);
    case 10: return PICK(huge);
    case 11: {
        static const uint32_t s[] = { 4096, 4095, 4097, 8192, 12288, 65536, 1 << 20,
                                      16, 64, 512, 2048, 3 };
        return PICK(s);
    }
    case 12: return nfds ? pick(fds, nfds) : next() % 64;
    case 13: return nshmids ? pick(shmids, nshmids) : next() % 32;
    case 14: return naddrs ? pick(addrs, naddrs) + (next() % 4 ? 0 : next() % 8192) : 0;
    case 15: {
        uint32_t r = next() % 24;
        if (r < 19)
            return (uint32_t)(uintptr_t)paths[r];
        if (r < 21)
            return (uint32_t)(uintptr_t)longpath;
        return (uint32_t)(uintptr_t)edge + 4096 - 1 - next() % 8;   /* no NUL before the guard */
    }
    case 16: {
        uint32_t r = next() % 8;
        if (r < 3 && npids)
            return pick(pids, npids);
        static const uint32_t p[] = { 0, 1, (uint32_t)-1, 0x7fffffff, 0x80000000, 2, 3 };
        return r < 6 ? PICK(p) : (uint32_t)-(int32_t)(npids ? pick(pids, npids) : 1);
    }
    case 17: return next() % 66;
    case 18: return 1u << (next() % 32);
    case 19: return (1u << (next() % 32)) | (1u << (next() % 32)) | (next() % 8);
    case 20: return (uint32_t)-(int32_t)(1 + next() % 4096);
    case 21: return (uint32_t)(uintptr_t)edge + 4096 - 4 * (1 + next() % 8);  /* straddles the guard */
    case 22: return (uint32_t)(uintptr_t)ropage + next() % 64;
    case 23: return next() % 8 ? selector() : (uint32_t)(uintptr_t)&arg;       /* text */
    case 24: return (uint32_t)(uintptr_t)sbuf;
    default: {
        /* a stack address, rarely: the kernel may write there */
        uint32_t here = (uint32_t)(uintptr_t)__builtin_frame_address(0);
        return next() % 4 ? (uint32_t)(uintptr_t)buf + 4096 * (next() % 16) : here - 4096;
    }
    }
}

/* Refill the start of the structure buffer with pool values: iovecs,
 * timespecs, sigactions, user_descs and the like get interesting fields. */
static void refill(void)
{
    int n = 4 + (int)(next() % 28);
    for (int i = 0; i < n; i++)
        sbuf[next() % 32] = arg();
}

/* ---- the steps -------------------------------------------------------- */

/* Calls that end the child or replace it: drawn 8 times less often from
 * the known list, so a child lives long enough to build up state. */
static int ends_child(int nr)
{
    return nr == __NR_exit || nr == __NR_exit_group || nr == __NR_execve ||
           nr == __NR_sigreturn || nr == __NR_rt_sigreturn;
}

static int pick_nr1(void)
{
    uint32_t r = next() % 100;
    if (r < 50)
        return known[next() % NKNOWN].nr;
    if (r < 97)
        return (int)(next() % 451);
    if (r < 99)
        return 500 + (int)(next() % 3);
    return (int)arg();                  /* beyond the table */
}

static int pick_nr(void)
{
    int nr = pick_nr1();
    return ends_child(nr) && next() % 8 ? pick_nr1() : nr;
}

static void note_result(int nr, const uint32_t a[6], long ret)
{
    if (is_err(ret))
        return;
    switch (nr) {
    case __NR_open: case __NR_dup: case __NR_dup2: case __NR_fcntl64: case __NR_fcntl:
    case __NR_openat: case __NR_dup3:
        if (ret >= 0 && ret < 64 && ret != LOG_FD)
            add(fds, &nfds, (uint32_t)ret);
        break;
    case __NR_shmget:
        add(shmids, &nshmids, (uint32_t)ret);
        break;
    case __NR_shmat: case __NR_mmap: case __NR_mmap2: case __NR_mremap:
        /* not brk: the break lies just past our own variables */
        add(addrs, &naddrs, (uint32_t)ret);
        break;
    case __NR_fork: case __NR_vfork: case __NR_clone:
        if (ret > 0) {
            add(pids, &npids, (uint32_t)ret);
        } else {                        /* the new process: a short life */
            mypid = (int32_t)raw6(SYS_getpid, 0, 0, 0, 0, 0, 0);
            rng ^= (uint32_t)mypid * 0x9e3779b9u;
            next();
            if (nsteps > step + GRANDCHILD_CALLS)
                nsteps = step + GRANDCHILD_CALLS;
        }
        break;
    }
    (void)a;
}

static void do_syscall(void)
{
    int nr = pick_nr();
    uint32_t a[6];
    refill();
    for (int i = 0; i < 6; i++)
        a[i] = arg();
    record(nr, a, NULL);
    long ret = raw6(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
    note_result(nr, a, ret);
}

/* A page-multiple size, mostly small. */
static uint32_t pages(void)
{
    uint32_t r = next() % 8;
    return r < 5 ? 4096 * (1 + next() % 4) : r < 7 ? 4096 * (1 + next() % 64) : arg();
}

/* A mapping or attachment of the child's own (or near one), for calls on
 * the memory map. */
static uint32_t live_addr(void)
{
    uint32_t base = naddrs ? pick(addrs, naddrs) : (uint32_t)(uintptr_t)edge;
    uint32_t r = next() % 8;
    if (r < 5)
        return base;
    if (r < 7)
        return base + 4096 * (next() % 4) - (next() % 2 ? 4096 : 0);
    return base + 1 + next() % 4095;
}

/* A call with typed arguments on shared memory or the memory map, so that
 * sequences such as attach, IPC_RMID, then shmat SHM_REMAP over the
 * attachment, or MAP_FIXED over a segment, come up often. */
static void typed_step(void)
{
    static const uint32_t shmat_flags[] = {
        0, 0, SHM_RDONLY, SHM_RND, SHM_REMAP, SHM_REMAP, SHM_REMAP | SHM_RDONLY,
        SHM_REMAP | SHM_RND, SHM_EXEC, 0x7fff,
    };
    static const uint32_t shmctl_cmds[] = {
        IPC_RMID, IPC_RMID, IPC_STAT, IPC_SET, IPC_INFO, SHM_INFO, SHM_STAT, SHM_STAT_ANY,
        SHM_LOCK, SHM_UNLOCK, IPC_STAT | IPC_64, IPC_RMID | IPC_64, 16,
    };
    static const uint32_t map_flags[] = {
        MAP_PRIVATE | MAP_ANONYMOUS, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
        MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, MAP_SHARED | MAP_ANONYMOUS,
        MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN,
        MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, MAP_PRIVATE, 0,
    };
    uint32_t a[6] = { 0, 0, 0, 0, 0, 0 };
    int nr;
    refill();
    switch (next() % 10) {
    case 0:
        nr = __NR_shmget;
        a[0] = next() % 2 ? IPC_PRIVATE : 0x7a000000u | (next() % 8);
        a[1] = next() % 4 ? pages() : arg();
        a[2] = (next() % 2 ? IPC_CREAT : 0) | (next() % 4 ? 0 : IPC_EXCL) |
               (next() % 2 ? 0600 : 0666) | (next() % 8 ? 0 : next());
        break;
    case 1: case 2:
        nr = __NR_shmat;
        a[0] = nshmids ? pick(shmids, nshmids) : arg();
        a[1] = next() % 3 == 0 ? 0 : live_addr();
        a[2] = PICK(shmat_flags);
        break;
    case 3:
        nr = __NR_shmdt;
        a[0] = live_addr();
        break;
    case 4:
        nr = __NR_shmctl;
        a[0] = nshmids ? pick(shmids, nshmids) : next() % 8;
        a[1] = PICK(shmctl_cmds);
        a[2] = next() % 4 ? (uint32_t)(uintptr_t)sbuf : arg();
        break;
    case 5:
        nr = __NR_mmap2;
        a[0] = next() % 3 == 0 ? 0 : live_addr();
        a[1] = pages();
        a[2] = next() % 8;
        a[3] = PICK(map_flags);
        a[4] = next() % 4 ? (uint32_t)-1 : arg();
        a[5] = next() % 4 ? 0 : arg();
        break;
    case 6:
        nr = __NR_munmap;
        a[0] = live_addr();
        a[1] = pages();
        break;
    case 7:
        nr = __NR_mprotect;
        a[0] = live_addr();
        a[1] = pages();
        a[2] = next() % 8 | (next() % 8 ? 0 : 1u << (next() % 32));
        break;
    case 8: {
        static const uint32_t rw[] = { __NR_read, __NR_write, __NR_readv, __NR_writev,
                                       __NR_getdents64, __NR_ioctl, __NR_fstat64, __NR__llseek };
        nr = (int)PICK(rw);
        a[0] = nfds ? pick(fds, nfds) : next() % 8;
        a[1] = next() % 2 ? live_addr() : arg();
        a[2] = next() % 2 ? next() % 8192 : arg();
        a[3] = arg();
        break;
    }
    default: {
        static const uint32_t handled[] = { SIGUSR1, SIGUSR2, SIGALRM, SIGCHLD, SIGTRAP, 40 };
        nr = __NR_kill;
        a[0] = npids ? pick(pids, npids) : 0;
        a[1] = next() % 4 ? PICK(handled) : next() % 65;
        break;
    }
    }
    record(nr, a, NULL);
    long ret = raw6(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
    note_result(nr, a, ret);
}

/* Rewrite the interrupted context in a handler's ucontext. */
static void forge_context(struct sigcontext_i386 *mc, int sig)
{
    static const uint32_t flag_bits[] = {
        0x100 /* TF */, 0x400 /* DF */, 0x40000 /* AC */, 0x4000 /* NT */,
        0x3000 /* IOPL */, 0x20000 /* VM */, 0x10000 /* RF */, 0x200 /* IF */,
        0x200000 /* ID */, 0x80000 /* VIF */, 0x100000 /* VIP */, 0x2 /* reserved 1 */,
        0x8 /* reserved */, 0xffc00000 /* reserved high */,
    };
    uint16_t *segs[6] = { &mc->gs, &mc->fs, &mc->es, &mc->ds, &mc->cs, &mc->ss };
    for (int i = 0; i < 6; i++)
        if (next() % 3 == 0)
            *segs[i] = (uint16_t)selector();
    if (next() % 2) {
        int k = 1 + (int)(next() % 3);
        while (k--)
            mc->eflags ^= PICK(flag_bits);
    } else if (next() % 8 == 0) {
        mc->eflags = next();
    }
    uint32_t r = next() % 16;
    if (r < 4) {
        mc->eip = (uint32_t)(uintptr_t)fuzz_land;
        mc->esp = next() % 4 ? (uint32_t)(uintptr_t)fuzz_land_stack + LAND_SIZE - 16 : arg();
        mc->eax = arg();
        mc->ebx = arg();
        mc->ebp = arg();
    } else if (r == 4) {
        mc->eip = arg();                /* garbage: the child will likely die */
    } else if (r == 5) {
        mc->esp = arg();
    }
    if (next() % 8 == 0)
        mc->fpstate = next() % 2 ? arg() : (uint32_t)(uintptr_t)buf + next() % 4096;
    if (next() % 8 == 0)
        mc->oldmask = next();
    char extra[200];
    extra[0] = 0;
    if (opt_verbose)
        snprintf(extra, sizeof(extra), "sig %d gs %#x fs %#x es %#x ds %#x cs %#x ss %#x "
                 "eflags %#x eip %#x esp %#x fpstate %#x", sig, mc->gs, mc->fs, mc->es,
                 mc->ds, mc->cs, mc->ss, mc->eflags, mc->eip, mc->esp, mc->fpstate);
    uint32_t a[6] = { (uint32_t)mc->gs << 16 | mc->fs, (uint32_t)mc->es << 16 | mc->ds,
                      (uint32_t)mc->cs << 16 | mc->ss, mc->eflags, mc->eip, (uint32_t)sig };
    record(OP_SIGFORGE, a, extra);
}

static void on_signal(int sig, siginfo_t *si, void *ucv)
{
    struct ucontext_i386 *uc = ucv;
    struct sigcontext_i386 *mc = &uc->uc_mcontext;
    if (++faults > 16)
        raw6(SYS_exit, 0x40, 0, 0, 0, 0, 0);        /* a fault loop: give up */
    /* A fault would come back to the same instruction: go on elsewhere. */
    int fault = (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE) &&
                si->si_code > 0;        /* not kill() (SI_USER) or tkill */
    if (fault) {
        mc->eip = (uint32_t)(uintptr_t)fuzz_land;
        mc->esp = (uint32_t)(uintptr_t)fuzz_land_stack + LAND_SIZE - 16;
    }
    if (next() % 8)
        mc->eflags &= ~0x100u;          /* mostly end single-stepping */
    if (opt_forge && next() % 2)
        forge_context(mc, sig);
}

void fuzz_land_c(void)
{
    run_steps();
}

static void fault_step(void)
{
    uint32_t kind = next() % 18;
    uint32_t v = next();
    uint32_t a[6] = { kind, v, 0, 0, 0, 0 };
    static const char *const names[] = {
        "null write", "text write", "kernel read", "ud2", "int3", "divide by zero",
        "int $n", "hlt", "cli", "port io", "bad ds around a call", "iret",
        "jump to garbage", "garbage esp", "kill self", "single step", "far call",
        "sysenter",
    };
    char extra[80];
    extra[0] = 0;
    if (opt_verbose)
        snprintf(extra, sizeof(extra), "%s (%#x)", names[kind], kind == 6 ? v & 0xff : v);
    record(OP_FAULT, a, extra);
    switch (kind) {
    case 0: *(volatile uint32_t *)(uintptr_t)(v % 4096) = v; break;
    case 1: *(volatile uint32_t *)(uintptr_t)&arg = v; break;
    case 2: (void)*(volatile uint32_t *)(uintptr_t)(0xc0000000u + (v & 0x3ffffffc)); break;
    case 3: __asm__ volatile("ud2"); break;
    case 4: __asm__ volatile("int3"); break;
    case 5: {
        uint32_t z = v & 0;
        __asm__ volatile("divl %2" : "+a"(v), "+d"(z) : "r"(z) : "cc");
        break;
    }
    case 6: {
        long r;
        const void *f = fuzz_int_table + 8 * (v & 0xff);
        __asm__ volatile("call *%1" : "=a"(r) : "r"(f), "a"(__NR_getpid)
                         : "ecx", "edx", "memory", "cc");
        break;
    }
    case 7: __asm__ volatile("hlt"); break;
    case 8: __asm__ volatile("cli"); break;
    case 9:
        if (v & 1)
            __asm__ volatile("outb %%al, %%dx" :: "a"(v), "d"(v & 1 ? 0xf4 : 0x80));
        else
            __asm__ volatile("inb %%dx, %%al" : "+a"(v) : "d"(0x60));
        break;
    case 10: {
        uint32_t sel = selector();
        long r;
        __asm__ volatile("pushl %%ds\n\t"
                         "pushl %%es\n\t"
                         "movl %1, %%ds\n\t"
                         "movl %1, %%es\n\t"
                         "int $0x80\n\t"
                         "popl %%es\n\t"
                         "popl %%ds"
                         : "=a"(r) : "r"(sel), "a"(__NR_getpid) : "memory", "cc");
        break;
    }
    case 11: {
        static uint32_t frs[8];
        uint32_t *fr = &frs[3];         /* pushfl below it stays in frs */
        fr[0] = (uint32_t)(uintptr_t)fuzz_land;
        fr[1] = next() % 2 ? 0x1b : selector();
        fr[2] = next() % 2 ? 0x202 : next();
        fr[3] = (uint32_t)(uintptr_t)fuzz_land_stack + LAND_SIZE - 16;
        fr[4] = selector();
        uint32_t nt = (next() % 4 == 0) ? 0x4000 : 0;
        __asm__ volatile("movl %0, %%esp\n\t"
                         "pushfl\n\t"
                         "orl %1, (%%esp)\n\t"
                         "popfl\n\t"
                         "iret" :: "r"(fr), "r"(nt) : "memory");
        break;
    }
    case 12: ((void (*)(void))(uintptr_t)arg())(); break;
    case 13:
        __asm__ volatile("movl %0, %%esp\n\t"
                         "pushl $0\n\t"
                         "ud2" :: "r"(arg()) : "memory");
        break;
    case 14: {
        static const uint32_t handled[] = { SIGUSR1, SIGUSR2, SIGALRM, SIGSEGV, SIGILL,
                                            SIGTRAP, SIGFPE, SIGBUS };
        raw6(SYS_kill, (uint32_t)mypid, next() % 3 ? PICK(handled) : next() % 65, 0, 0, 0, 0);
        break;
    }
    case 15:
        __asm__ volatile("pushfl\n\t"
                         "orl $0x100, (%%esp)\n\t"
                         "popfl\n\t"
                         "nop\n\t"
                         "nop\n\t"
                         "pushfl\n\t"
                         "andl $~0x100, (%%esp)\n\t"
                         "popfl" ::: "memory", "cc");
        break;
    case 16: {
        uint32_t far[2] = { 0, selector() };
        if (v & 1)
            __asm__ volatile("lcall *%0" :: "m"(far) : "memory");
        else
            __asm__ volatile("ljmp *%0" :: "m"(far) : "memory");
        break;
    }
    case 17:
        if (v & 1)
            __asm__ volatile("sysenter" ::: "memory");
        else
            __asm__ volatile(".byte 0x0f, 0x05" ::: "memory");     /* syscall */
        break;
    }
}

struct user_desc_i386 {
    uint32_t entry_number, base_addr, limit, flags;
};

static void tls_step(void)
{
    static struct user_desc_i386 d;
    static const uint32_t entries[] = { 6, 6, 6, (uint32_t)-1, (uint32_t)-1, 7, 5, 0, 12, 0x80000006 };
    d.entry_number = PICK(entries);
    d.base_addr = next() % 2 ? (uint32_t)(uintptr_t)buf : arg();
    d.limit = next() % 2 ? 0xfffff : (next() % 2 ? next() & 0xfffff : next());
    d.flags = next() % 4 ? next() & 0x7f : next();
    uint32_t how = next();
    uint32_t sel = next() % 2 ? 0x33 : selector();
    uint32_t a[6] = { d.entry_number, d.base_addr, d.limit, d.flags, sel, how };
    char extra[160];
    extra[0] = 0;
    if (opt_verbose)
        snprintf(extra, sizeof(extra), "entry %d base %#x limit %#x flags %#x then %s%s%s%s sel %#x",
                 (int)d.entry_number, d.base_addr, d.limit, d.flags,
                 how & 1 ? "gs " : "", how & 2 ? "fs " : "", how & 4 ? "read " : "",
                 how & 8 ? "call" : "", sel);
    record(OP_TLS, a, extra);
    raw6(SYS_set_thread_area, next() % 16 ? (uint32_t)(uintptr_t)&d : arg(), 0, 0, 0, 0, 0);
    if (how & 1)
        __asm__ volatile("movl %0, %%gs" :: "r"(sel));
    if (how & 2)
        __asm__ volatile("movl %0, %%fs" :: "r"(sel));
    if (how & 4) {
        uint32_t x;
        __asm__ volatile("movl %%gs:0, %0" : "=r"(x) :: "memory");
    }
    if (how & 8)
        raw6(SYS_getpid, 0, 0, 0, 0, 0, 0);
    if (how & 16) {                     /* change the descriptor under a loaded gs */
        d.entry_number = 6;
        d.flags = next() & 0x7f;
        raw6(SYS_set_thread_area, (uint32_t)(uintptr_t)&d, 0, 0, 0, 0, 0);
    }
}

/* sigreturn (119) reads a struct sigframe at esp - 8, rt_sigreturn (173) a
 * struct rt_sigframe at esp - 4; the register context is at word 2 of the
 * first and word 41 of the second (after pretcode, sig, pinfo, puc, the
 * 128-byte siginfo and uc_flags, uc_link, uc_stack). */
static void sigreturn_step(void)
{
    static uint32_t frame[1024] __attribute__((aligned(16)));
    int rt = (int)(next() % 2);
    int ctx = rt ? 41 : 2;
    for (int i = 0; i < 128; i++)
        frame[i] = next() % 2 ? arg() : next();
    struct sigcontext_i386 *sc = (struct sigcontext_i386 *)&frame[ctx];
    if (next() % 4) {                   /* plausible: resume at the landing */
        sc->gs = (uint16_t)selector();
        sc->fs = (uint16_t)selector();
        sc->es = (uint16_t)(next() % 2 ? 0x23 : selector());
        sc->ds = (uint16_t)(next() % 2 ? 0x23 : selector());
        sc->cs = (uint16_t)(next() % 2 ? 0x1b : selector());
        sc->ss = (uint16_t)(next() % 2 ? 0x23 : selector());
        sc->eip = (uint32_t)(uintptr_t)fuzz_land;
        sc->esp = (uint32_t)(uintptr_t)fuzz_land_stack + LAND_SIZE - 16;
        sc->eflags = 0x202 ^ (next() % 2 ? (1u << (next() % 22)) : 0);
        sc->fpstate = next() % 2 ? 0 : (next() % 2 ? (uint32_t)(uintptr_t)buf : arg());
    }
    uint32_t a[6] = { (uint32_t)rt, (uint32_t)sc->gs << 16 | sc->fs,
                      (uint32_t)sc->es << 16 | sc->ds, (uint32_t)sc->cs << 16 | sc->ss,
                      sc->eflags, sc->eip };
    char extra[200];
    extra[0] = 0;
    if (opt_verbose)
        snprintf(extra, sizeof(extra), "%s gs %#x fs %#x es %#x ds %#x cs %#x ss %#x "
                 "eflags %#x eip %#x esp %#x fpstate %#x", rt ? "rt_sigreturn" : "sigreturn",
                 sc->gs, sc->fs, sc->es, sc->ds, sc->cs, sc->ss, sc->eflags, sc->eip,
                 sc->esp, sc->fpstate);
    record(OP_SIGRETURN, a, extra);
    __asm__ volatile("movl %0, %%esp\n\t"
                     "int $0x80\n\t"
                     "ud2"
                     :: "r"(&frame[rt ? 1 : 2]), "a"(rt ? __NR_rt_sigreturn : __NR_sigreturn)
                     : "memory");
}

/* Random flags (the ones user code can set) around a system call. */
static void eflags_step(void)
{
    static const uint32_t bits[] = { 0x100, 0x400, 0x40000, 0x4000, 0x200000, 0x1, 0x800 };
    uint32_t set = PICK(bits) | (next() % 2 ? PICK(bits) : 0);
    int nr = pick_nr();
    uint32_t a[6];
    refill();
    for (int i = 0; i < 6; i++)
        a[i] = arg();
    char extra[160];
    extra[0] = 0;
    if (opt_verbose)
        snprintf(extra, sizeof(extra), "%#x then %d(%#x, %#x, %#x, %#x, %#x, %#x)", set, nr,
                 a[0], a[1], a[2], a[3], a[4], a[5]);
    uint32_t r[6] = { set, (uint32_t)nr, a[0], a[1], a[2], a[3] };
    record(OP_EFLAGS, r, extra);
    uint32_t blk[3] = { (uint32_t)nr, a[5], set };
    long ret;
    __asm__ volatile("pushfl\n\t"
                     "pushl %%ebp\n\t"
                     "pushfl\n\t"
                     "movl 8(%%eax), %%ebp\n\t"
                     "orl %%ebp, (%%esp)\n\t"
                     "movl 4(%%eax), %%ebp\n\t"
                     "movl 0(%%eax), %%eax\n\t"
                     "popfl\n\t"
                     "int $0x80\n\t"
                     "popl %%ebp\n\t"
                     "popfl"
                     : "=a"(ret)
                     : "a"(blk), "b"(a[0]), "c"(a[1]), "d"(a[2]), "S"(a[3]), "D"(a[4])
                     : "memory", "cc");
    note_result(nr, a, ret);
}

/* A garbage FPU state: random control word, unmasked exceptions, a
 * pending exception, or fxrstor of garbage; then a call that switches. */
static void fpu_step(void)
{
    static uint8_t area[512] __attribute__((aligned(16)));
    uint32_t kind = next() % 4, v = next();
    uint32_t a[6] = { kind, v, 0, 0, 0, 0 };
    record(OP_FPU, a, opt_verbose ? (kind == 0 ? "fldcw" : kind == 1 ? "pending divide by zero" :
                                     kind == 2 ? "fxrstor garbage" : "ldmxcsr") : NULL);
    switch (kind) {
    case 0: {
        uint16_t cw = (uint16_t)v;
        __asm__ volatile("fldcw %0" :: "m"(cw));
        break;
    }
    case 1: {
        uint16_t cw = 0x0360;           /* every exception unmasked */
        __asm__ volatile("fninit\n\t"
                         "fldcw %0\n\t"
                         "fldz\n\t"
                         "fld1\n\t"
                         "fdivp\n\t" :: "m"(cw));
        break;
    }
    case 2:
        for (int i = 0; i < 512; i += 4)
            *(uint32_t *)&area[i] = next() % 4 ? next() : 0;
        __asm__ volatile("fxrstor %0" :: "m"(area));
        break;
    case 3: {
        uint32_t m = v;
        __asm__ volatile("ldmxcsr %0" :: "m"(m));
        break;
    }
    }
    raw6(SYS_sched_yield, 0, 0, 0, 0, 0, 0);
    __asm__ volatile("fwait");
}

static void run_steps(void)
{
    while (step < nsteps) {
        step++;
        faults = 0;
        if (opt_forge && next() % 24 == 0) {
            switch (next() % 6) {
            case 0: case 1: fault_step(); break;
            case 2: tls_step(); break;
            case 3: sigreturn_step(); break;
            case 4: eflags_step(); break;
            case 5: fpu_step(); break;
            }
        } else if (next() % 6 == 0) {
            typed_step();
        } else {
            do_syscall();
        }
    }
    raw6(SYS_exit, 0, 0, 0, 0, 0, 0);
    __builtin_unreachable();
}

/* ---- the child -------------------------------------------------------- */

static void child_setup_memory(void)
{
    for (size_t i = 0; i < sizeof(buf); i += 4)
        *(uint32_t *)&buf[i] = next();
    memset(longpath, 'a', sizeof(longpath) - 1);
    longpath[0] = '/';
    edge = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (edge == MAP_FAILED)
        edge = buf;
    else
        mprotect(edge + 4096, 4096, PROT_NONE);
    memset(edge, 'b', 4096);
    ropage = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (ropage == MAP_FAILED)
        ropage = (unsigned char *)&arg;
    /* Mappings of our own, away from our variables: typed steps unmap,
     * remap and protect around them (buf is in .bss with everything else). */
    add(addrs, &naddrs, (uint32_t)(uintptr_t)edge);
    add(addrs, &naddrs, (uint32_t)(uintptr_t)ropage);
    void *extra = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (extra != MAP_FAILED)
        add(addrs, &naddrs, (uint32_t)(uintptr_t)extra);
}

static void child_main(int index, uint32_t seed)
{
    shmdt(ctl);                         /* the watchdog's orders stay root's */
    rng = seed;
    mypid = getpid();
    if (opt_verbose) {
        char line[96];
        int n = snprintf(line, sizeof(line), "fuzz: child %d seed %#x pid %d\n", index, seed,
                         (int)mypid);
        fflush(stdout);
        if (dup2(1, LOG_FD) == LOG_FD)
            fcntl(LOG_FD, F_SETFD, FD_CLOEXEC);
        log_line(line, n);
    }
    /* Only descriptors of its own: one shared with the harness could be
     * moved or closed under it. */
    for (int fd = 3; fd < 64; fd++)
        if (fd != LOG_FD || !opt_verbose)
            close(fd);
    /* The terminal read-only on 0, 1 and 2: reads may block (the watchdog
     * sees to that), ioctls work, random writes do not flood the log. */
    int tty = open("/dev/tty", O_RDONLY);
    if (tty >= 0) {
        dup2(tty, 0);
        dup2(tty, 1);
        dup2(tty, 2);
        if (tty > 2)
            close(tty);
    }
    int f = open("/etc/passwd", O_RDONLY);
    int d = open("/", O_RDONLY | O_DIRECTORY);
    for (int i = 0; i < 3; i++)
        add(fds, &nfds, (uint32_t)i);
    if (f >= 0)
        add(fds, &nfds, (uint32_t)f);
    if (d >= 0)
        add(fds, &nfds, (uint32_t)d);
    add(pids, &npids, (uint32_t)mypid);
    add(pids, &npids, (uint32_t)getppid());
    add(shmids, &nshmids, (uint32_t)ring_id);       /* root's: EACCES */
    add(shmids, &nshmids, (uint32_t)foreign_id);    /* root's, 0666: EPERM to remove */

    /* A hostile user, not root. */
    if (setgroups(0, NULL) < 0 || setgid(NOBODY) < 0 || setuid(NOBODY) < 0 ||
        getuid() != NOBODY || geteuid() != NOBODY)
        _exit(0x41);
    setsid();

    child_setup_memory();
    static const uint32_t sizes[] = { 4096, 3 * 4096, 100, 65536 };
    for (int i = 0; i < 4; i++) {
        int id = shmget(i == 3 ? (key_t)(0x7a000000 | (next() & 0xffff)) : IPC_PRIVATE,
                        sizes[i], IPC_CREAT | (i % 2 ? 0666 : 0600));
        if (id < 0)
            continue;
        add(shmids, &nshmids, (uint32_t)id);
        if (i < 2) {
            void *p = shmat(id, NULL, 0);
            if (p != (void *)-1)
                add(addrs, &naddrs, (uint32_t)(uintptr_t)p);
        }
    }
    static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGUSR1, SIGUSR2,
                                SIGALRM, SIGCHLD, SIGPIPE, SIGTERM, SIGHUP, 40, 64 };
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_sigaction = on_signal;
        sa.sa_flags = SA_SIGINFO | (next() % 2 ? SA_RESTART : 0) | (next() % 4 ? 0 : SA_NODEFER);
        sigaction(sigs[i], &sa, NULL);
    }
    __asm__ volatile("movl %%ds, %0" : "=r"(fuzz_user_ds));
    step = 0;
    nsteps = (uint32_t)opt_per_child;
    run_steps();
}

/* ---- the parent ------------------------------------------------------- */

/* The ring and the watchdog's orders live at fixed addresses far below the
 * attach area (where the children's own mappings go and typed steps
 * unmap and remap) and away from the addresses in the pool. */
#define RING_ADDR 0x6b000000u
#define CTL_ADDR  0x6b100000u

static void *attach_new(int *id, size_t size, int mode, uint32_t addr)
{
    *id = shmget(IPC_PRIVATE, size, IPC_CREAT | mode);
    if (*id < 0)
        return NULL;
    void *p = shmat(*id, (void *)(uintptr_t)addr, 0);
    if (p == (void *)-1)
        return NULL;
    memset(p, 0, size);
    return p;
}

/* Kill the child of the moment when it stops making calls or lives too
 * long. Runs as root until the parent says quit. */
static void watchdog(void)
{
    uint32_t gen = 0, last = 0;
    long since = 0, born = 0;
    int poked = 0;
    ctl->ready = (int32_t)ring->calls + 1;
    while (!ctl->quit) {
        usleep(10000);
        int32_t child = ctl->child;
        long now = now_ms();
        if (child <= 1) {
            continue;
        }
        if (ctl->generation != gen) {
            gen = ctl->generation;
            last = ring->calls;
            since = born = now;
            poked = 0;
            continue;
        }
        uint32_t calls = ring->calls;
        if (calls != last) {
            last = calls;
            since = now;
            poked = 0;
        }
        if (now - born > CHILD_MS || (now - since > STALL_MS && poked)) {
            ctl->killed = (int32_t)gen;
            kill(child, SIGKILL);
            since = now;
        } else if (now - since > STALL_MS) {
            kill(child, SIGALRM);       /* out of read or pause, if it is there */
            poked = 1;
            since = now;
        }
    }
    _exit(0);
}

static int nprocs(void) { return (int)t_meminfo().nprocs; }

/* Kill every process of uid NOBODY, from a helper of that uid (kill -1
 * reaches exactly those), until only `base` processes are left (init
 * reaps the orphans). Returns the number left over after 10 s. */
static int sweep(int base)
{
    long start = now_ms();
    while (nprocs() > base && now_ms() - start < 10000) {
        /* A fuzz child's clone(CLONE_PARENT) made a child of ours: reap
         * it (any exit signal) once it is a zombie. */
        while (waitpid(-1, NULL, WNOHANG | __WALL) > 0)
            ;
        pid_t h = fork();
        if (h == 0) {
            if (setuid(NOBODY) == 0)
                kill(-1, SIGKILL);
            _exit(0);
        }
        if (h > 0)
            while (waitpid(h, NULL, 0) < 0 && errno == EINTR)
                ;
        /* A child's clone(CLONE_PARENT) made its new process our child,
         * maybe with an exit signal other than SIGCHLD: reap those too
         * (the watchdog is still running, so WNOHANG leaves it). */
        while (waitpid(-1, NULL, WNOHANG | __WALL) > 0)
            ;
        for (int i = 0; i < 20 && nprocs() > base; i++)
            usleep(10000);
    }
    return nprocs() > base ? nprocs() - base : 0;
}

/* Remove the segments uid NOBODY created or owns. */
static void remove_segments(void)
{
    struct shm_info info;
    int maxid = shmctl(0, SHM_INFO, (struct shmid_ds *)(void *)&info);
    for (int slot = 0; slot <= maxid; slot++) {
        struct shmid_ds ds;
        int id = shmctl(slot, SHM_STAT, &ds);
        if (id >= 0 && (ds.shm_perm.cuid == NOBODY || ds.shm_perm.uid == NOBODY))
            shmctl(id, IPC_RMID, NULL);
    }
}

static const char *last_call_of(pid_t pid, char *tmp)
{
    const struct call_rec *last = NULL;
    for (int i = 0; i < RING; i++) {
        const struct call_rec *r = &ring->rec[i];
        if (r->pid == pid && (!last || r->seq > last->seq))
            last = r;
    }
    return last ? call_name(last->nr, tmp) : "(not in the ring)";
}

struct tally {
    const char *name;
    int count;
};

static void count_name(struct tally *t, int n, const char *name)
{
    for (int i = 0; i < n; i++) {
        if (!t[i].name || strcmp(t[i].name, name) == 0) {
            t[i].name = name;
            t[i].count++;
            return;
        }
    }
}

static void env_int(const char *name, long *v)
{
    const char *s = getenv(name);
    if (s && *s)
        *v = strtol(s, NULL, 0);
}

static void options(int argc, char **argv)
{
    long seed = 1, calls = DEFAULT_CALLS, per = DEFAULT_PER_CHILD, first = 0,
         secs = DEFAULT_SECONDS, forge = 1, verbose = 0;
    env_int("FUZZ_SEED", &seed);
    env_int("FUZZ_CALLS", &calls);
    env_int("FUZZ_PER_CHILD", &per);
    env_int("FUZZ_FIRST", &first);
    env_int("FUZZ_SECONDS", &secs);
    env_int("FUZZ_FORGE", &forge);
    env_int("FUZZ_VERBOSE", &verbose);
    int c;
    while ((c = getopt(argc, argv, "r:n:k:c:t:s:v")) != -1) {
        switch (c) {
        case 'r': seed = strtol(optarg, NULL, 0); break;
        case 'n': calls = strtol(optarg, NULL, 0); break;
        case 'k': per = strtol(optarg, NULL, 0); break;
        case 'c': first = strtol(optarg, NULL, 0); break;
        case 't': secs = strtol(optarg, NULL, 0); break;
        case 's': forge = strtol(optarg, NULL, 0); break;
        case 'v': verbose = 1; break;
        default:
            fprintf(stderr, "usage: fuzz_syscalls [-r seed] [-n calls] [-k per-child] "
                    "[-c first-child] [-t seconds] [-s 0|1] [-v]\n");
            exit(2);
        }
    }
    opt_seed = (uint32_t)seed;
    opt_calls = calls;
    opt_per_child = per > 0 ? (int)per : 1;
    opt_first = (int)first;
    opt_seconds = (int)secs;
    opt_forge = forge != 0;
    opt_verbose = verbose != 0;
}

/* Touch the stack the parent will use, and run the paths it will run, so
 * the baseline counts its own pages: a difference later is the kernel's. */
static void __attribute__((noinline)) warm_up(void)
{
    volatile unsigned char deep[32768];
    for (size_t i = 0; i < sizeof(deep); i += 1024)
        deep[i] = 1;
    remove_segments();
    sweep(nprocs());
}

int main(int argc, char **argv)
{
    options(argc, argv);
    printf("# fuzz: seed %u, %ld calls, %d per child, from child %d, forging %s, %s\n",
           opt_seed, opt_calls, opt_per_child, opt_first, opt_forge ? "on" : "off",
           opt_verbose ? "every call printed" : "quiet");
    t_begin("fuzz_syscalls");
    if (getuid() != 0) {
        T_OK(0, "the fuzzer runs as root (it drops to uid 65534 in its children)");
        return t_end();
    }
    warm_up();
    ring = attach_new(&ring_id, sizeof(struct ring), 0600, RING_ADDR);
    ctl = attach_new(&ctl_id, sizeof(struct control), 0600, CTL_ADDR);
    void *foreign = attach_new(&foreign_id, 8192, 0666, 0);
    T_OK(ring && ctl && foreign, "shared segments for the call ring and the watchdog");
    if (!ring || !ctl || !foreign)
        return t_end();
    fflush(stdout);
    pid_t wd = fork();
    if (wd == 0)
        watchdog();
    T_OK(wd > 0, "watchdog started");
    /* The baseline: us, our t_begin parent, init and the watchdog. */
    while (wd > 0 && !ctl->ready)
        usleep(10000);
    /* The baseline: us, our t_begin parent, init and the watchdog. */
    int base_procs = nprocs();
    struct agora_meminfo base = t_meminfo(), first = base;

    long t0 = now_ms(), deadline = opt_seconds > 0 ? t0 + opt_seconds * 1000L : 0;
    int children = 0, exited = 0, killed = 0, fork_failures = 0, leaks = 0, survivors = 0;
    int sigs[66] = { 0 };
    struct agora_meminfo now = base;
    struct tally blocked[12], died[12];
    memset(blocked, 0, sizeof(blocked));
    memset(died, 0, sizeof(died));
    int c = opt_first;
    while ((long)ring->calls < opt_calls && (!deadline || now_ms() < deadline)) {
        uint32_t seed = mix(opt_seed, (uint32_t)c);
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0)
            child_main(c, seed);
        if (pid < 0) {
            if (++fork_failures > 100)
                break;
            sweep(base_procs);
            continue;
        }
        ctl->child = pid;
        ctl->generation++;
        int st = 0;
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
            ;
        ctl->child = 0;
        children++;
        char tmp[16];
        if (opt_verbose)
            printf("fuzz: child %d pid %d %s %d\n", c, (int)pid,
                   (uint32_t)ctl->killed == ctl->generation ? "stopped by the watchdog, status" :
                   WIFEXITED(st) ? "exited" : "killed by signal",
                   WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? WTERMSIG(st) : st);
        if ((uint32_t)ctl->killed == ctl->generation) {
            killed++;
            count_name(blocked, 12, last_call_of(pid, tmp));
        } else if (WIFEXITED(st)) {
            exited++;
        } else {
            sigs[WTERMSIG(st) & 63]++;
            count_name(died, 12, last_call_of(pid, tmp));
        }
        survivors += sweep(base_procs);
        remove_segments();
        now = t_meminfo();
        if (now.free_frames != base.free_frames || now.shm_segments != base.shm_segments ||
            now.kheap_bytes != base.kheap_bytes) {
            leaks++;
            printf("# fuzz: after child %d (seed %#x): free frames %u -> %u, kernel heap "
                   "%u -> %u bytes, shm segments %u -> %u\n", c, seed, base.free_frames,
                   now.free_frames, base.kheap_bytes, now.kheap_bytes, base.shm_segments,
                   now.shm_segments);
            base = now;                 /* report each leak once */
        }
        c++;
    }
    long ms = now_ms() - t0;
    uint32_t calls = ring->calls;
    ctl->quit = 1;
    waitpid(wd, NULL, 0);

    printf("# fuzz: %u calls in %ld ms (%ld calls/s), %d children: %d ended by themselves, "
           "%d stopped by the watchdog\n", calls, ms, ms ? (long)calls * 1000 / ms : 0,
           children, exited, killed);
    printf("# fuzz: children killed by a signal:");
    for (int s = 1; s < 65; s++)
        if (sigs[s])
            printf(" %d x%d", s, sigs[s]);
    printf("\n# fuzz: last call of the children the watchdog stopped:");
    for (int i = 0; i < 12 && blocked[i].name; i++)
        printf(" %s x%d", blocked[i].name, blocked[i].count);
    printf("\n# fuzz: last call of the children killed by a signal:");
    for (int i = 0; i < 12 && died[i].name; i++)
        printf(" %s x%d", died[i].name, died[i].count);
    printf("\n");

    printf("# fuzz: before the first child and after the last: free frames %u, %u; "
           "kernel heap %u, %u bytes; shm segments %u, %u\n", first.free_frames,
           now.free_frames, first.kheap_bytes, now.kheap_bytes, first.shm_segments,
           now.shm_segments);
    printf("fuzz: seed %u calls %u children %d leaks %d\n", opt_seed, calls, children, leaks);
    T_OK(calls > 0 && children > 0, "children made calls");
    T_EQ(fork_failures, 0, "fork never failed for the fuzzer");
    T_EQ(survivors, 0, "no process of uid 65534 outlived a sweep");
    T_EQ(leaks, 0, "no child left frames, kernel heap or shm segments behind");
    T_EQ(now.free_frames, first.free_frames, "free frames the same after the last child");
    T_EQ(now.kheap_bytes, first.kheap_bytes, "kernel heap the same after the last child");
    T_EQ(now.shm_segments, first.shm_segments, "shm segments the same after the last child");
    /* The call ring and the watchdog's segment go; t_begin's parent then
     * checks the frames and segments of the whole run. */
    shmdt(ring);
    shmdt(ctl);
    shmdt(foreign);
    shmctl(ring_id, IPC_RMID, NULL);
    shmctl(ctl_id, IPC_RMID, NULL);
    shmctl(foreign_id, IPC_RMID, NULL);
    return t_end();
}
