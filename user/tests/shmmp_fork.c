/*
 * shmmp_fork: shm attachments across fork, exit and exec (docs/shm.md:
 * the fork row of the field table, and "Lifetime"; LTP shmctl01's
 * inherited case).
 *
 *   A. The parent attaches and writes, forks N children. While they live
 *      nattch == N + 1, lpid is the parent (fork opens each inherited
 *      region in the parent's name) and atime moved to the fork. Each
 *      child sees the data at the same address and writes its own slot
 *      (the parent sees it: the same frames, not copies); the children
 *      shmdt and exit -> nattch 1; the parent shmdt -> 0.
 *   B. Children that exit without shmdt detach too; lpid = an exiting child.
 *   C. exec detaches: a child execs this program in helper mode; while the
 *      helper still runs, nattch has dropped and lpid is the child's pid.
 *   D. A grandchild inherits through two forks; private memory is still
 *      copied (only shm is shared).
 *   E. exec dropping the last attachment of a removed (SHM_DEST) segment
 *      destroys it and frees its frames.
 *
 * Synchronisation is through flags in a shared control segment, with
 * waitpid for the ends; nothing waits on time except section A, which
 * waits for the clock to tick so that the fork's atime is observable.
 */
#include <agora_shm_test.h>
#include <sched.h>
#include <signal.h>
#include <time.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#define NCHILD 20
#define NEXIT 5
#define MAGIC 0x5a5a1234

struct shared {
    int magic;
    volatile int ready;         /* children that have checked in */
    volatile int go;            /* the parent's release */
    volatile int helper_pid;    /* set by the exec'd helper */
    volatile int may_exec;
    volatile int release;
    int slot[NCHILD];
    char text[64];
};

/* The exec'd helper: attach the control segment by id, say who we are,
 * wait for the release, exit. */
static int exec_helper(int argc, char **argv)
{
    if (argc < 3)
        return 0;
    int ctl_id = atoi(argv[2]);
    struct shared *c = shmat(ctl_id, NULL, 0);
    if (c == (void *)-1)
        return 2;
    c->helper_pid = getpid();
    int ok = wait_flag(&c->release, 1);
    shmdt(c);
    return ok ? 0 : 3;
}

