/*
 * path.c: the system calls that work on names: making and removing them
 * (mkdir, mknod, unlink, rmdir, rename, link, symlink), reading them
 * (readlink, stat and its layouts, statx, access, statfs), changing an
 * inode's attributes (chmod, chown, utimes), and each process's working
 * directory (chdir, fchdir, getcwd). Every call has its *at form taking a
 * directory descriptor (or AT_FDCWD) for relative paths; the old forms are
 * the *at ones with AT_FDCWD.
 *
 * Checks follow Linux's order: the path is copied (EFAULT, ENAMETOOLONG,
 * ENOENT for ""), then the directory descriptor (EBADF, ENOTDIR), then the
 * walk (search permission on each directory, ENOENT, ENOTDIR, ELOOP), then
 * the last component's own rules (EEXIST, EACCES for the directory's
 * write permission, EPERM for the sticky bit, EISDIR/ENOTDIR, ENOTEMPTY).
 *
 * The working directory is current->cwd, an inode reference; fork shares
 * it (fs_fork_fds), exit drops it (fs_close_all). A removed working
 * directory stays usable for ".." and getcwd says -ENOENT, as on Linux.
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

#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2
#define RENAME_WHITEOUT 4

#define UTIME_NOW  ((1l << 30) - 1l)
#define UTIME_OMIT ((1l << 30) - 2l)

#define TMPFS_MAGIC 0x01021994
#define PROC_SUPER_MAGIC 0x9fa0
#define ST_VALID 0x20

/* ---- permissions and paths ------------------------------------------------ */

/* Is gid one of p's groups (the real or the effective set)? */
static bool in_group(const struct proc *p, gid_t gid, bool real)
{
    if (!real)
        return proc_in_group(p, gid);
    if (p->rgid == gid)
        return true;
    for (int i = 0; i < p->ngroups; i++)
        if (p->groups[i] == gid)
            return true;
    return false;
}

int fs_permission(const struct ramfs_inode *ip, const struct proc *p, bool real, int mask)
{
    uid_t uid = real ? p->ruid : p->euid;
    if (uid == 0) {
        if (!(mask & MAY_EXEC) || ramfs_is_dir(ip) || (ip->mode & (S_IXUSR | S_IXGRP | S_IXOTH)))
            return 0;
        return -EACCES;
    }
    uint32_t bits;
    if (uid == ip->uid)
        bits = (ip->mode >> 6) & 7;
    else if (in_group(p, ip->gid, real))
        bits = (ip->mode >> 3) & 7;
    else
        bits = ip->mode & 7;
    return ((int)bits & mask) == mask ? 0 : -EACCES;
}

int fs_get_path(const char __user *upath, char **out)
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

int fs_at_start(int dirfd, const char *path, struct ramfs_inode **start)
{
    *start = NULL;
    if (path[0] == '/')
        return 0;
    if (dirfd == AT_FDCWD) {
        *start = current->cwd;
        return 0;
    }
    struct file *f = fd_file(dirfd);
    if (!f)
        return -EBADF;
    if (!f->ip || !ramfs_is_dir(f->ip))
        return -ENOTDIR;
    *start = f->ip;
    return 0;
}

int fs_resolve(int dirfd, const char *path, bool nofollow, bool empty_ok,
               struct ramfs_inode **ip, struct ramfs_inode **parentp)
{
    struct ramfs_inode *start;
    *ip = NULL;
    if (parentp)
        *parentp = NULL;
    if (path[0] == '\0') {
        if (!empty_ok)
            return -ENOENT;
        if (dirfd == AT_FDCWD) {
            *ip = current->cwd;
            return 0;
        }
        struct file *f = fd_file(dirfd);
        if (!f)
            return -EBADF;
        if (!f->ip)
            return -ENOENT;             /* a pipe: callers that can, ask the file */
        *ip = f->ip;
        return 0;
    }
    int err = fs_at_start(dirfd, path, &start);
    if (err < 0)
        return err;
    return ramfs_walk_from(start, path, nofollow ? RAMFS_NOFOLLOW : 0, ip, parentp);
}

