/*
 * shm_at_errors: shmat(2) errors and placement (docs/shm.md). Linux checks
 * the id's sign and the address before it looks the id up, and the
 * permission only after the lookup; a fixed address must not overlap
 * anything or leave user space, unless SHM_REMAP replaces what is there.
 *
 * Non-root cases run in a child that drops to uid/gid 1000 and reports
 * the errno of its one call (0 for success) through its exit status.
 */
#include <agora_shm_test.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ipc.h>
#include <sys/shm.h>

/* One shmat call and the errno it must give (0: it must succeed). */
struct at_case {
    const char *what;
    int id;
    uintptr_t addr;
    int flag;
    int err;
};

static int some_data = 42;

/* Child body: the errno of one shmat (0 if it succeeded). */
static int do_at(const void *arg)
{
    const struct at_case *c = arg;
    errno = 0;
    return shmat(c->id, (void *)c->addr, c->flag) == AT_FAILED ? errno : 0;
}

/*
 * An id whose slot has since been reused by another segment (*reuser,
 * which the caller removes). -1 if no slot came round in time.
 */
static int make_stale_id(int *reuser)
{
    int old = shmget(IPC_PRIVATE, PG, 0600);
    if (old < 0)
        return -1;
    shmctl(old, IPC_RMID, NULL);
    for (int i = 0; i < 70000; i++) {
        int id = shmget(IPC_PRIVATE, PG, 0600);
        if (id < 0)
            return -1;
        if (id % 32768 == old % 32768) {
            if (id == old)
                printf("# the reused slot gave the same id %d again\n", id);
            *reuser = id;
            return old;
        }
        shmctl(id, IPC_RMID, NULL);
    }
    return -1;
}

