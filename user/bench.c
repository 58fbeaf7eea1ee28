/*
 * bench: deterministic micro-benchmarks of the system calls around System V
 * shared memory, run by init with the kernel command line "bench" under
 * QEMU -icount shift=0 (see tools/bench.sh and docs/performance.md).
 *
 * Under -icount shift=0 the guest clock advances one nanosecond per guest
 * instruction and rdtsc reads that clock, so an rdtsc delta is a count of
 * guest instructions, the same on every run and every host. Each figure
 * is the median over many repetitions, after warm-up runs, minus the cost
 * of an empty rdtsc pair (measured first and printed).
 *
 * Output: calibration lines, the table (agora, Linux 6.1 under the same
 * QEMU setting, agora's own target, verdict), the scaling checks ("flat" or
 * "grows"), info lines, and two summary lines: "bench: all targets met" or
 * "bench: N figures miss their targets", then "bench: all figures beat
 * Linux" or "bench: N figures do not beat Linux". tools/bench.sh parses
 * these lines; keep their shape.
 *
 * The exec row runs /bin/bench_exec (user/extra/bench_exec.c), whose first
 * instruction is an rdtsc; it reports through a shm segment.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <uapi/agora.h>

#define PAGE_SIZE 4096
#define WARMUP 5
#define REPS 101                        /* cheap operations */
#define FORK_REPS 31                    /* fork + _exit + waitpid */
#define TOUCH_SEGMENTS 4                /* measured 1 MiB segments, 256 pages each */
#define TOUCH_PAGES 256
#define NKEYS 4000                      /* segments present in the big lookup case */
#define KEY_BASE 0x42450000             /* "BE" in the high half: unlikely to clash */
#define NOPS 1000                       /* the calibration block */
#define BIG_PAGES 4096                  /* 16 MiB of private memory touched before fork */
#define COW_PAGES 256                   /* measured copy-on-write writes, one per page */
#define EXEC_REPS 31                    /* exec of /bin/bench_exec */
#define BENCH_EXEC "/bin/bench_exec"
#define BENCH_EXEC_DONE 0xbe4c0de5u     /* user/extra/bench_exec.c writes it when done */
#define BENCH_EXEC_CHECK 0x5a5a5ab4u    /* and this, read from its rodata, data and bss */
#define BENCH_EXEC_MIN (92 * 1024)      /* "a 100 KiB program": its file size, checked */
#define BENCH_EXEC_MAX (108 * 1024)
#define STR(x) #x
#define XSTR(x) STR(x)

static uint32_t overhead;               /* an empty rdtsc pair, subtracted everywhere */
static int failures;                    /* figures that do not beat Linux */
static int target_misses;               /* figures over agora's own target */
static int scaling_failures;            /* scaling checks that grow */
static int errors;                      /* system calls that failed */

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
    return ((uint64_t)hi << 32) | lo;
}

/* Instructions between two rdtsc reads, minus the empty-pair overhead. */
static uint32_t since(uint64_t t0)
{
    uint64_t t1 = rdtsc();
    uint32_t d = (uint32_t)(t1 - t0);
    return d > overhead ? d - overhead : 0;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static uint32_t median(uint32_t *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_u32);
    return v[n / 2];
}

static void check(int ok, const char *what)
{
    if (!ok) {
        printf("bench: error: %s: %s\n", what, strerror(errno));
        errors++;
    }
}

static struct agora_meminfo meminfo(void)
{
    struct agora_meminfo mi;
    memset(&mi, 0, sizeof(mi));
    syscall(AGORA_NR_meminfo, &mi);
    return mi;
}

/* ---- calibration ---------------------------------------------------------- */

static uint32_t empty_pair(void)
{
    uint64_t t0 = rdtsc();
    uint64_t t1 = rdtsc();
    return (uint32_t)(t1 - t0);
}

static uint32_t nop_block(void)
{
    uint64_t t0 = rdtsc();
    __asm__ volatile(".rept " XSTR(NOPS) "\n\tnop\n\t.endr" ::: "memory");
    uint64_t t1 = rdtsc();
    return (uint32_t)(t1 - t0);
}