static void section_inherit(void)
{
    int id = shmget(IPC_PRIVATE, sizeof(struct shared) + 5000, IPC_CREAT | 0600);
    T_OK(id >= 0, "A: shmget");
    struct shared *s = shmat(id, NULL, 0);
    T_OK(s != (void *)-1, "A: parent shmat");
    if (id < 0 || s == (void *)-1)
        return;
    s->magic = MAGIC;
    strcpy(s->text, "written by the parent before fork");
    /* Past the first page too: the whole attachment is shared. */
    ((volatile char *)s)[sizeof(struct shared) + 4000] = 'P';

    struct shmid_ds ds;
    T_EQ(shm_stat(id, &ds), 0, "A: IPC_STAT after shmat");
    T_EQ(ds.shm_nattch, 1, "A: nattch 1 after the parent's shmat");
    T_EQ(ds.shm_lpid, getpid(), "A: lpid is the parent after shmat");
    time_t attach_time = ds.shm_atime;
    T_OK(attach_time != 0, "A: atime set by shmat");

    /* Let the clock tick so that the fork's atime update can be seen. */
    time_t t0 = time(NULL);
    while (time(NULL) == t0)
        sched_yield();

    pid_t pids[NCHILD];
    int nforked = 0;
    for (int i = 0; i < NCHILD; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            C_CHECK(s->magic == MAGIC, "data seen at the same address");
            C_CHECK(strcmp(s->text, "written by the parent before fork") == 0,
                    "text seen at the same address");
            C_CHECK(((volatile char *)s)[sizeof(struct shared) + 4000] == 'P',
                    "second page shared");
            s->slot[i] = 1000 + i;
            __atomic_fetch_add(&s->ready, 1, __ATOMIC_SEQ_CST);
            C_CHECK(wait_flag(&s->go, 1), "parent's go flag seen");
            /* The parent wrote this after the fork: the same frame. */
            C_CHECK(s->magic == MAGIC + 1, "parent's write after fork seen");
            C_CHECK(shmdt(s) == 0, "child shmdt");
            child_exit();
        }
        if (pid < 0)
            break;
        pids[nforked++] = pid;
    }
    T_EQ(nforked, NCHILD, "A: forked all children");
    T_EQ(nattch(id), nforked + 1, "A: nattch == N + 1 while the children live");
    T_OK(wait_flag(&s->ready, nforked), "A: every child checked in");
    T_EQ(shm_stat(id, &ds), 0, "A: IPC_STAT with the children alive");
    T_EQ(ds.shm_nattch, nforked + 1, "A: nattch still N + 1");
    T_EQ(ds.shm_lpid, getpid(), "A: fork set lpid to the parent");
    T_OK(ds.shm_atime > attach_time, "A: fork moved atime");
    int slots_ok = 1;
    for (int i = 0; i < nforked; i++)
        if (s->slot[i] != 1000 + i)
            slots_ok = 0;
    T_OK(slots_ok, "A: every child's write is seen by the parent (same frames)");

    s->magic = MAGIC + 1;
    s->go = 1;
    int all_ok = 1;
    int last_ok = 0;
    for (int i = 0; i < nforked; i++)
        if (!exited_ok(reap(pids[i])))
            all_ok = 0;
    T_OK(all_ok, "A: every child exited 0");
    T_EQ(shm_stat(id, &ds), 0, "A: IPC_STAT after the children left");
    T_EQ(ds.shm_nattch, 1, "A: nattch back to 1");
    for (int i = 0; i < nforked; i++)
        if (ds.shm_lpid == pids[i])
            last_ok = 1;
    T_OK(last_ok, "A: lpid is one of the detaching children");
    T_OK(ds.shm_dtime != 0, "A: dtime set by the children's shmdt");
    T_EQ(shmdt(s), 0, "A: parent shmdt");
    T_EQ(shm_stat(id, &ds), 0, "A: IPC_STAT after the parent's shmdt");
    T_EQ(ds.shm_nattch, 0, "A: nattch 0");
    T_EQ(ds.shm_lpid, getpid(), "A: lpid is the parent after its shmdt");
    T_EQ(shmctl(id, IPC_RMID, NULL), 0, "A: IPC_RMID");
}

static void section_exit_detaches(void)
{
    int id = shmget(IPC_PRIVATE, sizeof(struct shared), IPC_CREAT | 0600);
    struct shared *s = id >= 0 ? shmat(id, NULL, 0) : (void *)-1;
    T_OK(s != (void *)-1, "B: shmget + shmat");
    if (s == (void *)-1)
        return;
    memset(s, 0, sizeof(*s));
    pid_t pids[NEXIT];
    int n = 0;
    for (int i = 0; i < NEXIT; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            s->slot[i] = 2000 + i;
            __atomic_fetch_add(&s->ready, 1, __ATOMIC_SEQ_CST);
            if (!wait_flag(&s->go, 1))
                _exit(1);
            _exit(0);                   /* still attached */
        }
        if (pid < 0)
            break;
        pids[n++] = pid;
    }
    T_EQ(n, NEXIT, "B: forked the children");
    T_OK(wait_flag(&s->ready, n), "B: every child checked in");
    T_EQ(nattch(id), n + 1, "B: nattch counts the inherited attachments");
    s->go = 1;
    int all_ok = 1;
    for (int i = 0; i < n; i++)
        if (!exited_ok(reap(pids[i])))
            all_ok = 0;
    T_OK(all_ok, "B: every child exited 0");
    struct shmid_ds ds;
    T_EQ(shm_stat(id, &ds), 0, "B: IPC_STAT");
    T_EQ(ds.shm_nattch, 1, "B: exit without shmdt detached (nattch 1)");
    int lpid_ok = 0;
    for (int i = 0; i < n; i++)
        if (ds.shm_lpid == pids[i])
            lpid_ok = 1;
    T_OK(lpid_ok, "B: lpid is an exiting child");
    int slots_ok = 1;
    for (int i = 0; i < n; i++)
        if (s->slot[i] != 2000 + i)
            slots_ok = 0;
    T_OK(slots_ok, "B: the children's writes outlive them");
    T_EQ(shmdt(s), 0, "B: parent shmdt");
    T_EQ(nattch(id), 0, "B: nattch 0");
    T_EQ(shmctl(id, IPC_RMID, NULL), 0, "B: IPC_RMID");
}

