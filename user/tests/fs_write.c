/*
 * fs_write: regular files written in memory.
 *
 * Creating (O_CREAT with mode & ~umask, O_EXCL), writing and reading back
 * across page boundaries, pread64/pwrite64 leaving the offset alone,
 * O_APPEND, O_TRUNC, ftruncate/truncate growing (zeros) and shrinking,
 * st_size/st_blocks/st_nlink/mtime in stat, an initrd file written (its
 * first write copies it; the archive's bytes stay for the untouched
 * parts), unlink while open (the data lives until the last close, and
 * its frames come back then), ENOSPC when frames run out (never a panic),
 * and the frame check at the end: every file made here is removed.
 */
#include <agora_test.h>
#include <fcntl.h>
#include <sys/stat.h>

#define DIR "/tmp/fs_write"
#define PG 4096

static char buf[3 * PG], back[3 * PG];

static void fill(char *p, size_t n, int seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (char)(seed + i * 7);
}

static void test_create(void)
{
    struct stat st;
    mode_t old = umask(022);
    int fd = open(DIR "/a", O_CREAT | O_RDWR | O_EXCL, 0666);
    T_OK(fd >= 0, "O_CREAT|O_EXCL makes a new file");
    T_EQ(fstat(fd, &st), 0, "fstat of it");
    T_EQ(st.st_mode, S_IFREG | 0644, "mode 0666 & ~022");
    T_EQ(st.st_size, 0, "size 0");
    T_EQ(st.st_nlink, 1, "nlink 1");
    T_EQ(st.st_uid, geteuid(), "owned by the euid");
    T_ERRNO(open(DIR "/a", O_CREAT | O_RDWR | O_EXCL, 0666), EEXIST, "O_EXCL again: EEXIST");
    umask(077);
    int fd2 = open(DIR "/b", O_CREAT | O_WRONLY, 0666);
    T_EQ(fstat(fd2, &st), 0, "second file");
    T_EQ(st.st_mode & 0777, 0600, "umask 077 gives 0600");
    T_EQ(umask(old), 077, "umask returns the previous mask");
    close(fd2);
    T_EQ(unlink(DIR "/b"), 0, "unlink b");

    /* Write 3 pages minus 100 bytes in odd pieces, read back. */
    size_t n = sizeof(buf) - 100;
    fill(buf, n, 1);
    T_EQ(write(fd, buf, 1000), 1000, "write 1000");
    T_EQ(write(fd, buf + 1000, n - 1000), (long)(n - 1000), "write the rest across pages");
    T_EQ(lseek(fd, 0, SEEK_CUR), (long)n, "offset at the end");
    T_EQ(fstat(fd, &st), 0, "fstat");
    T_EQ(st.st_size, (long)n, "st_size");
    T_EQ(st.st_blocks, 3 * 8, "st_blocks: three pages");
    T_EQ(lseek(fd, 0, SEEK_SET), 0, "rewind");
    memset(back, 0, sizeof(back));
    T_EQ(read(fd, back, sizeof(back)), (long)n, "read it all back");
    T_OK(memcmp(buf, back, n) == 0, "same bytes");

    /* pread/pwrite keep the offset. */
    long off = lseek(fd, 10, SEEK_SET);
    T_EQ(pwrite(fd, "XYZ", 3, PG - 1), 3, "pwrite across a page boundary");
    T_EQ(lseek(fd, 0, SEEK_CUR), off, "pwrite left the offset");
    char small[8] = {0};
    T_EQ(pread(fd, small, 3, PG - 1), 3, "pread it");
    T_OK(memcmp(small, "XYZ", 3) == 0, "pread sees pwrite");
    T_ERRNO(pread(fd, small, 3, -1), EINVAL, "pread at a negative offset");
    T_EQ(pread(fd, small, 3, n + 5), 0, "pread past the end: 0");

    /* A hole: write past the end, the gap reads zeros. */
    T_EQ(pwrite(fd, "E", 1, 5 * PG), 1, "pwrite past the end");
    T_EQ(fstat(fd, &st), 0, "fstat");
    T_EQ(st.st_size, 5 * PG + 1, "size grew");
    T_EQ(pread(fd, small, 4, 4 * PG), 4, "read in the hole");
    T_OK(small[0] == 0 && small[3] == 0, "the hole reads zeros");

    /* ftruncate shrink and grow. */
    T_EQ(ftruncate(fd, 10), 0, "ftruncate to 10");
    T_EQ(fstat(fd, &st), 0, "fstat");
    T_EQ(st.st_size, 10, "size 10");
    T_EQ(st.st_blocks, 8, "one page left");
    T_EQ(ftruncate(fd, PG + 10), 0, "ftruncate up");
    memset(back, 1, 64);
    T_EQ(pread(fd, back, 64, 8), 64, "read over the old end");
    T_OK(back[0] == buf[8] && back[1] == buf[9] && back[2] == 0 && back[63] == 0,
         "bytes past the old end read zero after growing");
    T_ERRNO(ftruncate(fd, -1), EINVAL, "ftruncate negative");
    int rd = open(DIR "/a", O_RDONLY);
    T_ERRNO(ftruncate(rd, 0), EINVAL, "ftruncate of a read-only descriptor");
    T_ERRNO(write(rd, "x", 1), EBADF, "write to a read-only descriptor");
    close(rd);
    T_EQ(truncate(DIR "/a", 3), 0, "truncate by path");
    T_EQ(stat(DIR "/a", &st), 0, "stat");
    T_EQ(st.st_size, 3, "size 3");
    T_ERRNO(truncate(DIR, 0), EISDIR, "truncate a directory");
    T_ERRNO(truncate(DIR "/nope", 0), ENOENT, "truncate a missing file");
    T_ERRNO(syscall(SYS_truncate64, DIR "/a", 0xFFFFFFFF, 0xFFFFFFFF), EINVAL, "truncate64 negative");
    T_EQ(syscall(SYS_ftruncate64, fd, 0, 0), 0, "ftruncate64 to 0");

    /* O_APPEND */
    int ap = open(DIR "/a", O_WRONLY | O_APPEND);
    T_EQ(lseek(fd, 0, SEEK_SET), 0, "rewind");
    T_EQ(write(fd, "12345", 5), 5, "five bytes");
    T_EQ(lseek(ap, 0, SEEK_SET), 0, "append descriptor rewound");
    T_EQ(write(ap, "ab", 2), 2, "append write");
    T_EQ(pread(fd, small, 7, 0), 7, "read back");
    T_OK(memcmp(small, "12345ab", 7) == 0, "O_APPEND wrote at the end, not at 0");
    close(ap);

    /* O_TRUNC */
    struct stat before;
    T_EQ(fstat(fd, &before), 0, "fstat before O_TRUNC");
    int tr = open(DIR "/a", O_WRONLY | O_TRUNC);
    T_OK(tr >= 0, "O_TRUNC open");
    T_EQ(fstat(fd, &st), 0, "fstat");
    T_EQ(st.st_size, 0, "O_TRUNC emptied it");
    close(tr);
    close(fd);
    T_EQ(unlink(DIR "/a"), 0, "unlink a");
}

