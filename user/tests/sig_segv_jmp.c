/*
 * sig_segv_jmp: catching hardware faults and leaving the handler with
 * siglongjmp.
 *
 * sigsetjmp(env, 1) saves the mask; a SIGSEGV handler siglongjmps back,
 * which restores it (SIGSEGV unblocked again), so a second fault is caught
 * as well, many times over. With sigsetjmp(env, 0) the mask is not
 * restored: SIGSEGV stays blocked, and the next fault kills (a fault
 * signal cannot be blocked). SA_SIGINFO gives si_addr and si_code
 * (SEGV_MAPERR for an unmapped page, SEGV_ACCERR for a protection
 * fault); SIGFPE and SIGILL are caught the same way.
 */
#include <agora_test.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>

static sigjmp_buf env;

/* A pointer to a fixed address that the compiler cannot reason about. */
static inline volatile char *at(uintptr_t a)
{
    __asm__("" : "+r"(a));
    return (volatile char *)a;
}
#define AT_INT(a) ((volatile int *)at(a))
static volatile int caught, last_sig, last_code;
static void *volatile last_addr;

static const char ro_data[4096] __attribute__((aligned(4096))) = "read-only";

static void jump_handler(int sig)
{
    caught++;
    last_sig = sig;
    siglongjmp(env, sig);
}

static void info_jump_handler(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    caught++;
    last_sig = sig;
    last_code = si->si_code;
    last_addr = si->si_addr;
    siglongjmp(env, sig);
}

static void install(int sig, void (*fn)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = fn;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static void install_info(int sig)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = info_jump_handler;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static int segv_blocked(void)
{
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    return sigismember(&cur, SIGSEGV);
}

static void test_savemask(void)
{
    install(SIGSEGV, jump_handler);
    caught = 0;
    volatile int rounds = 0;
    int r = sigsetjmp(env, 1);
    if (r == 0) {
        *AT_INT(0) = 1;         /* fault */
        T_OK(0, "NULL write did not fault");
    } else {
        rounds++;
    }
    T_EQ(r, SIGSEGV, "siglongjmp from the SIGSEGV handler returns SIGSEGV from sigsetjmp");
    T_EQ(caught, 1, "the handler ran once");
    T_OK(!segv_blocked(), "savemask=1: the mask is restored (SIGSEGV not blocked)");

    /* Again and again: every fault is caught. */
    caught = 0;
    for (volatile int i = 0; i < 50; i++) {
        if (sigsetjmp(env, 1) == 0)
            *AT_INT(0x10 + i * 4) = i;
    }
    T_EQ(caught, 50, "50 faults in a row, each caught");
    T_OK(!segv_blocked(), "SIGSEGV still unblocked after 50 round trips");

    /* Other signals blocked at sigsetjmp time come back too. */
    sigset_t h, cur;
    sigemptyset(&h);
    sigaddset(&h, SIGHUP);
    sigprocmask(SIG_BLOCK, &h, NULL);
    if (sigsetjmp(env, 1) == 0) {
        sigprocmask(SIG_UNBLOCK, &h, NULL);   /* changed after sigsetjmp... */
        *at(0x20) = 0;
    }
    sigprocmask(SIG_BLOCK, NULL, &cur);
    T_OK(sigismember(&cur, SIGHUP), "...siglongjmp brings back the saved mask (SIGHUP blocked)");
    sigprocmask(SIG_UNBLOCK, &h, NULL);
}

static void test_nosavemask(void)
{
    /* Linux semantics, in a child: the handler runs with SIGSEGV blocked,
     * sigsetjmp(env, 0) does not restore the mask, so after the jump
     * SIGSEGV stays blocked and the next fault kills the process. */
    pid_t pid = fork();
    if (pid == 0) {
        install(SIGSEGV, jump_handler);
        caught = 0;
        if (sigsetjmp(env, 0) == 0)
            *AT_INT(0) = 1;
        if (caught != 1)
            _exit(1);
        if (!segv_blocked())
            _exit(2);
        *AT_INT(0) = 2;         /* blocked fault: default action */
        _exit(3);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    T_OK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
         "savemask=0: SIGSEGV stays blocked after the jump and the next fault kills");
    if (!WIFSIGNALED(st))
        printf("#   child exited %d (1: not caught, 2: SIGSEGV not blocked, 3: survived)\n",
               WEXITSTATUS(st));

    /* Blocking SIGSEGV explicitly and faulting kills too. */
    pid = fork();
    if (pid == 0) {
        install(SIGSEGV, jump_handler);
        sigset_t s;
        sigemptyset(&s);
        sigaddset(&s, SIGSEGV);
        sigprocmask(SIG_BLOCK, &s, NULL);
        *AT_INT(0) = 1;
        _exit(3);
    }
    waitpid(pid, &st, 0);
    T_OK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
         "a fault with SIGSEGV blocked kills even though a handler is installed");

    pid = fork();
    if (pid == 0) {
        signal(SIGSEGV, SIG_IGN);
        *AT_INT(0) = 1;
        _exit(3);
    }
    waitpid(pid, &st, 0);
    T_OK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "a fault with SIGSEGV ignored still kills");
}

