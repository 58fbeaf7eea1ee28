/*
 * path.c: resolving a user's path (relative to a directory descriptor or
 * the working directory), Linux's permission checks, the system calls
 * that make and remove names (mkdir, mknod, unlink, rmdir, rename, link,
 * symlink), and each process's working directory (chdir, fchdir, getcwd).
 * Every call has its *at form taking a directory descriptor (or AT_FDCWD)
 * for relative paths; the old forms are the *at ones with AT_FDCWD.
 *
 * Checks follow Linux's order: the path is copied (EFAULT, ENAMETOOLONG,
 * ENOENT for ""), then the directory descriptor (EBADF, ENOTDIR), then the
 * walk (search permission on each directory, ENOENT, ENOTDIR, ELOOP), then
 * the last component's own rules (EEXIST, EACCES for the directory's
 * write permission, EPERM for the sticky bit, EISDIR/ENOTDIR, ENOTEMPTY).
 * The calls that read names (stat, statx, readlink, access, statfs) are
 * in stat.c, those that change an inode's attributes in attr.c.
 *
 * The working directory is current->cwd, an inode reference; fork takes
 * one for the child (fs_fork_cwd), exit drops it (fs_exit_cwd). A removed working
 * directory stays usable for ".." and getcwd says -ENOENT, as on Linux.
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

#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2
#define RENAME_WHITEOUT 4

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

int fs_lookup_at(int dirfd, const char __user *upath, bool nofollow, bool empty_ok,
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

/* The inode behind descriptor fd for the f* calls: -EBADF, or -EINVAL for a file without one (a pipe). */
int fs_fd_inode(int fd, struct ramfs_inode **ip)
{
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    *ip = f->ip;
    return f->ip ? 0 : -EINVAL;
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

/*
 * The checks every new name goes through, in Linux's order: "." or ".."
 * or "/" and a name that exists give -EEXIST; a trailing slash on a name
 * that is not to be a directory gives -ENOENT; then Linux's may_create.
 * Returns 0 when l may become a new entry.
 */
static int new_name(struct last *l, bool dir)
{
    struct ramfs_inode *ip;
    int err;
    if (not_norm(l))
        return -EEXIST;
    if ((err = last_lookup(l, &ip)) < 0)
        return err;
    if (ip)
        return -EEXIST;
    if (l->trailing && !dir)
        return -ENOENT;
    return 0;
}

/* mkdirat(2) (296; mkdir 39): 0 or -EEXIST, -EACCES, -ENOENT, -ENOTDIR... */
long sys_mkdirat(int dirfd, const char __user *upath, uint32_t mode)
{
    struct last l;
    int err = get_last(dirfd, upath, &l);
    if (err < 0)
        return err;
    if ((err = new_name(&l, true)) < 0 || (err = may_create(l.dir)) < 0)
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
    if ((err = new_name(&l, false)) < 0)
        goto out;
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
    if ((err = new_name(&l, false)) < 0 || (err = may_create(l.dir)) < 0)
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
    struct ramfs_inode *old;
    struct last l;
    if (flags & ~(uint32_t)(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    bool empty = flags & AT_EMPTY_PATH;
    if (empty && current->euid != 0)
        empty = false;
    int err = fs_lookup_at(olddirfd, oldpath, !(flags & AT_SYMLINK_FOLLOW), empty, &old);
    if (err < 0)
        return err;
    if ((err = get_last(newdirfd, newpath, &l)) < 0)
        return err;
    if ((err = new_name(&l, false)) < 0 || (err = may_create(l.dir)) < 0)
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
    int err = fs_lookup_at(AT_FDCWD, path, false, false, &ip);
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
