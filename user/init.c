/*
 * init: process 1. Its arguments are the kernel command-line words.
 *
 *   test       run every program listed in /etc/tests (one per file in
 *              user/tests/), one at a time, each in its own process with a
 *              time-out; print "PASS name" or "FAIL name (why)" for each and
 *              a summary; then power off with the verdict.
 *   testsuite  the same run for a person at the machine (the USB stick's
 *              "run the test suite" entry): each test's output is captured,
 *              not shown; one coloured progress line per test; then a report
 *              screen (counts, each failed test with its first failure line)
 *              and a key: r reboots, p powers off. Tests that need the host's
 *              side of make test (host_only below) are skipped, and counted so.
 *   bench      run /bin/bench, then power off.
 *   bootcheck  power off at once (the UEFI boot check of make test).
 *   otherwise  run the demos, then a shell on the console, for ever; the
 *              signals busybox's halt, poweroff and reboot send to init
 *              (SIGUSR1, SIGUSR2, SIGTERM) end every process and then
 *              halt, power off or reboot the machine.
 *
 * A word NAME=VALUE with NAME in capitals goes into the environment, which
 * every test and program inherits (Linux does the same for init): `make
 * fuzz` passes the fuzzer's seed and budget this way (FUZZ_SEED=3 ...).
 *
 * Around every test init compares the free frames and the shm segments in
 * existence: a test that leaves either behind fails, whatever it printed.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <uapi/agora.h>
#include "agora_prefault.h"

#define REBOOT_MAGIC1 0xfee1dead
#define REBOOT_MAGIC2 672274793
#define REBOOT_CMD_RESTART 0x01234567
#define REBOOT_CMD_HALT 0xCDEF0123
#define REBOOT_CMD_POWER_OFF 0x4321FEDC

/* ANSI SGR colours (the screen consoles are VT100s: kernel/dev/vt.c). */
#define GREEN "\033[32m"
#define RED "\033[31m"
#define YELLOW "\033[33m"
#define BOLD "\033[1m"
#define RESET "\033[0m"

static int timeout_seconds = 120;

static void power_off(int ok)
{
    fflush(stdout);
    syscall(SYS_reboot, REBOOT_MAGIC1, REBOOT_MAGIC2,
            ok ? REBOOT_CMD_POWER_OFF : REBOOT_CMD_HALT, 0);
    for (;;)
        pause();
}

static void meminfo(struct agora_meminfo *mi)
{
    syscall(AGORA_NR_meminfo, mi);
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Kill whatever a test left running and reap it (and any other orphan). */
static void reap_all(void)
{
    kill(-1, SIGKILL);
    while (waitpid(-1, NULL, 0) > 0)
        ;
}

/* Fork and exec path; out >= 0 becomes the child's stdout and stderr. */
static pid_t spawn_to(const char *path, char *const argv[], int out)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (out >= 0) {
            dup2(out, 1);
            dup2(out, 2);
            close(out);
        }
        execv(path, argv);
        printf("init: cannot run %s: %s\n", path, strerror(errno));
        _exit(127);
    }
    return pid;
}

static pid_t spawn(const char *path, char *const argv[])
{
    return spawn_to(path, argv, -1);
}

/*
 * A test's captured output (testsuite mode): init reads the pipe while the
 * test runs and keeps only two lines of it, the first that reports a
 * failure (agora_test.h's "not ok", or a "FAIL" line) and the last one.
 * One pipe serves the whole suite, made before the first count: made for
 * each test, its kernel-heap blocks sat at the heap's top while the test
 * ran, and what the test made the kernel allocate for a while (/proc
 * nodes of its own process) grew the heap by a frame that readme_session's
 * own leak check counted.
 */
#define LINE_MAX_KEPT 200

struct capture {
    int fd;                             /* the pipe's read end (non-blocking) */
    int wfd;                            /* its write end, each test's stdout and stderr */
    char cur[LINE_MAX_KEPT];            /* the line being read */
    size_t n;
    char first_fail[LINE_MAX_KEPT];
    char last[LINE_MAX_KEPT];
};

