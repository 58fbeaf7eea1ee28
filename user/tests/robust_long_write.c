/*
 * robust_long_write: one long write to the console must not stop the
 * world. Printing goes out a byte at a time, so a 1 MiB write keeps the
 * kernel busy for seconds under QEMU; meanwhile the timer must keep
 * running, other processes must get the CPU, and a signal must end the
 * write early with the count written so far (Linux's tty write does so).
 *
 * The writer prints carriage returns only, which the test harness drops
 * from the log, on /dev/console itself (init's testsuite mode makes the
 * test's stdout a pipe). Its parent sleeps 200 ms after the write began, then
 * sends SIGUSR1: that works only if the parent's sleep ends, and it gets
 * the CPU, while the writer is still inside write().
 *
 * Before the fix the kernel ran the whole write with interrupts off: the
 * parent's SIGUSR1 came after the write had returned in full, and the
 * clock had advanced one tick (10 ms) in the seconds it took.
 */
#include <agora_test.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#define TOTAL (1024 * 1024)

struct ctl {
    volatile int started;               /* the writer is about to write */
    volatile long written;              /* write's result */
    volatile int err;                   /* its errno */
    volatile long ms;                   /* how long write took, CLOCK_MONOTONIC */
};

static void on_usr1(int sig) { (void)sig; }

static void writer(struct ctl *c)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_usr1;            /* no SA_RESTART */
    sigaction(SIGUSR1, &sa, NULL);
    char *buf = malloc(TOTAL);
    if (!buf)
        _exit(2);
    memset(buf, '\r', TOTAL);
    int con = open("/dev/console", O_WRONLY);
    if (con < 0)
        _exit(3);
    c->started = 1;
    long t0 = now_ms();
    errno = 0;
    c->written = write(con, buf, TOTAL);
    c->err = errno;
    c->ms = now_ms() - t0;
    _exit(0);
}

int main(void)
{
    t_begin("robust_long_write");
    int id = shmget(IPC_PRIVATE, sizeof(struct ctl), IPC_CREAT | 0600);
    struct ctl *c = shmat(id, NULL, 0);
    shmctl(id, IPC_RMID, NULL);
    T_OK(id >= 0 && c != (void *)-1, "a control segment");
    if (id < 0 || c == (void *)-1)
        return t_end();
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0)
        writer(c);
    while (!c->started)
        sched_yield();
    struct timespec pause = { 0, 200 * 1000000 };
    long t0 = now_ms();
    nanosleep(&pause, NULL);
    long slept = now_ms() - t0;
    kill(pid, SIGUSR1);
    int st = 0;
    waitpid(pid, &st, 0);
    T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the writer ran to its end");
    char d[128];
    snprintf(d, sizeof(d), "wrote %ld of %d bytes, errno %d", c->written, TOTAL, c->err);
    t_check(c->written > 0 && c->written < TOTAL, "a signal during a long console write ends it early with the count written", d);
    snprintf(d, sizeof(d), "the parent slept %ld ms", slept);
    t_check(slept >= 200 && slept < 2000, "the parent's 200 ms sleep ended during the write", d);
    snprintf(d, sizeof(d), "write took %ld ms by the clock", c->ms);
    t_check(c->ms >= 150 && c->ms < 5000, "the clock kept time during the write", d);
    shmdt(c);
    return t_end();
}
