/*
 * shmsuite_ltp: the behaviours that LTP's mem/shmt02-10 and syscalls
 * shmctl01 and shmat01 check, expressed again here.
 * Nothing is taken from LTP's code; each case says what it stands for.
 *
 *   shmt02  create, attach, write, IPC_RMID: data still readable; then
 *           shmget(key, IPC_CREAT) + shmat gives a new, zero-filled segment
 *   shmt03  one segment attached twice in one process: views agree
 *   shmt04  a child attaches twice at different addresses, sees the data
 *   shmt05  shmat at an unaligned cp + 8 without SHM_RND -> EINVAL
 *   shmt07  a child inherits the attachment through fork
 *   shmt08  attach twice, detach both, IPC_RMID
 *   shmt09  shmat below the break -> EINVAL; SHM_RND just above it works;
 *           sbrk into the attachment -> ENOMEM
 *   shmt10  parent and child each do 200 x (attach, write, detach)
 *   shmctl01 IPC_STAT and SHM_STAT fields; nattch with children attaching
 *           on their own and with inherited attachments
 *   shmat01 NULL, aligned fixed, unaligned + SHM_RND (rounded down),
 *           SHM_RDONLY then a child's write -> SIGSEGV; nattch 1 and
 *           segsz 4 after each attach
 *   shmdt01 a write to a detached address -> SIGSEGV
 */
#include <agora_shm_test.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <time.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#define PAGE 4096
#define KEY_SHMT02 ((key_t)0x4c545002)
#define KEY_SHMT04 ((key_t)0x4c545004)
#define KEY_SHMT10 ((key_t)0x4c545010)
#define KEY_CTL01  ((key_t)0x4c545101)
#define NC 10
#define LOOPS 200

struct ctl {
    volatile int id;
    volatile int ready;
    volatile int go;
};

static int killed_by(int status, int sig)
{
    return status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == sig;
}

/* A private control segment for flags; NULL on failure. */
static struct ctl *ctl_new(int *idp)
{
    *idp = shmget(IPC_PRIVATE, sizeof(struct ctl), IPC_CREAT | 0600);
    struct ctl *c = *idp >= 0 ? shmat(*idp, NULL, 0) : (void *)-1;
    if (c == (void *)-1)
        return NULL;
    memset((void *)c, 0, sizeof(*c));
    return c;
}

static void ctl_free(struct ctl *c, int id)
{
    shmdt((void *)c);
    shmctl(id, IPC_RMID, NULL);
}

/* Like LTP's probe: an aligned address where nothing is mapped now. */
static char *free_address(void)
{
    int id = shmget(IPC_PRIVATE, 2 * SHMLBA, IPC_CREAT | 0600);
    char *p = id >= 0 ? shmat(id, NULL, 0) : (void *)-1;
    if (p != (void *)-1)
        shmdt(p);
    if (id >= 0)
        shmctl(id, IPC_RMID, NULL);
    if (p == (void *)-1)
        return NULL;
    return (char *)(((uintptr_t)p + SHMLBA - 1) & ~(uintptr_t)(SHMLBA - 1));
}

static const char pattern16[16] = "0123456789abcdef";

