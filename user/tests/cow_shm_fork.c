/*
 * cow_shm_fork: a System V segment attached before fork stays shared
 * after it, never copy-on-write, including a SHM_RDONLY attachment
 * (issue 8: "shm: a segment attached before fork is still shared after
 * it").
 *
 * The parent attaches one 3-page segment twice, read-write at w and
 * SHM_RDONLY at ro, writes page 0 and forks.
 *   - The child sees the parent's bytes through both attachments; its
 *     writes through w (to page 0, touched before fork, and page 1,
 *     touched first by the child) are seen by the parent through w and ro.
 *   - The parent's writes after fork (page 0 and page 2, new) are seen by
 *     the child through w and through its SHM_RDONLY attachment ro.
 *   - vmmap: both attachments are kind shm with the segment's id and map
 *     the same frames in parent and child; the read-write attachment stays
 *     writable in both after fork (copy-on-write would make it read-only),
 *     the SHM_RDONLY one is never writable.
 *   - A write through ro is SIGSEGV, in the child and in a grandchild.
 */
#include <agora_mm_test.h>

struct ctl {
    volatile int child_wrote;
    volatile int parent_wrote;
    volatile int child_read;        /* the child touched every page through both */
    volatile int vm_done;           /* the parent has looked at the frames */
};

static void child(struct ctl *c, volatile char *w, volatile char *ro)
{
    C_CHECK(w[0] == 'P' && ro[0] == 'P', "the child sees the parent's byte through both attachments");
    w[1] = 'c';                         /* page 0: touched before fork */
    w[PG] = 'C';                        /* page 1: first touched here */
    C_CHECK(ro[1] == 'c' && ro[PG] == 'C', "the child sees its own writes through its SHM_RDONLY attachment");
    c->child_wrote = 1;
    if (!wait_flag(&c->parent_wrote, 1))
        child_exit();
    C_CHECK(w[2] == 'p' && w[2 * PG] == 'Q', "the child sees the parent's writes after fork through w");
    C_CHECK(ro[2] == 'p' && ro[2 * PG] == 'Q', "and through its SHM_RDONLY attachment");
    C_CHECK(w[PG + 1] == 0 && ro[PG + 1] == 0, "bytes nobody wrote are zero");
    c->child_read = 1;
    if (!wait_flag(&c->vm_done, 1))
        child_exit();
    int st = mm_in_child(mm_do_write, (void *)(ro + 5));
    C_CHECK(mm_killed_by(st, SIGSEGV), "a write through the SHM_RDONLY attachment in a grandchild: SIGSEGV");
    C_CHECK(w[5] == 0, "and it changed nothing");
    child_exit();
}

static void check_frames(pid_t pid, volatile char *w, volatile char *ro, int id)
{
    for (unsigned i = 0; i < 3; i++) {
        struct mm_page pw, pr, cw, cr;
        int ok = mm_page(0, w + i * PG, &pw) == 0;
        ok &= mm_page(0, ro + i * PG, &pr) == 0;
        ok &= mm_page(pid, w + i * PG, &cw) == 0;
        ok &= mm_page(pid, ro + i * PG, &cr) == 0;
        printf("# page %u: parent w %#x (wr %d) ro %#x (wr %d); child w %#x (wr %d) ro %#x (wr %d)\n", i,
               pw.frame, pw.writable, pr.frame, pr.writable, cw.frame, cw.writable, cr.frame, cr.writable);
        char what[128];
        snprintf(what, sizeof(what), "vmmap: page %u is one frame in both attachments of both processes", i);
        T_OK(ok && MM_SAME_FRAME(pw.frame, pr.frame) && MM_SAME_FRAME(pw.frame, cw.frame) &&
             MM_SAME_FRAME(pw.frame, cr.frame), what);
        snprintf(what, sizeof(what), "vmmap: page %u is writable through w in both (not copy-on-write)", i);
        T_OK(pw.writable && cw.writable, what);
        snprintf(what, sizeof(what), "vmmap: page %u is never writable through the SHM_RDONLY attachment", i);
        T_OK(!pr.writable && !cr.writable, what);
        if (i == 0) {
            T_OK(pw.kind == AGORA_REGION_SHM && cw.kind == AGORA_REGION_SHM && cr.kind == AGORA_REGION_SHM,
                 "vmmap: kind shm");
            T_OK(pw.shmid == id && cw.shmid == id && cr.shmid == id, "vmmap: the segment's id");
        }
    }
}

int main(void)
{
    t_begin("cow_shm_fork");
    struct ctl *c = mm_ctl(sizeof(*c));
    int id = shmget(IPC_PRIVATE, 3 * PG, IPC_CREAT | 0600);
    T_OK(c != NULL && id >= 0, "a control segment and a 3-page segment");
    if (!c || id < 0)
        return t_end();
    volatile char *w = shmat(id, NULL, 0);
    volatile char *ro = shmat(id, NULL, SHM_RDONLY);
    shmctl(id, IPC_RMID, NULL);         /* goes with the last detach */
    T_OK(w != AT_FAILED && ro != AT_FAILED, "attach it read-write and SHM_RDONLY");
    if (w == AT_FAILED || ro == AT_FAILED)
        return t_end();
    w[0] = 'P';
    T_EQ(ro[0], 'P', "the SHM_RDONLY attachment shows the write");

    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0)
        child(c, w, ro);
    T_OK(pid > 0 && wait_flag(&c->child_wrote, 1), "the child wrote through w");
    T_OK(w[1] == 'c' && w[PG] == 'C', "the parent sees the child's writes through w");
    T_OK(ro[1] == 'c' && ro[PG] == 'C', "and through its SHM_RDONLY attachment");
    w[2] = 'p';
    w[2 * PG] = 'Q';                    /* page 2: first touched after fork */
    T_EQ(w[0], 'P', "the parent's own byte from before fork is unchanged");
    c->parent_wrote = 1;
    T_OK(wait_flag(&c->child_read, 1), "the child read every page through both attachments");
    T_OK(ro[0] == 'P' && ro[2 * PG] == 'Q', "so has the parent, through the SHM_RDONLY attachment");
    check_frames(pid, w, ro, id);
    c->vm_done = 1;
    int st = reap(pid);
    if (!exited_ok(st))
        printf("# child: %s\n", mm_status(st));
    T_OK(exited_ok(st), "the child saw the parent's later writes through both attachments");
    T_OK(mm_killed_by(mm_in_child(mm_do_write, (void *)ro), SIGSEGV),
         "a write through the SHM_RDONLY attachment in another child: SIGSEGV");
    T_EQ(ro[0], 'P', "the segment holds the parent's byte");
    T_EQ(shmdt((void *)w), 0, "shmdt w");
    T_EQ(shmdt((void *)ro), 0, "shmdt ro");
    return t_end();
}
