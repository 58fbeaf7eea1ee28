/*
 * procctl.c: per-process settings that glibc and busybox ask for: the
 * robust-futex list (set_robust_list/get_robust_list), prctl's name,
 * CPU affinity on agora's one CPU, the scheduling policy (always
 * SCHED_OTHER) and nice values (getpriority/setpriority).
 */
#include <kernel/proc.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <uapi/errno.h>
#include <uapi/sched.h>
#include <string.h>

#define ROBUST_LIST_HEAD_SIZE 12        /* struct robust_list_head on i386 */
#define PR_SET_NAME 15
#define PR_GET_NAME 16
#define TASK_COMM_LEN 16
#define CPUMASK_SIZE 4                  /* one unsigned long: CPUs 0..31, only 0 exists */
#define PRIO_PROCESS 0
#define PRIO_PGRP 1
#define PRIO_USER 2

/* ---- robust futexes ------------------------------------------------------ */

/* The head is stored for get_robust_list. agora has no futexes or threads,
 * so nothing walks the list at exit (Linux marks the dead owner's futexes
 * there); fork and exec clear it, as on Linux. */
long sys_set_robust_list(uint32_t head, uint32_t len)
{
    if (len != ROBUST_LIST_HEAD_SIZE)
        return -EINVAL;
    current->robust_list = head;
    current->robust_len = len;
    return 0;
}

/* May current look at p's robust list? Linux's ptrace_may_access, as
 * agora has it: itself, root, or the same real uid on both sides. */
static bool may_inspect(const struct proc *p)
{
    return p == current || proc_is_root(current) ||
           (current->ruid == p->ruid && current->ruid == p->euid && current->ruid == p->suid);
}

long sys_get_robust_list(pid_t pid, uint32_t __user *head_ptr, uint32_t __user *len_ptr)
{
    struct proc *p = pid ? proc_find(pid) : current;
    if (!p || p->state == P_ZOMBIE)
        return -ESRCH;
    if (!may_inspect(p))
        return -EPERM;
    uint32_t len = ROBUST_LIST_HEAD_SIZE, head = p->robust_list;
    if (copyout(len_ptr, &len, sizeof(len)) < 0)      /* Linux: the length first */
        return -EFAULT;
    return copyout(head_ptr, &head, sizeof(head)) < 0 ? -EFAULT : 0;
}

/* ---- prctl ----------------------------------------------------------------- */

/* prctl: PR_SET_NAME (at most 15 bytes kept, as Linux's 16-byte comm) and
 * PR_GET_NAME (16 bytes, NUL-padded). Every other option: EINVAL, which is
 * what Linux gives for an option it does not know. */
long sys_prctl(int option, uint32_t arg2, uint32_t arg3, uint32_t arg4, uint32_t arg5)
{
    (void)arg3;
    (void)arg4;
    (void)arg5;
    char comm[TASK_COMM_LEN];
    switch (option) {
    case PR_SET_NAME:
        /* Linux's strncpy_from_user of 15 bytes: a longer name is cut, a
         * fault before the NUL (or the 15th byte) is EFAULT. */
        memset(comm, 0, sizeof(comm));
        for (int i = 0; i < TASK_COMM_LEN - 1; i++) {
            if (copyin(&comm[i], (const char __user *)(arg2 + (uint32_t)i), 1) < 0)
                return -EFAULT;
            if (!comm[i])
                break;
        }
        memset(current->name, 0, sizeof(current->name));
        memcpy(current->name, comm, sizeof(comm));
        return 0;
    case PR_GET_NAME:
        memset(comm, 0, sizeof(comm));
        strncpy(comm, current->name, sizeof(comm) - 1);
        return copyout((void __user *)arg2, comm, sizeof(comm)) < 0 ? -EFAULT : 0;
    default:
        return -EINVAL;
    }
}

/* ---- CPU affinity and scheduling policy -------------------------------- */

/* The process pid names (0: the caller), or NULL. */
static struct proc *find_target(pid_t pid)
{
    struct proc *p = pid ? proc_find(pid) : current;
    return p && p->state != P_ZOMBIE ? p : NULL;
}

/* sched_getaffinity: the mask of CPU 0, in 4 bytes (a cpumask of one
 * unsigned long); returns that size, as Linux's raw call does. len must
 * hold it and be a multiple of sizeof(long): else EINVAL. */
