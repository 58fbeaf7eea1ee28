/*
 * file.c: open files, file descriptors and the file system calls.
 *
 * Inodes come from the ramfs tree (kernel/fs/ramfs.h). open(2) makes a
 * struct file (kernel/include/kernel/file.h) whose operations are those
 * of its inode: ramfs files and directories here, devices their own (the
 * console's are in kernel/dev/console_file.c). The system calls on
 * descriptors alone (close, dup, fcntl, ioctl) are in fd.c, the calls on
 * names (mkdir, unlink, rename, stat, chdir...) in path.c. A regular
 * file's data is kept by mapping.c: reads and writes go through there, so
 * that a write is what a MAP_SHARED mapping of the file sees.
 *
 * An open file holds a reference on its inode (file_new takes it,
 * file_put drops it), so an unlinked file lives until its last close.
 *
 * Handlers never touch user memory except through copyin/copyout/copyinstr.
 */
#include <kernel/fs.h>
#include <kernel/file.h>
#include <kernel/vm.h>
#include <kernel/fs_syscalls.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/uaccess.h>
#include <kernel/console.h>
#include <kernel/kheap.h>
#include <kernel/time.h>
#include <arch/memlayout.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/stat.h>
#include <string.h>
#include <kernel/devmem.h>
#include "ramfs.h"
#include "vfs.h"

/* struct iovec as an i386 program lays it out. */
struct linux_iovec {
    uint32_t base;
    uint32_t len;
};

#define MAX_RW_COUNT 0x7ffff000u        /* Linux: INT_MAX rounded down to a page */
#define MAX_FILE_OFFSET ((int64_t)0xffffffff << PAGE_SHIFT)   /* i386 MAX_LFS_FILESIZE */
#define UIO_MAXIOV 1024
#define DIRENT_BUF 4096                 /* getdents64 builds at most this much per call */

#define SEEK_DATA 3
#define SEEK_HOLE 4
#define SEEK_MAX SEEK_HOLE

_Static_assert(sizeof(struct linux_iovec) == 8, "iovec");

int fs_lookup_exec(const char *path, const uint8_t **data, uint32_t *size,
                   struct vm_object **obj)
{
    struct ramfs_inode *ip;
    int err = fs_resolve(AT_FDCWD, path, false, false, &ip, NULL);
    if (err < 0)
        return err;
    /* Linux's may_open refuses a directory; do_open_execat anything else
     * that is not a regular file (a device may well have an x bit). */
    if (!ramfs_is_reg(ip))
        return -EACCES;
    if ((err = fs_permission(ip, current, false, MAY_EXEC)) < 0)
        return err;
    if (!(*data = fs_data_flat(ip)))
        return -ENOMEM;
    if (!(*obj = fs_file_object(ip)))
        return -ENOMEM;
    *size = ip->size;
    return 0;
}

int fs_mmap(int fd, bool shared, uint32_t prot, struct vm_object **obj, uint32_t *maxprot)
{
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    /* A shared mapping writes the file: only through a descriptor open
     * for writing. A private one may always write (its writes are copies). */
    if (shared && (prot & VM_WRITE) && !file_can_write(f))
        return -EACCES;
    if (!file_can_read(f))
        return -EACCES;
    if (!f->ip || !ramfs_is_reg(f->ip) || f->ip->fops)
        return -ENODEV;
    *maxprot = VM_READ | VM_EXEC | (shared && !file_can_write(f) ? 0 : VM_WRITE);
    /* A shared mapping through a writable descriptor maps the file's own
     * pages, those write() changes. Through a read-only one, a file still
     * in the initrd maps the initrd's frames (nothing to copy); a later
     * first write(2) by someone else gives the file new pages that such a
     * mapping does not see. */
    int err;
    if (shared && file_can_write(f) && (err = fs_data_own(f->ip)) < 0)
        return err == -ENOSPC ? -ENOMEM : err;
    if (!(*obj = fs_file_object(f->ip)))
        return -ENOMEM;
    return 0;
}

/* ---- open and close ------------------------------------------------------- */

/* O_PATH descriptors: no operations at all. */
static const struct file_ops path_fops;

/* The open flags a file keeps (F_GETFL shows them). */
#define OPEN_KEPT (O_ACCMODE | O_APPEND | O_NONBLOCK | O_DSYNC | O_ASYNC | O_DIRECT | \
                   O_LARGEFILE | O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_SYNC | O_PATH)

