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
#include <kernel/errno.h>
#include <arch/arch.h>
#include <arch/trap.h>
#include <uapi/errno.h>
#include <uapi/wait.h>
#include <uapi/sched.h>
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
    p->syscall_nr = -1;
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
    fs_proc_init(p);
    current = p;                        /* exec works on current */
    err = proc_exec_kernel(argv[0], argv);
    if (err < 0)
        panic("init: cannot exec %s (%d)", argv[0], err);
    p->state = P_RUNNABLE;
    sched_start(p);
}

struct proc *proc_fork(uint32_t flags, uint32_t newsp, int *err)
{
    /* RLIMIT_NPROC: the processes of the caller's real user, zombies
     * included; root (real or effective) is exempt, as on Linux. */
    if (current->ruid != 0 && !proc_is_root(current) &&
        (uint32_t)proc_count_user(current->ruid) >= proc_rlimit(current, RLIMIT_NPROC)) {
        *err = -EAGAIN;
        return NULL;
    }
    struct proc *child = proc_alloc(err);
    if (!child)
        return NULL;
    child->vm = vm_space_fork(current->vm);
    if (!child->vm) {
        proc_free(child);
        *err = -ENOMEM;
        return NULL;
    }
    if ((*err = fs_fork_fds(child, current)) < 0) {
        vm_space_destroy(child->vm);
        proc_free(child);
        return NULL;
    }
    fs_fork_cwd(child, current);
    *child->tf = *current->tf;
    arch_fpu_save(current->fpu);        /* the live state, for the child */
    memcpy(child->fpu, current->fpu, sizeof(child->fpu));
    child->tf->eax = 0;                 /* the child's fork returns 0 */
    if (newsp)
        child->tf->esp = newsp;
    memcpy(child->name, current->name, sizeof(child->name));
    /* A sibling (CLONE_PARENT) tells the parent of its end with the
     * caller's own exit signal, not the one asked for (Linux's
     * copy_process): no process can pick the signal its parent gets. */
    child->parent = (flags & CLONE_PARENT) ? current->parent : current;
    child->exit_signal = (flags & CLONE_PARENT) ? current->exit_signal : (int)(flags & CSIGNAL);
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
    child->nice = current->nice;
    child->syscall_nr = -1;
    rseq_fork(child, current);
    /* Not inherited (Linux): pending signals, interval timers and alarm,
     * the robust-futex list, times: proc_alloc zeroed them. */
    return child;
}

/* CLONE_VFORK: the parent sleeps until the child execs or exits (Linux
 * lets a fatal signal end the wait; here any signal does, as the kernel
 * runs with interrupts off and must not spin). */
static void vfork_wait(struct proc *child)
{
    pid_t pid = child->pid;
    child->vfork_wait = true;
    while (proc_find(pid) == child && child->vfork_wait)
        if (sched_sleep(&child->vfork_wait) < 0)
            break;
}

/* The child of a vfork execs or exits: its parent may run again. */
static void vfork_release(struct proc *p)
{
    if (p->vfork_wait) {
        p->vfork_wait = false;
        sched_wakeup(&p->vfork_wait);
    }
}

void proc_exec_reset(struct proc *p)
{
    p->robust_list = 0;
    p->robust_len = 0;
    p->rseq = 0;
    p->rseq_len = p->rseq_sig = 0;
    vfork_release(p);
}

long sys_fork(void)
{
    int err;
    struct proc *child = proc_fork(SIGCHLD, 0, &err);
    if (!child)
        return err;
    child->state = P_RUNNABLE;
    return child->pid;
}

/* vfork(190): clone(CLONE_VM | CLONE_VFORK | SIGCHLD), and agora does
 * CLONE_VM for a vfork as a copy (see sys_clone). */
long sys_vfork(void)
{
    int err;
    struct proc *child = proc_fork(SIGCHLD, 0, &err);
    if (!child)
        return err;
    child->state = P_RUNNABLE;
    pid_t pid = child->pid;
    vfork_wait(child);
    return pid;
}

/*
 * clone(flags, newsp, parent_tid, tls, child_tid): i386's argument order
 * (Linux's CLONE_BACKWARDS). agora has no threads, so it makes processes
 * only: the flags that share a resource with the parent (CLONE_VM,
 * CLONE_FS, CLONE_FILES, CLONE_SIGHAND, CLONE_THREAD), the namespaces and
 * CLONE_PIDFD give EINVAL, except CLONE_VM with CLONE_VFORK: glibc's
 * posix_spawn and busybox's vfork use it, the child only execs or exits,
 * and a copy of the address space does for that (the parent waits as for a
 * vfork; a child that writes to memory writes its own copy, the one visible
 * difference: an exec failure glibc's spawn child reports through shared
 * memory reads as success in the parent, and the child exits 127).
 * Accepted: the exit signal in the low byte (any byte, as Linux's clone;
 * a child whose exit signal is not SIGCHLD is waited for with __WALL or
 * __WCLONE only), CLONE_PARENT, CLONE_VFORK, CLONE_SETTLS (tls points to a
 * struct user_desc, as set_thread_area's), CLONE_PARENT_SETTID (the
 * child's pid at *parent_tid in the parent), CLONE_CHILD_SETTID (at
 * *child_tid in the child), CLONE_CHILD_CLEARTID (noted as
 * set_tid_address does; with no shared memory nobody could see the clear),
 * and the no-ops CLONE_PTRACE, CLONE_UNTRACED, CLONE_DETACHED,
 * CLONE_SYSVSEM, CLONE_IO. A bad tid pointer is ignored, as Linux does.
 */
