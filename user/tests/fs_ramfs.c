/*
 * fs_ramfs: the file system's reading side and file descriptors.
 *
 * /etc/tests lists the test programs, one per line, so its content is
 * known: reads in any chunk size, lseek (SET/CUR/END, past the end),
 * stat/fstat agreement, directories (stat, getdents64, readdir), the
 * open rules (EBADF, EEXIST, EISDIR; writing in fs_write), path errors (ENOENT,
 * ENOTDIR, ENAMETOOLONG), dup/dup2/fork sharing the offset, EBADF for bad
 * descriptors and EMFILE at the table's limit, then recovery.
 */
#include <agora_test.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>

#define ME "fs_ramfs"

static char content[16384];
static long content_len;

static long read_all(int fd, char *buf, long cap, int chunk)
{
    long n = 0;
    for (;;) {
        long want = cap - n < chunk ? cap - n : chunk;
        if (want <= 0)
            break;
        long r = read(fd, buf + n, (size_t)want);
        if (r <= 0)
            return r < 0 ? -1 : n;
        n += r;
    }
    return n;
}

static int has_line(const char *buf, long len, const char *name)
{
    size_t nl = strlen(name);
    for (long i = 0; i < len;) {
        long j = i;
        while (j < len && buf[j] != '\n')
            j++;
        if ((size_t)(j - i) == nl && memcmp(buf + i, name, nl) == 0)
            return 1;
        i = j + 1;
    }
    return 0;
}

static int count_lines(const char *buf, long len)
{
    int n = 0;
    for (long i = 0; i < len; i++)
        n += buf[i] == '\n';
    return n;
}

