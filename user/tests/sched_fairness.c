/*
 * sched_fairness: the scheduler preempts CPU-bound processes and shares
 * the CPU between them.
 *
 * A child finishes its work while the parent never stops computing (it
 * only polls waitpid(WNOHANG)); two equal CPU-bound children started
 * together finish at about the same time (round robin; one after the
 * other would make the first finish at half the time of the second); a
 * sleeper wakes up on time while another process spins; and each process
 * keeps its own x87 state (control word and register stack) across
 * preemption.
 *
 * Amounts of work are calibrated at run time (~0.3-1 s each under QEMU),
 * and every wait has a generous deadline.
 */
#include <agora_test.h>
#include <sched.h>
#include <signal.h>
#include <time.h>

/* CPU work that the compiler cannot drop: n rounds of mixing. */
static unsigned work(unsigned long n)
{
    volatile unsigned sink;
    unsigned a = 1, b = 2;
    for (unsigned long i = 0; i < n; i++) {
        a += b ^ (unsigned)i;
        b = (b << 3) ^ (b >> 7) ^ a;
    }
    sink = a ^ b;
    return sink;
}

/* Rounds of work() per millisecond on this machine (nothing else runs). */
static unsigned long rounds_per_ms;

static void calibrate(void)
{
    unsigned long n = 100000;
    for (;;) {
        long t0 = now_ms();
        work(n);
        long dt = now_ms() - t0;
        if (dt >= 200 || n > (1ul << 30)) {
            rounds_per_ms = n / (unsigned long)(dt ? dt : 1);
            break;
        }
        n *= 2;
    }
    if (rounds_per_ms == 0)
        rounds_per_ms = 1;
}

static void test_child_progresses(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        work(rounds_per_ms * 300);      /* ~0.3 s of CPU */
        _exit(0);
    }
    long t0 = now_ms(), deadline = t0 + 30000;
    unsigned long spins = 0;
    int st = 0, reaped = 0;
    while (now_ms() < deadline) {
        work(1000);                     /* the parent stays CPU-bound */
        spins++;
        if (waitpid(pid, &st, WNOHANG) == pid) {
            reaped = 1;
            break;
        }
    }
    if (!reaped) {
        kill(pid, SIGKILL);
        waitpid(pid, &st, 0);
    }
    T_OK(reaped, "a CPU-bound child finishes while the parent never sleeps (preemption)");
    T_OK(spins > 1, "the parent made progress meanwhile too");
    T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the child exited normally");
}

static void test_two_equal_children(void)
{
    unsigned long n = rounds_per_ms * 800;      /* ~0.8 s each */
    long t0 = now_ms();
    pid_t a = fork();
    if (a == 0) {
        work(n);
        _exit(0);
    }
    pid_t b = fork();
    if (b == 0) {
        work(n);
        _exit(0);
    }
    int st;
    pid_t first = waitpid(-1, &st, 0);
    long t1 = now_ms() - t0;
    pid_t second = waitpid(-1, &st, 0);
    long t2 = now_ms() - t0;
    T_OK((first == a && second == b) || (first == b && second == a), "both children reaped");
    char what[128];
    snprintf(what, sizeof(what),
             "equal CPU-bound children finish together (first at %ld ms, second at %ld ms)", t1, t2);
    /* Round robin: t1 close to t2. Run-to-completion: t1 about t2 / 2. */
    T_OK(t2 > 0 && t1 * 4 >= t2 * 3, what);
}

static void test_sleeper_wakes(void)
{
    pid_t spinner = fork();
    if (spinner == 0) {
        for (;;)
            work(1000000);
    }
    struct timespec req = { 0, 100 * 1000 * 1000 };
    long t0 = now_ms();
    int r = nanosleep(&req, NULL);
    long dt = now_ms() - t0;
    T_EQ(r, 0, "nanosleep(100 ms) while another process spins");
    char what[96];
    snprintf(what, sizeof(what), "it slept at least 100 ms and woke within 5 s (%ld ms)", dt);
    T_OK(dt >= 100 && dt < 5000, what);

    /* A sleeping child wakes and exits while the parent spins too. */
    pid_t sleeper = fork();
    if (sleeper == 0) {
        struct timespec q = { 0, 50 * 1000 * 1000 };
        nanosleep(&q, NULL);
        _exit(9);
    }
    long deadline = now_ms() + 20000;
    int st = 0, reaped = 0;
    while (now_ms() < deadline) {
        work(1000);
        if (waitpid(sleeper, &st, WNOHANG) == sleeper) {
            reaped = 1;
            break;
        }
    }
    if (!reaped) {
        kill(sleeper, SIGKILL);
        waitpid(sleeper, &st, 0);
    }
    T_OK(reaped && WIFEXITED(st) && WEXITSTATUS(st) == 9,
         "a sleeping child wakes and exits while two processes spin");
    kill(spinner, SIGKILL);
    waitpid(spinner, &st, 0);
    T_OK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "the spinner is killed by SIGKILL");
    T_EQ(sched_yield(), 0, "sched_yield returns 0");
}

