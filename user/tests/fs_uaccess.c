/*
 * fs_uaccess: the file system calls that take paths or buffers, against
 * every kind of bad pointer (the uaccess_matrix approach, for the calls
 * the writable fs added).
 *
 * Each row is one pointer argument of one call, made raw through
 * syscall() with every other argument valid; each column one kind of bad
 * pointer: NULL, 1, an unmapped page, the kernel's first and last pages,
 * a string or buffer straddling 0xC0000000 (the last two user bytes are
 * made non-NUL, so a path there has no terminator in user space), and for
 * output arguments a read-only .rodata page and our own .text. Every cell
 * must be -1/EFAULT; the read-only page must come out untouched, and no
 * call may have made or removed a name.
 */
#include <agora_test.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/stat.h>

#define T "/tmp/fs_uaccess"

static const unsigned char ro_page[4096] __attribute__((aligned(4096))) = {
    0x5a, 0xa5, 0x5a, 0xa5, 1, 2, 3, 4,
};

enum kind { K_NULL, K_ONE, K_UNMAPPED, K_KERNEL, K_KTOP, K_STRADDLE, K_RODATA, K_TEXT, NKINDS };

static const char *const kind_name[NKINDS] = {
    "NULL", "(void *)1", "unmapped 0x50000000", "0xC0000000", "0xFFFFF000",
    "0xBFFFFFFE (straddles 0xC0000000)", "read-only .rodata page", "our .text",
};

static void *kind_ptr[NKINDS];
static int tfd = -1, dfd = -1;

#define OUT 1   /* the kernel writes through it */
#define OPT 2   /* NULL means "none" here: skip NULL */

#define F T "/file"
#define L T "/link"
#define N T "/new"

static long c_open(void *p) { return syscall(SYS_open, p, O_CREAT | O_RDWR, 0644); }
static long c_openat(void *p) { return syscall(SYS_openat, dfd, p, O_CREAT | O_RDWR, 0644); }
static long c_creat(void *p) { return syscall(SYS_creat, p, 0644); }
static long c_mkdir(void *p) { return syscall(SYS_mkdir, p, 0755); }
static long c_mkdirat(void *p) { return syscall(SYS_mkdirat, dfd, p, 0755); }
static long c_mknod(void *p) { return syscall(SYS_mknod, p, S_IFREG | 0644, 0); }
static long c_mknodat(void *p) { return syscall(SYS_mknodat, dfd, p, S_IFREG | 0644, 0); }
static long c_unlink(void *p) { return syscall(SYS_unlink, p); }
static long c_unlinkat(void *p) { return syscall(SYS_unlinkat, dfd, p, 0); }
static long c_rmdir(void *p) { return syscall(SYS_rmdir, p); }
static long c_rename_old(void *p) { return syscall(SYS_rename, p, N); }
static long c_rename_new(void *p) { return syscall(SYS_rename, F, p); }
static long c_renameat2_old(void *p) { return syscall(SYS_renameat2, dfd, p, dfd, "new", 0); }
static long c_renameat2_new(void *p) { return syscall(SYS_renameat2, dfd, "file", dfd, p, 0); }
static long c_link_old(void *p) { return syscall(SYS_link, p, N); }
static long c_link_new(void *p) { return syscall(SYS_link, F, p); }
static long c_linkat_old(void *p) { return syscall(SYS_linkat, dfd, p, dfd, "new", 0); }
static long c_linkat_new(void *p) { return syscall(SYS_linkat, dfd, "file", dfd, p, 0); }
static long c_symlink_target(void *p) { return syscall(SYS_symlink, p, N); }
static long c_symlink_path(void *p) { return syscall(SYS_symlink, "file", p); }
static long c_symlinkat_target(void *p) { return syscall(SYS_symlinkat, p, dfd, "new"); }
static long c_symlinkat_path(void *p) { return syscall(SYS_symlinkat, "file", dfd, p); }
static long c_readlink_path(void *p) { char b[64]; return syscall(SYS_readlink, p, b, sizeof(b)); }
static long c_readlink_buf(void *p) { return syscall(SYS_readlink, L, p, 64); }
static long c_readlinkat_path(void *p) { char b[64]; return syscall(SYS_readlinkat, dfd, p, b, sizeof(b)); }
static long c_readlinkat_buf(void *p) { return syscall(SYS_readlinkat, dfd, "link", p, 64); }
static long c_chmod(void *p) { return syscall(SYS_chmod, p, 0600); }
static long c_fchmodat(void *p) { return syscall(SYS_fchmodat, dfd, p, 0600); }
static long c_chown32(void *p) { return syscall(SYS_chown32, p, 0, 0); }
static long c_lchown32(void *p) { return syscall(SYS_lchown32, p, 0, 0); }
static long c_chown16(void *p) { return syscall(SYS_chown, p, 0, 0); }
static long c_lchown16(void *p) { return syscall(SYS_lchown, p, 0, 0); }
static long c_fchownat(void *p) { return syscall(SYS_fchownat, dfd, p, 0, 0, 0); }
static long c_truncate(void *p) { return syscall(SYS_truncate, p, 0); }
static long c_truncate64(void *p) { return syscall(SYS_truncate64, p, 0, 0); }
static long c_utime_path(void *p) { return syscall(SYS_utime, p, NULL); }
static long c_utime_times(void *p) { return syscall(SYS_utime, F, p); }
static long c_utimes_path(void *p) { return syscall(SYS_utimes, p, NULL); }
static long c_utimes_tv(void *p) { return syscall(SYS_utimes, F, p); }
static long c_futimesat_path(void *p) { return syscall(SYS_futimesat, dfd, p, NULL); }
static long c_futimesat_tv(void *p) { return syscall(SYS_futimesat, dfd, "file", p); }
static long c_utimensat_path(void *p) { return syscall(SYS_utimensat, AT_FDCWD, p, NULL, 0); }
static long c_utimensat_times(void *p) { return syscall(SYS_utimensat, dfd, "file", p, 0); }
static long c_utimensat64_times(void *p) { return syscall(SYS_utimensat_time64, dfd, "file", p, 0); }
static long c_statfs_path(void *p) { char b[64]; return syscall(SYS_statfs, p, b); }
static long c_statfs_buf(void *p) { return syscall(SYS_statfs, F, p); }
static long c_fstatfs_buf(void *p) { return syscall(SYS_fstatfs, tfd, p); }
static long c_statfs64_path(void *p) { char b[84]; return syscall(SYS_statfs64, p, 84, b); }
static long c_statfs64_buf(void *p) { return syscall(SYS_statfs64, F, 84, p); }
static long c_fstatfs64_buf(void *p) { return syscall(SYS_fstatfs64, tfd, 84, p); }
static long c_fstatat_path(void *p) { char b[96]; return syscall(SYS_fstatat64, dfd, p, b, 0); }
static long c_fstatat_buf(void *p) { return syscall(SYS_fstatat64, dfd, "file", p, 0); }
static long c_statx_path(void *p) { char b[256]; return syscall(SYS_statx, dfd, p, 0, 0x7ff, b); }
static long c_statx_buf(void *p) { return syscall(SYS_statx, dfd, "file", 0, 0x7ff, p); }
static long c_faccessat(void *p) { return syscall(SYS_faccessat, dfd, p, R_OK); }
static long c_faccessat2(void *p) { return syscall(SYS_faccessat2, dfd, p, R_OK, 0); }
static long c_pread_buf(void *p) { return syscall(SYS_pread64, tfd, p, 64, 0, 0); }
static long c_pwrite_buf(void *p) { return syscall(SYS_pwrite64, tfd, p, 64, 0, 0); }

