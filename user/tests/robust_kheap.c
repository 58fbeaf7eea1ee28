/*
 * robust_kheap: unprivileged processes cannot fill the kernel heap.
 *
 * Every region of an address space is a kernel-heap block, and mprotect of
 * every other page of a large mapping makes each page its own region. Here
 * NKIDS children of an unprivileged user each map SPAN bytes and split
 * them that way, from the top down (so each call is cheap), until
 * mprotect fails. While they all still hold their regions, root and a
 * second unprivileged user must still be able to fork, shmget, open and
 * mmap; then the children are killed and the heap must come back to what
 * it was. Each child's mprotect must have failed with ENOMEM (never
 * anything else), at the per-process region limit (AGORA_MAX_MAP_COUNT).
 *
 * Before the limit existed, the children filled the whole 64 MiB heap
 * (the heap has room for about 1.4 million regions) and then fork, shmget
 * and mmap failed for everyone.
 */
#include <agora_test.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>

#define PG 4096
#define NKIDS 4
#define SPAN 0x60000000u                /* 1.5 GiB each: 393216 pages, untouched */
#define SPLITTER_UID 1000
#define OTHER_UID 2000

/* What each child reports through a shared page. */
struct report {
    volatile int done;                  /* 1 when it stopped splitting */
    volatile int calls;                 /* successful mprotect calls */
    volatile int err;                   /* errno of the failed one (0: none failed) */
    volatile int regions;               /* its region count at the end (vmmap) */
};

static int region_count(void)
{
    return (int)syscall(AGORA_NR_vmmap, 0, NULL, 0);
}

/* A child: become the unprivileged user, map and split, report, wait. */
__attribute__((noreturn)) static void splitter(struct report *rep)
{
    if (setuid(SPLITTER_UID) < 0)
        _exit(10);
    char *base = mmap(NULL, SPAN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) {
        rep->err = errno;
        rep->done = 1;
        for (;;)
            pause();
    }
    /* Pages 1, 3, 5... from the top: each call splits off one page above
     * a still-unsplit remainder, so the list walk stays short. */
    int calls = 0;
    rep->err = 0;
    for (long pg = SPAN / PG - 2; pg >= 0; pg -= 2) {
        if (mprotect(base + pg * PG, PG, PROT_READ) < 0) {
            rep->err = errno;
            break;
        }
        calls++;
    }
    rep->calls = calls;
    rep->regions = region_count();
    rep->done = 1;
    for (;;)
        pause();
}

/* fork, shmget (and attach and touch), open and mmap (and touch) must all
 * work; a bit per failure in the result. */
static int everyday_calls(void)
{
    int bad = 0;
    pid_t pid = fork();
    if (pid == 0)
        _exit(42);
    int st = 0;
    if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 42)
        bad |= 1;
    int id = shmget(IPC_PRIVATE, 4 * PG, IPC_CREAT | 0600);
    if (id < 0) {
        bad |= 2;
    } else {
        char *a = shmat(id, NULL, 0);
        if (a == (char *)-1) {
            bad |= 2;
        } else {
            a[0] = 1;
            shmdt(a);
        }
        shmctl(id, IPC_RMID, NULL);
    }
    int fd = open("/etc/passwd", O_RDONLY);
    char c;
    if (fd < 0 || read(fd, &c, 1) != 1)
        bad |= 4;
    if (fd >= 0)
        close(fd);
    char *m = mmap(NULL, 16 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) {
        bad |= 8;
    } else {
        m[0] = m[15 * PG] = 1;
        munmap(m, 16 * PG);
    }
    return bad;
}

/* everyday_calls in a child running as uid; all bits set if that fails. */
static int everyday_calls_as(uid_t uid)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(setuid(uid) < 0 ? 0xff : everyday_calls());
    int st = 0;
    if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
        return 0xff;
    return WEXITSTATUS(st);
}

static void check_everyday(const char *who, int bad)
{
    static const char *names[] = { "fork", "shmget+shmat", "open+read", "mmap" };
    for (int i = 0; i < 4; i++) {
        char what[128];
        snprintf(what, sizeof(what), "%s: %s works while the splitters hold their regions",
                 who, names[i]);
        T_OK(!(bad & (1 << i)), what);
    }
}

int main(void)
{
    t_begin("robust_kheap");
    int rid = shmget(IPC_PRIVATE, PG, IPC_CREAT | 0600);
    struct report *reps = rid >= 0 ? shmat(rid, NULL, 0) : (void *)-1;
    T_OK(reps != (void *)-1, "a shared page for the children's reports");
    if (reps == (void *)-1)
        return t_end();
    shmctl(rid, IPC_RMID, NULL);        /* goes away with the last detach */
    memset(reps, 0, PG);
    unsigned heap_before = t_meminfo().kheap_bytes;

    pid_t kids[NKIDS];
    long t0 = now_ms();
    for (int i = 0; i < NKIDS; i++) {
        kids[i] = fork();
        if (kids[i] == 0)
            splitter(&reps[i]);
    }
    /* Wait for every child to stop splitting (a shared flag, no sleeps). */
    for (int i = 0; i < NKIDS; i++)
        while (kids[i] > 0 && !reps[i].done)
            sched_yield();
    long took = now_ms() - t0;
    unsigned heap_full = t_meminfo().kheap_bytes;

    for (int i = 0; i < NKIDS; i++) {
        char what[160];
        snprintf(what, sizeof(what), "child %d: mprotect stopped with ENOMEM after %d splits, "
                 "%d regions (errno %d)", i, reps[i].calls, reps[i].regions, reps[i].err);
        T_OK(kids[i] > 0 && reps[i].err == ENOMEM, what);
        /* Each call splits one page out of the middle (two more regions),
         * so the last one that fits leaves the count at the limit or one
         * below it. */
        snprintf(what, sizeof(what), "child %d: stopped at the region limit (%d regions, limit %d)",
                 i, reps[i].regions, AGORA_MAX_MAP_COUNT);
        T_OK(reps[i].regions >= AGORA_MAX_MAP_COUNT - 1 && reps[i].regions <= AGORA_MAX_MAP_COUNT,
             what);
    }
    char what[160];
    snprintf(what, sizeof(what), "the splitters took %u KiB of kernel heap in %ld ms (below 16 MiB)",
             (heap_full - heap_before) / 1024, took);
    T_OK(heap_full - heap_before < (16u << 20), what);

    check_everyday("root", everyday_calls());
    check_everyday("another user", everyday_calls_as(OTHER_UID));
    check_everyday("the splitters' user", everyday_calls_as(SPLITTER_UID));
    int st = 0;

    for (int i = 0; i < NKIDS; i++)
        if (kids[i] > 0)
            kill(kids[i], SIGKILL);
    int reaped = 0;
    for (int i = 0; i < NKIDS; i++)
        if (kids[i] > 0 && waitpid(kids[i], &st, 0) == kids[i] && WIFSIGNALED(st))
            reaped++;
    T_EQ(reaped, NKIDS, "every splitter killed and reaped");
    unsigned heap_after = t_meminfo().kheap_bytes;
    snprintf(what, sizeof(what), "the kernel heap came back (%u bytes before, %u after)",
             heap_before, heap_after);
    T_OK(heap_after == heap_before, what);
    shmdt(reps);
    return t_end();
}
