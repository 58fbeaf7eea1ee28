/*
 * cow_fork: after fork, parent and child each see only their own writes
 * (issue 8, copy-on-write fork).
 *
 * Areas of two pages each, in every kind of private memory a process has:
 * static data (.data), .bss, a malloc'd heap block, a stack array, an
 * anonymous MAP_PRIVATE mapping, a MAP_PRIVATE mapping of the ramfs file
 * /testdata/pages (page 0 only read before fork, page 1 written), and, not
 * touched before fork at all, a heap block past brk, an anonymous mapping
 * and two more pages of the file mapping.
 *
 *   1. The parent fills the touched areas and forks. Right after fork,
 *      vmmap shows each touched page in the parent with the child's frame,
 *      a count of at least 2 and no write permission (copy-on-write).
 *   2. The child writes page 0 of every area first: the parent still sees
 *      the old bytes (for the file: the bytes read() gives), the child's
 *      page 0 now has a frame of its own, page 1 is still shared, and
 *      meminfo counted a copy for each touched page 0.
 *   3. The parent writes page 1 first: the child still sees the old bytes
 *      there and its own on page 0; then the child writes page 1 too and
 *      the parent still sees its own.
 * Every comparison is of whole pages. The processes take turns through
 * flags in a shm control segment (shm is shared, never copied).
 */
#include <agora_mm_test.h>
#include <fcntl.h>
#include <sys/stat.h>

#define FILE_PATH "/testdata/pages"
#define NAREA 9

static char data_area[2 * PG] __attribute__((aligned(4096))) = { 1 };
static char bss_area[2 * PG] __attribute__((aligned(4096)));
static char expect_page[PG];            /* scratch for check_page */

struct area {
    const char *name;
    volatile char *p;           /* two pages */
    char *orig;                 /* their contents at fork (2 * PG) */
    int touched;                /* present before fork (vmmap checks) */
    int vm;                     /* vmmap reports its frames (first 16 pages) */
};

struct ctl {
    volatile int go;            /* parent: vmmap checks done, child may write */
    volatile int child_wrote;   /* child: page 0 written */
    volatile int parent_wrote;  /* parent: page 1 written */
    volatile int child_wrote1;  /* child: page 1 written */
};

static struct area areas[NAREA];
static int nareas;
static const int offsets[] = { 0, 123, 2048, PG - 1 };
#define NOFF ((int)(sizeof(offsets) / sizeof(offsets[0])))

