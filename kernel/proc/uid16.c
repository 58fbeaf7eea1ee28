/*
 * uid16.c: Linux i386's old system calls with 16-bit user and group ids
 * (setuid 23, getuid 24, getgroups 80, setresuid 164, ...), kept by Linux
 * for programs built before the 32-bit calls (199-216, in cred.c) existed.
 * They wrap cred.c with Linux's conversions:
 *
 *   - an id read back that does not fit in 16 bits is the overflow id
 *     65534 (Linux's default overflowuid/overflowgid);
 *   - an argument is cut to 16 bits, and 0xFFFF stands for -1, so it means
 *     "unchanged" to setreuid/setresuid and is invalid to setuid/setgroups;
 *   - getresuid, getgroups and setgroups use arrays of 2-byte ids.
 *
 * agora has no file-system ids and no chown (the ramfs is read-only) in
 * either width, so setfsuid16, setfsgid16, chown16, lchown16 and fchown16
 * give -ENOSYS as their 32-bit forms do.
 */
#include <kernel/syscall.h>
#include <kernel/proc.h>
#include <kernel/uaccess.h>
#include <uapi/errno.h>

#define OVERFLOW_ID 65534

/* An id as a 16-bit call reports it. */
static uint16_t high2low(uint32_t id)
{
    return id > 0xFFFF ? OVERFLOW_ID : (uint16_t)id;
}

/* A 16-bit call's argument (a whole register) as a 32-bit id. */
static uint32_t low2high(uint32_t reg)
{
    uint16_t id = (uint16_t)reg;
    return id == 0xFFFF ? (uint32_t)-1 : id;
}

long sys_getuid16(void) { return high2low(current->ruid); }
long sys_geteuid16(void) { return high2low(current->euid); }
long sys_getgid16(void) { return high2low(current->rgid); }
long sys_getegid16(void) { return high2low(current->egid); }

long sys_setuid16(uint32_t uid) { return sys_setuid(low2high(uid)); }
long sys_setgid16(uint32_t gid) { return sys_setgid(low2high(gid)); }

long sys_setreuid16(uint32_t r, uint32_t e)
{
    return sys_setreuid(low2high(r), low2high(e));
}

long sys_setregid16(uint32_t r, uint32_t e)
{
    return sys_setregid(low2high(r), low2high(e));
}

long sys_setresuid16(uint32_t r, uint32_t e, uint32_t s)
{
    return sys_setresuid(low2high(r), low2high(e), low2high(s));
}

long sys_setresgid16(uint32_t r, uint32_t e, uint32_t s)
{
    return sys_setresgid(low2high(r), low2high(e), low2high(s));
}

/* Store three ids, 2 bytes each, in order (a fault stops the rest). */
static long put_ids16(uint16_t __user *a, uint16_t __user *b, uint16_t __user *c,
                      uint32_t x, uint32_t y, uint32_t z)
{
    uint16_t v[3] = { high2low(x), high2low(y), high2low(z) };
    if (copyout(a, &v[0], 2) < 0 || copyout(b, &v[1], 2) < 0 || copyout(c, &v[2], 2) < 0)
        return -EFAULT;
    return 0;
}

long sys_getresuid16(uint16_t __user *r, uint16_t __user *e, uint16_t __user *s)
{
    return put_ids16(r, e, s, current->ruid, current->euid, current->suid);
}

long sys_getresgid16(uint16_t __user *r, uint16_t __user *e, uint16_t __user *s)
{
    return put_ids16(r, e, s, current->rgid, current->egid, current->sgid);
}

/* getgroups16: as getgroups, into an array of 2-byte gids. */
long sys_getgroups16(int size, uint16_t __user *list)
{
    struct proc *p = current;
    if (size < 0)
        return -EINVAL;
    if (size == 0)
        return p->ngroups;
    if (size < p->ngroups)
        return -EINVAL;
    uint16_t groups[NGROUPS_MAX];
    for (int i = 0; i < p->ngroups; i++)
        groups[i] = high2low(p->groups[i]);
    if (copyout(list, groups, p->ngroups * sizeof(uint16_t)) < 0)
        return -EFAULT;
    return p->ngroups;
}

/* setgroups16: as setgroups, from an array of 2-byte gids (0xFFFF, gid -1,
 * is -EINVAL). */
long sys_setgroups16(int size, const uint16_t __user *list)
{
    if (!proc_is_root(current))
        return -EPERM;
    if (size < 0 || size > NGROUPS_MAX)
        return -EINVAL;
    uint16_t in[NGROUPS_MAX];
    if (size && copyin(in, list, size * sizeof(uint16_t)) < 0)
        return -EFAULT;
    gid_t groups[NGROUPS_MAX];
    for (int i = 0; i < size; i++)
        groups[i] = low2high(in[i]);
    return cred_set_groups(groups, size);
}
