/*
 * busybox_lines: agora's side of the busybox comparison (tests/busybox/).
 * For each line "NN COMMAND" of /etc/busybox-cases.txt it runs
 *
 *   /bin/busybox sh -c 'COMMAND'
 *
 * in a child with /testdata/busybox as working directory, a fixed
 * environment, stdin at end of file and stdout + stderr captured together
 * through one pipe, and prints a record on the console:
 *
 *   @@bb NN begin
 *   |each line of the output, prefixed with '|'
 *   @@bb NN end exit 0 eol
 *
 * "exit N" or "signal N" is how the shell ended, "timeout" if it was killed
 * after CASE_SECONDS, "error WHY" if it could not be run; "eol" or "noeol"
 * whether the output ended with a newline. tools/busybox-compare.py reads
 * the records from the serial log and compares them with the same lines
 * run by the same busybox on Linux (qemu-i386): this program judges
 * nothing, and passes once every case has a record. Lines without the '|'
 * prefix inside a record are the kernel's, and are ignored.
 *
 * Where pipe() fails (a kernel without pipes) the child writes to the
 * console itself, inside the record without the '|', and the record says
 * "direct": such a case cannot match.
 * A case is killed, with its process group, by a watchdog process after
 * CASE_SECONDS, so one hang never stops the run; and no case starts after
 * BB_BUDGET seconds (environment, from the kernel command line; default
 * 100, within init's time-out of a test): the rest get "end skipped".
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BUSYBOX "/bin/busybox"
#define CASES "/etc/busybox-cases.txt"
#define FIXTURE "/testdata/busybox"
#define CASE_SECONDS 10
#define OUT_MAX (64 * 1024)

static char out[OUT_MAX];

/* The record's end (its "begin" line is printed before the case runs, so
 * that the output of a case that could not be captured falls inside). */
static void print_record(const char *nn, const char *outcome, size_t len, int truncated,
                         int direct)
{
    size_t i = 0;
    while (i < len) {
        const char *nl = memchr(out + i, '\n', len - i);
        size_t n = nl ? (size_t)(nl - (out + i)) : len - i;
        printf("|%.*s\n", (int)n, out + i);
        i += n + (nl ? 1 : 0);
    }
    printf("@@bb %s end %s %s%s%s\n", nn, outcome,
           len > 0 && out[len - 1] != '\n' ? "noeol" : "eol",
           truncated ? " truncated" : "", direct ? " direct" : "");
    fflush(stdout);
}

static void child(const char *cmd, int outfd, int infd)
{
    setpgid(0, 0);
    if (outfd >= 0) {
        dup2(outfd, 1);
        dup2(outfd, 2);
        close(outfd);
    }
    if (infd >= 0) {
        dup2(infd, 0);
        close(infd);
    } else {
        close(0);
    }
    if (chdir(FIXTURE) < 0) {
        printf("busybox_lines: chdir %s: %s\n", FIXTURE, strerror(errno));
        fflush(stdout);
        _exit(126);
    }
    char *argv[] = { "busybox", "sh", "-c", (char *)cmd, NULL };
    char *envp[] = { "PATH=/usr/bin:/bin", "HOME=/", "TZ=UTC", NULL };
    execve(BUSYBOX, argv, envp);
    printf("busybox_lines: execve %s: %s\n", BUSYBOX, strerror(errno));
    fflush(stdout);
    _exit(127);
}

static void run_case(const char *nn, const char *cmd)
{
    int po[2] = { -1, -1 }, pi[2] = { -1, -1 };
    int direct = pipe(po) < 0;
    if (!direct && pipe(pi) < 0)
        pi[0] = pi[1] = -1;

    printf("@@bb %s begin\n", nn);
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        char why[64];
        snprintf(why, sizeof(why), "error fork:%d", errno);
        for (int i = 0; i < 2; i++) {
            if (po[i] >= 0)
                close(po[i]);
            if (pi[i] >= 0)
                close(pi[i]);
        }
        print_record(nn, why, 0, 0, direct);
        return;
    }
    if (pid == 0) {
        if (po[0] >= 0)
            close(po[0]);
        if (pi[1] >= 0)
            close(pi[1]);
        child(cmd, po[1], pi[0]);
    }
    setpgid(pid, pid);                  /* either side may win the race */
    if (po[1] >= 0)
        close(po[1]);
    if (pi[0] >= 0)
        close(pi[0]);
    if (pi[1] >= 0)
        close(pi[1]);                   /* the child reads end of file */

    pid_t dog = fork();
    if (dog == 0) {
        if (po[0] >= 0)
            close(po[0]);
        sleep(CASE_SECONDS);
        kill(-pid, SIGKILL);
        kill(pid, SIGKILL);
        _exit(0);
    }

    size_t len = 0;
    int truncated = 0;
    if (po[0] >= 0) {
        for (;;) {
            char tmp[512];
            ssize_t n = read(po[0], tmp, sizeof(tmp));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            size_t room = OUT_MAX - len;
            size_t take = (size_t)n < room ? (size_t)n : room;
            memcpy(out + len, tmp, take);
            len += take;
            if (take < (size_t)n)
                truncated = 1;
        }
        close(po[0]);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    kill(-pid, SIGKILL);                /* whatever the case left running */

    int timed_out = 0;
    if (dog > 0) {
        int ds = 0;
        kill(dog, SIGKILL);
        waitpid(dog, &ds, 0);
        timed_out = WIFEXITED(ds) && WEXITSTATUS(ds) == 0;
    }
    char outcome[32];
    if (timed_out)
        snprintf(outcome, sizeof(outcome), "timeout");
    else if (WIFSIGNALED(status))
        snprintf(outcome, sizeof(outcome), "signal %d", WTERMSIG(status));
    else
        snprintf(outcome, sizeof(outcome), "exit %d", WEXITSTATUS(status));
    print_record(nn, outcome, len, truncated, direct);
}

static long now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec;
}

int main(void)
{
    long budget = getenv("BB_BUDGET") ? atol(getenv("BB_BUDGET")) : 100;
    long start = now_seconds();
    if (access(BUSYBOX, X_OK) < 0) {
        printf("busybox_lines: no %s in this image; nothing to compare\n", BUSYBOX);
        return 0;
    }
    FILE *f = fopen(CASES, "re");
    if (!f) {
        printf("busybox_lines: %s: %s\n", CASES, strerror(errno));
        return 1;
    }
    static char line[4096];
    int ncases = 0;
    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\n")] = '\0';
        char *p = line;
        if (*p < '0' || *p > '9')
            continue;                   /* comments and blank lines */
        char *nn = p;
        while (*p >= '0' && *p <= '9')
            p++;
        if (*p != ' ')
            continue;
        *p++ = '\0';
        if (now_seconds() - start > budget) {
            printf("@@bb %s begin\n", nn);
            print_record(nn, "skipped", 0, 0, 0);
        } else
            run_case(nn, p);
        ncases++;
    }
    fclose(f);
    printf("busybox_lines: %d cases run\n", ncases);
    return 0;
}
