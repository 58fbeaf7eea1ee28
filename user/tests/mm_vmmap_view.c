/*
 * mm_vmmap_view: what AGORA_NR_vmmap reports, and so what /bin/vmmap
 * prints, for each kind of region: the program's own image (file, private,
 * named after the file), private anonymous memory through fork (one frame
 * with refs 2 and not writable in both processes, then a new frame with
 * refs 1 in the writer, then the old frame taken over by the last owner
 * without a copy), a shm segment (shared, the same frame stays writable in
 * parent and child) and MAP_SHARED|MAP_ANONYMOUS memory (kind shared).
 *
 * Children check their own view and exit with the number of the first
 * check that failed (0: all passed); the parent reports that number.
 */
#include <agora_test.h>
#include <stdint.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/wait.h>

#define PG 4096

/* The region holding va in the caller, in *out; 0 if found, else -1. */
static int region_of(const volatile void *va, struct agora_region *out)
{
    static struct agora_region r[64];
    uint32_t a = (uint32_t)(uintptr_t)va;
    long n = syscall(AGORA_NR_vmmap, 0, r, 64);
    for (long i = 0; i < n && i < 64; i++) {
        if (r[i].start <= a && a < r[i].end) {
            *out = r[i];
            return 0;
        }
    }
    memset(out, 0, sizeof(*out));
    return -1;
}

/* Page i of r: its frame, reference count and whether it is writable now. */
static uint32_t frame_at(const struct agora_region *r, uint32_t i) { return r->frames[i]; }
static uint32_t refs_at(const struct agora_region *r, uint32_t i) { return r->refs[i]; }
static int writable_at(const struct agora_region *r, uint32_t i) { return !!(r->writable & (1u << i)); }

/* Wait for pid; its exit status, or -1 if it did not exit normally. */
static int child_status(pid_t pid)
{
    int st = 0;
    if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
        return -1;
    return WEXITSTATUS(st);
}

static void image(void)
{
    struct agora_region r;
    T_OK(region_of((const void *)(uintptr_t)image, &r) == 0, "the text has a region");
    T_EQ(r.kind, AGORA_REGION_FILE, "the text: kind file");
    T_OK(r.flags & AGORA_REGION_PRIVATE, "the text: private");
    T_OK(strncmp(r.name, "/tests/mm_vmmap_view", sizeof(r.name)) == 0,
         "the text: named after the program's file");
    T_OK(frame_at(&r, 0) != 0 && refs_at(&r, 0) >= 1, "the text's first page: a frame, refs >= 1");
    T_OK(!writable_at(&r, 0), "the text's first page: not writable");
}

/* The child's view of page p after fork: checks 1-6 (see main). */
static int cow_child(volatile char *p, uint32_t parent_frame)
{
    struct agora_region r;
    if (region_of(p, &r) < 0 || frame_at(&r, 0) != parent_frame)
        return 1;                       /* the same frame as the parent */
    if (refs_at(&r, 0) != 2)
        return 2;                       /* held by both */
    if (writable_at(&r, 0))
        return 3;                       /* copy-on-write: read-only */
    *p = 2;
    if (region_of(p, &r) < 0 || frame_at(&r, 0) == parent_frame || frame_at(&r, 0) == 0)
        return 4;                       /* the write copied the page */
    if (refs_at(&r, 0) != 1)
        return 5;
    if (!writable_at(&r, 0) || *p != 2)
        return 6;
    return 0;
}

