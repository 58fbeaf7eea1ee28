/*
 * robust_segregs: segment registers a user program can forge must never
 * fault the kernel on its way back to user mode (trap_return pops ds, es,
 * fs and gs, then irets; a selector whose descriptor is missing makes that
 * pop fault in ring 0).
 *
 * Two ways to get a bad selector into the saved user registers:
 *   - a signal handler rewrites uc_mcontext, and rt_sigreturn loads it;
 *   - the TLS descriptor behind a loaded %gs or %fs is taken away with
 *     set_thread_area(seg_not_present), or never existed.
 * Linux's answer in both cases: a selector that cannot be loaded becomes
 * the null selector (its return path loads 0 when the pop faults), valid
 * ones are kept, and a handler always starts with the user data segment
 * in ds and es. agora does the same when the selector is set, and
 * checks again when the descriptor changes.
 *
 * Before the fix each case panicked the kernel with #GP at trap_return.
 */
#include <agora_test.h>
#include <signal.h>
#include <stdint.h>
#include <uapi/signal.h>

#define SEL_UDATA 0x23                  /* GDT 4, RPL 3: flat user data */
#define SEL_TLS   0x33                  /* GDT 6, RPL 3: set_thread_area's slot */
#define SEL_TSS   0x2B                  /* GDT 5, RPL 3: the TSS, never loadable */
#define SEL_LDT   0x0F                  /* an LDT selector: agora has no LDT */

struct user_desc_raw { uint32_t entry, base, limit, flags; };

#define TLS_USEABLE   0x51              /* seg_32bit | limit_in_pages | useable */
#define TLS_NOT_PRESENT 0x28            /* read_exec_only | seg_not_present: "empty" */

static unsigned get_gs(void) { unsigned v; __asm__ volatile("movl %%gs, %0" : "=r"(v)); return v & 0xFFFF; }
static unsigned get_fs(void) { unsigned v; __asm__ volatile("movl %%fs, %0" : "=r"(v)); return v & 0xFFFF; }
static unsigned get_ds(void) { unsigned v; __asm__ volatile("movl %%ds, %0" : "=r"(v)); return v & 0xFFFF; }

static uint32_t tls_word = 0x7a7a7a7a;

static int set_tls(uint32_t flags)
{
    struct user_desc_raw d = { 6, (uint32_t)&tls_word, 0xFFFFF, flags };
    return (int)syscall(SYS_set_thread_area, &d);
}

/* The selectors the SIGUSR1 handler writes into the frame. */
static volatile unsigned forge_gs, forge_fs, forge_ds, forge_es;

static void forger(int sig, siginfo_t *si, void *ctx)
{
    (void)sig; (void)si;
    struct ucontext_i386 *uc = ctx;
    uc->uc_mcontext.gs = (uint16_t)forge_gs;
    uc->uc_mcontext.fs = (uint16_t)forge_fs;
    uc->uc_mcontext.ds = (uint16_t)forge_ds;
    uc->uc_mcontext.es = (uint16_t)forge_es;
}

static void install(int sig, void (*fn)(int, siginfo_t *, void *))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO;
    sigaction(sig, &sa, NULL);
}

/* A child that forges gs and fs through a handler; exits with 0 if both
 * read back as want_gs/want_fs after the handler returned. */
static int forge_in_child(unsigned gs, unsigned fs, int with_tls, unsigned want_gs, unsigned want_fs)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        if (with_tls && set_tls(TLS_USEABLE) != 0)
            _exit(10);
        forge_gs = gs; forge_fs = fs;
        forge_ds = forge_es = SEL_UDATA;
        install(SIGUSR1, forger);
        raise(SIGUSR1);
        unsigned g = get_gs(), f = get_fs();
        if (g != want_gs) _exit(11);
        if (f != want_fs) _exit(12);
        if (with_tls && want_gs == SEL_TLS) {
            uint32_t v;
            __asm__ volatile("movl %%gs:0, %0" : "=r"(v));
            if (v != 0x7a7a7a7a) _exit(13);
        }
        _exit(0);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st);
}

