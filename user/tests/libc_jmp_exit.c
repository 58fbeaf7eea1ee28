/*
 * libc_jmp_exit: setjmp/longjmp, and how a process ends.
 *
 * longjmp returns to setjmp with the given value (0 becomes 1), across
 * deep recursion, with volatile locals kept; atexit handlers run in
 * reverse order of registration on exit() and on return from main, but
 * not on _exit(); exit() flushes stdio. Each ending runs in a child whose
 * exit status encodes what happened (the last handler to run calls
 * _exit() with the order it saw).
 */
#include <agora_test.h>
#include <setjmp.h>

#define SELF "/tests/libc_jmp_exit"

static jmp_buf env;
static int depth_seen;

static void dive(int n)
{
    volatile char pad[256];
    pad[0] = (char)n;
    depth_seen = n + pad[0] - (char)n;
    if (n == 500)
        longjmp(env, 77);
    if (n < 100000)
        dive(n + 1);
    pad[1] = 0;                         /* not a tail call */
}

static void test_setjmp(void)
{
    volatile int counter = 0;
    int r = setjmp(env);
    counter++;
    if (r == 0)
        longjmp(env, 5);
    T_EQ(r, 5, "longjmp(env, 5): setjmp returns 5");
    T_EQ(counter, 2, "a volatile local keeps its value across longjmp");

    r = setjmp(env);
    if (r == 0)
        longjmp(env, 0);
    T_EQ(r, 1, "longjmp(env, 0): setjmp returns 1");

    r = setjmp(env);
    if (r == 0)
        dive(0);
    T_EQ(r, 77, "longjmp out of 500 nested frames");
    T_EQ(depth_seen, 500, "the recursion went 500 deep");

    /* nested buffers: an inner longjmp does not disturb the outer one */
    jmp_buf outer;
    volatile int stage = 0;
    if (setjmp(outer) == 0) {
        if (setjmp(env) == 0) {
            stage = 1;
            longjmp(env, 1);
        }
        stage = 2;
        longjmp(outer, 1);
    }
    T_EQ(stage, 2, "nested jmp_bufs: inner then outer");

    /* the stack is usable after the jumps */
    char big[4096];
    memset(big, 1, sizeof(big));
    T_EQ(big[4095], 1, "the stack works after longjmp");
}

/* ---- atexit ------------------------------------------------------------- */

static int order;

static void h1(void) { order = order * 4 + 1; _exit(order); }   /* registered first: runs last */
static void h2(void) { order = order * 4 + 2; }
static void h3(void) { order = order * 4 + 3; }
static void h_never(void) { _exit(99); }

static int run_child(void (*body)(void))
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        body();
        _exit(100);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 200 + WTERMSIG(st);
}

static void body_exit(void)
{
    order = 0;
    atexit(h1);
    atexit(h2);
    atexit(h3);
    exit(0);
}

static void body_underscore_exit(void)
{
    atexit(h_never);
    _exit(3);
}

static void body_exit_code(void)
{
    exit(42);
}

static void body_twice(void)
{
    /* the same handler registered twice runs twice */
    order = 0;
    atexit(h1);
    atexit(h2);
    atexit(h2);
    exit(1);
}

static void test_atexit(void)
{
    /* h3, h2, h1: ((0*4+3)*4+2)*4+1 = 57 */
    T_EQ(run_child(body_exit), 57, "exit(): atexit handlers run in reverse order (57 = 3,2,1)");
    T_EQ(run_child(body_underscore_exit), 3, "_exit() runs no atexit handler");
    T_EQ(run_child(body_exit_code), 42, "exit(42) gives status 42");
    /* h2, h2, h1: ((0*4+2)*4+2)*4+1 = 41 */
    T_EQ(run_child(body_twice), 41, "a handler registered twice runs twice (41)");

    /* return from main runs them too: exec ourselves in helper mode */
    pid_t pid = fork();
    if (pid == 0) {
        char *argv[] = { SELF, "helper", NULL };
        char *envp[] = { NULL };
        execve(SELF, argv, envp);
        _exit(100);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    T_EQ(WIFEXITED(st) ? WEXITSTATUS(st) : 200 + WTERMSIG(st), 57,
         "return from main runs the atexit handlers in reverse order");
}

static int helper(void)
{
    order = 0;
    atexit(h1);
    atexit(h2);
    atexit(h3);
    return 0;
}

/* ---- exit flushes stdio --------------------------------------------------- */

static void test_flush(void)
{
    /* A fully buffered stdout written and then exit()ed: the lines must
     * appear in the log ("# flushed by exit: line 0..2"). A test cannot
     * read its own console, so here only the clean exit is checked. */
    pid_t pid = fork();
    if (pid == 0) {
        static char b[8192];
        setvbuf(stdout, b, _IOFBF, sizeof(b));
        for (int i = 0; i < 3; i++)
            printf("# flushed by exit: line %d\n", i);
        exit(12);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 12, "exit() flushing a full-buffered stdout exits normally");
    T_EQ(fflush(NULL), 0, "fflush(NULL) flushes everything");
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "helper") == 0)
        return helper();
    t_begin("libc_jmp_exit");
    test_setjmp();
    test_atexit();
    test_flush();
    return t_end();
}
