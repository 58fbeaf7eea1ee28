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
 * QEMU setting, verdict), the scaling checks ("flat" or "grows"), and the
 * summary line "bench: all figures beat Linux" or "bench: N figures do not
 * beat Linux". tools/bench.sh parses these lines; keep their shape.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ipc.h>
#include <sys/shm.h>
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
#define STR(x) #x
#define XSTR(x) STR(x)

static uint32_t overhead;               /* an empty rdtsc pair, subtracted everywhere */
static int failures;                    /* figures that do not beat Linux */
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

static void row(const char *name, uint32_t agora, uint32_t linux_figure)
{
    char lx[16] = "-";
    const char *verdict = "";
    if (linux_figure) {
        snprintf(lx, sizeof(lx), "%u", linux_figure);
        verdict = agora < linux_figure ? "beats" : "loses";
        if (agora >= linux_figure)
            failures++;
    }
    printf("%-57s %7u %12s   %s\n", name, agora, lx, verdict);
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

    /* Fork first, while this process is small: agora's fork copies every
     * present private page, and the later benchmarks touch more memory. */
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

    printf("\n%-57s %7s %12s   %s\n", "benchmark (median guest instructions, -icount shift=0)",
           "agora", "Linux 6.1", "verdict");
    row("getpid (int $0x80)", getpid_cost, 339);
    row("shmget(IPC_PRIVATE, 4096) + IPC_RMID", create_cost, 25762);
    row("shmat + shmdt, 1 page", attach1, 17188);
    row("shmat + shmdt, 256 pages (untouched)", attach256, 19228);
    row("first-touch write, per page of a fresh 1 MiB segment", touch, 6263);
    row("fork + _exit + waitpid, 1 MiB segment touched", fork_shm, 191786);
    row("fork + _exit + waitpid, no segment", fork_plain, 186864);
    printf("%-57s %7u %12s   %s\n", "shmget of an existing key, 1 segment", lookup1, "-", "-");
    const char *keys = scaling(lookup1, lookup_many);
    printf("%-57s %7u %12s   %s\n", "shmget of an existing key, 4000 segments", lookup_many,
           "-", keys);
    printf("\n");
    printf("bench: scaling: shmat + shmdt, 256 vs 1 page: %s (%u vs %u)\n",
           scaling(attach1, attach256), attach256, attach1);
    printf("bench: scaling: shmget of an existing key, %d vs 1 segments: %s (%u vs %u)\n",
           nids, keys, lookup_many, lookup1);
    printf("bench: info: over all %d keys, lookup median %u, max %u\n", nids, lookup_all,
           lookup_max);
    printf("bench: info: each fork copied %u present private pages of this process\n",
           fork_pages);

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
    if (failures)
        printf("bench: %d figures do not beat Linux\n", failures);
    else
        printf("bench: all figures beat Linux\n");
    return errors || failures || scaling_failures;
}
