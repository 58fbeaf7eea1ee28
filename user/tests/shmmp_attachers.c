/*
 * shmmp_attachers: many processes attaching one key on their own
 * (docs/shm.md "Lifetime"; LTP shmctl01's first nattch case).
 *
 *   A. 20 children each shmget the key (nothing inherited) and shmat NULL:
 *      nattch 0 -> 20 -> 0; each adds to a shared counter and its slot.
 *   B. Children killed by SIGKILL while attached (blocked on a flag):
 *      nattch falls back, the frames stay because the id still exists.
 *   C. IPC_RMID while others are attached: SHM_DEST, key 0, the key is
 *      free for a new segment, the attached keep reading and writing, a
 *      new attach by id still works; the last detach (a child's exit)
 *      frees the frames and the id then gives EINVAL.
 *
 * The control segment (flags) is private and inherited; the data segment
 * is reached by key. Synchronisation: shared flags and waitpid only.
 */
#include <agora_shm_test.h>
#include <sched.h>
#include <signal.h>
#include <time.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#define KEY     ((key_t)0x41675402)
#define NCHILD  20
#define NKILL   5
#define NHOLD   3
#define PAGE    4096

struct ctl {
    volatile int attached;
    volatile int detached;
    volatile int phase;
    volatile int new_attach_nattch[NHOLD];
};

struct data {
    volatile int counter;
    volatile int slot[NCHILD];
};

static void section_many(struct ctl *c, int id)
{
    T_EQ(nattch(id), 0, "A: nattch 0 before the children");
    pid_t pids[NCHILD];
    int n = 0;
    for (int i = 0; i < NCHILD; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            int myid = shmget(KEY, PAGE, 0600);
            C_CHECK(myid == id, "shmget by key finds the parent's id");
            C_CHECK(shmget(KEY, 0, 0) == id, "shmget(key, 0, 0) finds it too");
            struct data *d = shmat(myid, NULL, 0);
            C_CHECK(d != (void *)-1, "shmat NULL");
            if (d == (void *)-1)
                child_exit();
            __atomic_fetch_add(&d->counter, 1, __ATOMIC_SEQ_CST);
            d->slot[i] = i + 1;
            __atomic_fetch_add(&c->attached, 1, __ATOMIC_SEQ_CST);
            C_CHECK(wait_flag(&c->phase, 1), "phase 1 seen");
            C_CHECK(shmdt(d) == 0, "shmdt");
            __atomic_fetch_add(&c->detached, 1, __ATOMIC_SEQ_CST);
            child_exit();
        }
        if (pid < 0)
            break;
        pids[n++] = pid;
    }
    T_EQ(n, NCHILD, "A: forked 20 children");
    T_OK(wait_flag(&c->attached, n), "A: every child attached");
    T_EQ(nattch(id), n, "A: nattch 20 with every child attached");
    struct data *d = shmat(id, NULL, SHM_RDONLY);
    T_OK(d != (void *)-1, "A: parent attaches read-only to look");
    if (d != (void *)-1) {
        T_EQ(d->counter, n, "A: every child added to the counter");
        int ok = 1;
        for (int i = 0; i < n; i++)
            ok &= d->slot[i] == i + 1;
        T_OK(ok, "A: every child wrote its slot");
        T_EQ(nattch(id), n + 1, "A: the parent's attach counted too");
        T_EQ(shmdt(d), 0, "A: parent shmdt");
    }
    c->phase = 1;
    T_OK(wait_flag(&c->detached, n), "A: every child detached");
    T_EQ(nattch(id), 0, "A: nattch back to 0 after their shmdt");
    int all_ok = 1;
    for (int i = 0; i < n; i++)
        all_ok &= exited_ok(reap(pids[i]));
    T_OK(all_ok, "A: every child exited 0");
    T_EQ(nattch(id), 0, "A: nattch 0 after they exited");
}

