/*
 * mm_mmap_file: mmap of a ramfs file (issue 8), as Linux does it for a
 * file opened read-only.
 *
 * The file is /testdata/pages (rootfs/testdata/pages): 5 pages and 1234
 * bytes of 16-byte lines "%015u\n" numbered from 0, so every byte is
 * known from its offset and the test checks the mapping against the
 * formula and against read().
 *
 *   MAP_PRIVATE: page 0 and the page at offset 2 pages read the file's
 *   bytes; writes are private (read() and a second mapping still give the
 *   file's bytes; the file is not changed); the bytes past the end of file
 *   in the last page read zero; a page wholly past the end gives SIGBUS;
 *   the mapping outlives close(fd). MAP_SHARED with PROT_READ works (two
 *   shared mappings map the same frames); a write through it is SIGSEGV and
 *   mprotect to PROT_WRITE is EACCES. MAP_SHARED with PROT_WRITE: EACCES.
 *   vmmap: kind AGORA_REGION_FILE, the file's name, private or not, the
 *   offset in pages. Then the errno table.
 */
#include <agora_mm_test.h>
#include <fcntl.h>
#include <sys/stat.h>

#define FILE_PATH "/testdata/pages"
#define FILE_SIZE (5 * PG + 1234)

#ifndef MAP_SYNC
#define MAP_SYNC 0x80000
#endif

/* The byte at offset off of the file, by its construction. */
static char file_byte(unsigned off)
{
    unsigned line = off / 16, col = off % 16;
    if (col == 15)
        return '\n';
    unsigned div = 1;
    for (unsigned i = col; i < 14; i++)
        div *= 10;
    return (char)('0' + line / div % 10);
}

/* Whether [p, p + n) holds the file's bytes from offset off. */
static int is_file(const volatile char *p, unsigned off, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        if (p[i] != file_byte(off + i))
            return 0;
    return 1;
}

static char file_buf[FILE_SIZE + PG];

static int read_all(void)
{
    int fd = open(FILE_PATH, O_RDONLY);
    if (fd < 0)
        return -1;
    int got = 0, n;
    while ((n = (int)read(fd, file_buf + got, sizeof(file_buf) - (size_t)got)) > 0)
        got += n;
    close(fd);
    return got;
}

static void show_region(const char *what, const struct mm_page *m)
{
    printf("# %s: kind %u flags %#x offset %u name \"%s\" frame %#x refs %u writable %d\n", what,
           m->kind, m->flags, m->offset, m->name, m->frame, m->refs, m->writable);
}

