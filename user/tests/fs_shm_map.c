/*
 * fs_shm_map: files under /dev/shm and /tmp mapped MAP_SHARED read-write
 * (POSIX shm_open is open on /dev/shm/NAME), and the devices of /dev.
 *
 * A file grown with ftruncate and mapped shared: a write() is visible in
 * the mapping and a store through the mapping is visible to read(); the
 * mapping and the file are the same frame (vmmap); a forked child and an
 * unrelated process that opens the same name see each other's stores;
 * ftruncate grows a mapped file and the new page reads zero and takes
 * stores; the pages outlive unlink while mapped and come back after
 * munmap. MAP_SHARED|PROT_WRITE through a read-only descriptor: EACCES.
 * /dev/null, /dev/zero, /dev/full, /dev/urandom read and write as on
 * Linux, and mmap of a device is ENODEV.
 */
#include <agora_mm_test.h>
#include <fcntl.h>
#include <sys/stat.h>

#define SHM "/dev/shm/fs_shm_map"

static void test_shared(void)
{
    int fd = open(SHM, O_CREAT | O_RDWR | O_EXCL, 0600);
    T_OK(fd >= 0, "shm_open-style create in /dev/shm");
    T_EQ(ftruncate(fd, 2 * PG), 0, "ftruncate to two pages");
    char *p = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    T_OK(p != MAP_FAILED, "mmap MAP_SHARED read-write");
    if (p == MAP_FAILED)
        return;
    T_OK(p[0] == 0 && p[2 * PG - 1] == 0, "a new file maps zeros");
    T_EQ(pwrite(fd, "written", 7, 100), 7, "pwrite");
    T_OK(memcmp(p + 100, "written", 7) == 0, "the write shows in the mapping");
    memcpy(p + PG + 5, "stored", 6);
    char b[8] = {0};
    T_EQ(pread(fd, b, 6, PG + 5), 6, "pread");
    T_OK(memcmp(b, "stored", 6) == 0, "the store shows in read()");
    struct mm_page a;
    T_EQ(mm_page(0, p, &a), 0, "vmmap of the page");
    T_EQ(a.kind, AGORA_REGION_FILE, "a file region");
    T_OK(a.writable && (a.flags & AGORA_REGION_PRIVATE) == 0, "shared and writable");

    /* A child writes, we see it; another process opens the name. */
    pid_t pid = fork();
    if (pid == 0) {
        strcpy(p + 200, "from the child");
        int fd2 = open(SHM, O_RDWR);
        char *q = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd2, 0);
        if (q == MAP_FAILED || strcmp(q + 100, "written") != 0)
            _exit(1);
        strcpy(q + 300, "second mapping");
        _exit(0);
    }
    T_EQ(reap(pid), 0, "the child ran");
    T_OK(strcmp(p + 200, "from the child") == 0, "its store through the inherited mapping");
    T_OK(strcmp(p + 300, "second mapping") == 0, "its store through its own open and mmap");

    /* Page 3 is past the end: SIGBUS, until ftruncate grows the file. */
    T_OK(mm_killed_by(mm_in_child(mm_do_read, p + 3 * PG), SIGBUS), "past the end: SIGBUS");
    T_EQ(ftruncate(fd, 4 * PG), 0, "grow to four pages");
    T_OK(p[3 * PG + 7] == 0, "the new page reads zero");
    p[3 * PG + 7] = 'G';
    T_EQ(pread(fd, b, 1, 3 * PG + 7), 1, "pread the new page");
    T_EQ(b[0], 'G', "the store is in the file");
    struct stat st;
    T_EQ(fstat(fd, &st), 0, "fstat");
    T_EQ(st.st_size, 4 * PG, "size four pages");

    /* Unlinked and closed: the mapping keeps the file. */
    T_EQ(unlink(SHM), 0, "unlink while mapped");
    close(fd);
    T_OK(strcmp(p + 100, "written") == 0, "the mapping still reads the file");
    p[50] = 'z';
    T_EQ(munmap(p, 4 * PG), 0, "munmap frees the last of it");

    /* Shared writable mappings need a descriptor open for writing. */
    fd = open("/etc/tests", O_RDONLY);
    T_OK(mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED && errno == EACCES,
         "MAP_SHARED|PROT_WRITE on a read-only descriptor: EACCES");
    close(fd);
}

static void test_devices(void)
{
    char b[64];
    int fd = open("/dev/null", O_RDWR);
    T_OK(fd >= 0, "open /dev/null");
    T_EQ(read(fd, b, sizeof(b)), 0, "/dev/null reads end of file");
    T_EQ(write(fd, b, sizeof(b)), (long)sizeof(b), "/dev/null takes writes");
    T_EQ(lseek(fd, 100, SEEK_SET), 0, "lseek on /dev/null: 0");
    T_OK(mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED && errno == ENODEV,
         "mmap of /dev/null: ENODEV");
    close(fd);
    fd = open("/dev/zero", O_RDWR);
    memset(b, 1, sizeof(b));
    T_EQ(read(fd, b, sizeof(b)), (long)sizeof(b), "/dev/zero reads");
    T_OK(b[0] == 0 && b[63] == 0, "zeros");
    T_EQ(write(fd, b, 10), 10, "/dev/zero takes writes");
    close(fd);
    fd = open("/dev/full", O_RDWR);
    T_ERRNO(write(fd, b, 10), ENOSPC, "/dev/full: ENOSPC");
    T_EQ(read(fd, b, 8), 8, "/dev/full reads zeros");
    close(fd);
    fd = open("/dev/urandom", O_RDONLY);
    char r1[32], r2[32];
    T_EQ(read(fd, r1, sizeof(r1)), 32, "/dev/urandom reads");
    T_EQ(read(fd, r2, sizeof(r2)), 32, "again");
    T_OK(memcmp(r1, r2, sizeof(r1)) != 0, "two reads differ");
    close(fd);
    fd = open("/dev/random", O_RDONLY);
    T_EQ(read(fd, r1, 16), 16, "/dev/random reads");
    close(fd);
    struct stat st;
    T_EQ(stat("/dev/zero", &st), 0, "stat /dev/zero");
    T_OK(S_ISCHR(st.st_mode) && st.st_rdev == 0x105 && (st.st_mode & 0777) == 0666,
         "/dev/zero is char 1:5, mode 0666");
}

int main(void)
{
    t_begin("fs_shm_map");
    test_shared();
    test_devices();
    return t_end();
}
