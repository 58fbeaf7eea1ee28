/*
 * cow_chain: copy-on-write through two forks (issue 8). The parent P
 * writes four pages (static data, .bss, heap, anonymous mmap: four pages
 * each), forks a child C, which forks a grandchild G. Right after G's fork
 * the three processes map each page with one frame (vmmap: the same frame,
 * at least 3 references). Then, in turns,
 *
 *   step 1: G writes page 0          step 3: P writes pages 1 and 2
 *   step 2: C writes pages 0 and 1   step 4: G writes pages 2 and 3
 *
 * and after every step all three check every page: each sees its own last
 * write, or the bytes from before the forks where it has not written. At
 * the end page 3 (written only by G) is still one frame in P and C, page 0
 * is three different frames, and once C and G are gone the parent's free
 * frames are what they were before the first fork.
 */
#include <agora_mm_test.h>

#define NPAGE 4
#define NSTEP 4
#define NAREA 4
enum { P, C, G, NPROC };

static char data_area[NPAGE * PG] __attribute__((aligned(4096))) = { 1 };
static char bss_area[NPAGE * PG] __attribute__((aligned(4096)));

/* writer[s][k]: who writes page k at step s + 1, or -1. */
static const int writer[NSTEP][NPAGE] = {
    { G, -1, -1, -1 },
    { C, C, -1, -1 },
    { -1, P, P, -1 },
    { -1, -1, G, G },
};

struct ctl {
    volatile int pid[NPROC];
    volatile int forked;            /* G exists */
    volatile int vm_checked;        /* P looked at the frames */
    volatile int written[NSTEP + 1];
    volatile int checked[NSTEP + 1][NPROC];
    volatile int bad[NPROC];        /* failed checks in C and G */
    volatile int done[NPROC];       /* the end checks may start, then exit */
};

static volatile char *area[NAREA];
static const char *area_name[NAREA] = { "static data", "bss", "heap", "anonymous mmap" };
static const int offs[] = { 0, 777, PG - 1 };

/* What process me sees in page k of area a after step s (0: before any). */
static char expected(int me, int a, int k, int s)
{
    char v = (char)(0x20 + a * 16 + k);         /* the parent's bytes from before fork */
    for (int t = 0; t < s; t++)
        if (writer[t][k] == me)
            v = (char)(0x80 + me * 32 + t * 8 + a * 2 + (k & 1));
    return v;
}

static int check_all(int me, int s)
{
    int bad = 0;
    for (int a = 0; a < NAREA; a++)
        for (int k = 0; k < NPAGE; k++)
            for (unsigned o = 0; o < sizeof(offs) / sizeof(offs[0]); o++) {
                char want = expected(me, a, k, s);
                char got = area[a][k * PG + offs[o]];
                if (got != want) {
                    if (bad++ < 4)
                        printf("# %c after step %d: %s page %d offset %d: %#x, want %#x\n",
                               "PCG"[me], s, area_name[a], k, offs[o], got & 0xff, want & 0xff);
                }
            }
    return bad;
}

/* One process's part: the steps in order, writing its own, checking all. */
static int run_steps(struct ctl *c, int me)
{
    int bad = 0;
    for (int s = 1; s <= NSTEP; s++) {
        if (!wait_flag(&c->checked[s - 1][P], 1) || !wait_flag(&c->checked[s - 1][C], 1) ||
            !wait_flag(&c->checked[s - 1][G], 1))
            return bad + 100;
        int mine = 0;
        for (int k = 0; k < NPAGE; k++)
            mine |= writer[s - 1][k] == me;
        if (mine) {
            for (int a = 0; a < NAREA; a++)
                for (int k = 0; k < NPAGE; k++)
                    if (writer[s - 1][k] == me)
                        for (unsigned o = 0; o < sizeof(offs) / sizeof(offs[0]); o++)
                            area[a][k * PG + offs[o]] = expected(me, a, k, s);
            c->written[s] = 1;
        } else if (!wait_flag(&c->written[s], 1)) {
            return bad + 100;
        }
        bad += check_all(me, s);
        c->checked[s][me] = 1;
    }
    return bad;
}

static void grandchild(struct ctl *c)
{
    c->pid[G] = getpid();
    int bad = check_all(G, 0);
    c->checked[0][G] = 1;
    c->forked = 1;
    if (!wait_flag(&c->vm_checked, 1))
        _exit(100);
    bad += run_steps(c, G);
    c->bad[G] = bad;
    c->done[G] = 1;
    wait_flag(&c->done[P], 1);
    _exit(bad ? 1 : 0);
}