/* Measure the empty pair, then check that NOPS nops cost NOPS. */
static int calibrate(void)
{
    static uint32_t s[REPS];
    for (int i = 0; i < WARMUP; i++)
        empty_pair();
    for (int i = 0; i < REPS; i++)
        s[i] = empty_pair();
    overhead = median(s, REPS);
    for (int i = 0; i < WARMUP; i++)
        nop_block();
    for (int i = 0; i < REPS; i++)
        s[i] = nop_block();
    uint32_t nops = median(s, REPS) - overhead;
    printf("bench: rdtsc pair overhead %u instructions (subtracted from every figure)\n",
           overhead);
    int ok = nops >= NOPS - NOPS / 100 && nops <= NOPS + NOPS / 100;
    printf("bench: calibration: %d nops measure %u instructions: %s\n", NOPS, nops,
           ok ? "ok" : "rdtsc does not count guest instructions");
    return ok;
}

/* ---- the measurements ----------------------------------------------------- */

static uint32_t getpid_once(void)
{
    long r;
    uint64_t t0 = rdtsc();
    __asm__ volatile("int $0x80" : "=a"(r) : "a"(SYS_getpid) : "memory");
    uint32_t d = since(t0);
    if (r <= 0)
        errors++;
    return d;
}

static uint32_t shmget_rmid_once(void)
{
    uint64_t t0 = rdtsc();
    int id = shmget(IPC_PRIVATE, PAGE_SIZE, 0600);
    int r = id >= 0 ? shmctl(id, IPC_RMID, NULL) : -1;
    uint32_t d = since(t0);
    check(id >= 0 && r == 0, "shmget + IPC_RMID");
    return d;
}

static int attach_id;
static uint32_t attach_once(void)
{
    uint64_t t0 = rdtsc();
    void *p = shmat(attach_id, NULL, 0);
    int r = p != (void *)-1 ? shmdt(p) : -1;
    uint32_t d = since(t0);
    check(r == 0, "shmat + shmdt");
    return d;
}

static int key_arg;
static uint32_t lookup_once(void)
{
    uint64_t t0 = rdtsc();
    int id = shmget(key_arg, PAGE_SIZE, 0600);
    uint32_t d = since(t0);
    check(id >= 0, "shmget of an existing key");
    return d;
}

static uint32_t fork_once(void)
{
    int status = 0;
    uint64_t t0 = rdtsc();
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    pid_t got = pid > 0 ? waitpid(pid, &status, 0) : -1;
    uint32_t d = since(t0);
    check(pid > 0 && got == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "fork + _exit + waitpid");
    return d;
}

/* ---- copy-on-write and exec: children report through a 1-page segment ---- */

static int result_id;                   /* the segment; its words are slot[0..3] */

/* Attach the result segment; NULL (counted as an error) if that fails. */
static volatile uint32_t *result_attach(void)
{
    void *p = shmat(result_id, NULL, 0);
    check(p != (void *)-1, "shmat result segment");
    return p == (void *)-1 ? NULL : p;
}

/*
 * Fork with COW_PAGES + WARMUP private pages touched; the child writes one
 * byte to each (the first write after fork: a copy-on-write fault that
 * copies, the parent still mapping the page) and reports the median per
 * page and how many copies meminfo counted meanwhile.
 */