static void shmt02(void)
{
    rm_key(KEY_SHMT02);
    int cid;
    struct ctl *c = ctl_new(&cid);
    T_OK(c != NULL, "shmt02: control segment");
    if (!c)
        return;
    c->id = -1;
    pid_t pid = fork();
    if (pid == 0) {
        int id = shmget(KEY_SHMT02, 16, IPC_CREAT | IPC_EXCL | 0600);
        C_CHECK(id >= 0, "create");
        char *p = id >= 0 ? shmat(id, NULL, 0) : (void *)-1;
        C_CHECK(p != (void *)-1, "attach");
        if (p == (void *)-1)
            child_exit();
        c->id = id;
        memcpy(p, pattern16, 16);
        C_CHECK(shmctl(id, IPC_RMID, NULL) == 0, "IPC_RMID");
        C_CHECK(memcmp(p, pattern16, 16) == 0, "data readable after IPC_RMID");
        p[0] = 'X';                     /* and still writable */
        C_CHECK(p[0] == 'X', "data writable after IPC_RMID");
        C_CHECK(shmdt(p) == 0, "shmdt");
        child_exit();
    }
    T_OK(exited_ok(reap(pid)), "shmt02: child created, wrote, removed and still read");
    int old = c->id;
    struct shmid_ds ds;
    T_ERRNO(shmctl(old, IPC_STAT, &ds), EINVAL, "shmt02: the old id is gone after the last detach");
    T_ERRNO(shmget(KEY_SHMT02, 0, 0), ENOENT, "shmt02: the key is free");
    int id = shmget(KEY_SHMT02, 16, IPC_CREAT | 0600);
    T_OK(id >= 0 && id != old, "shmt02: IPC_CREAT makes a new segment with a new id");
    char *p = id >= 0 ? shmat(id, NULL, 0) : (void *)-1;
    T_OK(p != (void *)-1, "shmt02: attach the new segment");
    if (p != (void *)-1) {
        static const char zero[16];
        T_OK(memcmp(p, pattern16, 16) != 0 && memcmp(p, zero, 16) == 0,
             "shmt02: the new segment is zero-filled, not the old data");
        T_EQ(shmdt(p), 0, "shmt02: shmdt");
    }
    if (id >= 0)
        T_EQ(shmctl(id, IPC_RMID, NULL), 0, "shmt02: IPC_RMID");
    ctl_free(c, cid);
}

static void shmt03(void)
{
    int id = shmget(IPC_PRIVATE, 3 * PAGE, IPC_CREAT | 0600);
    char *a = shmat(id, NULL, 0);
    char *b = shmat(id, NULL, 0);
    T_OK(a != (void *)-1 && b != (void *)-1, "shmt03: two attaches of one segment");
    if (a == (void *)-1 || b == (void *)-1)
        return;
    T_OK(a != b, "shmt03: at different addresses");
    T_EQ(nattch(id), 2, "shmt03: nattch 2");
    strcpy(a, "through the first view");
    a[2 * PAGE + 7] = 'z';
    T_OK(strcmp(b, "through the first view") == 0, "shmt03: the second view sees the first's write");
    T_EQ(b[2 * PAGE + 7], 'z', "shmt03: on the last page too");
    b[PAGE] = 'q';
    T_EQ(a[PAGE], 'q', "shmt03: and the other way round");
    T_EQ(shmdt(a), 0, "shmt03: shmdt first");
    T_EQ(b[PAGE], 'q', "shmt03: the second view survives the first's shmdt");
    T_EQ(shmdt(b), 0, "shmt03: shmdt second");
    T_EQ(shmctl(id, IPC_RMID, NULL), 0, "shmt03: IPC_RMID");
}

static void shmt04(void)
{
    rm_key(KEY_SHMT04);
    int id = shmget(KEY_SHMT04, 2 * PAGE, IPC_CREAT | IPC_EXCL | 0600);
    char *p = id >= 0 ? shmat(id, NULL, 0) : (void *)-1;
    T_OK(p != (void *)-1, "shmt04: parent creates and attaches");
    if (p == (void *)-1)
        return;
    strcpy(p, "parent data");
    p[PAGE + 1] = 'k';
    char *fixed = free_address();
    T_OK(fixed != NULL, "shmt04: found a free address");
    pid_t pid = fork();
    if (pid == 0) {
        C_CHECK(shmdt(p) == 0, "drop the inherited attachment");
        int cid = shmget(KEY_SHMT04, 0, 0600);
        C_CHECK(cid == id, "shmget by key");
        char *x = shmat(cid, NULL, 0);
        char *y = fixed ? shmat(cid, fixed, 0) : (void *)-1;
        C_CHECK(x != (void *)-1 && y != (void *)-1, "attach twice");
        if (x == (void *)-1 || y == (void *)-1)
            child_exit();
        C_CHECK(x != y, "different addresses");
        C_CHECK(y == fixed, "the second at the address asked for");
        C_CHECK(strcmp(x, "parent data") == 0 && strcmp(y, "parent data") == 0,
                "both views see the parent's data");
        C_CHECK(x[PAGE + 1] == 'k' && y[PAGE + 1] == 'k', "second page too");
        struct shmid_ds ds;
        memset(&ds, 0, sizeof(ds));
        C_CHECK(shmctl(cid, IPC_STAT, &ds) == 0 && ds.shm_nattch == 3, "nattch 3");
        C_CHECK(shmdt(x) == 0 && shmdt(y) == 0, "shmdt both");
        child_exit();
    }
    T_OK(exited_ok(reap(pid)), "shmt04: the child attached twice and saw the data");
    T_EQ(nattch(id), 1, "shmt04: nattch 1 after the child");
    T_EQ(shmdt(p), 0, "shmt04: shmdt");
    T_EQ(shmctl(id, IPC_RMID, NULL), 0, "shmt04: IPC_RMID");
}

