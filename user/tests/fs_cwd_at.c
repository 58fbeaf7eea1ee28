/*
 * fs_cwd_at: working directories and the *at calls.
 *
 * chdir/fchdir/getcwd (the real path, ERANGE, ENOENT once the directory
 * is removed, ".." from there), relative paths in every call, the working
 * directory inherited by fork and kept per process; openat, mkdirat,
 * unlinkat (AT_REMOVEDIR), renameat, linkat, symlinkat, readlinkat,
 * fchmodat, fchownat, faccessat/faccessat2, fstatat64 (AT_SYMLINK_NOFOLLOW,
 * AT_EMPTY_PATH) and statx with a directory descriptor, AT_FDCWD, EBADF
 * and ENOTDIR for a bad dirfd (and absolute paths ignoring it); statx's
 * layout against stat64; utimensat (UTIME_NOW, UTIME_OMIT, explicit
 * times, EINVAL); statfs64/fstatfs64 (TMPFS_MAGIC, size 84 only).
 */
#include <agora_test.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>

#define D "/tmp/fs_cwd_at"

struct k_stat64 {                       /* Linux i386 struct stat64, as the kernel writes it */
    uint64_t st_dev;
    uint8_t pad0[4];
    uint32_t __st_ino;
    uint32_t st_mode, st_nlink, st_uid, st_gid;
    uint64_t st_rdev;
    uint8_t pad3[4];
    int64_t st_size;
    uint32_t st_blksize;
    uint64_t st_blocks;
    uint32_t a_sec, a_nsec, m_sec, m_nsec, c_sec, c_nsec;
    uint64_t ino;
} __attribute__((packed, aligned(4)));

struct k_statx_ts { int64_t tv_sec; uint32_t tv_nsec; int32_t rsv; };
struct k_statx {
    uint32_t stx_mask, stx_blksize;
    uint64_t stx_attributes;
    uint32_t stx_nlink, stx_uid, stx_gid;
    uint16_t stx_mode, spare0;
    uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
    struct k_statx_ts stx_atime, stx_btime, stx_ctime, stx_mtime;
    uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
    uint64_t stx_mnt_id;
    uint32_t dio_mem, dio_off;
    uint64_t spare3[12];
};

struct k_statfs64 {
    uint32_t f_type, f_bsize;
    uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
    int32_t f_fsid[2];
    uint32_t f_namelen, f_frsize, f_flags, f_spare[4];
} __attribute__((packed, aligned(4)));

_Static_assert(sizeof(struct k_statx) == 256, "statx");
_Static_assert(sizeof(struct k_statfs64) == 84, "statfs64");

#define AT_STATX_FORCE_SYNC 0x2000
#define AT_STATX_DONT_SYNC 0x4000
#define UTIME_NOW ((1l << 30) - 1l)
#define UTIME_OMIT ((1l << 30) - 2l)

static long fstatat(int dirfd, const char *path, struct k_stat64 *st, int flags)
{
    return syscall(SYS_fstatat64, dirfd, path, st, flags);
}

