/*
 * sig_handler: caught signals. A handler runs with the right signal
 * number and returns to the interrupted code with every register, the
 * flags and the x87 state intact; SA_SIGINFO fills si_signo, si_code and
 * si_pid; SA_RESETHAND, SA_NODEFER and sa_mask behave as on Linux; fork
 * inherits handlers and the mask but no pending signals; exec resets
 * handlers to SIG_DFL but keeps SIG_IGN, the mask and pending signals.
 */
#include <agora_test.h>
#include <signal.h>
#include <sched.h>
#include <time.h>

#define SELF "/tests/sig_handler"

static volatile int hits, depth, max_depth, seen_sig, df_in_handler;
static volatile int usr2_hits, usr2_during_usr1, usr1_blocked_inside, usr2_blocked_inside;

static int install(int sig, void (*fn)(int), int flags, const sigset_t *mask)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = fn;
    sa.sa_flags = flags;
    if (mask)
        sa.sa_mask = *mask;
    else
        sigemptyset(&sa.sa_mask);
    return sigaction(sig, &sa, NULL);
}

static void count_handler(int sig)
{
    seen_sig = sig;
    hits++;
}

/* Run child_fn in a child while the parent keeps sending it SIGUSR1 until
 * it exits (at most 20 s). Returns the child's exit status (or 200+sig). */
static int run_while_signalling(int (*child_fn)(void))
{
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, &old);   /* until the child has its handler */
    pid_t pid = fork();
    if (pid == 0)
        _exit(child_fn());
    sigprocmask(SIG_SETMASK, &old, NULL);
    long deadline = now_ms() + 20000;
    int st = 0;
    while (waitpid(pid, &st, WNOHANG) == 0) {
        kill(pid, SIGUSR1);
        sched_yield();
        if (now_ms() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            return 199;
        }
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : 200 + WTERMSIG(st);
}

static void test_basic(void)
{
    install(SIGUSR1, count_handler, 0, NULL);
    hits = 0;
    T_EQ(kill(getpid(), SIGUSR1), 0, "kill(self, SIGUSR1) with a handler");
    T_EQ(hits, 1, "the handler ran once, before kill returned");
    T_EQ(seen_sig, SIGUSR1, "the handler got signal number SIGUSR1");
    install(SIGUSR2, count_handler, 0, NULL);
    raise(SIGUSR2);
    T_EQ(seen_sig, SIGUSR2, "the same handler for SIGUSR2 gets SIGUSR2");
    install(40, count_handler, 0, NULL);
    kill(getpid(), 40);
    T_EQ(seen_sig, 40, "a real-time signal number (40) reaches its handler");
    T_EQ(hits, 3, "three deliveries in all");

    /* sigaction reports the old action faithfully. */
    struct sigaction sa, old;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = count_handler;
    sa.sa_flags = SA_RESTART | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGHUP);
    sigaddset(&sa.sa_mask, 50);
    sigaction(SIGUSR1, &sa, NULL);
    memset(&old, 0, sizeof(old));
    T_SUCCESS(sigaction(SIGUSR1, NULL, &old), "sigaction(SIGUSR1, NULL, &old)");
    T_OK(old.sa_handler == count_handler, "old action: the handler");
    T_OK((old.sa_flags & (SA_RESTART | SA_NODEFER)) == (SA_RESTART | SA_NODEFER), "old action: the flags");
    T_OK(sigismember(&old.sa_mask, SIGHUP) && sigismember(&old.sa_mask, 50) &&
         !sigismember(&old.sa_mask, SIGINT), "old action: the mask (SIGHUP, 50)");
    T_OK(signal(SIGUSR1, SIG_DFL) == count_handler, "signal() returns the previous handler");
    T_OK(signal(SIGUSR1, SIG_DFL) == SIG_DFL, "and then SIG_DFL");
    signal(SIGUSR2, SIG_DFL);
    signal(40, SIG_DFL);
}

/* ---- registers ---------------------------------------------------------- */