static void shmt05(void)
{
    int id1 = shmget(IPC_PRIVATE, PAGE, IPC_CREAT | 0600);
    int id2 = shmget(IPC_PRIVATE, PAGE, IPC_CREAT | 0600);
    char *cp = id1 >= 0 ? shmat(id1, NULL, 0) : (void *)-1;
    T_OK(id2 >= 0 && cp != (void *)-1, "shmt05: two segments, one attached");
    if (cp == (void *)-1 || id2 < 0)
        return;
    T_ERRNO(shmat(id2, cp + 8, 0), EINVAL, "shmt05: unaligned cp + 8 without SHM_RND");
    T_ERRNO(shmat(id2, cp + 8, SHM_RND), EINVAL,
            "shmt05: cp + 8 with SHM_RND rounds onto cp, which is taken");
    T_ERRNO(shmat(id2, cp, 0), EINVAL, "shmt05: cp itself is taken");
    T_EQ(nattch(id2), 0, "shmt05: the failed attaches left nattch 0");
    T_EQ(shmdt(cp), 0, "shmt05: shmdt");
    T_EQ(shmctl(id1, IPC_RMID, NULL), 0, "shmt05: IPC_RMID 1");
    T_EQ(shmctl(id2, IPC_RMID, NULL), 0, "shmt05: IPC_RMID 2");
}

static void shmt07(void)
{
    int id = shmget(IPC_PRIVATE, PAGE, IPC_CREAT | 0600);
    char *p = id >= 0 ? shmat(id, NULL, 0) : (void *)-1;
    T_OK(p != (void *)-1, "shmt07: create and attach");
    if (p == (void *)-1)
        return;
    strcpy(p, "inherited");
    pid_t pid = fork();
    if (pid == 0) {
        C_CHECK(strcmp(p, "inherited") == 0, "child sees the data through fork");
        strcpy(p + 100, "from the child");
        child_exit();                   /* exit detaches */
    }
    T_OK(exited_ok(reap(pid)), "shmt07: the child saw the inherited data");
    T_OK(strcmp(p + 100, "from the child") == 0, "shmt07: the parent sees the child's write");
    T_EQ(nattch(id), 1, "shmt07: nattch 1");
    T_EQ(shmdt(p), 0, "shmt07: shmdt");
    T_EQ(shmctl(id, IPC_RMID, NULL), 0, "shmt07: IPC_RMID");
}