static void test_cwd(void)
{
    char buf[256];
    T_EQ(mkdir(D "/w", 0755), 0, "a directory");
    T_EQ(chdir(D "/w"), 0, "chdir");
    T_OK(getcwd(buf, sizeof(buf)) && strcmp(buf, D "/w") == 0, "getcwd says where");
    T_EQ(syscall(SYS_getcwd, buf, sizeof(buf)), (long)strlen(D "/w") + 1, "getcwd returns the length with the NUL");
    T_ERRNO(syscall(SYS_getcwd, buf, 5), ERANGE, "getcwd with a short buffer: ERANGE");
    int fd = open("rel", O_CREAT | O_WRONLY, 0644);
    T_OK(fd >= 0, "a relative O_CREAT");
    close(fd);
    T_EQ(access(D "/w/rel", F_OK), 0, "made in the working directory");
    T_EQ(mkdir("sub", 0755), 0, "relative mkdir");
    T_EQ(chdir("sub"), 0, "relative chdir");
    T_EQ(access("../rel", F_OK), 0, "../rel from sub");
    T_OK(getcwd(buf, sizeof(buf)) && strcmp(buf, D "/w/sub") == 0, "getcwd after a relative chdir");
    T_EQ(chdir(".."), 0, "chdir ..");
    T_ERRNO(chdir("rel"), ENOTDIR, "chdir to a file: ENOTDIR");
    T_ERRNO(chdir("none"), ENOENT, "chdir to a missing name");

    pid_t pid = fork();
    if (pid == 0) {
        char b[256];
        int ok = getcwd(b, sizeof(b)) && strcmp(b, D "/w") == 0 && access("rel", F_OK) == 0;
        chdir("/");                     /* the parent's stays */
        _exit(ok ? 0 : 1);
    }
    int status = -1;
    waitpid(pid, &status, 0);
    T_EQ(status, 0, "a child starts in its parent's directory");
    T_OK(getcwd(buf, sizeof(buf)) && strcmp(buf, D "/w") == 0, "the child's chdir left ours");

    int dfd = open("sub", O_RDONLY | O_DIRECTORY);
    T_EQ(fchdir(dfd), 0, "fchdir");
    T_OK(getcwd(buf, sizeof(buf)) && strcmp(buf, D "/w/sub") == 0, "getcwd after fchdir");
    close(dfd);
    int ffd = open(D "/w/rel", O_RDONLY);
    T_ERRNO(fchdir(ffd), ENOTDIR, "fchdir to a file");
    close(ffd);
    T_ERRNO(fchdir(99), EBADF, "fchdir of a bad descriptor");

    /* Remove the working directory from under us. */
    T_EQ(rmdir(D "/w/sub"), 0, "rmdir of our working directory is allowed");
    T_ERRNO(syscall(SYS_getcwd, buf, sizeof(buf)), ENOENT, "getcwd then says ENOENT");
    T_ERRNO(open("new", O_CREAT | O_WRONLY, 0644), ENOENT, "nothing can be made in it");
    T_EQ(chdir(".."), 0, "but .. still leads out");
    T_OK(getcwd(buf, sizeof(buf)) && strcmp(buf, D "/w") == 0, "back in w");
    T_EQ(unlink("rel"), 0, "cleanup");
    T_EQ(chdir("/"), 0, "back to /");
    T_EQ(rmdir(D "/w"), 0, "cleanup");
}