/* Copy the user path, then resolve it. */
static int lookup_at(int dirfd, const char __user *upath, bool nofollow, bool empty_ok,
                     struct ramfs_inode **ip)
{
    char *path;
    int err = fs_get_path(upath, &path);
    if (err < 0)
        return err;
    err = fs_resolve(dirfd, path, nofollow, empty_ok, ip, NULL);
    kfree(path);
    return err;
}

/* The parent directory and last component of a path being made or removed. */
struct last {
    char *path;                         /* the kernel copy (kfree it) */
    struct ramfs_inode *dir;
    const char *name;
    size_t len;
    bool trailing;                      /* the path ended with "/" */
};

static bool is_dot(const struct last *l)
{
    return l->len == 1 && l->name[0] == '.';
}

static bool is_dotdot(const struct last *l)
{
    return l->len == 2 && l->name[0] == '.' && l->name[1] == '.';
}

/* Not a plain name: "/", "." or "..". */
static bool not_norm(const struct last *l)
{
    return l->len == 0 || is_dot(l) || is_dotdot(l);
}

/* Copy and split upath for a name call; on success the caller frees l->path. */
static int get_last(int dirfd, const char __user *upath, struct last *l)
{
    struct ramfs_inode *start;
    int err = fs_get_path(upath, &l->path);
    if (err < 0)
        return err;
    if (l->path[0] == '\0')
        err = -ENOENT;
    else if ((err = fs_at_start(dirfd, l->path, &start)) == 0)
        err = ramfs_walk_parent(start, l->path, &l->dir, &l->name, &l->len, &l->trailing);
    if (err < 0)
        kfree(l->path);
    return err;
}

/* The entry named by l, after the search permission on its directory. */
static int last_lookup(const struct last *l, struct ramfs_inode **ip)
{
    *ip = NULL;
    int err = ramfs_search_ok(l->dir);
    if (err < 0)
        return err;
    if (is_dot(l) || l->len == 0)
        *ip = l->dir;
    else if (is_dotdot(l))
        *ip = l->dir->parent;
    else if (!l->dir->dead)
        *ip = ramfs_find(l->dir, l->name, l->len);
    return 0;
}

/* Linux's may_create: a live directory the caller may write and search. */
static int may_create(struct ramfs_inode *dir)
{
    if (dir->dead)
        return -ENOENT;
    return fs_permission(dir, current, false, MAY_WRITE | MAY_EXEC);
}

/* Linux's may_delete: write and search on dir, the sticky bit, the kind. */
static int may_delete(struct ramfs_inode *dir, struct ramfs_inode *victim, bool isdir)
{
    int err = fs_permission(dir, current, false, MAY_WRITE | MAY_EXEC);
    if (err < 0)
        return err;
    uid_t uid = current->euid;
    if ((dir->mode & S_ISVTX) && uid != 0 && uid != victim->uid && uid != dir->uid)
        return -EPERM;
    if (isdir && !ramfs_is_dir(victim))
        return -ENOTDIR;
    if (!isdir && ramfs_is_dir(victim))
        return -EISDIR;
    if (victim == ramfs_root())
        return -EBUSY;
    return 0;
}

/* The group of a new inode in dir: the directory's if it is set-group-ID. */
static gid_t new_gid(const struct ramfs_inode *dir)
{
    return (dir->mode & S_ISGID) ? dir->gid : current->egid;
}

/* Make l's name: type | bits (umask applied by the caller). */
static int make_node(struct last *l, uint32_t mode, const char *target, struct ramfs_inode **out)
{
    if ((l->dir->mode & S_ISGID) && (mode & S_IFMT) == S_IFDIR)
        mode |= S_ISGID;
    struct ramfs_inode *ip = ramfs_create(l->dir, l->name, l->len, mode, current->euid,
                                          new_gid(l->dir), target);
    if (!ip)
        return -ENOMEM;
    if (out)
        *out = ip;
    return 0;
}

/* ---- making names --------------------------------------------------------- */

/* mkdirat(2) (296; mkdir 39): 0 or -EEXIST, -EACCES, -ENOENT, -ENOTDIR... */
long sys_mkdirat(int dirfd, const char __user *upath, uint32_t mode)
{
    struct last l;
    struct ramfs_inode *ip;
    int err = get_last(dirfd, upath, &l);
    if (err < 0)
        return err;
    if (not_norm(&l)) {
        err = -EEXIST;
        goto out;
    }
    if ((err = last_lookup(&l, &ip)) < 0)
        goto out;
    if (ip) {
        err = -EEXIST;
        goto out;
    }
    if ((err = may_create(l.dir)) < 0)
        goto out;
    err = make_node(&l, S_IFDIR | (mode & 01777 & ~current->umask), NULL, NULL);
out:
    kfree(l.path);
    return err;
}

