/*
 * rlimit.c: resource limits, with Linux's semantics: setrlimit (75), the
 * old getrlimit (76), ugetrlimit (191) and prlimit64 (340).
 *
 * Every process has a soft and a hard limit per resource (proc->rlim);
 * fork copies them and exec keeps them. Anyone may lower a limit or move
 * the soft one up to the hard one; raising a hard limit takes root
 * (Linux: CAP_SYS_RESOURCE). agora enforces RLIMIT_AS (region.c: mmap,
 * brk, shmat, exec), RLIMIT_NPROC (fork) and RLIMIT_NOFILE (file.c: the
 * descriptors open, dup, dup2 and F_DUPFD may hand out); the others are
 * kept and reported, and limit nothing agora has.
 */
#include <kernel/syscall.h>
#include <kernel/proc.h>
#include <kernel/uaccess.h>
#include <uapi/errno.h>
#include <uapi/resource.h>

#define MIB (1024u * 1024u)

uint32_t proc_rlimit(const struct proc *p, int res)
{
    return p->rlim[res].rlim_cur;
}

void proc_rlimit_init(struct proc *p)
{
    for (int i = 0; i < RLIM_NLIMITS; i++)
        p->rlim[i] = (struct rlimit32){ RLIM32_INFINITY, RLIM32_INFINITY };
    /* Linux's INIT_RLIMITS; fork_init gives one user half the threads
     * (max_threads / 2), here half the process table, so that one user
     * cannot take every slot. The descriptor table has NOFILE slots. */
    p->rlim[RLIMIT_STACK].rlim_cur = 8 * MIB;
    p->rlim[RLIMIT_CORE].rlim_cur = 0;
    p->rlim[RLIMIT_NPROC] = (struct rlimit32){ NPROC / 2, NPROC / 2 };
    p->rlim[RLIMIT_NOFILE] = (struct rlimit32){ NOFILE, NOFILE };
    p->rlim[RLIMIT_MEMLOCK] = (struct rlimit32){ 8 * MIB, 8 * MIB };
    p->rlim[RLIMIT_SIGPENDING] = (struct rlimit32){ NPROC / 2, NPROC / 2 };
    p->rlim[RLIMIT_MSGQUEUE] = (struct rlimit32){ 819200, 819200 };
    p->rlim[RLIMIT_NICE] = (struct rlimit32){ 0, 0 };
    p->rlim[RLIMIT_RTPRIO] = (struct rlimit32){ 0, 0 };
}

/* Linux's do_prlimit: read *old and/or set *new for resource res of p.
 * 0; -EINVAL (no such resource, soft above hard), -EPERM (raising the
 * hard limit without root; RLIMIT_NOFILE above the descriptor table). */
static int do_prlimit(struct proc *p, uint32_t res, const struct rlimit32 *new,
                      struct rlimit32 *old)
{
    if (res >= RLIM_NLIMITS)
        return -EINVAL;
    if (new) {
        if (new->rlim_cur > new->rlim_max)
            return -EINVAL;
        if (res == RLIMIT_NOFILE && new->rlim_max > NOFILE)
            return -EPERM;              /* Linux: above fs.nr_open, even for root */
    }
    struct rlimit32 *rl = &p->rlim[res];
    if (new && new->rlim_max > rl->rlim_max && !proc_is_root(current))
        return -EPERM;
    if (old)
        *old = *rl;
    if (new)
        *rl = *new;
    return 0;
}

/* ugetrlimit (191): the soft and hard limit of res. 0, -EINVAL, -EFAULT. */
long sys_getrlimit(uint32_t res, struct rlimit32 __user *rlim)
{
    struct rlimit32 rl;
    int err = do_prlimit(current, res, NULL, &rl);
    if (err < 0)
        return err;
    return copyout(rlim, &rl, sizeof(rl)) < 0 ? -EFAULT : 0;
}

/* The old getrlimit (76) predates unsigned limits: it reports anything
 * above 0x7FFFFFFF, infinity included, as 0x7FFFFFFF, as Linux does. */
long sys_old_getrlimit(uint32_t res, struct rlimit32 __user *rlim)
{
    struct rlimit32 rl;
    int err = do_prlimit(current, res, NULL, &rl);
    if (err < 0)
        return err;
    if (rl.rlim_cur > 0x7FFFFFFFu)
        rl.rlim_cur = 0x7FFFFFFFu;
    if (rl.rlim_max > 0x7FFFFFFFu)
        rl.rlim_max = 0x7FFFFFFFu;
    return copyout(rlim, &rl, sizeof(rl)) < 0 ? -EFAULT : 0;
}

/* setrlimit (75): 0, -EFAULT, -EINVAL (res, soft above hard), -EPERM
 * (raising the hard limit without root, RLIMIT_NOFILE above NOFILE). */
long sys_setrlimit(uint32_t res, const struct rlimit32 __user *rlim)
{
    struct rlimit32 rl;
    if (copyin(&rl, rlim, sizeof(rl)) < 0)      /* Linux copies before checking res */
        return -EFAULT;
    return do_prlimit(current, res, &rl, NULL);
}

/* May current read and set the limits of p? Itself; a process whose
 * real, effective and saved ids all equal the caller's real ones; or
 * anyone, for root. (Linux's check_prlimit_permission.) */
static bool may_prlimit(const struct proc *p)
{
    if (p == current || proc_is_root(current))
        return true;
    uid_t u = current->ruid;
    gid_t g = current->rgid;
    return p->ruid == u && p->euid == u && p->suid == u &&
           p->rgid == g && p->egid == g && p->sgid == g;
}

static uint32_t from64(uint64_t v)
{
    return v >= RLIM32_INFINITY ? RLIM32_INFINITY : (uint32_t)v;
}

static uint64_t to64(uint32_t v)
{
    return v == RLIM32_INFINITY ? RLIM64_INFINITY_K : v;
}

/* prlimit64 (340): read (old64) and/or set (new64) a limit of process pid
 * (0: the caller), in 64 bits. 0, -EFAULT, -ESRCH, -EPERM, -EINVAL. */
long sys_prlimit64(pid_t pid, uint32_t res, const struct rlimit64_k __user *new64,
                   struct rlimit64_k __user *old64)
{
    struct rlimit32 new, old;
    if (new64) {
        struct rlimit64_k n;
        if (copyin(&n, new64, sizeof(n)) < 0)
            return -EFAULT;
        new.rlim_cur = from64(n.rlim_cur);
        new.rlim_max = from64(n.rlim_max);
    }
    struct proc *p = pid ? proc_find(pid) : current;
    if (!p)
        return -ESRCH;
    if (!may_prlimit(p))
        return -EPERM;
    int err = do_prlimit(p, res, new64 ? &new : NULL, old64 ? &old : NULL);
    if (err < 0 || !old64)
        return err;
    struct rlimit64_k o = { to64(old.rlim_cur), to64(old.rlim_max) };
    return copyout(old64, &o, sizeof(o)) < 0 ? -EFAULT : 0;
}
