/*
 * robust_sleep: sleeps as long as the types allow. A nanosleep or
 * clock_nanosleep for ~2^31 or ~2^63 seconds must sleep (until a signal
 * interrupts it with EINTR and the time left in rem), never overflow into
 * a deadline in the past and return at once. Absolute sleeps to the far
 * future likewise. Raw system calls, so libc's conversions play no part.
 *
 * Before the fix clock_nanosleep_time64 with a huge tv_sec overflowed
 * tv_sec * 1e9 and returned 0 at once.
 */
#include <agora_test.h>
#include <signal.h>
#include <stdint.h>

#define CLK_REALTIME  0
#define CLK_MONOTONIC 1
#define ABSTIME       1

struct ts32 { int32_t sec, nsec; };
struct ts64 { int64_t sec, nsec; };

enum kind { NANOSLEEP, CLOCK32, CLOCK64 };

struct sleep_case {
    const char *what;
    enum kind kind;
    int clk, flags;
    int64_t sec;
    int64_t min_left_sec;               /* rem.tv_sec at least this (-1: rem not set) */
};

static void on_usr1(int sig) { (void)sig; }

/* In a child: make the sleep, report 0 if it was interrupted by the
 * parent's SIGUSR1 with EINTR and rem as wanted; 1: returned 0 (did not
 * sleep), 2: other errno, 3: rem too small. */
static int sleeper(const struct sleep_case *c)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_usr1;            /* no SA_RESTART */
    sigaction(SIGUSR1, &sa, NULL);
    long r;
    int64_t left = -1;
    if (c->kind == CLOCK64) {
        struct ts64 req = { c->sec, 999999999 }, rem = { -1, -1 };
        r = syscall(SYS_clock_nanosleep_time64, c->clk, c->flags, &req, &rem);
        left = rem.sec;
    } else {
        int32_t s = c->sec > 0x7FFFFFFF ? 0x7FFFFFFF : (int32_t)c->sec;
        struct ts32 req = { s, 999999999 }, rem = { -1, -1 };
        if (c->kind == CLOCK32)
            r = syscall(SYS_clock_nanosleep, c->clk, c->flags, &req, &rem);
        else
            r = syscall(SYS_nanosleep, &req, &rem);
        left = rem.sec;
    }
    if (r == 0)
        return 1;
    if (errno != EINTR)
        return 2;
    if (c->min_left_sec >= 0 ? left < c->min_left_sec : left != -1)
        return 3;
    return 0;
}

static int run_case(const struct sleep_case *c)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0)
        _exit(sleeper(c));
    /* Give it time to fall asleep (or to return at once, wrongly). */
    struct timespec pause = { 0, 200 * 1000000 };
    nanosleep(&pause, NULL);
    kill(pid, SIGUSR1);
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st);
}

int main(void)
{
    t_begin("robust_sleep");
    const struct sleep_case cases[] = {
        { "nanosleep 2^31-1 s", NANOSLEEP, 0, 0, 0x7FFFFFFF, 0x7FFFFFFF - 100 },
        { "clock_nanosleep (32-bit) MONOTONIC 2^31-1 s", CLOCK32, CLK_MONOTONIC, 0, 0x7FFFFFFF, 0x7FFFFFFF - 100 },
        { "clock_nanosleep_time64 MONOTONIC 2^63-1 s", CLOCK64, CLK_MONOTONIC, 0, 0x7FFFFFFFFFFFFFFFll, 1000000000 },
        { "clock_nanosleep_time64 MONOTONIC 2^40 s", CLOCK64, CLK_MONOTONIC, 0, 1ll << 40, 1000000000 },
        { "clock_nanosleep_time64 REALTIME 2^62 s", CLOCK64, CLK_REALTIME, 0, 1ll << 62, 1000000000 },
        { "clock_nanosleep_time64 absolute 2^63-1 s", CLOCK64, CLK_MONOTONIC, ABSTIME, 0x7FFFFFFFFFFFFFFFll, -1 },
        { "clock_nanosleep (32-bit) absolute REALTIME 2^31-1 s", CLOCK32, CLK_REALTIME, ABSTIME, 0x7FFFFFFF, -1 },
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char what[128];
        snprintf(what, sizeof(what), "%s sleeps until a signal (EINTR, time left in rem)", cases[i].what);
        T_EQ(run_case(&cases[i]), 0, what);
    }
    return t_end();
}
