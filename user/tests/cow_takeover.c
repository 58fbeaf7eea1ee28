/*
 * cow_takeover: the two outcomes of a write to a copy-on-write page, as
 * meminfo and vmmap count them (issue 8).
 *
 *   A. Take-over. The parent writes a page, forks; the child exits without
 *      writing. The parent's write then finds no other mapping of the frame:
 *      it keeps the frame it had before fork, now writable with a count of
 *      1, and meminfo counts one cow_reuse, no cow_copy, no frame used.
 *   B. Copy. The same, but the child is alive (parked, holding the page):
 *      the parent's write copies, one cow_copy, one frame fewer free, a new
 *      frame with a count of 1; the child keeps the old frame, whose count
 *      drops to 1 and which still holds the old bytes.
 *   C. The converse of B: the child writes while the parent holds the page,
 *      then exits; the parent's own later write takes the old frame over.
 *
 * The pages are fresh anonymous mappings written after t_begin, so no
 * other process (t_begin's parent) shares them. Counts are taken with
 * mm_measure, which writes the stack it needs before its first count.
 */
#include <agora_mm_test.h>

struct ctl {
    volatile int ready;
    volatile int wrote;
    volatile int go;
};

static struct mm_page page_of(int pid, volatile char *p)
{
    struct mm_page m;
    if (mm_page(pid, p, &m) < 0)
        memset(&m, 0, sizeof(m));
    return m;
}

static void show(const char *when, const struct mm_page *m)
{
    printf("# %s: frame %#x refs %u writable %d\n", when, m->frame, m->refs, m->writable);
}

static void show_delta(const char *when, struct mm_delta d)
{
    printf("# %s: free frames %+ld, cow_copies %+ld, cow_reuses %+ld\n", when, d.free_frames,
           d.cow_copies, d.cow_reuses);
}

static volatile char *new_page(char fill)
{
    char *p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    memset(p, fill, PG);
    return p;
}

static void takeover(void)
{
    volatile char *p = new_page('a');
    T_OK(p != NULL, "A: mmap a private page and write it");
    if (!p)
        return;
    struct mm_page before = page_of(0, p);
    show("A: before fork", &before);
    T_OK(before.frame && before.writable, "A: before fork the page is present and writable");
    T_EQ(before.refs, 1, "A: and its frame has one reference");

    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0)
        _exit(p[0] == 'a' ? 0 : 1);     /* reads, never writes */
    struct mm_page shared = page_of(0, p);
    show("A: after fork", &shared);
    T_OK(MM_SAME_FRAME(shared.frame, before.frame) && !shared.writable,
         "A: after fork the parent maps the same frame read-only");
    int st = reap(pid);
    T_OK(exited_ok(st), "A: the child read the page and exited");

    struct mm_delta d = mm_measure(mm_op_write, (void *)p);
    show_delta("A: the parent's write", d);
    T_EQ(d.cow_reuses, 1, "A: the write took the page over (cow_reuses +1)");
    T_EQ(d.cow_copies, 0, "A: and copied nothing (cow_copies +0)");
    T_EQ(d.free_frames, 0, "A: and used no frame");
    struct mm_page after = page_of(0, p);
    show("A: after the write", &after);
    T_EQ(after.frame, before.frame, "A: the parent has its frame from before fork");
    T_OK(after.writable, "A: writable again");
    T_EQ(after.refs, 1, "A: with one reference");
    T_EQ(p[0], 'a' + 1, "A: holding the parent's write");
    T_EQ(p[PG - 1], 'a', "A: and the rest of the page");
    munmap((void *)p, PG);
}

