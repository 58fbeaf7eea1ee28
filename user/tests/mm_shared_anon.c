/*
 * mm_shared_anon: MAP_SHARED|MAP_ANONYMOUS memory (issue 8), as on Linux:
 * zero-filled; shared with children across fork both ways, never copied
 * on write; munmap in one process leaves the others' view intact (and a
 * process forked later still shares it); mprotect is per process (read-only
 * makes a write fault with SIGSEGV there, and back to read-write the pages
 * are still the shared ones); the frames go back when the last process
 * unmaps them. vmmap shows kind AGORA_REGION_SHARED, not private, and the
 * same frames in every process.
 *
 * Turns are taken through a SysV shm control segment, so that a mapping
 * that does not share cannot hang the test.
 */
#include <agora_mm_test.h>

#define NPG 4u

struct ctl {
    volatile int step;          /* the parent's progress */
    volatile int child_step;    /* the child's */
    volatile long child_unmap_delta;    /* free frames gained by the child's munmap */
};

struct unmap_args {
    void *addr;
    size_t len;
    int ret;
};

static void op_unmap(void *arg)
{
    struct unmap_args *u = arg;
    u->ret = munmap(u->addr, u->len);
}

static int all_zero(const volatile char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

static char *map_shared(size_t len)
{
    return mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
}

/* Both ways across fork, vmmap in both, munmap in the child. */
static void both_ways(struct ctl *c, volatile char *p)
{
    p[0] = 'A';                         /* page 0 written before fork */
    c->step = c->child_step = 0;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        C_CHECK(p[0] == 'A', "the child sees the parent's write from before fork");
        C_CHECK(all_zero(p + PG, 3 * PG), "and zeros in the pages nobody wrote");
        p[PG] = 'c';                    /* page 1: first touched by the child */
        p[1] = 'd';                     /* page 0: written by both */
        c->child_step = 1;
        if (!wait_flag(&c->step, 1))
            child_exit();
        C_CHECK(p[2 * PG] == 'p', "the child sees the parent's write after fork");
        C_CHECK(p[2] == 'q', "in a page both wrote");
        C_CHECK(munmap((void *)p, NPG * PG) == 0, "the child unmaps the region");
        c->child_step = 2;
        child_exit();
    }
    T_OK(pid > 0 && wait_flag(&c->child_step, 1), "the child wrote");
    T_EQ(p[PG], 'c', "the parent sees the child's write in a page the child touched first");
    T_EQ(p[1], 'd', "and in a page the parent touched before fork");
    T_EQ(p[0], 'A', "its own write is still there");

    for (unsigned i = 0; i < 2; i++) {
        struct mm_page mp, mc;
        int okp = mm_page(0, p + i * PG, &mp) == 0;
        int okc = mm_page(pid, p + i * PG, &mc) == 0;
        char what[128];
        snprintf(what, sizeof(what), "vmmap: page %u is the same frame in parent and child", i);
        printf("# page %u: parent frame %#x refs %u writable %d, child frame %#x writable %d\n", i,
               mp.frame, mp.refs, mp.writable, mc.frame, mc.writable);
        T_OK(okp && okc && MM_SAME_FRAME(mp.frame, mc.frame), what);
        snprintf(what, sizeof(what), "vmmap: page %u is writable in both (shared, not copy-on-write)", i);
        T_OK(mp.writable && mc.writable, what);
        if (i == 0) {
            T_EQ(mp.kind, AGORA_REGION_SHARED, "vmmap: kind shared anonymous in the parent");
            T_EQ(mc.kind, AGORA_REGION_SHARED, "vmmap: and in the child");
            T_OK(!(mp.flags & AGORA_REGION_PRIVATE) && !(mc.flags & AGORA_REGION_PRIVATE),
                 "vmmap: not private");
        }
    }

    p[2 * PG] = 'p';                    /* page 2: first touched by the parent after fork */
    p[2] = 'q';
    c->step = 1;
    T_OK(wait_flag(&c->child_step, 2), "the child read the parent's writes and unmapped");
    int st = reap(pid);
    T_OK(exited_ok(st), "the child saw the parent's writes after fork");
    T_OK(p[0] == 'A' && p[1] == 'd' && p[2] == 'q' && p[PG] == 'c' && p[2 * PG] == 'p',
         "after the child's munmap and exit the parent's view is intact");
    p[3 * PG] = 'r';
    T_EQ(p[3 * PG], 'r', "and writable");
}

/* A process forked after the child's munmap shares the region too. */
static void later_child(struct ctl *c, volatile char *p)
{
    c->step = c->child_step = 0;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        C_CHECK(p[0] == 'A' && p[PG] == 'c' && p[3 * PG] == 'r', "a later child sees the region");
        p[3 * PG + 1] = 's';
        c->child_step = 1;
        if (!wait_flag(&c->step, 1))
            child_exit();
        C_CHECK(p[3 * PG + 2] == 't', "the later child sees the parent's write");
        child_exit();
    }
    T_OK(pid > 0 && wait_flag(&c->child_step, 1), "a child forked later wrote");
    T_EQ(p[3 * PG + 1], 's', "the parent sees the later child's write");
    p[3 * PG + 2] = 't';
    c->step = 1;
    T_OK(exited_ok(reap(pid)), "the later child saw the parent's write");
}

/* munmap in the parent while a child still maps it; the frames go back
 * with the last mapping only. */
