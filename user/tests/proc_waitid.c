/*
 * proc_waitid: waitid(284) with P_PID, P_PGID and P_ALL, WEXITED, WNOHANG
 * (0 and a zeroed siginfo when nothing is ready) and WNOWAIT (the child
 * stays waitable), the siginfo fields (si_signo SIGCHLD, si_code
 * CLD_EXITED/CLD_KILLED, si_pid, si_uid, si_status) and its errors; wait4
 * by process group (pid 0 and -pgid) and the options busybox passes
 * (WUNTRACED, WCONTINUED accepted); times(43) with a child's CPU time in
 * cutime after the wait, and getrusage(77).
 */
#include <agora_test.h>
#include <signal.h>
#include <stdint.h>
#include <sys/times.h>

#define CLD_EXITED 1
#define CLD_KILLED 2

struct info {                           /* the fields waitid writes */
    int32_t signo, errno_, code, pid, uid, status;
    int32_t rest[26];
};

static long waitid_raw(int idtype, int id, struct info *in, int options)
{
    return syscall(SYS_waitid, idtype, id, in, options, NULL);
}

static pid_t child_exiting(int code)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(code);
    return pid;
}

static void test_waitid(void)
{
    struct info in;
    pid_t pid = child_exiting(9);
    memset(&in, 0x55, sizeof(in));
    T_EQ(waitid_raw(P_PID, pid, &in, WEXITED | WNOWAIT), 0, "waitid P_PID WEXITED|WNOWAIT");
    T_EQ(in.signo, SIGCHLD, "si_signo SIGCHLD");
    T_EQ(in.errno_, 0, "si_errno 0");
    T_EQ(in.code, CLD_EXITED, "si_code CLD_EXITED");
    T_EQ(in.pid, pid, "si_pid");
    T_EQ(in.uid, (int32_t)getuid(), "si_uid");
    T_EQ(in.status, 9, "si_status: the exit code");
    T_EQ(in.rest[0], 0x55555555, "nothing past si_status written");
    memset(&in, 0, sizeof(in));
    T_EQ(waitid_raw(P_PID, pid, &in, WEXITED), 0, "WNOWAIT left it: waitid again reaps it");
    T_EQ(in.pid, pid, "same child");
    T_ERRNO(waitid_raw(P_PID, pid, &in, WEXITED), ECHILD, "reaped: ECHILD");

    /* Killed by a signal. */
    pid = fork();
    if (pid == 0) {
        for (;;)
            pause();
    }
    kill(pid, SIGTERM);
    memset(&in, 0, sizeof(in));
    T_EQ(waitid_raw(P_ALL, 0, &in, WEXITED), 0, "waitid P_ALL");
    T_EQ(in.code, CLD_KILLED, "si_code CLD_KILLED");
    T_EQ(in.status, SIGTERM, "si_status: the signal");
    T_EQ(in.pid, pid, "si_pid of the killed child");

    /* WNOHANG with a live child: 0 and zeroed fields. */
    pid = fork();
    if (pid == 0) {
        usleep(200000);
        _exit(1);
    }
    memset(&in, 0x55, sizeof(in));
    T_EQ(waitid_raw(P_ALL, 0, &in, WEXITED | WNOHANG), 0, "WNOHANG with a live child: 0");
    T_EQ(in.signo, 0, "WNOHANG: si_signo 0");
    T_EQ(in.pid, 0, "WNOHANG: si_pid 0");
    T_EQ(waitid_raw(P_ALL, 0, &in, WEXITED), 0, "then a blocking waitid");
    T_EQ(in.pid, pid, "gets it");
    T_EQ(in.status, 1, "exit code 1");

    /* P_PGID: a child in its own group. */
    pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        usleep(50000);
        _exit(3);
    }
    setpgid(pid, pid);
    T_ERRNO(waitid_raw(P_PGID, getpgrp(), &in, WEXITED | WNOHANG), ECHILD,
            "P_PGID of our own group: no child there");
    T_EQ(waitid_raw(P_PGID, pid, &in, WEXITED), 0, "P_PGID of the child's group");
    T_EQ(in.pid, pid, "the child");

    /* Errors. */
    T_ERRNO(waitid_raw(P_ALL, 0, &in, WNOHANG), EINVAL, "no WEXITED/WSTOPPED/WCONTINUED: EINVAL");
    T_ERRNO(waitid_raw(P_ALL, 0, &in, WEXITED | 0x100), EINVAL, "unknown option: EINVAL");
    T_ERRNO(waitid_raw(7, 0, &in, WEXITED), EINVAL, "unknown idtype: EINVAL");
    T_ERRNO(waitid_raw(P_PID, 0, &in, WEXITED), EINVAL, "P_PID 0: EINVAL");
    T_ERRNO(waitid_raw(P_PGID, -1, &in, WEXITED), EINVAL, "P_PGID -1: EINVAL");
    T_ERRNO(waitid_raw(P_ALL, 0, &in, WEXITED), ECHILD, "no children: ECHILD");
    pid = child_exiting(0);
    T_EQ(waitid_raw(P_PID, pid, NULL, WEXITED), 0, "a NULL infop is allowed");
}