static void unblock_usr1(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static void clobber_handler(int sig)
{
    (void)sig;
    hits++;
    __asm__ volatile("movl $0xdead0001, %%eax\n\t"
                     "movl $0xdead0002, %%ecx\n\t"
                     "movl $0xdead0003, %%edx\n\t"
                     "movl $0xdead0004, %%ebx\n\t"
                     "movl $0xdead0005, %%esi\n\t"
                     "movl $0xdead0006, %%edi\n\t"
                     "addl %%eax, %%eax\n\t"        /* and change the flags */
                     ::: "eax", "ecx", "edx", "ebx", "esi", "edi", "cc");
}

/* Spin in asm with six live registers until 20 handlers have run. */
static int child_asm_registers(void)
{
    install(SIGUSR1, clobber_handler, 0, NULL);
    unsigned a = 0x11111111, b = 0x22222222, c = 0x33333333;
    unsigned d = 0x44444444, s = 0x55555555, di = 0x66666666;
    hits = 0;
    unblock_usr1();
    __asm__ volatile("1:\n\t"
                     "cmpl $20, %6\n\t"
                     "jb 1b\n\t"
                     : "+a"(a), "+b"(b), "+c"(c), "+d"(d), "+S"(s), "+D"(di)
                     : "m"(hits)
                     : "cc");
    if (a != 0x11111111) return 1;
    if (b != 0x22222222) return 2;
    if (c != 0x33333333) return 3;
    if (d != 0x44444444) return 4;
    if (s != 0x55555555) return 5;
    if (di != 0x66666666) return 6;
    return 0;
}

/* A register-heavy C computation, done once quietly and then again while
 * signals rain: the results must agree. */
static unsigned mix(unsigned rounds)
{
    unsigned a = 1, b = 2, c = 3, d = 4, e = 5, f = 6, g = 7;
    for (unsigned i = 0; i < rounds; i++) {
        a += b ^ (c << 3);
        b ^= c + (d >> 2);
        c += d * 2654435761u;
        d ^= e + a;
        e += f ^ (g >> 5);
        f ^= g + (a << 7);
        g += a ^ b ^ i;
    }
    return a ^ b ^ c ^ d ^ e ^ f ^ g;
}

static int child_c_registers(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    install(SIGUSR1, clobber_handler, 0, NULL);
    unsigned want = mix(200000);
    hits = 0;
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    long deadline = now_ms() + 15000;
    while (hits < 30 && now_ms() < deadline) {
        if (mix(200000) != want)
            return 1;
    }
    return hits >= 30 ? 0 : 2;
}

static void df_handler(int sig)
{
    (void)sig;
    unsigned long fl;
    __asm__ volatile("pushfl\n\tpopl %0" : "=r"(fl));
    if (fl & 0x400)
        df_in_handler++;
    hits++;
}

/* The interrupted code runs with DF set: the handler must start with DF
 * clear (the ABI), and the interrupted code must get its DF back. */
static int child_direction_flag(void)
{
    install(SIGUSR1, df_handler, 0, NULL);
    unsigned long fl = 0;
    hits = 0;
    df_in_handler = 0;
    unblock_usr1();
    __asm__ volatile("std\n\t"
                     "1:\n\t"
                     "cmpl $10, %1\n\t"
                     "jb 1b\n\t"
                     "pushfl\n\t"
                     "popl %0\n\t"
                     "cld\n\t"
                     : "=r"(fl) : "m"(hits) : "cc", "memory");
    if (df_in_handler)
        return 1;
    if (!(fl & 0x400))
        return 2;
    return 0;
}

static void fpu_handler(int sig)
{
    (void)sig;
    /* Fill the whole x87 stack and change the control word (round toward
     * zero, single precision), then leave the stack empty again but keep
     * the new control word: sigreturn must restore the interrupted state. */
    unsigned short cw = 0x0c7f & ~0x0300;
    __asm__ volatile("fldcw %0\n\t"
                     "fld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\t"
                     "fstp %%st(0)\n\tfstp %%st(0)\n\tfstp %%st(0)\n\tfstp %%st(0)\n\t"
                     "fstp %%st(0)\n\tfstp %%st(0)\n\tfstp %%st(0)\n\tfstp %%st(0)\n\t"
                     :: "m"(cw) : "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)",
                       "st(6)", "st(7)", "memory");
    hits++;
}

/* Keep a value on the x87 stack across handler runs. */
static int child_fpu(void)
{
    install(SIGUSR1, fpu_handler, 0, NULL);
    double in = 3.14159265358979, out = 0;
    unsigned short cw_before = 0, cw_after = 0;
    hits = 0;
    unblock_usr1();
    __asm__ volatile("fnstcw %2\n\t"
                     "fldl %3\n\t"
                     "1:\n\t"
                     "cmpl $10, %4\n\t"
                     "jb 1b\n\t"
                     "fstpl %0\n\t"
                     "fnstcw %1\n\t"
                     : "=m"(out), "=m"(cw_after), "=m"(cw_before)
                     : "m"(in), "m"(hits)
                     : "cc", "memory");
    if (cw_after != cw_before)
        return 1;
    if (out != in)
        return 2;
    /* and ordinary floating-point code works afterwards */
    volatile double x = 1.0;
    for (int i = 0; i < 10; i++)
        x = x * 3.0 / 2.0;
    if (x < 57.66 || x > 57.67)
        return 3;
    return 0;
}

static void test_registers(void)
{
    int r = run_while_signalling(child_asm_registers);
    T_EQ(r, 0, "eax..edi intact after 20 handlers that clobber them (1-6: which register)");
    r = run_while_signalling(child_c_registers);
    T_EQ(r, 0, "a register-heavy computation gives the same result while signals arrive");
    r = run_while_signalling(child_direction_flag);
    T_EQ(r, 0, "DF clear on handler entry (1), interrupted code's DF restored (2)");
    r = run_while_signalling(child_fpu);
    T_EQ(r, 0, "x87 control word (1) and stack (2) survive handlers that change them");
}

/* ---- siginfo ------------------------------------------------------------ */

static volatile int info_signo, info_code, info_pid, info_uid, info_ctx, chld_hits;

static void chld_handler(int sig)
{
    (void)sig;
    chld_hits++;
}

static void info_handler(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    info_signo = si->si_signo;
    info_code = si->si_code;
    info_pid = si->si_pid;
    info_uid = (int)si->si_uid;
    info_ctx = uc != NULL;
    hits++;
}

static void test_siginfo(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = info_handler;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    info_pid = -1;
    kill(getpid(), SIGUSR1);
    T_EQ(info_signo, SIGUSR1, "SA_SIGINFO: si_signo");
    T_EQ(info_code, 0, "SA_SIGINFO: si_code is SI_USER (0) for kill()");
    T_EQ(info_pid, getpid(), "SA_SIGINFO: si_pid is the sender (self)");
    T_EQ(info_uid, 0, "SA_SIGINFO: si_uid is the sender's real uid (0)");
    T_OK(info_ctx, "SA_SIGINFO: the ucontext pointer is not NULL");

    /* From a child that changed its effective uid (the real one, 0, is
     * what si_uid reports, and what lets it signal us). SIGCHLD ends the
     * wait too, should the signal never come. */
    sigset_t set, old, none;
    sigemptyset(&set);
    sigemptyset(&none);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &set, &old);
    install(SIGCHLD, chld_handler, 0, NULL);
    hits = 0;
    chld_hits = 0;
    info_pid = -1;
    info_uid = -1;
    pid_t pid = fork();
    if (pid == 0) {
        if (setresuid(0, 1234, 0) != 0)
            _exit(1);
        _exit(kill(getppid(), SIGUSR1) == 0 ? 0 : 2);
    }
    while (!hits && !chld_hits)
        sigsuspend(&none);
    int st;
    waitpid(pid, &st, 0);
    T_EQ(WIFEXITED(st) ? WEXITSTATUS(st) : 100, 0, "the child could signal us");
    T_EQ(hits, 1, "the child's signal arrived");
    T_EQ(info_pid, pid, "SA_SIGINFO: si_pid is the sending child's pid");
    T_EQ(info_uid, 0, "SA_SIGINFO: si_uid is the sender's real uid, not its euid 1234");
    sigprocmask(SIG_SETMASK, &old, NULL);
    signal(SIGUSR1, SIG_DFL);
    signal(SIGCHLD, SIG_DFL);
}

