/*
 * tty.c: the line discipline of the console, agora's one terminal, after
 * Linux's n_tty. Bytes typed on the serial port or the PS/2 keyboard
 * (console_input) arrive in tty_input with interrupts off; programs read
 * them with tty_read and write through tty_write; termios, set by TCSETS,
 * decides what happens in between.
 *
 * Input waits in one ring of N_TTY_BUF_SIZE bytes with three free-running
 * positions: read_tail <= canon_head <= head. In canonical mode the bytes
 * in [read_tail, canon_head) are complete lines, readable, each ended by a
 * byte marked DELIM ('\n', VEOL, VEOL2, or VEOF, which is marked EOF as well
 * and is never handed to the reader), and [canon_head, head) is the line
 * still being edited. In non-canonical mode canon_head == head: every byte
 * is readable at once.
 *
 * Echo and program output go through the same output processing (OPOST,
 * ONLCR...) to console_emit, which passes the bytes on unchanged to the
 * serial port and to the screen's VT100 interpreter. The output column is
 * tracked, as Linux does, so that erasing a tab moves back the right way.
 *
 * Stop signals (SIGTSTP, SIGTTIN, SIGTTOU) do not exist on agora: VSUSP is
 * recognised and dropped. Controlling terminals are not tracked either: the
 * console is every process's terminal.
 */
#include <kernel/tty.h>
#include <kernel/console.h>
#include <kernel/file.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/time.h>
#include <kernel/uaccess.h>
#include <uapi/errno.h>
#include <uapi/termios.h>
#include <string.h>
#if __has_include(<kernel/errno.h>)
#include <kernel/errno.h>
#endif

#define N_TTY_BUF_SIZE 4096             /* Linux's: a line holds 4095 bytes + its end */
#define FLAG_DELIM 1                    /* ends a line */
#define FLAG_EOF   2                    /* ...and is a VEOF, not data */

/* A read interrupted by a signal: EINTR, or restarted after a SA_RESTART
 * handler, as on Linux (kernel/errno.h). */
#define TTY_EINTR (-ERESTARTSYS)

static struct linux_termios termios;
static struct linux_winsize winsize;

static uint8_t buf[N_TTY_BUF_SIZE];
static uint8_t flags[N_TTY_BUF_SIZE];
static uint32_t read_tail, canon_head, head;

static bool lnext;                      /* VLNEXT seen: the next byte is literal */
static uint32_t column;                 /* output column, for erasing tabs */
static uint32_t canon_column;           /* the column where the edited line began */
static char read_wait;                  /* readers sleep on this channel */

#define IFLAG(f) (termios.c_iflag & (f))
#define OFLAG(f) (termios.c_oflag & (f))
#define LFLAG(f) (termios.c_lflag & (f))