static uint32_t cow_write(uint32_t *copies)
{
    static uint32_t s[COW_PAGES];
    const uint32_t npages = COW_PAGES + WARMUP;
    *copies = 0;
    char *p = mmap(NULL, npages * PAGE_SIZE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    check(p != MAP_FAILED, "mmap copy-on-write pages");
    volatile uint32_t *slot = result_attach();
    if (p == MAP_FAILED || !slot)
        return 0;
    for (uint32_t i = 0; i < npages; i++)
        p[i * PAGE_SIZE] = 1;
    for (int i = 0; i < 4; i++)
        slot[i] = 0;
    memset(s, 0, sizeof(s));
    pid_t pid = fork();
    if (pid == 0) {
        memset(s, 0, sizeof(s));        /* its own copies happen here, untimed */
        struct agora_meminfo before = meminfo();
        for (uint32_t i = 0; i < npages; i++) {
            uint64_t t0 = rdtsc();
            *(volatile char *)(p + i * PAGE_SIZE) = 2;
            uint32_t d = since(t0);
            if (i >= WARMUP)
                s[i - WARMUP] = d;
        }
        struct agora_meminfo after = meminfo();
        slot[0] = median(s, COW_PAGES);
        slot[1] = after.cow_copies - before.cow_copies;
        slot[2] = BENCH_EXEC_DONE;
        _exit(0);
    }
    int status = 0;
    pid_t got = pid > 0 ? waitpid(pid, &status, 0) : -1;
    check(pid > 0 && got == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
          slot[2] == BENCH_EXEC_DONE, "fork + copy-on-write writes in the child");
    uint32_t parent_sees = 0;
    for (uint32_t i = 0; i < npages; i++)
        parent_sees += p[i * PAGE_SIZE] != 1;
    if (parent_sees) {
        printf("bench: error: the parent sees %u of its child's writes\n", parent_sees);
        errors++;
    }
    uint32_t d = slot[0];
    *copies = slot[1];
    check(shmdt((void *)slot) == 0, "shmdt result segment");
    check(munmap(p, npages * PAGE_SIZE) == 0, "munmap copy-on-write pages");
    return d;
}

static char shmid_arg[12];
static char t0_arg[9] = "00000000";
static char *exec_argv[] = { BENCH_EXEC, shmid_arg, t0_arg, NULL };
static char *exec_envp[] = { NULL };
static uint32_t format_cost;            /* put_hex's instructions, subtracted from exec */

/* v as 8 hex digits into buf: how the exec child passes its rdtsc on. */
static inline __attribute__((always_inline)) void put_hex(char *buf, uint32_t v)
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 7; i >= 0; i--) {
        buf[i] = hex[v & 15];
        v >>= 4;
    }
}

static uint32_t format_once(void)
{
    uint64_t t0 = rdtsc();
    put_hex(t0_arg, (uint32_t)t0);
    return since(t0);
}

/*
 * A forked child reads rdtsc and execs /bin/bench_exec with it; the
 * program's first instruction reads rdtsc again and stores the difference
 * in the result segment. Returns that, minus the rdtsc pair and put_hex.
 */
static uint32_t exec_once(void)
{
    volatile uint32_t *slot = result_attach();
    if (!slot)
        return 0;
    for (int i = 0; i < 4; i++)
        slot[i] = 0;
    check(shmdt((void *)slot) == 0, "shmdt result segment");    /* the child maps none */
    pid_t pid = fork();
    if (pid == 0) {
        /* Write what the timed part writes, so copy-on-write faults on the
         * argument page and the stack happen here, untimed. */
        put_hex(t0_arg, 0);
        (void)getpid();
        uint64_t t0 = rdtsc();
        put_hex(t0_arg, (uint32_t)t0);
        execve(BENCH_EXEC, exec_argv, exec_envp);
        _exit(127);
    }
    int status = 0;
    pid_t got = pid > 0 ? waitpid(pid, &status, 0) : -1;
    slot = result_attach();
    if (!slot)
        return 0;
    uint32_t d = slot[0];
    check(pid > 0 && got == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
          slot[1] == BENCH_EXEC_DONE && slot[2] == BENCH_EXEC_CHECK,
          "fork + exec " BENCH_EXEC);
    check(shmdt((void *)slot) == 0, "shmdt result segment");
    return d > overhead + format_cost ? d - overhead - format_cost : 0;
}

/* Median of reps runs of fn, after WARMUP runs. */
static uint32_t measure(uint32_t (*fn)(void), int reps)
{
    static uint32_t s[REPS];
    for (int i = 0; i < WARMUP; i++)
        fn();
    for (int i = 0; i < reps; i++)
        s[i] = fn();
    return median(s, reps);
}