static int is_failure_line(const char *s)
{
    return strncmp(s, "not ok", 6) == 0 || strncmp(s, "FAIL", 4) == 0 ||
           strstr(s, "PANIC") != NULL;
}

static void end_line(struct capture *c)
{
    c->cur[c->n] = '\0';
    c->n = 0;
    if (!c->cur[0])
        return;
    if (!c->first_fail[0] && is_failure_line(c->cur))
        memcpy(c->first_fail, c->cur, sizeof(c->cur));
    /* The plan and passing checks say nothing about why a test failed. */
    if (strncmp(c->cur, "ok ", 3) != 0 && strcmp(c->cur, "ok - no frames leaked") != 0 &&
        strncmp(c->cur, "ok - no shm", 11) != 0 && strncmp(c->cur, "1..", 3) != 0)
        memcpy(c->last, c->cur, sizeof(c->cur));
}

/*
 * Read what the pipe holds now (its read end does not block); 1 if there
 * was something. No poll(2) here: poll takes kernel heap while it waits,
 * and the kernel heap's growth would show up as frames the running test
 * leaked; read and nanosleep take none.
 */
static int capture_read(struct capture *c)
{
    char buf[512];
    int any = 0;
    ssize_t got;
    while ((got = read(c->fd, buf, sizeof(buf))) > 0) {
        any = 1;
        for (ssize_t i = 0; i < got; i++) {
            char ch = buf[i];
            if (ch == '\n')
                end_line(c);
            else if (ch == '\r' || ch == '\033')
                ;                       /* no escapes or returns in the report */
            else if (c->n + 1 < sizeof(c->cur))
                c->cur[c->n++] = ch;
        }
    }
    return any;
}

/* A test's verdict: why is empty if it passed. */
struct outcome {
    char why[96];
};

/* Run one test and fill o; returns 1 if it passed. With c (testsuite mode)
 * its stdout and stderr go to a pipe that init reads into c; without, to
 * the console, after a "# test NAME" line. */
static int run_test(const char *name, struct capture *c, struct outcome *o)
{
    char path[160];
    snprintf(path, sizeof(path), "/tests/%s", name);
    struct agora_meminfo before, after;
    o->why[0] = '\0';
    meminfo(&before);

    int out = -1;
    if (c) {
        c->n = 0;
        c->first_fail[0] = c->last[0] = '\0';
        out = c->wfd;
    } else {
        printf("# test %s\n", name);
        fflush(stdout);
    }
    char *argv[] = { path, NULL };
    pid_t pid = spawn_to(path, argv, out);
    if (pid < 0) {
        snprintf(o->why, sizeof(o->why), "fork: %s", strerror(errno));
        return 0;
    }
    long deadline = now_ms() + timeout_seconds * 1000L;
    int status = 0;
    int timed_out = 0;
    for (;;) {
        pid_t got = waitpid(pid, &status, WNOHANG);
        if (got == pid)
            break;
        while (waitpid(-1, NULL, WNOHANG) > 0)
            ;                           /* orphans the test left */
        if (now_ms() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            timed_out = 1;
            break;
        }
        /* A full pipe stops the test: read again soon after it had data. */
        usleep(c && capture_read(c) ? 2000 : 20000);
    }
    reap_all();
    if (c) {
        capture_read(c);                /* the rest: the test's processes are gone */
        end_line(c);
    }
    meminfo(&after);

    if (timed_out)
        snprintf(o->why, sizeof(o->why), "timeout after %d s", timeout_seconds);
    else if (WIFSIGNALED(status))
        snprintf(o->why, sizeof(o->why), "signal %d", WTERMSIG(status));
    else if (WEXITSTATUS(status) != 0)
        snprintf(o->why, sizeof(o->why), "exit %d", WEXITSTATUS(status));
    else if (after.shm_segments != before.shm_segments)
        snprintf(o->why, sizeof(o->why), "left %d shm segments behind",
                 (int)(after.shm_segments - before.shm_segments));
    else if (after.free_frames != before.free_frames)
        snprintf(o->why, sizeof(o->why), "free frames %u before, %u after",
                 before.free_frames, after.free_frames);
    return o->why[0] == '\0';
}

/*
 * Tests that cannot pass on a machine on its own: they need the host's
 * side of make test (tools/test.sh). testsuite mode skips them and says why.
 */