static void section_killed(struct ctl *c, int id)
{
    c->attached = 0;
    c->phase = 0;
    struct agora_meminfo before = t_meminfo();
    pid_t pids[NKILL];
    int n = 0;
    for (int i = 0; i < NKILL; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            int myid = shmget(KEY, 0, 0600);
            struct data *d = myid >= 0 ? shmat(myid, NULL, 0) : (void *)-1;
            if (d == (void *)-1)
                _exit(1);
            __atomic_fetch_add(&d->counter, 1, __ATOMIC_SEQ_CST);
            __atomic_fetch_add(&c->attached, 1, __ATOMIC_SEQ_CST);
            while (!c->phase)           /* blocked here until killed */
                sched_yield();
            _exit(2);
        }
        if (pid < 0)
            break;
        pids[n++] = pid;
    }
    T_EQ(n, NKILL, "B: forked the children");
    T_OK(wait_flag(&c->attached, n), "B: every child attached");
    T_EQ(nattch(id), n, "B: nattch counts them");
    int killed_ok = 1;
    for (int i = 0; i < n; i++) {
        if (kill(pids[i], SIGKILL) < 0)
            killed_ok = 0;
        int st = reap(pids[i]);
        if (st == -1 || !WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL)
            killed_ok = 0;
        if (nattch(id) != n - 1 - i)
            killed_ok = 0;
    }
    T_OK(killed_ok, "B: each SIGKILL'd child died and its attachment went");
    T_EQ(nattch(id), 0, "B: nattch 0 after the kills");
    struct agora_meminfo after = t_meminfo();
    T_EQ(after.shm_segments, before.shm_segments, "B: the segment still exists");
    T_EQ(after.shm_frames, before.shm_frames, "B: its frames stay (the id holds them)");
    struct data *d = shmat(id, NULL, 0);
    T_OK(d != (void *)-1, "B: attach again");
    if (d != (void *)-1) {
        T_EQ(d->counter, NCHILD + n, "B: the killed children's writes are there");
        T_EQ(shmdt(d), 0, "B: shmdt");
    }
}

static void section_rmid(struct ctl *c)
{
    struct agora_meminfo base = t_meminfo();
    int id = shmget(KEY, 4 * PAGE, IPC_CREAT | IPC_EXCL | 0600);
    T_OK(id >= 0, "C: create a 4-page segment under the key");
    if (id < 0)
        return;
    char *p = shmat(id, NULL, 0);
    T_OK(p != (void *)-1, "C: parent shmat");
    if (p == (void *)-1)
        return;
    for (int pg = 0; pg < 4; pg++)
        p[pg * PAGE + 100] = (char)('a' + pg);
    T_EQ(t_meminfo().shm_frames, base.shm_frames + 4, "C: 4 frames after touching 4 pages");

    c->attached = 0;
    c->detached = 0;
    c->phase = 0;
    pid_t pids[NHOLD];
    int n = 0;
    for (int i = 0; i < NHOLD; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            /* Drop the inherited attachment: attach on our own by key. */
            C_CHECK(shmdt(p) == 0, "shmdt of the inherited attachment");
            int myid = shmget(KEY, 4 * PAGE, 0600);
            C_CHECK(myid == id, "shmget by key");
            char *q = shmat(myid, NULL, 0);
            C_CHECK(q != (void *)-1, "shmat");
            if (q == (void *)-1)
                child_exit();
            __atomic_fetch_add(&c->attached, 1, __ATOMIC_SEQ_CST);
            C_CHECK(wait_flag(&c->phase, 1), "phase 1 (after RMID) seen");
            /* Removed, still attached: reading and writing go on. */
            for (int pg = 0; pg < 4; pg++)
                C_CHECK(q[pg * PAGE + 100] == (char)('a' + pg), "parent's data readable after RMID");
            q[3 * PAGE + 200 + i] = (char)('x' + i);
            /* A new attach by id still works after RMID (Linux). */
            char *r = shmat(id, NULL, 0);
            C_CHECK(r != (void *)-1, "attach by id after RMID");
            if (r != (void *)-1) {
                C_CHECK(r[3 * PAGE + 200 + i] == (char)('x' + i), "second view sees the write");
                struct shmid_ds ds;
                memset(&ds, 0, sizeof(ds));
                C_CHECK(shmctl(id, IPC_STAT, &ds) == 0, "IPC_STAT after RMID");
                c->new_attach_nattch[i] = (int)ds.shm_nattch;
                C_CHECK(shmdt(r) == 0, "shmdt of the second view");
            }
            __atomic_fetch_add(&c->detached, 1, __ATOMIC_SEQ_CST);
            C_CHECK(wait_flag(&c->phase, 2), "phase 2 seen");
            if (i == 0)
                C_CHECK(shmdt(q) == 0, "shmdt");
            child_exit();               /* the others detach by exiting */
        }
        if (pid < 0)
            break;
        pids[n++] = pid;
    }
    T_EQ(n, NHOLD, "C: forked the holders");
    T_OK(wait_flag(&c->attached, n), "C: every holder attached by key");
    T_EQ(nattch(id), n + 1, "C: nattch = holders + parent");

    T_EQ(shmctl(id, IPC_RMID, NULL), 0, "C: IPC_RMID while attached");
    struct shmid_ds ds;
    T_EQ(shm_stat(id, &ds), 0, "C: IPC_STAT still works on the removed id");
    T_OK(ds.shm_perm.mode & SHM_DEST, "C: SHM_DEST set");
    T_EQ(ds.shm_perm.mode & 0777, 0600, "C: permission bits kept");
    T_EQ(ds.shm_perm.__key, 0, "C: key reads IPC_PRIVATE after RMID");
    T_EQ(ds.shm_nattch, n + 1, "C: nattch unchanged by RMID");
    T_ERRNO(shmget(KEY, 0, 0600), ENOENT, "C: the key is gone (ENOENT)");
    int fresh = shmget(KEY, PAGE, IPC_CREAT | 0600);
    T_OK(fresh >= 0 && fresh != id, "C: IPC_CREAT on the key makes a new segment");
    if (fresh >= 0 && fresh != id) {
        char *f = shmat(fresh, NULL, 0);
        T_OK(f != (void *)-1, "C: attach the new segment");
        if (f != (void *)-1) {
            int zero = 1;
            for (int k = 0; k < PAGE; k++)
                zero &= f[k] == 0;
            T_OK(zero, "C: the new segment is zero-filled");
            T_EQ(shmdt(f), 0, "C: shmdt the new segment");
        }
        T_EQ(shmctl(fresh, IPC_RMID, NULL), 0, "C: remove the new segment");
        T_ERRNO(shmctl(fresh, IPC_STAT, &ds), EINVAL, "C: unattached RMID destroys at once");
    }

    c->phase = 1;
    T_OK(wait_flag(&c->detached, n), "C: holders read, wrote and re-attached");
    int nat_ok = 1;
    for (int i = 0; i < n; i++)
        nat_ok &= c->new_attach_nattch[i] >= 2;
    T_OK(nat_ok, "C: a re-attach by id raised nattch");
    int writes_ok = 1;
    for (int i = 0; i < n; i++)
        writes_ok &= p[3 * PAGE + 200 + i] == (char)('x' + i);
    T_OK(writes_ok, "C: the holders' writes after RMID are seen");

    /* The parent leaves first; the id must keep working for the others. */
    T_EQ(shmdt(p), 0, "C: parent shmdt");
    T_EQ(nattch(id), n, "C: nattch = holders");
    T_EQ(t_meminfo().shm_frames, base.shm_frames + 4, "C: frames kept while attached");
    char *again = shmat(id, NULL, 0);
    T_OK(again != (void *)-1, "C: parent attaches by id again after RMID");
    if (again != (void *)-1) {
        T_EQ(again[100], 'a', "C: same data");
        T_EQ(shmdt(again), 0, "C: and detaches");
    }

    unsigned free_before = t_meminfo().free_frames;
    c->phase = 2;
    int all_ok = 1;
    for (int i = 0; i < n; i++)
        all_ok &= exited_ok(reap(pids[i]));
    T_OK(all_ok, "C: every holder exited 0");
    struct agora_meminfo after = t_meminfo();
    T_EQ(after.shm_segments, base.shm_segments, "C: last detach (an exit) destroyed the segment");
    T_EQ(after.shm_frames, base.shm_frames, "C: its frames were freed");
    T_OK(after.free_frames >= free_before + 4, "C: free frames grew by at least 4");
    T_ERRNO(shmctl(id, IPC_STAT, &ds), EINVAL, "C: IPC_STAT on the dead id -> EINVAL");
    T_ERRNO(shmat(id, NULL, 0), EINVAL, "C: shmat on the dead id -> EINVAL");
    T_ERRNO(shmctl(id, IPC_RMID, NULL), EINVAL, "C: IPC_RMID on the dead id -> EINVAL");
    T_ERRNO(shmget(KEY, 0, 0), ENOENT, "C: the key is still free");
}

