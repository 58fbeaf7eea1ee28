/*
 * shm_memory: the memory behind a segment (docs/shm.md): zero fill,
 * the tail of the last page past shm_segsz, frames allocated one page at
 * a time on first touch (SHM_INFO shm_rss), big segments costing nothing
 * until touched, the heap never growing into an attachment (LTP shmt09),
 * and ftok.
 */
#include <agora_shm_test.h>
#include <stdint.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/stat.h>

static unsigned long rss(void)
{
    struct shm_info inf;
    memset(&inf, 0, sizeof(inf));
    if (shmctl(0, SHM_INFO, (struct shmid_ds *)&inf) < 0)
        return (unsigned long)-1;
    return inf.shm_rss;
}

static int all_zero(const volatile char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

static void test_zero_fill(void)
{
    int id = shmget(IPC_PRIVATE, 3 * PG, 0600);
    char *p = id >= 0 ? shmat(id, NULL, 0) : AT_FAILED;
    T_OK(p != AT_FAILED, "attach a new 3-page segment");
    if (p == AT_FAILED)
        return;
    T_OK(all_zero(p, 3 * PG), "a new segment reads as zero");
    memset(p, 0xFF, 3 * PG);
    shmdt(p);
    shmctl(id, IPC_RMID, NULL);

    /* The dirty frames go back; a new segment must not see them. */
    id = shmget(IPC_PRIVATE, 3 * PG, 0600);
    p = id >= 0 ? shmat(id, NULL, 0) : AT_FAILED;
    T_OK(p != AT_FAILED && all_zero(p, 3 * PG), "a segment made after a dirty one was freed reads as zero");
    if (p != AT_FAILED)
        shmdt(p);
    shmctl(id, IPC_RMID, NULL);
}

static void test_tail(void)
{
    int id = shmget(IPC_PRIVATE, 100, 0600);
    char *p = id >= 0 ? shmat(id, NULL, 0) : AT_FAILED;
    char *q = id >= 0 ? shmat(id, NULL, SHM_RDONLY) : AT_FAILED;
    T_OK(p != AT_FAILED && q != AT_FAILED, "attach a 100-byte segment twice");
    if (p != AT_FAILED && q != AT_FAILED) {
        T_OK(all_zero(p + 100, PG - 100), "bytes past segsz read as zero");
        p[99] = 0x11;
        p[150] = 0x5A;
        p[4095] = (char)0xA5;
        T_EQ(q[99], 0x11, "the last byte of segsz is shared");
        T_EQ(q[150], 0x5A, "offset 150 of a 100-byte segment is shared");
        T_EQ((unsigned char)q[4095], 0xA5, "offset 4095 (end of the page) is shared");
    }
    struct shmid_ds ds;
    T_OK(shmctl(id, IPC_STAT, &ds) == 0 && ds.shm_segsz == 100, "segsz stays 100");
    if (p != AT_FAILED)
        shmdt(p);
    if (q != AT_FAILED)
        shmdt(q);
    shmctl(id, IPC_RMID, NULL);
}

static void test_lazy(void)
{
    unsigned long r0 = rss();
    int id = shmget(IPC_PRIVATE, 1 << 20, 0600);
    char *p = id >= 0 ? shmat(id, NULL, 0) : AT_FAILED;
    T_OK(p != AT_FAILED, "attach a 1 MiB segment");
    if (p == AT_FAILED)
        return;
    T_EQ(rss(), r0, "1 MiB: no frames before the first touch");
    unsigned f0 = t_free_frames();
    p[100 * PG + 10] = 1;
    unsigned f1 = t_free_frames();
    T_EQ(rss(), r0 + 1, "touching one page: shm_rss grows by exactly 1");
    T_OK(f0 - f1 >= 1 && f0 - f1 <= 2, "free frames drop by 1 (plus maybe a page table)");
    if (f0 - f1 < 1 || f0 - f1 > 2)
        printf("# free frames %u -> %u\n", f0, f1);
    p[100 * PG + 4000] = 2;
    T_EQ(rss(), r0 + 1, "another byte of the same page: no new frame");
    p[101 * PG] = 3;
    T_EQ(rss(), r0 + 2, "the next page: one more");
    T_EQ(p[100 * PG + 10] + p[100 * PG + 4000] + p[101 * PG], 6, "the values are there");
    T_OK(all_zero(p + 101 * PG + 1, PG - 1), "the rest of the new page is zero");
    shmdt(p);
    T_EQ(rss(), r0 + 2, "detached: the segment keeps its frames");
    shmctl(id, IPC_RMID, NULL);
    T_EQ(rss(), r0, "removed: shm_rss back");

    /* A big segment (64 MiB, or half of SHMMAX on a small machine):
     * getting and attaching it costs nothing. */
    struct shminfo lim;
    shmctl(0, IPC_INFO, (struct shmid_ds *)&lim);
    unsigned long big = 64ul << 20;
    if (big > lim.shmmax / 2)
        big = (lim.shmmax / 2) & ~(unsigned long)(PG - 1);
    f0 = t_free_frames();
    id = shmget(IPC_PRIVATE, big, 0600);
    p = id >= 0 ? shmat(id, NULL, 0) : AT_FAILED;
    f1 = t_free_frames();
    T_OK(p != AT_FAILED, "shmget + shmat of a big segment (64 MiB)");
    T_EQ(rss(), r0, "big segment: shm_rss unchanged");
    T_OK(f0 - f1 <= 2, "big segment: at most 2 frames (page tables) spent on get + attach");
    if (f0 - f1 > 2)
        printf("# free frames %u -> %u\n", f0, f1);
    if (p != AT_FAILED) {
        p[big - 1] = 9;
        T_EQ(rss(), r0 + 1, "big segment: touching the last byte allocates one frame");
        T_EQ(p[big - 1], 9, "and it holds the value");
        shmdt(p);
    }
    shmctl(id, IPC_RMID, NULL);
    T_EQ(rss(), r0, "removed: shm_rss back");
}

static void test_fork_shares(void)
{
    int id = shmget(IPC_PRIVATE, PG, 0600);
    volatile char *p = id >= 0 ? shmat(id, NULL, 0) : AT_FAILED;
    T_OK(p != AT_FAILED, "attach before fork");
    if (p == AT_FAILED)
        return;
    p[0] = 'p';
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        int ok = p[0] == 'p';
        p[1] = 'c';
        _exit(ok ? 0 : 1);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    T_OK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child sees the parent's write");
    T_EQ(p[1], 'c', "the parent sees the child's write (fork shares, not copies)");
    shmdt((void *)p);
    shmctl(id, IPC_RMID, NULL);
}

static void test_heap(void)
{
    int id = shmget(IPC_PRIVATE, 4 * PG, 0600);
    T_OK(id >= 0, "a 4-page segment");

    /* Attaching over the heap is refused. */
    char *old = sbrk(PG);
    char *brk_now = sbrk(0);
    T_OK(old != (void *)-1, "sbrk(4096) grows the heap");
    uintptr_t heap_page = ((uintptr_t)brk_now - 1) & ~(uintptr_t)(PG - 1);
    ((volatile char *)heap_page)[0] = 7;
    T_ERRNO(shmat(id, (void *)heap_page, 0), EINVAL, "shmat over the heap (below the break): EINVAL");
    T_ERRNO(shmat(id, (void *)heap_page, SHM_RND), EINVAL, "... with SHM_RND too");
    sbrk(-(intptr_t)PG);

    /* LTP shmt09: attach just above the break; the heap cannot grow into it. */
    char *cur = sbrk(0);
    uintptr_t want = ((uintptr_t)cur + 2 * PG) & ~(uintptr_t)(PG - 1);
    char *p = shmat(id, cur + 2 * PG, SHM_RND);
    T_EQ((uintptr_t)p, want, "SHM_RND attach at sbrk(0) + 2 pages");
    if (p == AT_FAILED) {
        shmctl(id, IPC_RMID, NULL);
        return;
    }
    p[0] = 'S';
    errno = 0;
    void *r = sbrk(8192 * 4);
    int e = errno;
    T_OK(r == (void *)-1 && e == ENOMEM, "sbrk(32768) into the attachment: (void *)-1, ENOMEM");
    T_EQ((uintptr_t)sbrk(0), (uintptr_t)cur, "the break did not move");
    T_ERRNO(brk(p + PG), ENOMEM, "brk() into the attachment: ENOMEM");
    r = sbrk(PG);
    T_OK(r != (void *)-1, "sbrk(4096), which stays below it, works");
    if (r != (void *)-1) {
        ((volatile char *)r)[0] = 1;
        sbrk(-(intptr_t)PG);
    }
    T_EQ(p[0], 'S', "the attachment is intact");
    shmdt(p);
    r = sbrk(8192 * 4);
    T_OK(r != (void *)-1, "after shmdt the same sbrk works");
    if (r != (void *)-1)
        sbrk(-(intptr_t)(8192 * 4));
    shmctl(id, IPC_RMID, NULL);
}

static void test_ftok(void)
{
    struct stat st;
    T_EQ(stat("/tests", &st), 0, "stat(\"/tests\")");
    key_t k1 = ftok("/tests", 'a');
    key_t k2 = ftok("/tests", 'a');
    key_t kb = ftok("/tests", 'b');
    key_t want = (key_t)((st.st_ino & 0xffff) | ((st.st_dev & 0xff) << 16) | (('a' & 0xffu) << 24));
    T_OK(k1 != -1, "ftok(\"/tests\", 'a') succeeds on a directory");
    T_EQ(k1, k2, "ftok is deterministic");
    T_OK(kb != k1, "a different proj_id gives a different key");
    T_EQ(k1, want, "key == (ino & 0xffff) | (dev & 0xff) << 16 | 'a' << 24");
    T_EQ(ftok("/tests", 4160), ftok("/tests", 0x40), "only the low byte of proj_id is used");
    key_t kneg = ftok("/tests", 0xA5);
    T_OK(kneg < 0 && kneg != -1, "proj_id 0xA5 gives a negative key (key_t is int32)");

    struct stat fst;
    T_EQ(stat("/tests/shm_memory", &fst), 0, "stat our own binary");
    T_EQ(ftok("/tests/shm_memory", 1),
         (key_t)((fst.st_ino & 0xffff) | ((fst.st_dev & 0xff) << 16) | (1u << 24)),
         "ftok of a file follows the same formula");

    T_ERRNO(ftok("/no/such/path", 'a'), ENOENT, "ftok of a missing path: -1, ENOENT");
    T_ERRNO(ftok("/tests/no-such-file", 'a'), ENOENT, "ftok of a missing file: -1, ENOENT");

    /* The key works with shmget. */
    int id = shmget(k1, PG, IPC_CREAT | IPC_EXCL | 0600);
    T_OK(id >= 0 && shmget(ftok("/tests", 'a'), 0, 0) == id, "an ftok key finds its segment again");
    if (id >= 0)
        shmctl(id, IPC_RMID, NULL);
}

int main(void)
{
    t_begin("shm_memory");

    test_zero_fill();
    test_tail();
    test_lazy();
    test_fork_shares();
    test_heap();
    test_ftok();

    return t_end();
}