static void shmt08(void)
{
    int id = shmget(IPC_PRIVATE, 2 * PAGE, IPC_CREAT | 0600);
    char *a = shmat(id, NULL, 0);
    char *b = shmat(id, NULL, 0);
    T_OK(a != (void *)-1 && b != (void *)-1, "shmt08: attach twice");
    T_EQ(nattch(id), 2, "shmt08: nattch 2");
    T_EQ(shmdt(a), 0, "shmt08: shmdt first");
    T_EQ(nattch(id), 1, "shmt08: nattch 1");
    T_EQ(shmdt(b), 0, "shmt08: shmdt second");
    T_EQ(nattch(id), 0, "shmt08: nattch 0");
    T_ERRNO(shmdt(a), EINVAL, "shmt08: shmdt again -> EINVAL");
    T_EQ(shmctl(id, IPC_RMID, NULL), 0, "shmt08: IPC_RMID");
    struct shmid_ds ds;
    T_ERRNO(shmctl(id, IPC_STAT, &ds), EINVAL, "shmt08: gone");
}

static void shmt09(void)
{
    int id = shmget(IPC_PRIVATE, 10 * 1024, IPC_CREAT | 0600);
    T_OK(id >= 0, "shmt09: shmget");
    if (id < 0)
        return;
    /* No output between here and the break's restoration: stdio must not
     * call malloc while the break is ours. */
    char *b0 = sbrk(0);
    int grow1 = sbrk(16384) != (void *)-1;
    int shrink1 = sbrk(-4097) != (void *)-1;
    char *c1 = shmat(id, NULL, 0);
    int grow2 = sbrk(32 * 1024) != (void *)-1;
    char *brk1 = sbrk(0);
    char *below = (char *)((uintptr_t)(brk1 - 2048) & ~(uintptr_t)(PAGE - 1));
    errno = 0;
    char *c2 = shmat(id, below, 0);
    int e2 = errno;
    errno = 0;
    char *c2r = shmat(id, brk1 - 2048, SHM_RND);
    int e2r = errno;
    int shrink2 = sbrk(-16000) != (void *)-1;
    if ((uintptr_t)sbrk(0) % PAGE == 0)
        sbrk(1);                        /* keep the break inside a page */
    char *brk2 = sbrk(0);
    char *vp = (char *)(((uintptr_t)brk2 + 1 + SHMLBA - 1) & ~(uintptr_t)(SHMLBA - 1));
    errno = 0;
    char *c3 = shmat(id, vp, SHM_RND);
    int e3 = errno;
    errno = 0;
    void *s4 = sbrk(SHMLBA);
    int e4 = errno;
    char *brk3 = sbrk(0);
    if (s4 != (void *)-1)
        sbrk(-SHMLBA);
    if (c3 != (void *)-1)
        shmdt(c3);
    if (c2 != (void *)-1)
        shmdt(c2);
    if (c2r != (void *)-1)
        shmdt(c2r);
    if (c1 != (void *)-1)
        shmdt(c1);
    int restored = brk(b0) == 0;

    T_OK(grow1 && shrink1 && grow2 && shrink2, "shmt09: sbrk up and down");
    T_OK(c1 != (void *)-1, "shmt09: attach at the default address");
    T_OK(c2 == (void *)-1 && e2 == EINVAL, "shmt09: an aligned address inside the heap -> EINVAL");
    T_OK(c2r == (void *)-1 && e2r == EINVAL, "shmt09: below the break with SHM_RND -> EINVAL");
    T_OK(c3 == vp, "shmt09: SHM_RND attach at the first page above the break");
    if (c3 != vp)
        printf("# shmat(%p, SHM_RND) returned %p errno %d\n", (void *)vp, (void *)c3, e3);
    T_OK(s4 == (void *)-1 && e4 == ENOMEM, "shmt09: sbrk into the attachment -> ENOMEM");
    T_OK(brk3 == brk2, "shmt09: the failed sbrk left the break alone");
    T_OK(restored, "shmt09: break restored");
    T_EQ(nattch(id), 0, "shmt09: everything detached");
    T_EQ(shmctl(id, IPC_RMID, NULL), 0, "shmt09: IPC_RMID");
}

/* 200 x (attach, write, check, detach) at offset off; failures. */
static int attach_loop(int id, int off)
{
    int bad = 0;
    for (int i = 0; i < LOOPS; i++) {
        volatile int *p = shmat(id, NULL, 0);
        if (p == (void *)-1) {
            bad++;
            continue;
        }
        if (i > 0 && p[off] != i - 1)
            bad++;                      /* the previous round's value survives */
        p[off] = i;
        if (p[off] != i)
            bad++;
        if (shmdt((void *)p) != 0)
            bad++;
    }
    return bad;
}