static void child(struct ctl *c)
{
    c->pid[C] = getpid();
    int bad = check_all(C, 0);
    c->checked[0][C] = 1;
    fflush(stdout);
    pid_t g = fork();
    if (g == 0)
        grandchild(c);
    if (g < 0)
        _exit(101);
    bad += run_steps(c, C);
    c->bad[C] = bad;
    c->done[C] = 1;
    wait_flag(&c->done[P], 1);
    int st = reap(g);
    if (!exited_ok(st))
        printf("# grandchild: %s\n", mm_status(st));
    _exit(bad ? 1 : exited_ok(st) ? 0 : 2);
}

static void check_frames_shared(struct ctl *c)
{
    for (int a = 0; a < NAREA; a++)
        for (int k = 0; k < NPAGE; k++) {
            struct mm_page m[NPROC];
            int ok = 1;
            for (int i = 0; i < NPROC; i++)
                ok &= mm_page(i == P ? 0 : c->pid[i], area[a] + k * PG, &m[i]) == 0;
            char what[128];
            snprintf(what, sizeof(what), "after both forks, %s page %d: one frame in P, C and G, refs >= 3",
                     area_name[a], k);
            ok = ok && MM_SAME_FRAME(m[P].frame, m[C].frame) && MM_SAME_FRAME(m[P].frame, m[G].frame) &&
                 m[P].refs >= 3;
            if (!ok)
                printf("# frames P %#x C %#x G %#x, refs %u\n", m[P].frame, m[C].frame, m[G].frame,
                       m[P].refs);
            T_OK(ok, what);
        }
}

static void check_frames_end(struct ctl *c)
{
    for (int a = 0; a < NAREA; a++) {
        struct mm_page m0[NPROC], m3[NPROC];
        for (int i = 0; i < NPROC; i++) {
            mm_page(i == P ? 0 : c->pid[i], area[a], &m0[i]);
            mm_page(i == P ? 0 : c->pid[i], area[a] + 3 * PG, &m3[i]);
        }
        char what[128];
        snprintf(what, sizeof(what), "at the end, %s page 0 (written by G, then C): three frames",
                 area_name[a]);
        T_OK(m0[P].frame && m0[C].frame && m0[G].frame && m0[P].frame != m0[C].frame &&
             m0[P].frame != m0[G].frame && m0[C].frame != m0[G].frame, what);
        snprintf(what, sizeof(what), "at the end, %s page 3 (written by G only): P and C share a frame, refs 2",
                 area_name[a]);
        T_OK(MM_SAME_FRAME(m3[P].frame, m3[C].frame) && m3[G].frame != m3[P].frame && m3[P].refs == 2, what);
    }
}

int main(void)
{
    t_begin("cow_chain");
    char *heap = malloc((NPAGE + 1) * PG);      /* first: in vmmap's first 16 heap pages */
    area[2] = (char *)(((uintptr_t)heap + PG - 1) & ~(uintptr_t)(PG - 1));
    struct ctl *c = mm_ctl(sizeof(*c));
    T_OK(c != NULL, "a shm control segment");
    char *anon = mmap(NULL, NPAGE * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    T_OK(anon != MAP_FAILED, "mmap anonymous private pages");
    if (!c || anon == MAP_FAILED)
        return t_end();
    area[0] = data_area;
    area[1] = bss_area;
    area[3] = anon;
    for (int a = 0; a < NAREA; a++)
        for (int k = 0; k < NPAGE; k++)
            memset((char *)area[a] + k * PG, expected(P, a, k, 0), PG);
    c->pid[P] = getpid();
    /* The parent's own stack and heap must not grow between the two free
     * frame counts: run what it calls in between once now. */
    struct mm_page warm;
    mm_page(0, anon, &warm);
    mm_own_stack();
    printf("# %u frames free before the forks\n", t_free_frames());

    unsigned before = t_free_frames();
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0)
        child(c);
    T_OK(pid > 0, "fork the child");
    if (pid < 0)
        return t_end();
    T_EQ(check_all(P, 0), 0, "the parent's pages before the steps");
    c->checked[0][P] = 1;
    T_OK(wait_flag(&c->forked, 1), "the child forked the grandchild");
    check_frames_shared(c);
    c->vm_checked = 1;

    int bad = run_steps(c, P);
    T_EQ(bad, 0, "the parent saw its own writes and nobody else's at every step");
    T_OK(wait_flag(&c->done[C], 1) && wait_flag(&c->done[G], 1), "the child and grandchild finished the steps");
    T_EQ(c->bad[C], 0, "the child saw its own writes and nobody else's at every step");
    T_EQ(c->bad[G], 0, "the grandchild saw its own writes and nobody else's at every step");
    check_frames_end(c);
    c->done[P] = 1;
    int st = reap(pid);
    if (!exited_ok(st))
        printf("# child: %s\n", mm_status(st));
    T_OK(exited_ok(st), "the child and grandchild exited cleanly");
    T_EQ(check_all(P, NSTEP), 0, "the parent's pages after they exited");
    T_EQ(t_free_frames(), before, "free frames equal those before the forks");
    munmap(anon, NPAGE * PG);
    return t_end();
}
