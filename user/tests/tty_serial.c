/*
 * tty_serial: the console's line discipline driven through the real serial
 * port. The test prints a request line "@@tty-type HEX" and the harness
 * (tools/serial-typist.py, between QEMU's -serial stdio and the log) types
 * those bytes into COM1, where they arrive by interrupt as a person's would.
 * Checks: canonical editing (DEL, Ctrl-U, Ctrl-W, Ctrl-V), Ctrl-D end of
 * file, lines longer than 255 bytes (up to Linux's 4095), Ctrl-C and Ctrl-\
 * signalling the foreground group and flushing the line, ICRNL/INLCR/IGNCR,
 * raw mode reads with the four VMIN/VTIME cases, TCSETSF and TCFLSH
 * flushing, FIONREAD, the default termios and the window size.
 *
 * Canonical rows end their input with a marker line read back after the
 * row's reads, so a misbehaving discipline cannot hang the test or leave
 * bytes for the next row. Raw reads wait (bounded) for FIONREAD to show the
 * typed bytes first, so none blocks for ever either.
 */
#include <agora_test.h>
#include <fcntl.h>
#include <signal.h>
#include <termios.h>
#include <time.h>
#include <sys/ioctl.h>

static int tty = -1;
static struct termios saved;

/* Ask the harness to type n bytes on the serial port. */
static void type(const void *s, size_t n)
{
    const unsigned char *p = s;
    printf("@@tty-type ");
    for (size_t i = 0; i < n; i++)
        printf("%02x", p[i]);
    printf("\n");
    fflush(stdout);
}

static void types(const char *s) { type(s, strlen(s)); }

static int readable(void)
{
    int n = -1;
    if (ioctl(tty, FIONREAD, &n) != 0)
        return -1;
    return n;
}

/* Wait (at most 10 s) until FIONREAD reaches n; the count seen. */
static int wait_readable(int n)
{
    int got = readable();
    for (int i = 0; i < 1000 && got < n; i++) {
        usleep(10000);
        got = readable();
    }
    return got;
}

static void set_attr(const struct termios *t)
{
    if (tcsetattr(tty, TCSANOW, t) != 0)
        T_OK(0, "tcsetattr");
}

/* ---- canonical mode, row by row ------------------------------------------- */

static const char mark[] = "#sync\n";
#define MARK_LEN (sizeof(mark) - 1)

static int ends_with_mark(const char *buf, ssize_t n)
{
    return n >= (ssize_t)MARK_LEN && memcmp(buf + n - MARK_LEN, mark, MARK_LEN) == 0;
}

struct expect {
    size_t size;                        /* read(2) count; 0 ends the list */
    const char *bytes;                  /* "" means end of file */
};

static const struct {
    const char *what;
    const char *input;
    struct expect reads[3];
} rows[] = {
    { "Enter is a carriage return, ICRNL makes it a newline", "hello\r",
      { { 64, "hello\n" } } },
    { "DEL (VERASE) erases one byte", "abx\x7f" "c\n", { { 64, "abc\n" } } },
    { "DEL at the start of a line erases nothing", "\x7f\x7f" "ok\n", { { 64, "ok\n" } } },
    { "^H is data, not VERASE (Linux)", "a\bb\n", { { 64, "a\bb\n" } } },
    { "Ctrl-U (VKILL) erases the line", "wrong words\x15right\n", { { 64, "right\n" } } },
    { "Ctrl-W (VWERASE) erases the last word", "one two\x17three\n", { { 64, "one three\n" } } },
    { "Ctrl-W skips trailing blanks first", "one two  \x17\n", { { 64, "one \n" } } },
    { "Ctrl-W stops at punctuation", "a/bc/de\x17\x17X\n", { { 64, "a/X\n" } } },
    { "Ctrl-V (VLNEXT) makes Ctrl-U data", "a\x16\x15" "b\n", { { 64, "a\x15" "b\n" } } },
    { "Ctrl-D after text hands it over without a newline", "abc\x04", { { 64, "abc" } } },
    { "Ctrl-D on an empty line is end of file", "\x04", { { 64, "" } } },
    { "Ctrl-D after a line: the line, then end of file", "line\n\x04",
      { { 64, "line\n" }, { 64, "" } } },
    { "a short read leaves the rest of the line", "abcdef\n",
      { { 2, "ab" }, { 64, "cdef\n" } } },
    { "Ctrl-S and Ctrl-Q (IXON) are not data", "x\x13y\x11z\n", { { 64, "xyz\n" } } },
};

