/*
 * proc_clone: clone(120) with the fork-like flags glibc's fork and
 * posix_spawn use, on Linux's i386 argument order (flags, newsp,
 * parent_tid, tls, child_tid): the exit signal in the low byte (SIGCHLD,
 * or another one, which only __WALL/__WCLONE waits see), CLONE_CHILD_SETTID
 * (the child's pid in the child's memory only), CLONE_PARENT_SETTID (in
 * the parent's), CLONE_CHILD_CLEARTID, a new stack pointer, CLONE_SETTLS,
 * CLONE_PARENT, vfork-style CLONE_VM|CLONE_VFORK (the parent waits for the
 * child's exit); the sharing flags refused with EINVAL; clone3 ENOSYS
 * (glibc's signal to fall back to clone); vfork(190) waits as well.
 */
#include <agora_shm_test.h>
#include <signal.h>
#include <stdint.h>

#define CLONE_VM 0x100
#define CLONE_FS 0x200
#define CLONE_FILES 0x400
#define CLONE_SIGHAND 0x800
#define CLONE_PIDFD 0x1000
#define CLONE_VFORK 0x4000
#define CLONE_PARENT 0x8000
#define CLONE_THREAD 0x10000
#define CLONE_NEWNS 0x20000
#define CLONE_SETTLS 0x80000
#define CLONE_PARENT_SETTID 0x100000
#define CLONE_CHILD_CLEARTID 0x200000
#define CLONE_CHILD_SETTID 0x1000000
#define CLONE_NEWPID 0x20000000
#define WALL 0x40000000
#define WCLONE 0x80000000u

static long raw_clone(unsigned long flags, void *sp, void *ptid, void *tls, void *ctid)
{
    return syscall(SYS_clone, flags, sp, ptid, tls, ctid);
}

static volatile int32_t child_tid_word;
static volatile int32_t parent_tid_word;

static void test_fork_like(void)
{
    child_tid_word = -7;
    parent_tid_word = -7;
    /* glibc's fork: CHILD_SETTID|CHILD_CLEARTID|SIGCHLD; plus PARENT_SETTID. */
    long pid = raw_clone(CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | CLONE_PARENT_SETTID | SIGCHLD,
                         NULL, (void *)&parent_tid_word, NULL, (void *)&child_tid_word);
    if (pid == 0) {
        /* The child: its own pid at child_tid, parent_tid untouched here. */
        int ok = child_tid_word == getpid() && parent_tid_word == -7;
        _exit(ok ? 42 : 1);
    }
    T_OK(pid > 0, "clone(CHILD_SETTID|CHILD_CLEARTID|PARENT_SETTID|SIGCHLD) makes a child");
    T_EQ(parent_tid_word, pid, "CLONE_PARENT_SETTID: the child's pid in the parent");
    T_EQ(child_tid_word, -7, "CLONE_CHILD_SETTID writes the child's memory, not the parent's");
    int st = 0;
    T_EQ(waitpid((pid_t)pid, &st, 0), pid, "waitpid reaps it");
    T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 42, "the child saw its tid set and parent_tid not");
}

static char stack_area[16384] __attribute__((aligned(16)));

static void test_new_stack(void)
{
    /* A new stack: the child returns from the raw call on it; it must not
     * use the parent's frames, so it exits through a raw exit at once. */
    void *top = stack_area + sizeof(stack_area) - 64;
    pid_t pid;
    __asm__ volatile(
        "pushl %%ebx\n\t"
        "movl %[flags], %%ebx\n\t"
        "movl $120, %%eax\n\t"
        "int $0x80\n\t"
        "testl %%eax, %%eax\n\t"
        "jnz 1f\n\t"
        /* child: exit((esp - stack_area) >> 8), 63 for the new stack */
        "movl %%esp, %%ebx\n\t"
        "subl %[base], %%ebx\n\t"
        "shrl $8, %%ebx\n\t"
        "movl $1, %%eax\n\t"
        "int $0x80\n\t"
        "1: popl %%ebx\n\t"
        : "=a"(pid)
        : [flags] "i"(SIGCHLD), "c"(top), "d"(0), "S"(0), "D"(0), [base] "i"(stack_area)
        : "memory", "cc");
    T_OK(pid > 0, "clone with a new stack pointer");
    int st = 0;
    waitpid(pid, &st, 0);
    T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 63, "the child ran on the new stack");
}