static void copy(struct ctl *c)
{
    volatile char *p = new_page('b');
    T_OK(p != NULL, "B: mmap a private page and write it");
    if (!p)
        return;
    struct mm_page before = page_of(0, p);
    c->ready = 0;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0)
        mm_park(&c->ready);             /* holds the page until killed */
    T_OK(wait_flag(&c->ready, 1), "B: the child is parked");

    struct mm_delta d = mm_measure(mm_op_write, (void *)p);
    show_delta("B: the parent's write", d);
    T_EQ(d.cow_copies, 1, "B: the write copied the page (cow_copies +1)");
    T_EQ(d.cow_reuses, 0, "B: and took nothing over");
    T_EQ(d.free_frames, -1, "B: one frame fewer free");
    struct mm_page mine = page_of(0, p), theirs = page_of(pid, p);
    show("B: parent after the write", &mine);
    show("B: child after the parent's write", &theirs);
    T_OK(mine.frame && mine.frame != before.frame, "B: the parent has a new frame");
    T_OK(mine.writable && mine.refs == 1, "B: writable, one reference");
    T_EQ(theirs.frame, before.frame, "B: the child keeps the frame from before fork");
    T_EQ(theirs.refs, 1, "B: now with one reference");
    T_OK(!theirs.writable, "B: still read-only in the child until it writes");
    T_EQ(p[0], 'b' + 1, "B: the parent sees its write");
    T_EQ(p[1], 'b', "B: and the copied rest");
    mm_unpark(pid);
    munmap((void *)p, PG);
}

/* C: the child writes first (copies), exits; the parent takes over. */
static void child_first(struct ctl *c)
{
    volatile char *p = new_page('c');
    T_OK(p != NULL, "C: mmap a private page and write it");
    if (!p)
        return;
    struct mm_page before = page_of(0, p);
    struct agora_meminfo m0 = t_meminfo();
    c->wrote = 0;
    c->go = 0;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        p[0] = 'C';
        c->wrote = 1;
        if (!wait_flag(&c->go, 1))
            _exit(2);
        _exit(p[0] == 'C' && p[1] == 'c' ? 0 : 1);
    }
    T_OK(wait_flag(&c->wrote, 1), "C: the child wrote the page");
    struct mm_page mine = page_of(0, p), theirs = page_of(pid, p);
    show("C: parent after the child's write", &mine);
    show("C: child after its write", &theirs);
    T_OK(t_meminfo().cow_copies > m0.cow_copies, "C: the child's write was counted as a copy");
    T_EQ(mine.frame, before.frame, "C: the parent keeps its frame");
    T_OK(theirs.frame && theirs.frame != before.frame && theirs.writable,
         "C: the child has a writable frame of its own");
    T_EQ(mine.refs, 1, "C: the parent's frame has one reference left");
    T_OK(!mine.writable, "C: but stays read-only until the parent writes");
    T_EQ(p[0], 'c', "C: the parent does not see the child's write");
    c->go = 1;
    int st = reap(pid);
    T_OK(exited_ok(st), "C: the child saw its own write");

    struct mm_delta d = mm_measure(mm_op_write, (void *)p);
    show_delta("C: the parent's write", d);
    T_EQ(d.cow_reuses, 1, "C: the parent's write took its page over");
    T_EQ(d.cow_copies, 0, "C: without a copy");
    T_EQ(d.free_frames, 0, "C: and without a frame");
    struct mm_page after = page_of(0, p);
    T_OK(after.frame == before.frame && after.writable && after.refs == 1,
         "C: same frame, writable, one reference");
    munmap((void *)p, PG);
}

int main(void)
{
    t_begin("cow_takeover");
    struct ctl *c = mm_ctl(sizeof(*c));
    T_OK(c != NULL, "a shm control segment");
    if (!c)
        return t_end();
    /* What the cases call, once now: this process's heap (vmmap's buffer)
     * and stack must not grow between the first and the last count. */
    struct mm_page warm;
    mm_page(0, c, &warm);
    mm_own_stack();
    unsigned before = t_free_frames();
    takeover();
    copy(c);
    child_first(c);
    T_EQ(t_free_frames(), before, "every frame is back after the three cases");
    return t_end();
}