static const struct {
    const char *name, *why;
} host_only[] = {
    { "tty_serial", "needs the host's serial typist on COM1 (tools/serial-typist.py)" },
};

static const char *host_only_why(const char *name)
{
    for (size_t i = 0; i < sizeof(host_only) / sizeof(host_only[0]); i++)
        if (strcmp(name, host_only[i].name) == 0)
            return host_only[i].why;
    return NULL;
}

/* What the report keeps of a failed or skipped test. */
#define REPORT_MAX 64

struct report_entry {
    char name[48];
    char why[96];
    char line[LINE_MAX_KEPT];
};

static struct report_entry failures[REPORT_MAX], skips[REPORT_MAX];
static struct capture cap;

static void keep(struct report_entry *list, int n, const char *name, const char *why,
                 const char *line)
{
    if (n >= REPORT_MAX)
        return;
    snprintf(list[n].name, sizeof(list[n].name), "%s", name);
    snprintf(list[n].why, sizeof(list[n].why), "%s", why);
    snprintf(list[n].line, sizeof(list[n].line), "%s", line);
}

/* Print a line cut to width columns (the screen's), then a newline. */
static void __attribute__((format(printf, 2, 3))) put_cut(int width, const char *fmt, ...)
{
    char text[LINE_MAX_KEPT + 160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    printf("%.*s\n", width, text);
}

/* The report screen; then r reboots, p powers off (a key on the console). */
static void report_screen(int passed, int failed, int skipped, long ms)
{
    struct winsize ws = { 0 };
    int cols = 80, rows = 25;
    if (ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20 && ws.ws_row >= 10) {
        cols = ws.ws_col;
        rows = ws.ws_row;
    }
    printf("\033[H\033[2J");            /* cursor home, clear the screen */
    printf(BOLD "agora test suite report" RESET "\n\n");
    printf("report: %s%d passed" RESET ", %s%d failed" RESET ", %s%d skipped" RESET
           " in %ld s\n",
           GREEN, passed, failed ? RED : "", failed, skipped ? YELLOW : "", skipped,
           (ms + 500) / 1000);
    put_cut(cols, "Test programs of /etc/tests; the kernel self-tests printed theirs at boot.");
    printf("\n");

    /* Room for the failures: the screen less the other lines. */
    int nskip_lines = skipped ? skipped + 2 : 0;
    int room = rows - 7 - nskip_lines - 2;
    if (failed) {
        printf(RED "Failed:" RESET "\n");
        room--;
        int shown = 0;
        for (int i = 0; i < failed && i < REPORT_MAX; i++) {
            int left = failed - i;
            /* Two lines a test; keep one for "and N more" unless this is the last. */
            if ((left > 1 && room < 5) || room < 2)
                break;
            printf(RED);
            put_cut(cols, "  %s (%s)", failures[i].name, failures[i].why);
            printf(RESET);
            put_cut(cols, "    %s", failures[i].line);
            room -= 2;
            shown++;
        }
        if (shown < failed)
            printf("  and %d more\n", failed - shown);
        printf("\n");
    }
    if (skipped) {
        printf(YELLOW "Skipped:" RESET "\n");
        for (int i = 0; i < skipped && i < REPORT_MAX; i++) {
            put_cut(cols, "  %s: %s", skips[i].name, skips[i].why);
        }
        printf("\n");
    }
    printf(BOLD "Press r to reboot, p to power off." RESET "\n");
    fflush(stdout);

    /* Raw mode: one key, no Enter, no echo. */
    struct termios t;
    if (tcgetattr(0, &t) == 0) {
        t.c_lflag &= ~(ICANON | ECHO);
        t.c_cc[VMIN] = 1;
        t.c_cc[VTIME] = 0;
        tcsetattr(0, TCSAFLUSH, &t);
    }
    for (;;) {
        char key;
        ssize_t got = read(0, &key, 1);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            for (;;)
                pause();                /* no keyboard: wait for ever */
        }
        uint32_t cmd;
        if (key == 'r' || key == 'R') {
            printf("init: rebooting\n");
            cmd = REBOOT_CMD_RESTART;
        } else if (key == 'p' || key == 'P') {
            printf("init: powering off\n");
            cmd = REBOOT_CMD_POWER_OFF;
        } else {
            continue;
        }
        fflush(stdout);
        if (syscall(SYS_reboot, REBOOT_MAGIC1, REBOOT_MAGIC2, cmd, 0) < 0)
            printf("init: reboot: %s\n", strerror(errno));
        fflush(stdout);
    }
}