static void test_exit_signal(void)
{
    /* Exit signal 0: no signal, and only __WALL/__WCLONE see the child. */
    long pid = raw_clone(0, NULL, NULL, NULL, NULL);
    if (pid == 0)
        _exit(5);
    T_OK(pid > 0, "clone with exit signal 0");
    int st = 0;
    T_ERRNO(waitpid((pid_t)pid, &st, WNOHANG), ECHILD, "a plain waitpid does not see a clone child");
    T_EQ(syscall(SYS_wait4, pid, &st, WALL, NULL), pid, "wait4 with __WALL reaps it");
    T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 5, "its status");

    /* Exit signal SIGUSR1: the parent gets SIGUSR1, not SIGCHLD. */
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &set, &old);
    pid = raw_clone(SIGUSR1, NULL, NULL, NULL, NULL);
    if (pid == 0)
        _exit(6);
    T_EQ(syscall(SYS_wait4, pid, &st, WCLONE, NULL), pid, "wait4 with __WCLONE reaps it");
    sigset_t pend;
    sigpending(&pend);
    T_OK(sigismember(&pend, SIGUSR1), "its exit sent SIGUSR1");
    T_OK(!sigismember(&pend, SIGCHLD), "and no SIGCHLD");
    signal(SIGUSR1, SIG_IGN);           /* drop the pending one */
    signal(SIGUSR1, SIG_DFL);
    sigprocmask(SIG_SETMASK, &old, NULL);

    /* A SIGCHLD child is not seen by __WCLONE. */
    pid = raw_clone(SIGCHLD, NULL, NULL, NULL, NULL);
    if (pid == 0)
        _exit(7);
    T_ERRNO(syscall(SYS_wait4, pid, &st, WCLONE | WNOHANG, NULL), ECHILD,
            "__WCLONE does not see a SIGCHLD child");
    T_EQ(waitpid((pid_t)pid, &st, 0), pid, "waitpid does");
}

static void test_refused(void)
{
    static const struct { unsigned long flags; const char *what; } rows[] = {
        { CLONE_VM | SIGCHLD, "CLONE_VM" },
        { CLONE_FS | SIGCHLD, "CLONE_FS" },
        { CLONE_FILES | SIGCHLD, "CLONE_FILES" },
        { CLONE_SIGHAND | CLONE_VM | SIGCHLD, "CLONE_SIGHAND|CLONE_VM" },
        { CLONE_THREAD | CLONE_SIGHAND | CLONE_VM, "CLONE_THREAD|CLONE_SIGHAND|CLONE_VM (pthreads)" },
        { CLONE_NEWNS | SIGCHLD, "CLONE_NEWNS" },
        { CLONE_NEWPID | SIGCHLD, "CLONE_NEWPID" },
        { CLONE_PIDFD | SIGCHLD, "CLONE_PIDFD" },
    };
    for (unsigned i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char what[96];
        snprintf(what, sizeof(what), "clone %s: EINVAL", rows[i].what);
        long r = raw_clone(rows[i].flags, NULL, NULL, NULL, NULL);
        int e = errno;
        if (r == 0)
            _exit(99);
        T_ERRNO((errno = e, r), EINVAL, what);
    }
    char args[88];
    memset(args, 0, sizeof(args));
    T_ERRNO(syscall(435, args, sizeof(args)), ENOSYS, "clone3: ENOSYS (glibc falls back to clone)");
}

static void test_settls(void)
{
    /* CLONE_SETTLS with a user_desc for the TLS slot: the child's gs base. */
    static uint32_t tls_word = 0x5eed;
    struct udesc { uint32_t entry, base, limit, flags; } d = {
        6, (uint32_t)(uintptr_t)&tls_word, 0xfffff, 0x51,   /* seg_32bit, limit_in_pages, useable */
    };
    long pid = raw_clone(CLONE_SETTLS | SIGCHLD, NULL, NULL, &d, NULL);
    if (pid == 0) {
        uint32_t v;
        __asm__ volatile("movw %w1, %%gs\n\tmovl %%gs:0, %0" : "=r"(v) : "r"(6 * 8 + 3));
        _exit(v == 0x5eed ? 44 : 1);
    }
    T_OK(pid > 0, "clone with CLONE_SETTLS");
    int st = 0;
    waitpid((pid_t)pid, &st, 0);
    T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 44, "the child's TLS segment is the descriptor's");
    struct udesc bad = d;
    bad.entry = (uint32_t)-1;
    T_ERRNO(raw_clone(CLONE_SETTLS | SIGCHLD, NULL, NULL, &bad, NULL), EINVAL,
            "CLONE_SETTLS with entry -1: EINVAL (clone may not allocate)");
    T_ERRNO(raw_clone(CLONE_SETTLS | SIGCHLD, NULL, NULL, (void *)0xC0000000, NULL), EFAULT,
            "CLONE_SETTLS with a kernel pointer: EFAULT");
}

