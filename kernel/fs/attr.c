/*
 * attr.c: the system calls that change an inode's attributes: chmod,
 * chown (32-bit ids and the old 16-bit ones), and the times (utime,
 * utimes, futimesat, utimensat and utimensat_time64), with Linux's rules
 * on who may do what (the owner, root, or for "now" anyone who may write).
 */
#include <kernel/fs.h>
#include <kernel/file.h>
#include <kernel/fs_syscalls.h>
#include <kernel/proc.h>
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

#define UTIME_NOW  ((1l << 30) - 1l)
#define UTIME_OMIT ((1l << 30) - 2l)

/* ---- attributes ----------------------------------------------------------- */

/* chmod on an inode: the owner or root; a non-root owner outside the
 * file's group loses the set-group-ID bit, as on Linux. */
static int chmod_inode(struct ramfs_inode *ip, uint32_t mode)
{
    if (current->euid != 0 && current->euid != ip->uid)
        return -EPERM;
    mode &= 07777;
    if (current->euid != 0 && !proc_in_group(current, ip->gid))
        mode &= ~(uint32_t)S_ISGID;
    ip->mode = (ip->mode & S_IFMT) | mode;
    ramfs_touch(ip, RAMFS_CTIME);
    return 0;
}

/* fchmodat(2) (306; chmod 15): follows symlinks, no flags. */
long sys_fchmodat(int dirfd, const char __user *upath, uint32_t mode)
{
    struct ramfs_inode *ip;
    int err = fs_lookup_at(dirfd, upath, false, false, &ip);
    return err < 0 ? err : chmod_inode(ip, mode);
}

long sys_chmod(const char __user *path, uint32_t mode)
{
    return sys_fchmodat(AT_FDCWD, path, mode);
}

/* fchmod(2) (94): 0 or -EBADF, -EPERM. */
long sys_fchmod(int fd, uint32_t mode)
{
    struct ramfs_inode *ip;
    int err = fs_fd_inode(fd, &ip);
    return err < 0 ? err : chmod_inode(ip, mode);
}

/* chown on an inode, Linux's rules: root changes anything; the owner may
 * change the group to one of its own; (uint32_t)-1 leaves an id. A
 * non-directory loses set-user-ID and (if group-executable) set-group-ID. */
static int chown_inode(struct ramfs_inode *ip, uint32_t uid, uint32_t gid)
{
    bool root = current->euid == 0, owner = current->euid == ip->uid;
    if (uid != (uint32_t)-1 && !root && !(owner && uid == ip->uid))
        return -EPERM;
    if (gid != (uint32_t)-1 && !root && !(owner && (gid == ip->gid || proc_in_group(current, gid))))
        return -EPERM;
    if (uid != (uint32_t)-1)
        ip->uid = uid;
    if (gid != (uint32_t)-1)
        ip->gid = gid;
    if (!ramfs_is_dir(ip) && (uid != (uint32_t)-1 || gid != (uint32_t)-1)) {
        ip->mode &= ~(uint32_t)S_ISUID;
        if (ip->mode & S_IXGRP)
            ip->mode &= ~(uint32_t)S_ISGID;
    }
    ramfs_touch(ip, RAMFS_CTIME);
    return 0;
}