/*
 * Run every test of /etc/tests. report == 0 (test mode): the lines make
 * test reads, then power off with the verdict. report == 1 (testsuite
 * mode): progress lines and the report screen.
 */
static void run_tests(int report)
{
    /* Close-on-exec: a test sharing this descriptor could move its offset
     * (lseek) and make init run the list again. */
    FILE *f = fopen("/etc/tests", "re");
    if (!f) {
        printf("FAIL init (no /etc/tests)\n");
        if (!report)
            power_off(0);
        return;
    }
    char line[128];
    int total = 1;                      /* suite_frames */
    while (fgets(line, sizeof(line), f))
        if (line[0] != '\n')
            total++;
    rewind(f);

    struct agora_meminfo start, end;
    if (report) {
        int fds[2];
        if (pipe2(fds, O_CLOEXEC) < 0) {
            printf("init: pipe: %s\n", strerror(errno));
            return;
        }
        cap.fd = fds[0];
        cap.wfd = fds[1];
        fcntl(cap.fd, F_SETFL, O_NONBLOCK);  /* this end only: the test's writes wait */
    }
    agora_prefault();                   /* init's own first touches are not leaks */
    meminfo(&start);
    long t0 = now_ms();
    int passed = 0, failed = 0, skipped = 0, i = 0;
    struct outcome o;
    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\n")] = '\0';
        if (!line[0])
            continue;
        i++;
        if (!report) {
            if (run_test(line, NULL, &o)) {
                printf("PASS %s\n", line);
                passed++;
            } else {
                printf("FAIL %s (%s)\n", line, o.why);
                failed++;
            }
            continue;
        }
        const char *skip = host_only_why(line);
        if (skip) {
            printf("[%3d/%d] " YELLOW "SKIP" RESET " %s (%s)\n", i, total, line, skip);
            keep(skips, skipped++, line, skip, "");
        } else if (run_test(line, &cap, &o)) {
            printf("[%3d/%d] " GREEN "PASS" RESET " %s\n", i, total, line);
            passed++;
        } else {
            printf("[%3d/%d] " RED "FAIL" RESET " %s (%s)\n", i, total, line, o.why);
            keep(failures, failed++, line, o.why,
                 cap.first_fail[0] ? cap.first_fail : cap.last);
        }
        fflush(stdout);
    }
    fclose(f);
    meminfo(&end);
    i++;
    if (end.free_frames != start.free_frames) {
        char why[96];
        snprintf(why, sizeof(why), "free frames %u before the suite, %u after",
                 start.free_frames, end.free_frames);
        if (report) {
            printf("[%3d/%d] " RED "FAIL" RESET " suite_frames (%s)\n", i, total, why);
            keep(failures, failed, "suite_frames", why, "");
        } else {
            printf("FAIL suite_frames (%s)\n", why);
        }
        failed++;
    } else {
        if (report)
            printf("[%3d/%d] " GREEN "PASS" RESET " suite_frames\n", i, total);
        else
            printf("PASS suite_frames\n");
        passed++;
    }
    if (!report) {
        printf("init: %d passed, %d failed\n", passed, failed);
        power_off(failed == 0);
    }
    fflush(stdout);
    report_screen(passed, failed, skipped, now_ms() - t0);
}

/*
 * busybox's halt, poweroff and reboot (without -f) ask init to do it:
 * SIGUSR1 halts, SIGUSR2 powers off, SIGTERM reboots. The handler only
 * notes the command; the loops that wait for children act on it.
 */
static volatile sig_atomic_t shutdown_cmd;

static void on_shutdown_signal(int sig)
{
    shutdown_cmd = sig == SIGUSR1 ? REBOOT_CMD_HALT
                 : sig == SIGUSR2 ? REBOOT_CMD_POWER_OFF : REBOOT_CMD_RESTART;
}