static void section_exec_detaches(void)
{
    int ctl_id = shmget(IPC_PRIVATE, sizeof(struct shared), IPC_CREAT | 0600);
    int id = shmget(IPC_PRIVATE, 3 * 4096, IPC_CREAT | 0600);
    T_OK(ctl_id >= 0 && id >= 0, "C: shmget x2");
    if (ctl_id < 0 || id < 0)
        return;
    struct shared *c = shmat(ctl_id, NULL, 0);
    volatile int *data = shmat(id, NULL, 0);
    T_OK(c != (void *)-1 && data != (void *)-1, "C: shmat x2");
    if (c == (void *)-1 || data == (void *)-1)
        return;
    memset(c, 0, sizeof(*c));
    data[0] = 77;

    pid_t pid = fork();
    if (pid == 0) {
        char idstr[16];
        snprintf(idstr, sizeof(idstr), "%d", ctl_id);
        if (!wait_flag(&c->may_exec, 1))
            _exit(4);
        data[1] = 78;                   /* the child's write, before exec */
        execl("/tests/shmmp_fork", "shmmp_fork", "exec-helper", idstr, (char *)NULL);
        printf("# child: execl: %s\n", strerror(errno));
        _exit(5);
    }
    T_OK(pid > 0, "C: fork");
    if (pid < 0)
        return;
    T_EQ(nattch(id), 2, "C: nattch 2 before the child's exec");
    c->may_exec = 1;
    T_OK(wait_flag(&c->helper_pid, 1), "C: the exec'd helper is running");
    T_EQ(c->helper_pid, pid, "C: exec kept the pid");
    struct shmid_ds ds;
    T_EQ(shm_stat(id, &ds), 0, "C: IPC_STAT while the helper runs");
    T_EQ(ds.shm_nattch, 1, "C: exec detached (nattch 1)");
    T_EQ(ds.shm_lpid, pid, "C: lpid is the exec'ing child");
    T_EQ(data[1], 78, "C: the child's write before exec is kept");
    T_EQ(nattch(ctl_id), 2, "C: the helper attached the control segment again by id");
    c->release = 1;
    int status = reap(pid);
    T_OK(exited_ok(status), "C: helper exited 0");
    T_EQ(nattch(ctl_id), 1, "C: helper's exit detached the control segment");
    T_EQ(nattch(id), 1, "C: nattch still 1 after the helper's exit");
    T_EQ(shmdt((void *)data), 0, "C: shmdt data");
    T_EQ(shmdt(c), 0, "C: shmdt control");
    T_EQ(shmctl(id, IPC_RMID, NULL), 0, "C: IPC_RMID data");
    T_EQ(shmctl(ctl_id, IPC_RMID, NULL), 0, "C: IPC_RMID control");
}

static int private_var = 1;

