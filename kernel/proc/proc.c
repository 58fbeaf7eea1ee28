/*
 * proc.c: the process table, fork, exit, wait and kill.
 *
 * A process's kernel stack holds its user registers (struct trapframe) at
 * the top. fork copies the parent's frame into the child's stack with eax
 * set to 0, so both return from the same fork, with different results.
 * Exit releases everything at once (address space, with its shm
 * attachments, and files) and leaves a zombie holding only its wait status
 * and kernel stack, which its parent frees in wait.
 */
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/vm.h>
#include <kernel/fs.h>
#include <kernel/uaccess.h>
#include <kernel/console.h>
#include <kernel/procfs.h>
#include <kernel/syscall.h>
#include <arch/arch.h>
#include <arch/trap.h>
#include <uapi/errno.h>
#include <uapi/wait.h>
#include <string.h>

static struct proc procs[NPROC];
static pid_t next_pid = 1;
static struct proc *initproc;

struct proc *proc_table(int i) { return &procs[i]; }

struct proc *proc_find(pid_t pid)
{
    if (pid <= 0)
        return NULL;
    for (int i = 0; i < NPROC; i++)
        if (procs[i].state != P_UNUSED && procs[i].pid == pid)
            return &procs[i];
    return NULL;
}

int proc_count(void)
{
    int n = 0;
    for (int i = 0; i < NPROC; i++)
        n += procs[i].state != P_UNUSED;
    return n;
}

int proc_count_user(uid_t ruid)
{
    int n = 0;
    for (int i = 0; i < NPROC; i++)
        n += procs[i].state != P_UNUSED && procs[i].ruid == ruid;
    return n;
}

static pid_t alloc_pid(void)
{
    for (;;) {
        pid_t pid = next_pid++;
        if (next_pid >= 32768)
            next_pid = 2;
        if (!proc_find(pid))
            return pid;
    }
}

static void proc_free(struct proc *p);

/* A fresh process slot with a kernel stack and /proc/PID; NULL with *err set. */
static struct proc *proc_alloc(int *err)
{
    struct proc *p = NULL;
    for (int i = 0; i < NPROC && !p; i++)
        if (procs[i].state == P_UNUSED)
            p = &procs[i];
    if (!p) {
        *err = -EAGAIN;
        return NULL;
    }
    vaddr_t kstack = kstack_alloc();
    if (!kstack) {
        *err = -ENOMEM;
        return NULL;
    }
    memset(p, 0, sizeof(*p));
    p->pid = alloc_pid();
    p->state = P_EMBRYO;
    p->kstack_top = kstack;
    p->ctx_esp = arch_prepare_kstack(kstack, &p->tf);
    if ((*err = procfs_proc_new(p, current)) < 0) {
        proc_free(p);
        return NULL;
    }
    return p;
}

static void proc_free(struct proc *p)
{
    procfs_proc_free(p);
    kstack_free(p->kstack_top);
    p->state = P_UNUSED;
    p->pid = 0;
}

bool proc_is_root(const struct proc *p)
{
    return p->euid == 0;
}

bool proc_in_group(const struct proc *p, gid_t gid)
{
    if (p->egid == gid)
        return true;
    for (int i = 0; i < p->ngroups; i++)
        if (p->groups[i] == gid)
            return true;
    return false;
}

void proc_start_init(const char *const argv[])
{
    int err;
    struct proc *p = proc_alloc(&err);
    if (!p)
        panic("init: cannot allocate a process (%d)", err);
    initproc = p;
    p->pgid = p->sid = p->pid;
    proc_rlimit_init(p);
    p->vm = vm_space_create();
    if (!p->vm || fs_init_console_fds(p) < 0)
        panic("init: out of memory");
    current = p;                        /* exec works on current */
    err = proc_exec_kernel(argv[0], argv);
    if (err < 0)
        panic("init: cannot exec %s (%d)", argv[0], err);
    p->state = P_RUNNABLE;
    sched_start(p);
}

long sys_fork(void)
{
    /* RLIMIT_NPROC: the processes of the caller's real user, zombies
     * included; root (real or effective) is exempt, as on Linux. */
    if (current->ruid != 0 && !proc_is_root(current) &&
        (uint32_t)proc_count_user(current->ruid) >= proc_rlimit(current, RLIMIT_NPROC))
        return -EAGAIN;
    int err;
    struct proc *child = proc_alloc(&err);
    if (!child)
        return err;
    child->vm = vm_space_fork(current->vm);
    if (!child->vm) {
        proc_free(child);
        return -ENOMEM;
    }
    if ((err = fs_fork_fds(child, current)) < 0) {
        vm_space_destroy(child->vm);
        proc_free(child);
        return err;
    }
    *child->tf = *current->tf;
    arch_fpu_save(current->fpu);        /* the live state, for the child */
    memcpy(child->fpu, current->fpu, sizeof(child->fpu));
    child->tf->eax = 0;                 /* the child's fork returns 0 */
    memcpy(child->name, current->name, sizeof(child->name));
    child->parent = current;
    child->pgid = current->pgid;
    child->sid = current->sid;
    child->ruid = current->ruid; child->euid = current->euid; child->suid = current->suid;
    child->rgid = current->rgid; child->egid = current->egid; child->sgid = current->sgid;
    child->ngroups = current->ngroups;
    memcpy(child->groups, current->groups, sizeof(child->groups));
    memcpy(child->rlim, current->rlim, sizeof(child->rlim));
    child->sig_blocked = current->sig_blocked;
    memcpy(child->sigact, current->sigact, sizeof(child->sigact));
    child->tls_base = current->tls_base;
    child->tls_limit = current->tls_limit;
    child->tls_flags = current->tls_flags;
    child->state = P_RUNNABLE;
    return child->pid;
}

