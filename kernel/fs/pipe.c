/*
 * pipe.c: pipe(2) and pipe2(2).
 *
 * A pipe is a ring buffer of PIPE_SIZE bytes with two kinds of open file:
 * the read end and the write end. Each end counts its open files, so the
 * pipe knows when the last writer is gone (a reader then sees end of file
 * once the ring is empty) and when the last reader is gone (a writer then
 * gets SIGPIPE and EPIPE). The pipe is freed with its last open file.
 *
 * Blocking: a reader sleeps on the pipe while it is empty and a writer is
 * left; a writer sleeps while there is no room. Each side wakes the other
 * after moving bytes, and wakes poll and select (file_poll_wakeup).
 * Writes of at most PIPE_BUF bytes are atomic: they wait until the whole
 * write fits, so they never interleave with other writers' bytes. Longer
 * writes move what fits and wait for the rest.
 *
 * A signal interrupts a sleep: the call returns what it moved so far, or
 * -ERESTARTSYS if nothing (EINTR, or a restart under SA_RESTART).
 */
#include <kernel/file.h>
#include <kernel/fs_syscalls.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/kheap.h>
#include <kernel/console.h>
#include <kernel/uaccess.h>
#include <kernel/time.h>
#include <uapi/errno.h>
#include <kernel/errno.h>
#include <uapi/fcntl.h>
#include <uapi/stat.h>
#include <uapi/signal.h>
#include "ramfs.h"

#define PIPE_SIZE 4096                  /* bytes the ring holds (one page) */
#define PIPE_BUF 4096                   /* writes up to this size are atomic */

struct pipe {
    char *buf;                          /* PIPE_SIZE bytes */
    uint32_t head, tail;                /* bytes ever read / written; count = tail - head */
    int readers, writers;               /* open files of each end */
    struct ramfs_inode inode;           /* what fstat shows: a FIFO outside the tree */
};

static uint32_t pipe_count(const struct pipe *p)
{
    return p->tail - p->head;
}

static struct pipe *to_pipe(struct file *f)
{
    return f->priv;
}

/* Copy up to n bytes out of the ring to user memory. Bytes copied, or
 * -EFAULT if the first byte could not be. */
static long ring_out(struct pipe *p, char __user *dst, size_t n)
{
    size_t done = 0;
    while (done < n && pipe_count(p) > 0) {
        uint32_t at = p->head % PIPE_SIZE;
        size_t chunk = MIN(MIN(n - done, (size_t)pipe_count(p)), (size_t)(PIPE_SIZE - at));
        long got = copyout_partial(dst + done, p->buf + at, chunk);
        if (got < 0)
            break;
        p->head += (uint32_t)got;
        done += (size_t)got;
        if ((size_t)got < chunk)
            break;
    }
    return done ? (long)done : -EFAULT;
}

/* Copy up to n user bytes into the ring's free room. Bytes copied, or
 * -EFAULT if the first byte could not be. */
static long ring_in(struct pipe *p, const char __user *src, size_t n)
{
    size_t done = 0;
    while (done < n && pipe_count(p) < PIPE_SIZE) {
        uint32_t at = p->tail % PIPE_SIZE;
        size_t room = PIPE_SIZE - pipe_count(p);
        size_t chunk = MIN(MIN(n - done, room), (size_t)(PIPE_SIZE - at));
        if (copyin(p->buf + at, src + done, chunk) < 0)
            break;
        p->tail += (uint32_t)chunk;
        done += chunk;
    }
    return done ? (long)done : -EFAULT;
}

/* read(2) on the read end: waits for bytes or the last writer's close. */
static long pipe_read(struct file *f, char __user *buf, size_t n)
{
    struct pipe *p = to_pipe(f);
    if (n == 0)
        return 0;
    while (pipe_count(p) == 0) {
        if (p->writers == 0)
            return 0;                   /* end of file */
        if (file_nonblock(f))
            return -EAGAIN;
        if (sched_sleep(p) < 0)
            return -ERESTARTSYS;
    }
    long got = ring_out(p, buf, n);
    if (got > 0) {
        sched_wakeup(p);
        file_poll_wakeup();
    }
    return got;
}

