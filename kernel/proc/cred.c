/*
 * cred.c: user and group ids. Each process has real, effective and saved
 * ids, inherited by fork and kept by exec. The rules are POSIX's (and
 * Linux's): root (euid 0) may set any id; anyone else may only set an id to
 * one of its current real, effective or saved ids, else -EPERM.
 * Permission checks elsewhere (shm, kill) use the effective ids.
 * Linux i386's old 16-bit forms of these calls are in uid16.c.
 */
#include <kernel/syscall.h>
#include <kernel/proc.h>
#include <kernel/uaccess.h>
#include <uapi/errno.h>

#define KEEP ((uint32_t)-1)

long sys_getuid(void) { return current->ruid; }
long sys_geteuid(void) { return current->euid; }
long sys_getgid(void) { return current->rgid; }
long sys_getegid(void) { return current->egid; }

static bool one_of(uint32_t id, uint32_t a, uint32_t b, uint32_t c)
{
    return id == a || id == b || id == c;
}

long sys_setresuid(uid_t r, uid_t e, uid_t s)
{
    struct proc *p = current;
    if (!proc_is_root(p)) {
        if ((r != KEEP && !one_of(r, p->ruid, p->euid, p->suid)) ||
            (e != KEEP && !one_of(e, p->ruid, p->euid, p->suid)) ||
            (s != KEEP && !one_of(s, p->ruid, p->euid, p->suid)))
            return -EPERM;
    }
    if (r != KEEP) p->ruid = r;
    if (e != KEEP) p->euid = e;
    if (s != KEEP) p->suid = s;
    return 0;
}

long sys_setresgid(gid_t r, gid_t e, gid_t s)
{
    struct proc *p = current;
    if (!proc_is_root(p)) {
        if ((r != KEEP && !one_of(r, p->rgid, p->egid, p->sgid)) ||
            (e != KEEP && !one_of(e, p->rgid, p->egid, p->sgid)) ||
            (s != KEEP && !one_of(s, p->rgid, p->egid, p->sgid)))
            return -EPERM;
    }
    if (r != KEEP) p->rgid = r;
    if (e != KEEP) p->egid = e;
    if (s != KEEP) p->sgid = s;
    return 0;
}

/* setuid: root sets all three; others may set the effective id to the
 * real or saved one. */
long sys_setuid(uid_t uid)
{
    struct proc *p = current;
    if (uid == KEEP)
        return -EINVAL;
    if (proc_is_root(p)) {
        p->ruid = p->euid = p->suid = uid;
        return 0;
    }
    if (uid != p->ruid && uid != p->suid)
        return -EPERM;
    p->euid = uid;
    return 0;
}

long sys_setgid(gid_t gid)
{
    struct proc *p = current;
    if (gid == KEEP)
        return -EINVAL;
    if (proc_is_root(p)) {
        p->rgid = p->egid = p->sgid = gid;
        return 0;
    }
    if (gid != p->rgid && gid != p->sgid)
        return -EPERM;
    p->egid = gid;
    return 0;
}

/* setreuid: as Linux, the saved id follows the effective one when the
 * real id is set or the effective id differs from the old real id. */
long sys_setreuid(uid_t r, uid_t e)
{
    struct proc *p = current;
    uid_t old_ruid = p->ruid;
    if (!proc_is_root(p)) {
        if ((r != KEEP && r != p->ruid && r != p->euid) ||
            (e != KEEP && !one_of(e, p->ruid, p->euid, p->suid)))
            return -EPERM;
    }
    if (r != KEEP) p->ruid = r;
    if (e != KEEP) p->euid = e;
    if (r != KEEP || (e != KEEP && e != old_ruid))
        p->suid = p->euid;
    return 0;
}

long sys_setregid(gid_t r, gid_t e)
{
    struct proc *p = current;
    gid_t old_rgid = p->rgid;
    if (!proc_is_root(p)) {
        if ((r != KEEP && r != p->rgid && r != p->egid) ||
            (e != KEEP && !one_of(e, p->rgid, p->egid, p->sgid)))
            return -EPERM;
    }
    if (r != KEEP) p->rgid = r;
    if (e != KEEP) p->egid = e;
    if (r != KEEP || (e != KEEP && e != old_rgid))
        p->sgid = p->egid;
    return 0;
}

long sys_getresuid(uid_t __user *r, uid_t __user *e, uid_t __user *s)
{
    if (copyout(r, &current->ruid, 4) < 0 || copyout(e, &current->euid, 4) < 0 ||
        copyout(s, &current->suid, 4) < 0)
        return -EFAULT;
    return 0;
}

long sys_getresgid(gid_t __user *r, gid_t __user *e, gid_t __user *s)
{
    if (copyout(r, &current->rgid, 4) < 0 || copyout(e, &current->egid, 4) < 0 ||
        copyout(s, &current->sgid, 4) < 0)
        return -EFAULT;
    return 0;
}

long sys_getgroups(int size, gid_t __user *list)
{
    if (size < 0)
        return -EINVAL;
    if (size == 0)
        return current->ngroups;
    if (size < current->ngroups)
        return -EINVAL;
    if (copyout(list, current->groups, current->ngroups * sizeof(gid_t)) < 0)
        return -EFAULT;
    return current->ngroups;
}

/* setgroups(2) and setgroups16: replace current's supplementary groups with
 * groups[0..n). -EPERM unless root, -EINVAL for n out of range or a gid of
 * -1 (Linux's "invalid id"). The caller has copied the list in already. */
int cred_set_groups(const gid_t *groups, int n)
{
    if (!proc_is_root(current))
        return -EPERM;
    if (n < 0 || n > NGROUPS_MAX)
        return -EINVAL;
    for (int i = 0; i < n; i++)
        if (groups[i] == KEEP)
            return -EINVAL;
    for (int i = 0; i < n; i++)
        current->groups[i] = groups[i];
    current->ngroups = n;
    return 0;
}

long sys_setgroups(int size, const gid_t __user *list)
{
    if (!proc_is_root(current))
        return -EPERM;
    if (size < 0 || size > NGROUPS_MAX)
        return -EINVAL;
    gid_t groups[NGROUPS_MAX];
    if (size && copyin(groups, list, size * sizeof(gid_t)) < 0)
        return -EFAULT;
    return cred_set_groups(groups, size);
}