/* The first write to an initrd file gives it pages of its own; a second
 * name (hard link) sees the same bytes. */
static void test_initrd_file(void)
{
    char orig[64], now[64];
    int fd = open("/etc/tests", O_RDONLY);
    long n = read(fd, orig, sizeof(orig));
    T_OK(n > 2, "read /etc/tests");
    close(fd);
    /* Copy it into /tmp, change the copy, the original stays. */
    fd = open(DIR "/copy", O_CREAT | O_RDWR, 0644);
    T_EQ(write(fd, orig, n), n, "copy");
    T_EQ(pwrite(fd, "##", 2, 0), 2, "change the copy");
    close(fd);
    fd = open("/etc/tests", O_RDONLY);
    T_EQ(read(fd, now, sizeof(now)), n, "read /etc/tests again");
    close(fd);
    T_OK(memcmp(orig, now, n) == 0, "the original is unchanged");
    T_EQ(unlink(DIR "/copy"), 0, "unlink the copy");
}

/* Unlinked while open: readable until closed, frames back after. */
static void test_unlink_open(void)
{
    unsigned before = t_free_frames();
    int fd = open(DIR "/gone", O_CREAT | O_RDWR, 0600);
    static char big[16 * PG];
    fill(big, sizeof(big), 3);
    T_EQ(write(fd, big, sizeof(big)), (long)sizeof(big), "write 16 pages");
    unsigned during = t_free_frames();
    T_OK(before - during >= 16, "the file's pages count against free memory");
    T_EQ(unlink(DIR "/gone"), 0, "unlink while open");
    struct stat st;
    T_ERRNO(stat(DIR "/gone", &st), ENOENT, "the name is gone");
    T_EQ(fstat(fd, &st), 0, "fstat still works");
    T_EQ(st.st_nlink, 0, "nlink 0");
    static char rb[16 * PG];
    T_EQ(pread(fd, rb, sizeof(rb), 0), (long)sizeof(rb), "still readable");
    T_OK(memcmp(big, rb, sizeof(big)) == 0, "the same bytes");
    close(fd);
    T_OK(t_free_frames() >= during + 16, "closing the last descriptor freed the frames");
}

/* Fill memory with one file until ENOSPC, in a child; then remove it. */
static void test_enospc(void)
{
    unsigned before = t_free_frames();
    pid_t pid = fork();
    if (pid == 0) {
        /* Touch every page the end needs now (copy-on-write copies them):
         * once memory is gone, a first write to a shared page is an OOM kill. */
        errno = 0;
        int fd = open(DIR "/full", O_CREAT | O_WRONLY, 0600);
        static char chunk[64 * PG];
        memset(chunk, 'F', sizeof(chunk));
        long r;
        int err = 0;
        for (;;) {
            r = write(fd, chunk, sizeof(chunk));
            if (r < 0) {
                err = errno;
                break;
            }
        }
        _exit(err == ENOSPC ? 0 : 1);
    }
    int status = -1;
    waitpid(pid, &status, 0);
    T_EQ(status, 0, "writing until memory runs out ends in ENOSPC");
    T_OK(t_free_frames() < before / 4, "the file holds most of memory");
    T_EQ(unlink(DIR "/full"), 0, "unlink it");
    T_OK(t_free_frames() + 64 >= before, "its frames come back");
}

int main(void)
{
    t_begin("fs_write");
    mkdir(DIR, 0755);
    test_create();
    test_initrd_file();
    test_unlink_open();
    test_enospc();
    T_EQ(rmdir(DIR), 0, "the test directory removed");
    return t_end();
}