/* ---- flags and masks ---------------------------------------------------- */

static void resethand_child_handler(int sig)
{
    (void)sig;
    hits++;
}

static void nest_handler(int sig)
{
    depth++;
    if (depth > max_depth)
        max_depth = depth;
    hits++;
    if (hits == 1) {
        kill(getpid(), sig);
        seen_sig = hits;                /* hits right after the nested kill */
    }
    depth--;
}

static void usr2_handler(int sig)
{
    (void)sig;
    usr2_hits++;
}

static void usr1_masking_handler(int sig)
{
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    usr1_blocked_inside = sigismember(&cur, sig);
    usr2_blocked_inside = sigismember(&cur, SIGUSR2);
    kill(getpid(), SIGUSR2);
    usr2_during_usr1 = usr2_hits;
    hits++;
}

static void test_flags(void)
{
    /* SA_RESETHAND: the first delivery resets the action to SIG_DFL, so
     * the second kills. */
    pid_t pid = fork();
    if (pid == 0) {
        install(SIGUSR1, resethand_child_handler, SA_RESETHAND, NULL);
        hits = 0;
        kill(getpid(), SIGUSR1);
        if (hits != 1)
            _exit(1);
        struct sigaction cur;
        sigaction(SIGUSR1, NULL, &cur);
        if (cur.sa_handler != SIG_DFL)
            _exit(2);
        kill(getpid(), SIGUSR1);
        _exit(3);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    T_OK(WIFSIGNALED(st) && WTERMSIG(st) == SIGUSR1,
         "SA_RESETHAND: handler once, action back to SIG_DFL, second SIGUSR1 kills");
    if (!WIFSIGNALED(st))
        printf("#   child exited %d (1: handler count, 2: action not reset, 3: survived)\n",
               WEXITSTATUS(st));

    /* Without SA_NODEFER the signal is blocked in its own handler. */
    install(SIGUSR1, nest_handler, 0, NULL);
    hits = depth = max_depth = 0;
    kill(getpid(), SIGUSR1);
    T_EQ(seen_sig, 1, "default: a re-raise inside the handler waits (hits still 1)");
    T_EQ(hits, 2, "default: it is delivered once the handler returns");
    T_EQ(max_depth, 1, "default: handlers never nest");

    install(SIGUSR1, nest_handler, SA_NODEFER, NULL);
    hits = depth = max_depth = 0;
    kill(getpid(), SIGUSR1);
    T_EQ(seen_sig, 2, "SA_NODEFER: the re-raise runs the handler at once (nested)");
    T_EQ(hits, 2, "SA_NODEFER: two runs in all");
    T_EQ(max_depth, 2, "SA_NODEFER: nesting depth 2");

    /* sa_mask: SIGUSR2 is held while the SIGUSR1 handler runs. */
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR2);
    install(SIGUSR1, usr1_masking_handler, 0, &m);
    install(SIGUSR2, usr2_handler, 0, NULL);
    hits = usr2_hits = 0;
    usr2_during_usr1 = -1;
    kill(getpid(), SIGUSR1);
    T_OK(usr1_blocked_inside, "inside the handler its own signal is blocked");
    T_OK(usr2_blocked_inside, "inside the handler sa_mask (SIGUSR2) is blocked");
    T_EQ(usr2_during_usr1, 0, "SIGUSR2 raised inside the SIGUSR1 handler waited");
    T_EQ(usr2_hits, 1, "and was delivered once after it returned");
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    T_OK(!sigismember(&cur, SIGUSR1) && !sigismember(&cur, SIGUSR2),
         "after the handler the mask is back to what it was");

    signal(SIGUSR1, SIG_DFL);
    signal(SIGUSR2, SIG_DFL);
}