static bool is_cntrl(uint8_t c) { return c < 0x20 || c == 0x7F; }
static bool is_alnum(uint8_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* c is the control character cc[i] (0 disables one, as _POSIX_VDISABLE). */
static bool is_cc(uint8_t c, int i)
{
    return termios.c_cc[i] != 0 && c == termios.c_cc[i];
}

/* The defaults of Linux's tty_std_termios and INIT_C_CC. */
static void default_termios(void)
{
    static const uint8_t init_cc[LINUX_NCCS] = {
        [VINTR] = 0x03, [VQUIT] = 0x1C, [VERASE] = 0x7F, [VKILL] = 0x15,
        [VEOF] = 0x04, [VTIME] = 0, [VMIN] = 1, [VSWTC] = 0,
        [VSTART] = 0x11, [VSTOP] = 0x13, [VSUSP] = 0x1A, [VEOL] = 0,
        [VREPRINT] = 0x12, [VDISCARD] = 0x0F, [VWERASE] = 0x17,
        [VLNEXT] = 0x16, [VEOL2] = 0,
    };
    memset(&termios, 0, sizeof(termios));
    termios.c_iflag = ICRNL | IXON;
    termios.c_oflag = OPOST | ONLCR;
    termios.c_cflag = B38400 | CS8 | CREAD | HUPCL;
    termios.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;
    memcpy(termios.c_cc, init_cc, sizeof(init_cc));
}

void tty_init(uint16_t cols, uint16_t rows)
{
    default_termios();
    winsize = (struct linux_winsize){ .ws_row = rows, .ws_col = cols };
    read_tail = canon_head = head = 0;
    lnext = false;
    column = canon_column = 0;
}

/* ---- output ---------------------------------------------------------------- */

/* One byte through output processing to the console. */
static void opost(uint8_t c)
{
    char out = (char)c;

    if (!OFLAG(OPOST)) {
        console_emit(&out, 1);
        return;
    }
    switch (c) {
    case '\n':
        if (OFLAG(ONLRET))
            column = 0;
        if (OFLAG(ONLCR)) {
            column = 0;
            console_emit("\r\n", 2);
            return;
        }
        break;
    case '\r':
        if (OFLAG(ONOCR) && column == 0)
            return;
        if (OFLAG(OCRNL)) {
            out = '\n';
            if (OFLAG(ONLRET))
                column = 0;
            break;
        }
        column = 0;
        break;
    case '\t':
        column = (column | 7) + 1;
        break;
    case '\b':
        if (column > 0)
            column--;
        break;
    default:
        if (!is_cntrl(c))
            column++;
        break;
    }
    console_emit(&out, 1);
}

static void echo_str(const char *s)
{
    while (*s)
        opost((uint8_t)*s++);
}

/* Echo an input byte: control characters as ^X with ECHOCTL. */
static void echo_char(uint8_t c)
{
    if (LFLAG(ECHOCTL) && is_cntrl(c) && c != '\t' && c != '\n') {
        opost('^');
        opost(c ^ 0x40);
    } else {
        opost(c);
    }
}

/* ---- the input ring ------------------------------------------------------------ */

static uint32_t input_count(void) { return head - read_tail; }
static uint8_t at(uint32_t pos) { return buf[pos % N_TTY_BUF_SIZE]; }
static uint8_t flag_at(uint32_t pos) { return flags[pos % N_TTY_BUF_SIZE]; }

static void put(uint8_t c, uint8_t flag)
{
    buf[head % N_TTY_BUF_SIZE] = c;
    flags[head % N_TTY_BUF_SIZE] = flag;
    head++;
}

static void wake_readers(void)
{
    sched_wakeup(&read_wait);
    file_poll_wakeup();
}

/* The edited line is complete: hand it to the readers. */
static void commit_line(void)
{
    canon_head = head;
    canon_column = column;
    wake_readers();
}

static void flush_input(void)
{
    read_tail = canon_head = head;
    lnext = false;
    canon_column = column;
}

/* ---- canonical editing ------------------------------------------------------------ */

/* The column the edited line's echo reaches before position end. */
static uint32_t echo_column(uint32_t end)
{
    uint32_t col = canon_column;

    for (uint32_t pos = canon_head; pos != end; pos++) {
        uint8_t c = at(pos);
        if (c == '\t')
            col = (col | 7) + 1;
        else if (is_cntrl(c))
            col += LFLAG(ECHOCTL) ? 2 : 0;
        else
            col++;
    }
    return col;
}

/* Take back the last byte of the edited line from the screen. */
static void echo_erase(uint8_t c)
{
    if (c == '\t') {
        uint32_t back = column - echo_column(head);   /* head: the tab is gone already */
        while (back-- > 0 && column > 0)
            opost('\b');
        return;
    }
    if (is_cntrl(c) && !LFLAG(ECHOCTL))
        return;                         /* nothing was shown */
    echo_str("\b \b");
    if (is_cntrl(c))
        echo_str("\b \b");              /* the ^ of ^X */
}

/* VERASE, VWERASE or VKILL (c, which is cc[kind]) on the edited line. */
static void eraser(uint8_t c, int kind)
{
    unsigned seen_alnum = 0;

    if (head == canon_head)
        return;
    if (kind == VKILL && (!LFLAG(ECHO) || !LFLAG(ECHOK) || !LFLAG(ECHOKE) || !LFLAG(ECHOE))) {
        head = canon_head;
        if (LFLAG(ECHO)) {
            echo_char(c);
            if (LFLAG(ECHOK))
                opost('\n');
            canon_column = column;
        }
        return;
    }
    while (head != canon_head) {
        uint8_t last = at(head - 1);
        if (kind == VWERASE) {
            if (is_alnum(last) || last == '_')
                seen_alnum++;
            else if (seen_alnum)
                break;
        }
        head--;
        if (LFLAG(ECHO)) {
            if (kind == VERASE && !LFLAG(ECHOE))
                echo_char(c);
            else
                echo_erase(last);
        }
        if (kind == VERASE)
            break;
    }
}

/* VREPRINT: the kill-style ^R, a new line, and the edited line again. */
static void reprint(uint8_t c)
{
    echo_char(c);
    opost('\n');
    canon_column = column;
    for (uint32_t pos = canon_head; pos != head; pos++)
        echo_char(at(pos));
}

/* VINTR or VQUIT: flush (unless NOFLSH), echo, signal the foreground group. */
static void isig(uint8_t c, int sig)
{
    if (!LFLAG(NOFLSH))
        flush_input();
    if (LFLAG(ECHO))
        echo_char(c);
    canon_column = column;
    pid_t fg = console_foreground();
    if (fg > 0)
        proc_signal_group(fg, sig);
}

/* One byte in canonical mode, after the signal characters. */
static void canon_input(uint8_t c, bool literal)
{
    if (!literal) {
        if (LFLAG(IEXTEN) && is_cc(c, VLNEXT)) {
            lnext = true;
            if (LFLAG(ECHO) && LFLAG(ECHOCTL))
                echo_str("^\b");
            return;
        }
        if (is_cc(c, VERASE) || is_cc(c, VKILL) || (LFLAG(IEXTEN) && is_cc(c, VWERASE))) {
            eraser(c, is_cc(c, VERASE) ? VERASE : is_cc(c, VKILL) ? VKILL : VWERASE);
            return;
        }
        if (LFLAG(IEXTEN) && is_cc(c, VREPRINT)) {
            if (LFLAG(ECHO))
                reprint(c);
            return;
        }
        if (c == '\n' || is_cc(c, VEOL) || (LFLAG(IEXTEN) && is_cc(c, VEOL2))) {
            if (input_count() >= N_TTY_BUF_SIZE)
                return;
            if (c == '\n' ? LFLAG(ECHO | ECHONL) : LFLAG(ECHO))
                echo_char(c);
            put(c, FLAG_DELIM);
            commit_line();
            return;
        }
        if (is_cc(c, VEOF)) {           /* not echoed, as on Linux */
            if (input_count() >= N_TTY_BUF_SIZE)
                return;
            put(c, FLAG_DELIM | FLAG_EOF);
            commit_line();
            return;
        }
    }
    /* Keep the last byte free for the line's end. */
    if (input_count() >= N_TTY_BUF_SIZE - 1)
        return;
    if (LFLAG(ECHO))
        echo_char(c);
    put(c, 0);
}

void tty_input(char ch)
{
    uint8_t c = (uint8_t)ch;
    bool literal = lnext;

    lnext = false;
    if (IFLAG(ISTRIP))
        c &= 0x7F;
    if (!literal) {
        if (c == '\r') {
            if (IFLAG(IGNCR))
                return;
            if (IFLAG(ICRNL))
                c = '\n';
        } else if (c == '\n' && IFLAG(INLCR)) {
            c = '\r';
        }
        /* IXON: VSTART and VSTOP are taken out of the input. Output is
         * never held back (it goes out at once), so they do nothing else. */
        if (IFLAG(IXON) && (is_cc(c, VSTART) || is_cc(c, VSTOP)))
            return;
        if (LFLAG(ISIG)) {
            if (is_cc(c, VINTR)) {
                isig(c, SIGINT);
                return;
            }
            if (is_cc(c, VQUIT)) {
                isig(c, SIGQUIT);
                return;
            }
            if (is_cc(c, VSUSP))
                return;                 /* SIGTSTP: no stop signals on agora */
        }
    }
    if (LFLAG(ICANON)) {
        canon_input(c, literal);
        return;
    }
    if (!literal && LFLAG(IEXTEN) && is_cc(c, VLNEXT)) {
        lnext = true;
        if (LFLAG(ECHO) && LFLAG(ECHOCTL))
            echo_str("^\b");
        return;
    }
    if (input_count() >= N_TTY_BUF_SIZE)
        return;
    if (c == '\n' ? LFLAG(ECHO | ECHONL) : LFLAG(ECHO))
        echo_char(c);
    put(c, 0);
    canon_head = head;
    wake_readers();
}

/* ---- reading -------------------------------------------------------------------- */

/* Sleep until input arrives, a signal does (-EINTR) or the deadline passes
 * (-ETIMEDOUT; TIME_NEVER: no deadline). */
static int wait_input(int64_t deadline)
{
    if (deadline == TIME_NEVER)
        return sched_sleep(&read_wait);
    if (time_monotonic_ns() >= deadline)
        return -ETIMEDOUT;
    /* The timer tick wakes any sleeper whose wake_ns has passed. */
    current->wake_ns = deadline;
    int err = sched_sleep(&read_wait);
    current->wake_ns = 0;
    return err;
}

/*
 * Copy up to n readable bytes (canonical: up to the end of the first line)
 * to the user, consuming only what was copied. Bytes copied, or -EFAULT if
 * nothing could be.
 */
static long copy_out(char __user *ubuf, size_t n)
{
    char kbuf[128];
    uint32_t limit = LFLAG(ICANON) ? canon_head : head;
    size_t got = 0;
    bool line_done = false, delim_copied = false;

    while (got < n && read_tail != limit && !line_done) {
        size_t k = 0;
        uint32_t pos = read_tail;
        while (k < sizeof(kbuf) && got + k < n && pos != limit) {
            uint8_t f = LFLAG(ICANON) ? flag_at(pos) : 0;
            if (f & FLAG_EOF) {
                if (k == 0 && got == 0)
                    pos++;              /* end of file: consumed, not copied */
                line_done = true;
                break;
            }
            kbuf[k++] = (char)at(pos++);
            if (f & FLAG_DELIM) {
                line_done = delim_copied = true;
                break;
            }
        }
        if (k && copyout(ubuf + got, kbuf, k) < 0)
            return got ? (long)got : -EFAULT;
        got += k;
        read_tail = pos;
        if (k == 0)
            break;
    }
    /* Text ended by VEOF, or a read filled up right before the VEOF: eat
     * it now, or the next read would return 0, an end of file nobody typed
     * (Linux does the same). */
    if (LFLAG(ICANON) && got > 0 && !delim_copied && read_tail != canon_head &&
        (flag_at(read_tail) & FLAG_EOF))
        read_tail++;
    return (long)got;
}

static long canon_read(char __user *ubuf, size_t n, bool nonblock)
{
    while (read_tail == canon_head) {
        if (nonblock)
            return -EAGAIN;
        if (wait_input(TIME_NEVER) < 0)
            return TTY_EINTR;
        if (!LFLAG(ICANON))
            return -EAGAIN;             /* mode changed under us: let the caller retry */
    }
    return copy_out(ubuf, n);
}

/* Non-canonical: the four VMIN/VTIME cases of termios(3). */
static long raw_read(char __user *ubuf, size_t n, bool nonblock)
{
    uint32_t vmin = termios.c_cc[VMIN];
    int64_t vtime_ns = (int64_t)termios.c_cc[VTIME] * (NSEC_PER_SEC / 10);
    uint32_t want = vmin < n ? vmin : (uint32_t)n;

    if (nonblock || (vmin == 0 && vtime_ns == 0)) {
        if (input_count() == 0)
            return nonblock ? -EAGAIN : 0;
        return copy_out(ubuf, n);
    }
    if (vmin == 0) {
        /* A read timer: at least one byte, or 0 when VTIME passes. */
        int64_t deadline = time_deadline(time_monotonic_ns(), vtime_ns);
        while (input_count() == 0) {
            int err = wait_input(deadline);
            if (err == -ETIMEDOUT)
                return 0;
            if (err < 0)
                return TTY_EINTR;
        }
        return copy_out(ubuf, n);
    }
    /* VMIN bytes, the first waited for without limit; with VTIME, an
     * inter-byte timer restarted by every byte ends the wait early. */
    while (input_count() == 0)
        if (wait_input(TIME_NEVER) < 0)
            return TTY_EINTR;
    while (input_count() < want) {
        uint32_t had = input_count();
        int64_t deadline = vtime_ns ? time_deadline(time_monotonic_ns(), vtime_ns) : TIME_NEVER;
        int err = 0;
        while (input_count() == had && err == 0)
            err = wait_input(deadline);
        if (err == -ETIMEDOUT)
            break;
        if (err < 0)
            return TTY_EINTR;
        if (LFLAG(ICANON))
            break;
    }
    return copy_out(ubuf, n);
}

long tty_read(char __user *ubuf, size_t n, bool nonblock)
{
    long r;

    if (n == 0)
        return 0;
    do {
        r = LFLAG(ICANON) ? canon_read(ubuf, n, nonblock) : raw_read(ubuf, n, nonblock);
    } while (r == -EAGAIN && !nonblock);
    return r;
}

/* ---- writing ---------------------------------------------------------------------- */

/* Bytes a console write prints between preemption points: smaller writes
 * (every line printf makes) reach the screen whole. */
#define PREEMPT_BYTES 16384

long tty_write(const char __user *ubuf, size_t n)
{
    char kbuf[256];
    size_t done = 0, since_preempt = 0;

    if (n == 0)
        return 0;
    /* Printing is slow (a port write per byte), so a long write lets the
     * timer and other processes in every PREEMPT_BYTES, and stops early,
     * with the count written so far, when a signal arrives (as Linux's tty
     * write does). Pieces never cross a kbuf-sized boundary of the user
     * range, so a fault stops at a known count. */
    while (done < n) {
        size_t room = sizeof(kbuf) - (((uintptr_t)ubuf + done) & (sizeof(kbuf) - 1));
        size_t chunk = n - done < room ? n - done : room;
        if (copyin(kbuf, ubuf + done, chunk) < 0)
            break;
        for (size_t i = 0; i < chunk; i++)
            opost((uint8_t)kbuf[i]);
        done += chunk;
        since_preempt += chunk;
        if (since_preempt >= PREEMPT_BYTES && done < n) {
            since_preempt = 0;
            if (sched_preempt_point())
                break;
        }
    }
    canon_column = column;
    return done ? (long)done : -EFAULT;
}

/* ---- ioctl and poll ------------------------------------------------------------------ */

/* Bytes a read could return now (FIONREAD): in canonical mode the complete
 * lines, VEOF marks not counted. */
static uint32_t readable_count(void)
{
    if (!LFLAG(ICANON))
        return input_count();
    uint32_t count = 0;
    for (uint32_t pos = read_tail; pos != canon_head; pos++)
        if (!(flag_at(pos) & FLAG_EOF))
            count++;
    return count;
}

/* New termios: switching ICANON regroups what is waiting, as Linux does
 * (into canonical: everything pending becomes one readable line). */
static void set_termios(const struct linux_termios *t)
{
    bool was_canon = LFLAG(ICANON);

    termios = *t;
    if (was_canon == !!LFLAG(ICANON))
        return;
    for (uint32_t pos = read_tail; pos != head; pos++)
        flags[pos % N_TTY_BUF_SIZE] = 0;
    if (LFLAG(ICANON) && head != read_tail)
        flags[(head - 1) % N_TTY_BUF_SIZE] = FLAG_DELIM;
    canon_head = head;
    canon_column = column;
    lnext = false;
    wake_readers();
}

long tty_ioctl(uint32_t cmd, uint32_t arg)
{
    void __user *uarg = (void __user *)(uintptr_t)arg;

    switch (cmd) {
    case TCGETS:
        return copyout(uarg, &termios, sizeof(termios));
    case TCSETS:
    case TCSETSW:                       /* output is never queued: nothing to drain */
    case TCSETSF: {
        struct linux_termios t;
        if (copyin(&t, uarg, sizeof(t)) < 0)
            return -EFAULT;
        if (cmd == TCSETSF)
            flush_input();
        set_termios(&t);
        return 0;
    }
    case TCSBRK:                        /* tcdrain; no break is sent */
    case TIOCSCTTY:                     /* every process's terminal already */
    case TIOCNOTTY:
        return 0;
    case TCXONC:
        return arg <= TCION ? 0 : -EINVAL;
    case TCFLSH:
        if (arg > TCIOFLUSH)
            return -EINVAL;
        if (arg != TCOFLUSH)
            flush_input();
        return 0;
    case TIOCGWINSZ:
        return copyout(uarg, &winsize, sizeof(winsize));
    case TIOCSWINSZ: {
        struct linux_winsize w;
        if (copyin(&w, uarg, sizeof(w)) < 0)
            return -EFAULT;
        winsize = w;
        return 0;
    }
    case TIOCGPGRP: {
        /* Nobody has claimed the foreground: whoever asks is in it (a
         * shell checks this before taking the terminal over). */
        pid_t pgid = console_foreground() > 0 ? console_foreground() : current->pgid;
        return copyout(uarg, &pgid, sizeof(pgid));
    }
    case TIOCSPGRP: {
        pid_t pgid;
        if (copyin(&pgid, uarg, sizeof(pgid)) < 0)
            return -EFAULT;
        if (pgid <= 0)
            return -EINVAL;
        console_set_foreground(pgid);
        return 0;
    }
    case TIOCGSID: {
        pid_t sid = current->sid;
        return copyout(uarg, &sid, sizeof(sid));
    }
    case TIOCOUTQ: {
        int zero = 0;                   /* output is never queued */
        return copyout(uarg, &zero, sizeof(zero));
    }
    case FIONREAD: {
        int count = (int)readable_count();
        return copyout(uarg, &count, sizeof(count));
    }
    case TIOCSTI: {
        /* One byte into the input, as if typed. Linux allows it on the
         * caller's controlling terminal or with CAP_SYS_ADMIN; agora does
         * not track controlling terminals, so root only. */
        char c;
        if (!proc_is_root(current))
            return -EPERM;
        if (copyin(&c, uarg, 1) < 0)
            return -EFAULT;
        tty_input(c);
        return 0;
    }
    default:
        return -ENOTTY;
    }
}

int tty_poll(void)
{
    bool readable;

    if (LFLAG(ICANON)) {
        readable = read_tail != canon_head;
    } else {
        uint32_t need = termios.c_cc[VTIME] || !termios.c_cc[VMIN] ? 1 : termios.c_cc[VMIN];
        readable = input_count() >= need;
    }
    return (readable ? TTY_POLLIN : 0) | TTY_POLLOUT;
}