/* The bytes of the file (read with read()), or NULL. */
static char *read_file(const char *path, size_t *size)
{
    int fd = open(path, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0) {
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    char *buf = calloc(1, (size_t)st.st_size + PG);
    size_t got = 0;
    ssize_t n;
    while (buf && got < (size_t)st.st_size &&
           (n = read(fd, buf + got, (size_t)st.st_size - got)) > 0)
        got += (size_t)n;
    close(fd);
    *size = got;
    return buf;
}

static void add(const char *name, volatile char *p, const char *orig, int touched)
{
    struct area *a = &areas[nareas++];
    a->name = name;
    a->p = p;
    a->orig = malloc(2 * PG);
    memcpy(a->orig, orig, 2 * PG);
    a->touched = touched;
    struct mm_page pg;
    a->vm = mm_page(0, p, &pg) == 0 && mm_page(0, p + PG, &pg) == 0;
}

/* Fill both pages of a touched anonymous area with a pattern of its own. */
static void fill(volatile char *p, int seed, char *orig)
{
    for (unsigned i = 0; i < 2 * PG; i++)
        orig[i] = (char)(seed * 31 + i * 7 + (i >> 9));
    for (unsigned i = 0; i < 2 * PG; i++)
        p[i] = orig[i];
}

/* Write val at the test offsets of page pg of every area. */
static void write_page(int pg, int base)
{
    for (int i = 0; i < nareas; i++)
        for (int k = 0; k < NOFF; k++)
            areas[i].p[pg * PG + offsets[k]] = (char)(base + i);
}

/* Whether page pg of area a holds its original bytes, with base + index at
 * the test offsets if base >= 0. */
static int page_is(const struct area *a, int pg, int base)
{
    memcpy(expect_page, a->orig + pg * PG, PG);
    if (base >= 0)
        for (int k = 0; k < NOFF; k++)
            expect_page[offsets[k]] = (char)(base + (a - areas));
    return memcmp((const char *)a->p + pg * PG, expect_page, PG) == 0;
}

#define CHILD0 0x80     /* the child's page 0 bytes: CHILD0 + area index */
#define PARENT1 0x40    /* the parent's page 1 bytes */
#define CHILD1 0xA0     /* the child's page 1 bytes */

static void child(struct ctl *c)
{
    if (!wait_flag(&c->go, 1))
        child_exit();
    for (int i = 0; i < nareas; i++)
        C_CHECK(page_is(&areas[i], 0, -1) && page_is(&areas[i], 1, -1), areas[i].name);
    write_page(0, CHILD0);
    for (int i = 0; i < nareas; i++)
        C_CHECK(page_is(&areas[i], 0, CHILD0), "the child sees its own page-0 write");
    c->child_wrote = 1;
    if (!wait_flag(&c->parent_wrote, 1))
        child_exit();
    for (int i = 0; i < nareas; i++) {
        if (!page_is(&areas[i], 1, -1))
            printf("# child: %s page 1 shows the parent's write\n", areas[i].name);
        C_CHECK(page_is(&areas[i], 1, -1), "the parent's later write stays the parent's");
        C_CHECK(page_is(&areas[i], 0, CHILD0), "the child still sees its own page 0");
    }
    write_page(1, CHILD1);
    for (int i = 0; i < nareas; i++)
        C_CHECK(page_is(&areas[i], 1, CHILD1), "the child sees its own page-1 write");
    c->child_wrote1 = 1;
    child_exit();
}

int main(void)
{
    t_begin("cow_fork");
    /* First, so that it lies in the heap's first pages, where vmmap
     * reports frames. */
    char *heap = malloc(3 * PG);
    struct ctl *c = mm_ctl(sizeof(*c));
    T_OK(c != NULL, "a shm control segment");
    if (!c)
        return t_end();

    size_t fsize = 0;
    char *file = read_file(FILE_PATH, &fsize);
    T_OK(file && fsize >= 4 * PG, FILE_PATH " read with read(), at least 4 pages");
    if (!file || fsize < 4 * PG)
        return t_end();
    int fd = open(FILE_PATH, O_RDONLY);
    char *fmap = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    T_OK(fmap != MAP_FAILED, "mmap MAP_PRIVATE of " FILE_PATH);
    close(fd);

    char orig[2 * PG];
    char zero[2 * PG];
    memset(zero, 0, sizeof(zero));

    fill(data_area, 1, orig);
    add("static data", data_area, orig, 1);
    fill(bss_area, 2, orig);
    add("bss", bss_area, orig, 1);

    volatile char *heap_pages = (char *)(((uintptr_t)heap + PG - 1) & ~(uintptr_t)(PG - 1));
    fill(heap_pages, 3, orig);
    add("malloc heap", heap_pages, orig, 1);

    char stack_raw[3 * PG];
    volatile char *stack_pages = (char *)(((uintptr_t)stack_raw + PG - 1) & ~(uintptr_t)(PG - 1));
    fill(stack_pages, 4, orig);
    add("stack array", stack_pages, orig, 1);

    char *anon = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    T_OK(anon != MAP_FAILED, "mmap of anonymous private pages");
    if (anon != MAP_FAILED) {
        fill(anon, 5, orig);
        add("anonymous mmap", anon, orig, 1);
    }

    if (fmap != MAP_FAILED) {
        T_OK(memcmp(fmap, file, PG) == 0, "the file mapping's page 0 holds the file's bytes");
        memcpy(orig, file, 2 * PG);
        for (unsigned i = PG; i < 2 * PG; i++)
            orig[i] = (char)(i * 13);
        memcpy(fmap + PG, orig + PG, PG);
        add("file mmap (page 0 read, page 1 written)", fmap, orig, 1);
        add("file mmap, not touched before fork", fmap + 2 * PG, file + 2 * PG, 0);
    }

    char *brk_pages = sbrk(3 * PG);
    volatile char *fresh_heap = (char *)(((uintptr_t)brk_pages + PG - 1) & ~(uintptr_t)(PG - 1));
    add("heap past brk, not touched before fork", fresh_heap, zero, 0);
    char *fresh_anon = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (fresh_anon != MAP_FAILED)
        add("anonymous mmap, not touched before fork", fresh_anon, zero, 0);

    for (int i = 0; i < nareas; i++)
        if (areas[i].touched && !areas[i].vm)
            printf("# %s: past vmmap's first %d pages of its region, no frame checks\n",
                   areas[i].name, AGORA_REGION_FRAMES);
    uint32_t frame_before[NAREA][2];
    for (int i = 0; i < nareas; i++)
        for (int pg = 0; pg < 2; pg++) {
            struct mm_page m;
            mm_page(0, areas[i].p + pg * PG, &m);
            frame_before[i][pg] = m.frame;
            if (areas[i].touched && areas[i].vm && pg == 1) {
                printf("# %s: frame %#x refs %u writable %d before fork\n", areas[i].name,
                       m.frame, m.refs, m.writable);
                T_OK(m.frame && m.writable, "before fork, a written page is present and writable");
            }
        }

    struct agora_meminfo mi0 = t_meminfo();
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0)
        child(c);
    T_OK(pid > 0, "fork");
    if (pid < 0)
        return t_end();

    /* 1. Right after fork: shared, counted, read-only. */
    for (int i = 0; i < nareas; i++) {
        if (!areas[i].touched || !areas[i].vm)
            continue;
        for (int pg = 0; pg < 2; pg++) {
            struct mm_page mp, mc;
            char what[128];
            int okp = mm_page(0, areas[i].p + pg * PG, &mp) == 0;
            int okc = mm_page(pid, areas[i].p + pg * PG, &mc) == 0;
            snprintf(what, sizeof(what), "after fork, %s page %d: one frame in both, refs >= 2, read-only",
                     areas[i].name, pg);
            if (!(okp && okc && MM_SAME_FRAME(mp.frame, mc.frame) && mp.refs >= 2 && !mp.writable &&
                  !mc.writable))
                printf("# parent frame %#x refs %u writable %d; child frame %#x refs %u writable %d\n",
                       mp.frame, mp.refs, mp.writable, mc.frame, mc.refs, mc.writable);
            T_OK(okp && okc && MM_SAME_FRAME(mp.frame, mc.frame) && mp.refs >= 2 && !mp.writable &&
                 !mc.writable, what);
        }
    }
    c->go = 1;

    /* 2. The child wrote page 0 of every area. */
    T_OK(wait_flag(&c->child_wrote, 1), "the child wrote its page 0s");
    struct agora_meminfo mi1 = t_meminfo();
    for (int i = 0; i < nareas; i++) {
        char what[128];
        snprintf(what, sizeof(what), "%s: the child's write is not seen by the parent", areas[i].name);
        T_OK(page_is(&areas[i], 0, -1), what);
    }
    if (fmap != MAP_FAILED)
        T_OK(memcmp(fmap, file, PG) == 0, "the parent's file page 0 still equals the file read with read()");
    int touched_vm = 0;
    for (int i = 0; i < nareas; i++) {
        if (!areas[i].touched || !areas[i].vm)
            continue;
        touched_vm++;
        struct mm_page mp0, mc0, mp1, mc1;
        mm_page(0, areas[i].p, &mp0);
        mm_page(pid, areas[i].p, &mc0);
        mm_page(0, areas[i].p + PG, &mp1);
        mm_page(pid, areas[i].p + PG, &mc1);
        char what[128];
        snprintf(what, sizeof(what), "%s: the child's written page 0 has a frame of its own", areas[i].name);
        T_OK(mc0.frame && mp0.frame && mc0.frame != mp0.frame && mc0.writable, what);
        snprintf(what, sizeof(what), "%s: the parent kept its frame", areas[i].name);
        T_EQ(mp0.frame, frame_before[i][0], what);
        snprintf(what, sizeof(what), "%s: page 1, written by neither, is still one frame", areas[i].name);
        T_OK(MM_SAME_FRAME(mp1.frame, mc1.frame), what);
    }
    printf("# cow_copies %u -> %u while the child wrote %d touched pages\n", mi0.cow_copies,
           mi1.cow_copies, touched_vm);
    T_OK(mi1.cow_copies >= mi0.cow_copies + (unsigned)touched_vm,
         "meminfo counted a copy for each page the child wrote first");

    /* 3. The parent writes page 1 first. */
    write_page(1, PARENT1);
    for (int i = 0; i < nareas; i++)
        T_OK(page_is(&areas[i], 1, PARENT1), "the parent sees its own page-1 write");
    c->parent_wrote = 1;
    T_OK(wait_flag(&c->child_wrote1, 1), "the child wrote its page 1s");
    for (int i = 0; i < nareas; i++) {
        char what[128];
        snprintf(what, sizeof(what), "%s: page 1 keeps the parent's bytes after the child's write",
                 areas[i].name);
        T_OK(page_is(&areas[i], 1, PARENT1) && page_is(&areas[i], 0, -1), what);
    }
    int st = reap(pid);
    if (!exited_ok(st))
        printf("# child: %s\n", mm_status(st));
    T_OK(exited_ok(st), "the child saw the old bytes where the parent wrote, and its own elsewhere");

    /* The file itself never changes. */
    size_t fsize2 = 0;
    char *again = read_file(FILE_PATH, &fsize2);
    T_OK(again && fsize2 == fsize && memcmp(again, file, fsize) == 0,
         "read() still gives the file's original bytes");
    free(again);
    if (fmap != MAP_FAILED)
        munmap(fmap, 4 * PG);
    if (anon != MAP_FAILED)
        munmap(anon, 2 * PG);
    if (fresh_anon != MAP_FAILED)
        munmap(fresh_anon, 2 * PG);
    return t_end();
}