/* ---- fork and exec ------------------------------------------------------ */

static void test_fork_exec(void)
{
    install(SIGUSR1, count_handler, 0, NULL);
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &set, &old);
    kill(getpid(), SIGUSR2);            /* pending in the parent */
    pid_t pid = fork();
    if (pid == 0) {
        sigset_t pend, cur;
        sigpending(&pend);
        if (sigismember(&pend, SIGUSR2))
            _exit(1);                   /* pending signals are not inherited */
        sigprocmask(SIG_BLOCK, NULL, &cur);
        if (!sigismember(&cur, SIGUSR2))
            _exit(2);                   /* the mask is */
        hits = 0;
        kill(getpid(), SIGUSR1);
        if (hits != 1 || seen_sig != SIGUSR1)
            _exit(3);                   /* and the handlers are */
        _exit(0);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    T_EQ(WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st), 0,
         "fork: handlers and mask inherited (2, 3), pending signals not (1)");
    signal(SIGUSR2, SIG_IGN);           /* discard the parent's pending one */
    sigprocmask(SIG_SETMASK, &old, NULL);
    signal(SIGUSR2, SIG_DFL);

    pid = fork();
    if (pid == 0) {
        install(SIGUSR1, count_handler, 0, NULL);
        signal(SIGUSR2, SIG_IGN);
        sigset_t h;
        sigemptyset(&h);
        sigaddset(&h, SIGHUP);
        sigprocmask(SIG_BLOCK, &h, NULL);
        kill(getpid(), SIGHUP);         /* pending across exec */
        char *argv[] = { SELF, "helper", "exec", NULL };
        char *envp[] = { NULL };
        execve(SELF, argv, envp);
        _exit(99);
    }
    waitpid(pid, &st, 0);
    T_EQ(WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st), 0,
         "exec: handler -> SIG_DFL (1), SIG_IGN kept (2), mask kept (3), pending kept (4)");
    signal(SIGUSR1, SIG_DFL);
}

static int helper_exec(void)
{
    struct sigaction sa;
    sigaction(SIGUSR1, NULL, &sa);
    if (sa.sa_handler != SIG_DFL)
        return 1;
    sigaction(SIGUSR2, NULL, &sa);
    if (sa.sa_handler != SIG_IGN)
        return 2;
    sigset_t cur, pend;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    if (!sigismember(&cur, SIGHUP))
        return 3;
    sigpending(&pend);
    if (!sigismember(&pend, SIGHUP))
        return 4;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "helper") == 0 && strcmp(argv[2], "exec") == 0)
        return helper_exec();
    t_begin("sig_handler");
    test_basic();
    test_registers();
    test_siginfo();
    test_flags();
    test_fork_exec();
    return t_end();
}