static void private_mapping(int fd)
{
    char *p = mmap(NULL, 6 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED)
        printf("# mmap MAP_PRIVATE: %s\n", strerror(errno));
    T_OK(p != MAP_FAILED, "mmap MAP_PRIVATE, PROT_READ|PROT_WRITE, of a file opened O_RDONLY");
    char *q = mmap(NULL, 2 * PG, PROT_READ, MAP_PRIVATE, fd, 2 * PG);
    T_OK(q != MAP_FAILED, "mmap MAP_PRIVATE at offset 2 pages");
    if (p == MAP_FAILED || q == MAP_FAILED)
        return;
    T_OK(((uintptr_t)p & (PG - 1)) == 0, "page aligned");
    T_OK(is_file(p, 0, PG), "page 0 holds the file's first page");
    T_OK(memcmp(p, file_buf, FILE_SIZE) == 0, "the whole mapping equals what read() gives");
    T_OK(is_file(q, 2 * PG, 2 * PG), "the offset mapping starts at the file's page 2");
    int zero = 1;
    for (unsigned i = FILE_SIZE; i < 6 * PG; i++)
        zero &= p[i] == 0;
    T_OK(zero, "bytes past the end of file in the last page read zero");

    struct mm_page m;
    T_EQ(mm_page(0, p, &m), 0, "vmmap has the mapping");
    show_region("MAP_PRIVATE", &m);
    T_EQ(m.kind, AGORA_REGION_FILE, "vmmap: kind file");
    T_OK(m.flags & AGORA_REGION_PRIVATE, "vmmap: private");
    T_OK(strstr(m.name, "pages") != NULL, "vmmap: the file's name");
    T_EQ(m.offset, 0, "vmmap: offset 0");
    mm_page(0, q, &m);
    show_region("MAP_PRIVATE at page 2", &m);
    T_EQ(m.offset, 2, "vmmap: the offset mapping starts at file page 2");
    T_EQ(m.kind, AGORA_REGION_FILE, "vmmap: kind file");

    /* Writes stay private. */
    p[0] = 'X';
    p[2 * PG + 5] = 'Y';
    p[FILE_SIZE + 3] = 'Z';             /* past the end, in the last page */
    T_OK(p[0] == 'X' && p[2 * PG + 5] == 'Y' && p[FILE_SIZE + 3] == 'Z', "the mapping takes writes");
    T_OK(is_file(p + 1, 1, PG - 1), "the rest of the written page is still the file's");
    mm_page(0, p, &m);
    T_OK(m.writable, "vmmap: the written page is writable");
    T_OK(is_file(q, 2 * PG, 2 * PG), "another mapping of the file does not see the write");
    char *r = mmap(NULL, 3 * PG, PROT_READ, MAP_PRIVATE, fd, 0);
    T_OK(r != MAP_FAILED && is_file(r, 0, 3 * PG), "a new mapping of the file shows the original bytes");
    if (r != MAP_FAILED)
        munmap(r, 3 * PG);
    T_EQ(read_all(), FILE_SIZE, "read() gives the file's size");
    T_OK(memcmp(file_buf, p, 1) != 0 && is_file(file_buf, 0, FILE_SIZE),
         "and its original bytes (the file did not change)");

    /* A child inherits the private mapping, and its writes stay its own. */
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        C_CHECK(p[0] == 'X' && is_file(p + 1, 1, 100), "the child sees the parent's mapping");
        p[1] = 'K';
        p[3 * PG] = 'K';
        child_exit();
    }
    T_OK(exited_ok(reap(pid)), "a child sees the parent's private file mapping");
    T_OK(p[1] == file_byte(1) && is_file(p + 3 * PG, 3 * PG, PG), "and its writes stay its own");

    /* A page wholly past the end of file: SIGBUS, as on Linux. */
    int st = mm_in_child(mm_do_read, p + 5 * PG + PG - 1);
    T_OK(exited_ok(st), "reading the last (partial) page is fine");
    char *big = mmap(NULL, 8 * PG, PROT_READ, MAP_PRIVATE, fd, 0);
    T_OK(big != MAP_FAILED, "mmap 8 pages of a 6-page file (allowed)");
    if (big != MAP_FAILED) {
        st = mm_in_child(mm_do_read, big + 6 * PG);
        printf("# reading page 6 of 6: %s\n", mm_status(st));
        T_OK(mm_killed_by(st, SIGBUS), "reading a page wholly past the end of file: SIGBUS");
        st = mm_in_child(mm_do_read, big + 7 * PG + 100);
        T_OK(mm_killed_by(st, SIGBUS), "and the one after it: SIGBUS");
        T_OK(is_file(big, 0, FILE_SIZE), "the pages inside the file read normally");
        munmap(big, 8 * PG);
    }
    char *beyond = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 16 * PG);
    T_OK(beyond != MAP_FAILED, "mmap at an offset past the end of file (allowed)");
    if (beyond != MAP_FAILED) {
        T_OK(mm_killed_by(mm_in_child(mm_do_read, beyond), SIGBUS), "touching it: SIGBUS");
        munmap(beyond, PG);
    }

    T_EQ(munmap(p, 6 * PG), 0, "munmap the private mapping");
    T_EQ(munmap(q, 2 * PG), 0, "munmap the offset mapping");
}

static void shared_mapping(int fd)
{
    char *s = mmap(NULL, 2 * PG, PROT_READ, MAP_SHARED, fd, 0);
    if (s == MAP_FAILED)
        printf("# mmap MAP_SHARED PROT_READ: %s\n", strerror(errno));
    T_OK(s != MAP_FAILED, "mmap MAP_SHARED, PROT_READ");
    char *s2 = mmap(NULL, 2 * PG, PROT_READ, MAP_SHARED, fd, 0);
    T_OK(s2 != MAP_FAILED, "a second MAP_SHARED mapping");
    if (s == MAP_FAILED || s2 == MAP_FAILED)
        return;
    T_OK(is_file(s, 0, 2 * PG) && is_file(s2, 0, 2 * PG), "both hold the file's bytes");
    struct mm_page m, m2;
    mm_page(0, s, &m);
    mm_page(0, s2, &m2);
    show_region("MAP_SHARED", &m);
    T_EQ(m.kind, AGORA_REGION_FILE, "vmmap: kind file");
    T_OK(!(m.flags & AGORA_REGION_PRIVATE), "vmmap: not private");
    T_OK(strstr(m.name, "pages") != NULL, "vmmap: the file's name");
    T_OK(MM_SAME_FRAME(m.frame, m2.frame), "the two shared mappings map the same frame");
    T_OK(!m.writable, "vmmap: not writable");
    T_OK(mm_killed_by(mm_in_child(mm_do_write, s), SIGSEGV), "a write through it: SIGSEGV");
    T_ERRNO(mprotect(s, PG, PROT_READ | PROT_WRITE), EACCES,
            "mprotect PROT_WRITE of a shared mapping of a read-only descriptor: EACCES");
    T_OK(is_file(s, 0, PG), "the file's bytes are unchanged");
    T_EQ(munmap(s, 2 * PG), 0, "munmap");
    T_EQ(munmap(s2, 2 * PG), 0, "munmap the second");

    /* MAP_SHARED_VALIDATE (MAP_SHARED|MAP_PRIVATE) is MAP_SHARED that
     * checks its flags (Linux 4.15). */
    s = mmap(NULL, PG, PROT_READ, MAP_SHARED_VALIDATE, fd, 0);
    T_OK(s != MAP_FAILED && is_file(s, 0, PG), "MAP_SHARED_VALIDATE, PROT_READ: a shared mapping");
    if (s != MAP_FAILED)
        munmap(s, PG);
    T_ERRNO(mmap(NULL, PG, PROT_READ, MAP_SHARED_VALIDATE | MAP_SYNC, fd, 0), EOPNOTSUPP,
            "MAP_SHARED_VALIDATE with a flag the file cannot honour (MAP_SYNC): EOPNOTSUPP");
}

