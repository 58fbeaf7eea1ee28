/*
 * agora_mm_test.h: helpers for the copy-on-write and mmap tests in
 * user/tests/ (cow_*, mm_shared_anon, mm_mmap_file), on top of
 * agora_shm_test.h (C_CHECK, reap, wait_flag) and agora_tools.h
 * (at_regions).
 *
 *   mm_ctl()          a zeroed control block in a removed shm segment, shared
 *                     with every child forked later (flags for wait_flag);
 *   mm_page()         what vmmap says about the page at va in process pid:
 *                     region kind, flags, name, frame, its count, writable;
 *   mm_measure()      the change in meminfo (free frames, copies, reuses)
 *                     over one operation, with nothing else in between;
 *   mm_own_stack()    make the next 16 KiB of stack this process's own;
 *   mm_park()         a child that tells the parent it is ready, then
 *                     sleeps without touching memory until it is killed;
 *   mm_status()       a wait status as words, for the TAP lines.
 *
 * Why mm_own_stack: after fork every private page is shared, and the first
 * write to it in either process copies it (or takes it over). A process
 * that calls a function a page deeper than before writes a new stack page
 * and moves the counters. Measurements and out-of-memory windows must not
 * see such writes, so the processes involved write their stack first.
 */
#ifndef AGORA_MM_TEST_H
#define AGORA_MM_TEST_H

#include <agora_shm_test.h>
#include <agora_tools.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>

/* Whether two frames are the same real frame (0 means absent). */
#define MM_SAME_FRAME(a, b) ((a) != 0 && (a) == (b))

/* A zeroed shared control block of size bytes (a removed shm segment, so
 * it goes away with the last process); NULL if that failed. */
static inline void *mm_ctl(size_t size)
{
    int id = shmget(IPC_PRIVATE, size, 0600);
    if (id < 0)
        return NULL;
    void *p = shmat(id, NULL, 0);
    shmctl(id, IPC_RMID, NULL);
    if (p == AT_FAILED)
        return NULL;
    memset(p, 0, size);
    return p;
}

/* Write 16 KiB of stack below the caller's frame, so that the calls it
 * makes next write no page that another process still shares. */
static __attribute__((noinline, unused)) void mm_own_stack(void)
{
    volatile char pad[16384];
    for (size_t i = 0; i < sizeof(pad); i += 512)
        pad[i] = 0;
}

/* One page as vmmap(2) (AGORA_NR_vmmap) describes it. */
struct mm_page {
    uint32_t start, end;        /* its region */
    uint32_t kind, flags, prot, offset;
    int32_t shmid;
    char name[32];
    uint32_t frame;             /* 0: absent */
    uint32_t refs;
    int writable;               /* the page-table entry allows writing */
};

/* Describe the page at va in process pid (0: the caller). 0, or -1 if pid
 * has no region at va or the page is past the first AGORA_REGION_FRAMES
 * pages of its region (vmmap reports no frame there). */
static inline int mm_page(int pid, const volatile void *va, struct mm_page *out)
{
    struct agora_region *r;
    memset(out, 0, sizeof(*out));
    int n = at_regions(pid, &r);
    if (n < 0)
        return -1;
    int ret = -1;
    uint32_t a = (uint32_t)(uintptr_t)va;
    for (int i = 0; i < n; i++) {
        if (a < r[i].start || a >= r[i].end)
            continue;
        uint32_t page = (a - r[i].start) / PG;
        out->start = r[i].start;
        out->end = r[i].end;
        out->kind = r[i].kind;
        out->flags = r[i].flags;
        out->prot = r[i].prot;
        out->offset = r[i].offset;
        out->shmid = r[i].id;
        memcpy(out->name, r[i].name, sizeof(out->name));
        out->name[sizeof(out->name) - 1] = '\0';
        if (page < AGORA_REGION_FRAMES) {
            out->frame = r[i].frames[page];
            out->refs = r[i].refs[page];
            out->writable = (r[i].writable >> page) & 1;
            ret = 0;
        }
        break;
    }
    free(r);
    return ret;
}

/* The change in meminfo over one operation. */
struct mm_delta {
    long free_frames;           /* > 0: frames came back */
    long cow_copies;
    long cow_reuses;
};

/* Both snapshots in one page, written before the first is taken. */
static struct agora_meminfo mm_snap[2] __attribute__((aligned(128)));

/* Run op(arg) between two meminfo snapshots and return the difference.
 * The stack below and the snapshot page are written first, so the only
 * faults between the snapshots are op's own. Another process that runs
 * meanwhile must not fault either (park it with mm_park). */
static __attribute__((noinline, unused)) struct mm_delta mm_measure(void (*op)(void *), void *arg)
{
    mm_own_stack();
    memset(mm_snap, 0, sizeof(mm_snap));
    syscall(AGORA_NR_meminfo, &mm_snap[0]);
    op(arg);
    syscall(AGORA_NR_meminfo, &mm_snap[1]);
    struct mm_delta d = {
        .free_frames = (long)mm_snap[1].free_frames - (long)mm_snap[0].free_frames,
        .cow_copies = (long)mm_snap[1].cow_copies - (long)mm_snap[0].cow_copies,
        .cow_reuses = (long)mm_snap[1].cow_reuses - (long)mm_snap[0].cow_reuses,
    };
    return d;
}

/* mm_measure's usual operation: write the byte arg points at. */
static __attribute__((noinline, unused)) void mm_op_write(void *arg)
{
    volatile char *p = arg;
    *p = (char)(*p + 1);
}

/* In a forked child: own the stack, set *ready to 1, sleep until killed.
 * Between *ready and the sleep it writes no page it shares. */
__attribute__((noreturn, unused)) static void mm_park(volatile int *ready)
{
    mm_own_stack();
    *ready = 1;
    for (;;)
        pause();
}

/* Kill a parked child and reap it. */
static inline void mm_unpark(pid_t pid)
{
    if (pid > 0) {
        kill(pid, SIGKILL);
        reap(pid);
    }
}

/* A wait status in words ("exit 0", "signal 9"), in a static buffer. */
static inline const char *mm_status(int status)
{
    static char buf[32];
    if (status == -1)
        snprintf(buf, sizeof(buf), "not reaped");
    else if (WIFEXITED(status))
        snprintf(buf, sizeof(buf), "exit %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(buf, sizeof(buf), "signal %d", WTERMSIG(status));
    else
        snprintf(buf, sizeof(buf), "status %#x", status);
    return buf;
}

/* Whether a wait status is death by signal sig. */
static inline int mm_killed_by(int status, int sig)
{
    return status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == sig;
}

/* Run fn(arg) in a child and return its wait status (for "this access
 * faults" checks). */
static inline int mm_in_child(void (*fn)(void *), void *arg)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        fn(arg);
        _exit(0);
    }
    return pid < 0 ? -1 : reap(pid);
}

/* Fault helpers for mm_in_child. */
static __attribute__((unused)) void mm_do_write(void *arg)
{
    *(volatile char *)arg = 1;
}

static __attribute__((unused)) void mm_do_read(void *arg)
{
    volatile char c = *(volatile char *)arg;
    (void)c;
}

#endif