long sys_mkdir(const char __user *path, uint32_t mode)
{
    return sys_mkdirat(AT_FDCWD, path, mode);
}

/*
 * mknodat(2) (297; mknod 14): regular files (type 0 too), FIFOs and
 * sockets for anyone who may create; character and block devices for
 * root only (-EPERM). -EPERM for a directory, -EINVAL for an unknown type.
 * A device node opens as /dev's devices do (major 1 mem, major 5 the
 * console); FIFOs and sockets exist as names but do not open (-ENXIO).
 */
long sys_mknodat(int dirfd, const char __user *upath, uint32_t mode, uint32_t dev)
{
    struct last l;
    struct ramfs_inode *ip;
    int err = get_last(dirfd, upath, &l);
    if (err < 0)
        return err;
    if (not_norm(&l) || l.trailing) {
        err = not_norm(&l) ? -EEXIST : -ENOENT;
        goto out;
    }
    if ((err = last_lookup(&l, &ip)) < 0)
        goto out;
    if (ip) {
        err = -EEXIST;
        goto out;
    }
    uint32_t type = mode & S_IFMT;
    if (type == 0)
        type = S_IFREG;
    if (type == S_IFDIR) {
        err = -EPERM;
        goto out;
    }
    if (type != S_IFREG && type != S_IFCHR && type != S_IFBLK && type != S_IFIFO && type != S_IFSOCK) {
        err = -EINVAL;
        goto out;
    }
    if ((err = may_create(l.dir)) < 0)
        goto out;
    if ((type == S_IFCHR || type == S_IFBLK) && current->euid != 0) {
        err = -EPERM;
        goto out;
    }
    if ((err = make_node(&l, type | (mode & 07777 & ~current->umask), NULL, &ip)) < 0)
        goto out;
    if (type == S_IFCHR || type == S_IFBLK) {
        /* Linux's new_decode_dev for minors < 256 is the old encoding. */
        ip->rdev = dev & 0xFFFFF;
        uint32_t major = (dev >> 8) & 0xfff;
        if (type == S_IFCHR && major == 1)
            ip->fops = &devmem_fops;
        else if (type == S_IFCHR && major == 5)
            ip->fops = &console_fops;
    }
out:
    kfree(l.path);
    return err;
}

long sys_mknod(const char __user *path, uint32_t mode, uint32_t dev)
{
    return sys_mknodat(AT_FDCWD, path, mode, dev);
}

/* symlinkat(2) (304; symlink 83): 0 or -ENOENT (empty target), -EEXIST... */
long sys_symlinkat(const char __user *utarget, int dirfd, const char __user *upath)
{
    char *target;
    struct last l;
    struct ramfs_inode *ip;
    int err = fs_get_path(utarget, &target);
    if (err < 0)
        return err;
    if (target[0] == '\0') {
        kfree(target);
        return -ENOENT;
    }
    if ((err = get_last(dirfd, upath, &l)) < 0) {
        kfree(target);
        return err;
    }
    if (not_norm(&l)) {
        err = -EEXIST;
        goto out;
    }
    if ((err = last_lookup(&l, &ip)) < 0)
        goto out;
    if (ip) {
        err = -EEXIST;
        goto out;
    }
    if (l.trailing) {
        err = -ENOENT;
        goto out;
    }
    if ((err = may_create(l.dir)) < 0)
        goto out;
    err = make_node(&l, S_IFLNK | 0777, target, NULL);
out:
    kfree(l.path);
    kfree(target);
    return err;
}

long sys_symlink(const char __user *target, const char __user *path)
{
    return sys_symlinkat(target, AT_FDCWD, path);
}

/* linkat(2) (303; link 9): a new name for a file. 0 or -EINVAL (flags),
 * -EEXIST, -EPERM (a directory), -EACCES, -ENOENT... AT_EMPTY_PATH is for
 * root only (-ENOENT otherwise), as Linux's CAP_DAC_READ_SEARCH rule. */