static void test_siginfo(void)
{
    install_info(SIGSEGV);
    last_addr = NULL;
    last_code = -99;
    if (sigsetjmp(env, 1) == 0)
        *AT_INT(0x50000010) = 1;
    T_EQ(last_sig, SIGSEGV, "siginfo: SIGSEGV");
    T_EQ((uintptr_t)last_addr, 0x50000010, "si_addr is the faulting address (0x50000010)");
    T_EQ(last_code, 1, "si_code is SEGV_MAPERR (1) for an unmapped page");

    last_addr = NULL;
    last_code = -99;
    if (sigsetjmp(env, 1) == 0)
        *at((uintptr_t)&ro_data[100]) = 'x';
    T_EQ((uintptr_t)last_addr, (uintptr_t)&ro_data[100], "si_addr for a write to .rodata");
    T_EQ(last_code, 2, "si_code is SEGV_ACCERR (2) for a write to a read-only page");
    T_EQ(ro_data[100], 0, "the read-only page was not changed");

    last_addr = NULL;
    if (sigsetjmp(env, 1) == 0)
        (void)*AT_INT(0xC0001000);
    T_EQ(last_sig, SIGSEGV, "reading kernel memory: SIGSEGV");
    T_EQ((uintptr_t)last_addr, 0xC0001000, "si_addr 0xC0001000");

    /* SIGFPE: integer division by zero, si_code FPE_INTDIV (1). */
    install_info(SIGFPE);
    last_sig = 0;
    last_code = -99;
    volatile int a = 7, z = 0;
    if (sigsetjmp(env, 1) == 0)
        a = a / z;
    T_EQ(last_sig, SIGFPE, "division by zero caught as SIGFPE");
    T_EQ(last_code, 1, "si_code FPE_INTDIV (1)");

    /* SIGILL: ud2, si_code ILL_ILLOPN (2), si_addr the instruction. */
    install_info(SIGILL);
    last_sig = 0;
    last_code = -99;
    if (sigsetjmp(env, 1) == 0)
        __asm__ volatile("ud2");
    T_EQ(last_sig, SIGILL, "ud2 caught as SIGILL");
    T_EQ(last_code, 2, "si_code ILL_ILLOPN (2)");

    /* After all that, the handlers still work and nothing is blocked. */
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    T_OK(!sigismember(&cur, SIGSEGV) && !sigismember(&cur, SIGFPE) && !sigismember(&cur, SIGILL),
         "no fault signal left blocked");
    signal(SIGSEGV, SIG_DFL);
    signal(SIGFPE, SIG_DFL);
    signal(SIGILL, SIG_DFL);
}

static void test_deep_stack(void)
{
    /* Stack overflow cannot run a handler on the same stack... but a fault
     * deep in the stack can: recurse 100 KiB deep, fault, jump out. */
    install(SIGSEGV, jump_handler);
    caught = 0;
    static volatile int depth_reached;
    if (sigsetjmp(env, 1) == 0) {
        volatile char pad[100 * 1024];
        pad[0] = 1;
        depth_reached = pad[0];
        *AT_INT(8) = 0;
    }
    T_EQ(caught, 1, "a fault with a deep stack is caught and jumped out of");
    T_EQ(depth_reached, 1, "the deep frame had run");
    signal(SIGSEGV, SIG_DFL);
}

int main(void)
{
    t_begin("sig_segv_jmp");
    test_savemask();
    test_nosavemask();
    test_siginfo();
    test_deep_stack();
    return t_end();
}
