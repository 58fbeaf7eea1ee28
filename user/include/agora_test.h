/*
 * agora_test.h: the little test library every program in user/tests/ uses.
 * TAP-style output ("ok N - what" / "not ok N - what (got X, want Y)"),
 * table-friendly errno checks, the free-frame check, and now_ms().
 *
 * t_begin() notes the free frames and shm segments, then forks: the test
 * body runs in the child, while the parent waits for it and then checks
 * that every frame and segment came back, so the test's own page tables,
 * stack and heap count too. t_end() prints the plan line and returns the
 * exit status for main.
 *
 *   int main(void) {
 *       t_begin("shmget_errors");
 *       T_ERRNO(shmget(IPC_PRIVATE, 0, 0600), EINVAL, "size 0");
 *       return t_end();
 *   }
 */
#ifndef AGORA_TEST_H
#define AGORA_TEST_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <uapi/agora.h>
#include "agora_prefault.h"

static int t_count, t_failed;
static const char *t_name = "test";
static struct agora_meminfo t_mem_before;

static inline struct agora_meminfo t_meminfo(void)
{
    struct agora_meminfo mi;
    memset(&mi, 0, sizeof(mi));
    syscall(AGORA_NR_meminfo, &mi);
    return mi;
}

/* Free frames now (the kernel's count). */
static inline unsigned t_free_frames(void)
{
    return t_meminfo().free_frames;
}

/* Milliseconds on the monotonic clock, for deadlines and durations. */
static inline long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Record one check; prints the TAP line. Returns ok. */
static inline int t_check(int ok, const char *what, const char *detail)
{
    t_count++;
    if (ok) {
        printf("ok %d - %s\n", t_count, what);
    } else {
        t_failed++;
        printf("not ok %d - %s%s%s%s\n", t_count, what, detail ? " (" : "",
               detail ? detail : "", detail ? ")" : "");
    }
    return ok;
}

#define T_OK(cond, what) t_check(!!(cond), (what), #cond " is false")

#define T_EQ(got, want, what) do {                                          \
        long long t_g_ = (long long)(got), t_w_ = (long long)(want);        \
        char t_d_[96];                                                      \
        snprintf(t_d_, sizeof(t_d_), "got %lld, want %lld", t_g_, t_w_);   \
        t_check(t_g_ == t_w_, (what), t_d_);                                \
    } while (0)

/* The call must fail with -1 (or MAP_FAILED-like (void *)-1) and errno e. */
#define T_ERRNO(call, e, what) do {                                         \
        errno = 0;                                                          \
        long t_r_ = (long)(call);                                           \
        int t_e_ = errno;                                                   \
        char t_d_[128];                                                     \
        snprintf(t_d_, sizeof(t_d_), "got %ld errno %d (%s), want -1 errno %d (%s)", \
                 t_r_, t_e_, strerror(t_e_), (int)(e), strerror(e));       \
        t_check(t_r_ == -1 && t_e_ == (e), (what), t_d_);                   \
    } while (0)

/* The call must succeed (not -1). */
#define T_SUCCESS(call, what) do {                                          \
        errno = 0;                                                          \
        long t_r_ = (long)(call);                                           \
        char t_d_[96];                                                      \
        snprintf(t_d_, sizeof(t_d_), "got %ld errno %d (%s)", t_r_, errno, strerror(errno)); \
        t_check(t_r_ != -1, (what), t_d_);                                  \
    } while (0)

/*
 * t_begin's parent: wait for the test body, compare the counts with the
 * ones taken before the fork, exit. Never inlined, so that its locals sit
 * in the stack that agora_prefault wrote before the first count: inlined into
 * a main with a big frame, the wait wrote the status into a page of that
 * frame never used before, and the parent's own new stack page showed up
 * as a leaked frame.
 */
static __attribute__((noinline, noreturn, unused)) void t_wait_body(pid_t pid)
{
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    struct agora_meminfo after = t_meminfo();
    int bad = 0;
    if (!WIFEXITED(status)) {
        printf("not ok - %s: test body killed by signal %d\n", t_name, WTERMSIG(status));
        bad = 1;
    } else if (WEXITSTATUS(status) != 0) {
        bad = 1;
    }
    if (after.free_frames != t_mem_before.free_frames) {
        printf("not ok - no frames leaked (free frames %u before, %u after)\n",
               t_mem_before.free_frames, after.free_frames);
        bad = 1;
    } else {
        printf("ok - no frames leaked\n");
    }
    if (after.shm_segments != t_mem_before.shm_segments) {
        printf("not ok - no shm segments left behind (%u before, %u after)\n",
               t_mem_before.shm_segments, after.shm_segments);
        bad = 1;
    } else {
        printf("ok - no shm segments left behind\n");
    }
    fflush(stdout);
    _exit(bad);
}

static inline void t_begin(const char *name)
{
    t_name = name;
    setvbuf(stdout, NULL, _IOLBF, 0);
    fflush(stdout);
    agora_prefault();                   /* its own first touches are not leaks */
    t_mem_before = t_meminfo();
    pid_t pid = fork();
    if (pid < 0) {
        printf("not ok 1 - fork for the test body: %s\n", strerror(errno));
        exit(1);
    }
    if (pid == 0) {
        /* The child runs the test. Its pages are the parent's, copy-on-
         * write: copy them now, so that a test counting free frames
         * around some work does not count the body's own first writes. */
        agora_prefault();
        return;
    }
    t_wait_body(pid);
}

/* Print the plan line; return the exit status for main (the child's). */
static inline int t_end(void)
{
    printf("1..%d\n# %s: %d of %d checks failed\n", t_count, t_name, t_failed, t_count);
    fflush(stdout);
    return t_failed ? 1 : 0;
}

#endif
