/*
 * stat.c: the system calls that read names and inodes: readlink, the stat
 * family in its three Linux i386 layouts (stat, stat64, statx), fstatat64,
 * access/faccessat2, and statfs/statfs64. Paths resolve through path.c
 * (fs_lookup_at); the *at forms take a directory descriptor or AT_FDCWD.
 */
#include <kernel/fs.h>
#include <kernel/file.h>
#include <kernel/fs_syscalls.h>
#include <kernel/proc.h>
#include <kernel/pmm.h>
#include <arch/mmu.h>
#include <kernel/uaccess.h>
#include <kernel/kheap.h>
#include <kernel/console.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/stat.h>
#include <uapi/time.h>
#include <string.h>
#include "ramfs.h"
#include "vfs.h"

#define TMPFS_MAGIC 0x01021994
#define PROC_SUPER_MAGIC 0x9fa0
#define ST_VALID 0x20

/* ---- reading names -------------------------------------------------------- */

/* readlinkat(2) (305; readlink 85): the target's bytes (no NUL, cut to
 * bufsiz), or -EINVAL (bufsiz <= 0, not a symlink), -ENOENT... */
long sys_readlinkat(int dirfd, const char __user *upath, char __user *buf, int bufsiz)
{
    struct ramfs_inode *ip;
    if (bufsiz <= 0)
        return -EINVAL;
    int err = fs_lookup_at(dirfd, upath, true, false, &ip);
    if (err < 0)
        return err;
    if (!ramfs_is_lnk(ip))
        return -EINVAL;
    char *kbuf = kmalloc(RAMFS_PATH_MAX);
    if (!kbuf)
        return -ENOMEM;
    int n = ramfs_readlink(ip, kbuf, RAMFS_PATH_MAX);
    if (n >= 0) {
        n = MIN(n, MIN(bufsiz, RAMFS_PATH_MAX - 1));
        if (copyout(buf, kbuf, (size_t)n) < 0)
            n = -EFAULT;
    }
    kfree(kbuf);
    return n;
}

long sys_readlink(const char __user *path, char __user *buf, int bufsiz)
{
    return sys_readlinkat(AT_FDCWD, path, buf, bufsiz);
}

/* A pipe's stat: a FIFO owned by the caller, nothing else known. */
static void pipe_stat64(struct linux_stat64 *st)
{
    memset(st, 0, sizeof(*st));
    st->st_mode = S_IFIFO | 0600;
    st->st_nlink = 1;
    st->st_uid = current->euid;
    st->st_gid = current->egid;
    st->st_blksize = 4096;
}

static long stat_out(const struct ramfs_inode *ip, struct linux_stat __user *st)
{
    struct linux_stat ks;
    ramfs_stat(ip, &ks);
    return copyout(st, &ks, sizeof(ks));
}

static long stat64_out(const struct ramfs_inode *ip, struct linux_stat64 __user *st)
{
    struct linux_stat64 ks;
    if (ip)
        ramfs_stat64(ip, &ks);
    else
        pipe_stat64(&ks);
    return copyout(st, &ks, sizeof(ks));
}

/* stat(2) family: 0 or -EBADF, -ENOENT, -ENOTDIR, -ENAMETOOLONG, -ELOOP, -EFAULT. */
long sys_stat(const char __user *path, struct linux_stat __user *st)
{
    struct ramfs_inode *ip;
    int err = fs_lookup_at(AT_FDCWD, path, false, false, &ip);
    return err < 0 ? err : stat_out(ip, st);
}

long sys_lstat(const char __user *path, struct linux_stat __user *st)
{
    struct ramfs_inode *ip;
    int err = fs_lookup_at(AT_FDCWD, path, true, false, &ip);
    return err < 0 ? err : stat_out(ip, st);
}

long sys_fstat(int fd, struct linux_stat __user *st)
{
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    if (!f->ip) {
        struct linux_stat ks;
        memset(&ks, 0, sizeof(ks));
        ks.st_mode = S_IFIFO | 0600;
        ks.st_nlink = 1;
        ks.st_blksize = 4096;
        return copyout(st, &ks, sizeof(ks));
    }
    return stat_out(f->ip, st);
}