/* Open an existing inode ip as open(2) asks (created: made by this call,
 * so no permission check, as Linux's FMODE_CREATED). */
static int may_open(struct ramfs_inode *ip, int flags, bool created)
{
    if (ramfs_is_lnk(ip))
        return -ELOOP;                  /* O_NOFOLLOW met a symlink */
    int mask = 0;
    switch (flags & O_ACCMODE) {
    case O_RDONLY: mask = MAY_READ; break;
    case O_WRONLY: mask = MAY_WRITE; break;
    case O_RDWR: mask = MAY_READ | MAY_WRITE; break;
    default: mask = 0; break;           /* 3: neither (ioctl-only opens) */
    }
    if (flags & O_TRUNC)
        mask |= MAY_WRITE;
    if (ramfs_is_dir(ip) && ((mask & MAY_WRITE) || (flags & O_CREAT)))
        return -EISDIR;
    if ((flags & O_DIRECTORY) && !ramfs_is_dir(ip))
        return -ENOTDIR;
    int err;
    if (!created && (err = fs_permission(ip, current, false, mask)) < 0)
        return err;
    uint32_t type = ip->mode & S_IFMT;
    if (type == S_IFIFO || type == S_IFSOCK || type == S_IFBLK ||
        (type == S_IFCHR && !ip->fops))
        return -ENXIO;                  /* a name without a driver behind it */
    if ((flags & O_TRUNC) && ramfs_is_reg(ip) && !ip->fops && ip->size) {
        if ((err = fs_data_truncate(ip, 0)) < 0)
            return err;
        ramfs_touch(ip, RAMFS_MTIME | RAMFS_CTIME);
    }
    return 0;
}

/* Create the last component of path for O_CREAT: 0 and *ip, or -errno.
 * A dangling symlink there is followed: its target is what gets made. */
static int open_create(int dirfd, const char *path, uint32_t mode, struct ramfs_inode **ip)
{
    struct ramfs_inode *start, *dir;
    const char *name;
    size_t len;
    bool trailing;
    char *buf = NULL;
    int err = fs_at_start(dirfd, path, &start);
    for (int links = 0; err == 0; links++) {
        if ((err = ramfs_walk_parent(start, path, &dir, &name, &len, &trailing)) < 0)
            break;
        struct ramfs_inode *link = ramfs_find(dir, name, len);
        if (!link || !ramfs_is_lnk(link))
            break;
        if (links >= RAMFS_SYMLOOP_MAX) {
            err = -ELOOP;
            break;
        }
        if (!buf && !(buf = kmalloc(RAMFS_PATH_MAX))) {
            err = -ENOMEM;
            break;
        }
        int n = ramfs_readlink(link, buf, RAMFS_PATH_MAX);
        if (n < 0 || n >= RAMFS_PATH_MAX) {
            err = n < 0 ? n : -ENAMETOOLONG;
            break;
        }
        start = dir;
        path = buf;
    }
    if (err == 0 && trailing)
        err = -EISDIR;
    if (err == 0 && (len == 0 || dir->dead))
        err = len == 0 ? -EISDIR : -ENOENT;
    if (err == 0)
        err = fs_permission(dir, current, false, MAY_WRITE | MAY_EXEC);
    if (err == 0) {
        gid_t gid = (dir->mode & S_ISGID) ? dir->gid : current->egid;
        *ip = ramfs_create(dir, name, len, S_IFREG | (mode & 07777 & ~current->umask),
                           current->euid, gid, NULL);
        if (!*ip)
            err = -ENOMEM;
    }
    kfree(buf);
    return err;
}

/*
 * openat(2) (295; open 5): the lowest free descriptor, or -EMFILE,
 * -ENOENT, -ENOTDIR, -ENAMETOOLONG, -EFAULT, -ELOOP (also O_NOFOLLOW on a
 * symlink), -EEXIST (O_CREAT|O_EXCL), -EISDIR (a directory for writing or
 * O_CREAT), -EACCES, -ENXIO (a FIFO or socket name), -EBADF (dirfd),
 * -EOPNOTSUPP (O_TMPFILE). O_CREAT makes a regular file with mode &
 * ~umask, owned by the caller's effective ids; with a trailing "/" it is
 * -EISDIR. O_PATH gives a descriptor that only names the inode.
 */