/* fchownat(2) (298): flags AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH. */
long sys_fchownat(int dirfd, const char __user *upath, uint32_t uid, uint32_t gid, uint32_t flags)
{
    struct ramfs_inode *ip;
    if (flags & ~(uint32_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    int err = fs_lookup_at(dirfd, upath, flags & AT_SYMLINK_NOFOLLOW, flags & AT_EMPTY_PATH, &ip);
    return err < 0 ? err : chown_inode(ip, uid, gid);
}

/* chown32 (212), lchown32 (198), fchown32 (207). */
long sys_chown32(const char __user *path, uint32_t uid, uint32_t gid)
{
    return sys_fchownat(AT_FDCWD, path, uid, gid, 0);
}

long sys_lchown32(const char __user *path, uint32_t uid, uint32_t gid)
{
    return sys_fchownat(AT_FDCWD, path, uid, gid, AT_SYMLINK_NOFOLLOW);
}

long sys_fchown32(int fd, uint32_t uid, uint32_t gid)
{
    struct ramfs_inode *ip;
    int err = fs_fd_inode(fd, &ip);
    return err < 0 ? err : chown_inode(ip, uid, gid);
}

/* The old 16-bit forms (chown 182, lchown 16, fchown 95): 0xFFFF is -1. */
static uint32_t id16(uint32_t reg)
{
    uint16_t id = (uint16_t)reg;
    return id == 0xFFFF ? (uint32_t)-1 : id;
}

long sys_chown16(const char __user *path, uint32_t uid, uint32_t gid)
{
    return sys_chown32(path, id16(uid), id16(gid));
}

long sys_lchown16(const char __user *path, uint32_t uid, uint32_t gid)
{
    return sys_lchown32(path, id16(uid), id16(gid));
}

long sys_fchown16(int fd, uint32_t uid, uint32_t gid)
{
    return sys_fchown32(fd, id16(uid), id16(gid));
}

/* Times to set: sec/nsec per [0] atime, [1] mtime; nsec UTIME_NOW or UTIME_OMIT. */
struct set_times {
    int64_t sec[2];
    long nsec[2];
};

/*
 * Set ip's times. times NULL (or both UTIME_NOW): now, for the owner or
 * anyone who may write the file (-EACCES); explicit times: the owner or
 * root only (-EPERM). ctime always becomes now.
 */
static int set_times(struct ramfs_inode *ip, const struct set_times *t)
{
    bool now = !t || (t->nsec[0] == UTIME_NOW && t->nsec[1] == UTIME_NOW);
    bool owner = current->euid == 0 || current->euid == ip->uid;
    if (!owner) {
        if (!now)
            return -EPERM;
        int err = fs_permission(ip, current, false, MAY_WRITE);
        if (err < 0)
            return err;
    }
    uint32_t sec, nsec;
    ramfs_now(&sec, &nsec);
    for (int i = 0; i < 2; i++) {
        if (t && t->nsec[i] == UTIME_OMIT)
            continue;
        uint32_t s = sec, ns = nsec;
        if (t && t->nsec[i] != UTIME_NOW) {
            s = (uint32_t)t->sec[i];
            ns = (uint32_t)t->nsec[i];
        }
        if (i == 0) {
            ip->atime = s;
            ip->atime_nsec = ns;
        } else {
            ip->mtime = s;
            ip->mtime_nsec = ns;
        }
    }
    ramfs_touch(ip, RAMFS_CTIME);
    return 0;
}

static bool nsec_valid(long ns)
{
    return ns == UTIME_NOW || ns == UTIME_OMIT || (ns >= 0 && ns <= 999999999);
}

/* The common part of utimensat (320) and utimensat_time64 (412). */
static long do_utimensat(int dirfd, const char __user *upath, struct set_times *t, uint32_t flags)
{
    if (t && (!nsec_valid(t->nsec[0]) || !nsec_valid(t->nsec[1])))
        return -EINVAL;
    if (flags & ~(uint32_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    struct ramfs_inode *ip;
    int err;
    if (!upath && dirfd != AT_FDCWD) {
        if (flags & AT_SYMLINK_NOFOLLOW)
            return -EINVAL;
        err = fs_fd_inode(dirfd, &ip);
        if (err == -EINVAL)
            return 0;                   /* a pipe: nothing kept */
    } else if (!upath) {
        return -EFAULT;
    } else {
        err = fs_lookup_at(dirfd, upath, flags & AT_SYMLINK_NOFOLLOW, flags & AT_EMPTY_PATH, &ip);
    }
    return err < 0 ? err : set_times(ip, t);
}

/* utimensat(2) (320): times[2] of struct timespec (32-bit), or NULL for now. */
long sys_utimensat(int dirfd, const char __user *path, const struct timespec32 __user *times,
                   uint32_t flags)
{
    struct set_times t;
    if (times) {
        struct timespec32 k[2];
        if (copyin(k, times, sizeof(k)) < 0)
            return -EFAULT;
        for (int i = 0; i < 2; i++) {
            t.sec[i] = k[i].tv_sec;
            t.nsec[i] = k[i].tv_nsec;
        }
        if (t.nsec[0] == UTIME_OMIT && t.nsec[1] == UTIME_OMIT)
            return 0;
    }
    return do_utimensat(dirfd, path, times ? &t : NULL, flags);
}

/* utimensat_time64 (412): the same with 64-bit struct __kernel_timespec. */
long sys_utimensat_time64(int dirfd, const char __user *path,
                          const struct timespec64_k __user *times, uint32_t flags)
{
    struct set_times t;
    if (times) {
        struct timespec64_k k[2];
        if (copyin(k, times, sizeof(k)) < 0)
            return -EFAULT;
        for (int i = 0; i < 2; i++) {
            t.sec[i] = k[i].tv_sec;
            /* Linux: the upper half of tv_nsec is ignored for 32-bit callers. */
            t.nsec[i] = (int32_t)k[i].tv_nsec;
        }
        if (t.nsec[0] == UTIME_OMIT && t.nsec[1] == UTIME_OMIT)
            return 0;
    }
    return do_utimensat(dirfd, path, times ? &t : NULL, flags);
}

/* futimesat(2) (299; utimes 271): struct timeval[2], or NULL for now;
 * -EINVAL for a tv_usec outside 0..999999. */
long sys_futimesat(int dirfd, const char __user *path, const struct timeval32 __user *tv)
{
    struct set_times t;
    if (tv) {
        struct timeval32 k[2];
        if (copyin(k, tv, sizeof(k)) < 0)
            return -EFAULT;
        for (int i = 0; i < 2; i++) {
            if (k[i].tv_usec < 0 || k[i].tv_usec >= 1000000)
                return -EINVAL;
            t.sec[i] = k[i].tv_sec;
            t.nsec[i] = k[i].tv_usec * 1000l;
        }
    }
    if (!path)
        return -EFAULT;
    return do_utimensat(dirfd, path, tv ? &t : NULL, 0);
}

long sys_utimes(const char __user *path, const struct timeval32 __user *tv)
{
    return sys_futimesat(AT_FDCWD, path, tv);
}

/* utime(2) (30): struct utimbuf { actime, modtime } in whole seconds. */
long sys_utime(const char __user *path, const int32_t __user *times)
{
    struct set_times t;
    if (times) {
        int32_t k[2];
        if (copyin(k, times, sizeof(k)) < 0)
            return -EFAULT;
        t.sec[0] = k[0];
        t.sec[1] = k[1];
        t.nsec[0] = t.nsec[1] = 0;
    }
    if (!path)
        return -EFAULT;
    return do_utimensat(AT_FDCWD, path, times ? &t : NULL, 0);
}