static void test_read(void)
{
    int fd = open("/etc/tests", O_RDONLY);
    T_OK(fd >= 3, "open /etc/tests gives a descriptor above stdio");
    content_len = read_all(fd, content, sizeof(content), 4096);
    T_OK(content_len > 0, "read /etc/tests");
    T_OK(has_line(content, content_len, ME), "our own name is a line of /etc/tests");
    T_EQ(content[content_len - 1], '\n', "the file ends with a newline");
    char b[8];
    T_EQ(read(fd, b, sizeof(b)), 0, "read at the end returns 0");
    T_EQ(read(fd, b, sizeof(b)), 0, "and again 0");

    static const int chunks[] = { 1, 3, 7, 64, 511, 100000 };
    for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
        static char again[16384];
        T_EQ(lseek(fd, 0, SEEK_SET), 0, "lseek(0, SEEK_SET)");
        long n = read_all(fd, again, sizeof(again), chunks[i]);
        char what[80];
        snprintf(what, sizeof(what), "re-read in %d-byte chunks: same bytes", chunks[i]);
        T_OK(n == content_len && memcmp(again, content, (size_t)n) == 0, what);
    }
    struct stat st;
    T_SUCCESS(fstat(fd, &st), "fstat /etc/tests");
    T_OK(S_ISREG(st.st_mode), "S_ISREG");
    T_EQ(st.st_size, content_len, "st_size is the number of bytes read");
    T_OK(st.st_ino != 0, "st_ino is not 0");
    T_EQ(st.st_nlink >= 1, 1, "st_nlink >= 1");
    T_EQ(st.st_uid, 0, "owned by root");

    /* lseek */
    T_EQ(lseek(fd, 5, SEEK_SET), 5, "SEEK_SET 5");
    T_EQ(lseek(fd, 3, SEEK_CUR), 8, "SEEK_CUR +3 -> 8");
    T_EQ(lseek(fd, -2, SEEK_CUR), 6, "SEEK_CUR -2 -> 6");
    T_EQ(read(fd, b, 2), 2, "read 2 at 6");
    T_OK(memcmp(b, content + 6, 2) == 0, "the bytes at offset 6");
    T_EQ(lseek(fd, 0, SEEK_CUR), 8, "the read advanced the offset to 8");
    T_EQ(lseek(fd, 0, SEEK_END), content_len, "SEEK_END 0 is the size");
    T_EQ(lseek(fd, -1, SEEK_END), content_len - 1, "SEEK_END -1");
    T_EQ(read(fd, b, 8), 1, "one byte left before the end");
    T_EQ(b[0], '\n', "and it is the last newline");
    T_EQ(lseek(fd, content_len + 1000, SEEK_SET), content_len + 1000, "seeking past the end is allowed");
    T_EQ(read(fd, b, 8), 0, "reading past the end returns 0");
    T_EQ(lseek(fd, 100, SEEK_END), content_len + 100, "SEEK_END +100");
    T_ERRNO(lseek(fd, -1, SEEK_SET), EINVAL, "SEEK_SET -1");
    T_ERRNO(lseek(fd, -(content_len + 1), SEEK_END), EINVAL, "SEEK_END before the start");
    T_ERRNO(lseek(fd, 0, 5), EINVAL, "whence 5");
    T_ERRNO(lseek(fd, 0, -1), EINVAL, "whence -1");
    T_EQ(lseek(fd, 0, SEEK_CUR), content_len + 100, "failed seeks left the offset alone");
    T_ERRNO(lseek(1, 0, SEEK_CUR), ESPIPE, "lseek on the console (stdout)");
    T_ERRNO(lseek(0, 0, SEEK_SET), ESPIPE, "lseek on the console (stdin)");
    long long res = -1;
    T_EQ(syscall(SYS__llseek, fd, 0, 10, &res, SEEK_SET), 0, "_llseek to 10");
    T_EQ(res, 10, "_llseek stores the new offset");
    T_EQ(lseek(fd, 0, SEEK_CUR), 10, "lseek agrees");

    /* readv gathers in order */
    char v1[3], v2[5];
    struct iovec iov[2] = { { v1, sizeof(v1) }, { v2, sizeof(v2) } };
    lseek(fd, 0, SEEK_SET);
    T_EQ(readv(fd, iov, 2), 8, "readv of 3 + 5 bytes");
    T_OK(memcmp(v1, content, 3) == 0 && memcmp(v2, content + 3, 5) == 0, "readv fills the buffers in order");

    /* write side of a read-only file */
    T_ERRNO(write(fd, "x", 1), EBADF, "write to a read-only descriptor");
    struct iovec wv = { "x", 1 };
    T_ERRNO(writev(fd, &wv, 1), EBADF, "writev to a read-only descriptor");
    T_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDONLY, "F_GETFL says O_RDONLY");
    T_SUCCESS(close(fd), "close");
    T_ERRNO(close(fd), EBADF, "close again");
    T_ERRNO(read(fd, b, 1), EBADF, "read a closed descriptor");
}

