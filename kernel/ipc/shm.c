/*
 * shm.c: System V shared memory with Linux semantics: shmget, shmat, shmdt
 * and shmctl (Linux i386 syscalls 395-398), and the ipc(117) multiplexer
 * through which Debian's i386 glibc makes them, with Linux's old (non
 * IPC_64) structure layouts too.
 *
 * This file is the policy: keys, ids, permissions, times and lifetime. The
 * mechanism is kernel/mm: a segment is a memory object (kernel/vm_object.h)
 * whose page array mm fills on the first touch of each page (shm_ops.frame
 * is vm_pages_zerofill, called by the page-fault handler), and an
 * attachment is a shared region that maps it, made by vm_map_object and
 * undone by vm_unmap_object. This file never sees a region.
 *
 * Lifetime. A segment lives while it has an id (until IPC_RMID) or any
 * attachment. nattch counts the mappings of the segment and changes only
 * in seg_open (shmat, fork, a split by munmap or mprotect) and seg_close
 * (shmdt, munmap, exit, exec, SHM_REMAP); the last close of a segment
 * marked SHM_DEST destroys it and frees its frames. A call that may close
 * the last attachment while using the segment holds it (seg_hold). Every
 * frame of a segment is held once by the segment (obj.resident counts
 * them; shm_rss() sums them when asked) and once by every page-table
 * entry mapping it, so a frame is freed only when nobody can reach it.
 *
 * Ids. id = seq * SHM_SEQ_MULTIPLIER + slot. Slots are handed out
 * cyclically, and seq grows each time the search wraps, so a stale id
 * (its segment gone, its slot reused) fails the seq check with EINVAL.
 * Keys are found through a small hash table, so shmget's cost does not
 * grow with the number of segments.
 *
 * Error order follows Linux (ipc/shm.c, ipc/util.c) call by call; each
 * handler lists its checks in that order.
 */
#include <kernel/shm.h>
#include <kernel/syscall.h>
#include <kernel/proc.h>
#include <kernel/vm.h>
#include <kernel/pmm.h>
#include <kernel/kheap.h>
#include <kernel/uaccess.h>
#include <kernel/console.h>
#include <kernel/time.h>
#include <arch/memlayout.h>
#include <uapi/errno.h>
#include <uapi/ipc.h>
#include <uapi/shm.h>
#include <string.h>

#define OVERFLOW_ID 65534               /* Linux's overflowuid/overflowgid */
#define SHM_SEQ_MULTIPLIER 32768        /* Linux's IPCMNI: id = seq * this + slot */
#define KEY_BITS 12
#define KEY_BUCKETS (1 << KEY_BITS)     /* one per possible segment: short chains */
_Static_assert(KEY_BUCKETS >= SHMMNI, "a bucket per segment");

struct shm_segment {
    struct vm_object obj;               /* first: its pages (obj.npages, obj.pages) */
    int32_t key;                        /* IPC_PRIVATE once removed */
    int slot;
    uint16_t seq;
    uint16_t mode;                      /* 0777 bits | SHM_DEST | SHM_LOCKED */
    uid_t uid, cuid;
    gid_t gid, cgid;
    uint32_t segsz;                     /* bytes, exactly as requested */
    uint32_t nattch;
    uint32_t holds;                     /* calls in progress that use it (see seg_hold) */
    pid_t cpid, lpid;
    int64_t atime, dtime, ctime;
    struct shm_segment *hash_next;      /* key chain; not hashed when private */
};

static struct shm_segment *slots[SHMMNI];
static struct shm_segment *key_hash[KEY_BUCKETS];
static int nsegments;                   /* ids in use */
static int last_slot = -1;              /* cyclic slot allocation */
static uint16_t next_seq;
static uint32_t shm_tot;                /* pages of all segments */
static uint32_t shmall;                 /* limit on shm_tot, in pages */
static uint32_t shmmax;                 /* limit on one segment, in bytes */
static uint32_t shmmni = SHMMNI;        /* limit on ids in use (at most SHMMNI count) */
static int next_id = -1;                /* the id the next segment gets; -1: any */

