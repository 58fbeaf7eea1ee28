/*
 * console_file.c: the console as an open file (/dev/console, /dev/tty and
 * the descriptors 0, 1 and 2 every process starts with). Each operation is
 * the line discipline's (kernel/dev/tty.c): reads take typed input as
 * termios says, writes go through output processing, the ioctls are the
 * terminal's.
 */
#include <kernel/file.h>
#include <kernel/console.h>
#include <kernel/tty.h>

static long console_file_read(struct file *f, char __user *buf, size_t n)
{
    return tty_read(buf, n, file_nonblock(f));
}

static long console_file_write(struct file *f, const char __user *buf, size_t n)
{
    (void)f;
    return tty_write(buf, n);
}

static long console_file_ioctl(struct file *f, uint32_t cmd, uint32_t arg)
{
    (void)f;
    return tty_ioctl(cmd, arg);
}

static uint32_t console_file_poll(struct file *f)
{
    (void)f;
    int ready = tty_poll();
    return (ready & TTY_POLLIN ? POLLIN | POLLRDNORM : 0) |
           (ready & TTY_POLLOUT ? POLLOUT | POLLWRNORM : 0);
}

const struct file_ops console_fops = {
    .read = console_file_read,
    .write = console_file_write,
    .ioctl = console_file_ioctl,
    .poll = console_file_poll,
};