/* Per-page median of the first write to each page of fresh 1 MiB segments. */
static uint32_t first_touch(void)
{
    static uint32_t s[TOUCH_SEGMENTS * TOUCH_PAGES];
    int n = 0;
    for (int seg = -1; seg < TOUCH_SEGMENTS; seg++) {       /* -1: warm-up */
        int id = shmget(IPC_PRIVATE, TOUCH_PAGES * PAGE_SIZE, 0600);
        check(id >= 0, "shmget 1 MiB");
        char *p = id >= 0 ? shmat(id, NULL, 0) : (void *)-1;
        check(p != (void *)-1, "shmat 1 MiB");
        if (p == (void *)-1)
            return 0;
        for (int i = 0; i < TOUCH_PAGES; i++) {
            uint64_t t0 = rdtsc();
            *(volatile char *)(p + i * PAGE_SIZE) = 1;
            uint32_t d = since(t0);
            if (seg >= 0)
                s[n++] = d;
        }
        check(shmdt(p) == 0, "shmdt 1 MiB");
        check(shmctl(id, IPC_RMID, NULL) == 0, "IPC_RMID 1 MiB");
    }
    return median(s, n);
}

/* Private pages present in this process: what an eager fork copies. */
static uint32_t private_pages(void)
{
    static struct agora_region r[32];
    int n = (int)syscall(AGORA_NR_vmmap, getpid(), r, 32);
    uint32_t pages = 0;
    for (int i = 0; i < n && i < 32; i++)
        if (r[i].kind != AGORA_REGION_SHM)
            pages += r[i].pages_present;
    return pages;
}

/* ---- the table ------------------------------------------------------------ */

#define TABLE_ROW "%-60s %7u %12s %8s   %s\n"

/* A row; linux_figure and target 0: none. Over a target: >; Linux: >=. */
static void row(const char *name, uint32_t agora, uint32_t linux_figure, uint32_t target)
{
    char lx[16] = "-", tg[16] = "-", verdict[40] = "-";
    int n = 0;
    if (linux_figure) {
        snprintf(lx, sizeof(lx), "%u", linux_figure);
        n = snprintf(verdict, sizeof(verdict), "%s", agora < linux_figure ? "beats" : "loses");
        if (agora >= linux_figure)
            failures++;
    }
    if (target) {
        snprintf(tg, sizeof(tg), "%u", target);
        snprintf(verdict + n, sizeof(verdict) - (size_t)n, "%s%s", n ? ", " : "",
                 agora <= target ? "meets target" : "over target");
        if (agora > target)
            target_misses++;
    }
    printf(TABLE_ROW, name, agora, lx, tg, verdict);
}