static void test_stat(void)
{
    struct stat a, b, d, r;
    T_SUCCESS(stat("/etc/tests", &a), "stat /etc/tests");
    T_SUCCESS(stat("/tests/" ME, &b), "stat /tests/" ME);
    T_OK(S_ISREG(b.st_mode) && (b.st_mode & 0111), "our program is a regular file with x bits");
    T_OK(b.st_size > 1000, "our program has a plausible size");
    T_OK(a.st_ino != b.st_ino, "different files have different st_ino");
    T_EQ(a.st_dev, b.st_dev, "same st_dev");
    int fd = open("/etc/tests", O_RDONLY);
    struct stat f;
    fstat(fd, &f);
    close(fd);
    T_OK(f.st_ino == a.st_ino && f.st_dev == a.st_dev && f.st_size == a.st_size,
         "fstat and stat agree on ino, dev, size");
    T_SUCCESS(lstat("/etc/tests", &f), "lstat /etc/tests");
    T_EQ(f.st_ino, a.st_ino, "lstat agrees too");
    T_SUCCESS(stat("/tests", &d), "stat /tests");
    T_OK(S_ISDIR(d.st_mode), "/tests is a directory");
    T_SUCCESS(stat("/", &r), "stat /");
    T_OK(S_ISDIR(r.st_mode), "/ is a directory");
    T_OK(r.st_ino != d.st_ino, "/ and /tests differ");
    T_SUCCESS(stat("/tests/", &d), "stat /tests/ (trailing slash)");
    T_SUCCESS(stat("//tests//" ME, &f), "stat //tests//" ME " (doubled slashes)");
    T_EQ(f.st_ino, b.st_ino, "same file");
    T_SUCCESS(stat("/tests/../etc/./tests", &f), "stat /tests/../etc/./tests");
    T_EQ(f.st_ino, a.st_ino, "'.' and '..' resolve");
    T_SUCCESS(stat("/..", &f), "stat /..");
    T_EQ(f.st_ino, r.st_ino, "/.. is /");
    T_SUCCESS(stat("etc/tests", &f), "a relative path starts at / (the cwd)");

    T_ERRNO(stat("/etc/no_such_file", &f), ENOENT, "stat of a missing file");
    T_ERRNO(stat("/etc/tests/x", &f), ENOTDIR, "a file used as a directory");
    T_ERRNO(stat("/etc/tests/", &f), ENOTDIR, "a file with a trailing slash");
    T_ERRNO(stat("", &f), ENOENT, "the empty path");
    static char longpath[5000];
    memset(longpath, 'a', sizeof(longpath) - 1);
    longpath[0] = '/';
    T_ERRNO(stat(longpath, &f), ENAMETOOLONG, "a path longer than PATH_MAX");
    static char longname[300];
    memset(longname, 'b', sizeof(longname) - 1);
    longname[0] = '/';
    T_ERRNO(stat(longname, &f), ENAMETOOLONG, "a component longer than 255");
    T_EQ(access("/etc/tests", R_OK), 0, "access R_OK");
    T_EQ(access("/tests/" ME, X_OK), 0, "access X_OK on our program");
    T_EQ(access("/etc/tests", W_OK), 0, "access W_OK: root may write any file");
    T_ERRNO(access("/etc/tests", X_OK), EACCES, "access X_OK on a file without x bits");
    T_ERRNO(access("/nope", F_OK), ENOENT, "access of a missing file");
    T_ERRNO(access("/etc/tests", 8), EINVAL, "access with a bad mode");
}