long sys_sched_getaffinity(pid_t pid, uint32_t len, void __user *mask)
{
    if (len < CPUMASK_SIZE || (len & (sizeof(uint32_t) - 1)))
        return -EINVAL;
    if (!find_target(pid))
        return -ESRCH;
    uint32_t m = 1;
    return copyout(mask, &m, sizeof(m)) < 0 ? -EFAULT : CPUMASK_SIZE;
}

/* sched_setaffinity: a mask that includes CPU 0 is accepted (it is the only
 * one); one without it is EINVAL. A shorter len reads as zero-padded. */
long sys_sched_setaffinity(pid_t pid, uint32_t len, const void __user *mask)
{
    uint32_t m = 0;
    if (copyin(&m, mask, len < CPUMASK_SIZE ? len : CPUMASK_SIZE) < 0)
        return -EFAULT;
    struct proc *p = find_target(pid);
    if (!p)
        return -ESRCH;
    if (p != current && !proc_is_root(current) && current->euid != p->euid &&
        current->euid != p->ruid)
        return -EPERM;
    return (m & 1) ? 0 : -EINVAL;
}

long sys_sched_getscheduler(pid_t pid)
{
    if (pid < 0)
        return -EINVAL;
    return find_target(pid) ? SCHED_OTHER : -ESRCH;
}

long sys_sched_getparam(pid_t pid, void __user *param)
{
    if (!param || pid < 0)
        return -EINVAL;
    if (!find_target(pid))
        return -ESRCH;
    int32_t prio = 0;                   /* SCHED_OTHER's only priority */
    return copyout(param, &prio, sizeof(prio)) < 0 ? -EFAULT : 0;
}

long sys_sched_get_priority_max(int policy)
{
    switch (policy) {
    case SCHED_FIFO: case SCHED_RR: return 99;
    case SCHED_OTHER: case SCHED_BATCH: case SCHED_IDLE: return 0;
    default: return -EINVAL;
    }
}

long sys_sched_get_priority_min(int policy)
{
    switch (policy) {
    case SCHED_FIFO: case SCHED_RR: return 1;
    case SCHED_OTHER: case SCHED_BATCH: case SCHED_IDLE: return 0;
    default: return -EINVAL;
    }
}

/* ---- nice values ---------------------------------------------------------- */

/* Does p fall under getpriority/setpriority's (which, who)? who 0 is the
 * caller's process, group or user. */
static bool prio_match(const struct proc *p, int which, int who)
{
    if (p->state == P_UNUSED || p->state == P_EMBRYO || p->state == P_ZOMBIE)
        return false;
    switch (which) {
    case PRIO_PROCESS: return p->pid == (who ? who : current->pid);
    case PRIO_PGRP: return p->pgid == (who ? who : current->pgid);
    default: return p->ruid == (who ? (uid_t)who : current->ruid);
    }
}

/* getpriority: the highest priority (lowest nice) among the matches, as
 * the raw call returns it: 20 - nice, 1..40. */
long sys_getpriority(int which, int who)
{
    if (which < PRIO_PROCESS || which > PRIO_USER)
        return -EINVAL;
    long best = -ESRCH;
    for (int i = 0; i < NPROC; i++) {
        struct proc *p = proc_table(i);
        if (prio_match(p, which, who) && 20 - p->nice > best)
            best = 20 - p->nice;
    }
    return best;
}

/* setpriority: nice clamped to -20..19 on every match; a process of
 * another user needs root (EPERM), lowering nice needs root (EACCES).
 * agora's scheduler is plain round robin: the value is kept and reported,
 * it does not change who runs. */
long sys_setpriority(int which, int who, int niceval)
{
    if (which < PRIO_PROCESS || which > PRIO_USER)
        return -EINVAL;
    if (niceval < -20)
        niceval = -20;
    if (niceval > 19)
        niceval = 19;
    long err = -ESRCH;
    for (int i = 0; i < NPROC; i++) {
        struct proc *p = proc_table(i);
        if (!prio_match(p, which, who))
            continue;
        if (!proc_is_root(current) && current->euid != p->euid && current->euid != p->ruid) {
            err = -EPERM;
            continue;
        }
        if (niceval < p->nice && !proc_is_root(current)) {
            err = -EACCES;
            continue;
        }
        p->nice = niceval;
        if (err == -ESRCH)
            err = 0;
    }
    return err;
}