/* write(2) on the write end. */
static long pipe_write(struct file *f, const char __user *buf, size_t n)
{
    struct pipe *p = to_pipe(f);
    size_t done = 0;
    if (n == 0)
        return 0;
    while (done < n) {
        if (p->readers == 0) {
            proc_signal(current, SIGPIPE);
            return done ? (long)done : -EPIPE;
        }
        size_t room = PIPE_SIZE - pipe_count(p);
        /* An atomic write waits for room for all of it; others for any. */
        bool fits = n <= PIPE_BUF ? room >= n : room > 0;
        if (!fits) {
            if (file_nonblock(f))
                return done ? (long)done : -EAGAIN;
            if (sched_sleep(p) < 0)
                return done ? (long)done : -ERESTARTSYS;
            continue;
        }
        long put = ring_in(p, buf + done, n - done);
        if (put < 0)
            return done ? (long)done : put;
        done += (size_t)put;
        sched_wakeup(p);
        file_poll_wakeup();
    }
    return (long)done;
}

static uint32_t pipe_poll(struct file *f)
{
    struct pipe *p = to_pipe(f);
    uint32_t mask = 0;
    if (file_can_read(f)) {
        if (pipe_count(p) > 0)
            mask |= POLLIN | POLLRDNORM;
        if (p->writers == 0)
            mask |= POLLHUP;
    }
    if (file_can_write(f)) {
        if (pipe_count(p) < PIPE_SIZE)
            mask |= POLLOUT | POLLWRNORM;
        if (p->readers == 0)
            mask |= POLLERR;
    }
    return mask;
}

/* The last open file of one end is gone: the other side learns of it. */
static void pipe_release(struct file *f)
{
    struct pipe *p = to_pipe(f);
    if (file_can_read(f))
        p->readers--;
    if (file_can_write(f))
        p->writers--;
    if (p->readers == 0 && p->writers == 0) {
        kfree(p->buf);
        kfree(p);
        return;
    }
    sched_wakeup(p);
    file_poll_wakeup();
}

static const struct file_ops pipe_fops = {
    .read = pipe_read,
    .write = pipe_write,
    .poll = pipe_poll,
    .release = pipe_release,
};

/* pipe2(2): fds[0] reads, fds[1] writes. 0, or -EINVAL (flags other than
 * O_CLOEXEC and O_NONBLOCK), -EMFILE, -ENFILE (no memory), -EFAULT (then
 * no descriptor is left open). */
long sys_pipe2(int __user *fds, uint32_t flags)
{
    static uint32_t next_ino = 0x70000000;     /* pipes' own inode numbers */
    if (flags & ~(O_CLOEXEC | O_NONBLOCK))
        return -EINVAL;
    struct pipe *p = kzalloc(sizeof(*p));
    char *buf = kmalloc(PIPE_SIZE);
    struct file *rf = NULL, *wf = NULL;
    if (p && buf) {
        rf = file_new(&pipe_fops, &p->inode, O_RDONLY | (flags & O_NONBLOCK));
        wf = file_new(&pipe_fops, &p->inode, O_WRONLY | (flags & O_NONBLOCK));
    }
    if (!rf || !wf) {
        kfree(rf);
        kfree(wf);
        kfree(buf);
        kfree(p);
        return -ENFILE;
    }
    p->buf = buf;
    p->readers = p->writers = 1;
    p->inode.ino = next_ino++;
    p->inode.mode = S_IFIFO | 0600;
    p->inode.mtime = (uint32_t)time_now_seconds();
    rf->priv = wf->priv = p;

    int k[2];
    long err = 0;
    k[0] = fd_install_from(rf, 0, flags & O_CLOEXEC);
    k[1] = k[0] < 0 ? k[0] : fd_install_from(wf, 0, flags & O_CLOEXEC);
    if (k[1] < 0)
        err = k[1];
    else if (copyout(fds, k, sizeof(k)) < 0)
        err = -EFAULT;
    if (err < 0) {
        if (k[0] >= 0)
            sys_close(k[0]);
        if (k[1] >= 0)
            sys_close(k[1]);
    }
    file_put(rf);                       /* the descriptors hold them now, if any */
    file_put(wf);
    return err;
}

/* pipe(2): pipe2 without flags. */
long sys_pipe(int __user *fds)
{
    return sys_pipe2(fds, 0);
}