long sys_clone(uint32_t flags, uint32_t newsp, uint32_t parent_tid, uint32_t tls,
               uint32_t child_tid)
{
    const uint32_t shared = CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
                            CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC |
                            CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_PIDFD;
    if (flags & shared)
        return -EINVAL;
    if ((flags & CLONE_VM) && !(flags & CLONE_VFORK))
        return -EINVAL;
    if ((flags & CLONE_PARENT) && current->pid == 1)
        return -EINVAL;                 /* Linux: init may not make siblings */
    struct tls_desc tlsd;
    if (flags & CLONE_SETTLS) {
        int err = tls_desc_read((void __user *)tls, false, &tlsd);
        if (err < 0)
            return err;
    }
    int err;
    struct proc *child = proc_fork(flags, newsp, &err);
    if (!child)
        return err;
    pid_t pid = child->pid;
    if (flags & CLONE_SETTLS) {
        child->tls_base = tlsd.base;
        child->tls_limit = tlsd.limit;
        child->tls_flags = tlsd.flags;
    }
    if (flags & CLONE_CHILD_SETTID)
        (void)vm_copyout(child->vm, child_tid, &pid, sizeof(pid));
    if (flags & CLONE_CHILD_CLEARTID)
        child->clear_child_tid = child_tid;
    if (flags & CLONE_PARENT_SETTID)
        (void)copyout((void __user *)parent_tid, &pid, sizeof(pid));
    child->state = P_RUNNABLE;
    if (flags & CLONE_VFORK)
        vfork_wait(child);
    return pid;
}

/* clone3: -ENOSYS, as on a Linux before 5.3. glibc 2.36's __clone_internal
 * tries clone3 first and falls back to clone on exactly ENOSYS (any other
 * error it returns to the caller), so this is what makes its fork,
 * posix_spawn and pthread_create reach sys_clone. */
long sys_clone3(void __user *args, uint32_t size)
{
    (void)args;
    (void)size;
    return -ENOSYS;
}

void proc_exit(int status)
{
    struct proc *p = current;
    if (p == initproc)
        panic("init exited with status 0x%x", status);
    fs_close_all(p);
    fs_exit_cwd(p);
    vm_space_destroy(p->vm);            /* detaches every shm attachment */
    p->vm = NULL;
    vfork_release(p);
    p->itimer_real_ns = 0;
    bool zombies = false;
    for (int i = 0; i < NPROC; i++) {
        if (procs[i].state != P_UNUSED && procs[i].parent == p) {
            procs[i].parent = initproc;
            procs[i].exit_signal = SIGCHLD;     /* Linux: init reaps them all */
            zombies |= procs[i].state == P_ZOMBIE;
        }
    }
    if (zombies)
        sched_wakeup(initproc);
    p->exit_status = status;
    p->state = P_ZOMBIE;
    if (p->exit_signal > 0 && p->exit_signal <= _NSIG)
        proc_signal(p->parent, p->exit_signal);
    sched_wakeup(p->parent);
    schedule();
    panic("a zombie ran");
}

long sys_exit(int code)
{
    proc_exit(W_EXITCODE(code & 0xFF, 0));
}

/* What a wait reports of a child. */
struct wait_info {
    pid_t pid;
    int status;                         /* wait status, Linux encoding */
    uid_t uid;
    uint32_t utime, stime;              /* ticks, the child's and its children's */
};

/* May this wait report c? idtype/id as waitid's; a child whose exit
 * signal is not SIGCHLD (a clone child) is seen with __WCLONE or __WALL
 * only, and __WCLONE sees only those (Linux's eligible_child). */
static bool wait_eligible(const struct proc *c, int idtype, pid_t id, uint32_t options)
{
    if (c->state == P_UNUSED || c->parent != current)
        return false;
    if ((idtype == P_PID && c->pid != id) || (idtype == P_PGID && c->pgid != id))
        return false;
    if (options & __WALL)
        return true;
    return (c->exit_signal != SIGCHLD) == !!(options & __WCLONE);
}