static void test_open_errors(void)
{
    int fd = open("/etc/tests", O_WRONLY);
    T_OK(fd >= 0, "O_WRONLY of an initrd file: the fs is writable");
    close(fd);
    fd = open("/etc/newfile", O_RDONLY | O_CREAT, 0644);
    T_OK(fd >= 0, "O_RDONLY|O_CREAT of a new file creates it");
    close(fd);
    T_EQ(unlink("/etc/newfile"), 0, "and it unlinks");
    T_ERRNO(open("/etc/tests", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST, "O_CREAT|O_EXCL of an existing file");
    fd = open("/etc/tests", O_RDONLY | O_CREAT, 0644);
    T_OK(fd >= 0, "O_RDONLY|O_CREAT of an existing file just opens it");
    close(fd);
    T_ERRNO(open("/etc/missing", O_RDONLY), ENOENT, "a missing file");
    T_ERRNO(open("/missing/x", O_RDONLY), ENOENT, "a missing directory");
    T_ERRNO(open("/etc/tests/x", O_RDONLY), ENOTDIR, "/etc/tests/x");
    T_ERRNO(open("/etc/tests", O_RDONLY | O_DIRECTORY), ENOTDIR, "O_DIRECTORY on a file");
    T_ERRNO(open("/tests", O_WRONLY), EISDIR, "a directory for writing");
    T_ERRNO(open("", O_RDONLY), ENOENT, "the empty path");
    fd = open("/tests", O_RDONLY);
    T_OK(fd >= 0, "a directory opens read-only");
    char b[4];
    T_ERRNO(read(fd, b, sizeof(b)), EISDIR, "read() of a directory");
    close(fd);
    fd = open("/dev/console", O_WRONLY);
    T_OK(fd >= 0, "/dev/console opens for writing");
    T_EQ(write(fd, "", 0), 0, "a 0-byte write to it");
    close(fd);
}

static void test_dirs(void)
{
    DIR *d = opendir("/tests");
    T_OK(d != NULL, "opendir /tests");
    if (!d)
        return;
    int dot = 0, dotdot = 0, me = 0, n = 0, types_ok = 1;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        n++;
        if (strcmp(e->d_name, ".") == 0) {
            dot++;
            types_ok &= e->d_type == DT_DIR;
        } else if (strcmp(e->d_name, "..") == 0) {
            dotdot++;
            types_ok &= e->d_type == DT_DIR;
        } else {
            types_ok &= e->d_type == DT_REG;
            if (strcmp(e->d_name, ME) == 0)
                me++;
            if (!has_line(content, content_len, e->d_name))
                types_ok = 0;
        }
    }
    closedir(d);
    T_EQ(dot, 1, "readdir lists '.' once");
    T_EQ(dotdot, 1, "readdir lists '..' once");
    T_EQ(me, 1, "readdir lists our own program once");
    T_EQ(n, count_lines(content, content_len) + 2, "one entry per test in /etc/tests, plus . and ..");
    T_OK(types_ok, "d_type: DT_DIR for . and .., DT_REG for the programs, all listed in /etc/tests");

    /* raw getdents64 with a small buffer: the same entries, a few at a time */
    int fd = open("/tests", O_RDONLY | O_DIRECTORY);
    T_OK(fd >= 0, "open /tests with O_DIRECTORY");
    char buf[128];
    int total = 0, calls = 0, bad_reclen = 0;
    for (;;) {
        long r = syscall(SYS_getdents64, fd, buf, sizeof(buf));
        if (r <= 0) {
            T_EQ(r, 0, "getdents64 ends with 0");
            break;
        }
        calls++;
        for (long off = 0; off < r;) {
            unsigned short reclen = *(unsigned short *)(buf + off + 16);
            if (reclen < 20 || reclen % 8 || off + reclen > r) {
                bad_reclen = 1;
                break;
            }
            total++;
            off += reclen;
        }
        if (bad_reclen || calls > 1000)
            break;
    }
    T_OK(!bad_reclen, "every d_reclen is 8-byte aligned and inside the returned bytes");
    T_EQ(total, n, "getdents64 with a 128-byte buffer sees the same number of entries");
    T_EQ(syscall(SYS_getdents64, fd, buf, sizeof(buf)), 0, "and 0 again at the end");
    T_EQ(lseek(fd, 0, SEEK_SET), 0, "rewind the directory");
    T_ERRNO(syscall(SYS_getdents64, fd, buf, 8), EINVAL, "a buffer too small for one entry");
    close(fd);
    fd = open("/etc/tests", O_RDONLY);
    T_ERRNO(syscall(SYS_getdents64, fd, buf, sizeof(buf)), ENOTDIR, "getdents64 on a file");
    close(fd);
    T_ERRNO(syscall(SYS_getdents64, 77, buf, sizeof(buf)), EBADF, "getdents64 on a bad fd");
    errno = 0;
    T_OK(opendir("/etc/tests") == NULL && errno == ENOTDIR, "opendir of a file: NULL, ENOTDIR");
    errno = 0;
    T_OK(opendir("/nope") == NULL && errno == ENOENT, "opendir of a missing directory: NULL, ENOENT");

    T_EQ(chdir("/tests"), 0, "chdir to a directory");
    T_ERRNO(chdir("/etc/tests"), ENOTDIR, "chdir to a file");
    T_ERRNO(chdir("/nope"), ENOENT, "chdir to a missing directory");
    chdir("/");
    char cwd[64];
    T_OK(getcwd(cwd, sizeof(cwd)) && strcmp(cwd, "/") == 0, "getcwd is / after chdir(\"/\")");
    T_ERRNO(syscall(SYS_getcwd, cwd, 1), ERANGE, "getcwd with a 1-byte buffer");
}