void proc_exit(int status)
{
    struct proc *p = current;
    if (p == initproc)
        panic("init exited with status 0x%x", status);
    fs_close_all(p);
    vm_space_destroy(p->vm);            /* detaches every shm attachment */
    p->vm = NULL;
    bool zombies = false;
    for (int i = 0; i < NPROC; i++) {
        if (procs[i].state != P_UNUSED && procs[i].parent == p) {
            procs[i].parent = initproc;
            zombies |= procs[i].state == P_ZOMBIE;
        }
    }
    if (zombies)
        sched_wakeup(initproc);
    p->exit_status = status;
    p->state = P_ZOMBIE;
    proc_signal(p->parent, SIGCHLD);
    sched_wakeup(p->parent);
    schedule();
    panic("a zombie ran");
}

long sys_exit(int code)
{
    proc_exit(W_EXITCODE(code & 0xFF, 0));
}

long sys_wait4(pid_t pid, int __user *status, int options, void __user *rusage)
{
    if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | 0x40000000 /* __WALL */))
        return -EINVAL;
    for (;;) {
        bool have_child = false;
        for (int i = 0; i < NPROC; i++) {
            struct proc *c = &procs[i];
            if (c->state == P_UNUSED || c->parent != current)
                continue;
            if (pid > 0 && c->pid != pid)
                continue;
            have_child = true;
            if (c->state != P_ZOMBIE)
                continue;
            if (status && copyout(status, &c->exit_status, sizeof(int)) < 0)
                return -EFAULT;
            if (rusage) {
                static const char zero[72];     /* struct rusage, i386 */
                if (copyout(rusage, zero, sizeof(zero)) < 0)
                    return -EFAULT;
            }
            pid_t got = c->pid;
            proc_free(c);
            return got;
        }
        if (!have_child)
            return -ECHILD;
        if (options & WNOHANG)
            return 0;
        if (sched_sleep(current) < 0)
            return -EINTR;
    }
}

long sys_waitpid(pid_t pid, int __user *status, int options)
{
    return sys_wait4(pid, status, options, NULL);
}

long sys_getpid(void) { return current->pid; }
long sys_getppid(void) { return current->parent ? current->parent->pid : 0; }

/* May current send a signal to p? (POSIX: root, or a matching uid.) */
static bool may_signal(const struct proc *p)
{
    return proc_is_root(current) || current->ruid == p->ruid || current->ruid == p->suid ||
           current->euid == p->ruid || current->euid == p->suid;
}

long sys_kill(pid_t pid, int sig)
{
    if (sig < 0 || sig > _NSIG)
        return -EINVAL;
    if (pid == (pid_t)0x80000000)
        return -ESRCH;
    if (pid > 0) {
        struct proc *p = proc_find(pid);
        if (!p)
            return -ESRCH;
        if (!may_signal(p))
            return -EPERM;
        if (sig)
            proc_signal_from(p, sig, current);
        return 0;
    }
    /* pid 0: the caller's process group; -1: everyone but init and the
     * caller; below -1: the process group -pid. */
    pid_t pgid = pid == 0 ? current->pgid : -pid;
    int found = 0, allowed = 0;
    for (int i = 0; i < NPROC; i++) {
        struct proc *p = &procs[i];
        if (p->state == P_UNUSED || p->state == P_EMBRYO)
            continue;
        if (pid == -1 ? (p == initproc || p == current) : p->pgid != pgid)
            continue;
        found++;
        if (!may_signal(p))
            continue;
        allowed++;
        if (sig)
            proc_signal_from(p, sig, current);
    }
    if (!found)
        return -ESRCH;
    return allowed ? 0 : -EPERM;
}

void proc_signal_group(pid_t pgid, int sig)
{
    for (int i = 0; i < NPROC; i++)
        if (procs[i].state != P_UNUSED && procs[i].pgid == pgid)
            proc_signal(&procs[i], sig);
}

long sys_setpgid(pid_t pid, pid_t pgid)
{
    if (pgid < 0)
        return -EINVAL;
    struct proc *p = pid ? proc_find(pid) : current;
    if (!p || (p != current && p->parent != current))
        return -ESRCH;
    if (p->sid == p->pid)
        return -EPERM;                  /* a session leader keeps its group */
    p->pgid = pgid ? pgid : p->pid;
    return 0;
}

long sys_getpgid(pid_t pid)
{
    struct proc *p = pid ? proc_find(pid) : current;
    return p ? p->pgid : -ESRCH;
}

long sys_getpgrp(void)
{
    return current->pgid;
}

long sys_setsid(void)
{
    if (current->pgid == current->pid)
        return -EPERM;
    current->sid = current->pgid = current->pid;
    return current->pid;
}

long sys_getsid(pid_t pid)
{
    struct proc *p = pid ? proc_find(pid) : current;
    return p ? p->sid : -ESRCH;
}
