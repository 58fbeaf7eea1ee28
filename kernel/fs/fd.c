/*
 * fd.c: open file descriptions and each process's descriptor table, and
 * the calls that work on descriptors alone: close, dup, dup2, dup3, fcntl
 * and ioctl.
 *
 * A process's table is current->files[NOFILE]. A descriptor names a struct
 * file (kernel/include/kernel/file.h); dup and fork make more descriptors
 * for the same file, which counts them (refs).
 *
 * The close-on-exec flag belongs to the descriptor, as POSIX says: one bit
 * per descriptor in p->fd_cloexec. A new descriptor (open without
 * O_CLOEXEC, dup, dup2, F_DUPFD) starts without it; fork copies the bits.
 */
#include <kernel/file.h>
#include <kernel/fs.h>
#include <kernel/fs_syscalls.h>
#include <kernel/proc.h>
#include <kernel/kheap.h>
#include <kernel/console.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include "ramfs.h"

_Static_assert(NOFILE <= 64, "fd_cloexec has one bit per descriptor");

/* The status flags F_SETFL may change; the rest of f->flags stays. */
#define SETFL_MASK (O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME)

/* ---- open file descriptions ----------------------------------------------- */

struct file *file_new(const struct file_ops *ops, struct ramfs_inode *ip, uint32_t flags)
{
    struct file *f = kzalloc(sizeof(*f));
    if (!f)
        return NULL;
    f->refs = 1;
    f->flags = flags;
    f->ops = ops;
    f->ip = ip ? ramfs_iget(ip) : NULL;   /* an unlinked file lives until closed */
    return f;
}

void file_get(struct file *f)
{
    assert(f->refs > 0);
    f->refs++;
}

void file_put(struct file *f)
{
    assert(f->refs > 0);
    if (--f->refs > 0)
        return;
    /* An inode of the tree outlives release (procfs's may read it);
     * one inside the file's own state (a pipe's) may go with release,
     * so its count is dropped first. */
    struct ramfs_inode *ip = f->ip;
    if (ip && !ip->counted) {
        ramfs_iput(ip);
        ip = NULL;
    }
    if (f->ops->release)
        f->ops->release(f);
    if (ip)
        ramfs_iput(ip);
    kfree(f);
}

/* ---- descriptor tables ---------------------------------------------------- */

struct file *fd_file(int fd)
{
    if (fd < 0 || fd >= NOFILE)
        return NULL;
    return current->files[fd];
}

int fd_limit(const struct proc *p)
{
    uint32_t lim = proc_rlimit(p, RLIMIT_NOFILE);
    return lim < NOFILE ? (int)lim : NOFILE;
}

/* The lowest free descriptor >= from, or -EMFILE. */
static int fd_alloc(const struct proc *p, int from)
{
    for (int fd = from; fd < fd_limit(p); fd++)
        if (!p->files[fd])
            return fd;
    return -EMFILE;
}

static void set_cloexec(struct proc *p, int fd, bool on)
{
    if (on)
        p->fd_cloexec |= 1ull << fd;
    else
        p->fd_cloexec &= ~(1ull << fd);
}

/* Put f in slot fd (free) of p, taking a reference, with close-on-exec as asked. */
static void fd_install(struct proc *p, int fd, struct file *f, bool cloexec)
{
    assert(!p->files[fd]);
    file_get(f);
    p->files[fd] = f;
    set_cloexec(p, fd, cloexec);
}

int fd_free_slot(int from)
{
    return fd_alloc(current, from);
}

int fd_install_from(struct file *f, int from, bool cloexec)
{
    int fd = fd_alloc(current, from);
    if (fd >= 0)
        fd_install(current, fd, f, cloexec);
    return fd;
}

static void fd_close(struct proc *p, int fd)
{
    struct file *f = p->files[fd];
    p->files[fd] = NULL;
    set_cloexec(p, fd, false);
    if (f)
        file_put(f);
}

int fs_init_console_fds(struct proc *p)
{
    struct file *f = fs_open_console();
    if (!f)
        return -ENOMEM;
    for (int fd = 0; fd < 3; fd++) {
        fd_close(p, fd);
        fd_install(p, fd, f, false);
    }
    file_put(f);                        /* the descriptors hold it now */
    return 0;
}