/* Flat: within 10% or 50 instructions, whichever is larger. */
static const char *scaling(uint32_t small, uint32_t big)
{
    uint32_t slack = small / 10 > 50 ? small / 10 : 50;
    if (big <= small + slack)
        return "flat";
    scaling_failures++;
    return "grows";
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct agora_meminfo before = meminfo();
    int calibrated = calibrate();

    /* Fork first, while this process is small: an eager fork copies every
     * present private page (a copy-on-write fork shares them, but still
     * walks them), and the later benchmarks touch more memory. */
    uint32_t fork_plain = measure(fork_once, FORK_REPS);
    int big = shmget(IPC_PRIVATE, TOUCH_PAGES * PAGE_SIZE, 0600);
    check(big >= 0, "shmget 1 MiB");
    char *bp = big >= 0 ? shmat(big, NULL, 0) : (void *)-1;
    check(bp != (void *)-1, "shmat 1 MiB");
    uint32_t fork_shm = 0;
    if (bp != (void *)-1) {
        for (int i = 0; i < TOUCH_PAGES; i++)
            bp[i * PAGE_SIZE] = (char)i;
        fork_shm = measure(fork_once, FORK_REPS);
        check(shmdt(bp) == 0, "shmdt 1 MiB");
    }
    check(shmctl(big, IPC_RMID, NULL) == 0, "IPC_RMID 1 MiB");
    uint32_t fork_pages = private_pages();

    /* The segment the exec and copy-on-write children report in. */
    result_id = shmget(IPC_PRIVATE, PAGE_SIZE, 0600);
    check(result_id >= 0, "shmget result segment");
    snprintf(shmid_arg, sizeof(shmid_arg), "%d", result_id);
    struct stat st;
    memset(&st, 0, sizeof(st));
    check(stat(BENCH_EXEC, &st) == 0, "stat " BENCH_EXEC);
    if (st.st_size < BENCH_EXEC_MIN || st.st_size > BENCH_EXEC_MAX) {
        printf("bench: error: %s is %ld bytes, not about 100 KiB\n", BENCH_EXEC,
               (long)st.st_size);
        errors++;
    }
    format_cost = measure(format_once, REPS);
    uint32_t exec_cost = measure(exec_once, EXEC_REPS);

    /* 16 MiB of private memory, one byte written per page, then fork. */
    uint32_t fork_big = 0;
    char *big_p = mmap(NULL, BIG_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    check(big_p != MAP_FAILED, "mmap 16 MiB");
    if (big_p != MAP_FAILED) {
        for (int i = 0; i < BIG_PAGES; i++)
            big_p[i * PAGE_SIZE] = (char)i;
        fork_big = measure(fork_once, FORK_REPS);
        check(munmap(big_p, BIG_PAGES * PAGE_SIZE) == 0, "munmap 16 MiB");
    }
    uint32_t fork_extra = fork_big > fork_plain ? fork_big - fork_plain : 0;
    uint32_t per_page = (fork_extra + BIG_PAGES - 1) / BIG_PAGES;     /* rounded up */

    uint32_t cow_copies;
    uint32_t cow_cost = cow_write(&cow_copies);
    check(shmctl(result_id, IPC_RMID, NULL) == 0, "IPC_RMID result segment");

    uint32_t getpid_cost = measure(getpid_once, REPS);
    uint32_t create_cost = measure(shmget_rmid_once, REPS);

    attach_id = shmget(IPC_PRIVATE, PAGE_SIZE, 0600);
    check(attach_id >= 0, "shmget 1 page");
    uint32_t attach1 = measure(attach_once, REPS);
    check(shmctl(attach_id, IPC_RMID, NULL) == 0, "IPC_RMID 1 page");
    attach_id = shmget(IPC_PRIVATE, TOUCH_PAGES * PAGE_SIZE, 0600);
    check(attach_id >= 0, "shmget 256 pages");
    uint32_t attach256 = measure(attach_once, REPS);
    check(shmctl(attach_id, IPC_RMID, NULL) == 0, "IPC_RMID 256 pages");

    uint32_t touch = first_touch();

    /* Key lookup: the oldest key, alone and then behind 3999 newer ones. */
    static int ids[NKEYS];
    int nids = 0;
    ids[nids] = shmget(KEY_BASE, PAGE_SIZE, IPC_CREAT | IPC_EXCL | 0600);
    check(ids[nids] >= 0, "shmget IPC_CREAT (first key)");
    nids += ids[nids] >= 0;
    key_arg = KEY_BASE;
    uint32_t lookup1 = measure(lookup_once, REPS);
    while (nids < NKEYS) {
        ids[nids] = shmget(KEY_BASE + nids, PAGE_SIZE, IPC_CREAT | IPC_EXCL | 0600);
        if (ids[nids] < 0) {
            check(0, "shmget IPC_CREAT (extra keys)");
            break;
        }
        nids++;
    }
    uint32_t lookup_many = measure(lookup_once, REPS);
    /* Every key once, for the spread over the whole table. */
    static uint32_t all[NKEYS];
    for (int i = 0; i < nids; i++) {
        key_arg = KEY_BASE + i;
        all[i] = lookup_once();
    }
    uint32_t lookup_all = nids ? median(all, nids) : 0;
    uint32_t lookup_max = nids ? all[nids - 1] : 0;
    for (int i = 0; i < nids; i++)
        check(shmctl(ids[i], IPC_RMID, NULL) == 0, "IPC_RMID (keys)");

    printf("\n%-60s %7s %12s %8s   %s\n",
           "benchmark (median guest instructions, -icount shift=0)", "agora", "Linux 6.1",
           "target", "verdict");
    row("getpid (int $0x80)", getpid_cost, 339, 0);
    row("shmget(IPC_PRIVATE, 4096) + IPC_RMID", create_cost, 25762, 0);
    row("shmat + shmdt, 1 page", attach1, 17188, 0);
    row("shmat + shmdt, 256 pages (untouched)", attach256, 19228, 0);
    row("first-touch write, per page of a fresh 1 MiB segment", touch, 6263, 0);
    row("fork + _exit + waitpid, 1 MiB segment touched", fork_shm, 191786, 0);
    row("fork + _exit + waitpid, no segment", fork_plain, 186864, 20000);
    row("fork + _exit + waitpid, 16 MiB private memory touched", fork_big, 0, 0);
    row("fork + _exit + waitpid, extra per touched private page", per_page, 0, 20);
    row("first write to a copy-on-write page (the copy), per page", cow_cost, 0, 1600);
    row("exec of a 100 KiB static program, to its first instruction", exec_cost, 0, 0);
    printf(TABLE_ROW, "shmget of an existing key, 1 segment", lookup1, "-", "-", "-");
    const char *keys = scaling(lookup1, lookup_many);
    printf(TABLE_ROW, "shmget of an existing key, 4000 segments", lookup_many, "-", "-", keys);
    printf("\n");
    printf("bench: scaling: shmat + shmdt, 256 vs 1 page: %s (%u vs %u)\n",
           scaling(attach1, attach256), attach256, attach1);
    printf("bench: scaling: shmget of an existing key, %d vs 1 segments: %s (%u vs %u)\n",
           nids, keys, lookup_many, lookup1);
    printf("bench: info: over all %d keys, lookup median %u, max %u\n", nids, lookup_all,
           lookup_max);
    printf("bench: info: the process had %u present private pages in the plain fork row"
           " (an eager fork copies them, a copy-on-write fork shares them)\n", fork_pages);
    printf("bench: info: fork with %d touched private pages: %u - %u = %u more, %u.%02u per page"
           " (the row rounds up)\n", BIG_PAGES, fork_big, fork_plain, fork_extra,
           fork_extra / BIG_PAGES, fork_extra % BIG_PAGES * 100 / BIG_PAGES);
    printf("bench: info: the child's %u first writes to copy-on-write pages made %u copies"
           " (meminfo cow_copies)\n", COW_PAGES + WARMUP, cow_copies);
    if (cow_copies < COW_PAGES + WARMUP) {
        printf("bench: error: copy-on-write row: %u copies for %u writes, so it did not time"
               " copy-on-write faults\n", cow_copies, COW_PAGES + WARMUP);
        errors++;
    }
    printf("bench: info: exec of %s (%ld bytes); %u instructions of formatting the child's"
           " rdtsc into argv subtracted\n", BENCH_EXEC, (long)st.st_size, format_cost);

    struct agora_meminfo after = meminfo();
    if (after.shm_segments != before.shm_segments || after.shm_frames != before.shm_frames) {
        printf("bench: error: shm segments %u -> %u, shm frames %u -> %u\n",
               before.shm_segments, after.shm_segments, before.shm_frames, after.shm_frames);
        errors++;
    }
    if (!calibrated)
        errors++;
    if (errors)
        printf("bench: %d errors\n", errors);
    if (scaling_failures)
        printf("bench: %d scaling checks grow\n", scaling_failures);
    if (target_misses)
        printf("bench: %d figures miss their targets\n", target_misses);
    else
        printf("bench: all targets met\n");
    if (failures)
        printf("bench: %d figures do not beat Linux\n", failures);
    else
        printf("bench: all figures beat Linux\n");
    return errors || failures || scaling_failures || target_misses;
}