static void shmt10(void)
{
    rm_key(KEY_SHMT10);
    int cid;
    struct ctl *c = ctl_new(&cid);
    int id = shmget(KEY_SHMT10, PAGE, IPC_CREAT | IPC_EXCL | 0600);
    T_OK(c != NULL && id >= 0, "shmt10: segments");
    if (!c || id < 0)
        return;
    pid_t pid = fork();
    if (pid == 0) {
        int myid = shmget(KEY_SHMT10, 0, 0600);
        C_CHECK(myid == id, "shmget by key");
        c->ready = 1;
        C_CHECK(wait_flag(&c->go, 1), "go");
        int bad = attach_loop(myid, 16);
        C_CHECK(bad == 0, "200 attach/write/detach rounds");
        child_exit();
    }
    T_OK(wait_flag(&c->ready, 1), "shmt10: child ready");
    c->go = 1;                          /* both loops run at the same time */
    int bad = attach_loop(id, 0);
    T_EQ(bad, 0, "shmt10: parent's 200 attach/write/detach rounds");
    T_OK(exited_ok(reap(pid)), "shmt10: child's 200 rounds");
    T_EQ(nattch(id), 0, "shmt10: nattch 0 after 400 attaches and detaches");
    volatile int *p = shmat(id, NULL, SHM_RDONLY);
    if (p != (void *)-1) {
        T_OK(p[0] == LOOPS - 1 && p[16] == LOOPS - 1, "shmt10: both last values are there");
        shmdt((void *)p);
    }
    T_EQ(shmctl(id, IPC_RMID, NULL), 0, "shmt10: IPC_RMID");
    ctl_free(c, cid);
}