static void run_row(size_t i)
{
    char what[160], detail[200], buf[256];
    ssize_t n = 0;
    int marked = 0;

    types(rows[i].input);
    types(mark);
    for (int k = 0; k < 3 && rows[i].reads[k].size; k++) {
        const struct expect *e = &rows[i].reads[k];
        memset(buf, 0, sizeof(buf));
        n = read(tty, buf, e->size);
        marked = ends_with_mark(buf, n);
        size_t want = strlen(e->bytes);
        int ok = n == (ssize_t)want && memcmp(buf, e->bytes, want) == 0;
        snprintf(what, sizeof(what), "%s: read %d", rows[i].what, k + 1);
        snprintf(detail, sizeof(detail), "got %zd bytes \"%.*s\", want %zu", n,
                 n > 0 ? (int)n : 0, buf, want);
        t_check(ok, what, ok ? NULL : detail);
        if (!ok || marked)
            break;
    }
    while (!marked && n >= 0) {
        n = read(tty, buf, sizeof(buf));
        marked = ends_with_mark(buf, n);
    }
}

/* A line of len bytes (no newline) typed, then Enter: read back whole. */
static void long_line(size_t len, size_t want)
{
    static char line[5200], got[5200];
    char what[96];
    size_t total = 0;
    ssize_t n;

    for (size_t i = 0; i < len; i++)
        line[i] = (char)('a' + i % 26);
    line[len] = '\r';
    type(line, len + 1);
    /* One line: reads go on until its newline. */
    while (total < sizeof(got) && (n = read(tty, got + total, sizeof(got) - total)) > 0) {
        total += (size_t)n;
        if (got[total - 1] == '\n')
            break;
    }
    snprintf(what, sizeof(what), "a %zu-byte line reads back as %zu bytes and a newline", len, want);
    T_OK(total == want + 1 && got[want] == '\n' && memcmp(got, line, want) == 0, what);
}

/* ---- signals --------------------------------------------------------------- */

/* A child in its own group, made the foreground, reads; the typed signal
 * character must end it with sig and flush what it had typed. */
static void signal_char(char c, int sig, const char *name)
{
    char what[96], buf[64];
    pid_t old = tcgetpgrp(tty);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        char b[64];
        for (;;)
            if (read(tty, b, sizeof(b)) < 0 && errno != EINTR)
                _exit(3);
        _exit(2);                       /* read returned: the signal did not come */
    }
    setpgid(pid, pid);                  /* both sides, so no race either way */
    snprintf(what, sizeof(what), "%s: the child's group is the foreground", name);
    T_OK(tcsetpgrp(tty, pid) == 0, what);
    char in[] = { 'j', 'u', 'n', 'k', c };
    type(in, sizeof(in));
    int st = 0;
    waitpid(pid, &st, 0);
    tcsetpgrp(tty, old);
    snprintf(what, sizeof(what), "%s sends %s to the foreground group", name, strsignal(sig));
    T_OK(WIFSIGNALED(st) && WTERMSIG(st) == sig, what);
    types("after\n");
    memset(buf, 0, sizeof(buf));
    ssize_t n = read(tty, buf, sizeof(buf));
    snprintf(what, sizeof(what), "%s flushed the line typed before it", name);
    T_OK(n == 6 && memcmp(buf, "after\n", 6) == 0, what);
}

/* ---- raw mode ---------------------------------------------------------------- */

static long elapsed_ms(const struct timespec *a)
{
    struct timespec b;
    clock_gettime(CLOCK_MONOTONIC, &b);
    return (b.tv_sec - a->tv_sec) * 1000 + (b.tv_nsec - a->tv_nsec) / 1000000;
}

