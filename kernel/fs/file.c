/*
 * file.c: open files, file descriptors and the file system calls.
 *
 * Inodes come from the ramfs tree (kernel/fs/ramfs.h). open(2) makes a
 * struct file (kernel/include/kernel/file.h) whose operations are those
 * of its inode: ramfs files and directories here, devices their own (the
 * console's are in kernel/dev/console_file.c). The system calls on
 * descriptors alone (close, dup, fcntl, ioctl) are in fd.c. The filesystem
 * is read-only, so only devices are ever open for writing.
 *
 * There is one working directory, "/": chdir accepts any directory and
 * changes nothing, getcwd always says "/", relative paths start at "/".
 * Search permission on the directories along a path is not checked.
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
#include <arch/memlayout.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/stat.h>
#include <string.h>
#include "ramfs.h"

static const struct file_ops *inode_fops(const struct ramfs_inode *ip);

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

/* Permission bits asked of an inode (Linux MAY_*, also the access() bits). */
#define MAY_EXEC 1
#define MAY_WRITE 2
#define MAY_READ 4

_Static_assert(sizeof(struct linux_iovec) == 8, "iovec");

/* ---- paths and permissions ------------------------------------------------ */

/* Copy a user path into a new kernel buffer (caller kfrees *out). */
static int get_path(const char __user *upath, char **out)
{
    char *path = kmalloc(RAMFS_PATH_MAX);
    if (!path)
        return -ENOMEM;
    int n = copyinstr(path, upath, RAMFS_PATH_MAX);
    if (n < 0) {
        kfree(path);
        return n;
    }
    *out = path;
    return 0;
}

/* Resolve a user path. *parentp as for ramfs_walk (may be NULL). */
static int lookup_user(const char __user *upath, struct ramfs_inode **ip,
                       struct ramfs_inode **parentp)
{
    char *path;
    int err = get_path(upath, &path);
    if (err < 0)
        return err;
    err = ramfs_walk(path, ip, parentp);
    kfree(path);
    return err;
}

/* Is some group of p (real or effective set) the inode's group, gid 0? */
static bool in_file_group(const struct proc *p, bool real)
{
    if (!real)
        return proc_in_group(p, 0);
    if (p->rgid == 0)
        return true;
    for (int i = 0; i < p->ngroups; i++)
        if (p->groups[i] == 0)
            return true;
    return false;
}

/*
 * Linux's inode_permission for mask (MAY_*) on an inode owned by uid 0,
 * gid 0, with p's effective ids (real ids for access(2)). Writing a
 * directory or regular file of the read-only fs is -EROFS before anything
 * else; root may read and write anything, and execute what has an x bit.
 */
static int permission(const struct ramfs_inode *ip, const struct proc *p, bool real, int mask)
{
    if ((mask & MAY_WRITE) && !ramfs_is_chr(ip))
        return -EROFS;
    uid_t uid = real ? p->ruid : p->euid;
    if (uid == 0) {
        if (!(mask & MAY_EXEC) || ramfs_is_dir(ip) || (ip->mode & (S_IXUSR | S_IXGRP | S_IXOTH)))
            return 0;
        return -EACCES;
    }
    uint32_t bits = in_file_group(p, real) ? (ip->mode >> 3) & 7 : ip->mode & 7;
    return ((int)bits & mask) == mask ? 0 : -EACCES;
}

int fs_lookup_exec(const char *path, const uint8_t **data, uint32_t *size,
                   struct vm_object **obj)
{
    struct ramfs_inode *ip;
    int err = ramfs_walk(path, &ip, NULL);
    if (err < 0)
        return err;
    /* Linux's may_open refuses a directory; do_open_execat anything else
     * that is not a regular file (a device may well have an x bit). */
    if (!ramfs_is_reg(ip))
        return -EACCES;
    if ((err = permission(ip, current, false, MAY_EXEC)) < 0)
        return err;
    if (!(*obj = fs_file_object(ip)))
        return -ENOMEM;
    *data = ip->data;
    *size = ip->size;
    return 0;
}

int fs_mmap(int fd, bool shared, uint32_t prot, struct vm_object **obj, uint32_t *maxprot)
{
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    /* Every ramfs file is read-only, so no descriptor of one can write:
     * a shared mapping may never get write, a private one may (its
     * writes are copies). */
    if (shared && (prot & VM_WRITE) && !file_can_write(f))
        return -EACCES;
    if (!file_can_read(f))
        return -EACCES;
    if (!f->ip || !ramfs_is_reg(f->ip))
        return -ENODEV;
    *maxprot = VM_READ | VM_EXEC | (shared && !file_can_write(f) ? 0 : VM_WRITE);
    if (!(*obj = fs_file_object(f->ip)))
        return -ENOMEM;
    return 0;
}

/* ---- open and close ------------------------------------------------------- */

/*
 * open(2): the lowest free descriptor, or -EMFILE, -ENOENT, -ENOTDIR,
 * -ENAMETOOLONG, -EFAULT, -EEXIST (O_CREAT|O_EXCL), -EISDIR (a directory
 * for writing or O_CREAT), -EROFS (writing, truncating or creating a ramfs
 * file; O_CREAT alone on an existing file is fine, as on Linux), -EACCES.
 */
