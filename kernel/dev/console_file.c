/*
 * console_file.c: the console as an open file (/dev/console, /dev/tty and
 * the descriptors 0, 1 and 2 every process starts with): reads take typed
 * lines from the line discipline in console.c, writes print, and the
 * ioctls are just enough terminal for isatty(), programs that ask the
 * window size, and a shell's foreground process group.
 */
#include <kernel/file.h>
#include <kernel/console.h>
#include <kernel/sched.h>
#include <kernel/proc.h>
#include <kernel/uaccess.h>
#include <uapi/errno.h>
#include <kernel/errno.h>
#include <string.h>

#define BOUNCE 512                      /* bytes of console I/O per copy */

/* Terminal ioctls (Linux i386). */
#define TCGETS 0x5401
#define TIOCGWINSZ 0x5413
#define TIOCGPGRP 0x540F
#define TIOCSPGRP 0x5410
#define TIOCSTI 0x5412
#define ICANON 0000002
#define ECHO 0000010

struct linux_termios {
    uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
    uint8_t c_line;
    uint8_t c_cc[19];
};

struct linux_winsize {
    uint16_t ws_row, ws_col, ws_xpixel, ws_ypixel;
};

_Static_assert(sizeof(struct linux_termios) == 36, "termios");

/* One line (at most) from the console. */
static long console_file_read(struct file *f, char __user *buf, size_t n)
{
    (void)f;
    char kbuf[BOUNCE];
    if (n == 0)
        return 0;
    ssize_t got = console_read(kbuf, MIN(n, sizeof(kbuf)));
    if (got < 0)
        return -ERESTARTSYS;
    if (got == 0)
        return 0;
    return copyout_partial(buf, kbuf, (size_t)got);
}

/* Bytes a console write prints between preemption points: smaller writes
 * (every line printf makes) reach the screen whole. */
#define CONSOLE_PREEMPT_BYTES 16384

/* Write through a bounce buffer; pieces never cross a BOUNCE boundary of
 * the user range, so a fault stops at a known count. Printing is slow (a
 * port write per byte), so a long write lets the timer and other processes
 * in every CONSOLE_PREEMPT_BYTES, and stops early, with the count written
 * so far, when a signal arrives (Linux's tty write does the same). */
static long console_file_write(struct file *f, const char __user *buf, size_t n)
{
    (void)f;
    char kbuf[BOUNCE];
    size_t done = 0, since_preempt = 0;
    if (n == 0)
        return 0;
    while (done < n) {
        size_t room = BOUNCE - (((uintptr_t)buf + done) & (BOUNCE - 1));
        size_t chunk = MIN(n - done, room);
        if (copyin(kbuf, buf + done, chunk) < 0)
            break;
        console_write(kbuf, chunk);
        done += chunk;
        since_preempt += chunk;
        if (since_preempt >= CONSOLE_PREEMPT_BYTES && done < n) {
            since_preempt = 0;
            if (sched_preempt_point())
                break;
        }
    }
    return done ? (long)done : -EFAULT;
}

/* TCGETS, TIOCGWINSZ, TIOCGPGRP, TIOCSPGRP and TIOCSTI; else -ENOTTY. */
static long console_file_ioctl(struct file *f, uint32_t cmd, uint32_t arg)
{
    (void)f;
    switch (cmd) {
    case TCGETS: {
        struct linux_termios t;
        memset(&t, 0, sizeof(t));
        t.c_lflag = ICANON | ECHO;
        return copyout((void __user *)(uintptr_t)arg, &t, sizeof(t));
    }
    case TIOCGWINSZ: {
        struct linux_winsize w = { .ws_row = 25, .ws_col = 80 };
        return copyout((void __user *)(uintptr_t)arg, &w, sizeof(w));
    }
    case TIOCGPGRP: {
        pid_t pgid = console_foreground();
        return copyout((void __user *)(uintptr_t)arg, &pgid, sizeof(pgid));
    }
    case TIOCSPGRP: {
        pid_t pgid;
        if (copyin(&pgid, (const void __user *)(uintptr_t)arg, sizeof(pgid)) < 0)
            return -EFAULT;
        if (pgid <= 0)
            return -EINVAL;
        console_set_foreground(pgid);
        return 0;
    }
    case TIOCSTI: {
        /* One byte into the console's input, as if typed. Linux allows it
         * on the caller's controlling terminal or with CAP_SYS_ADMIN;
         * agora does not track controlling terminals, so root only. */
        if (!proc_is_root(current))
            return -EPERM;
        char c;
        if (copyin(&c, (const void __user *)(uintptr_t)arg, 1) < 0)
            return -EFAULT;
        console_input(c);
        return 0;
    }
    default:
        return -ENOTTY;
    }
}

static uint32_t console_file_poll(struct file *f)
{
    (void)f;
    return POLLOUT | POLLWRNORM | (console_readable() ? POLLIN | POLLRDNORM : 0);
}

const struct file_ops console_fops = {
    .read = console_file_read,
    .write = console_file_write,
    .ioctl = console_file_ioctl,
    .poll = console_file_poll,
};