void shm_init(void)
{
    /* Bounded by physical memory: all of it, in pages and in bytes. */
    shmall = pmm_total_frames();
    shmmax = shmall > (0xFFFFFFFFu >> PAGE_SHIFT) ? 0xFFFFF000u : shmall << PAGE_SHIFT;
    printk("shm: SHMMNI %d, SHMMAX %u bytes, SHMALL %u pages\n", SHMMNI, shmmax, shmall);
}

static int seg_id(const struct shm_segment *seg)
{
    return seg->seq * SHM_SEQ_MULTIPLIER + seg->slot;
}

static unsigned key_bucket(int32_t key)
{
    uint32_t k = (uint32_t)key * 2654435761u;   /* Fibonacci hashing */
    return k >> (32 - KEY_BITS);     /* the top bits are the best mixed */
}

static struct shm_segment *find_key(int32_t key)
{
    for (struct shm_segment *s = key_hash[key_bucket(key)]; s; s = s->hash_next)
        if (s->key == key)
            return s;
    return NULL;
}

static void unhash_key(struct shm_segment *seg)
{
    struct shm_segment **pp = &key_hash[key_bucket(seg->key)];
    while (*pp && *pp != seg)
        pp = &(*pp)->hash_next;
    if (*pp)
        *pp = seg->hash_next;
    seg->hash_next = NULL;
}

/* The segment with this id, or NULL (free slot, or a stale sequence). */
static struct shm_segment *find_id(int id)
{
    if (id < 0 || id % SHM_SEQ_MULTIPLIER >= SHMMNI)
        return NULL;
    struct shm_segment *seg = slots[id % SHM_SEQ_MULTIPLIER];
    return seg && seg_id(seg) == id ? seg : NULL;
}

/* Linux's ipcperms: the access asked for is the union of the three
 * triplets of flag; the triplet granted is owner's, group's or other's;
 * root passes. 0 or -EACCES. */
static int check_perm(const struct shm_segment *seg, int flag)
{
    uint32_t requested = ((flag >> 6) | (flag >> 3) | flag) & 7;
    uint32_t granted = seg->mode;
    if (current->euid == seg->cuid || current->euid == seg->uid)
        granted >>= 6;
    else if (proc_in_group(current, seg->cgid) || proc_in_group(current, seg->gid))
        granted >>= 3;
    if ((requested & ~granted & 7) && !proc_is_root(current))
        return -EACCES;
    return 0;
}

/* IPC_SET, IPC_RMID, SHM_LOCK: owner, creator or root. 0 or -EPERM. */
static int check_owner(const struct shm_segment *seg)
{
    if (current->euid == seg->uid || current->euid == seg->cuid || proc_is_root(current))
        return 0;
    return -EPERM;
}

/* Frames held by all segments (SHM_INFO's shm_rss): counted when asked,
 * so that the page-fault path keeps no count of its own. */
static uint32_t shm_rss(void)
{
    uint32_t n = 0;
    for (int i = 0; i < SHMMNI; i++)
        if (slots[i])
            n += slots[i]->obj.resident;
    return n;
}

/* The end of a segment (destroy_if_unused decides): its id, its key and
 * its frames go (the frames stay with the page-table entries still mapping
 * them, if any). */
static void destroy(struct shm_segment *seg)
{
    if (seg->key != IPC_PRIVATE)
        unhash_key(seg);
    slots[seg->slot] = NULL;
    nsegments--;
    shm_tot -= seg->obj.npages;
    if (seg->obj.pages)
        vm_pages_release(&seg->obj);
    kfree(seg);
}

/* Destroy seg if it is marked SHM_DEST and nothing uses it any more. */
static void destroy_if_unused(struct shm_segment *seg)
{
    if (seg->nattch == 0 && seg->holds == 0 && (seg->mode & SHM_DEST))
        destroy(seg);
}

/*
 * Keep seg alive across a call that may close its last attachment (shmat
 * with SHM_REMAP over the caller's own attachment of a removed segment).
 * Linux counts an extra attachment for the same purpose; a separate count
 * keeps nattch to the attachments themselves. Pair with seg_release.
 */
static void seg_hold(struct shm_segment *seg)
{
    seg->holds++;
}