static void shmctl01(void)
{
    rm_key(KEY_CTL01);
    time_t before = time(NULL);
    int id = shmget(KEY_CTL01, 2048, IPC_CREAT | IPC_EXCL | 0640);
    time_t after = time(NULL);
    T_OK(id >= 0, "shmctl01: shmget 2048");
    if (id < 0)
        return;
    struct shmid_ds ds;
    T_EQ(shm_stat(id, &ds), 0, "shmctl01: IPC_STAT returns 0");
    T_EQ(ds.shm_segsz, 2048, "shmctl01: segsz 2048 exactly");
    T_EQ(ds.shm_cpid, getpid(), "shmctl01: cpid is the creator");
    T_EQ(ds.shm_lpid, 0, "shmctl01: lpid 0 before any attach");
    T_EQ(ds.shm_nattch, 0, "shmctl01: nattch 0");
    T_OK(ds.shm_atime == 0 && ds.shm_dtime == 0, "shmctl01: atime and dtime 0");
    T_OK(ds.shm_ctime >= before && ds.shm_ctime <= after, "shmctl01: ctime is the creation time");
    T_EQ(ds.shm_perm.__key, KEY_CTL01, "shmctl01: key");
    T_EQ(ds.shm_perm.mode & 0777, 0640, "shmctl01: mode");
    T_OK(ds.shm_perm.uid == geteuid() && ds.shm_perm.cuid == geteuid(), "shmctl01: uid, cuid");
    T_OK(ds.shm_perm.gid == getegid() && ds.shm_perm.cgid == getegid(), "shmctl01: gid, cgid");

    struct shm_info info;
    memset(&info, 0, sizeof(info));
    int maxidx = shmctl(0, SHM_INFO, (struct shmid_ds *)&info);
    T_OK(maxidx >= 0, "shmctl01: SHM_INFO returns the highest index");
    T_OK(info.used_ids >= 1, "shmctl01: SHM_INFO used_ids counts ours");
    int found = 0, valid = 0;
    struct shmid_ds sds;
    for (int i = 0; i <= maxidx; i++) {
        memset(&sds, 0, sizeof(sds));
        int r = shmctl(i, SHM_STAT, &sds);
        if (r >= 0)
            valid++;
        if (r == id) {
            found++;
            T_EQ(sds.shm_segsz, 2048, "shmctl01: SHM_STAT segsz");
            T_EQ(sds.shm_cpid, getpid(), "shmctl01: SHM_STAT cpid");
            T_EQ(sds.shm_perm.__key, KEY_CTL01, "shmctl01: SHM_STAT key");
            T_EQ(sds.shm_ctime, ds.shm_ctime, "shmctl01: SHM_STAT ctime");
        }
    }
    T_EQ(found, 1, "shmctl01: SHM_STAT over 0..max finds our id once");
    T_EQ(valid, info.used_ids, "shmctl01: valid indexes == used_ids");

    int cid;
    struct ctl *c = ctl_new(&cid);
    T_OK(c != NULL, "shmctl01: control segment");
    if (!c) {
        shmctl(id, IPC_RMID, NULL);
        return;
    }
    /* Children attaching on their own: 0 -> NC -> 0. */
    pid_t pids[NC];
    int n = 0;
    for (int i = 0; i < NC; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            char *p = shmat(id, NULL, 0);
            C_CHECK(p != (void *)-1, "shmat");
            __atomic_fetch_add(&c->ready, 1, __ATOMIC_SEQ_CST);
            C_CHECK(wait_flag(&c->go, 1), "go");
            if (p != (void *)-1)
                C_CHECK(shmdt(p) == 0, "shmdt");
            __atomic_fetch_add(&c->id, 1, __ATOMIC_SEQ_CST);    /* detached count */
            C_CHECK(wait_flag(&c->go, 2), "go 2");
            child_exit();
        }
        if (pid < 0)
            break;
        pids[n++] = pid;
    }
    T_OK(wait_flag(&c->ready, n), "shmctl01: children attached");
    T_EQ(nattch(id), n, "shmctl01: nattch == number of attached children");
    c->go = 1;
    T_OK(wait_flag(&c->id, n), "shmctl01: children detached");
    T_EQ(nattch(id), 0, "shmctl01: nattch 0 after their shmdt");
    c->go = 2;
    int ok = 1;
    for (int i = 0; i < n; i++)
        ok &= exited_ok(reap(pids[i]));
    T_OK(ok, "shmctl01: children exited 0");

    /* Inherited: parent attached, NC children -> NC + 1 -> 1 -> 0. */
    c->ready = c->go = c->id = 0;
    char *p = shmat(id, NULL, 0);
    T_OK(p != (void *)-1, "shmctl01: parent attaches");
    n = 0;
    for (int i = 0; i < NC && p != (void *)-1; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            __atomic_fetch_add(&c->ready, 1, __ATOMIC_SEQ_CST);
            C_CHECK(wait_flag(&c->go, 1), "go");
            C_CHECK(shmdt(p) == 0, "shmdt of the inherited attachment");
            __atomic_fetch_add(&c->id, 1, __ATOMIC_SEQ_CST);
            C_CHECK(wait_flag(&c->go, 2), "go 2");
            child_exit();
        }
        if (pid < 0)
            break;
        pids[n++] = pid;
    }
    T_OK(wait_flag(&c->ready, n), "shmctl01: inheriting children ready");
    T_EQ(nattch(id), n + 1, "shmctl01: nattch NC + 1 with inherited attachments");
    c->go = 1;
    T_OK(wait_flag(&c->id, n), "shmctl01: children detached");
    T_EQ(nattch(id), 1, "shmctl01: nattch 1 after the children's shmdt");
    c->go = 2;
    ok = 1;
    for (int i = 0; i < n; i++)
        ok &= exited_ok(reap(pids[i]));
    T_OK(ok, "shmctl01: children exited 0");
    if (p != (void *)-1)
        T_EQ(shmdt(p), 0, "shmctl01: parent shmdt");
    T_EQ(nattch(id), 0, "shmctl01: nattch 0");
    T_EQ(shmctl(id, IPC_RMID, NULL), 0, "shmctl01: IPC_RMID");
    ctl_free(c, cid);
}