static void raw_mode(void)
{
    struct termios t = saved;
    char buf[16];
    struct timespec t0;
    ssize_t n;

    t.c_lflag &= ~(ICANON | ECHO);
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    set_attr(&t);

    /* MIN 1, TIME 0, byte by byte, as busybox's line editing reads keys. */
    types("\033[A\r");
    int ok = 1;
    const char want[] = "\033[A\n";
    for (int i = 0; i < 4; i++)
        ok &= read(tty, buf, 1) == 1 && buf[0] == want[i];
    T_OK(ok, "MIN 1 TIME 0: an arrow key's ESC [ A and Enter (ICRNL) one byte per read");

    /* MIN 0, TIME 0: a poll. */
    t.c_cc[VMIN] = 0;
    set_attr(&t);
    T_EQ(read(tty, buf, sizeof(buf)), 0, "MIN 0 TIME 0 with nothing typed returns 0 at once");
    types("pq");
    T_EQ(wait_readable(2), 2, "FIONREAD counts raw bytes");
    n = read(tty, buf, sizeof(buf));
    T_OK(n == 2 && memcmp(buf, "pq", 2) == 0, "MIN 0 TIME 0 returns what is there");

    /* MIN 0, TIME 3: a read timer of 0.3 s. */
    t.c_cc[VTIME] = 3;
    set_attr(&t);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    n = read(tty, buf, sizeof(buf));
    long ms = elapsed_ms(&t0);
    T_OK(n == 0 && ms >= 250, "MIN 0 TIME 3 with nothing typed returns 0 after 0.3 s");
    types("r");
    n = read(tty, buf, sizeof(buf));
    T_OK(n == 1 && buf[0] == 'r', "MIN 0 TIME 3 returns a byte that comes");

    /* MIN 3, TIME 0: three bytes, however they arrive. */
    t.c_cc[VMIN] = 3;
    t.c_cc[VTIME] = 0;
    set_attr(&t);
    types("stu");
    n = read(tty, buf, sizeof(buf));
    T_OK(n == 3 && memcmp(buf, "stu", 3) == 0, "MIN 3 TIME 0 waits for three bytes");

    /* MIN 5, TIME 3: two bytes, then the inter-byte timer ends the read. */
    t.c_cc[VMIN] = 5;
    t.c_cc[VTIME] = 3;
    set_attr(&t);
    types("vw");
    n = read(tty, buf, sizeof(buf));
    T_OK(n == 2 && memcmp(buf, "vw", 2) == 0, "MIN 5 TIME 3: the inter-byte timer returns what came");

    /* ICRNL off: Enter stays a carriage return; IGNCR drops it; INLCR. */
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    t.c_iflag &= ~ICRNL;
    set_attr(&t);
    types("\r");
    T_OK(read(tty, buf, 1) == 1 && buf[0] == '\r', "ICRNL off: a carriage return stays one");
    t.c_iflag |= IGNCR | INLCR;
    set_attr(&t);
    types("\r\n");
    T_OK(read(tty, buf, 1) == 1 && buf[0] == '\r', "IGNCR drops the carriage return, INLCR turns the newline into one");

    /* ISIG off: Ctrl-C is data (busybox's line editing does this). */
    t.c_iflag = saved.c_iflag;
    t.c_lflag &= ~ISIG;
    set_attr(&t);
    types("\x03");
    T_OK(read(tty, buf, 1) == 1 && buf[0] == 3, "ISIG off: Ctrl-C is a byte");

    /* The screen answers a cursor position request (ESC [ 6 n) through the
     * input, as a terminal does: busybox's line editing asks it. */
    t.c_lflag |= ISIG;
    set_attr(&t);
    fflush(stdout);
    write(tty, "\r\033[6n", 5);
    char rep[16] = { 0 };
    int len = wait_readable(6);
    n = len > 0 ? read(tty, rep, sizeof(rep) - 1) : 0;
    T_OK(n >= 6 && rep[0] == '\033' && rep[1] == '[' && rep[n - 1] == 'R' &&
         strstr(rep, ";1R") != NULL, "the screen answers ESC [ 6 n with ESC [ row ; 1 R");

    /* Back to canonical: a half-typed raw "xy" is readable at once (Linux). */
    types("xy");
    wait_readable(2);
    set_attr(&saved);
    n = read(tty, buf, sizeof(buf));
    T_OK(n == 2 && memcmp(buf, "xy", 2) == 0, "switching to canonical hands over the pending bytes");
}

/* ---- flushing ------------------------------------------------------------------- */

