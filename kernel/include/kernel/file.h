/*
 * file.h: open file descriptions and the operations behind them.
 *
 * A struct file is what open(2), pipe(2) and friends create: its
 * operations, the open flags and the offset, shared (refs) by every
 * descriptor that dup or fork made from it. What a read or write does
 * depends on the kind of file, so each file points at a table of
 * operations: ramfs files and directories (kernel/fs/file.c), the console
 * (kernel/dev/console.c), pipes, /proc files, devices. The system calls
 * check what is common (the descriptor, the access mode, the user range)
 * and then call the table.
 *
 * poll/select: a file says what it is ready for now (ops->poll). Whoever
 * changes a file's readiness (data written into a pipe, a line typed, a
 * pipe's last writer gone) calls file_poll_wakeup(), which wakes every
 * process sleeping in poll or select; each looks again at its own files.
 * One channel for all is simple and, with a handful of processes, cheap.
 */
#ifndef KERNEL_FILE_H
#define KERNEL_FILE_H

#include <kernel/types.h>
#include <uapi/fcntl.h>

struct file;
struct ramfs_inode;
struct proc;

/* Readiness bits of ops->poll, Linux's POLL* values. */
#define POLLIN   0x0001
#define POLLPRI  0x0002
#define POLLOUT  0x0004
#define POLLERR  0x0008
#define POLLHUP  0x0010
#define POLLNVAL 0x0020
#define POLLRDNORM 0x0040
#define POLLWRNORM 0x0100

struct file_ops {
    /* n > 0, the range [buf, buf + n) is below the kernel, the file is
     * open for reading (writing). Bytes moved or -errno. NULL: -EINVAL. */
    long (*read)(struct file *f, char __user *buf, size_t n);
    long (*write)(struct file *f, const char __user *buf, size_t n);
    /* ioctl(2) on this file; NULL: -ENOTTY. */
    long (*ioctl)(struct file *f, uint32_t cmd, uint32_t arg);
    /* The POLL* bits that hold now; NULL: always readable and writable,
     * as a regular file is. */
    uint32_t (*poll)(struct file *f);
    /* The new offset for (off, whence), already checked: whence is
     * SEEK_SET..SEEK_HOLE. NULL: -ESPIPE (pipes, terminals). */
    int64_t (*seek)(struct file *f, int64_t off, uint32_t whence);
    /* The last reference is gone; free what priv holds. May be NULL. */
    void (*release)(struct file *f);
};

struct file {
    int refs;                           /* descriptors (in any process) naming this */
    uint32_t flags;                     /* access mode and status flags, as F_GETFL says */
    int64_t off;                        /* bytes; for a directory, the next entry's index */
    const struct file_ops *ops;
    struct ramfs_inode *ip;             /* the inode it was opened from, or NULL (a pipe) */
    void *priv;                         /* the ops' own state */
};

/* A new file with one reference (the caller's), or NULL if the heap is out. */
struct file *file_new(const struct file_ops *ops, struct ramfs_inode *ip, uint32_t flags);
/* Take and drop references; the last put calls ops->release and frees f. */
void file_get(struct file *f);
void file_put(struct file *f);

/* Linux's OPEN_FMODE: access mode 0 reads, 1 writes, 2 does both, 3 neither. */
static inline bool file_can_read(const struct file *f) { return ((f->flags + 1) & O_ACCMODE) & 1; }
static inline bool file_can_write(const struct file *f) { return ((f->flags + 1) & O_ACCMODE) & 2; }
static inline bool file_nonblock(const struct file *f) { return f->flags & O_NONBLOCK; }

/* ---- descriptors (kernel/fs/fd.c) ---- */

/* The file behind descriptor fd of the current process, or NULL. */
struct file *fd_file(int fd);
/* How many descriptors p may hand out: its RLIMIT_NOFILE, at most NOFILE. */
int fd_limit(const struct proc *p);
/* The lowest free descriptor >= from of the current process, or -EMFILE. */
int fd_free_slot(int from);
/* Give f a new descriptor of the current process: the lowest free one
 * >= from, with close-on-exec as asked, taking a reference. The
 * descriptor, or -EMFILE. */
int fd_install_from(struct file *f, int from, bool cloexec);

/* ---- poll (kernel/fs/poll.c) ---- */

/* A file's readiness changed: wake every poll and select. Interrupts off. */
void file_poll_wakeup(void);

#endif