static void seg_release(struct shm_segment *seg)
{
    assert(seg->holds > 0);
    seg->holds--;
    destroy_if_unused(seg);
}

/* ---- the segment as a memory object ------------------------------------ */

static struct shm_segment *to_seg(struct vm_object *obj)
{
    return (struct shm_segment *)obj;   /* obj is the first member */
}

/* A region mapping the segment came into being: one attachment more. */
static void seg_open(struct vm_object *obj)
{
    struct shm_segment *seg = to_seg(obj);
    seg->nattch++;
    seg->atime = time_now_seconds();
    seg->lpid = current->pid;
}

/* One went away; the last of a segment marked SHM_DEST destroys it. */
static void seg_close(struct vm_object *obj)
{
    struct shm_segment *seg = to_seg(obj);
    assert(seg->nattch > 0);
    seg->nattch--;
    seg->dtime = time_now_seconds();
    seg->lpid = current->pid;
    destroy_if_unused(seg);
}

static int seg_describe(struct vm_object *obj, char *name, uint32_t len)
{
    (void)name;
    (void)len;
    return seg_id(to_seg(obj));
}

static const struct vm_object_ops shm_ops = {
    .kind = VMO_SHM,
    .frame = vm_pages_zerofill,         /* page idx, zeroed on first touch */
    .open = seg_open,
    .close = seg_close,
    .describe = seg_describe,
};

/* ---- shmget -------------------------------------------------------------- */

/* The id /proc/sys/kernel/shm_next_id asked for, used once (Linux's
 * ipc_idr_alloc): its slot or the first free one above, with its sequence
 * number in seg->seq. The slot; SHMMNI if no id was asked for; -ENOSPC if
 * every slot from there on is taken. */
static int take_next_id(struct shm_segment *seg)
{
    int id = next_id;
    next_id = -1;
    if (id < 0)
        return SHMMNI;
    for (int slot = id % SHM_SEQ_MULTIPLIER; slot < SHMMNI; slot++) {
        if (!slots[slot]) {
            seg->seq = (uint16_t)(id / SHM_SEQ_MULTIPLIER);
            return slot;
        }
    }
    return -ENOSPC;
}

static long newseg(int32_t key, uint32_t size, int shmflg)
{
    if (size < SHMMIN || size > shmmax)
        return -EINVAL;
    uint32_t npages = (uint32_t)(((uint64_t)size + PAGE_SIZE - 1) >> PAGE_SHIFT);
    if (shm_tot + npages < shm_tot || shm_tot + npages > shmall)
        return -ENOSPC;
    struct shm_segment *seg = kzalloc(sizeof(*seg));
    if (!seg)
        return -ENOMEM;
    if (nsegments >= (int)MIN(shmmni, SHMMNI)) {  /* Linux checks shmmni last */
        kfree(seg);
        return -ENOSPC;
    }
    int slot = take_next_id(seg);
    if (slot < 0) {
        kfree(seg);
        return slot;
    }
    if (slot == SHMMNI) {               /* no id asked for: the next slot, cyclically */
        slot = last_slot;
        do {
            slot = (slot + 1) % SHMMNI;
            if (slot == 0 && last_slot >= 0)
                next_seq = (uint16_t)((next_seq + 1) % (0x7FFFFFFF / SHM_SEQ_MULTIPLIER));
        } while (slots[slot]);
        last_slot = slot;
        seg->seq = next_seq;
    }
    seg->slot = slot;
    seg->key = key;
    seg->mode = (uint16_t)(shmflg & 0777);
    seg->uid = seg->cuid = current->euid;
    seg->gid = seg->cgid = current->egid;
    seg->obj.ops = &shm_ops;
    seg->obj.npages = npages;
    seg->segsz = size;
    seg->cpid = current->pid;
    seg->ctime = time_now_seconds();
    slots[slot] = seg;
    nsegments++;
    shm_tot += npages;
    if (key != IPC_PRIVATE) {
        unsigned b = key_bucket(key);
        seg->hash_next = key_hash[b];
        key_hash[b] = seg;
    }
    return seg_id(seg);
}

