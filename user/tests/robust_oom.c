/*
 * robust_oom: running out of physical memory.
 *
 * A child grows its heap and touches every page until memory runs out.
 * Whatever the kernel does then (refuse the fault with SIGSEGV/SIGBUS, or
 * kill the process with SIGKILL as Linux's OOM killer would), it must not
 * panic; while memory is exhausted a fork must fail cleanly (ENOMEM or
 * EAGAIN) or succeed; and once the child is gone every frame is back and
 * fork, exec and malloc work again.
 */
#include <agora_test.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>

static sigjmp_buf env;
static volatile unsigned long touched;

static void on_fault(int sig)
{
    siglongjmp(env, sig);
}

/* Exit codes: 10 fork ENOMEM, 11 fork EAGAIN, 12 fork worked,
 * 13 fork failed otherwise; 20 sbrk refused before memory ran out. */
static int hog(void)
{
    volatile char stack_reserve[64 * 1024];
    for (size_t i = 0; i < sizeof(stack_reserve); i += 1024)
        stack_reserve[i] = 1;           /* the handler's frame needs no new page */
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_fault;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    int sig = sigsetjmp(env, 1);
    if (sig == 0) {
        for (;;) {
            char *p = sbrk(1 << 20);
            if (p == (char *)-1)
                return 20;
            for (int off = 0; off < (1 << 20); off += 4096) {
                p[off] = 1;
                touched++;
            }
        }
    }
    /* Memory is exhausted now (the fault that could not be served). */
    errno = 0;
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    if (pid > 0) {
        int st;
        waitpid(pid, &st, 0);
        return 12;
    }
    return errno == ENOMEM ? 10 : errno == EAGAIN ? 11 : 13;
}

int main(int argc, char **argv)
{
    (void)argv;
    if (argc > 1)
        return 0;                       /* exec'd as a helper: just succeed */
    t_begin("robust_oom");
    unsigned before = t_free_frames();
    struct agora_meminfo mi = t_meminfo();
    printf("# %u of %u frames free\n", mi.free_frames, mi.total_frames);
    pid_t pid = fork();
    if (pid == 0)
        _exit(hog());
    int st = 0;
    waitpid(pid, &st, 0);
    if (WIFEXITED(st))
        printf("# the hog exited %d\n", WEXITSTATUS(st));
    else
        printf("# the hog was killed by signal %d\n", WTERMSIG(st));
    int ok = (WIFEXITED(st) && WEXITSTATUS(st) >= 10 && WEXITSTATUS(st) <= 12) ||
             (WIFSIGNALED(st) && (WTERMSIG(st) == SIGKILL || WTERMSIG(st) == SIGSEGV ||
                                  WTERMSIG(st) == SIGBUS));
    T_OK(ok, "exhausting memory ends in a refused fault or a kill, never a panic "
             "(10/11/12: fork ENOMEM/EAGAIN/worked at the limit)");
    T_OK(!(WIFEXITED(st) && WEXITSTATUS(st) == 20), "memory ran out before the heap's address space");
    T_EQ(t_free_frames(), before, "every frame is back after the hog ends");

    pid = fork();
    if (pid == 0) {
        char *p = malloc(4 << 20);
        if (!p)
            _exit(1);
        memset(p, 3, 4 << 20);
        _exit(0);
    }
    waitpid(pid, &st, 0);
    T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a new child can use 4 MiB again");
    pid = fork();
    if (pid == 0) {
        char *argv[] = { "/tests/robust_oom", "x", NULL };
        char *envp[] = { NULL };
        execve(argv[0], argv, envp);
        _exit(99);
    }
    waitpid(pid, &st, 0);
    T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exec works again");
    T_EQ(t_free_frames(), before, "and every frame is back again");
    return t_end();
}