long sys_open(const char __user *upath, int flags, int mode)
{
    struct ramfs_inode *ip, *parent;
    (void)mode;                         /* nothing is ever created */

    int fd = fd_free_slot(0);           /* Linux takes the descriptor first */
    if (fd < 0)
        return fd;
    int err = lookup_user(upath, &ip, &parent);
    if (err == -ENOENT && parent && (flags & O_CREAT))
        return -EROFS;
    if (err < 0)
        return err;
    if ((flags & O_CREAT) && (flags & O_EXCL))
        return -EEXIST;

    int mask = 0;
    switch (flags & O_ACCMODE) {
    case O_RDONLY: mask = MAY_READ; break;
    case O_WRONLY: mask = MAY_WRITE; break;
    default: mask = MAY_READ | MAY_WRITE; break;
    }
    if (flags & O_TRUNC)
        mask |= MAY_WRITE;
    if (ramfs_is_dir(ip) && ((mask & MAY_WRITE) || (flags & O_CREAT)))
        return -EISDIR;
    if ((flags & O_DIRECTORY) && !ramfs_is_dir(ip))
        return -ENOTDIR;
    if ((err = permission(ip, current, false, mask)) < 0)
        return err;

    struct file *f = file_new(inode_fops(ip), ip,
                              (uint32_t)flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC));
    if (!f)
        return -ENOMEM;
    fd = fd_install_from(f, fd, flags & O_CLOEXEC);    /* the slot found above */
    file_put(f);
    return fd;
}

/* ---- read and write ------------------------------------------------------- */

/* The file's bytes come straight from the archive, which is kernel memory. */
static long reg_read(struct file *f, char __user *buf, size_t n)
{
    const struct ramfs_inode *ip = f->ip;
    if (n == 0 || f->off >= ip->size)
        return 0;
    n = MIN(n, ip->size - (size_t)f->off);
    long got = copyout_partial(buf, (const char *)ip->data + f->off, n);
    if (got > 0)
        f->off += got;
    return got;
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
    .seek = ramfs_seek,
};

static const struct file_ops dir_fops = {
    .read = dir_read,
    .seek = ramfs_seek,
};

/* The operations of a file opened from ip. */
static const struct file_ops *inode_fops(const struct ramfs_inode *ip)
{
    if (ip->fops)
        return ip->fops;
    return ramfs_is_dir(ip) ? &dir_fops : &reg_fops;
}

struct file *fs_open_console(void)
{
    struct ramfs_inode *ip = ramfs_console();
    return ip ? file_new(inode_fops(ip), ip, O_RDWR) : NULL;
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

/* ---- attributes ----------------------------------------------------------- */

static long stat_inode(const struct ramfs_inode *ip, struct linux_stat __user *st)
{
    struct linux_stat ks;
    ramfs_stat(ip, &ks);
    return copyout(st, &ks, sizeof(ks));
}

static long stat64_inode(const struct ramfs_inode *ip, struct linux_stat64 __user *st)
{
    struct linux_stat64 ks;
    ramfs_stat64(ip, &ks);
    return copyout(st, &ks, sizeof(ks));
}

/* stat(2) family: 0 or -EBADF, -ENOENT, -ENOTDIR, -ENAMETOOLONG, -EFAULT. */
long sys_stat(const char __user *path, struct linux_stat __user *st)
{
    struct ramfs_inode *ip;
    int err = lookup_user(path, &ip, NULL);
    return err < 0 ? err : stat_inode(ip, st);
}

/* No symbolic links: lstat is stat. */
long sys_lstat(const char __user *path, struct linux_stat __user *st)
{
    return sys_stat(path, st);
}

long sys_fstat(int fd, struct linux_stat __user *st)
{
    struct file *f = fd_file(fd);
    return f ? stat_inode(f->ip, st) : -EBADF;
}

long sys_stat64(const char __user *path, struct linux_stat64 __user *st)
{
    struct ramfs_inode *ip;
    int err = lookup_user(path, &ip, NULL);
    return err < 0 ? err : stat64_inode(ip, st);
}

long sys_lstat64(const char __user *path, struct linux_stat64 __user *st)
{
    return sys_stat64(path, st);
}

long sys_fstat64(int fd, struct linux_stat64 __user *st)
{
    struct file *f = fd_file(fd);
    return f ? stat64_inode(f->ip, st) : -EBADF;
}

/* access(2) checks with the real uid and gid, as Linux does. */
long sys_access(const char __user *path, int mode)
{
    struct ramfs_inode *ip;
    if (mode & ~(MAY_READ | MAY_WRITE | MAY_EXEC))
        return -EINVAL;
    int err = lookup_user(path, &ip, NULL);
    if (err < 0)
        return err;
    return mode ? permission(ip, current, true, mode) : 0;
}

/* ---- directories ---------------------------------------------------------- */

/* getdents64(2): bytes of records stored, 0 at the end, or -EBADF,
 * -ENOTDIR, -EINVAL (count too small for the next record), -EFAULT. */
long sys_getdents64(int fd, void __user *dirp, uint32_t count)
{
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    if (!ramfs_is_dir(f->ip))
        return -ENOTDIR;
    size_t size = MIN(count, DIRENT_BUF);
    void *kbuf = kmalloc(size ? size : 1);
    if (!kbuf)
        return -ENOMEM;
    int64_t pos = f->off;
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

/* getcwd(2): always "/", so 2 (the length with the NUL), or -ERANGE, -EFAULT. */
long sys_getcwd(char __user *buf, size_t size)
{
    if (size < 2)
        return -ERANGE;
    if (copyout(buf, "/", 2) < 0)
        return -EFAULT;
    return 2;
}

/* Checks the path like Linux; the working directory stays "/". */
long sys_chdir(const char __user *path)
{
    struct ramfs_inode *ip;
    int err = lookup_user(path, &ip, NULL);
    if (err < 0)
        return err;
    if (!ramfs_is_dir(ip))
        return -ENOTDIR;
    return permission(ip, current, false, MAY_EXEC);
}
