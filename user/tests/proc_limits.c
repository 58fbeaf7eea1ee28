/*
 * proc_limits: running out of process slots and of heap address space.
 *
 * Forking until fork fails must give EAGAIN (the table has 64 slots), the
 * children are then killed and reaped, and fork works again (twice, to see
 * that the slots really came back). brk/sbrk refuse growth that cannot
 * fit (ENOMEM, break unchanged; raw brk returns the old break, as Linux),
 * malloc of absurd sizes returns NULL, and the heap keeps working.
 */
#include <agora_test.h>
#include <signal.h>
#include <stdint.h>

#define MAX_KIDS 200

static pid_t kids[MAX_KIDS];

/* Fork pausing children until fork fails; returns how many were made and
 * the errno of the failure in *err (0 if MAX_KIDS were made). */
static int fork_until_full(int *err)
{
    int n = 0;
    *err = 0;
    while (n < MAX_KIDS) {
        pid_t pid = fork();
        if (pid == 0) {
            for (;;)
                pause();
        }
        if (pid < 0) {
            *err = errno;
            break;
        }
        kids[n++] = pid;
    }
    return n;
}

/* SIGKILL and reap the n children; returns how many died by SIGKILL. */
static int kill_all(int n)
{
    int killed = 0;
    for (int i = 0; i < n; i++)
        kill(kids[i], SIGKILL);
    for (int i = 0; i < n; i++) {
        int st = 0;
        if (waitpid(kids[i], &st, 0) == kids[i] && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)
            killed++;
    }
    return killed;
}

static void test_process_table(void)
{
    for (int round = 1; round <= 2; round++) {
        int err;
        int n = fork_until_full(&err);
        char what[96];
        snprintf(what, sizeof(what), "round %d: fork fails with EAGAIN when the table is full", round);
        T_EQ(err, EAGAIN, what);
        snprintf(what, sizeof(what), "round %d: made %d children (at most 64 slots in all)", round, n);
        T_OK(n > 10 && n < 64, what);
        /* Any further fork fails the same way, and nothing is half-made. */
        unsigned before = t_free_frames();
        errno = 0;
        pid_t extra = fork();
        if (extra == 0)
            _exit(0);
        snprintf(what, sizeof(what), "round %d: one more fork: -1 EAGAIN", round);
        T_OK(extra == -1 && errno == EAGAIN, what);
        snprintf(what, sizeof(what), "round %d: a failed fork frees what it took", round);
        T_EQ(t_free_frames(), before, what);
        snprintf(what, sizeof(what), "round %d: every child died by SIGKILL and was reaped", round);
        T_EQ(kill_all(n), n, what);
        T_ERRNO(waitpid(-1, NULL, WNOHANG), ECHILD, "no children left");

        pid_t pid = fork();
        if (pid == 0)
            _exit(7);
        int st = 0;
        T_OK(pid > 0, "fork works again after the table emptied");
        waitpid(pid, &st, 0);
        T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 7, "and the new child runs normally");
    }
}

