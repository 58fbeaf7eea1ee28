/*
 * robust_forkbomb: process-table exhaustion and runaway processes.
 *
 * A bounded fork bomb (a tree 4 wide and 4 deep, 341 processes if it could
 * all exist at once, while the table has 64 slots) must run into EAGAIN,
 * every bomb process must end (each waits for its own children, so none is
 * orphaned), and afterwards fork works and every frame is back. A child in
 * an infinite loop that makes no system calls is killed by SIGKILL (and
 * by SIGTERM); one that blocks every signal still dies by SIGKILL.
 */
#include <agora_test.h>
#include <sched.h>
#include <signal.h>
#include <time.h>

#define WIDTH 4
#define DEPTH 4

/* Exit status bits: 1 = some process saw EAGAIN, 2 = some fork failed
 * with another errno, 4 = a child ended abnormally. */
__attribute__((noreturn)) static void bomb(int depth)
{
    pid_t kids[WIDTH];
    int n = 0, status = 0;
    if (depth < DEPTH) {
        for (int i = 0; i < WIDTH; i++) {
            pid_t pid = fork();
            if (pid == 0)
                bomb(depth + 1);        /* does not return */
            if (pid < 0) {
                status |= errno == EAGAIN ? 1 : 2;
                break;
            }
            kids[n++] = pid;
        }
    }
    /* linger a little, so the tree is wide at once */
    for (int i = 0; i < 20; i++)
        sched_yield();
    for (int i = 0; i < n; i++) {
        int st = 0;
        while (waitpid(kids[i], &st, 0) < 0 && errno == EINTR)
            ;
        if (WIFEXITED(st))
            status |= WEXITSTATUS(st) & 7;
        else
            status |= 4;
    }
    _exit(status);
}

static void test_bomb(void)
{
    for (int round = 1; round <= 2; round++) {
        unsigned before = t_free_frames();
        long t0 = now_ms();
        pid_t pid = fork();
        if (pid == 0)
            bomb(0);
        int st = 0;
        waitpid(pid, &st, 0);
        char what[96];
        snprintf(what, sizeof(what), "round %d: the bomb ended normally (%ld ms)", round, now_ms() - t0);
        T_OK(WIFEXITED(st), what);
        int bits = WIFEXITED(st) ? WEXITSTATUS(st) : 0;
        snprintf(what, sizeof(what), "round %d: some fork failed with EAGAIN", round);
        T_OK(bits & 1, what);
        snprintf(what, sizeof(what), "round %d: no fork failed with another errno", round);
        T_OK(!(bits & 2), what);
        snprintf(what, sizeof(what), "round %d: every bomb process exited normally", round);
        T_OK(!(bits & 4), what);
        T_ERRNO(waitpid(-1, NULL, WNOHANG), ECHILD, "no children left over");
        snprintf(what, sizeof(what), "round %d: every frame came back", round);
        T_EQ(t_free_frames(), before, what);
        pid = fork();
        if (pid == 0)
            _exit(5);
        waitpid(pid, &st, 0);
        T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 5, "fork works after the bomb");
    }
}

static void test_runaway(void)
{
    static const struct { const char *what; int sig; int block_all; } cases[] = {
        { "an infinite loop without system calls dies by SIGKILL", SIGKILL, 0 },
        { "an infinite loop dies by SIGTERM (default action)", SIGTERM, 0 },
        { "an infinite loop with every signal blocked dies by SIGKILL", SIGKILL, 1 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        pid_t pid = fork();
        if (pid == 0) {
            if (cases[i].block_all) {
                sigset_t all;
                sigfillset(&all);
                sigprocmask(SIG_SETMASK, &all, NULL);
            }
            for (volatile unsigned n = 0;; n++)
                ;
        }
        /* let it get going: it must be preempted to be killed */
        for (int k = 0; k < 5; k++)
            sched_yield();
        kill(pid, cases[i].sig);
        long deadline = now_ms() + 20000;
        int st = 0;
        pid_t got;
        while ((got = waitpid(pid, &st, WNOHANG)) == 0 && now_ms() < deadline)
            usleep(10000);
        if (got != pid) {
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
        }
        T_OK(got == pid && WIFSIGNALED(st) && WTERMSIG(st) == cases[i].sig, cases[i].what);
    }
    /* The blocked SIGTERM of a spinning child does not kill it... */
    pid_t pid = fork();
    if (pid == 0) {
        sigset_t t;
        sigemptyset(&t);
        sigaddset(&t, SIGTERM);
        sigprocmask(SIG_BLOCK, &t, NULL);
        for (volatile unsigned n = 0;; n++)
            ;
    }
    for (int k = 0; k < 5; k++)
        sched_yield();
    kill(pid, SIGTERM);
    long t0 = now_ms();
    int st = 0;
    pid_t got = 0;
    while (now_ms() - t0 < 300 && (got = waitpid(pid, &st, WNOHANG)) == 0)
        sched_yield();
    T_EQ(got, 0, "a spinning child with SIGTERM blocked survives SIGTERM");
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
    T_OK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "...and then dies by SIGKILL");
}

int main(void)
{
    t_begin("robust_forkbomb");
    test_bomb();
    test_runaway();
    return t_end();
}