static void after_close(void)
{
    int fd = open(FILE_PATH, O_RDONLY);
    char *p = mmap(NULL, 2 * PG, PROT_READ, MAP_PRIVATE, fd, PG);
    close(fd);
    T_OK(p != MAP_FAILED && is_file(p, PG, 2 * PG), "a mapping outlives close() of its descriptor");
    if (p != MAP_FAILED)
        munmap(p, 2 * PG);
}

static void errors(int fd)
{
    int dir = open("/testdata", O_RDONLY | O_DIRECTORY);
    int con = open("/dev/console", O_RDWR);
    int closed = open(FILE_PATH, O_RDONLY);    /* last: no open may reuse it */
    close(closed);
    T_OK(dir >= 0 && con >= 0, "open a directory and the console");
    uint32_t args[6] = { 0, PG, PROT_READ, MAP_PRIVATE, (uint32_t)fd, 100 };

    T_ERRNO(mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), EACCES,
            "MAP_SHARED, PROT_WRITE of a file opened O_RDONLY: EACCES");
    T_ERRNO(mmap(NULL, PG, PROT_WRITE, MAP_SHARED, fd, 0), EACCES, "MAP_SHARED, PROT_WRITE alone: EACCES");
    T_ERRNO(mmap(NULL, PG, PROT_READ, 0, fd, 0), EINVAL, "neither MAP_SHARED nor MAP_PRIVATE: EINVAL");
    T_ERRNO(mmap(NULL, PG, PROT_READ, 0x04, fd, 0), EINVAL, "an unknown mapping type: EINVAL");
    T_ERRNO(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, -1, 0), EBADF, "fd -1 without MAP_ANONYMOUS: EBADF");
    T_ERRNO(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, closed, 0), EBADF, "a closed fd: EBADF");
    T_ERRNO(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, 1000, 0), EBADF, "fd 1000: EBADF");
    T_ERRNO(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, dir, 0), ENODEV, "a directory: ENODEV");
    T_ERRNO(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, con, 0), ENODEV, "the console: ENODEV");
    T_ERRNO(mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, con, 0), ENODEV,
            "the console (opened read-write), MAP_SHARED: ENODEV");
    T_ERRNO(mmap(NULL, 0, PROT_READ, MAP_PRIVATE, fd, 0), EINVAL, "length 0: EINVAL");
    T_ERRNO(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 100), EINVAL,
            "an offset not page aligned: EINVAL (libc)");
    errno = 0;
    long r = syscall(SYS_mmap, args);
    T_OK(r == -1 && errno == EINVAL, "an offset not page aligned: EINVAL (old mmap, 90)");
    args[5] = PG;
    r = syscall(SYS_mmap, args);
    T_OK(r != -1 && is_file((char *)r, PG, PG), "the old mmap (90) maps a file at an aligned offset");
    if (r != -1)
        munmap((void *)r, PG);
    T_ERRNO(mmap(NULL, 0xF0000000u, PROT_READ, MAP_PRIVATE, fd, 0), ENOMEM, "more than the address space: ENOMEM");
    if (dir >= 0)
        close(dir);
    if (con >= 0)
        close(con);
}

int main(void)
{
    t_begin("mm_mmap_file");
    T_EQ(read_all(), FILE_SIZE, FILE_PATH " has the expected size");
    T_OK(is_file(file_buf, 0, FILE_SIZE), "and the expected bytes (read())");
    int fd = open(FILE_PATH, O_RDONLY);
    T_OK(fd >= 0, "open it O_RDONLY");
    if (fd < 0)
        return t_end();
    private_mapping(fd);
    shared_mapping(fd);
    after_close();
    errors(fd);
    close(fd);
    return t_end();
}