static void test_vfork(void)
{
    int id = shmget(IPC_PRIVATE, PG, IPC_CREAT | 0600);
    volatile int *flag = shmat(id, NULL, 0);
    shmctl(id, IPC_RMID, NULL);
    T_OK(flag != AT_FAILED, "a shared flag");
    /* The child sleeps, then sets the flag and exits: a vfork parent cannot
     * run before that. */
    *flag = 0;
    long pid = raw_clone(CLONE_VM | CLONE_VFORK | SIGCHLD, NULL, NULL, NULL, NULL);
    if (pid == 0) {
        usleep(100000);
        *flag = 1;
        _exit(0);
    }
    T_OK(pid > 0, "clone(CLONE_VM|CLONE_VFORK|SIGCHLD), as posix_spawn");
    T_EQ(*flag, 1, "the parent ran only after the child's exit");
    waitpid((pid_t)pid, NULL, 0);
    *flag = 0;
    pid = syscall(SYS_vfork);
    if (pid == 0) {
        usleep(100000);
        *flag = 2;
        _exit(0);
    }
    T_EQ(*flag, 2, "vfork(190): the parent ran only after the child's exit");
    waitpid((pid_t)pid, NULL, 0);
    /* A vfork child that execs releases the parent too. */
    *flag = 0;
    pid = syscall(SYS_vfork);
    if (pid == 0) {
        char *argv[] = { "/bin/true", NULL };
        execve("/bin/true", argv, NULL);
        _exit(127);
    }
    int st = 0;
    T_EQ(waitpid((pid_t)pid, &st, 0), pid, "a vfork child that execs");
    T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "ran /bin/true");
    shmdt((void *)flag);
}

static void test_parent(void)
{
    /* CLONE_PARENT: the new process is our sibling, our parent reaps it. */
    int id = shmget(IPC_PRIVATE, PG, IPC_CREAT | 0600);
    volatile int *sh = shmat(id, NULL, 0);
    shmctl(id, IPC_RMID, NULL);
    sh[0] = 0;
    pid_t mid = fork();
    if (mid == 0) {
        long pid = raw_clone(CLONE_PARENT | SIGCHLD, NULL, NULL, NULL, NULL);
        if (pid == 0) {
            sh[1] = getppid();
            _exit(0);
        }
        sh[0] = (int)pid;
        int st;
        /* Not our child: */
        _exit(waitpid((pid_t)pid, &st, WNOHANG) == -1 && errno == ECHILD ? 0 : 1);
    }
    int st = 0, got = 0;
    waitpid(mid, &st, 0);
    T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "CLONE_PARENT: not the caller's child");
    got = waitpid(sh[0], &st, 0);
    T_EQ(got, sh[0], "CLONE_PARENT: the caller's parent reaps it");
    T_EQ(sh[1], getpid(), "CLONE_PARENT: its getppid() is the caller's parent");

    /* The sibling's end is signalled with the caller's own exit signal
     * (SIGCHLD here), never the one it asked for: SIGUSR1's default
     * action would kill us. */
    mid = fork();
    if (mid == 0) {
        long pid = raw_clone(CLONE_PARENT | SIGUSR1, NULL, NULL, NULL, NULL);
        if (pid == 0)
            _exit(0);
        sh[0] = (int)pid;
        _exit(0);
    }
    waitpid(mid, &st, 0);
    got = waitpid(sh[0], &st, 0);
    T_EQ(got, sh[0], "CLONE_PARENT|SIGUSR1: reaped by a plain waitpid (its exit signal is SIGCHLD)");
    T_OK(WIFEXITED(st), "and we were not killed by SIGUSR1");
    shmdt((void *)sh);
}

static void test_bad_tid_pointers(void)
{
    /* Linux ignores faults writing the tids: clone still succeeds. */
    static const uintptr_t bad[] = { 0xC0000000u, 0x50000000u, 0xBFFFFFFEu };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        long pid = raw_clone(CLONE_PARENT_SETTID | CLONE_CHILD_SETTID | SIGCHLD, NULL,
                             (void *)bad[i], NULL, (void *)bad[i]);
        if (pid == 0)
            _exit(3);
        char what[96];
        snprintf(what, sizeof(what), "clone with tid pointers %#lx: still a child",
                 (unsigned long)bad[i]);
        T_OK(pid > 0, what);
        int st = 0;
        waitpid((pid_t)pid, &st, 0);
        T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 3, "and it ran");
    }
}

int main(void)
{
    t_begin("proc_clone");
    test_fork_like();
    test_new_stack();
    test_exit_signal();
    test_refused();
    test_settls();
    test_vfork();
    test_parent();
    test_bad_tid_pointers();
    return t_end();
}
