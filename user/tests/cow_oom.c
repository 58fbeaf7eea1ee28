/*
 * cow_oom: a copy-on-write fault that finds no free frame kills the
 * faulting process with SIGKILL, as Linux's OOM killer would; the kernel
 * lives on and every frame comes back (issue 8).
 *
 * The same at any memory size (make test runs at 32M, 256M and 1G):
 *
 *   1. A child A maps a private region R of NPAGES pages and writes every
 *      page, then parks.
 *   2. A consumer E writes fresh pages until only about NPAGES / 2 frames
 *      are free, then parks. (Filling memory is what keeps this fast at
 *      1G: the copy that fails is small.)
 *   3. A forks a grandchild W (with copy-on-write the fork needs only a
 *      few frames: page tables), and W writes every page of R: each write
 *      copies a page, until no frame is left. W must die of SIGKILL after
 *      copying some but not all pages; A, which shares R with W, must
 *      live (it writes nothing W shares once memory is short).
 *   4. E and A go; free frames equal those before, and fork, exec and a
 *      4 MiB malloc work again.
 *
 * On a kernel that copies at fork, step 3's fork fails (ENOMEM): A
 * reports it and the check fails.
 */
#include <agora_mm_test.h>

#define NPAGES 512u

struct ctl {
    volatile int a_ready;
    volatile int e_ready;
    volatile int go;            /* the parent: memory is full, A may fork W */
    volatile int w_started;
    volatile unsigned w_pages;  /* pages of R that W has written */
    volatile int w_status;      /* W's wait status, as A saw it */
    volatile int fork_errno;    /* A's fork of W failed with this */
    volatile int a_done;
    volatile unsigned free_at_go;
    volatile unsigned e_pages;  /* pages E wrote */
};

/* A: map and write R, fork W on the parent's word, report W's end. */
static void writer_parent(struct ctl *c)
{
    char *r = mmap(NULL, NPAGES * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (r == MAP_FAILED)
        _exit(3);
    for (unsigned i = 0; i < NPAGES; i++)
        r[i * PG] = (char)i;
    mm_own_stack();
    c->a_ready = 1;
    if (!wait_flag(&c->go, 1))
        _exit(4);
    pid_t w = fork();
    if (w == 0) {
        /* W: make this stack W's own first, so that A's writes to it
         * (A shares it) take the page over instead of needing a frame. */
        mm_own_stack();
        c->w_started = 1;
        for (unsigned i = 0; i < NPAGES; i++) {
            r[i * PG + 1] = 1;          /* copies the page */
            c->w_pages = i + 1;
        }
        _exit(0);                       /* all copied: memory was not short */
    }
    if (w < 0) {
        c->fork_errno = errno;
        c->a_done = 1;
        _exit(5);
    }
    int st = reap(w);
    c->w_status = st;
    /* A's R is intact: W's copies were W's. */
    int ok = 1;
    for (unsigned i = 0; i < NPAGES; i++)
        ok &= r[i * PG] == (char)i && r[i * PG + 1] == 0;
    c->a_done = 1;
    _exit(ok ? 0 : 6);
}

/* E: write fresh pages until at most target frames are free, park. */
static void consumer(struct ctl *c, unsigned target)
{
    unsigned chunk = 256;               /* pages per mmap */
    unsigned pages = 0;
    for (;;) {
        unsigned free_now = t_free_frames();
        if (free_now <= target)
            break;
        unsigned want = free_now - target;
        unsigned n = want < chunk ? want : chunk;
        char *p = mmap(NULL, n * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            _exit(3);
        for (unsigned i = 0; i < n; i++) {
            p[i * PG] = 1;
            pages++;
        }
    }
    c->e_pages = pages;
    mm_park(&c->e_ready);
}

/* Let A fork W and wait for A. While W fills memory this process may
 * write only pages that neither A nor E shares: the stack below its
 * caller, which mm_own_stack made its own just before. */
static __attribute__((noinline)) int release_w(struct ctl *c, pid_t a)
{
    c->go = 1;
    return reap(a);
}

int main(void)
{
    t_begin("cow_oom");
    struct ctl *c = mm_ctl(sizeof(*c));
    T_OK(c != NULL, "a shm control segment");
    if (!c)
        return t_end();
    /* Run once what the parent calls while memory is full. */
    mm_own_stack();
    struct agora_meminfo m0 = t_meminfo();
    printf("# %u of %u frames free; R is %u pages\n", m0.free_frames, m0.total_frames, NPAGES);
    T_OK(m0.free_frames > 2 * NPAGES, "enough memory for the test");
    if (m0.free_frames <= 2 * NPAGES)
        return t_end();
    unsigned before = m0.free_frames;

    fflush(stdout);
    pid_t a = fork();
    if (a == 0)
        writer_parent(c);
    T_OK(a > 0 && wait_flag(&c->a_ready, 1), "A mapped and wrote R");

    unsigned target = NPAGES / 2;
    long t0 = now_ms();
    pid_t e = fork();
    if (e == 0)
        consumer(c, target);
    T_OK(e > 0 && wait_flag(&c->e_ready, 1), "E filled memory");
    c->free_at_go = t_free_frames();
    printf("# E wrote %u pages in %ld ms; %u frames free now\n", c->e_pages, now_ms() - t0,
           c->free_at_go);
    T_OK(c->free_at_go < NPAGES, "fewer frames free than R has pages");
    mm_own_stack();
    int ast = release_w(c, a);
    int wst = c->w_status;
    printf("# A: %s\n", mm_status(ast));      /* mm_status's buffer is static: one per line */
    printf("# W wrote %u of %u pages and ended with %s\n", c->w_pages, NPAGES,
           c->a_done && !c->fork_errno ? mm_status(wst) : "-");
    if (c->fork_errno)
        printf("# A's fork of W failed: %s\n", strerror(c->fork_errno));
    T_EQ(c->fork_errno, 0, "A could fork W with memory nearly full (fork copies no page)");
    T_OK(c->w_started, "W ran");
    T_OK(mm_killed_by(wst, SIGKILL), "W, out of frames in a copy-on-write fault, died of SIGKILL");
    T_OK(c->w_pages > 0 && c->w_pages < NPAGES, "after copying some pages, not all");
    T_OK(exited_ok(ast), "A, which shared R with W, lives on with R intact");
    mm_unpark(e);
    T_EQ(t_free_frames(), before, "every frame is back when A, W and E are gone");

    /* The kernel still works. */
    pid_t k = fork();
    if (k == 0) {
        char *p = malloc(4 << 20);
        if (!p)
            _exit(1);
        memset(p, 3, 4 << 20);
        _exit(0);
    }
    T_OK(exited_ok(reap(k)), "a new child can use 4 MiB");
    k = fork();
    if (k == 0) {
        char *argv[] = { "/bin/true", NULL };
        char *envp[] = { NULL };
        execve(argv[0], argv, envp);
        _exit(99);
    }
    T_OK(exited_ok(reap(k)), "exec works");
    T_EQ(t_free_frames(), before, "and every frame is back again");
    return t_end();
}