long sys_shmget(int32_t key, uint32_t size, int shmflg)
{
    if (key == IPC_PRIVATE)
        return newseg(key, size, shmflg);
    struct shm_segment *seg = find_key(key);
    if (!seg)
        return (shmflg & IPC_CREAT) ? newseg(key, size, shmflg) : -ENOENT;
    if ((shmflg & IPC_CREAT) && (shmflg & IPC_EXCL))
        return -EEXIST;
    if (size > seg->segsz)
        return -EINVAL;
    int err = check_perm(seg, shmflg);
    return err < 0 ? err : seg_id(seg);
}

/* ---- shmat / shmdt ------------------------------------------------------- */

/* shmat's body for both entries: attach and put the address in *out.
 * 0 or -errno. */
static long do_shmat(int shmid, uint32_t shmaddr, int shmflg, vaddr_t *out)
{
    /* Linux checks the id's sign, then the address, before the lookup. */
    if (shmid < 0)
        return -EINVAL;
    vaddr_t addr = shmaddr;
    if (addr) {
        if (addr & (SHMLBA - 1)) {
            if (!(shmflg & SHM_RND))
                return -EINVAL;
            addr &= ~(uint32_t)(SHMLBA - 1);
            if (!addr && (shmflg & SHM_REMAP))
                return -EINVAL;
        }
        if (!addr)
            return -EINVAL;             /* agora never maps page 0 (see docs/shm.md) */
    } else if (shmflg & SHM_REMAP) {
        return -EINVAL;
    }
    int acc = (shmflg & SHM_RDONLY) ? 0444 : 0666;
    uint32_t prot = VM_READ | ((shmflg & SHM_RDONLY) ? 0 : VM_WRITE);
    if (shmflg & SHM_EXEC) {
        acc |= 0111;
        prot |= VM_EXEC;
    }
    struct shm_segment *seg = find_id(shmid);
    if (!seg)
        return -EINVAL;
    int err = check_perm(seg, acc);
    if (err < 0)
        return err;

    struct vm_space *vs = current->vm;
    uint32_t size = seg->obj.npages << PAGE_SHIFT;
    if (addr) {
        if (addr + size < addr || addr + size > USER_TOP || addr < USER_BASE)
            return -EINVAL;
    } else {
        addr = vm_place(vs, size);
        if (!addr)
            return -ENOMEM;
    }
    /* Without SHM_REMAP, an address in use is EINVAL. SHM_REMAP may
     * replace the caller's own last attachment of a removed segment: the
     * hold keeps seg alive until the new one is made. */
    uint32_t flags = VM_SHARED | ((shmflg & SHM_REMAP) ? 0 : VM_NOREPLACE);
    seg_hold(seg);
    err = vm_map_object(vs, addr, addr + size, prot, prot | VM_EXEC, flags, &seg->obj, 0);
    seg_release(seg);
    if (err == -EEXIST)
        err = -EINVAL;
    if (err < 0)
        return err;
    *out = addr;
    return 0;
}

long sys_shmat(int shmid, uint32_t shmaddr, int shmflg)
{
    vaddr_t addr;
    long err = do_shmat(shmid, shmaddr, shmflg, &addr);
    return err < 0 ? err : (long)addr;
}

long sys_shmdt(uint32_t shmaddr)
{
    if (shmaddr & (PAGE_SIZE - 1))
        return -EINVAL;
    /* The attachment whose page 0 is (or was) mapped at shmaddr: every
     * piece of it that lies where it was attached goes. */
    return vm_unmap_object(current->vm, shmaddr, &shm_ops);
}

/* ---- shmctl -------------------------------------------------------------- */

static void fill_stat(const struct shm_segment *seg, struct shmid64_ds *ds)
{
    memset(ds, 0, sizeof(*ds));
    ds->shm_perm.key = seg->key;
    ds->shm_perm.uid = seg->uid;
    ds->shm_perm.gid = seg->gid;
    ds->shm_perm.cuid = seg->cuid;
    ds->shm_perm.cgid = seg->cgid;
    ds->shm_perm.mode = seg->mode;
    ds->shm_perm.seq = seg->seq;
    ds->shm_segsz = seg->segsz;
    ds->shm_atime = (uint32_t)seg->atime;
    ds->shm_atime_high = (uint32_t)((uint64_t)seg->atime >> 32);
    ds->shm_dtime = (uint32_t)seg->dtime;
    ds->shm_dtime_high = (uint32_t)((uint64_t)seg->dtime >> 32);
    ds->shm_ctime = (uint32_t)seg->ctime;
    ds->shm_ctime_high = (uint32_t)((uint64_t)seg->ctime >> 32);
    ds->shm_cpid = seg->cpid;
    ds->shm_lpid = seg->lpid;
    ds->shm_nattch = seg->nattch;
}

