/*
 * agora_shm_test.h: helpers shared by the System V shm tests in
 * user/tests/ (shm_*, shmmp_*, shmsuite_*), on top of agora_test.h.
 *
 *   - constants: the page size, the top of user space, the unprivileged
 *     uid/gid the permission cases drop to, shmat's failure value;
 *   - as_user(): run a function in a child as another uid/gid and get
 *     its result (an errno, 0 for success) back through the exit status;
 *   - IPC_STAT shorthands: shm_stat(), nattch(), rm_key(), free_area();
 *   - checks inside forked children: C_CHECK() counts failures that the
 *     child reports through child_exit(); the parent waits with reap()
 *     and turns the status into one TAP line with exited_ok();
 *   - wait_flag(): spin on a flag in a shared control segment.
 *
 * Everything is static (inline), as in agora_test.h: each test program
 * is one translation unit.
 */
#ifndef AGORA_SHM_TEST_H
#define AGORA_SHM_TEST_H

#include <agora_test.h>
#include <sched.h>
#include <stdint.h>
#include <time.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#define PG 4096u                        /* page size, as an unsigned */
#define USER_TOP 0xC0000000u            /* first address above user space */
#define USER_ID  1000                   /* the unprivileged uid of the tests */
#define GROUP_ID 1000                   /* ... and its gid */
#define AT_FAILED ((void *)-1)          /* what a failed shmat returns */

/* ---- running as another user ------------------------------------------ */

/* Drop to uid/gid (real, effective, saved) with no supplementary groups;
 * 0 or -1. */
static inline int become(uid_t uid, gid_t gid)
{
    setgroups(0, NULL);                 /* best effort: init may have none */
    if (setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)
        return -1;
    return 0;
}

/*
 * Run fn(arg) in a child as uid/gid; return its exit status (fn's result),
 * 250 if the ids could not be set, 300 + signal if it was killed.
 */
static inline int as_user(uid_t uid, gid_t gid, int (*fn)(const void *),
                          const void *arg)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        return 251;
    if (pid == 0) {
        if (become(uid, gid) < 0)
            _exit(250);
        _exit(fn(arg) & 0xff);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return 252;
    if (WIFSIGNALED(status))
        return 300 + WTERMSIG(status);
    return WEXITSTATUS(status);
}

/* ---- segment shorthands ----------------------------------------------- */

/* IPC_STAT into a zeroed *ds; shmctl's result (0 or -1). */
static inline int shm_stat(int id, struct shmid_ds *ds)
{
    memset(ds, 0, sizeof(*ds));
    return shmctl(id, IPC_STAT, ds);
}

/* The segment's shm_nattch, or -1 if IPC_STAT fails. */
static inline long nattch(int id)
{
    struct shmid_ds ds;
    if (shm_stat(id, &ds) < 0)
        return -1;
    return (long)ds.shm_nattch;
}

/* Remove the segment under key if there is one (a crashed run's left-over). */
static inline void rm_key(key_t key)
{
    int id = shmget(key, 0, 0);
    if (id >= 0)
        shmctl(id, IPC_RMID, NULL);
}

/* A page-aligned address with npages free pages (attach a removed segment
 * there, then detach); 0 if that failed. */
static inline uintptr_t free_area(unsigned npages)
{
    int id = shmget(IPC_PRIVATE, npages * PG, 0600);
    if (id < 0)
        return 0;
    void *p = shmat(id, NULL, 0);
    shmctl(id, IPC_RMID, NULL);
    if (p == AT_FAILED)
        return 0;
    shmdt(p);
    return (uintptr_t)p;
}

/* ---- checks in forked children ---------------------------------------- */

static int child_failures;

/* A check inside a forked child: reported on the console, counted in the
 * child's exit status (the parent turns that into a TAP line). */
#define C_CHECK(cond, what) do {                                            \
        if (!(cond)) {                                                      \
            child_failures++;                                               \
            printf("# child %d: %s: %s is false\n", (int)getpid(), (what), #cond); \
        }                                                                   \
    } while (0)

/* End a forked child; its exit status is its C_CHECK failures (at most 100). */
__attribute__((noreturn)) static inline void child_exit(void)
{
    _exit(child_failures > 100 ? 100 : child_failures);
}

/* Wait for one child, retrying on EINTR; its raw status, or -1. */
static inline int reap(pid_t pid)
{
    int status;
    pid_t r;
    while ((r = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
        ;
    return r == pid ? status : -1;
}

/* Whether a reap() status is a normal exit with status 0. */
static inline int exited_ok(int status)
{
    return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* Spin until *flag >= want, giving up (false) after 30 s: a guard against
 * a crashed peer, not a synchronisation device. */
static inline int wait_flag(volatile int *flag, int want)
{
    time_t start = time(NULL);
    unsigned n = 0;
    while (*flag < want) {
        sched_yield();
        if ((++n & 1023) == 0 && time(NULL) - start > 30)
            return 0;
    }
    return 1;
}

#endif