static void test_einval_table(int id2)
{
    uintptr_t fa = free_area(4);
    int local = 0;
    uintptr_t text = (uintptr_t)&become & ~(uintptr_t)(PG - 1);
    uintptr_t data = (uintptr_t)&some_data & ~(uintptr_t)(PG - 1);
    uintptr_t stack = (uintptr_t)&local & ~(uintptr_t)(PG - 1);
    void *first = shmat(id2, NULL, 0);
    T_OK(fa != 0 && first != AT_FAILED, "set up: a free area and a first attachment");

    int removed = shmget(IPC_PRIVATE, PG, 0600);
    shmctl(removed, IPC_RMID, NULL);
    int reuser = -1;
    int stale = make_stale_id(&reuser);
    T_OK(stale >= 0 && reuser >= 0 && stale != reuser, "set up: a stale id whose slot was reused");

    const struct at_case cases[] = {
        { "shmid -1", -1, 0, 0, EINVAL },
        { "shmid -1, SHM_RDONLY", -1, 0, SHM_RDONLY, EINVAL },
        { "shmid INT_MIN", (int)0x80000000u, 0, 0, EINVAL },
        { "shmid -1 with a good fixed address", -1, fa, 0, EINVAL },
        { "unaligned address (+1) without SHM_RND", id2, fa + 1, 0, EINVAL },
        { "unaligned address (+4095) without SHM_RND", id2, fa + 4095, 0, EINVAL },
        { "unaligned address (+2048), SHM_RDONLY, no SHM_RND", id2, fa + 2048, SHM_RDONLY, EINVAL },
        { "fixed address over our own text", id2, text, 0, EINVAL },
        { "fixed address over our own data", id2, data, 0, EINVAL },
        { "fixed address over our own stack", id2, stack, 0, EINVAL },
        { "fixed address of a first attachment", id2, (uintptr_t)first, 0, EINVAL },
        { "fixed address over the second page of a first attachment", id2, (uintptr_t)first + PG, 0, EINVAL },
        { "fixed address one page below a first attachment (tail overlaps)", id2, (uintptr_t)first - PG, 0, EINVAL },
        { "range wraps past 4 GiB (0xFFFFF000, 2 pages)", id2, 0xFFFFF000u, 0, EINVAL },
        { "range wraps past 4 GiB, SHM_RND", id2, 0xFFFFF800u, SHM_RND, EINVAL },
        /* Linux's do_mmap would say ENOMEM for these two; agora's brief: EINVAL. */
        { "range reaches past 0xC0000000 (0xBFFFF000, 2 pages)", id2, USER_TOP - PG, 0, EINVAL },
        { "address 0xC0000000 (kernel space)", id2, USER_TOP, 0, EINVAL },
        { "address 0xC0000000 with SHM_REMAP", id2, USER_TOP, SHM_REMAP, EINVAL },
        { "address 0 with SHM_REMAP", id2, 0, SHM_REMAP, EINVAL },
        { "address 1, SHM_RND|SHM_REMAP rounds to 0", id2, 1, SHM_RND | SHM_REMAP, EINVAL },
        { "address 4095, SHM_RND|SHM_REMAP rounds to 0", id2, 4095, SHM_RND | SHM_REMAP, EINVAL },
        /* agora never maps page 0 (docs): Linux as root would map at 0. */
        { "address 1, SHM_RND rounds to page 0 (agora: EINVAL)", id2, 1, SHM_RND, EINVAL },
        { "removed id (nattch was 0)", removed, 0, 0, EINVAL },
        { "removed id, fixed address", removed, fa, 0, EINVAL },
        { "stale id (slot reused, different sequence)", stale, 0, 0, EINVAL },
        { "id whose slot is beyond SHMMNI", 32767, 0, 0, EINVAL },
        { "misaligned address and a removed id", removed, fa + 1, 0, EINVAL },
        { "misaligned address and a stale id", stale, fa + 1, SHM_RDONLY, EINVAL },
        { "misaligned address and shmid -1", -1, fa + 1, 0, EINVAL },
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        T_ERRNO(shmat(cases[i].id, (void *)cases[i].addr, cases[i].flag), cases[i].err, cases[i].what);

    T_EQ(nattch(id2), 1, "the failed attaches left nattch at 1");
    T_EQ(some_data, 42, "our data page is intact");
    T_SUCCESS(shmdt(first), "detach the first attachment");
    if (reuser >= 0)
        shmctl(reuser, IPC_RMID, NULL);
}

static void test_permissions(void)
{
    int r444 = shmget(IPC_PRIVATE, PG, 0444);
    int r600 = shmget(IPC_PRIVATE, PG, 0600);
    int r666 = shmget(IPC_PRIVATE, PG, 0666);
    int r777 = shmget(IPC_PRIVATE, PG, 0777);
    int r555 = shmget(IPC_PRIVATE, PG, 0555);
    T_OK(r444 >= 0 && r600 >= 0 && r666 >= 0 && r777 >= 0 && r555 >= 0, "set up: root's segments");
    uintptr_t fa = free_area(1);
    uintptr_t text = (uintptr_t)&become & ~(uintptr_t)(PG - 1);

    const struct at_case cases[] = {
        { "EACCES: read-write attach of root's 0444", r444, 0, 0, EACCES },
        { "read-only attach of root's 0444", r444, 0, SHM_RDONLY, 0 },
        { "EACCES: read-only attach of root's 0600", r600, 0, SHM_RDONLY, EACCES },
        { "EACCES: read-write attach of root's 0600", r600, 0, 0, EACCES },
        { "EINVAL before EACCES: misaligned address on root's 0600", r600, fa + 1, 0, EINVAL },
        { "EINVAL before EACCES: NULL with SHM_REMAP on root's 0600", r600, 0, SHM_REMAP, EINVAL },
        { "EACCES before the range check: 0xC0000000 on root's 0600", r600, USER_TOP, 0, EACCES },
        { "EACCES before the overlap check: our text on root's 0600", r600, text, 0, EACCES },
        { "read-write attach of root's 0666", r666, 0, 0, 0 },
        { "EACCES: SHM_EXEC on 0666 (needs x)", r666, 0, SHM_EXEC, EACCES },
        { "EACCES: SHM_EXEC|SHM_RDONLY on 0666", r666, 0, SHM_EXEC | SHM_RDONLY, EACCES },
        { "SHM_EXEC on 0777", r777, 0, SHM_EXEC, 0 },
        { "SHM_EXEC|SHM_RDONLY on 0555", r555, 0, SHM_EXEC | SHM_RDONLY, 0 },
        { "EACCES: SHM_EXEC read-write on 0555", r555, 0, SHM_EXEC, EACCES },
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        T_EQ(as_user(USER_ID, GROUP_ID, do_at, &cases[i]), cases[i].err, cases[i].what);

    /* Root passes the mode bits. */
    void *p = shmat(r444, NULL, SHM_EXEC);
    T_OK(p != AT_FAILED, "root: read-write-exec attach of 0444");
    if (p != AT_FAILED)
        shmdt(p);
    T_EQ(nattch(r444), 0, "the children's attachments went away with them");
    shmctl(r444, IPC_RMID, NULL);
    shmctl(r600, IPC_RMID, NULL);
    shmctl(r666, IPC_RMID, NULL);
    shmctl(r777, IPC_RMID, NULL);
    shmctl(r555, IPC_RMID, NULL);
}

static void test_rdonly(int id)
{
    char *w = shmat(id, NULL, 0);
    char *p = shmat(id, NULL, SHM_RDONLY);
    T_OK(w != AT_FAILED && p != AT_FAILED, "attach read-write and read-only");
    if (w == AT_FAILED || p == AT_FAILED)
        return;
    w[10] = 'r';
    T_EQ(((volatile char *)p)[10], 'r', "the read-only attachment reads the data");
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        ((volatile char *)p)[10] = 'w';
        _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    T_OK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
         "a write to a SHM_RDONLY attachment raises SIGSEGV");
    T_EQ(w[10], 'r', "the write did not land");
    shmdt(p);
    shmdt(w);
}

static void test_placement(int id2)
{
    uintptr_t fa = free_area(4);
    T_OK(fa != 0, "set up: a free area of 4 pages");

    char *p = shmat(id2, (void *)(fa + 123), SHM_RND);
    T_EQ((uintptr_t)p, fa, "SHM_RND rounds the address down to SHMLBA");
    if (p != AT_FAILED)
        shmdt(p);
    p = shmat(id2, (void *)(fa + PG + 4095), SHM_RND | SHM_RDONLY);
    T_EQ((uintptr_t)p, fa + PG, "SHM_RND rounds +4095 down too");
    if (p != AT_FAILED)
        shmdt(p);
    p = shmat(id2, (void *)(fa + 2 * PG), 0);
    T_EQ((uintptr_t)p, fa + 2 * PG, "an aligned fixed address is used as given");
    if (p != AT_FAILED) {
        p[0] = 1;
        p[2 * PG - 1] = 2;
        T_OK(p[0] == 1 && p[2 * PG - 1] == 2, "the fixed attachment is usable end to end");
        shmdt(p);
    }
    p = shmat(id2, (void *)fa, SHM_REMAP);
    T_EQ((uintptr_t)p, fa, "SHM_REMAP at a free fixed address just attaches");
    if (p != AT_FAILED)
        shmdt(p);

    /* NULL: the kernel picks; two attaches are two views of one segment. */
    char *a = shmat(id2, NULL, 0);
    char *b = shmat(id2, NULL, 0);
    T_OK(a != AT_FAILED && b != AT_FAILED, "two NULL attaches succeed");
    if (a == AT_FAILED || b == AT_FAILED)
        return;
    T_OK(a != NULL && (uintptr_t)a + 2 * PG <= USER_TOP && ((uintptr_t)a & (PG - 1)) == 0,
         "a NULL attach picks an aligned address below 0xC0000000");
    T_OK(a != b, "two NULL attaches give different addresses");
    T_OK((uintptr_t)a + 2 * PG <= (uintptr_t)b || (uintptr_t)b + 2 * PG <= (uintptr_t)a,
         "... that do not overlap");
    a[5] = 'a';
    b[PG + 7] = 'b';
    T_OK(b[5] == 'a' && a[PG + 7] == 'b', "each sees the other's writes");
    T_EQ(nattch(id2), 2, "nattch == 2");
    shmdt(a);
    shmdt(b);
}

static void test_remap(void)
{
    int ida = shmget(IPC_PRIVATE, 2 * PG, 0600);
    int idb = shmget(IPC_PRIVATE, 2 * PG, 0600);
    char *a = shmat(ida, NULL, 0);
    char *b = shmat(idb, NULL, 0);
    T_OK(a != AT_FAILED && b != AT_FAILED, "set up: segments A and B attached");
    if (a == AT_FAILED || b == AT_FAILED)
        goto out;
    a[0] = 'A';
    b[0] = 'B';
    char *r = shmat(idb, a, SHM_REMAP);
    T_EQ((uintptr_t)r, (uintptr_t)a, "SHM_REMAP over A's attachment returns that address");
    T_EQ(nattch(ida), 0, "A's attachment was replaced: A's nattch 1 -> 0");
    T_EQ(nattch(idb), 2, "B's nattch 1 -> 2");
    T_EQ(a[0], 'B', "the address now shows B");
    a[PG + 1] = 'x';
    T_EQ(b[PG + 1], 'x', "writes there reach B");
    T_ERRNO(shmat(ida, a, 0), EINVAL, "without SHM_REMAP the address is taken");
    T_SUCCESS(shmdt(a), "shmdt of the remapped address");
    T_EQ(nattch(idb), 1, "B's nattch back to 1");
    char *a2 = shmat(ida, NULL, 0);
    T_OK(a2 != AT_FAILED && a2[0] == 'A', "A kept its data");
    if (a2 != AT_FAILED)
        shmdt(a2);
    shmdt(b);
out:
    shmctl(ida, IPC_RMID, NULL);
    shmctl(idb, IPC_RMID, NULL);
}

static void test_many(void)
{
    enum { N = 20 };
    char *p[N];
    int id = shmget(IPC_PRIVATE, PG, 0600);
    int ok = id >= 0;
    for (int i = 0; i < N; i++) {
        p[i] = ok ? shmat(id, NULL, i % 2 ? SHM_RDONLY : 0) : AT_FAILED;
        if (p[i] == AT_FAILED)
            ok = 0;
    }
    T_OK(ok, "20 attaches of one segment in one process");
    T_EQ(nattch(id), N, "nattch counts them: 20");
    int distinct = ok;
    for (int i = 0; ok && i < N; i++)
        for (int j = 0; j < i; j++)
            if (p[i] == p[j])
                distinct = 0;
    T_OK(distinct, "at 20 different addresses");
    if (ok) {
        p[0][100] = 'm';
        T_EQ(p[N - 1][100], 'm', "the last sees the first one's write");
    }
    int bad = 0;
    for (int i = 0; ok && i < N; i++)
        if (shmdt(p[i]) < 0)
            bad++;
    T_EQ(bad, 0, "each detaches");
    T_EQ(nattch(id), 0, "nattch back to 0");
    shmctl(id, IPC_RMID, NULL);
}

/* NULL attaches of a big segment until the address space is full. */
static void test_enomem(void)
{
    struct shminfo si;
    memset(&si, 0, sizeof(si));
    shmctl(0, IPC_INFO, (struct shmid_ds *)&si);
    /* Half of SHMMAX: SHMALL may equal SHMMAX, and other segments exist. */
    unsigned long size = (si.shmmax / 2) & ~(unsigned long)(PG - 1);
    if (size > (512ul << 20))
        size = 512ul << 20;
    int id = shmget(IPC_PRIVATE, size, 0600);
    T_OK(id >= 0, "set up: a segment of min(SHMMAX / 2, 512 MiB)");
    /* Small machines: small segments, many fit. With 32 MiB and the
     * initrd's busybox, SHMMAX / 2 is about 10 MB: 300 of them fill 3 GiB. */
    enum { MAX = 1024 };
    static void *p[MAX];
    int n = 0, err = 0;
    while (id >= 0 && n < MAX) {
        p[n] = shmat(id, NULL, SHM_RDONLY);
        if (p[n] == AT_FAILED) {
            err = errno;
            break;
        }
        n++;
    }
    printf("# %d attaches of %lu bytes fit\n", n, size);
    T_OK(n >= 2 && n < MAX, "the address space fills up after a few attaches");
    T_EQ(err, ENOMEM, "the next NULL attach fails with ENOMEM");
    T_EQ(nattch(id), n, "nattch counts the successful ones only");
    int bad = 0;
    for (int i = 0; i < n; i++)
        if (shmdt(p[i]) < 0)
            bad++;
    T_EQ(bad, 0, "all of them detach");
    void *q = id >= 0 ? shmat(id, NULL, 0) : AT_FAILED;
    T_OK(q != AT_FAILED, "and there is room again");
    if (q != AT_FAILED)
        shmdt(q);
    shmctl(id, IPC_RMID, NULL);
}

int main(void)
{
    t_begin("shm_at_errors");

    int id2 = shmget(IPC_PRIVATE, 2 * PG, 0600);
    T_OK(id2 >= 0, "create a 2-page segment");

    test_einval_table(id2);
    test_permissions();
    test_rdonly(id2);
    test_placement(id2);
    test_remap();
    test_many();
    test_enomem();

    T_SUCCESS(shmctl(id2, IPC_RMID, NULL), "remove the 2-page segment");
    return t_end();
}