static int highest_slot(void)
{
    for (int i = SHMMNI - 1; i >= 0; i--)
        if (slots[i])
            return i;
    return 0;
}

static long shmctl_info(int cmd, void __user *buf, int version)
{
    if (cmd == IPC_INFO && version == IPC_OLD) {
        /* Linux clamps shmmax to the old struct's int. */
        struct shminfo_old info = {
            .shmmax = shmmax > 0x7FFFFFFF ? 0x7FFFFFFF : (int32_t)shmmax,
            .shmmin = SHMMIN, .shmmni = (int32_t)shmmni, .shmseg = (int32_t)shmmni,
            .shmall = (int32_t)shmall,
        };
        if (copyout(buf, &info, sizeof(info)) < 0)
            return -EFAULT;
    } else if (cmd == IPC_INFO) {
        struct shminfo64 info = {
            .shmmax = shmmax, .shmmin = SHMMIN, .shmmni = shmmni,
            .shmseg = shmmni, .shmall = shmall,   /* Linux: shmseg = shmmni */
        };
        if (copyout(buf, &info, sizeof(info)) < 0)
            return -EFAULT;
    } else {                            /* SHM_INFO: one layout for both */
        struct shm_info info = {
            .used_ids = nsegments, .shm_tot = shm_tot, .shm_rss = shm_rss(),
        };
        if (copyout(buf, &info, sizeof(info)) < 0)
            return -EFAULT;
    }
    return highest_slot();
}

/* An id as the old struct ipc_perm holds it: Linux's high2lowuid. */
static uint16_t old_id(uint32_t id)
{
    return id > 0xFFFF ? OVERFLOW_ID : (uint16_t)id;
}

/* Linux's copy_shmid_to_user for IPC_OLD: the 64-bit layout narrowed. */
static int copyout_old(void __user *buf, const struct shmid64_ds *ds)
{
    struct shmid_ds_old o;
    memset(&o, 0, sizeof(o));
    o.shm_perm.key = ds->shm_perm.key;
    o.shm_perm.uid = old_id(ds->shm_perm.uid);
    o.shm_perm.gid = old_id(ds->shm_perm.gid);
    o.shm_perm.cuid = old_id(ds->shm_perm.cuid);
    o.shm_perm.cgid = old_id(ds->shm_perm.cgid);
    o.shm_perm.mode = ds->shm_perm.mode;
    o.shm_perm.seq = ds->shm_perm.seq;
    o.shm_segsz = (int32_t)ds->shm_segsz;
    o.shm_atime = (int32_t)ds->shm_atime;
    o.shm_dtime = (int32_t)ds->shm_dtime;
    o.shm_ctime = (int32_t)ds->shm_ctime;
    o.shm_cpid = (uint16_t)ds->shm_cpid;
    o.shm_lpid = (uint16_t)ds->shm_lpid;
    o.shm_nattch = (uint16_t)ds->shm_nattch;
    return copyout(buf, &o, sizeof(o));
}

static long shmctl_stat(int shmid, int cmd, void __user *buf, int version)
{
    struct shm_segment *seg;
    if (cmd == IPC_STAT) {
        seg = find_id(shmid);
    } else {                            /* SHM_STAT, SHM_STAT_ANY: an index */
        int slot = shmid % SHM_SEQ_MULTIPLIER;    /* Linux keeps the index bits */
        seg = slot < SHMMNI ? slots[slot] : NULL;
    }
    if (!seg)
        return -EINVAL;
    if (cmd != SHM_STAT_ANY) {
        int err = check_perm(seg, 0444);
        if (err < 0)
            return err;
    }
    struct shmid64_ds ds;
    fill_stat(seg, &ds);
    int err = version == IPC_OLD ? copyout_old(buf, &ds) : copyout(buf, &ds, sizeof(ds));
    if (err < 0)
        return -EFAULT;
    return cmd == IPC_STAT ? 0 : seg_id(seg);
}