static void catch_shutdown_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_shutdown_signal;  /* no SA_RESTART: waitpid returns EINTR */
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGUSR2, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* As Linux's inits do: SIGTERM to every process, two seconds for them to
 * end, SIGKILL to the rest, then reboot(2) with the command noted. */
static void shutdown_now(void)
{
    uint32_t cmd = (uint32_t)shutdown_cmd;
    printf("\ninit: the system is going down: %s\n",
           cmd == REBOOT_CMD_HALT ? "halt" : cmd == REBOOT_CMD_POWER_OFF ? "power off" : "reboot");
    fflush(stdout);
    kill(-1, SIGTERM);
    for (long end = now_ms() + 2000; now_ms() < end;) {
        pid_t got = waitpid(-1, NULL, WNOHANG);
        if (got < 0 && errno == ECHILD)
            break;
        if (got <= 0)
            usleep(20000);
    }
    reap_all();
    sync();
    syscall(SYS_reboot, REBOOT_MAGIC1, REBOOT_MAGIC2, cmd, 0);
    printf("init: reboot: %s\n", strerror(errno));
    shutdown_cmd = 0;
}

/* Wait for pid, reaping orphans and acting on a shutdown signal. */
static void wait_for(pid_t pid)
{
    for (;;) {
        if (shutdown_cmd)
            shutdown_now();
        pid_t got = waitpid(-1, NULL, 0);
        if (got == pid || (got < 0 && errno == ECHILD))
            return;
    }
}

static void run_and_wait(const char *path, char *const argv[])
{
    pid_t pid = spawn(path, argv);
    if (pid > 0)
        wait_for(pid);
}

/* NAME=VALUE with NAME made of capitals, digits and '_'. */
static int is_env_word(const char *w)
{
    const char *eq = strchr(w, '=');
    if (!eq || eq == w)
        return 0;
    for (const char *p = w; p < eq; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return 0;
    return 1;
}

int main(int argc, char **argv)
{
    int test = 0, testsuite = 0, bench = 0, bootcheck = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "test") == 0)
            test = 1;
        else if (strcmp(argv[i], "testsuite") == 0)
            testsuite = 1;
        else if (strcmp(argv[i], "bench") == 0)
            bench = 1;
        else if (strcmp(argv[i], "bootcheck") == 0)
            bootcheck = 1;
        else if (strncmp(argv[i], "test-timeout=", 13) == 0)
            timeout_seconds = atoi(argv[i] + 13);
        else if (is_env_word(argv[i]))
            putenv(argv[i]);
    }
    if (bootcheck) {
        printf("init: boot check done\n");
        power_off(1);
    }
    if (test)
        run_tests(0);
    if (testsuite)
        run_tests(1);                   /* the report screen; never returns */
    if (bench) {
        char *bargv[] = { "/bin/bench", NULL };
        run_and_wait("/bin/bench", bargv);
        power_off(1);
    }

    catch_shutdown_signals();
    printf("init: agora is up. Try: ls /bin, ipcmk -M 8192, ipcs -m, vmmap, shmdemo_ringbuf\n");
    char *dargv[] = { "/bin/demo", NULL };
    if (access("/bin/demo", X_OK) == 0)
        run_and_wait("/bin/demo", dargv);
    /* The shell: Debian's busybox when the image has it (history, line
     * editing, pipes, job control), else agora's own small /bin/sh. */
    setenv("PATH", "/usr/bin:/bin", 0);   /* busybox applets first; agora's own tools in /bin */
    setenv("HOME", "/root", 0);         /* root's home in /etc/passwd */
    setenv("TERM", "vt100", 0);
    int busybox = access("/bin/busybox", X_OK) == 0;
    for (;;) {
        char *bargv[] = { "-sh", NULL };                /* a login shell reads /etc/profile */
        char *sargv[] = { "/bin/sh", NULL };
        pid_t pid = busybox ? spawn("/bin/busybox", bargv) : spawn("/bin/sh", sargv);
        if (pid < 0) {
            sleep(1);
            continue;
        }
        wait_for(pid);                  /* reap orphans until the shell ends */
    }
}