long sys_stat64(const char __user *path, struct linux_stat64 __user *st)
{
    struct ramfs_inode *ip;
    int err = fs_lookup_at(AT_FDCWD, path, false, false, &ip);
    return err < 0 ? err : stat64_out(ip, st);
}

long sys_lstat64(const char __user *path, struct linux_stat64 __user *st)
{
    struct ramfs_inode *ip;
    int err = fs_lookup_at(AT_FDCWD, path, true, false, &ip);
    return err < 0 ? err : stat64_out(ip, st);
}

long sys_fstat64(int fd, struct linux_stat64 __user *st)
{
    struct file *f = fd_file(fd);
    return f ? stat64_out(f->ip, st) : -EBADF;
}

/* fstatat64(2) (300): flags AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH (the
 * descriptor itself, a pipe too), AT_NO_AUTOMOUNT; others -EINVAL. */
long sys_fstatat64(int dirfd, const char __user *upath, struct linux_stat64 __user *st, uint32_t flags)
{
    struct ramfs_inode *ip;
    char *path;
    if (flags & ~(uint32_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
        return -EINVAL;
    int err = fs_get_path(upath, &path);
    if (err < 0)
        return err;
    if (path[0] == '\0' && (flags & AT_EMPTY_PATH) && dirfd != AT_FDCWD) {
        kfree(path);
        return sys_fstat64(dirfd, st);
    }
    err = fs_resolve(dirfd, path, flags & AT_SYMLINK_NOFOLLOW, flags & AT_EMPTY_PATH, &ip, NULL);
    kfree(path);
    return err < 0 ? err : stat64_out(ip, st);
}

/* Linux's struct statx: 256 bytes, the same on every architecture. */
struct statx_timestamp {
    int64_t tv_sec;
    uint32_t tv_nsec;
    int32_t __reserved;
};

struct linux_statx {
    uint32_t stx_mask;
    uint32_t stx_blksize;
    uint64_t stx_attributes;
    uint32_t stx_nlink;
    uint32_t stx_uid;
    uint32_t stx_gid;
    uint16_t stx_mode;
    uint16_t __spare0;
    uint64_t stx_ino;
    uint64_t stx_size;
    uint64_t stx_blocks;
    uint64_t stx_attributes_mask;
    struct statx_timestamp stx_atime, stx_btime, stx_ctime, stx_mtime;
    uint32_t stx_rdev_major, stx_rdev_minor;
    uint32_t stx_dev_major, stx_dev_minor;
    uint64_t stx_mnt_id;
    uint32_t stx_dio_mem_align, stx_dio_offset_align;
    uint64_t __spare3[12];
};

_Static_assert(sizeof(struct linux_statx) == 256, "statx");
_Static_assert(offsetof(struct linux_statx, stx_ino) == 32, "stx_ino");
_Static_assert(offsetof(struct linux_statx, stx_atime) == 64, "stx_atime");
_Static_assert(offsetof(struct linux_statx, stx_mtime) == 112, "stx_mtime");
_Static_assert(offsetof(struct linux_statx, stx_rdev_major) == 128, "stx_rdev_major");
_Static_assert(offsetof(struct linux_statx, stx_mnt_id) == 144, "stx_mnt_id");

#define STATX_BASIC_STATS 0x7ffu
#define STATX_MNT_ID 0x1000u
#define STATX__RESERVED 0x80000000u
#define AT_STATX_SYNC_TYPE 0x6000u
#define RAMFS_MNT_ID 1

/* statx(2) (383): the basic fields (STATX_BASIC_STATS) and the mount id,
 * whatever mask asks, as Linux's tmpfs; no birth time. -EINVAL for
 * unknown flags, both sync types, or mask's reserved bit. */
long sys_statx(int dirfd, const char __user *upath, uint32_t flags, uint32_t mask,
               struct linux_statx __user *buf)
{
    struct ramfs_inode *ip;
    char *path;
    if (flags & ~(uint32_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE))
        return -EINVAL;
    if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE)
        return -EINVAL;
    if (mask & STATX__RESERVED)
        return -EINVAL;
    int err = fs_get_path(upath, &path);
    if (err < 0)
        return err;
    struct linux_stat64 st;
    if (path[0] == '\0' && (flags & AT_EMPTY_PATH) && dirfd != AT_FDCWD) {
        struct file *f = fd_file(dirfd);
        err = f ? 0 : -EBADF;
        if (f && f->ip)
            ramfs_stat64(f->ip, &st);
        else if (f)
            pipe_stat64(&st);
    } else {
        err = fs_resolve(dirfd, path, flags & AT_SYMLINK_NOFOLLOW, flags & AT_EMPTY_PATH, &ip, NULL);
        if (err == 0)
            ramfs_stat64(ip, &st);
    }
    kfree(path);
    if (err < 0)
        return err;
    struct linux_statx sx;
    memset(&sx, 0, sizeof(sx));
    sx.stx_mask = STATX_BASIC_STATS | STATX_MNT_ID;
    sx.stx_blksize = st.st_blksize;
    sx.stx_nlink = st.st_nlink;
    sx.stx_uid = st.st_uid;
    sx.stx_gid = st.st_gid;
    sx.stx_mode = (uint16_t)st.st_mode;
    sx.stx_ino = st.st_ino;
    sx.stx_size = (uint64_t)st.st_size;
    sx.stx_blocks = st.st_blocks;
    sx.stx_atime.tv_sec = st.st_atime;
    sx.stx_atime.tv_nsec = st.st_atime_nsec;
    sx.stx_mtime.tv_sec = st.st_mtime;
    sx.stx_mtime.tv_nsec = st.st_mtime_nsec;
    sx.stx_ctime.tv_sec = st.st_ctime;
    sx.stx_ctime.tv_nsec = st.st_ctime_nsec;
    sx.stx_rdev_major = (uint32_t)(st.st_rdev >> 8) & 0xfff;
    sx.stx_rdev_minor = (uint32_t)st.st_rdev & 0xff;
    sx.stx_dev_major = 0;
    sx.stx_dev_minor = (uint32_t)st.st_dev & 0xff;
    sx.stx_mnt_id = RAMFS_MNT_ID;
    return copyout(buf, &sx, sizeof(sx));
}

/* faccessat2(2) (439): mode F_OK or R|W|X_OK (else -EINVAL), flags
 * AT_EACCESS (effective ids; the real ones otherwise), AT_SYMLINK_NOFOLLOW,
 * AT_EMPTY_PATH. 0 or -EACCES, -ENOENT... */
long sys_faccessat2(int dirfd, const char __user *upath, int mode, uint32_t flags)
{
    struct ramfs_inode *ip;
    if (mode & ~(MAY_READ | MAY_WRITE | MAY_EXEC))
        return -EINVAL;
    if (flags & ~(uint32_t)(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    int err = fs_lookup_at(dirfd, upath, flags & AT_SYMLINK_NOFOLLOW, flags & AT_EMPTY_PATH, &ip);
    if (err < 0)
        return err;
    return mode ? fs_permission(ip, current, !(flags & AT_EACCESS), mode) : 0;
}

/* faccessat(2) (307) and access(2) (33): real ids, no flags. */
long sys_faccessat(int dirfd, const char __user *path, int mode)
{
    return sys_faccessat2(dirfd, path, mode, 0);
}

long sys_access(const char __user *path, int mode)
{
    return sys_faccessat2(AT_FDCWD, path, mode, 0);
}

/* ---- file system statistics ----------------------------------------------- */

/* Linux i386 struct statfs (99, 100) and struct statfs64 (268, 269; 84
 * bytes: packed, as i386 lays it out). */
struct linux_statfs {
    uint32_t f_type, f_bsize, f_blocks, f_bfree, f_bavail, f_files, f_ffree;
    int32_t f_fsid[2];
    uint32_t f_namelen, f_frsize, f_flags, f_spare[4];
};

struct linux_statfs64 {
    uint32_t f_type, f_bsize;
    uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
    int32_t f_fsid[2];
    uint32_t f_namelen, f_frsize, f_flags, f_spare[4];
} __attribute__((packed, aligned(4)));

_Static_assert(sizeof(struct linux_statfs) == 64, "statfs");
_Static_assert(sizeof(struct linux_statfs64) == 84, "statfs64");

/* Is ip inside /proc (procfs's nodes live in the same tree)? */
static bool in_proc(const struct ramfs_inode *ip)
{
    struct ramfs_inode *root = ramfs_root();
    struct ramfs_inode *proc = ramfs_lookup(root, "proc");
    if (!proc || !ip->fops)
        return ip == proc && proc && proc->fops;
    for (const struct ramfs_inode *d = ip; d && d != root; d = d->parent)
        if (d == proc)
            return true;
    return false;
}

/* The figures: blocks are frames (the data lives in RAM, as tmpfs's);
 * no inode limit, so f_files and f_ffree are 0 as on an unlimited tmpfs. */
static void fill_statfs64(const struct ramfs_inode *ip, struct linux_statfs64 *s)
{
    memset(s, 0, sizeof(*s));
    bool proc = in_proc(ip);
    s->f_type = proc ? PROC_SUPER_MAGIC : TMPFS_MAGIC;
    s->f_bsize = PAGE_SIZE;
    if (!proc) {
        s->f_blocks = pmm_total_frames();
        s->f_bfree = pmm_free_frames();
        s->f_bavail = s->f_bfree;
    }
    s->f_namelen = RAMFS_NAME_MAX;
    s->f_frsize = PAGE_SIZE;
    s->f_flags = ST_VALID;
}

static long statfs_out(const struct ramfs_inode *ip, struct linux_statfs __user *buf)
{
    struct linux_statfs64 s;
    struct linux_statfs k;
    fill_statfs64(ip, &s);
    memset(&k, 0, sizeof(k));
    k.f_type = s.f_type;
    k.f_bsize = s.f_bsize;
    k.f_blocks = (uint32_t)s.f_blocks;
    k.f_bfree = (uint32_t)s.f_bfree;
    k.f_bavail = (uint32_t)s.f_bavail;
    k.f_namelen = s.f_namelen;
    k.f_frsize = s.f_frsize;
    k.f_flags = s.f_flags;
    return copyout(buf, &k, sizeof(k));
}

static long statfs64_out(const struct ramfs_inode *ip, uint32_t size, struct linux_statfs64 __user *buf)
{
    if (size != sizeof(struct linux_statfs64))
        return -EINVAL;
    struct linux_statfs64 s;
    fill_statfs64(ip, &s);
    return copyout(buf, &s, sizeof(s));
}

/* statfs(2) (99), fstatfs (100), statfs64 (268), fstatfs64 (269; -EINVAL
 * unless size is 84): f_type TMPFS_MAGIC, or PROC_SUPER_MAGIC under /proc. */
long sys_statfs(const char __user *path, struct linux_statfs __user *buf)
{
    struct ramfs_inode *ip;
    int err = fs_lookup_at(AT_FDCWD, path, false, false, &ip);
    return err < 0 ? err : statfs_out(ip, buf);
}

long sys_fstatfs(int fd, struct linux_statfs __user *buf)
{
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    return statfs_out(f->ip ? f->ip : ramfs_root(), buf);
}

long sys_statfs64(const char __user *path, uint32_t size, struct linux_statfs64 __user *buf)
{
    struct ramfs_inode *ip;
    int err = fs_lookup_at(AT_FDCWD, path, false, false, &ip);
    return err < 0 ? err : statfs64_out(ip, size, buf);
}

long sys_fstatfs64(int fd, uint32_t size, struct linux_statfs64 __user *buf)
{
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    return statfs64_out(f->ip ? f->ip : ramfs_root(), size, buf);
}