/* The common body of wait4 and waitid: a zombie child that matches, reaped
 * (kept with WNOWAIT). Returns its pid, 0 (WNOHANG, none yet), -ECHILD, or
 * -ERESTARTSYS when a signal ends the sleep (signal delivery turns that
 * into EINTR or a restart, as SA_RESTART says). agora has no job control,
 * so WUNTRACED/WSTOPPED and WCONTINUED never find anything. */
static long do_wait(int idtype, pid_t id, uint32_t options, struct wait_info *wi)
{
    for (;;) {
        bool have_child = false;
        for (int i = 0; i < NPROC; i++) {
            struct proc *c = &procs[i];
            if (!wait_eligible(c, idtype, id, options))
                continue;
            have_child = true;
            if (c->state != P_ZOMBIE || !(options & WEXITED))
                continue;
            wi->pid = c->pid;
            wi->status = c->exit_status;
            wi->uid = c->ruid;
            wi->utime = c->utime + c->cutime;
            wi->stime = c->stime + c->cstime;
            if (!(options & WNOWAIT)) {
                current->cutime += wi->utime;
                current->cstime += wi->stime;
                proc_free(c);
            }
            return wi->pid;
        }
        if (!have_child)
            return -ECHILD;
        if (options & WNOHANG)
            return 0;
        if (sched_sleep(current) < 0)
            return -ERESTARTSYS;
    }
}

/* struct rusage (i386, 72 bytes) with the times of a reaped child. */
static int copyout_rusage(void __user *ru, const struct wait_info *wi)
{
    uint32_t r[18] = { 0 };
    r[0] = wi->utime / HZ;              /* ru_utime */
    r[1] = wi->utime % HZ * (1000000 / HZ);
    r[2] = wi->stime / HZ;              /* ru_stime */
    r[3] = wi->stime % HZ * (1000000 / HZ);
    return copyout(ru, r, sizeof(r));
}

long sys_wait4(pid_t pid, int __user *status, int options, void __user *rusage)
{
    if ((uint32_t)options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WCLONE | __WALL))
        return -EINVAL;
    int idtype = P_ALL;
    if (pid == (pid_t)0x80000000)       /* Linux: -INT_MIN is no group */
        return -ESRCH;
    if (pid > 0) {
        idtype = P_PID;
    } else if (pid == 0 || pid < -1) {
        idtype = P_PGID;
        pid = pid == 0 ? current->pgid : -pid;
    }
    struct wait_info wi;
    long ret = do_wait(idtype, pid, (uint32_t)options | WEXITED, &wi);
    /* As Linux: the child is reaped before the copies, which may fail. */
    if (ret > 0 && status && copyout(status, &wi.status, sizeof(int)) < 0)
        return -EFAULT;
    if (ret > 0 && rusage && copyout_rusage(rusage, &wi) < 0)
        return -EFAULT;
    return ret;
}

/*
 * waitid(idtype, id, infop, options, rusage): P_ALL, P_PID, P_PGID (id 0:
 * the caller's group); WEXITED must be asked for to find anything (agora
 * has no stopped or continued children), WNOHANG, WNOWAIT (the child stays
 * a zombie). Returns 0; *infop gets si_signo SIGCHLD, si_code CLD_EXITED /
 * CLD_KILLED / CLD_DUMPED, si_pid, si_uid and si_status, or zeros there
 * when WNOHANG found none (Linux writes just those six fields).
 */
long sys_waitid(int idtype, pid_t id, void __user *infop, int options, void __user *rusage)
{
    const uint32_t known = WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED |
                           __WNOTHREAD | __WCLONE | __WALL;
    if ((uint32_t)options & ~known)
        return -EINVAL;
    if (!(options & (WEXITED | WSTOPPED | WCONTINUED)))
        return -EINVAL;
    switch (idtype) {
    case P_ALL:
        break;
    case P_PID:
        if (id <= 0)
            return -EINVAL;
        break;
    case P_PGID:
        if (id < 0)
            return -EINVAL;
        if (id == 0)
            id = current->pgid;
        break;
    default:                            /* P_PIDFD: agora has no pidfds */
        return -EINVAL;
    }
    struct wait_info wi = { 0 };
    long ret = do_wait(idtype, id, (uint32_t)options, &wi);
    if (ret < 0)
        return ret;
    if (ret > 0 && rusage && copyout_rusage(rusage, &wi) < 0)
        return -EFAULT;
    if (!infop)
        return 0;
    int32_t info[6] = { 0 };            /* signo, errno, code, pid, uid, status */
    if (ret > 0) {
        int sig = wi.status & 0x7f;
        info[0] = SIGCHLD;
        info[2] = sig == 0 ? CLD_EXITED : (wi.status & WCOREFLAG) ? CLD_DUMPED : CLD_KILLED;
        info[3] = wi.pid;
        info[4] = (int32_t)wi.uid;
        info[5] = sig == 0 ? (wi.status >> 8) & 0xff : sig;
    }
    return copyout(infop, info, sizeof(info)) < 0 ? -EFAULT : 0;
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