/* ds forged to an unloadable selector becomes null. On a real CPU the next
 * data access through it faults, and the SIGSEGV handler runs with ds =
 * user data again and reports what the interrupted code had; QEMU's TCG
 * does not check segment limits, so there the child sees ds = 0 itself.
 * Either way: 42. */
static void segv_reporter(int sig, siginfo_t *si, void *ctx)
{
    (void)sig; (void)si;
    struct ucontext_i386 *uc = ctx;
    _exit(uc->uc_mcontext.ds == 0 && get_ds() == SEL_UDATA ? 42 : 43);
}

static int forge_ds_in_child(unsigned ds)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        forge_gs = forge_fs = 0;
        forge_ds = ds; forge_es = SEL_UDATA;
        install(SIGUSR1, forger);
        install(SIGSEGV, segv_reporter);
        raise(SIGUSR1);
        /* A data access through ds: faults if ds is null. */
        static volatile int probe = 1;
        unsigned ds_now = get_ds();
        _exit(probe + (ds_now == 0 ? 41 : 44));
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st);
}

/* ds and es null when a signal arrives: the handler gets user data ones. */
static void ds_reporter(int sig, siginfo_t *si, void *ctx)
{
    (void)sig; (void)si;
    struct ucontext_i386 *uc = ctx;
    _exit(uc->uc_mcontext.ds == 0 && uc->uc_mcontext.es == 0 && get_ds() == SEL_UDATA ? 42 : 43);
}

static int handler_ds_in_child(void)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        forge_gs = forge_fs = forge_ds = forge_es = 0;
        install(SIGUSR1, forger);
        install(SIGUSR2, ds_reporter);
        raise(SIGUSR1);
        raise(SIGUSR2);
        _exit(44);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st);
}

/* gs (or fs) holds the TLS selector; then the descriptor goes away. */
static int pull_tls_in_child(int use_fs)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        if (set_tls(TLS_USEABLE) != 0)
            _exit(10);
        unsigned sel = SEL_TLS;
        if (use_fs)
            __asm__ volatile("movl %0, %%fs" : : "r"(sel));
        else
            __asm__ volatile("movl %0, %%gs" : : "r"(sel));
        if (set_tls(TLS_NOT_PRESENT) != 0)   /* the system call returns through trap_return */
            _exit(11);
        getpid();                            /* and another one */
        if ((use_fs ? get_fs() : get_gs()) != 0)
            _exit(12);
        _exit(0);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st);
}

int main(void)
{
    t_begin("robust_segregs");

    T_EQ(forge_in_child(SEL_TLS, 0, 0, 0, 0), 0,
         "sigreturn: gs = TLS selector without a TLS descriptor becomes null");
    T_EQ(forge_in_child(0, SEL_TLS, 0, 0, 0), 0,
         "sigreturn: fs = TLS selector without a TLS descriptor becomes null");
    T_EQ(forge_in_child(SEL_TLS, SEL_TLS, 1, SEL_TLS, SEL_TLS), 0,
         "sigreturn: gs and fs = TLS selector with a descriptor are kept and work");
    T_EQ(forge_in_child(SEL_TSS, SEL_LDT, 0, 0, 0), 0,
         "sigreturn: the TSS and an LDT selector become null");
    T_EQ(forge_in_child(0x3B, 0x13, 0, 0, 0), 0,
         "sigreturn: selectors past the GDT and ring-0 data become null");
    T_EQ(forge_in_child(SEL_UDATA, SEL_UDATA, 0, SEL_UDATA, SEL_UDATA), 0,
         "sigreturn: the user data selector is kept");
    T_EQ(forge_in_child(0, 0, 0, 0, 0), 0,
         "sigreturn: null selectors are kept");

    T_EQ(forge_ds_in_child(SEL_TSS), 42,
         "sigreturn: ds = TSS selector becomes null (a handler runs with user ds)");
    T_EQ(handler_ds_in_child(), 42,
         "a handler starts with user data in ds and es, whatever was interrupted");

    T_EQ(pull_tls_in_child(0), 0,
         "set_thread_area(not present) under a loaded gs: gs becomes null, no kernel fault");
    T_EQ(pull_tls_in_child(1), 0,
         "set_thread_area(not present) under a loaded fs: fs becomes null, no kernel fault");
    return t_end();
}