/* Hold `value` on the x87 stack under control word `cw` for `loops`
 * iterations of a register-only loop (preempted many times), then check
 * that both survived. Returns 0, or 1 (cw changed) / 2 (value changed). */
static int hold_fpu(double value, unsigned short cw, unsigned long loops)
{
    unsigned short saved_cw, cw_after;
    double out = 0;
    unsigned long n = loops;
    __asm__ volatile("fnstcw %[saved]\n\t"
                     "fldcw %[cw]\n\t"
                     "fldl %[in]\n\t"
                     "fld1\n\t"
                     "fldz\n\t"
                     "1:\n\t"
                     "decl %[n]\n\t"
                     "jnz 1b\n\t"
                     "fstp %%st(0)\n\t"
                     "fstp %%st(0)\n\t"
                     "fstpl %[out]\n\t"
                     "fnstcw %[after]\n\t"
                     "fldcw %[saved]\n\t"
                     : [out] "=m"(out), [after] "=m"(cw_after), [saved] "=m"(saved_cw), [n] "+r"(n)
                     : [cw] "m"(cw), [in] "m"(value)
                     : "cc", "memory");
    if (cw_after != cw)
        return 1;
    if (out != value)
        return 2;
    return 0;
}

static void test_fpu_per_process(void)
{
    /* calibrate the asm loop: ~1 s */
    unsigned long loops = 1000000;
    for (;;) {
        long t0 = now_ms();
        hold_fpu(1.0, 0x037f, loops);
        long dt = now_ms() - t0;
        if (dt >= 100 || loops > (1ul << 30)) {
            loops = loops / (unsigned long)(dt ? dt : 1) * 1000;
            break;
        }
        loops *= 4;
    }
    pid_t a = fork();
    if (a == 0)
        _exit(hold_fpu(2.718281828459045, 0x0f7f /* round toward zero, 64-bit precision */, loops));
    pid_t b = fork();
    if (b == 0)
        _exit(hold_fpu(-1234.5, 0x077f /* round down */, loops));
    int r = hold_fpu(3.141592653589793, 0x0b7f /* round up */, loops);
    int sa = 0, sb = 0;
    waitpid(a, &sa, 0);
    waitpid(b, &sb, 0);
    T_EQ(r, 0, "parent's x87 control word (1) and stack (2) survive preemption");
    T_EQ(WIFEXITED(sa) ? WEXITSTATUS(sa) : 100 + WTERMSIG(sa), 0, "child A's x87 state survives");
    T_EQ(WIFEXITED(sb) ? WEXITSTATUS(sb) : 100 + WTERMSIG(sb), 0, "child B's x87 state survives");

    /* Ordinary floating-point C code in two processes at once. */
    pid_t c = fork();
    double x = 0;
    for (int round = 0; round < 40; round++) {
        x = 0;
        for (int i = 1; i <= 20000; i++)
            x += 1.0 / ((double)i * i);
        if (x < 1.6448 || x > 1.6450)
            break;
    }
    if (c == 0)
        _exit(x > 1.6448 && x < 1.6450 ? 0 : 1);
    int sc = 0;
    waitpid(c, &sc, 0);
    T_OK(x > 1.6448 && x < 1.6450, "parent's sum of 1/i^2 is right while a child computes too");
    T_OK(WIFEXITED(sc) && WEXITSTATUS(sc) == 0, "and the child's is right too");
}

int main(void)
{
    t_begin("sched_fairness");
    calibrate();
    printf("# calibration: %lu rounds per ms\n", rounds_per_ms);
    test_child_progresses();
    test_two_equal_children();
    test_sleeper_wakes();
    test_fpu_per_process();
    return t_end();
}
