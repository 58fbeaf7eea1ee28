/*
 * rseq.c: restartable sequences (rseq, 386), as glibc 2.35+ registers at
 * start-up for every thread.
 *
 * A process registers a struct rseq (32 bytes, 32-aligned) in its memory.
 * The kernel keeps cpu_id_start and cpu_id there up to date (agora has one
 * CPU: always 0) and, whenever the process was switched out or gets a
 * signal while inside a critical section that rseq_cs describes, moves its
 * instruction pointer to the section's abort handler. Both happen here, on
 * the way back to user mode (rseq_return_to_user), only when rseq_resched
 * says the process was switched out (sched.c) or a signal frame is being
 * pushed (signal.c). Aborting is always allowed by the rseq contract, so
 * doing it on every switch is correct, if not the cheapest.
 *
 * Layouts (Linux include/uapi/linux/rseq.h): struct rseq { u32 cpu_id_start;
 * u32 cpu_id; u64 rseq_cs; u32 flags; u32 node_id; u32 mm_cid; } and
 * struct rseq_cs { u32 version; u32 flags; u64 start_ip;
 * u64 post_commit_offset; u64 abort_ip; }; the 4 bytes before abort_ip must
 * be the signature given at registration.
 */
#include <kernel/proc.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>
#include <kernel/trap.h>
#include <arch/arch.h>
#include <arch/memlayout.h>
#include <uapi/errno.h>

#define RSEQ_FLAG_UNREGISTER 1
#define RSEQ_ORIG_SIZE 32               /* Linux's ORIG_RSEQ_SIZE, and the alignment */
#define RSEQ_CPU_ID_UNINITIALIZED ((uint32_t)-1)
#define OFF_CPU_ID_START 0
#define OFF_RSEQ_CS 8
#define OFF_NODE_ID 20                  /* node_id, mm_cid: written if the area has them */

struct rseq_cs_k {
    uint32_t version;
    uint32_t flags;
    uint64_t start_ip;
    uint64_t post_commit_offset;
    uint64_t abort_ip;
};

/* Write the cpu ids (0, or "uninitialized" when unregistering). */
static int write_cpu(struct proc *p, uint32_t cpu)
{
    uint32_t ids[2] = { cpu == RSEQ_CPU_ID_UNINITIALIZED ? 0 : cpu, cpu };
    if (copyout((void __user *)(p->rseq + OFF_CPU_ID_START), ids, sizeof(ids)) < 0)
        return -EFAULT;
    if (p->rseq_len >= OFF_NODE_ID + 8) {
        uint32_t node_cid[2] = { 0, 0 };
        if (copyout((void __user *)(p->rseq + OFF_NODE_ID), node_cid, sizeof(node_cid)) < 0)
            return -EFAULT;
    }
    return 0;
}

/*
 * rseq(rseq, len, flags, sig), Linux's checks in Linux's order:
 *   unregister: other flags, another area or length -> EINVAL, another
 *   signature -> EPERM; register: unknown flags -> EINVAL; already
 *   registered -> EBUSY for the same area (EINVAL another, EPERM another
 *   signature); len < 32, or misaligned -> EINVAL; not user memory -> EFAULT.
 * An area that cannot be written when the kernel updates it, or a broken
 * critical-section descriptor, kills the process with SIGSEGV, as on Linux.
 */
long sys_rseq(uint32_t rseq, uint32_t len, int flags, uint32_t sig)
{
    struct proc *p = current;
    if (flags & RSEQ_FLAG_UNREGISTER) {
        if (flags & ~RSEQ_FLAG_UNREGISTER)
            return -EINVAL;
        if (!p->rseq || p->rseq != rseq || p->rseq_len != len)
            return -EINVAL;
        if (p->rseq_sig != sig)
            return -EPERM;
        if (write_cpu(p, RSEQ_CPU_ID_UNINITIALIZED) < 0)
            return -EFAULT;
        p->rseq = 0;
        p->rseq_len = p->rseq_sig = 0;
        return 0;
    }
    if (flags)
        return -EINVAL;
    if (p->rseq) {
        if (p->rseq != rseq || p->rseq_len != len)
            return -EINVAL;
        if (p->rseq_sig != sig)
            return -EPERM;
        return -EBUSY;
    }
    if (len < RSEQ_ORIG_SIZE || rseq % RSEQ_ORIG_SIZE)
        return -EINVAL;
    if (rseq + len < rseq || rseq + len > USER_TOP)
        return -EFAULT;
    p->rseq = rseq;
    p->rseq_len = len;
    p->rseq_sig = sig;
    p->rseq_resched = true;             /* the ids are written on the way out */
    return 0;
}

void rseq_fork(struct proc *child, const struct proc *parent)
{
    /* A forked child has the same memory, so the same registration. */
    child->rseq = parent->rseq;
    child->rseq_len = parent->rseq_len;
    child->rseq_sig = parent->rseq_sig;
    child->rseq_resched = parent->rseq != 0;
}

/* Abort the critical section tf is in, if any. 0, or -EFAULT/-EINVAL for
 * an area or descriptor the process broke (it then gets SIGSEGV). */
static int fixup_cs(struct proc *p, struct trapframe *tf)
{
    uint64_t cs_ptr;
    if (copyin(&cs_ptr, (const void __user *)(p->rseq + OFF_RSEQ_CS), sizeof(cs_ptr)) < 0)
        return -EFAULT;
    if (!cs_ptr)
        return 0;
    if (cs_ptr >= USER_TOP)
        return -EINVAL;
    struct rseq_cs_k cs;
    if (copyin(&cs, (const void __user *)(uint32_t)cs_ptr, sizeof(cs)) < 0)
        return -EFAULT;
    if (cs.version != 0 || cs.start_ip >= USER_TOP || cs.abort_ip >= USER_TOP ||
        cs.start_ip + cs.post_commit_offset < cs.start_ip ||
        cs.start_ip + cs.post_commit_offset > USER_TOP ||
        (cs.abort_ip >= cs.start_ip && cs.abort_ip < cs.start_ip + cs.post_commit_offset))
        return -EINVAL;
    uint32_t ip = arch_user_ip(tf);
    if (ip - (uint32_t)cs.start_ip >= (uint32_t)cs.post_commit_offset)
        return 0;                       /* not inside: nothing to abort */
    uint32_t found;
    if (copyin(&found, (const void __user *)((uint32_t)cs.abort_ip - 4), sizeof(found)) < 0)
        return -EFAULT;
    if (found != p->rseq_sig)
        return -EINVAL;
    static const uint64_t zero;
    if (copyout((void __user *)(p->rseq + OFF_RSEQ_CS), &zero, sizeof(zero)) < 0)
        return -EFAULT;
    arch_set_user_ip(tf, (uint32_t)cs.abort_ip);
    return 0;
}

void rseq_return_to_user(struct trapframe *tf)
{
    struct proc *p = current;
    if (!p->rseq || !p->rseq_resched)
        return;
    p->rseq_resched = false;
    /* Linux's force_sigsegv: the process dies, whatever its handler. */
    if (fixup_cs(p, tf) < 0 || write_cpu(p, 0) < 0)
        proc_exit_by_signal(SIGSEGV);
}