static void parent_unmaps_first(struct ctl *c)
{
    unsigned n = 32;
    volatile char *q = map_shared(n * PG);
    T_OK(q != MAP_FAILED, "mmap 32 shared pages");
    if (q == MAP_FAILED)
        return;
    for (unsigned i = 0; i < n; i++)
        q[i * PG] = (char)(i + 1);
    c->step = c->child_step = 0;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        mm_own_stack();
        c->child_step = 1;
        if (!wait_flag(&c->step, 1))
            child_exit();
        int ok = 1;
        for (unsigned i = 0; i < n; i++)
            ok &= q[i * PG] == (char)(i + 1);
        C_CHECK(ok, "after the parent's munmap the child still sees every page");
        C_CHECK(q[5 * PG + 7] == 'x', "including the parent's last write");
        q[6 * PG] = 'y';
        C_CHECK(q[6 * PG] == 'y', "and can write");
        struct unmap_args u = { (void *)q, n * PG, -1 };
        c->child_unmap_delta = mm_measure(op_unmap, &u).free_frames;
        C_CHECK(u.ret == 0, "the child unmaps them");
        child_exit();
    }
    T_OK(pid > 0 && wait_flag(&c->child_step, 1), "a child holds the 32 pages");
    q[5 * PG + 7] = 'x';
    struct unmap_args u = { (void *)q, n * PG, -1 };
    long freed = mm_measure(op_unmap, &u).free_frames;
    T_EQ(u.ret, 0, "the parent unmaps them first");
    printf("# the parent's munmap: free frames %+ld\n", freed);
    T_OK(freed < (long)n, "the frames stay while the child maps them");
    c->step = 1;
    T_OK(exited_ok(reap(pid)), "the child's view survived the parent's munmap");
    printf("# the child's munmap: free frames %+ld\n", c->child_unmap_delta);
    T_OK(c->child_unmap_delta >= (long)n, "the last munmap gives the 32 frames back");
}

/* mprotect: per process, and it keeps the pages shared. */
static void protect(struct ctl *c, volatile char *p)
{
    c->step = c->child_step = 0;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        C_CHECK(mprotect((void *)p, PG, PROT_READ) == 0, "the child makes page 0 read-only");
        int st = mm_in_child(mm_do_write, (void *)p);
        C_CHECK(mm_killed_by(st, SIGSEGV), "a write to the read-only shared page: SIGSEGV");
        C_CHECK(mprotect((void *)p, PG, PROT_READ | PROT_WRITE) == 0, "and read-write again");
        p[10] = 'm';
        c->child_step = 1;
        if (!wait_flag(&c->step, 1))
            child_exit();
        C_CHECK(p[11] == 'n', "after the mprotect round trip the child still sees the parent");
        child_exit();
    }
    T_OK(pid > 0 && wait_flag(&c->child_step, 1), "the child changed its protection and wrote");
    T_EQ(p[10], 'm', "the parent sees the write made after the child's mprotect round trip");
    p[11] = 'n';
    T_EQ(p[11], 'n', "the parent's page stayed writable (mprotect is per process)");
    c->step = 1;
    T_OK(exited_ok(reap(pid)), "the child's checks");

    T_EQ(mprotect((void *)p, PG, PROT_READ), 0, "the parent makes page 0 read-only");
    T_OK(mm_killed_by(mm_in_child(mm_do_write, (void *)p), SIGSEGV),
         "a write to it in a child forked now: SIGSEGV");
    T_EQ(p[11], 'n', "the page still reads");
    T_EQ(mprotect((void *)p, PG, PROT_READ | PROT_WRITE), 0, "back to read-write");
}

int main(void)
{
    t_begin("mm_shared_anon");
    struct ctl *c = mm_ctl(sizeof(*c));
    T_OK(c != NULL, "a shm control segment");
    if (!c)
        return t_end();
    /* What the parent calls later, once now: its heap and stack must not
     * grow between the two counts of free frames. */
    struct mm_page warm;
    mm_page(0, c, &warm);
    mm_own_stack();
    unsigned before = t_free_frames();

    volatile char *p = map_shared(NPG * PG);
    if (p == MAP_FAILED)
        printf("# mmap(MAP_SHARED|MAP_ANONYMOUS): %s\n", strerror(errno));
    T_OK(p != MAP_FAILED, "mmap MAP_SHARED|MAP_ANONYMOUS, 4 pages");
    if (p == MAP_FAILED)
        return t_end();
    T_OK(((uintptr_t)p & (PG - 1)) == 0, "page aligned");
    T_OK(all_zero(p, NPG * PG), "zero-filled");

    both_ways(c, p);
    later_child(c, p);
    protect(c, p);
    parent_unmaps_first(c);

    T_EQ(munmap((void *)p, NPG * PG), 0, "munmap the 4 pages");
    volatile char *z = map_shared(PG);
    T_OK(z != MAP_FAILED && all_zero(z, PG), "a new shared mapping reads zero (no stale frame)");
    if (z != MAP_FAILED)
        munmap((void *)z, PG);
    T_ERRNO(mmap(NULL, PG, PROT_READ, MAP_SHARED_VALIDATE | MAP_ANONYMOUS, -1, 0), EINVAL,
            "MAP_SHARED|MAP_PRIVATE anonymous: EINVAL");
    T_ERRNO(mmap(NULL, PG, PROT_READ, MAP_ANONYMOUS, -1, 0), EINVAL,
            "neither MAP_SHARED nor MAP_PRIVATE: EINVAL");
    T_ERRNO(mmap(NULL, 0, PROT_READ, MAP_SHARED | MAP_ANONYMOUS, -1, 0), EINVAL, "length 0: EINVAL");
    T_EQ(t_free_frames(), before, "free frames equal those before");
    return t_end();
}