static void section_grandchild(void)
{
    int id = shmget(IPC_PRIVATE, sizeof(struct shared), IPC_CREAT | 0600);
    struct shared *s = id >= 0 ? shmat(id, NULL, 0) : (void *)-1;
    T_OK(s != (void *)-1, "D: shmget + shmat");
    if (s == (void *)-1)
        return;
    memset(s, 0, sizeof(*s));
    pid_t pid = fork();
    if (pid == 0) {
        private_var = 2;                /* private: the parent keeps 1 */
        pid_t g = fork();
        if (g == 0) {
            s->slot[0] = 3000;
            s->ready = 1;
            if (!wait_flag(&s->go, 1))
                _exit(1);
            _exit(0);
        }
        if (g < 0)
            _exit(2);
        int st = reap(g);
        _exit(exited_ok(st) ? 0 : 3);
    }
    T_OK(pid > 0, "D: fork");
    if (pid < 0)
        return;
    T_OK(wait_flag(&s->ready, 1), "D: the grandchild checked in");
    T_EQ(s->slot[0], 3000, "D: the grandchild's write is seen");
    T_EQ(nattch(id), 3, "D: nattch 3 (parent, child, grandchild)");
    T_EQ(private_var, 1, "D: private memory is still copied at fork");
    s->go = 1;
    T_OK(exited_ok(reap(pid)), "D: child and grandchild exited 0");
    T_EQ(nattch(id), 1, "D: nattch 1 after both left");
    T_EQ(shmdt(s), 0, "D: shmdt");
    T_EQ(shmctl(id, IPC_RMID, NULL), 0, "D: IPC_RMID");
}

static void section_exec_destroys(void)
{
    int ctl_id = shmget(IPC_PRIVATE, sizeof(struct shared), IPC_CREAT | 0600);
    int id = shmget(IPC_PRIVATE, 2 * 4096, IPC_CREAT | 0600);
    struct shared *c = ctl_id >= 0 ? shmat(ctl_id, NULL, 0) : (void *)-1;
    volatile char *data = id >= 0 ? shmat(id, NULL, 0) : (void *)-1;
    T_OK(c != (void *)-1 && data != (void *)-1, "E: two segments attached");
    if (c == (void *)-1 || data == (void *)-1)
        return;
    memset(c, 0, sizeof(*c));
    data[0] = 1;
    data[4096] = 2;                     /* two frames */
    pid_t pid = fork();
    if (pid == 0) {
        char idstr[16];
        snprintf(idstr, sizeof(idstr), "%d", ctl_id);
        if (!wait_flag(&c->may_exec, 1))
            _exit(4);
        execl("/tests/shmmp_fork", "shmmp_fork", "exec-helper", idstr, (char *)NULL);
        _exit(5);
    }
    T_OK(pid > 0, "E: fork");
    if (pid < 0)
        return;
    T_EQ(shmctl(id, IPC_RMID, NULL), 0, "E: IPC_RMID while parent and child hold it");
    T_EQ(shmdt((void *)data), 0, "E: the parent detaches");
    struct agora_meminfo before = t_meminfo();
    T_EQ(nattch(id), 1, "E: the child's attachment keeps it alive");
    c->may_exec = 1;
    T_OK(wait_flag(&c->helper_pid, 1), "E: the exec'd helper is running");
    struct agora_meminfo after = t_meminfo();
    struct shmid_ds ds;
    T_ERRNO(shm_stat(id, &ds), EINVAL, "E: exec dropped the last attachment: the id is gone");
    T_EQ(after.shm_segments, before.shm_segments - 1, "E: one segment fewer");
    T_EQ(after.shm_frames, before.shm_frames - 2, "E: its two frames were freed");
    c->release = 1;
    T_OK(exited_ok(reap(pid)), "E: helper exited 0");
    T_EQ(shmdt(c), 0, "E: shmdt control");
    T_EQ(shmctl(ctl_id, IPC_RMID, NULL), 0, "E: IPC_RMID control");
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "exec-helper") == 0)
        return exec_helper(argc, argv);
    t_begin("shmmp_fork");
    section_inherit();
    section_exit_detaches();
    section_exec_detaches();
    section_grandchild();
    section_exec_destroys();
    return t_end();
}