long sys_linkat(int olddirfd, const char __user *oldpath, int newdirfd,
                const char __user *newpath, uint32_t flags)
{
    struct ramfs_inode *old, *ip;
    struct last l;
    if (flags & ~(uint32_t)(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    bool empty = flags & AT_EMPTY_PATH;
    if (empty && current->euid != 0)
        empty = false;
    int err = lookup_at(olddirfd, oldpath, !(flags & AT_SYMLINK_FOLLOW), empty, &old);
    if (err < 0)
        return err;
    if ((err = get_last(newdirfd, newpath, &l)) < 0)
        return err;
    if (not_norm(&l)) {
        err = -EEXIST;
        goto out;
    }
    if ((err = last_lookup(&l, &ip)) < 0)
        goto out;
    if (ip) {
        err = -EEXIST;
        goto out;
    }
    if (l.trailing) {
        err = -ENOENT;
        goto out;
    }
    if ((err = may_create(l.dir)) < 0)
        goto out;
    if (ramfs_is_dir(old)) {
        err = -EPERM;
        goto out;
    }
    if (old->nlink == 0) {
        err = -ENOENT;                  /* unlinked, still open */
        goto out;
    }
    err = ramfs_link(l.dir, l.name, l.len, old);
out:
    kfree(l.path);
    return err;
}

long sys_link(const char __user *oldpath, const char __user *newpath)
{
    return sys_linkat(AT_FDCWD, oldpath, AT_FDCWD, newpath, 0);
}

/* ---- removing and moving names -------------------------------------------- */

static long do_unlink(int dirfd, const char __user *upath)
{
    struct last l;
    struct ramfs_inode *ip;
    int err = get_last(dirfd, upath, &l);
    if (err < 0)
        return err;
    if (not_norm(&l)) {
        err = -EISDIR;
        goto out;
    }
    if ((err = last_lookup(&l, &ip)) < 0)
        goto out;
    if (!ip) {
        err = -ENOENT;
        goto out;
    }
    if (l.trailing) {
        err = ramfs_is_dir(ip) ? -EISDIR : -ENOTDIR;
        goto out;
    }
    if ((err = may_delete(l.dir, ip, false)) < 0)
        goto out;
    ramfs_unlink(l.dir, l.name, l.len);
out:
    kfree(l.path);
    return err;
}

static long do_rmdir(int dirfd, const char __user *upath)
{
    struct last l;
    struct ramfs_inode *ip;
    int err = get_last(dirfd, upath, &l);
    if (err < 0)
        return err;
    if (l.len == 0 || is_dot(&l) || is_dotdot(&l)) {
        err = l.len == 0 ? -EBUSY : is_dot(&l) ? -EINVAL : -ENOTEMPTY;
        goto out;
    }
    if ((err = last_lookup(&l, &ip)) < 0)
        goto out;
    if (!ip) {
        err = -ENOENT;
        goto out;
    }
    if ((err = may_delete(l.dir, ip, true)) < 0)
        goto out;
    if (ip->nchildren > 0) {
        err = -ENOTEMPTY;
        goto out;
    }
    ramfs_unlink(l.dir, l.name, l.len);
out:
    kfree(l.path);
    return err;
}

/* unlinkat(2) (301): unlink, or rmdir with AT_REMOVEDIR; -EINVAL for other flags. */
long sys_unlinkat(int dirfd, const char __user *path, uint32_t flags)
{
    if (flags & ~(uint32_t)AT_REMOVEDIR)
        return -EINVAL;
    return (flags & AT_REMOVEDIR) ? do_rmdir(dirfd, path) : do_unlink(dirfd, path);
}

/* unlink(2) (10): 0 or -ENOENT, -EISDIR (Linux's for a directory), -EACCES, -EPERM (sticky). */
long sys_unlink(const char __user *path)
{
    return do_unlink(AT_FDCWD, path);
}

/* rmdir(2) (40): 0 or -ENOTEMPTY, -ENOTDIR, -EBUSY ("/"), -EINVAL ("."). */
long sys_rmdir(const char __user *path)
{
    return do_rmdir(AT_FDCWD, path);
}

/* Is a an ancestor of (or) d? */
static bool is_ancestor(const struct ramfs_inode *a, const struct ramfs_inode *d)
{
    for (;;) {
        if (d == a)
            return true;
        if (d == d->parent)
            return false;
        d = d->parent;
    }
}

/*
 * renameat2(2) (353; renameat 302, rename 38): flags 0 or RENAME_NOREPLACE
 * (-EEXIST if the new name exists); RENAME_EXCHANGE and RENAME_WHITEOUT
 * are not supported (-EINVAL). Replacing follows Linux: a directory only
 * by an empty directory (-ENOTEMPTY), a non-directory only by one
 * (-EISDIR, -ENOTDIR); -EINVAL for a directory into itself; -EBUSY for
 * "/", ".", "..". Never -EXDEV: there is one file system.
 */
long sys_renameat2(int olddirfd, const char __user *oldpath, int newdirfd,
                   const char __user *newpath, uint32_t flags)
{
    struct last o, n;
    struct ramfs_inode *old, *victim;
    if (flags & ~(uint32_t)(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT))
        return -EINVAL;
    if ((flags & RENAME_NOREPLACE) && (flags & RENAME_EXCHANGE))
        return -EINVAL;
    if (flags & (RENAME_EXCHANGE | RENAME_WHITEOUT))
        return -EINVAL;
    int err = get_last(olddirfd, oldpath, &o);
    if (err < 0)
        return err;
    if ((err = get_last(newdirfd, newpath, &n)) < 0) {
        kfree(o.path);
        return err;
    }
    if (not_norm(&o)) {
        err = -EBUSY;
        goto out;
    }
    if (not_norm(&n)) {
        err = (flags & RENAME_NOREPLACE) ? -EEXIST : -EBUSY;
        goto out;
    }
    if ((err = last_lookup(&o, &old)) < 0)
        goto out;
    if (!old) {
        err = -ENOENT;
        goto out;
    }
    if ((err = last_lookup(&n, &victim)) < 0)
        goto out;
    if ((flags & RENAME_NOREPLACE) && victim) {
        err = -EEXIST;
        goto out;
    }
    bool isdir = ramfs_is_dir(old);
    if (!isdir && (o.trailing || n.trailing)) {
        err = -ENOTDIR;
        goto out;
    }
    if (isdir && is_ancestor(old, n.dir)) {
        err = -EINVAL;                  /* into itself */
        goto out;
    }
    if (victim && is_ancestor(victim, o.dir)) {
        err = -ENOTEMPTY;               /* over an ancestor of the source */
        goto out;
    }
    if (victim == old) {
        err = 0;
        goto out;
    }
    if ((err = may_delete(o.dir, old, isdir)) < 0)
        goto out;
    if (victim)
        err = may_delete(n.dir, victim, isdir);
    else
        err = may_create(n.dir);
    if (err < 0)
        goto out;
    if (isdir && n.dir != o.dir && (err = fs_permission(old, current, false, MAY_WRITE)) < 0)
        goto out;
    if (victim && isdir && victim->nchildren > 0) {
        err = -ENOTEMPTY;
        goto out;
    }
    err = ramfs_rename(o.dir, o.name, o.len, n.dir, n.name, n.len);
out:
    kfree(o.path);
    kfree(n.path);
    return err;
}

long sys_renameat(int olddirfd, const char __user *oldpath, int newdirfd, const char __user *newpath)
{
    return sys_renameat2(olddirfd, oldpath, newdirfd, newpath, 0);
}

long sys_rename(const char __user *oldpath, const char __user *newpath)
{
    return sys_renameat2(AT_FDCWD, oldpath, AT_FDCWD, newpath, 0);
}

/* ---- reading names -------------------------------------------------------- */

/* readlinkat(2) (305; readlink 85): the target's bytes (no NUL, cut to
 * bufsiz), or -EINVAL (bufsiz <= 0, not a symlink), -ENOENT... */
long sys_readlinkat(int dirfd, const char __user *upath, char __user *buf, int bufsiz)
{
    struct ramfs_inode *ip;
    if (bufsiz <= 0)
        return -EINVAL;
    int err = lookup_at(dirfd, upath, true, false, &ip);
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

/* The inode behind descriptor fd for the f* calls: -EBADF, or -EINVAL for a file without one (a pipe). */
static int fd_inode(int fd, struct ramfs_inode **ip)
{
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    *ip = f->ip;
    return f->ip ? 0 : -EINVAL;
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
    int err = lookup_at(AT_FDCWD, path, false, false, &ip);
    return err < 0 ? err : stat_out(ip, st);
}

long sys_lstat(const char __user *path, struct linux_stat __user *st)
{
    struct ramfs_inode *ip;
    int err = lookup_at(AT_FDCWD, path, true, false, &ip);
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
    int err = lookup_at(AT_FDCWD, path, false, false, &ip);
    return err < 0 ? err : stat64_out(ip, st);
}

long sys_lstat64(const char __user *path, struct linux_stat64 __user *st)
{
    struct ramfs_inode *ip;
    int err = lookup_at(AT_FDCWD, path, true, false, &ip);
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
    int err = lookup_at(dirfd, upath, flags & AT_SYMLINK_NOFOLLOW, flags & AT_EMPTY_PATH, &ip);
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
    int err = lookup_at(dirfd, upath, false, false, &ip);
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
    int err = fd_inode(fd, &ip);
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
    int err = lookup_at(dirfd, upath, flags & AT_SYMLINK_NOFOLLOW, flags & AT_EMPTY_PATH, &ip);
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
    int err = fd_inode(fd, &ip);
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
        err = fd_inode(dirfd, &ip);
        if (err == -EINVAL)
            return 0;                   /* a pipe: nothing kept */
    } else if (!upath) {
        return -EFAULT;
    } else {
        err = lookup_at(dirfd, upath, flags & AT_SYMLINK_NOFOLLOW, flags & AT_EMPTY_PATH, &ip);
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
    int err = lookup_at(AT_FDCWD, path, false, false, &ip);
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
    int err = lookup_at(AT_FDCWD, path, false, false, &ip);
    return err < 0 ? err : statfs64_out(ip, size, buf);
}

long sys_fstatfs64(int fd, uint32_t size, struct linux_statfs64 __user *buf)
{
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    return statfs64_out(f->ip ? f->ip : ramfs_root(), size, buf);
}

/* ---- working directories -------------------------------------------------- */

/* Make dir (searchable by the caller) current's working directory. */
static int set_cwd(struct ramfs_inode *dir)
{
    if (!ramfs_is_dir(dir))
        return -ENOTDIR;
    int err = fs_permission(dir, current, false, MAY_EXEC);
    if (err < 0)
        return err;
    struct ramfs_inode *old = current->cwd;
    current->cwd = ramfs_iget(dir);
    if (old)
        ramfs_iput(old);
    return 0;
}

/* chdir(2) (12): 0 or -ENOENT, -ENOTDIR, -EACCES, -ELOOP, -EFAULT... */
long sys_chdir(const char __user *path)
{
    struct ramfs_inode *ip;
    int err = lookup_at(AT_FDCWD, path, false, false, &ip);
    return err < 0 ? err : set_cwd(ip);
}

/* fchdir(2) (133): 0 or -EBADF, -ENOTDIR, -EACCES. */
long sys_fchdir(int fd)
{
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    if (!f->ip)
        return -ENOTDIR;
    return set_cwd(f->ip);
}

/* getcwd(2) (183): the length with the NUL, or -ENOENT (the directory was
 * removed), -ERANGE (size too small), -EFAULT. */
long sys_getcwd(char __user *buf, size_t size)
{
    char *k = kmalloc(RAMFS_PATH_MAX);
    if (!k)
        return -ENOMEM;
    int n = ramfs_path(current->cwd, k, RAMFS_PATH_MAX);
    if (n >= 0 && (size_t)n > size)
        n = -ERANGE;
    if (n >= 0 && copyout(buf, k, (size_t)n) < 0)
        n = -EFAULT;
    kfree(k);
    return n;
}

void fs_proc_init(struct proc *p)
{
    p->cwd = ramfs_iget(ramfs_root());
    p->umask = 022;
}

void fs_fork_cwd(struct proc *child, const struct proc *parent)
{
    child->cwd = ramfs_iget(parent->cwd);
    child->umask = parent->umask;
}

void fs_exit_cwd(struct proc *p)
{
    if (p->cwd)
        ramfs_iput(p->cwd);
    p->cwd = NULL;
}