static void test_at(void)
{
    struct k_stat64 st, st2;
    char buf[64];
    T_EQ(mkdir(D "/at", 0755), 0, "a directory");
    int dfd = open(D "/at", O_RDONLY | O_DIRECTORY);
    T_OK(dfd >= 0, "open it");
    int fd = (int)syscall(SYS_openat, dfd, "f", O_CREAT | O_RDWR, 0600);
    T_OK(fd >= 0, "openat creates relative to dirfd");
    T_EQ(write(fd, "hello", 5), 5, "write");
    close(fd);
    T_EQ(access(D "/at/f", F_OK), 0, "in the right place");
    T_EQ(syscall(SYS_mkdirat, dfd, "d", 0700), 0, "mkdirat");
    T_EQ(syscall(SYS_symlinkat, "f", dfd, "s"), 0, "symlinkat");
    T_EQ(syscall(SYS_readlinkat, dfd, "s", buf, sizeof(buf)), 1, "readlinkat");
    T_EQ(syscall(SYS_linkat, dfd, "f", dfd, "d/f2", 0), 0, "linkat");
    T_EQ(syscall(SYS_linkat, dfd, "s", dfd, "s2", 0), 0, "linkat of a symlink links the symlink");
    T_EQ(fstatat(dfd, "s2", &st, AT_SYMLINK_NOFOLLOW), 0, "fstatat NOFOLLOW");
    T_OK(S_ISLNK(st.st_mode), "s2 is a symlink");
    T_EQ(syscall(SYS_linkat, dfd, "s", dfd, "s3", AT_SYMLINK_FOLLOW), 0, "linkat AT_SYMLINK_FOLLOW");
    T_EQ(fstatat(dfd, "s3", &st, AT_SYMLINK_NOFOLLOW), 0, "fstatat");
    T_OK(S_ISREG(st.st_mode) && st.st_nlink == 3, "s3 is the file (nlink 3)");
    T_ERRNO(syscall(SYS_linkat, dfd, "f", dfd, "x", 0x8000), EINVAL, "linkat bad flags");
    T_EQ(fstatat(dfd, "s", &st, 0), 0, "fstatat follows");
    T_OK(S_ISREG(st.st_mode) && st.st_size == 5, "to the file");
    T_EQ(fstatat(dfd, "", &st2, AT_EMPTY_PATH), 0, "fstatat AT_EMPTY_PATH on the dirfd");
    T_OK(S_ISDIR(st2.st_mode), "the directory itself");
    T_ERRNO(fstatat(dfd, "", &st2, 0), ENOENT, "\"\" without AT_EMPTY_PATH: ENOENT");
    T_ERRNO(fstatat(dfd, "f", &st2, 0x8000), EINVAL, "fstatat bad flags");
    T_ERRNO(fstatat(99, "f", &st2, 0), EBADF, "a bad dirfd: EBADF");
    int ffd = open(D "/at/f", O_RDONLY);
    T_ERRNO(fstatat(ffd, "f", &st2, 0), ENOTDIR, "a file as dirfd: ENOTDIR");
    T_EQ(fstatat(ffd, "", &st2, AT_EMPTY_PATH), 0, "but AT_EMPTY_PATH on it is fstat");
    T_EQ(st2.ino, st.ino, "of that file");
    T_EQ(fstatat(99, D "/at/f", &st2, 0), 0, "an absolute path ignores a bad dirfd");
    close(ffd);
    T_EQ(fstatat(AT_FDCWD, D "/at/f", &st2, 0), 0, "AT_FDCWD");

    /* statx agrees with stat64, field by field. */
    struct k_statx sx;
    memset(&sx, 0xEE, sizeof(sx));
    T_EQ(syscall(SYS_statx, dfd, "f", 0, 0x7ff, &sx), 0, "statx");
    T_OK((sx.stx_mask & 0x7ff) == 0x7ff, "basic stats in the mask");
    T_OK(sx.stx_ino == st.ino && sx.stx_size == 5 && sx.stx_mode == st.st_mode &&
         sx.stx_nlink == st.st_nlink && sx.stx_uid == st.st_uid && sx.stx_blocks == st.st_blocks &&
         sx.stx_blksize == st.st_blksize, "statx fields equal stat64's");
    T_OK(sx.stx_mtime.tv_sec == st.m_sec && sx.stx_mtime.tv_nsec == st.m_nsec &&
         sx.stx_ctime.tv_sec == st.c_sec && sx.stx_atime.tv_sec == st.a_sec, "and the times");
    T_OK(sx.spare3[11] == 0 && sx.spare0 == 0, "spare fields zeroed");
    T_EQ(sx.stx_dev_major * 256 + sx.stx_dev_minor, (long)st.st_dev, "device numbers");
    T_ERRNO(syscall(SYS_statx, dfd, "f", AT_STATX_FORCE_SYNC | AT_STATX_DONT_SYNC, 0x7ff, &sx), EINVAL,
            "statx with both sync types");
    T_ERRNO(syscall(SYS_statx, dfd, "f", 0, 0x80000000u, &sx), EINVAL, "statx reserved mask bit");
    T_ERRNO(syscall(SYS_statx, dfd, "f", 0x10000, 0x7ff, &sx), EINVAL, "statx unknown flag");
    T_EQ(syscall(SYS_statx, dfd, "s", AT_SYMLINK_NOFOLLOW, 0x7ff, &sx), 0, "statx NOFOLLOW");
    T_OK(S_ISLNK(sx.stx_mode), "sees the link");
    int null = open("/dev/null", O_RDONLY);
    T_EQ(syscall(SYS_statx, null, "", AT_EMPTY_PATH, 0x7ff, &sx), 0, "statx AT_EMPTY_PATH");
    T_OK(S_ISCHR(sx.stx_mode) && sx.stx_rdev_major == 1 && sx.stx_rdev_minor == 3,
         "/dev/null is char 1:3");
    close(null);

    /* Modes, owners, access, times. */
    T_EQ(syscall(SYS_fchmodat, dfd, "f", 0640), 0, "fchmodat");
    T_EQ(fstatat(dfd, "f", &st, 0), 0, "fstatat");
    T_EQ(st.st_mode & 07777, 0640, "mode set");
    T_EQ(syscall(SYS_fchownat, dfd, "f", 12, 34, 0), 0, "fchownat as root");
    T_EQ(fstatat(dfd, "f", &st, 0), 0, "fstatat");
    T_OK(st.st_uid == 12 && st.st_gid == 34, "owner set");
    T_EQ(syscall(SYS_fchownat, dfd, "s", 5, 6, AT_SYMLINK_NOFOLLOW), 0, "fchownat NOFOLLOW");
    T_EQ(fstatat(dfd, "s", &st, AT_SYMLINK_NOFOLLOW), 0, "fstatat");
    T_OK(st.st_uid == 5 && st.st_gid == 6, "the link's own owner");
    T_EQ(syscall(SYS_faccessat, dfd, "f", R_OK | W_OK), 0, "faccessat");
    T_ERRNO(syscall(SYS_faccessat, dfd, "f", X_OK), EACCES, "faccessat X_OK without x bits");
    T_ERRNO(syscall(SYS_faccessat2, dfd, "f", R_OK, 0x8000), EINVAL, "faccessat2 bad flags");
    T_EQ(syscall(SYS_faccessat2, dfd, "f", R_OK, AT_EACCESS), 0, "faccessat2 AT_EACCESS");

    struct { int32_t sec, nsec; } ts[2] = { { 1000, 5 }, { 2000, 7 } };    /* utimensat (320) */
    T_EQ(syscall(SYS_utimensat, dfd, "f", ts, 0), 0, "utimensat explicit");
    T_EQ(fstatat(dfd, "f", &st, 0), 0, "fstatat");
    T_OK(st.a_sec == 1000 && st.a_nsec == 5 && st.m_sec == 2000 && st.m_nsec == 7,
         "times set to the nanosecond");
    ts[0].nsec = UTIME_OMIT;
    ts[1].nsec = UTIME_NOW;
    T_EQ(syscall(SYS_utimensat, dfd, "f", ts, 0), 0, "utimensat OMIT/NOW");
    T_EQ(fstatat(dfd, "f", &st, 0), 0, "fstatat");
    T_OK(st.a_sec == 1000 && st.m_sec > 2000, "atime kept, mtime now");
    ts[0].nsec = 1000000000;
    T_ERRNO(syscall(SYS_utimensat, dfd, "f", ts, 0), EINVAL, "utimensat nsec out of range");
    T_EQ(syscall(SYS_utimensat, dfd, "f", NULL, 0), 0, "utimensat NULL: now");
    T_ERRNO(syscall(SYS_utimensat, dfd, "f", NULL, 0x8000), EINVAL, "utimensat bad flags");
    struct { int64_t sec, nsec; } ts64[2] = { { 0x100000000ll, 9 }, { 3000, UTIME_OMIT } };
    T_EQ(syscall(SYS_utimensat_time64, dfd, "f", ts64, 0), 0, "utimensat_time64");
    T_EQ(fstatat(dfd, "f", &st, 0), 0, "fstatat");
    T_OK(st.a_nsec == 9 && st.m_sec != 3000, "atime's nsec set, mtime omitted");

    /* O_PATH: names the inode, nothing more. */
    int pfd = (int)syscall(SYS_openat, dfd, "s", O_PATH | O_NOFOLLOW);
    T_OK(pfd >= 0, "O_PATH|O_NOFOLLOW opens a symlink itself");
    T_EQ(fstatat(pfd, "", &st, AT_EMPTY_PATH), 0, "fstat of it");
    T_OK(S_ISLNK(st.st_mode), "is the link");
    T_ERRNO(read(pfd, buf, 1), EBADF, "read of an O_PATH descriptor: EBADF");
    close(pfd);
    pfd = open(D "/at", O_PATH | O_DIRECTORY);
    T_OK(pfd >= 0, "O_PATH of a directory");
    T_EQ(fstatat(pfd, "f", &st, 0), 0, "serves as a dirfd");
    close(pfd);
    T_ERRNO(open(D "/at/f/", O_CREAT | O_WRONLY, 0644), EISDIR, "O_CREAT of \"file/\": EISDIR");
    T_ERRNO(open(D "/at/new/", O_CREAT | O_WRONLY, 0644), EISDIR, "O_CREAT of \"new/\": EISDIR");
    T_ERRNO(open(D "/at/no/new/", O_CREAT | O_WRONLY, 0644), ENOENT, "O_CREAT under a missing directory: ENOENT");

    /* renameat and unlinkat. */
    T_EQ(syscall(SYS_renameat, dfd, "f", AT_FDCWD, D "/at/d/f3", 0), 0, "renameat across descriptors");
    T_ERRNO(syscall(SYS_unlinkat, dfd, "d", 0), EISDIR, "unlinkat of a directory without AT_REMOVEDIR");
    T_ERRNO(syscall(SYS_unlinkat, dfd, "d", AT_REMOVEDIR), ENOTEMPTY, "AT_REMOVEDIR of a full one");
    T_ERRNO(syscall(SYS_unlinkat, dfd, "s", 0x1), EINVAL, "unlinkat bad flags");
    T_EQ(syscall(SYS_unlinkat, dfd, "d/f3", 0), 0, "unlinkat");
    T_EQ(syscall(SYS_unlinkat, dfd, "d/f2", 0), 0, "unlinkat");
    T_EQ(syscall(SYS_unlinkat, dfd, "d", AT_REMOVEDIR), 0, "unlinkat AT_REMOVEDIR");
    T_EQ(syscall(SYS_unlinkat, dfd, "s", 0), 0, "unlinkat s");
    T_EQ(syscall(SYS_unlinkat, dfd, "s2", 0), 0, "unlinkat s2");
    T_EQ(syscall(SYS_unlinkat, dfd, "s3", 0), 0, "unlinkat s3");
    close(dfd);
    T_EQ(rmdir(D "/at"), 0, "cleanup");
}