long sys_openat(int dirfd, const char __user *upath, int flags, int mode)
{
    struct ramfs_inode *ip, *parent;
    char *path;

    if ((flags & O_TMPFILE) == O_TMPFILE)
        return -EOPNOTSUPP;
    int fd = fd_free_slot(0);           /* Linux takes the descriptor first */
    if (fd < 0)
        return fd;
    int err = fs_get_path(upath, &path);
    if (err < 0)
        return err;
    if (flags & O_PATH)                 /* Linux ignores the rest with O_PATH */
        flags &= O_PATH | O_CLOEXEC | O_DIRECTORY | O_NOFOLLOW;
    bool nofollow = (flags & O_NOFOLLOW) || ((flags & O_CREAT) && (flags & O_EXCL));
    bool created = false;
    size_t plen = strlen(path);
    if ((flags & O_CREAT) && plen && path[plen - 1] == '/') {
        /* Linux: O_CREAT with a trailing slash is EISDIR, once the
         * directories before the last component are found. */
        struct ramfs_inode *start, *dir;
        const char *name;
        size_t len;
        bool trailing;
        err = fs_at_start(dirfd, path, &start);
        if (err == 0)
            err = ramfs_walk_parent(start, path, &dir, &name, &len, &trailing);
        if (err == 0)
            err = -EISDIR;
    } else {
        err = fs_resolve(dirfd, path, nofollow, false, &ip, &parent);
        if (err == -ENOENT && parent && (flags & O_CREAT)) {
            err = open_create(dirfd, path, (uint32_t)mode, &ip);
            created = err == 0;
        } else if (err == 0 && (flags & O_CREAT) && (flags & O_EXCL)) {
            err = -EEXIST;
        }
    }
    kfree(path);
    if (err < 0)
        return err;

    struct file *f;
    if (flags & O_PATH) {
        /* A descriptor that only names the inode (for fstat, fchdir, the
         * *at calls): no permission asked, and read and write say EBADF
         * (access mode 3: neither). */
        if ((flags & O_DIRECTORY) && !ramfs_is_dir(ip))
            return -ENOTDIR;
        f = file_new(&path_fops, ip, O_PATH | O_ACCMODE);
    } else {
        if ((err = may_open(ip, flags, created)) < 0)
            return err;
        f = file_new(fs_inode_fops(ip), ip, (uint32_t)flags & OPEN_KEPT);
    }
    if (!f)
        return -ENOMEM;
    fd = fd_install_from(f, fd, flags & O_CLOEXEC);    /* the slot found above */
    file_put(f);
    return fd;
}

long sys_open(const char __user *path, int flags, int mode)
{
    return sys_openat(AT_FDCWD, path, flags, mode);
}

