/*
 * mm_limits: the region limit and RLIMIT_AS.
 *
 * A process may have at most AGORA_MAX_MAP_COUNT regions (agora's
 * vm.max_map_count). The test brings its count to exactly the limit by
 * splitting a mapping with mprotect, then checks each call at the limit:
 * whatever would leave more regions gives ENOMEM and changes nothing
 * (mprotect or munmap in the middle of a region, mmap, brk, shmat), and
 * whatever leaves no more works (mprotect that merges with a neighbour,
 * munmap of a whole region, mmap that joins a like neighbour, shmat with
 * SHM_REMAP over one whole region). Regions merge as Linux's VMAs do.
 *
 * RLIMIT_AS bounds the pages of all regions: mmap, brk and shmat beyond
 * it give ENOMEM, calls that do not grow the total still work, fork is
 * not limited (as Linux), and exec into an image (with its 8 MiB stack
 * region) that would not fit fails with ENOMEM, leaving the caller alive.
 */
#include <agora_test.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/shm.h>

#define SELF "/tests/mm_limits"
#define PG 4096
#define MAX AGORA_MAX_MAP_COUNT
#define NPAGES 8192                     /* the mapping split to reach the limit */

static int nreg(void)
{
    return (int)syscall(AGORA_NR_vmmap, 0, NULL, 0);
}

/* Pages of all regions (the test's own, before it has thousands). */
static unsigned long total_pages(void)
{
    static struct agora_region r[256];
    int n = (int)syscall(AGORA_NR_vmmap, 0, r, 256);
    unsigned long pages = 0;
    for (int i = 0; i < n && i < 256; i++)
        pages += (r[i].end - r[i].start) / PG;
    return pages;
}

/* Does writing *p kill a child with SIGSEGV? */
static int write_faults(volatile char *p)
{
    pid_t pid = fork();
    if (pid == 0) {
        *p = 1;
        _exit(0);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV;
}

#define COUNT_IS(n, what) do {                                              \
        char w_[160];                                                       \
        snprintf(w_, sizeof(w_), "%s (count %d)", (what), (n));             \
        T_EQ(nreg(), (n), w_);                                              \
    } while (0)