static void test_statfs(void)
{
    struct k_statfs64 sf;
    memset(&sf, 0xEE, sizeof(sf));
    T_EQ(syscall(SYS_statfs64, "/tmp", sizeof(sf), &sf), 0, "statfs64 /tmp");
    T_EQ(sf.f_type, 0x01021994, "TMPFS_MAGIC");
    T_OK(sf.f_bsize == 4096 && sf.f_namelen == 255 && sf.f_blocks > 0 && sf.f_bfree <= sf.f_blocks,
         "block size, name length, blocks");
    T_OK(sf.f_spare[3] == 0, "spare zeroed");
    T_ERRNO(syscall(SYS_statfs64, "/tmp", 88, &sf), EINVAL, "statfs64 with size 88: EINVAL");
    int fd = open("/etc/tests", O_RDONLY);
    T_EQ(syscall(SYS_fstatfs64, fd, sizeof(sf), &sf), 0, "fstatfs64");
    T_EQ(sf.f_type, 0x01021994, "TMPFS_MAGIC there too");
    uint32_t old[16];
    T_EQ(syscall(SYS_fstatfs, fd, old), 0, "fstatfs (the 32-bit one)");
    T_EQ(old[0], 0x01021994, "f_type");
    close(fd);
    T_ERRNO(syscall(SYS_statfs64, "/none", sizeof(sf), &sf), ENOENT, "statfs64 of a missing path");
    T_ERRNO(syscall(SYS_fstatfs64, 99, sizeof(sf), &sf), EBADF, "fstatfs64 of a bad descriptor");
}

int main(void)
{
    t_begin("fs_cwd_at");
    T_EQ(mkdir(D, 0755), 0, "test directory");
    test_cwd();
    test_at();
    test_statfs();
    T_EQ(rmdir(D), 0, "the test directory removed");
    return t_end();
}