static const struct row {
    const char *what;
    long (*call)(void *p);
    int flags;
} rows[] = {
    { "open(O_CREAT) path", c_open, 0 },
    { "openat(O_CREAT) path", c_openat, 0 },
    { "creat path", c_creat, 0 },
    { "mkdir path", c_mkdir, 0 },
    { "mkdirat path", c_mkdirat, 0 },
    { "mknod path", c_mknod, 0 },
    { "mknodat path", c_mknodat, 0 },
    { "unlink path", c_unlink, 0 },
    { "unlinkat path", c_unlinkat, 0 },
    { "rmdir path", c_rmdir, 0 },
    { "rename oldpath", c_rename_old, 0 },
    { "rename newpath", c_rename_new, 0 },
    { "renameat2 oldpath", c_renameat2_old, 0 },
    { "renameat2 newpath", c_renameat2_new, 0 },
    { "link oldpath", c_link_old, 0 },
    { "link newpath", c_link_new, 0 },
    { "linkat oldpath", c_linkat_old, 0 },
    { "linkat newpath", c_linkat_new, 0 },
    { "symlink target", c_symlink_target, 0 },
    { "symlink linkpath", c_symlink_path, 0 },
    { "symlinkat target", c_symlinkat_target, 0 },
    { "symlinkat linkpath", c_symlinkat_path, 0 },
    { "readlink path", c_readlink_path, 0 },
    { "readlink buf", c_readlink_buf, OUT },
    { "readlinkat path", c_readlinkat_path, 0 },
    { "readlinkat buf", c_readlinkat_buf, OUT },
    { "chmod path", c_chmod, 0 },
    { "fchmodat path", c_fchmodat, 0 },
    { "chown32 path", c_chown32, 0 },
    { "lchown32 path", c_lchown32, 0 },
    { "chown (16-bit) path", c_chown16, 0 },
    { "lchown (16-bit) path", c_lchown16, 0 },
    { "fchownat path", c_fchownat, 0 },
    { "truncate path", c_truncate, 0 },
    { "truncate64 path", c_truncate64, 0 },
    { "utime path", c_utime_path, 0 },
    { "utime times", c_utime_times, OPT },
    { "utimes path", c_utimes_path, 0 },
    { "utimes tv", c_utimes_tv, OPT },
    { "futimesat path", c_futimesat_path, 0 },
    { "futimesat tv", c_futimesat_tv, OPT },
    { "utimensat(AT_FDCWD) path", c_utimensat_path, 0 },
    { "utimensat times", c_utimensat_times, OPT },
    { "utimensat_time64 times", c_utimensat64_times, OPT },
    { "statfs path", c_statfs_path, 0 },
    { "statfs buf", c_statfs_buf, OUT },
    { "fstatfs buf", c_fstatfs_buf, OUT },
    { "statfs64 path", c_statfs64_path, 0 },
    { "statfs64 buf", c_statfs64_buf, OUT },
    { "fstatfs64 buf", c_fstatfs64_buf, OUT },
    { "fstatat64 path", c_fstatat_path, 0 },
    { "fstatat64 buf", c_fstatat_buf, OUT },
    { "statx path", c_statx_path, 0 },
    { "statx buf", c_statx_buf, OUT },
    { "faccessat path", c_faccessat, 0 },
    { "faccessat2 path", c_faccessat2, 0 },
    { "pread64 buf", c_pread_buf, OUT },
    { "pwrite64 buf", c_pwrite_buf, 0 },
};

