/*
 * init: process 1. Its arguments are the kernel command-line words.
 *
 *   test       run every program listed in /etc/tests (one per file in
 *              user/tests/), one at a time, each in its own process with a
 *              time-out; print "PASS name" or "FAIL name (why)" for each and
 *              a summary; then power off with the verdict.
 *   bench      run /bin/bench, then power off.
 *   bootcheck  power off at once (the UEFI boot check of make test).
 *   otherwise  run the demos, then a shell on the console, for ever.
 *
 * A word NAME=VALUE with NAME in capitals goes into the environment, which
 * every test and program inherits (Linux does the same for init): `make
 * fuzz` passes the fuzzer's seed and budget this way (FUZZ_SEED=3 ...).
 *
 * Around every test init compares the free frames and the shm segments in
 * existence: a test that leaves either behind fails, whatever it printed.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <uapi/agora.h>
#include "agora_prefault.h"

#define REBOOT_MAGIC1 0xfee1dead
#define REBOOT_MAGIC2 672274793
#define REBOOT_CMD_HALT 0xCDEF0123
#define REBOOT_CMD_POWER_OFF 0x4321FEDC

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

static pid_t spawn(const char *path, char *const argv[])
{
    pid_t pid = fork();
    if (pid == 0) {
        execv(path, argv);
        printf("init: cannot run %s: %s\n", path, strerror(errno));
        _exit(127);
    }
    return pid;
}

/* Run one test; returns 1 if it passed. */
static int run_test(const char *name)
{
    char path[160];
    snprintf(path, sizeof(path), "/tests/%s", name);
    struct agora_meminfo before, after;
    meminfo(&before);

    printf("# test %s\n", name);
    fflush(stdout);
    char *argv[] = { path, NULL };
    pid_t pid = spawn(path, argv);
    if (pid < 0) {
        printf("FAIL %s (fork: %s)\n", name, strerror(errno));
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
        usleep(20000);
    }
    reap_all();
    meminfo(&after);

    char why[96] = "";
    if (timed_out)
        snprintf(why, sizeof(why), "timeout after %d s", timeout_seconds);
    else if (WIFSIGNALED(status))
        snprintf(why, sizeof(why), "signal %d", WTERMSIG(status));
    else if (WEXITSTATUS(status) != 0)
        snprintf(why, sizeof(why), "exit %d", WEXITSTATUS(status));
    else if (after.shm_segments != before.shm_segments)
        snprintf(why, sizeof(why), "left %d shm segments behind",
                 (int)(after.shm_segments - before.shm_segments));
    else if (after.free_frames != before.free_frames)
        snprintf(why, sizeof(why), "free frames %u before, %u after",
                 before.free_frames, after.free_frames);
    if (why[0]) {
        printf("FAIL %s (%s)\n", name, why);
        return 0;
    }
    printf("PASS %s\n", name);
    return 1;
}

static void run_tests(void)
{
    /* Close-on-exec: a test sharing this descriptor could move its offset
     * (lseek) and make init run the list again. */
    FILE *f = fopen("/etc/tests", "re");
    if (!f) {
        printf("FAIL init (no /etc/tests)\n");
        power_off(0);
    }
    struct agora_meminfo start, end;
    agora_prefault();                   /* init's own first touches are not leaks */
    meminfo(&start);
    char line[128];
    int passed = 0, failed = 0;
    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\n")] = '\0';
        if (!line[0])
            continue;
        if (run_test(line))
            passed++;
        else
            failed++;
    }
    fclose(f);
    meminfo(&end);
    if (end.free_frames != start.free_frames) {
        printf("FAIL suite_frames (free frames %u before the suite, %u after)\n",
               start.free_frames, end.free_frames);
        failed++;
    } else {
        printf("PASS suite_frames\n");
        passed++;
    }
    printf("init: %d passed, %d failed\n", passed, failed);
    power_off(failed == 0);
}

static void run_and_wait(const char *path, char *const argv[])
{
    pid_t pid = spawn(path, argv);
    if (pid > 0)
        waitpid(pid, NULL, 0);
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
    int test = 0, bench = 0, bootcheck = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "test") == 0)
            test = 1;
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
        run_tests();
    if (bench) {
        char *bargv[] = { "/bin/bench", NULL };
        run_and_wait("/bin/bench", bargv);
        power_off(1);
    }

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
        while (waitpid(-1, NULL, 0) != pid)
            ;                           /* reap orphans until the shell ends */
    }
}