static long shmctl_set(int shmid, void __user *buf, int version)
{
    struct shmid64_ds ds;
    if (version == IPC_OLD) {
        /* Linux reads uid, gid and mode only, widened as they are: an old
         * uid 0xFFFF is 65535, a valid id, not -1. */
        struct shmid_ds_old o;
        if (copyin(&o, buf, sizeof(o)) < 0)    /* Linux: before the lookup */
            return -EFAULT;
        ds.shm_perm.uid = o.shm_perm.uid;
        ds.shm_perm.gid = o.shm_perm.gid;
        ds.shm_perm.mode = o.shm_perm.mode;
    } else if (copyin(&ds, buf, sizeof(ds)) < 0) {     /* Linux: before the lookup */
        return -EFAULT;
    }
    struct shm_segment *seg = find_id(shmid);
    if (!seg)
        return -EINVAL;
    int err = check_owner(seg);
    if (err < 0)
        return err;
    if (ds.shm_perm.uid == (uint32_t)-1 || ds.shm_perm.gid == (uint32_t)-1)
        return -EINVAL;
    seg->uid = ds.shm_perm.uid;
    seg->gid = ds.shm_perm.gid;
    seg->mode = (uint16_t)((seg->mode & ~0777) | (ds.shm_perm.mode & 0777));
    seg->ctime = time_now_seconds();
    return 0;
}

static long shmctl_rmid(int shmid)
{
    struct shm_segment *seg = find_id(shmid);
    if (!seg)
        return -EINVAL;
    int err = check_owner(seg);
    if (err < 0)
        return err;
    /* Mark it, and take its key away so nobody finds it again. If it is
     * attached, the id keeps working until the last detach destroys it. */
    seg->mode |= SHM_DEST;
    if (seg->key != IPC_PRIVATE) {
        unhash_key(seg);
        seg->key = IPC_PRIVATE;
    }
    destroy_if_unused(seg);
    return 0;
}

static long shmctl_lock(int shmid, int cmd)
{
    struct shm_segment *seg = find_id(shmid);
    if (!seg)
        return -EINVAL;
    int err = check_owner(seg);
    if (err < 0)
        return err;
    if (cmd == SHM_LOCK)
        seg->mode |= SHM_LOCKED;        /* agora never swaps: a mark only */
    else
        seg->mode &= ~SHM_LOCKED;
    return 0;
}

/* shmctl in the layout version asks for (IPC_64 or IPC_OLD). */
static long shmctl_version(int shmid, int cmd, void __user *buf, int version)
{
    if (cmd < 0 || shmid < 0)
        return -EINVAL;
    switch (cmd) {
    case IPC_INFO:
    case SHM_INFO:
        return shmctl_info(cmd, buf, version);
    case IPC_STAT:
    case SHM_STAT:
    case SHM_STAT_ANY:
        return shmctl_stat(shmid, cmd, buf, version);
    case IPC_SET:
        return shmctl_set(shmid, buf, version);
    case IPC_RMID:
        return shmctl_rmid(shmid);
    case SHM_LOCK:
    case SHM_UNLOCK:
        return shmctl_lock(shmid, cmd);
    default:
        return -EINVAL;
    }
}

/* The direct call (396) always uses the 64-bit layouts; an IPC_64 bit in
 * cmd is not stripped here, so it is an unknown command (EINVAL), as on
 * Linux. */
long sys_shmctl(int shmid, int cmd, void __user *buf)
{
    return shmctl_version(shmid, cmd, buf, IPC_64);
}

/* ---- ipc(117): the multiplexer that Debian's i386 glibc calls ---------- */