static void test_brk(void)
{
    char *start = sbrk(0);
    T_OK(start != (char *)-1, "sbrk(0) gives the break");

    /* Growth by 1 MiB: every page usable and zero-filled. */
    char *p = sbrk(1 << 20);
    T_OK(p == start, "sbrk(1 MiB) returns the old break");
    T_OK(sbrk(0) == start + (1 << 20), "the break moved by 1 MiB");
    int zero = 1, kept = 1;
    for (int off = 0; off < (1 << 20); off += 4096)
        zero &= p[off] == 0 && p[off + 4095] == 0;
    for (int off = 0; off < (1 << 20); off += 4096)
        p[off] = (char)(off >> 12);
    for (int off = 0; off < (1 << 20); off += 4096)
        kept &= p[off] == (char)(off >> 12);
    T_OK(zero, "new heap pages read as zero");
    T_OK(kept, "new heap pages keep what is written");
    T_OK(sbrk(-(1 << 20)) != (void *)-1, "sbrk(-1 MiB) shrinks back");
    T_OK(sbrk(0) == start, "the break is back where it started");

    /* Impossible growth: ENOMEM, break unchanged. (A single sbrk of 2 GiB
     * may fit: the heap starts near 128 MiB and user space ends at 3 GiB.) */
    T_ERRNO(brk((void *)0xBFFF0000), ENOMEM, "brk(0xBFFF0000) (into the stack region)");
    T_OK(sbrk(0) == start, "a failed brk leaves the break alone");
    T_ERRNO(brk((void *)0xC0000000), ENOMEM, "brk(0xC0000000) (kernel space)");
    T_ERRNO(brk((void *)0xFFFFF000), ENOMEM, "brk(0xFFFFF000)");
    T_OK(sbrk(0) == start, "the break is still unchanged");

    /* The raw system call never fails: it returns the (unchanged) break. */
    long cur = syscall(SYS_brk, 0);
    T_EQ(cur, (long)(uintptr_t)start, "raw brk(0) returns the current break");
    T_EQ(syscall(SYS_brk, 0xC0000000u), cur, "raw brk(0xC0000000) returns the old break");
    T_EQ(syscall(SYS_brk, 0x1000), cur, "raw brk(0x1000) (below the program) returns the old break");
    T_EQ(syscall(SYS_brk, 0), cur, "the break is still where it was");

    /* Grow in big steps until refused: sbrk(2 GiB - 4 KiB) twice cannot
     * both fit; then 64 MiB steps until refused, which must happen below
     * 3 GiB. The step that failed must not have moved the break. */
    char *first = sbrk(0x7ffff000);
    T_ERRNO(sbrk(0x7ffff000), ENOMEM, "a second sbrk(2 GiB - 4 KiB) does not fit: ENOMEM");
    T_OK(sbrk(0) == (first == (char *)-1 ? start : start + 0x7ffff000),
         "the refused sbrk left the break alone");
    int steps = 0;
    char *last = sbrk(0);
    while (steps < 64) {
        char *q = sbrk(64 << 20);
        if (q == (char *)-1)
            break;
        last = sbrk(0);
        steps++;
    }
    char what[80];
    snprintf(what, sizeof(what), "heap growth stops below 3 GiB (then %d x 64 MiB, break %p)",
             steps, (void *)last);
    T_OK(steps < 48 && (uintptr_t)last <= 0xC0000000u, what);
    T_OK(sbrk(0) == last, "the refused step left the break alone");
    last[-1] = 1;                       /* the top page of the huge heap works */
    T_EQ(last[-1], 1, "the last heap page is usable");
    T_EQ(brk(start), 0, "brk back to the start");
    T_OK(sbrk(0) == start, "the break is back");
}

/* Sizes the compiler cannot see (it would refuse the absurd constants). */
static volatile size_t sz_2g = 0x7fffffff, sz_max = (size_t)-1, sz_max_page = (size_t)-4096;
static volatile size_t n_64k = 0x10000, n_64k1 = 0x10001;

static void test_malloc(void)
{
    errno = 0;
    void *p = malloc(sz_2g);
    T_OK(p == NULL, "malloc(0x7fffffff) returns NULL");
    T_EQ(errno, ENOMEM, "and sets ENOMEM");
    free(p);
    p = malloc(sz_max);
    T_OK(p == NULL, "malloc(SIZE_MAX) returns NULL");
    p = malloc(sz_max_page);
    T_OK(p == NULL, "malloc(SIZE_MAX - 4095) returns NULL");
    p = calloc(n_64k, n_64k1);
    T_OK(p == NULL, "calloc whose size overflows returns NULL");
    char *volatile orig = malloc(16);
    if (orig)
        memcpy(orig, "0123456789abcde", 16);
    void *q = realloc(orig, sz_2g);
    T_OK(q == NULL, "realloc to 2 GiB returns NULL");
    T_OK(orig && memcmp(orig, "0123456789abcde", 16) == 0,
         "the original block survives the failed realloc");
    free(q ? q : orig);

    /* The heap keeps working: many blocks, contents intact. */
    enum { N = 200 };
    static char *blocks[N];
    int good = 1;
    for (int i = 0; i < N; i++) {
        blocks[i] = malloc(100 + i * 37);
        if (!blocks[i]) {
            good = 0;
            break;
        }
        memset(blocks[i], i & 0xff, 100 + i * 37);
    }
    for (int i = 0; i < N && good; i++)
        for (int j = 0; j < 100 + i * 37; j++)
            if ((unsigned char)blocks[i][j] != (i & 0xff)) {
                good = 0;
                break;
            }
    T_OK(good, "the heap works after failed huge requests (200 blocks, contents intact)");
    for (int i = 0; i < N; i++)
        free(blocks[i]);
    p = malloc(1 << 20);
    T_OK(p != NULL, "malloc(1 MiB) works");
    if (p)
        memset(p, 1, 1 << 20);
    free(p);
}

int main(void)
{
    t_begin("proc_limits");
    test_process_table();
    test_brk();
    test_malloc();
    return t_end();
}