int fs_fork_fds(struct proc *child, struct proc *parent)
{
    for (int fd = 0; fd < NOFILE; fd++) {
        assert(!child->files[fd]);      /* a new process has none */
        if (parent->files[fd])
            fd_install(child, fd, parent->files[fd], false);
    }
    child->fd_cloexec = parent->fd_cloexec;
    return 0;
}

void fs_close_all(struct proc *p)
{
    for (int fd = 0; fd < NOFILE; fd++)
        if (p->files[fd])
            fd_close(p, fd);
}

void fs_exec_close_cloexec(struct proc *p)
{
    for (int fd = 0; fd < NOFILE; fd++)
        if (p->files[fd] && (p->fd_cloexec & (1ull << fd)))
            fd_close(p, fd);
}

int fs_fd_check(int fd)
{
    return fd_file(fd) ? 0 : -EBADF;
}

/* ---- the calls ------------------------------------------------------------ */

/* close(2): 0 or -EBADF. */
long sys_close(int fd)
{
    if (!fd_file(fd))
        return -EBADF;
    fd_close(current, fd);
    return 0;
}

/* dup(2): the lowest free descriptor, or -EBADF, -EMFILE. */
long sys_dup(int fd)
{
    struct file *f = fd_file(fd);
    return f ? fd_install_from(f, 0, false) : -EBADF;
}

/* dup2 and dup3 once the arguments are checked: newfd (closed first if
 * open) names oldfd's file. */
static long dup_to(struct file *f, int newfd, bool cloexec)
{
    if (newfd < 0 || newfd >= fd_limit(current))
        return -EBADF;
    fd_close(current, newfd);           /* oldfd keeps f alive */
    fd_install(current, newfd, f, cloexec);
    return newfd;
}

/* dup2(2): newfd, or -EBADF (also for newfd at or above RLIMIT_NOFILE,
 * unless it is oldfd itself, as on Linux). */
long sys_dup2(int oldfd, int newfd)
{
    struct file *f = fd_file(oldfd);
    if (!f)
        return -EBADF;
    if (oldfd == newfd)
        return newfd;
    return dup_to(f, newfd, false);
}

/* dup3(2): as dup2, with O_CLOEXEC the only flag; -EINVAL for other
 * flags or oldfd == newfd (Linux checks both before the descriptors). */
long sys_dup3(int oldfd, int newfd, uint32_t flags)
{
    if (flags & ~O_CLOEXEC)
        return -EINVAL;
    if (oldfd == newfd)
        return -EINVAL;
    if (newfd < 0 || newfd >= fd_limit(current))
        return -EBADF;
    struct file *f = fd_file(oldfd);
    if (!f)
        return -EBADF;
    return dup_to(f, newfd, flags & O_CLOEXEC);
}

/* fcntl64(2) (also fcntl, 55): F_DUPFD(_CLOEXEC), F_GETFD, F_SETFD,
 * F_GETFL, F_SETFL (O_APPEND and O_NONBLOCK take effect; O_ASYNC,
 * O_DIRECT and O_NOATIME are kept and ignored); anything else -EINVAL. */
long sys_fcntl64(int fd, uint32_t cmd, uint32_t arg)
{
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
        if (arg >= (uint32_t)fd_limit(current))
            return -EINVAL;
        return fd_install_from(f, (int)arg, cmd == F_DUPFD_CLOEXEC);
    case F_GETFD:
        return (current->fd_cloexec & (1ull << fd)) ? FD_CLOEXEC : 0;
    case F_SETFD:
        set_cloexec(current, fd, arg & FD_CLOEXEC);
        return 0;
    case F_GETFL:
        return f->flags;
    case F_SETFL:
        f->flags = (f->flags & ~SETFL_MASK) | (arg & SETFL_MASK);
        return 0;
    default:
        return -EINVAL;
    }
}

/* ioctl(2): the file's own ioctls (the console's terminal calls), or
 * -ENOTTY for a file that has none. */
long sys_ioctl(int fd, uint32_t cmd, uint32_t arg)
{
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    if (!f->ops->ioctl)
        return -ENOTTY;
    return f->ops->ioctl(f, cmd, arg);
}