/* creat(2) (8): open(path, O_CREAT|O_WRONLY|O_TRUNC, mode). */
long sys_creat(const char __user *path, int mode)
{
    return sys_openat(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

/* ---- read and write ------------------------------------------------------- */

static long reg_read(struct file *f, char __user *buf, size_t n)
{
    long got = fs_data_read(f->ip, (uint64_t)f->off, buf, n);
    if (got > 0)
        f->off += got;
    return got;
}

/* Writes go at the offset, or at the end with O_APPEND; -EFBIG past the
 * largest file, -ENOSPC when frames run out. */
/* A file changed by someone other than root loses set-user-ID, and
 * set-group-ID if group-executable (Linux's file_remove_privs). */
static void drop_privs(struct ramfs_inode *ip)
{
    if (current->euid == 0)
        return;
    ip->mode &= ~(uint32_t)S_ISUID;
    if (ip->mode & S_IXGRP)
        ip->mode &= ~(uint32_t)S_ISGID;
}

static long reg_write(struct file *f, const char __user *buf, size_t n)
{
    struct ramfs_inode *ip = f->ip;
    if (f->flags & O_APPEND)
        f->off = ip->size;
    long put = fs_data_write(ip, (uint64_t)f->off, buf, n);
    if (put > 0) {
        f->off += put;
        drop_privs(ip);
        ramfs_touch(ip, RAMFS_MTIME | RAMFS_CTIME);
    }
    return put;
}

static long dir_read(struct file *f, char __user *buf, size_t n)
{
    (void)f, (void)buf, (void)n;
    return -EISDIR;
}

/* The checks every read makes, then the file's own read. */
static long file_read(struct file *f, char __user *buf, size_t n)
{
    if (!file_can_read(f))
        return -EBADF;
    if (!user_range_ok(buf, n))
        return -EFAULT;
    if (!f->ops->read)
        return -EINVAL;
    return f->ops->read(f, buf, MIN(n, MAX_RW_COUNT));
}

static long file_write(struct file *f, const char __user *buf, size_t n)
{
    if (!file_can_write(f))
        return -EBADF;
    if (!user_range_ok(buf, n))
        return -EFAULT;
    if (!f->ops->write)
        return -EINVAL;
    return f->ops->write(f, buf, MIN(n, MAX_RW_COUNT));
}

/* read(2): bytes read (0 at the end of a file), or -EBADF, -EFAULT (bad
 * range, or nothing could be copied), -EISDIR, -EINTR (console). */
long sys_read(int fd, void __user *buf, size_t count)
{
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    return file_read(f, buf, count);
}

/* write(2): bytes written, or -EBADF (not open for writing: every ramfs
 * file), -EFAULT. */
long sys_write(int fd, const void __user *buf, size_t count)
{
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    return file_write(f, buf, count);
}

/* readv and writev: the segments in order, stopping at the first short one.
 * Bytes moved, or -EBADF, -EINVAL (more than 1024 segments, a length over
 * 2^31 - 1), -EFAULT, or the first segment's error. */
static long rw_vector(int fd, const struct linux_iovec __user *uiov, uint32_t cnt, bool write)
{
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    if (write ? !file_can_write(f) : !file_can_read(f))
        return -EBADF;
    if (cnt > UIO_MAXIOV)
        return -EINVAL;
    if (cnt == 0)
        return 0;
    struct linux_iovec *iov = kmalloc(cnt * sizeof(*iov));
    if (!iov)
        return -ENOMEM;
    long ret = 0;
    if (copyin(iov, uiov, cnt * sizeof(*iov)) < 0) {
        ret = -EFAULT;
        goto out;
    }
    /* Check every segment first, then clamp the total as Linux does. */
    size_t total = 0;
    for (uint32_t i = 0; i < cnt; i++) {
        if (iov[i].len > INT32_MAX) {
            ret = -EINVAL;
            goto out;
        }
        if (!user_range_ok((const void __user *)(uintptr_t)iov[i].base, iov[i].len)) {
            ret = -EFAULT;
            goto out;
        }
        iov[i].len = MIN(iov[i].len, MAX_RW_COUNT - total);
        total += iov[i].len;
    }
    for (uint32_t i = 0; i < cnt; i++) {
        char __user *base = (char __user *)(uintptr_t)iov[i].base;
        long r = write ? file_write(f, base, iov[i].len) : file_read(f, base, iov[i].len);
        if (r < 0) {
            if (ret == 0)
                ret = r;
            break;
        }
        ret += r;
        if ((size_t)r < iov[i].len)
            break;
    }
out:
    kfree(iov);
    return ret;
}

long sys_readv(int fd, const struct linux_iovec __user *iov, uint32_t iovcnt)
{
    return rw_vector(fd, iov, iovcnt, false);
}

long sys_writev(int fd, const struct linux_iovec __user *iov, uint32_t iovcnt)
{
    return rw_vector(fd, iov, iovcnt, true);
}

/* pread64 and pwrite64 once the descriptor is known: at offset off,
 * leaving f->off alone. */
static long rw_at(int fd, char __user *buf, size_t n, uint32_t lo, uint32_t hi, bool write)
{
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    int64_t off = (int64_t)(((uint64_t)hi << 32) | lo);
    if (off < 0)
        return -EINVAL;
    if (write ? !file_can_write(f) : !file_can_read(f))
        return -EBADF;
    if (!f->ops->seek)
        return -ESPIPE;                 /* pipes, terminals */
    if (!user_range_ok(buf, n))
        return -EFAULT;
    n = MIN(n, MAX_RW_COUNT);
    int64_t saved = f->off;
    uint32_t saved_flags = f->flags;
    long r;
    f->off = off;
    if (write) {
        /* Linux's pwrite on an O_APPEND file appends too (a known quirk). */
        r = f->ops->write ? f->ops->write(f, buf, n) : -EINVAL;
    } else {
        r = f->ops->read ? f->ops->read(f, buf, n) : -EINVAL;
    }
    f->off = saved;
    f->flags = saved_flags;
    return r;
}

/* pread64(2) (180): bytes read at offset (lo, hi), or -EBADF, -EINVAL
 * (negative offset), -ESPIPE (not seekable), -EISDIR, -EFAULT. */
long sys_pread64(int fd, void __user *buf, size_t count, uint32_t off_lo, uint32_t off_hi)
{
    return rw_at(fd, buf, count, off_lo, off_hi, false);
}

/* pwrite64(2) (181): as pread64 for writing. */
long sys_pwrite64(int fd, const void __user *buf, size_t count, uint32_t off_lo, uint32_t off_hi)
{
    return rw_at(fd, (char __user *)(uintptr_t)buf, count, off_lo, off_hi, true);
}

/* Set a regular file's size (zeros when it grows), with its times. */
static long truncate_inode(struct ramfs_inode *ip, int64_t len)
{
    int err = fs_data_truncate(ip, (uint64_t)len);
    if (err == 0) {
        drop_privs(ip);
        ramfs_touch(ip, RAMFS_MTIME | RAMFS_CTIME);
    }
    return err;
}

/* truncate64(2) (193; truncate 92): 0 or -EINVAL (negative, not a
 * regular file), -EISDIR, -EACCES, -EFBIG, -ENOSPC, the walk's errors. */
static long do_truncate(const char __user *upath, int64_t len)
{
    char *path;
    struct ramfs_inode *ip;
    if (len < 0)
        return -EINVAL;
    int err = fs_get_path(upath, &path);
    if (err < 0)
        return err;
    err = fs_resolve(AT_FDCWD, path, false, false, &ip, NULL);
    kfree(path);
    if (err < 0)
        return err;
    if (ramfs_is_dir(ip))
        return -EISDIR;
    if (!ramfs_is_reg(ip) || ip->fops)
        return -EINVAL;
    if ((err = fs_permission(ip, current, false, MAY_WRITE)) < 0)
        return err;
    return truncate_inode(ip, len);
}

long sys_truncate(const char __user *path, int32_t len)
{
    return do_truncate(path, len);
}

long sys_truncate64(const char __user *path, uint32_t lo, uint32_t hi)
{
    return do_truncate(path, (int64_t)(((uint64_t)hi << 32) | lo));
}

/* ftruncate64(2) (194; ftruncate 93): 0 or -EINVAL (negative, not open
 * for writing, not a regular file), -EBADF, -EFBIG, -ENOSPC. */
static long do_ftruncate(int fd, int64_t len)
{
    if (len < 0)
        return -EINVAL;
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    if (!f->ip || !ramfs_is_reg(f->ip) || f->ip->fops || !file_can_write(f))
        return -EINVAL;
    return truncate_inode(f->ip, len);
}

long sys_ftruncate(int fd, int32_t len)
{
    return do_ftruncate(fd, len);
}

long sys_ftruncate64(int fd, uint32_t lo, uint32_t hi)
{
    return do_ftruncate(fd, (int64_t)(((uint64_t)hi << 32) | lo));
}

/* fsync(2) (118), fdatasync (148): nothing to write back; 0 or -EBADF. */
long sys_fsync(int fd)
{
    return fd_file(fd) ? 0 : -EBADF;
}

/* ---- seeking -------------------------------------------------------------- */

/*
 * Move f's offset; the new offset or -errno. Regular files: SEEK_SET, CUR,
 * END, DATA and HOLE, up to MAX_FILE_OFFSET (past the end is fine).
 * Directories (offset = entry index): SEEK_SET and SEEK_CUR only.
 */
static int64_t ramfs_seek(struct file *f, int64_t off, uint32_t whence)
{
    int64_t base, size = f->ip->size;

    if (ramfs_is_dir(f->ip) && whence != SEEK_SET && whence != SEEK_CUR)
        return -EINVAL;
    switch (whence) {
    case SEEK_SET: base = 0; break;
    case SEEK_CUR: base = f->off; break;
    case SEEK_END: base = size; break;
    case SEEK_DATA:
    case SEEK_HOLE:
        /* The whole file is data, with the one hole at its end. */
        if (off < 0 || off >= size)
            return -ENXIO;
        base = 0;
        if (whence == SEEK_HOLE)
            off = size;
        break;
    default:
        return -EINVAL;
    }
    if (off > MAX_FILE_OFFSET - base)
        return -EINVAL;
    int64_t pos = base + off;
    if (pos < 0)
        return -EINVAL;
    f->off = pos;
    return pos;
}

static int64_t file_seek(struct file *f, int64_t off, uint32_t whence)
{
    if (!f->ops->seek)
        return -ESPIPE;
    return f->ops->seek(f, off, whence);
}

static const struct file_ops reg_fops = {
    .read = reg_read,
    .write = reg_write,
    .seek = ramfs_seek,
};

static const struct file_ops dir_fops = {
    .read = dir_read,
    .seek = ramfs_seek,
};

/* The operations of a file opened from ip. */
const struct file_ops *fs_inode_fops(const struct ramfs_inode *ip)
{
    if (ip->fops)
        return ip->fops;
    return ramfs_is_dir(ip) ? &dir_fops : &reg_fops;
}

struct file *fs_open_console(void)
{
    struct ramfs_inode *ip = ramfs_console();
    return ip ? file_new(fs_inode_fops(ip), ip, O_RDWR) : NULL;
}

/* lseek(2): the new offset, or -EBADF, -EINVAL, -ESPIPE (console), -ENXIO,
 * -EOVERFLOW (beyond 2^31 - 1: use _llseek). */
long sys_lseek(int fd, int32_t offset, uint32_t whence)
{
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    if (whence > SEEK_MAX)
        return -EINVAL;
    int64_t pos = file_seek(f, offset, whence);
    /* As on Linux, a result off_t cannot hold has still moved the offset. */
    if (pos > INT32_MAX)
        return -EOVERFLOW;
    return (long)pos;
}

/* _llseek(2): 0 with the 64-bit offset stored at *result, or -errno. */
long sys__llseek(int fd, uint32_t offset_high, uint32_t offset_low,
                 int64_t __user *result, uint32_t whence)
{
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    if (whence > SEEK_MAX)
        return -EINVAL;
    int64_t pos = file_seek(f, (int64_t)(((uint64_t)offset_high << 32) | offset_low), whence);
    if (pos < 0)
        return (long)pos;
    return copyout(result, &pos, sizeof(pos));
}

/* ---- directories ---------------------------------------------------------- */

/* getdents64(2): bytes of records stored, 0 at the end, or -EBADF,
 * -ENOTDIR, -EINVAL (count too small for the next record), -EFAULT. */
long sys_getdents64(int fd, void __user *dirp, uint32_t count)
{
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    if (!file_can_read(f))
        return -EBADF;                  /* O_PATH */
    if (!ramfs_is_dir(f->ip))
        return -ENOTDIR;
    size_t size = MIN(count, DIRENT_BUF);
    void *kbuf = kmalloc(size ? size : 1);
    if (!kbuf)
        return -ENOMEM;
    int64_t pos = f->off;
    if (f->ip->refresh)
        f->ip->refresh(f->ip);
    long n = ramfs_getdents64(f->ip, &pos, kbuf, size);
    if (n > 0) {
        if (copyout(dirp, kbuf, (size_t)n) < 0)
            n = -EFAULT;
        else
            f->off = pos;               /* only entries the caller got are consumed */
    }
    kfree(kbuf);
    return n;
}

/* ---- what ramfs.c asks of the kernel -------------------------------------- */

void ramfs_now(uint32_t *sec, uint32_t *nsec)
{
    int64_t ns = time_realtime_coarse_ns();
    *sec = (uint32_t)(ns / 1000000000);
    *nsec = (uint32_t)(ns % 1000000000);
}

int ramfs_search_ok(const struct ramfs_inode *dir)
{
    if (!current)
        return 0;                       /* boot: indexing the initrd */
    return fs_permission(dir, current, false, MAY_EXEC);
}

/* ---- /dev/null, zero, full, random, urandom (mem major 1) ----------------- */

static int mem_minor(const struct file *f)
{
    return (int)(f->ip->rdev & 0xff);
}

static long devmem_file_read(struct file *f, char __user *buf, size_t n)
{
    return devmem_read(mem_minor(f), buf, n);
}

static long devmem_file_write(struct file *f, const char __user *buf, size_t n)
{
    return devmem_write(mem_minor(f), buf, n);
}

/* Seeking any of them succeeds and changes nothing, as Linux's null_lseek. */
static int64_t devmem_seek(struct file *f, int64_t off, uint32_t whence)
{
    (void)off, (void)whence;
    f->off = 0;
    return 0;
}

const struct file_ops devmem_fops = {
    .read = devmem_file_read,
    .write = devmem_file_write,
    .seek = devmem_seek,
};
