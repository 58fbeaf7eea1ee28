/*
 * console_input: the console's line discipline, driven through TIOCSTI
 * (ioctl pushing one byte into the terminal's input as if typed; Linux's,
 * root only on agora, which does not track controlling terminals).
 *
 * Each row types its input, then reads, each read expecting its bytes
 * (an empty expectation is end of file, read returning 0): a line becomes
 * readable at Enter, DEL (VERASE) erases, Enter may be a carriage return
 * (ICRNL), a short read leaves the rest of the line for the next one, and
 * Ctrl-D ends a line without a newline: on an empty line read returns 0
 * (end of file), which makes the interactive shell leave.
 * After every row's input a marker line is typed, and read back after the
 * row's reads, so a row that goes wrong cannot hang the test or leave
 * bytes behind for the next one (and the echo ends its line in the log).
 */
#include <agora_test.h>
#include <fcntl.h>
#include <sys/ioctl.h>

static int tty = -1;

/* Type s (n bytes) into the console. 0, or -1 with errno. */
static int type(const char *s, size_t n)
{
    fflush(stdout);
    for (size_t i = 0; i < n; i++)
        if (ioctl(tty, TIOCSTI, &s[i]) != 0)
            return -1;
    return 0;
}

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
    const char *input;                  /* typed, then the reads */
    struct expect reads[4];
} rows[] = {
    { "a line is read whole, with its newline", "hello\n", { { 64, "hello\n" } } },
    /* VERASE is DEL (the keyboard's Backspace sends it); ^H is data, as on Linux. */
    { "DEL erases, ^H is data", "ab\bc\x7f" "d\n", { { 64, "ab\bd\n" } } },
    { "carriage return is Enter (ICRNL)", "cr\r", { { 64, "cr\n" } } },
    { "a short read leaves the rest of the line", "abcdef\n",
      { { 2, "ab" }, { 3, "cde" }, { 64, "f\n" } } },
    { "one line per read", "one\ntwo\n", { { 64, "one\n" }, { 64, "two\n" } } },
    /* Ctrl-D (VEOF), as on Linux: it ends the line without a newline of
     * its own, so on an empty line read returns 0, end of file. */
    { "Ctrl-D after text gives the text, no newline", "abc\x04", { { 64, "abc" } } },
    { "Ctrl-D on an empty line is end of file", "\x04", { { 64, "" } } },
    { "Ctrl-D ends the line: what follows is the next line", "abc\x04" "def\n",
      { { 64, "abc" }, { 64, "def\n" } } },
    { "two Ctrl-Ds on an empty line: two ends of file", "\x04\x04",
      { { 64, "" }, { 64, "" } } },
    { "Ctrl-D after a line: the line, then end of file", "line\n\x04",
      { { 64, "line\n" }, { 64, "" } } },
    { "Ctrl-D after text, then on the empty line", "ab\x04\x04",
      { { 64, "ab" }, { 64, "" } } },
    { "a read filled up at a Ctrl-D eats it: no end of file nobody typed",
      "abcd\x04", { { 2, "ab" }, { 2, "cd" }, { 64, "#sync\n" } } },
    { "a read of exactly the text before Ctrl-D eats it too", "xyz\x04",
      { { 3, "xyz" }, { 64, "#sync\n" } } },
};

/* Type the row's input and a marker line, do the row's reads, then read
 * up to the marker: the marker keeps every read from blocking even when
 * the discipline is wrong, and nothing is left for the next row. */
static void run_row(size_t i)
{
    const char *in = rows[i].input;
    char what[160], detail[200];
    if (type(in, strlen(in)) != 0 || type(mark, MARK_LEN) != 0) {
        snprintf(what, sizeof(what), "%s: typing works", rows[i].what);
        T_OK(0, what);
        return;
    }
    char buf[256];
    ssize_t n = 0;
    int marked = 0;
    for (int k = 0; k < 4 && rows[i].reads[k].size; k++) {
        const struct expect *e = &rows[i].reads[k];
        memset(buf, 0, sizeof(buf));
        n = read(tty, buf, e->size);
        marked = ends_with_mark(buf, n);
        size_t want = strlen(e->bytes);
        int ok = n == (ssize_t)want && memcmp(buf, e->bytes, want) == 0;
        snprintf(what, sizeof(what), "%s: read %d of %zu bytes", rows[i].what, k + 1, e->size);
        snprintf(detail, sizeof(detail), "got %zd bytes \"%.*s\", want %zu \"%s\"", n,
                 n > 0 ? (int)n : 0, buf, want, e->bytes);
        t_check(ok, what, ok ? NULL : detail);
        if (!ok || marked)
            break;                      /* the rest of the row means nothing now */
    }
    while (!marked && n >= 0) {
        n = read(tty, buf, sizeof(buf));
        marked = ends_with_mark(buf, n);
    }
}

static void tiocsti_rules(void)
{
    char c = 'x';
    T_ERRNO(ioctl(tty, TIOCSTI, (char *)1), EFAULT, "TIOCSTI with a bad pointer: EFAULT");
    int fd = open("/etc/passwd", O_RDONLY);
    T_ERRNO(ioctl(fd, TIOCSTI, &c), ENOTTY, "TIOCSTI on a file: ENOTTY");
    close(fd);
    T_ERRNO(ioctl(99, TIOCSTI, &c), EBADF, "TIOCSTI on a closed descriptor: EBADF");
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        if (setresuid(1000, 1000, 1000) != 0)
            _exit(2);
        errno = 0;
        int r = ioctl(tty, TIOCSTI, &c);
        _exit(r == -1 && errno == EPERM ? 0 : 1);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "TIOCSTI by a non-root process: EPERM");
}

/* The interactive shell leaves at end of file: type a command, Ctrl-D and
 * "exit 7"; sh must run the command and end with its status 0 at the
 * Ctrl-D, leaving "exit 7" unread (were Ctrl-D ignored, sh would run it). */
static void sh_exits_on_eof(void)
{
    static const char in[] = "echo sh-saw-this\n\x04" "exit 7\n";
    T_SUCCESS(type(in, sizeof(in) - 1), "type the shell's input");
    pid_t pid = fork();
    if (pid == 0) {
        dup2(tty, 0);
        char *argv[] = { "agora-sh", NULL };
        execv("/bin/agora-sh", argv);      /* agora's own shell, even where /bin/sh is busybox */
        _exit(127);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    T_OK(WIFEXITED(st), "sh exited");
    T_EQ(WEXITSTATUS(st), 0, "sh left at the Ctrl-D with the status of its last command");
    char buf[64];
    memset(buf, 0, sizeof(buf));
    ssize_t n = WEXITSTATUS(st) == 0 ? read(tty, buf, sizeof(buf)) : 0;
    T_OK(n == 7 && memcmp(buf, "exit 7\n", 7) == 0, "the line after the Ctrl-D is still there");
}

int main(void)
{
    t_begin("console_input");
    tty = open("/dev/console", O_RDWR);
    T_OK(tty >= 0, "open /dev/console");
    char c = '\n';
    int typed = ioctl(tty, TIOCSTI, &c) == 0;
    T_OK(typed, "TIOCSTI types a byte");
    if (!typed)
        return t_end();
    char nl[8];
    T_EQ(read(tty, nl, sizeof(nl)), 1, "and it is read back");
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        run_row(i);
    sh_exits_on_eof();
    tiocsti_rules();
    close(tty);
    return t_end();
}