int main(void)
{
    t_begin("shmmp_attachers");
    rm_key(KEY);
    int ctl_id = shmget(IPC_PRIVATE, sizeof(struct ctl), IPC_CREAT | 0600);
    struct ctl *c = ctl_id >= 0 ? shmat(ctl_id, NULL, 0) : (void *)-1;
    T_OK(c != (void *)-1, "control segment");
    if (c == (void *)-1)
        return t_end();
    memset((void *)c, 0, sizeof(*c));

    int id = shmget(KEY, PAGE, IPC_CREAT | IPC_EXCL | 0600);
    T_OK(id >= 0, "create the data segment under the key");
    if (id >= 0) {
        section_many(c, id);
        section_killed(c, id);
        struct agora_meminfo before = t_meminfo();
        T_EQ(shmctl(id, IPC_RMID, NULL), 0, "IPC_RMID with nattch 0");
        struct agora_meminfo after = t_meminfo();
        T_EQ(after.shm_segments, before.shm_segments - 1, "destroyed at once");
        T_EQ(after.shm_frames, before.shm_frames - 1, "its one frame freed");
        T_ERRNO(shmget(KEY, 0, 0), ENOENT, "key gone");
    }
    section_rmid(c);
    T_EQ(shmdt(c), 0, "shmdt control");
    T_EQ(shmctl(ctl_id, IPC_RMID, NULL), 0, "IPC_RMID control");
    return t_end();
}