static void flushing(void)
{
    char buf[64];
    ssize_t n;

    types("stale\n");
    T_EQ(wait_readable(6), 6, "FIONREAD counts a complete line");
    T_SUCCESS(tcsetattr(tty, TCSAFLUSH, &saved), "TCSETSF");
    T_EQ(readable(), 0, "TCSETSF flushed the typed line");
    types("fresh\n");
    n = read(tty, buf, sizeof(buf));
    T_OK(n == 6 && memcmp(buf, "fresh\n", 6) == 0, "after TCSETSF the next line reads");

    types("old\n");
    wait_readable(4);
    T_SUCCESS(tcflush(tty, TCIFLUSH), "TCFLSH TCIFLUSH");
    T_EQ(readable(), 0, "TCFLSH flushed the input");
    T_ERRNO(tcflush(tty, 7), EINVAL, "TCFLSH with a bad queue: EINVAL");
    types("new\n");
    n = read(tty, buf, sizeof(buf));
    T_OK(n == 4 && memcmp(buf, "new\n", 4) == 0, "after TCFLSH the next line reads");
}

/* ---- attributes ------------------------------------------------------------------- */

static void attributes(void)
{
    struct termios t;
    T_SUCCESS(tcgetattr(tty, &t), "TCGETS");
    T_EQ(t.c_iflag, ICRNL | IXON, "default c_iflag");
    T_EQ(t.c_oflag, OPOST | ONLCR, "default c_oflag");
    T_EQ(t.c_cflag, B38400 | CS8 | CREAD | HUPCL, "default c_cflag");
    T_EQ(t.c_lflag, ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
         "default c_lflag");
    T_OK(t.c_cc[VINTR] == 3 && t.c_cc[VQUIT] == 0x1c && t.c_cc[VERASE] == 0x7f &&
         t.c_cc[VKILL] == 0x15 && t.c_cc[VEOF] == 4 && t.c_cc[VTIME] == 0 &&
         t.c_cc[VMIN] == 1 && t.c_cc[VSTART] == 0x11 && t.c_cc[VSTOP] == 0x13 &&
         t.c_cc[VSUSP] == 0x1a && t.c_cc[VREPRINT] == 0x12 && t.c_cc[VWERASE] == 0x17 &&
         t.c_cc[VLNEXT] == 0x16, "default control characters (Linux's INIT_C_CC)");

    struct winsize w, w2 = { .ws_row = 33, .ws_col = 99 }, w3;
    T_SUCCESS(ioctl(tty, TIOCGWINSZ, &w), "TIOCGWINSZ");
    T_OK(w.ws_col >= 80 && w.ws_row >= 25, "the window is the screen's size (80x25 or more)");
    T_SUCCESS(ioctl(tty, TIOCSWINSZ, &w2), "TIOCSWINSZ");
    T_OK(ioctl(tty, TIOCGWINSZ, &w3) == 0 && w3.ws_row == 33 && w3.ws_col == 99,
         "TIOCSWINSZ is kept");
    ioctl(tty, TIOCSWINSZ, &w);

    pid_t sid = -1;
    T_SUCCESS(ioctl(tty, TIOCGSID, &sid), "TIOCGSID");
    T_EQ(sid, getsid(0), "TIOCGSID is the session");
    T_ERRNO(ioctl(tty, 0x54FF, 0), ENOTTY, "an unknown tty ioctl: ENOTTY");
    T_ERRNO(tcgetattr(tty, (struct termios *)1), EFAULT, "TCGETS to a bad pointer: EFAULT");
    T_ERRNO(tcsetattr(tty, TCSANOW, (struct termios *)1), EFAULT, "TCSETS from a bad pointer: EFAULT");
}

int main(void)
{
    char buf[64];

    t_begin("tty_serial");
    tty = open("/dev/console", O_RDWR);
    T_OK(tty >= 0, "open /dev/console");
    T_SUCCESS(tcgetattr(tty, &saved), "tcgetattr");
    attributes();

    /* Is anyone typing? Without the harness nothing comes: fail, do not hang. */
    types("ping\n");
    if (wait_readable(5) < 5) {
        T_OK(0, "the harness types on the serial port (tools/serial-typist.py)");
        return t_end();
    }
    T_OK(read(tty, buf, sizeof(buf)) == 5 && memcmp(buf, "ping\n", 5) == 0,
         "a line typed on the serial port is read");

    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        run_row(i);
    long_line(300, 300);
    long_line(4095, 4095);
    long_line(5000, 4095);
    signal_char(3, SIGINT, "Ctrl-C");
    signal_char(0x1c, SIGQUIT, "Ctrl-\\");
    raw_mode();
    flushing();
    set_attr(&saved);
    close(tty);
    return t_end();
}