static void private_anon(void)
{
    volatile char *p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    T_OK(p != MAP_FAILED, "mmap one private page");
    if (p == MAP_FAILED)
        return;
    *p = 1;
    struct agora_region r;
    T_OK(region_of(p, &r) == 0, "it has a region");
    T_EQ(r.kind, AGORA_REGION_ANON, "kind anon");
    T_OK(r.flags & AGORA_REGION_PRIVATE, "private");
    uint32_t frame = frame_at(&r, 0);
    T_OK(frame != 0, "the touched page is present");
    T_EQ(refs_at(&r, 0), 1, "refs 1 before fork");
    T_OK(writable_at(&r, 0), "writable before fork");

    pid_t pid = fork();
    if (pid == 0)
        _exit(cow_child(p, frame));
    T_EQ(child_status(pid), 0,
         "child: same frame, refs 2, read-only (1-3); after its write a new frame, refs 1, "
         "writable (4-6)");
    T_EQ(*p, 1, "the parent does not see the child's write");
    T_OK(region_of(p, &r) == 0 && frame_at(&r, 0) == frame, "the parent keeps its frame");
    T_EQ(refs_at(&r, 0), 1, "refs 1 once the child has exited");
    T_OK(!writable_at(&r, 0), "still read-only until the parent writes (cow, last owner)");
    struct agora_meminfo before = t_meminfo();
    *p = 3;
    struct agora_meminfo after = t_meminfo();
    T_OK(region_of(p, &r) == 0 && frame_at(&r, 0) == frame,
         "the last owner's write takes the frame over: no copy");
    T_OK(writable_at(&r, 0), "and makes it writable");
    T_EQ(after.cow_reuses - before.cow_reuses, 1, "meminfo counts one reuse");
    T_EQ(after.cow_copies - before.cow_copies, 0, "and no copy");
    T_SUCCESS(munmap((void *)p, PG), "munmap");
}

/* The child's view of shm page q: checks 1-3 (see main). */
static int shm_child(volatile char *q, int id, uint32_t parent_frame)
{
    struct agora_region r;
    *q = 2;
    if (region_of(q, &r) < 0 || frame_at(&r, 0) != parent_frame)
        return 1;                       /* the segment's frame, not a copy */
    if (r.kind != AGORA_REGION_SHM || r.id != id || (r.flags & AGORA_REGION_PRIVATE))
        return 2;
    if (!writable_at(&r, 0))
        return 3;
    return 0;
}

static void shm(void)
{
    int id = shmget(IPC_PRIVATE, PG, 0600);
    T_OK(id >= 0, "shmget one page");
    if (id < 0)
        return;
    volatile char *q = shmat(id, NULL, 0);
    T_OK(q != (void *)-1, "shmat");
    shmctl(id, IPC_RMID, NULL);
    if (q == (void *)-1)
        return;
    *q = 1;
    struct agora_region r;
    T_OK(region_of(q, &r) == 0, "the attachment has a region");
    T_EQ(r.kind, AGORA_REGION_SHM, "kind shm");
    T_EQ(r.id, id, "with the segment's id");
    T_OK(!(r.flags & AGORA_REGION_PRIVATE), "shared, not private");
    T_EQ(r.offset, 0, "segment page 0 at its start");
    uint32_t frame = frame_at(&r, 0);
    T_OK(frame != 0 && refs_at(&r, 0) >= 1, "the touched page: a frame, refs >= 1");
    T_OK(writable_at(&r, 0), "writable");
    pid_t pid = fork();
    if (pid == 0)
        _exit(shm_child(q, id, frame));
    T_EQ(child_status(pid), 0, "child: the same frame (1), shm and shared (2), writable (3)");
    T_EQ(*q, 2, "the parent sees the child's write");
    T_OK(region_of(q, &r) == 0 && frame_at(&r, 0) == frame && writable_at(&r, 0),
         "the parent's page: the same frame, still writable (never copy-on-write)");
    T_SUCCESS(shmdt((void *)q), "shmdt");
}

static void shared_anon(void)
{
    volatile char *s = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    T_OK(s != MAP_FAILED, "mmap one MAP_SHARED|MAP_ANONYMOUS page");
    if (s == MAP_FAILED)
        return;
    *s = 1;
    struct agora_region r;
    T_OK(region_of(s, &r) == 0, "it has a region");
    T_EQ(r.kind, AGORA_REGION_SHARED, "kind shared");
    T_OK(!(r.flags & AGORA_REGION_PRIVATE), "not private");
    T_OK(frame_at(&r, 0) != 0 && writable_at(&r, 0), "the touched page: present, writable");
    T_SUCCESS(munmap((void *)s, PG), "munmap");
}

int main(void)
{
    t_begin("mm_vmmap_view");
    image();
    private_anon();
    shm();
    shared_anon();
    return t_end();
}
