/*
 * kill: send a signal to processes.
 *
 *   kill PID...              SIGTERM
 *   kill -SIG PID...         SIG by number (-9) or name (-KILL, -SIGKILL)
 *   kill -s SIG PID...
 *   kill -l                  list the signal names
 *
 * PID -1 means every process the caller may signal (init excepted); write
 * it after the signal ("kill -9 -1"), since a first "-1" names SIGHUP.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const names[32] = {
    [SIGHUP] = "HUP", [SIGINT] = "INT", [SIGQUIT] = "QUIT", [SIGILL] = "ILL",
    [SIGTRAP] = "TRAP", [SIGABRT] = "ABRT", [SIGBUS] = "BUS", [SIGFPE] = "FPE",
    [SIGKILL] = "KILL", [SIGUSR1] = "USR1", [SIGSEGV] = "SEGV",
    [SIGUSR2] = "USR2", [SIGPIPE] = "PIPE", [SIGALRM] = "ALRM",
    [SIGTERM] = "TERM", [SIGSTKFLT] = "STKFLT", [SIGCHLD] = "CHLD",
    [SIGCONT] = "CONT", [SIGSTOP] = "STOP", [SIGTSTP] = "TSTP",
    [SIGTTIN] = "TTIN", [SIGTTOU] = "TTOU", [SIGURG] = "URG",
    [SIGXCPU] = "XCPU", [SIGXFSZ] = "XFSZ", [SIGVTALRM] = "VTALRM",
    [SIGPROF] = "PROF", [SIGWINCH] = "WINCH", [SIGIO] = "IO",
    [SIGPWR] = "PWR", [SIGSYS] = "SYS",
};

/* "9", "KILL", "SIGKILL" -> 9; -1 if unknown. */
static int parse_signal(const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (end != s && !*end)
        return v >= 0 && v < 65 ? (int)v : -1;
    if (strncasecmp(s, "SIG", 3) == 0)
        s += 3;
    for (int i = 1; i < 32; i++)
        if (names[i] && strcasecmp(s, names[i]) == 0)
            return i;
    return -1;
}

int main(int argc, char **argv)
{
    int sig = SIGTERM;
    int i = 1;
    if (argc < 2)
        goto usage;
    if (strcmp(argv[1], "-l") == 0) {
        for (int s = 1; s < 32; s++)
            printf("%2d) SIG%-8s%s", s, names[s], s % 5 == 0 ? "\n" : " ");
        printf("\n");
        return 0;
    }
    if (strcmp(argv[1], "-s") == 0) {
        if (argc < 3)
            goto usage;
        sig = parse_signal(argv[2]);
        i = 3;
    } else if (argv[1][0] == '-' && argv[1][1]) {
        sig = parse_signal(argv[1] + 1);
        i = 2;
    }
    if (sig < 0) {
        fprintf(stderr, "kill: unknown signal %s\n", argv[i - 1]);
        return 1;
    }
    if (i >= argc)
        goto usage;
    int status = 0;
    for (; i < argc; i++) {
        char *end;
        long pid = strtol(argv[i], &end, 10);
        if (end == argv[i] || *end) {
            fprintf(stderr, "kill: bad pid '%s'\n", argv[i]);
            status = 1;
            continue;
        }
        if (kill((pid_t)pid, sig) < 0) {
            fprintf(stderr, "kill: (%ld) - %s\n", pid, strerror(errno));
            status = 1;
        }
    }
    return status;
usage:
    fprintf(stderr, "usage: kill [-SIG | -s SIG] PID... | kill -l\n");
    return 1;
}