static void test_wait4_groups(void)
{
    int st = 0;
    pid_t a = child_exiting(11);
    T_EQ(waitpid(0, &st, 0), a, "waitpid(0): a child in our group");
    pid_t b = fork();
    if (b == 0) {
        setpgid(0, 0);
        usleep(50000);
        _exit(12);
    }
    setpgid(b, b);
    T_ERRNO(waitpid(0, &st, WNOHANG), ECHILD, "waitpid(0) does not see a child in another group");
    T_EQ(waitpid(-b, &st, 0), b, "waitpid(-pgid) does");
    T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 12, "its status");
    pid_t c = child_exiting(13);
    T_EQ(waitpid(-1, &st, WUNTRACED | WCONTINUED), c, "WUNTRACED|WCONTINUED accepted");
    T_ERRNO(waitpid(-1, &st, 0x100), EINVAL, "unknown option: EINVAL");
    T_ERRNO(syscall(SYS_wait4, (long)0x80000000, &st, 0, NULL), ESRCH, "pid INT_MIN: ESRCH");
}

static void test_times(void)
{
    struct tms t0, t1;
    clock_t c0 = times(&t0);
    T_OK(c0 != (clock_t)-1, "times returns the ticks");
    pid_t pid = fork();
    if (pid == 0) {
        long end = now_ms() + 300;
        volatile unsigned x = 0;
        while (now_ms() < end)
            x++;
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    clock_t c1 = times(&t1);
    T_OK(c1 - c0 >= 25, "at least 0.25 s of ticks passed");
    T_OK(t1.tms_cutime + t1.tms_cstime - t0.tms_cutime - t0.tms_cstime >= 20,
         "the waited-for child's CPU time is in cutime + cstime");
    T_OK(t1.tms_cutime - t0.tms_cutime >= 15, "most of it user time");
    T_OK(syscall(SYS_times, NULL) != -1, "times(NULL) works");

    /* getrusage: the same times in timevals. */
    long ru[18];
    memset(ru, 0x55, sizeof(ru));
    T_EQ(syscall(SYS_getrusage, -1, ru), 0, "getrusage(RUSAGE_CHILDREN)");
    long child_ms = ru[0] * 1000 + ru[1] / 1000 + ru[2] * 1000 + ru[3] / 1000;
    T_OK(child_ms >= 200 && ru[1] < 1000000 && ru[3] < 1000000, "the child's 0.3 s of CPU in it");
    T_EQ(ru[4] + ru[17], 0, "fields agora does not count are 0");
    T_EQ(syscall(SYS_getrusage, 0, ru), 0, "getrusage(RUSAGE_SELF)");
    T_OK(ru[0] * 1000 + ru[1] / 1000 < child_ms, "our own user time is less");
    T_EQ(syscall(SYS_getrusage, 1, ru), 0, "getrusage(RUSAGE_THREAD)");
    T_ERRNO(syscall(SYS_getrusage, 2, ru), EINVAL, "who 2: EINVAL");
    T_ERRNO(syscall(SYS_getrusage, 0, (void *)0xC0000000), EFAULT, "a kernel pointer: EFAULT");
    T_ERRNO(syscall(SYS_getrusage, 0, NULL), EFAULT, "NULL: EFAULT");
}

int main(void)
{
    t_begin("proc_waitid");
    test_waitid();
    test_wait4_groups();
    test_times();
    return t_end();
}