static void test_dup(void)
{
    int fd = open("/etc/tests", O_RDONLY);
    int d = dup(fd);
    T_OK(d > fd, "dup gives a new descriptor");
    char b[8];
    read(fd, b, 5);
    T_EQ(lseek(d, 0, SEEK_CUR), 5, "dup shares the offset (read on the original moves it)");
    lseek(d, 2, SEEK_SET);
    T_EQ(lseek(fd, 0, SEEK_CUR), 2, "and lseek on the copy moves the original");
    T_EQ(dup2(fd, 40), 40, "dup2 to 40");
    T_EQ(lseek(40, 0, SEEK_CUR), 2, "dup2's copy shares it too");
    T_EQ(dup2(fd, fd), fd, "dup2(fd, fd) returns fd");
    T_EQ(lseek(fd, 0, SEEK_CUR), 2, "and leaves it open");
    T_EQ(dup2(d, 40), 40, "dup2 over an open descriptor closes it first");
    T_ERRNO(dup2(99, 41), EBADF, "dup2 of a bad descriptor");
    T_ERRNO(dup2(99, 99), EBADF, "dup2(bad, bad)");
    T_ERRNO(dup2(fd, -1), EBADF, "dup2 to -1");
    T_ERRNO(dup2(fd, 100000), EBADF, "dup2 to 100000");
    T_ERRNO(dup(-1), EBADF, "dup(-1)");
    T_ERRNO(dup(63), EBADF, "dup of a closed descriptor");
    T_ERRNO(close(-1), EBADF, "close(-1)");
    T_ERRNO(close(1000), EBADF, "close(1000)");
    T_ERRNO(read(-1, b, 1), EBADF, "read(-1)");
    T_ERRNO(fstat(1000, (struct stat *)b), EBADF, "fstat(1000)");
    T_ERRNO(lseek(-5, 0, SEEK_SET), EBADF, "lseek(-5)");
    close(40);
    T_ERRNO(lseek(40, 0, SEEK_CUR), EBADF, "40 is closed");
    close(d);
    int low = dup(fd);
    T_EQ(low, d, "dup takes the lowest free descriptor");
    close(low);

    /* fork shares the open file description too */
    lseek(fd, 0, SEEK_SET);
    pid_t pid = fork();
    if (pid == 0) {
        char c[3];
        _exit(read(fd, c, 3) == 3 ? 0 : 1);
    }
    int st;
    waitpid(pid, &st, 0);
    T_EQ(lseek(fd, 0, SEEK_CUR), 3, "a child's read moves the parent's offset");
    close(fd);
}

static void test_emfile(void)
{
    int fds[100], n = 0, err = 0;
    while (n < 100) {
        int fd = open("/etc/tests", O_RDONLY);
        if (fd < 0) {
            err = errno;
            break;
        }
        fds[n++] = fd;
    }
    T_EQ(err, EMFILE, "opening until it fails: EMFILE");
    char what[80];
    snprintf(what, sizeof(what), "%d opens succeeded before (limit - stdio)", n);
    T_OK(n >= 16 && n < 100, what);
    T_ERRNO(dup(0), EMFILE, "dup at the limit: EMFILE");
    T_ERRNO(open("/tests", O_RDONLY), EMFILE, "a directory too");
    int top = fds[n - 1];
    T_EQ(dup2(0, top), top, "dup2 onto an open descriptor still works at the limit");
    close(fds[5]);
    int again = open("/etc/tests", O_RDONLY);
    T_EQ(again, fds[5], "after one close, open works again and reuses the slot");
    for (int i = 0; i < n; i++)
        close(fds[i]);
    int fd = open("/etc/tests", O_RDONLY);
    T_OK(fd >= 3 && fd <= 4, "after closing all, a low descriptor again");
    char b[16];
    T_EQ(read(fd, b, 16), content_len < 16 ? content_len : 16, "and it reads");
    close(fd);
}

int main(void)
{
    t_begin(ME);
    test_read();
    test_stat();
    test_open_errors();
    test_dirs();
    test_dup();
    test_emfile();
    return t_end();
}