/*
 * ipc(call, first, second, third, ptr, fifth), as Linux's ksys_ipc: the low
 * 16 bits of call pick the operation, the high 16 bits are a version.
 *   SHMAT:  shmat(first, ptr, second); the address goes to *(u32 *)third and
 *           the call returns 0. Version 1 (iBCS2's in-kernel entry) is
 *           EINVAL. As on Linux, a bad third gives EFAULT after the attach,
 *           which stays.
 *   SHMDT:  shmdt(ptr).  SHMGET: shmget(first, second, third).
 *   SHMCTL: shmctl(first, second, ptr); IPC_64 in second selects the 64-bit
 *           layouts and is stripped, without it the old 16-bit-id layouts.
 * agora has no System V semaphores or message queues: their direct calls
 * (393, 394, 399-402) are -ENOSYS, and so are SEMOP..MSGCTL here. That is
 * what Linux gives for a kernel built without them (CONFIG_SYSVIPC off:
 * ipc is sys_ni_syscall) and what it gives for an unknown call number, so
 * a program sees one consistent answer. fifth is unused by shm.
 */
long sys_ipc(uint32_t call, int first, uint32_t second, uint32_t third,
             uint32_t ptr, int32_t fifth)
{
    (void)fifth;
    int version = (int)(call >> 16);
    switch (call & 0xFFFF) {
    case SHMAT: {
        if (version == 1)
            return -EINVAL;
        vaddr_t addr;
        long err = do_shmat(first, ptr, (int)second, &addr);
        if (err < 0)
            return err;
        uint32_t raddr = addr;
        return copyout((void __user *)third, &raddr, sizeof(raddr)) < 0 ? -EFAULT : 0;
    }
    case SHMDT:
        return sys_shmdt(ptr);
    case SHMGET:
        return sys_shmget(first, second, (int)third);
    case SHMCTL: {
        int cmd = (int)second;
        int ver = IPC_OLD;
        if (cmd & IPC_64) {             /* Linux's ipc_parse_version */
            cmd ^= IPC_64;
            ver = IPC_64;
        }
        return shmctl_version(first, cmd, (void __user *)ptr, ver);
    }
    default:
        return -ENOSYS;
    }
}

/* Counts for meminfo and the tests. */
void shm_counts(uint32_t *segments, uint32_t *frames)
{
    *segments = (uint32_t)nsegments;
    *frames = shm_rss();
}

/* ---- /proc (kernel/fs/procfs.c) ------------------------------------------ */

void shm_for_each(void (*fn)(const struct shm_proc_row *row, void *arg), void *arg)
{
    for (int i = 0; i < SHMMNI; i++) {
        const struct shm_segment *seg = slots[i];
        if (!seg)
            continue;
        struct shm_proc_row row = {
            .key = seg->key, .id = seg_id(seg), .mode = seg->mode, .segsz = seg->segsz,
            .cpid = seg->cpid, .lpid = seg->lpid, .nattch = seg->nattch,
            .uid = seg->uid, .gid = seg->gid, .cuid = seg->cuid, .cgid = seg->cgid,
            .atime = seg->atime, .dtime = seg->dtime, .ctime = seg->ctime,
            .rss_pages = seg->obj.resident,
        };
        fn(&row, arg);
    }
}

int64_t shm_limit_get(enum shm_limit which)
{
    switch (which) {
    case SHM_LIMIT_MAX: return shmmax;
    case SHM_LIMIT_ALL: return shmall;
    case SHM_LIMIT_MNI: return shmmni;
    case SHM_LIMIT_NEXT_ID: return next_id;
    }
    return 0;
}

int shm_limit_set(enum shm_limit which, int64_t value)
{
    switch (which) {
    case SHM_LIMIT_MAX:
    case SHM_LIMIT_ALL:
        if (value < 0 || value > 0xFFFFFFFFll)     /* an unsigned long */
            return -EINVAL;
        if (which == SHM_LIMIT_MAX)
            shmmax = (uint32_t)value;
        else
            shmall = (uint32_t)value;
        return 0;
    case SHM_LIMIT_MNI:
        if (value < 0 || value > SHM_SEQ_MULTIPLIER)  /* Linux: 0..IPCMNI */
            return -EINVAL;
        shmmni = (uint32_t)value;
        return 0;
    case SHM_LIMIT_NEXT_ID:
        if (value < 0 || value > 0x7FFFFFFF)
            return -EINVAL;
        next_id = (int)value;
        return 0;
    }
    return -EINVAL;
}