static void test_map_count(void)
{
    /* brk after mprotect of the heap's top page: the new memory is plain
     * read-write heap, not an extension of the read-only page (Linux adds
     * a VMA when the flags differ). */
    char *h = sbrk(2 * PG);
    T_OK(h != (char *)-1, "sbrk two pages");
    T_SUCCESS(mprotect(h + PG, PG, PROT_READ), "the heap's top page made read-only");
    char *h2 = sbrk(PG);
    T_OK(h2 == h + 2 * PG, "sbrk one more page");
    T_EQ(write_faults(h2), 0, "the page brk adds after a read-only one is writable");
    T_EQ(write_faults(h + PG), 1, "and the read-only page stays read-only");
    T_OK(sbrk(-PG) == h2 + PG && sbrk(0) == h2, "sbrk back down");

    /* A mapping with a free two-page hole just below it. */
    char *raw = mmap(NULL, (NPAGES + 2) * PG, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    T_OK(raw != MAP_FAILED, "mmap 32 MiB");
    if (raw == MAP_FAILED)
        return;
    T_SUCCESS(munmap(raw, 2 * PG), "munmap its two lowest pages (a hole below it)");
    char *base = raw + 2 * PG;
    base[3 * PG] = 'm';

    /* Page 0 read-only (one more region), and the top page read-exec if
     * the parity needs it (one more); then pages NPAGES - 3, - 5, ...
     * read-only, from the top down (two more each, and a short list walk
     * each). */
    long t0 = now_ms();
    int n = nreg(), calls = 0;
    if (mprotect(base, PG, PROT_READ) == 0)
        n++, calls++;
    if ((MAX - n) % 2 && mprotect(base + (NPAGES - 1) * PG, PG, PROT_READ | PROT_EXEC) == 0)
        n++, calls++;
    int pg = NPAGES - 3;                /* below an untouched page: two splits */
    while (n < MAX && pg > 8) {
        if (mprotect(base + pg * PG, PG, PROT_READ) < 0)
            break;
        pg -= 2;
        n += 2;
        calls++;
    }
    int low = pg + 2;                   /* the lowest read-only page split off */
    char what[160];
    snprintf(what, sizeof(what), "%d mprotect calls bring the count to the limit %d in %ld ms",
             calls, MAX, now_ms() - t0);
    T_OK(n == MAX && nreg() == MAX, what);
    if (nreg() != MAX)
        return;

    errno = 0;
    T_ERRNO(mprotect(base + 3 * PG, PG, PROT_READ), ENOMEM,
            "mprotect of a page inside a region (two more): ENOMEM");
    COUNT_IS(MAX, "nothing changed");
    T_EQ(write_faults(base + 3 * PG), 0, "the page is still writable");
    T_SUCCESS(mprotect(base + PG, PG, PROT_READ),
              "mprotect that splits a page off and merges it with its neighbour");
    COUNT_IS(MAX, "still at the limit");
    T_SUCCESS(mprotect(base + PG, PG, PROT_READ | PROT_WRITE), "and back");
    COUNT_IS(MAX, "still at the limit");
    T_SUCCESS(mprotect(base + low * PG, PG, PROT_READ | PROT_WRITE),
              "mprotect of a one-page region like both neighbours: all three merge");
    COUNT_IS(MAX - 2, "two fewer");
    T_SUCCESS(mprotect(base + low * PG, PG, PROT_READ), "split it again");
    COUNT_IS(MAX, "at the limit again");

    T_ERRNO(mmap(raw + PG, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                 -1, 0), ENOMEM, "mmap of a page unlike its neighbour: ENOMEM");
    T_ERRNO(mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
            ENOMEM, "mmap anywhere: ENOMEM");
    T_OK(mmap(raw + PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == raw + PG,
         "mmap of a page like its neighbour (it merges) works at the limit");
    COUNT_IS(MAX, "still at the limit");

    T_ERRNO(munmap(base + 3 * PG, PG), ENOMEM, "munmap of a page inside a region: ENOMEM");
    T_EQ(base[3 * PG], 'm', "the page is still mapped, with its data");
    T_SUCCESS(munmap(base + (NPAGES - 3) * PG, PG), "munmap of a whole one-page region");
    COUNT_IS(MAX - 1, "one fewer");
    T_SUCCESS(munmap(base + 5 * PG, PG), "then a hole inside a region fits");
    COUNT_IS(MAX, "at the limit");

    char *brk_before = sbrk(0);
    T_OK(sbrk(PG) == (void *)-1 && errno == ENOMEM,
         "sbrk needing a new region (the heap's top is read-only): ENOMEM");
    T_OK(sbrk(0) == brk_before, "the break did not move");

    int id = shmget(IPC_PRIVATE, PG, IPC_CREAT | 0600);
    T_OK(id >= 0, "shmget one page");
    T_ERRNO(shmat(id, NULL, 0), ENOMEM, "shmat: ENOMEM");
    char *at = base + (NPAGES - 5) * PG;        /* a one-page read-only region */
    T_OK(shmat(id, at, SHM_REMAP) == at, "shmat SHM_REMAP over one whole region works");
    COUNT_IS(MAX, "still at the limit");
    T_SUCCESS(shmdt(at), "shmdt");
    shmctl(id, IPC_RMID, NULL);
    COUNT_IS(MAX - 1, "one fewer");

    T_SUCCESS(munmap(raw, (NPAGES + 2) * PG), "munmap the whole split mapping");
    T_SUCCESS(mprotect(h + PG, PG, PROT_READ | PROT_WRITE), "the heap's top page writable again");
    snprintf(what, sizeof(what), "back to a few regions (%d)", nreg());
    T_OK(nreg() < 10, what);
}

static int exec_works(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        char *argv[] = { SELF, "exit-7", NULL };
        char *envp[] = { NULL };
        execve(SELF, argv, envp);
        _exit(errno == ENOMEM ? 12 : 99);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st);
}

static void test_rlimit_as(void)
{
    unsigned long used = total_pages();
    struct rlimit rl = { (used + 16) * PG, RLIM_INFINITY };
    T_SUCCESS(setrlimit(RLIMIT_AS, &rl), "RLIMIT_AS: what is mapped now + 16 pages");
    char *a = mmap(NULL, 16 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    T_OK(a != MAP_FAILED, "mmap of 16 pages fits");
    T_ERRNO(mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), ENOMEM,
            "one more page: ENOMEM");
    char *brk_before = sbrk(0);
    T_OK(sbrk(PG) == (void *)-1 && errno == ENOMEM && sbrk(0) == brk_before,
         "sbrk: ENOMEM, the break unchanged");
    int id = shmget(IPC_PRIVATE, PG, IPC_CREAT | 0600);
    T_ERRNO(shmat(id, NULL, 0), ENOMEM, "shmat: ENOMEM");
    T_OK(shmat(id, a, SHM_REMAP) == a, "shmat SHM_REMAP over a mapped page: no growth, works");
    T_SUCCESS(shmdt(a), "shmdt");
    shmctl(id, IPC_RMID, NULL);
    T_OK(mmap(a, 4 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == a,
         "MAP_FIXED over four pages (one of them unmapped by shmdt): fits");
    T_SUCCESS(mprotect(a, 16 * PG, PROT_READ), "mprotect changes no size: works");
    T_ERRNO(mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), ENOMEM,
            "still full: ENOMEM");
    T_SUCCESS(munmap(a, PG), "munmap one page");
    char *b = mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    T_OK(b != MAP_FAILED, "then one page fits again");
    rl.rlim_cur = 4 << 20;
    T_SUCCESS(setrlimit(RLIMIT_AS, &rl), "RLIMIT_AS 4 MiB (less than the 8 MiB stack region)");
    T_EQ(exec_works(), 12, "exec into an image larger than RLIMIT_AS: ENOMEM, the caller lives");

    rl.rlim_cur = used / 2 * PG;
    T_SUCCESS(setrlimit(RLIMIT_AS, &rl), "RLIMIT_AS below what is mapped already");
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    int st = 0;
    T_OK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st),
         "fork copies the address space regardless, as on Linux");
    rl.rlim_cur = RLIM_INFINITY;
    T_SUCCESS(setrlimit(RLIMIT_AS, &rl), "RLIMIT_AS back to infinity");
    T_EQ(exec_works(), 7, "exec works again");
    T_OK(sbrk(PG) != (void *)-1, "and sbrk");
    munmap(a, 16 * PG);
    munmap(b, PG);
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "exit-7") == 0)
        return 7;
    t_begin("mm_limits");
    test_map_count();
    test_rlimit_as();
    return t_end();
}