/* After an attach: nattch 1 and segsz 4 (not rounded). */
static void shmat01_check(int id, const char *what)
{
    struct shmid_ds ds;
    char name[96];
    snprintf(name, sizeof(name), "shmat01 %s: IPC_STAT nattch 1, segsz 4", what);
    T_OK(shm_stat(id, &ds) == 0 && ds.shm_nattch == 1 && ds.shm_segsz == 4, name);
}

static void shmat01(void)
{
    int id = shmget(IPC_PRIVATE, 4, IPC_CREAT | 0600);
    T_OK(id >= 0, "shmat01: shmget 4 bytes");
    if (id < 0)
        return;

    volatile int *p = shmat(id, NULL, 0);
    T_OK(p != (void *)-1 && (uintptr_t)p % SHMLBA == 0, "shmat01: NULL address -> an aligned address");
    if (p != (void *)-1) {
        shmat01_check(id, "NULL");
        *p = 12345;
        T_EQ(shmdt((void *)p), 0, "shmat01: shmdt");
    }

    char *addr = free_address();
    T_OK(addr != NULL, "shmat01: found a free aligned address");
    if (addr) {
        p = shmat(id, addr, 0);
        T_OK(p == (volatile int *)addr, "shmat01: aligned fixed address is used as given");
        if (p != (void *)-1) {
            shmat01_check(id, "fixed");
            T_EQ(*p, 12345, "shmat01: same segment, same data");
            T_EQ(shmdt((void *)p), 0, "shmat01: shmdt");
        }
        p = shmat(id, addr + SHMLBA - 1, SHM_RND);
        T_OK(p == (volatile int *)addr, "shmat01: unaligned + SHM_RND rounds down");
        if (p != (void *)-1) {
            shmat01_check(id, "SHM_RND");
            T_EQ(shmdt((void *)p), 0, "shmat01: shmdt");
        }
    }

    p = shmat(id, NULL, SHM_RDONLY);
    T_OK(p != (void *)-1, "shmat01: SHM_RDONLY attach");
    if (p != (void *)-1) {
        shmat01_check(id, "SHM_RDONLY");
        T_EQ(*p, 12345, "shmat01: readable through the read-only attachment");
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            (void)*p;                   /* reading is fine */
            *p = 1;                     /* writing must kill us */
            _exit(0);
        }
        int st = reap(pid);
        T_OK(killed_by(st, SIGSEGV), "shmat01: a write through SHM_RDONLY -> SIGSEGV");
        T_EQ(*p, 12345, "shmat01: the write did not happen");
        T_EQ(nattch(id), 1, "shmat01: the killed child's attachment went with it");
        T_EQ(shmdt((void *)p), 0, "shmat01: shmdt");
    }

    /* shmdt01: the address is gone after shmdt. */
    p = shmat(id, NULL, 0);
    if (p != (void *)-1) {
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            if (shmdt((void *)p) != 0)
                _exit(2);
            *p = 2;                     /* must fault */
            _exit(0);
        }
        T_OK(killed_by(reap(pid), SIGSEGV), "shmdt01: a write after shmdt -> SIGSEGV");
        T_EQ(*p, 12345, "shmdt01: the parent's attachment is untouched");
        T_EQ(shmdt((void *)p), 0, "shmdt01: shmdt");
    }
    T_EQ(nattch(id), 0, "shmat01: nattch 0");
    T_EQ(shmctl(id, IPC_RMID, NULL), 0, "shmat01: IPC_RMID");
}

int main(void)
{
    t_begin("shmsuite_ltp");
    shmt02();
    shmt03();
    shmt04();
    shmt05();
    shmt07();
    shmt08();
    shmt09();
    shmt10();
    shmctl01();
    shmat01();
    return t_end();
}