static void set_straddle_string(void)
{
    ((volatile char *)0xBFFFFFFE)[0] = 'a';
    ((volatile char *)0xBFFFFFFE)[1] = 'a';
}

/* The names in T, as one string, to check that no call changed them. */
static void listing(char *out, size_t n)
{
    out[0] = 0;
    const char *names[] = { "file", "link", "new", "dir" };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char path[64];
        struct stat st;
        snprintf(path, sizeof(path), T "/%s", names[i]);
        if (lstat(path, &st) == 0)
            snprintf(out + strlen(out), n - strlen(out), "%s:%o ", names[i], (unsigned)st.st_mode);
    }
}

int main(void)
{
    t_begin("fs_uaccess");
    T_EQ(mkdir(T, 0755), 0, "test directory");
    T_EQ(mkdir(T "/dir", 0755), 0, "a directory in it");
    tfd = open(F, O_CREAT | O_RDWR, 0644);
    T_EQ(write(tfd, "0123456789abcdef", 16), 16, "a file with bytes");
    T_EQ(symlink("file", L), 0, "a symlink");
    dfd = open(T, O_RDONLY | O_DIRECTORY);
    T_OK(tfd >= 0 && dfd >= 0, "descriptors");
    kind_ptr[K_NULL] = NULL;
    kind_ptr[K_ONE] = (void *)1;
    kind_ptr[K_UNMAPPED] = (void *)0x50000000;
    kind_ptr[K_KERNEL] = (void *)0xC0000000;
    kind_ptr[K_KTOP] = (void *)0xFFFFF000;
    kind_ptr[K_STRADDLE] = (void *)0xBFFFFFFE;
    kind_ptr[K_RODATA] = (void *)ro_page;
    kind_ptr[K_TEXT] = (void *)(uintptr_t)&c_open;

    char before[256], after[256];
    listing(before, sizeof(before));
    for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
        for (int k = 0; k < NKINDS; k++) {
            if (k == K_NULL && (rows[r].flags & OPT))
                continue;
            if ((k == K_RODATA || k == K_TEXT) && !(rows[r].flags & OUT))
                continue;
            set_straddle_string();
            errno = 0;
            long ret = rows[r].call(kind_ptr[k]);
            int e = errno;
            char what[128], d[96];
            snprintf(what, sizeof(what), "%s = %s: EFAULT", rows[r].what, kind_name[k]);
            snprintf(d, sizeof(d), "got %ld errno %d (%s)", ret, e, strerror(e));
            t_check(ret == -1 && e == EFAULT, what, d);
        }
    }
    listing(after, sizeof(after));
    T_OK(strcmp(before, after) == 0, "no name was made, removed or changed");
    T_OK(ro_page[0] == 0x5a && ro_page[7] == 4 && ro_page[8] == 0 && ro_page[4095] == 0,
         "the read-only page is unchanged");
    close(tfd);
    close(dfd);
    T_EQ(unlink(L) | unlink(F) | rmdir(T "/dir"), 0, "cleanup");
    T_EQ(rmdir(T), 0, "the test directory removed");
    return t_end();
}
