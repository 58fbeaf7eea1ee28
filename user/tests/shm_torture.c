/*
 * shm_torture: a seeded random mixture of every System V shm operation in
 * many processes at once, with the kernel checked against a model of it
 * at quiescent points.
 *
 * How it differs from shm_stress: shm_stress runs 5 root workers over a
 * pool of keys with shmget/shmat/shmdt/IPC_RMID/IPC_STAT and fork, and
 * checks nattch against the attachments they believe they hold. Here 12
 * workers (odd slots as uid 1000) also use IPC_SET, SHM_LOCK/UNLOCK,
 * IPC_INFO, SHM_INFO, SHM_STAT, SHM_STAT_ANY, SHM_RDONLY, SHM_RND,
 * SHM_EXEC, SHM_REMAP over their own attachments (whole or in part, with
 * the same or another segment, removed or not), munmap and mprotect of
 * parts of attachments, shmdt at addresses that are or are not attach
 * addresses, bad buffers (EFAULT), exec (/bin/true, this program in helper
 * mode, and execs that fail and must leave the attachments in place),
 * and the coordinator SIGKILLs workers (mid-phase, with everything they
 * started, and at barriers) and starts new ones. Each worker keeps an
 * exact model of its shm regions (pieces included, as the kernel and
 * Linux split them), so each call's result is either predicted exactly or
 * checked against the errnos legal for it in that state; at each barrier
 * the coordinator compares the model with the kernel:
 *
 *   - every segment (SHM_INFO, then SHM_STAT_ANY, SHM_STAT and IPC_STAT
 *     of every slot): nattch equals the regions of it in the live
 *     workers' models; SHM_DEST implies key 0 and nattch > 0; a keyed
 *     segment is found by its key and only once; no segment that nobody
 *     made; SHM_INFO's used_ids, highest index, shm_tot and shm_rss agree
 *     with the scan and with meminfo;
 *   - every live worker: its VM_SHM regions (agora's vmmap call) are
 *     exactly its model (start, end, shmid, protection);
 *   - the data: worker slot s owns a 16-byte stripe at offset 16 * s of
 *     every page of every segment and publishes the tags it wrote there
 *     (itself, through a forked child, or through an exec'd helper). In
 *     the verify phase after each barrier every worker reads every stripe
 *     of every page it maps and compares it with the owner's table: what
 *     one process wrote through one attachment is read by every process
 *     through every attachment. The rest of each page is never written
 *     and must stay zero; new segments read as zero;
 *   - at the end every worker is gone, nattch is 0 everywhere, every
 *     segment is removed, and t_begin's check sees every frame back.
 *
 * Before the random part, deterministic cases of SHM_REMAP over one's own
 * last attachment of a segment already marked IPC_RMID (a kernel panic in
 * shm_frame until shmat held the segment across the remap).
 *
 * The seed is printed; `/tests/shm_torture SEED` reruns one. make test
 * runs DEFAULT_SEED.
 */
#include <agora_shm_test.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>

#define DEFAULT_SEED 1u
#define NWORK        12                 /* workers at any time */
#define MAXSLOT      32                 /* worker slots: NWORK + new ones */
#define NROUNDS      16                 /* random phase + verify phase each */
#define NOPS         250                /* random operations per worker per round */
#define FINAL_K      (2 * NROUNDS + 1)  /* the phase in which workers leave */
#define MAXREG       28                 /* model regions per worker (ctl included) */
#define MAXKNOWN     40                 /* ids a worker knows */
#define MAXEXP       160                /* tags a worker has written */
#define MAXREMOVED   32
#define MAXVICTIM    16
#define MAXPOOL      160                /* ids the workers may pick from each other */
#define NKEYS        6
#define KEY0         0x544f5200         /* "TOR\0" */
#define WIN_BASE     0x50000000u        /* fixed attaches: slot s uses its own window */
#define WIN_SIZE     0x00100000u
#define WIN_PAGES    48
#define STRIPE       16                 /* bytes per slot in each page */
#define ZERO_FROM    (MAXSLOT * STRIPE) /* from here on a page stays zero */
#define SHM_TOP      0xBF700000u        /* SHM_AREA_TOP: NULL attaches go below */
#define KADDR        ((void *)0xC0001000u)
#define IDX(id)      ((id) % 32768)     /* slot index of an id */
#define E(e)         (1ull << (e))
#define GONE         (E(EINVAL) | E(EIDRM))    /* an id whose segment may be gone */

static const uint32_t sizes[] = { 100, 4096, 5000, 8192, 12288, 16000 };
#define NSIZES ((int)(sizeof(sizes) / sizeof(sizes[0])))
static const int cmodes[] = { 0600, 0660, 0666, 0644 };
static const int smodes[] = { 0600, 0640, 0660, 0666, 0644, 0604, 0400, 0 };

/* ---- shared state ------------------------------------------------------- */

struct mreg {                           /* one VM_SHM region (a piece of an attachment) */
    int id;
    uint32_t start, end;
    uint32_t pgoff;                     /* page of the segment at start */
    uint32_t npages;                    /* pages of the segment */
    uint8_t rdonly;                     /* not writable now (SHM_RDONLY or mprotect) */
    uint8_t isctl;                      /* the control segment: never touched */
    uint8_t maxw;                       /* may be made writable (not SHM_RDONLY) */
};

struct known { int id; uint32_t npages; };
struct tagrec { int id; uint32_t page; uint32_t tag; };

enum { SLOT_FREE, SLOT_LIVE, SLOT_GONE, SLOT_DEAD };

/* Written by the worker (published at each barrier), read by everyone
 * while the workers are stopped. */
struct slot {
    volatile int pid;
    volatile int state;                 /* set by the coordinator only */
    volatile int arrived;               /* last phase finished */
    volatile int progress;              /* operations done in this phase */
    volatile int failures;
    int uid;
    int nreg;
    struct mreg reg[MAXREG];
    int nknown;
    struct known known[MAXKNOWN];
    int nexp;
    struct tagrec exp[MAXEXP];
    int nremoved;
    int removed[MAXREMOVED];
};

struct ctl {
    volatile int go;                    /* last phase released */
    volatile int abort;
    uint32_t seed;
    int ctl_id;
    uint32_t ctl_start, ctl_end;
    struct shminfo info;                /* IPC_INFO: constant */
    int npool;                          /* ids known at the last barrier: */
    struct known pool[MAXPOOL];         /* written by the coordinator only */
    struct slot slot[MAXSLOT];
};

static struct ctl *ctl;
static const char *self_path;

static uint32_t mix(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352du;
    x ^= x >> 15;
    x *= 0x846ca68bu;
    x ^= x >> 16;
    return x ? x : 1;
}

static uint32_t rng;

static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static uint32_t below(uint32_t n)
{
    return n ? rnd() % n : 0;
}

/* ---- stripes ------------------------------------------------------------ */

/* A stripe is { id + 1, page + 1, tag, ~tag }, written in that order, so a
 * concurrent reader sees a prefix: the first two words are constant for a
 * location once written, whatever the tag. */
static volatile uint32_t *stripe_ptr(uint32_t va, int s)
{
    return (volatile uint32_t *)(uintptr_t)(va + (uint32_t)s * STRIPE);
}

static void stripe_write(uint32_t va, int s, int id, uint32_t page, uint32_t tag)
{
    volatile uint32_t *p = stripe_ptr(va, s);
    p[0] = (uint32_t)id + 1;
    p[1] = page + 1;
    p[2] = tag;
    p[3] = ~tag;
}

/* 0 if the stripe holds exactly tag (all zero for tag 0). */
static int stripe_exact(uint32_t va, int s, int id, uint32_t page, uint32_t tag)
{
    volatile uint32_t *p = stripe_ptr(va, s);
    if (tag == 0)
        return (p[0] | p[1] | p[2] | p[3]) ? -1 : 0;
    return p[0] == (uint32_t)id + 1 && p[1] == page + 1 && p[2] == tag && p[3] == ~tag ? 0 : -1;
}

/* 0 if the stripe is a prefix of some write of (id, page). */
static int stripe_sane(uint32_t va, int s, int id, uint32_t page)
{
    volatile uint32_t *p = stripe_ptr(va, s);
    uint32_t a = p[0], b = p[1], c = p[2], d = p[3];
    if (a == 0)
        return (b | c | d) ? -1 : 0;
    if (a != (uint32_t)id + 1)
        return -1;
    if (b == 0)
        return (c | d) ? -1 : 0;
    return b == page + 1 ? 0 : -1;
}

/* Index of the first nonzero word past the stripes, or -1. */
static int zero_zone(uint32_t va)
{
    volatile uint32_t *p = (volatile uint32_t *)(uintptr_t)va;
    for (int i = ZERO_FROM / 4; i < 1024; i++)
        if (p[i])
            return i;
    return -1;
}

static uint32_t exp_lookup(const struct tagrec *t, int n, int id, uint32_t page)
{
    for (int i = 0; i < n; i++)
        if (t[i].id == id && t[i].page == page)
            return t[i].tag;
    return 0;
}

/* The slot for IPC_STAT-like calls without a permission check: 0 and *ds
 * if the slot of id holds exactly id. */
static int stat_any(int id, struct shmid_ds *ds)
{
    memset(ds, 0, sizeof(*ds));
    int r = shmctl(IDX(id), SHM_STAT_ANY, ds);
    return r == id ? 0 : -1;
}

/* ---- the worker ---------------------------------------------------------- */

enum {
    OP_CREATE_KEY, OP_GET_KEY, OP_CREATE_PRIV, OP_AT_NULL, OP_AT_FIXED,
    OP_AT_REMAP, OP_RMID_REMAP, OP_DT, OP_MUNMAP, OP_MPROTECT, OP_WRITE, OP_READ,
    OP_STAT, OP_SET, OP_RMID, OP_LOCK, OP_INFO, OP_SHMSTAT, OP_EFAULT,
    OP_BAD, OP_VMMAP, OP_FORK, NOPKINDS
};
static const char *const op_name[NOPKINDS] = {
    "create-key", "get-key", "create-private", "at-null", "at-fixed",
    "at-remap", "rmid+remap", "dt", "munmap", "mprotect", "write", "read",
    "stat", "set", "rmid", "lock", "info", "shm-stat", "efault",
    "bad-args", "vmmap", "fork",
};
/* Relative frequencies. */
static const int op_weight[NOPKINDS] = {
    5, 3, 5, 9, 7,
    6, 4, 7, 3, 3, 10, 5,
    4, 3, 4, 2, 2, 3, 2,
    2, 2, 5,
};

static int me;                          /* my slot */
static int unpriv;                      /* running as USER_ID */
static int phase;
static int opno;
static int in_child;                    /* a forked child of a worker */
static int nfail;
static struct mreg regs[MAXREG];
static int nregs;
static struct known known[MAXKNOWN];
static int nknown;
static struct tagrec exps[MAXEXP];
static int nexps;
static int removed[MAXREMOVED];
static int nremoved;
static uint32_t next_tag = 1;
static unsigned n_ok[NOPKINDS], n_err[NOPKINDS];

#define W_FAIL(...) do {                                                    \
        if (nfail++ < 25) {                                                 \
            printf("# slot %d pid %d%s phase %d op %d: ", me, (int)getpid(), \
                   in_child ? " (child)" : "", phase, opno);                \
            printf(__VA_ARGS__);                                            \
            printf("\n");                                                   \
        }                                                                   \
        if (!in_child)                                                      \
            ctl->slot[me].failures++;                                       \
    } while (0)

/* A call returned r (-1: failed with err). 1 if it succeeded; a failure
 * with an errno outside allowed is reported. */
static int legal(int kind, const char *what, long r, int err, uint64_t allowed)
{
    if (r != -1) {
        n_ok[kind]++;
        return 1;
    }
    n_err[kind]++;
    if (err >= 64 || !(allowed & E(err)))
        W_FAIL("%s: errno %d (%s) is not legal here", what, err, strerror(err));
    return 0;
}

/* The call must fail with an errno in want. */
#define MUST_FAIL(what, call, want) do {                                    \
        errno = 0;                                                          \
        long mf_r_ = (long)(call);                                          \
        must_fail((what), mf_r_, errno, (want));                            \
    } while (0)

static void must_fail(const char *what, long r, int err, uint64_t want)
{
    if (r != -1 || err >= 64 || !(want & E(err)))
        W_FAIL("%s: got %ld errno %d (%s), want failure", what, r, r == -1 ? err : 0,
               r == -1 ? strerror(err) : "-");
}

static uint32_t new_tag(void)
{
    return ((uint32_t)(me + 1) << 24) | (next_tag++ & 0xFFFFFF);
}

/* ---- the model of my regions ---- */

static int held(int id)
{
    int n = 0;
    for (int i = 0; i < nregs; i++)
        n += !regs[i].isctl && regs[i].id == id;
    return n;
}

static int overlaps(uint32_t a, uint32_t b)
{
    for (int i = 0; i < nregs; i++)
        if (regs[i].start < b && a < regs[i].end)
            return 1;
    return 0;
}

static int overlaps_ctl(uint32_t a, uint32_t b)
{
    return ctl->ctl_start < b && a < ctl->ctl_end;
}

static void reg_insert(struct mreg m)
{
    int i = nregs;
    while (i > 0 && regs[i - 1].start > m.start) {
        regs[i] = regs[i - 1];
        i--;
    }
    regs[i] = m;
    nregs++;
}

static void reg_remove(int i)
{
    for (; i + 1 < nregs; i++)
        regs[i] = regs[i + 1];
    nregs--;
}

/* Regions an unmap of [a, b) would add (a region cut in the middle
 * leaves two pieces). */
static int unmap_growth(uint32_t a, uint32_t b)
{
    int n = 0;
    for (int i = 0; i < nregs; i++)
        if (regs[i].start < b && a < regs[i].end)
            n += (regs[i].start < a) + (regs[i].end > b) - 1;
    return n;
}

/* What munmap (or the unmap of a SHM_REMAP) does to the regions: the parts
 * inside [a, b) go, the parts outside stay, each piece keeping its page of
 * the segment. */
static void model_unmap(uint32_t a, uint32_t b)
{
    struct mreg keep[2 * MAXREG];
    int n = 0;
    for (int i = 0; i < nregs; i++) {
        struct mreg r = regs[i];
        if (!(r.start < b && a < r.end)) {
            keep[n++] = r;
            continue;
        }
        if (r.start < a) {
            struct mreg lo = r;
            lo.end = a;
            keep[n++] = lo;
        }
        if (r.end > b) {
            struct mreg hi = r;
            hi.pgoff += (b - r.start) / PG;
            hi.start = b;
            keep[n++] = hi;
        }
    }
    nregs = 0;
    for (int i = 0; i < n; i++)
        reg_insert(keep[i]);
}

/* shmdt(addr) as Linux (and agora) does it: the first region at or above
 * addr whose distance from addr is its page in the segment names the
 * segment; every such region of that segment within the segment's size
 * from addr goes. Returns the index of the first match (-1: EINVAL);
 * with apply, removes them. */
static int model_shmdt(uint32_t addr, int apply)
{
    int first = -1;
    for (int i = 0; i < nregs; i++) {
        if (regs[i].start >= addr && regs[i].start - addr == regs[i].pgoff * PG) {
            first = i;
            break;
        }
    }
    if (first < 0 || !apply)
        return first;
    int id = regs[first].id;
    uint32_t end = addr + regs[first].npages * PG;
    for (int i = 0; i < nregs;) {
        if (regs[i].id == id && regs[i].start >= addr && regs[i].start < end &&
            regs[i].start - addr == regs[i].pgoff * PG)
            reg_remove(i);
        else
            i++;
    }
    return first;
}

/* A random region that is not the control segment (rw_only: writable);
 * -1 if none. */
static int pick_reg(int rw_only)
{
    int cand[MAXREG], n = 0;
    for (int i = 0; i < nregs; i++)
        if (!regs[i].isctl && (!rw_only || !regs[i].rdonly))
            cand[n++] = i;
    return n ? cand[below((uint32_t)n)] : -1;
}

/* ---- known ids and written tags ---- */

static int gone(int id)
{
    struct shmid_ds ds;
    return stat_any(id, &ds) < 0;
}

static int known_find(int id)
{
    for (int i = 0; i < nknown; i++)
        if (known[i].id == id)
            return i;
    return -1;
}

/* Room for one more known id (forgetting ids that are gone for good). */
static int known_room(void)
{
    if (nknown < MAXKNOWN)
        return 1;
    for (int i = 0; i < nknown;) {
        if (!held(known[i].id) && gone(known[i].id))
            known[i] = known[--nknown];
        else
            i++;
    }
    return nknown < MAXKNOWN;
}

static void known_add(int id, uint32_t npages)
{
    if (known_find(id) >= 0 || !known_room())
        return;
    known[nknown++] = (struct known){ id, npages };
}

static int exp_room(int id, uint32_t page)
{
    for (int i = 0; i < nexps; i++)
        if (exps[i].id == id && exps[i].page == page)
            return 1;
    if (nexps < MAXEXP)
        return 1;
    for (int i = 0; i < nexps;) {
        if (!held(exps[i].id) && gone(exps[i].id))
            exps[i] = exps[--nexps];
        else
            i++;
    }
    return nexps < MAXEXP;
}

static void exp_set(int id, uint32_t page, uint32_t tag)
{
    for (int i = 0; i < nexps; i++) {
        if (exps[i].id == id && exps[i].page == page) {
            exps[i].tag = tag;
            return;
        }
    }
    exps[nexps++] = (struct tagrec){ id, page, tag };
}

/* An id to work on: one I hold, one I know, or one the coordinator
 * pooled at the last barrier (a worker's published lists may change while
 * I run). 0 and *id, *npages; -1 if none. */
static int pick_id(int *id, uint32_t *npages)
{
    uint32_t r = below(4);
    if (r < 2) {
        int i = pick_reg(0);
        if (i >= 0) {
            *id = regs[i].id;
            *npages = regs[i].npages;
            return 0;
        }
    }
    if (r < 3 && nknown) {
        int i = (int)below((uint32_t)nknown);
        *id = known[i].id;
        *npages = known[i].npages;
        return 0;
    }
    if (ctl->npool <= 0)
        return -1;
    int i = (int)below((uint32_t)ctl->npool);
    *id = ctl->pool[i].id;
    *npages = ctl->pool[i].npages;
    return 0;
}

/* ---- checks of my own view ---- */

/* Check every page of region i: my stripe exactly, the others' stripes
 * are sane, the zero zone is zero. */
static void check_region(int i, const char *when)
{
    const struct mreg *r = &regs[i];
    for (uint32_t va = r->start; va < r->end; va += PG) {
        uint32_t page = r->pgoff + (va - r->start) / PG;
        uint32_t want = exp_lookup(exps, nexps, r->id, page);
        if (stripe_exact(va, me, r->id, page, want) < 0) {
            volatile uint32_t *p = stripe_ptr(va, me);
            W_FAIL("%s: id %d page %u at %#x: my stripe %08x %08x %08x %08x, want tag %08x",
                   when, r->id, page, va, p[0], p[1], p[2], p[3], want);
        }
        for (int s = 0; s < MAXSLOT; s++) {
            if (s != me && stripe_sane(va, s, r->id, page) < 0) {
                volatile uint32_t *p = stripe_ptr(va, s);
                W_FAIL("%s: id %d page %u at %#x: stripe of slot %d is not of this page:"
                       " %08x %08x %08x %08x", when, r->id, page, va, s, p[0], p[1], p[2],
                       p[3]);
            }
        }
        int z = zero_zone(va);
        if (z >= 0)
            W_FAIL("%s: id %d page %u at %#x: word %d past the stripes is %#x", when,
                   r->id, page, va, z, ((volatile uint32_t *)(uintptr_t)va)[z]);
    }
}

/* Every region that maps page `page` of segment id shows tag in my stripe. */
static void check_views(int id, uint32_t page, uint32_t tag, const char *when)
{
    for (int i = 0; i < nregs; i++) {
        const struct mreg *r = &regs[i];
        if (r->isctl || r->id != id || page < r->pgoff ||
            page >= r->pgoff + (r->end - r->start) / PG)
            continue;
        uint32_t va = r->start + (page - r->pgoff) * PG;
        if (stripe_exact(va, me, id, page, tag) < 0)
            W_FAIL("%s: id %d page %u: the view at %#x does not show tag %08x (%08x)",
                   when, id, page, va, tag,
                   stripe_ptr(va, me)[2]);
    }
}

/* The kernel's VM_SHM regions of pid are exactly the model m[0..n). */
static int vmmap_matches(pid_t pid, const struct mreg *m, int n, char *why, size_t whylen)
{
    static struct agora_region buf[64];
    long total = syscall(AGORA_NR_vmmap, pid, buf, 64);
    if (total < 0 || total > 64) {
        snprintf(why, whylen, "vmmap: %ld errno %d", total, errno);
        return 0;
    }
    int j = 0;
    for (int i = 0; i < total; i++) {
        if (buf[i].kind != AGORA_REGION_SHM)
            continue;
        if (j >= n) {
            snprintf(why, whylen, "extra region %#x-%#x shmid %d", buf[i].start, buf[i].end,
                     buf[i].shmid);
            return 0;
        }
        uint32_t prot = m[j].rdonly ? PROT_READ : PROT_READ | PROT_WRITE;
        if (buf[i].start != m[j].start || buf[i].end != m[j].end ||
            buf[i].shmid != m[j].id || (buf[i].prot & (PROT_READ | PROT_WRITE)) != prot) {
            snprintf(why, whylen, "region %#x-%#x shmid %d prot %u, model %#x-%#x id %d prot %u",
                     buf[i].start, buf[i].end, buf[i].shmid, buf[i].prot, m[j].start,
                     m[j].end, m[j].id, prot);
            return 0;
        }
        j++;
    }
    if (j != n) {
        snprintf(why, whylen, "%d shm regions, model %d (first missing %#x-%#x id %d)", j, n,
                 m[j].start, m[j].end, m[j].id);
        return 0;
    }
    return 1;
}

static void check_vmmap(const char *when)
{
    char why[160];
    if (!vmmap_matches(0, regs, nregs, why, sizeof(why)))
        W_FAIL("%s: my regions differ from the model: %s", when, why);
}

/* ---- operations ---- */

/* After a successful shmat at a: record the region and check it. */
static void attached(int id, uint32_t npages, uint32_t a, int rdonly, int fresh,
                     const char *what)
{
    uint32_t end = a + npages * PG;
    if (a % PG || a < 0x1000 || end > SHM_TOP || end < a || overlaps(a, end)) {
        W_FAIL("%s: id %d attached at %#x-%#x, over something or out of bounds", what, id, a,
               end);
        check_vmmap(what);
        _exit(1);                       /* the model is lost */
    }
    reg_insert((struct mreg){ id, a, end, 0, npages, (uint8_t)rdonly, 0, (uint8_t)!rdonly });
    int i = 0;
    while (regs[i].start != a)
        i++;
    if (fresh) {
        /* A new private segment: nobody else knows it, all zero. */
        for (uint32_t va = a; va < end; va += PG)
            for (int s = 0; s < MAXSLOT; s++)
                if (stripe_exact(va, s, id, 0, 0) < 0 || zero_zone(va) >= 0)
                    W_FAIL("%s: new segment %d is not zero at %#x", what, id, va);
    }
    check_region(i, what);
}

static void op_create_key(void)
{
    if (!known_room())
        return;
    key_t key = KEY0 + (key_t)below(NKEYS);
    uint32_t size = sizes[below(NSIZES)];
    int excl = below(3) == 0;
    int flags = IPC_CREAT | (excl ? IPC_EXCL : 0) | cmodes[below(4)];
    errno = 0;
    int id = shmget(key, size, flags);
    uint64_t ok = E(EINVAL) | (excl ? E(EEXIST) : 0) | (unpriv ? E(EACCES) : 0);
    if (!legal(OP_CREATE_KEY, "shmget(key, IPC_CREAT)", id, errno, ok))
        return;
    struct shmid_ds ds;
    if (stat_any(id, &ds) < 0)
        return;                         /* removed and destroyed meanwhile */
    uint32_t npages = (uint32_t)((ds.shm_segsz + PG - 1) / PG);
    if (excl && ds.shm_segsz != size)
        W_FAIL("IPC_EXCL made id %d of %u bytes, segsz %u", id, size, (unsigned)ds.shm_segsz);
    known_add(id, npages);
    if (excl && nregs < MAXREG) {
        /* Just made: my stripe and the zero zone must be zero (others may
         * have found it by key already and written theirs). */
        errno = 0;
        void *p = shmat(id, NULL, 0);
        if (legal(OP_AT_NULL, "shmat of a new keyed segment", p == AT_FAILED ? -1 : 0, errno,
                  E(EINVAL) | (unpriv ? E(EACCES) : 0)))
            attached(id, npages, (uint32_t)(uintptr_t)p, 0, 0, "new keyed segment");
    }
}

static void op_get_key(void)
{
    key_t key = KEY0 + (key_t)below(NKEYS);
    int flag = below(4) == 0 ? 0400 : 0;
    errno = 0;
    int id = shmget(key, below(2) ? 0 : PG, flag);
    uint64_t ok = E(ENOENT) | E(EINVAL) | (unpriv && flag ? E(EACCES) : 0);
    if (!legal(OP_GET_KEY, "shmget(key)", id, errno, ok))
        return;
    struct shmid_ds ds;
    if (stat_any(id, &ds) == 0)
        known_add(id, (uint32_t)((ds.shm_segsz + PG - 1) / PG));
}

static void op_create_priv(void)
{
    if (!known_room())
        return;
    uint32_t size = sizes[below(NSIZES)];
    errno = 0;
    int id = shmget(IPC_PRIVATE, size, cmodes[below(4)]);
    if (!legal(OP_CREATE_PRIV, "shmget(IPC_PRIVATE)", id, errno, 0))
        return;
    uint32_t npages = (size + PG - 1) / PG;
    known_add(id, npages);
    if (nregs >= MAXREG)
        return;
    int rdonly = below(4) == 0;
    errno = 0;
    void *p = shmat(id, NULL, rdonly ? SHM_RDONLY : 0);
    /* Mine and unknown to anyone: it exists and I own it. */
    if (legal(OP_AT_NULL, "shmat of a new private segment", p == AT_FAILED ? -1 : 0, errno, 0))
        attached(id, npages, (uint32_t)(uintptr_t)p, rdonly, 1, "new private segment");
}

static void op_at_null(void)
{
    int id;
    uint32_t npages;
    if (nregs >= MAXREG || pick_id(&id, &npages) < 0)
        return;
    int rdonly = below(4) == 0;
    int h = held(id);
    int flags = (rdonly ? SHM_RDONLY : 0) | (below(8) == 0 ? SHM_EXEC : 0);
    errno = 0;
    void *p = shmat(id, NULL, flags);
    uint64_t ok = (h ? 0 : GONE) | (unpriv ? E(EACCES) : 0);
    if (!legal(OP_AT_NULL, "shmat(NULL)", p == AT_FAILED ? -1 : 0, errno, ok))
        return;
    known_add(id, npages);
    attached(id, npages, (uint32_t)(uintptr_t)p, rdonly, 0, "shmat(NULL)");
}

static uint32_t window(void)
{
    return WIN_BASE + (uint32_t)me * WIN_SIZE;
}

static void op_at_fixed(void)
{
    int id;
    uint32_t npages;
    if (nregs >= MAXREG || pick_id(&id, &npages) < 0)
        return;
    uint32_t a = window() + below(WIN_PAGES - npages + 1) * PG;
    uint32_t b = a + npages * PG;
    int busy = overlaps(a, b);
    int rdonly = below(4) == 0;
    int flags = rdonly ? SHM_RDONLY : 0;
    uint32_t pass = a;
    if (below(3) == 0) {
        pass += 1 + below(PG - 1);
        flags |= SHM_RND;
    }
    int h = held(id);
    errno = 0;
    void *p = shmat(id, (void *)(uintptr_t)pass, flags);
    int err = errno;
    if (busy) {
        /* Over my own attachment without SHM_REMAP: EINVAL, nothing changes. */
        must_fail("shmat over an attachment without SHM_REMAP", p == AT_FAILED ? -1 : 0, err,
                  E(EINVAL) | (unpriv ? E(EACCES) : 0));
        if (p != AT_FAILED)
            _exit(1);
        n_err[OP_AT_FIXED]++;
        return;
    }
    uint64_t ok = (h ? 0 : GONE) | (unpriv ? E(EACCES) : 0);
    if (!legal(OP_AT_FIXED, "shmat(fixed)", p == AT_FAILED ? -1 : 0, err, ok))
        return;
    if ((uint32_t)(uintptr_t)p != a) {
        W_FAIL("shmat(%#x, flags %#x) returned %p, want %#x", pass, flags, p, a);
        _exit(1);
    }
    known_add(id, npages);
    attached(id, npages, a, rdonly, 0, "shmat(fixed)");
}

/* shmat(id, somewhere inside region i, SHM_REMAP): replaces whatever was
 * there. Returns 1 if it was done (or legally refused). */
static int remap_over(int i, int id, uint32_t npages, const char *what)
{
    uint32_t a = regs[i].start + below((regs[i].end - regs[i].start) / PG) * PG;
    uint32_t b = a + npages * PG;
    if (b > SHM_TOP || b < a || overlaps_ctl(a, b) ||
        nregs + unmap_growth(a, b) + 1 > MAXREG)
        return 0;
    int rdonly = below(4) == 0;
    int flags = SHM_REMAP | (rdonly ? SHM_RDONLY : 0);
    uint32_t pass = a;
    if (below(3) == 0) {
        pass += 1 + below(PG - 1);
        flags |= SHM_RND;
    }
    int h = held(id);
    errno = 0;
    void *p = shmat(id, (void *)(uintptr_t)pass, flags);
    /* The id and the permission are checked before anything is unmapped. */
    uint64_t ok = (h ? 0 : GONE) | (unpriv ? E(EACCES) : 0);
    if (!legal(OP_AT_REMAP, what, p == AT_FAILED ? -1 : 0, errno, ok))
        return 1;
    if ((uint32_t)(uintptr_t)p != a) {
        W_FAIL("%s: shmat(%#x, SHM_REMAP) returned %p, want %#x", what, pass, p, a);
        _exit(1);
    }
    model_unmap(a, b);
    known_add(id, npages);
    attached(id, npages, a, rdonly, 0, what);
    return 1;
}

static void op_at_remap(void)
{
    int i = pick_reg(0);
    if (i < 0)
        return;
    int id = regs[i].id;
    uint32_t npages = regs[i].npages;
    if (below(3) && pick_id(&id, &npages) < 0)
        return;
    remap_over(i, id, npages, "shmat(SHM_REMAP)");
}

/* IPC_RMID a segment, then SHM_REMAP it over my attachment of it: when
 * that was its last attachment the unmap must not destroy it first. */
static void op_rmid_remap(void)
{
    int i = pick_reg(0);
    for (int tries = 0; i >= 0 && held(regs[i].id) > 1 && tries < 4; tries++)
        i = pick_reg(0);                /* rather one I hold once */
    if (i < 0)
        return;
    int id = regs[i].id;
    errno = 0;
    int r = shmctl(id, IPC_RMID, NULL);
    if (legal(OP_RMID, "IPC_RMID before a remap", r, errno, unpriv ? E(EPERM) : 0) &&
        nremoved < MAXREMOVED)
        removed[nremoved++] = id;
    struct shmid_ds ds;
    if (stat_any(id, &ds) == 0 && ds.shm_nattch == 1 && (ds.shm_perm.mode & SHM_DEST))
        n_ok[OP_RMID_REMAP]++;          /* the case that panicked: the last attachment */
    remap_over(i, id, regs[i].npages, "SHM_REMAP over my attachment of a removed segment");
}

static void op_dt(void)
{
    int i = pick_reg(0);
    if (i < 0)
        return;
    uint32_t addr = regs[i].start - regs[i].pgoff * PG;   /* where it was attached */
    uint32_t v = below(6);
    if (v == 0)
        addr = regs[i].start;
    else if (v == 1)
        addr = regs[i].start + below((regs[i].end - regs[i].start) / PG) * PG;
    else if (v == 2) {
        errno = 0;
        int r = shmdt((void *)(uintptr_t)(addr + 1 + below(PG - 1)));
        must_fail("shmdt(unaligned)", r, errno, E(EINVAL));
        return;
    }
    int first = model_shmdt(addr, 0);
    if (first >= 0 && regs[first].isctl)
        return;                         /* would detach the control segment */
    errno = 0;
    int r = shmdt((void *)(uintptr_t)addr);
    int err = errno;
    if (first < 0) {
        must_fail("shmdt where no attachment starts", r, err, E(EINVAL));
        n_err[OP_DT]++;
        if (r == 0)
            _exit(1);
        return;
    }
    if (!legal(OP_DT, "shmdt", r, err, 0)) {
        _exit(1);
    }
    model_shmdt(addr, 1);
}

static void op_munmap(void)
{
    uint32_t a, b;
    if (below(3) == 0) {
        /* Anywhere in my window: holes, whole attachments, pieces. */
        a = window() + below(WIN_PAGES) * PG;
        b = a + (1 + below(8)) * PG;
    } else {
        int i = pick_reg(0);
        if (i < 0)
            return;
        uint32_t n = (regs[i].end - regs[i].start) / PG;
        uint32_t from = below(n), to = from + 1 + below(n - from);
        a = regs[i].start + from * PG;
        b = regs[i].start + to * PG;
    }
    if (overlaps_ctl(a, b) || nregs + unmap_growth(a, b) > MAXREG)
        return;
    errno = 0;
    int r = munmap((void *)(uintptr_t)a, b - a);
    if (!legal(OP_MUNMAP, "munmap of part of an attachment", r, errno, 0))
        _exit(1);
    model_unmap(a, b);
}

/* mprotect of part of one region: the region splits at the bounds (each
 * piece counts in nattch; agora, like current Linux, never merges shm
 * pieces back). Write on a SHM_RDONLY attachment is EACCES. Ranges over
 * several regions are left alone: Linux applies such a call region by
 * region up to the first error, agora checks first. */
static void model_split(uint32_t at)
{
    for (int i = 0; i < nregs; i++) {
        if (regs[i].start < at && at < regs[i].end) {
            struct mreg hi = regs[i];
            hi.pgoff += (at - hi.start) / PG;
            hi.start = at;
            regs[i].end = at;
            reg_insert(hi);
            return;
        }
    }
}

static void op_mprotect(void)
{
    int i = pick_reg(0);
    if (i < 0 || nregs + 2 > MAXREG)
        return;
    uint32_t n = (regs[i].end - regs[i].start) / PG;
    uint32_t from = below(n), to = from + 1 + below(n - from);
    uint32_t a = regs[i].start + from * PG, b = regs[i].start + to * PG;
    int write = below(2);
    int maxw = regs[i].maxw;
    errno = 0;
    int r = mprotect((void *)(uintptr_t)a, b - a, PROT_READ | (write ? PROT_WRITE : 0));
    int err = errno;
    if (write && !maxw) {
        must_fail("mprotect(PROT_WRITE) of a SHM_RDONLY attachment", r, err, E(EACCES));
        n_err[OP_MPROTECT]++;
        if (r == 0)
            _exit(1);
        return;
    }
    if (!legal(OP_MPROTECT, "mprotect of part of an attachment", r, err, 0))
        _exit(1);
    model_split(a);
    model_split(b);
    for (int j = 0; j < nregs; j++)
        if (regs[j].start >= a && regs[j].end <= b)
            regs[j].rdonly = (uint8_t)!write;
}

static void op_write(void)
{
    int i = pick_reg(1);
    if (i < 0)
        return;
    struct mreg *r = &regs[i];
    uint32_t k = below((r->end - r->start) / PG);
    uint32_t page = r->pgoff + k;
    if (!exp_room(r->id, page))
        return;
    uint32_t tag = new_tag();
    stripe_write(r->start + k * PG, me, r->id, page, tag);
    exp_set(r->id, page, tag);
    n_ok[OP_WRITE]++;
    check_views(r->id, page, tag, "after a write");
}

static void op_read(void)
{
    int i = pick_reg(0);
    if (i < 0)
        return;
    n_ok[OP_READ]++;
    check_region(i, "read");
}

static void op_stat(void)
{
    int id;
    uint32_t npages;
    if (pick_id(&id, &npages) < 0)
        return;
    int h = held(id);
    struct shmid_ds ds;
    errno = 0;
    int r = shm_stat(id, &ds);
    if (!legal(OP_STAT, "IPC_STAT", r, errno, (h ? 0 : GONE) | (unpriv ? E(EACCES) : 0)))
        return;
    uint32_t np = (uint32_t)((ds.shm_segsz + PG - 1) / PG);
    unsigned mode = ds.shm_perm.mode;
    key_t key = ds.shm_perm.__key;
    if (np != npages)
        W_FAIL("IPC_STAT id %d: segsz %u, but %u pages", id, (unsigned)ds.shm_segsz, npages);
    if (ds.shm_nattch < (shmatt_t)h)
        W_FAIL("IPC_STAT id %d: nattch %lu < the %d regions I hold", id,
               (unsigned long)ds.shm_nattch, h);
    if (mode & ~(0777u | SHM_DEST | SHM_LOCKED))
        W_FAIL("IPC_STAT id %d: mode %#o", id, mode);
    if ((mode & SHM_DEST) && key != IPC_PRIVATE)
        W_FAIL("IPC_STAT id %d: removed, but key %#x", id, (unsigned)key);
    if (key != IPC_PRIVATE && (key < KEY0 || key >= KEY0 + NKEYS))
        W_FAIL("IPC_STAT id %d: key %#x is none of ours", id, (unsigned)key);
    if (ds.shm_cpid <= 1 || (h && ds.shm_lpid <= 1) || ds.shm_perm.__seq != id / 32768)
        W_FAIL("IPC_STAT id %d: cpid %d lpid %d seq %u", id, (int)ds.shm_cpid,
               (int)ds.shm_lpid, (unsigned)ds.shm_perm.__seq);
    if (h && (mode & SHM_DEST) && ds.shm_nattch == 0)
        W_FAIL("IPC_STAT id %d: removed, nattch 0, yet it exists", id);
}

static void op_set(void)
{
    int id;
    uint32_t npages;
    if (pick_id(&id, &npages) < 0)
        return;
    struct shmid_ds ds;
    shm_stat(id, &ds);
    ds.shm_perm.mode = smodes[below(8)];
    ds.shm_perm.uid = below(2) ? 0 : USER_ID;
    ds.shm_perm.gid = below(2) ? 0 : GROUP_ID;
    int h = held(id);
    errno = 0;
    int r = shmctl(id, IPC_SET, &ds);
    legal(OP_SET, "IPC_SET", r, errno, (h ? 0 : GONE) | (unpriv ? E(EPERM) : 0));
}

static void op_rmid(void)
{
    int id;
    uint32_t npages;
    if (pick_id(&id, &npages) < 0)
        return;
    int h = held(id);
    errno = 0;
    int r = shmctl(id, IPC_RMID, NULL);
    if (!legal(OP_RMID, "IPC_RMID", r, errno, (h ? 0 : GONE) | (unpriv ? E(EPERM) : 0)))
        return;
    if (nremoved < MAXREMOVED)
        removed[nremoved++] = id;
    struct shmid_ds ds;
    if (h) {
        /* I hold it, so it lives on, marked, its key gone. */
        if (stat_any(id, &ds) < 0)
            W_FAIL("IPC_RMID of id %d that I hold destroyed it", id);
        else if (!(ds.shm_perm.mode & SHM_DEST) || ds.shm_perm.__key != IPC_PRIVATE ||
                 ds.shm_nattch < (shmatt_t)h)
            W_FAIL("after IPC_RMID id %d: mode %#o key %#x nattch %lu", id,
                   (unsigned)ds.shm_perm.mode, (unsigned)ds.shm_perm.__key,
                   (unsigned long)ds.shm_nattch);
    } else if (stat_any(id, &ds) == 0 &&
               (!(ds.shm_perm.mode & SHM_DEST) || ds.shm_nattch == 0)) {
        W_FAIL("after IPC_RMID id %d: mode %#o nattch %lu", id, (unsigned)ds.shm_perm.mode,
               (unsigned long)ds.shm_nattch);
    }
}

static void op_lock(void)
{
    int id;
    uint32_t npages;
    if (pick_id(&id, &npages) < 0)
        return;
    int h = held(id);
    errno = 0;
    int r = shmctl(id, below(2) ? SHM_LOCK : SHM_UNLOCK, NULL);
    legal(OP_LOCK, "SHM_LOCK/SHM_UNLOCK", r, errno,
          (h ? 0 : GONE) | (unpriv ? E(EPERM) : 0));
}

static void op_info(void)
{
    struct shminfo info;
    memset(&info, 0, sizeof(info));
    errno = 0;
    int r = shmctl(0, IPC_INFO, (struct shmid_ds *)&info);
    if (legal(OP_INFO, "IPC_INFO", r, errno, 0)) {
        if (r < 0 || r >= SHMMNI || memcmp(&info, &ctl->info, sizeof(info)) != 0)
            W_FAIL("IPC_INFO returned %d, shmmax %lu shmall %lu shmmni %lu", r, info.shmmax,
                   info.shmall, info.shmmni);
    }
    struct shm_info si;
    memset(&si, 0, sizeof(si));
    errno = 0;
    r = shmctl(0, SHM_INFO, (struct shmid_ds *)&si);
    if (legal(OP_INFO, "SHM_INFO", r, errno, 0)) {
        if (r < 0 || r >= SHMMNI || si.used_ids < 1 || si.shm_rss > si.shm_tot)
            W_FAIL("SHM_INFO returned %d, used_ids %d, shm_tot %lu, shm_rss %lu", r,
                   si.used_ids, si.shm_tot, si.shm_rss);
    }
}

static void op_shmstat(void)
{
    int id = -1;
    uint32_t npages, idx;
    if (below(2) && pick_id(&id, &npages) == 0) {
        idx = IDX(id);
    } else {
        struct shm_info si;
        int hi = shmctl(0, SHM_INFO, (struct shmid_ds *)&si);
        idx = below((uint32_t)(hi < 0 ? 0 : hi) + 3);
        id = -1;
    }
    int h = id >= 0 && held(id);
    int any = below(2);
    struct shmid_ds ds;
    memset(&ds, 0, sizeof(ds));
    errno = 0;
    int r = shmctl((int)idx, any ? SHM_STAT_ANY : SHM_STAT, &ds);
    uint64_t ok = (h ? 0 : E(EINVAL)) | (unpriv && !any ? E(EACCES) : 0);
    if (!legal(OP_SHMSTAT, any ? "SHM_STAT_ANY" : "SHM_STAT", r, errno, ok))
        return;
    if ((uint32_t)IDX(r) != idx || (h && r != id) || ds.shm_perm.__seq != r / 32768)
        W_FAIL("SHM_STAT(%u) returned %d (seq %u), held id %d", idx, r,
               (unsigned)ds.shm_perm.__seq, h ? id : -1);
}

static void op_efault(void)
{
    int i = pick_reg(0);
    if (i < 0)
        return;
    int id = regs[i].id;
    uint64_t want = E(EFAULT) | (unpriv ? E(EACCES) : 0);
    MUST_FAIL("IPC_STAT into kernel space", shmctl(id, IPC_STAT, KADDR), want);
    MUST_FAIL("IPC_STAT into NULL", shmctl(id, IPC_STAT, NULL), want);
    MUST_FAIL("SHM_STAT_ANY into kernel space", shmctl(IDX(id), SHM_STAT_ANY, KADDR),
              E(EFAULT));
    MUST_FAIL("IPC_SET from kernel space", shmctl(id, IPC_SET, KADDR), E(EFAULT));
    MUST_FAIL("IPC_INFO into kernel space", shmctl(0, IPC_INFO, KADDR), E(EFAULT));
    MUST_FAIL("SHM_INFO into NULL", shmctl(0, SHM_INFO, NULL), E(EFAULT));
    /* A buffer in a read-only attachment: the kernel may not write it. */
    for (int j = 0; j < nregs; j++) {
        if (regs[j].rdonly && !regs[j].isctl) {
            uint32_t va = regs[j].end - PG + ZERO_FROM;
            MUST_FAIL("IPC_STAT into a SHM_RDONLY attachment",
                      shmctl(id, IPC_STAT, (struct shmid_ds *)(uintptr_t)va), want);
            break;
        }
    }
    /* A free page of my window. */
    uint32_t a = window() + below(WIN_PAGES) * PG;
    if (!overlaps(a, a + PG)) {
        MUST_FAIL("IPC_STAT into an unmapped page",
                  shmctl(id, IPC_STAT, (struct shmid_ds *)(uintptr_t)a), want);
    }
    n_ok[OP_EFAULT]++;
}

static void op_bad(void)
{
    struct shmid_ds ds;
    int id;
    uint32_t npages;
    MUST_FAIL("shmget size 0", shmget(IPC_PRIVATE, 0, 0600), E(EINVAL));
    MUST_FAIL("shmget size > SHMMAX", shmget(IPC_PRIVATE, 0xFFFFFFFFu, 0600), E(EINVAL));
    MUST_FAIL("shmctl id -1", shmctl(-1, IPC_STAT, &ds), E(EINVAL));
    MUST_FAIL("IPC_INFO id -1", shmctl(-1, IPC_INFO, &ds), E(EINVAL));
    MUST_FAIL("shmat id -1", shmat(-1, NULL, 0) == AT_FAILED ? -1 : 0, E(EINVAL));
    MUST_FAIL("shmdt unaligned", shmdt((void *)(uintptr_t)(window() + 5)), E(EINVAL));
    if (pick_id(&id, &npages) == 0) {
        MUST_FAIL("shmctl cmd 99", shmctl(id, 99, &ds), E(EINVAL));
        MUST_FAIL("shmctl cmd -1", shmctl(id, -1, &ds), E(EINVAL));
        MUST_FAIL("shmat NULL with SHM_REMAP",
                  shmat(id, NULL, SHM_REMAP) == AT_FAILED ? -1 : 0, E(EINVAL));
        MUST_FAIL("shmat unaligned without SHM_RND",
                  shmat(id, (void *)(uintptr_t)(window() + 12), 0) == AT_FAILED ? -1 : 0,
                  E(EINVAL));
        MUST_FAIL("shmat rounding to page 0",
                  shmat(id, (void *)1, SHM_RND) == AT_FAILED ? -1 : 0, E(EINVAL));
        MUST_FAIL("shmat reaching kernel space",
                  shmat(id, (void *)0xBFFFF000u, 0) == AT_FAILED ? -1 : 0,
                  E(EINVAL) | (unpriv ? E(EACCES) : 0));
    }
    n_ok[OP_BAD]++;
}

/* ---- fork, exec ---- */

enum {
    CH_WRITE_EXIT, CH_WRITE_DT, CH_EXEC_TRUE, CH_EXEC_SELF, CH_REMAP, CH_RDONLY_SEGV,
    CH_EXEC_FAIL, NCH
};

__attribute__((noreturn)) static void child_done(void)
{
    _exit(nfail ? 1 : 0);
}

static void detach_all(const char *what)
{
    for (int tries = 0; tries < 4 * MAXREG; tries++) {
        int i = pick_reg(0);
        if (i < 0)
            break;
        uint32_t addr = regs[i].start - regs[i].pgoff * PG;
        int first = model_shmdt(addr, 0);
        if (first < 0 || regs[first].isctl)
            addr = regs[i].start, first = model_shmdt(addr, 0);
        if (first < 0 || regs[first].isctl)
            continue;
        errno = 0;
        if (shmdt((void *)(uintptr_t)addr) != 0) {
            W_FAIL("%s: shmdt(%#x): errno %d", what, addr, errno);
            return;
        }
        model_shmdt(addr, 1);
    }
    if (pick_reg(0) >= 0) {
        /* Pieces no shmdt can name any more (their page 0 is gone and an
         * earlier piece matches first): munmap them. */
        for (int i; (i = pick_reg(0)) >= 0;) {
            uint32_t a = regs[i].start, b = regs[i].end;
            if (munmap((void *)(uintptr_t)a, b - a) != 0) {
                W_FAIL("%s: munmap(%#x): errno %d", what, a, errno);
                return;
            }
            model_unmap(a, b);
        }
    }
    check_vmmap(what);
}

static void op_fork(void)
{
    int mode = (int)below(NCH);
    int i = pick_reg(mode == CH_WRITE_EXIT || mode == CH_WRITE_DT);
    if (mode == CH_RDONLY_SEGV) {
        i = -1;
        for (int j = 0; j < nregs; j++)
            if (regs[j].rdonly && !regs[j].isctl)
                i = j;
    }
    if (i < 0 && mode != CH_EXEC_TRUE && mode != CH_EXEC_FAIL)
        return;
    int id = i >= 0 ? regs[i].id : -1;
    uint32_t k = i >= 0 ? below((regs[i].end - regs[i].start) / PG) : 0;
    uint32_t page = i >= 0 ? regs[i].pgoff + k : 0;
    uint32_t va = i >= 0 ? regs[i].start + k * PG : 0;
    uint32_t tag = new_tag();
    int id2 = id;
    uint32_t np2 = i >= 0 ? regs[i].npages : 0;
    if (mode == CH_REMAP && below(2))
        pick_id(&id2, &np2);
    if ((mode == CH_WRITE_EXIT || mode == CH_WRITE_DT || mode == CH_EXEC_SELF) &&
        !exp_room(id, page))
        return;
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        W_FAIL("fork: errno %d", errno);
        return;
    }
    if (pid == 0) {
        in_child = 1;
        nfail = 0;
        switch (mode) {
        case CH_WRITE_EXIT:
        case CH_WRITE_DT:
            stripe_write(va, me, id, page, tag);
            check_views(id, page, tag, "child, after its write");
            if (mode == CH_WRITE_DT)
                detach_all("child detaching all");
            child_done();
        case CH_EXEC_TRUE:
            execl("/bin/true", "true", (char *)NULL);
            _exit(99);
        case CH_EXEC_SELF: {
            char a1[16], a2[16], a3[16], a4[16];
            snprintf(a1, sizeof(a1), "%d", id);
            snprintf(a2, sizeof(a2), "%u", page);
            snprintf(a3, sizeof(a3), "%d", me);
            snprintf(a4, sizeof(a4), "%u", tag);
            execl(self_path, self_path, "--helper", a1, a2, a3, a4, (char *)NULL);
            _exit(98);
        }
        case CH_REMAP:
            if (!remap_over(i, id2, np2, "child: SHM_REMAP over an inherited attachment"))
                child_done();
            check_vmmap("child, after SHM_REMAP");
            child_done();
        case CH_EXEC_FAIL: {
            /* A failed exec keeps the old address space, attachments and all. */
            static const char *const bad[] = { "/testdata/not-elf", "/testdata/elf64",
                                               "/nonexistent" };
            static const int want[] = { ENOEXEC, ENOEXEC, ENOENT };
            int b = (int)below(3);
            errno = 0;
            int r = execl(bad[b], bad[b], (char *)NULL);
            if (r != -1 || errno != want[b])
                W_FAIL("exec %s: %d errno %d, want errno %d", bad[b], r, errno, want[b]);
            check_vmmap("after a failed exec");
            for (int j = 0; j < nregs; j++)
                if (!regs[j].isctl)
                    check_region(j, "after a failed exec");
            child_done();
        }
        case CH_RDONLY_SEGV:
            stripe_ptr(va, me)[2] = tag;
            _exit(97);                  /* the write must not succeed */
        }
        _exit(96);
    }
    int status = reap(pid);
    n_ok[OP_FORK]++;
    switch (mode) {
    case CH_WRITE_EXIT:
    case CH_WRITE_DT:
        if (!exited_ok(status)) {
            W_FAIL("child (mode %d) status %#x", mode, status);
            break;
        }
        exp_set(id, page, tag);
        check_views(id, page, tag, "after the child's write");
        break;
    case CH_EXEC_TRUE:
    case CH_REMAP:
    case CH_EXEC_FAIL:
        if (!exited_ok(status))
            W_FAIL("child (mode %d) status %#x", mode, status);
        break;
    case CH_EXEC_SELF:
        if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 10 && unpriv)
            break;                      /* EACCES: the mode does not let uid 1000 write */
        if (!exited_ok(status)) {
            W_FAIL("exec'd helper status %#x", status);
            break;
        }
        exp_set(id, page, tag);
        check_views(id, page, tag, "after the exec'd helper's write");
        break;
    case CH_RDONLY_SEGV:
        if (status == -1 || !WIFSIGNALED(status) || WTERMSIG(status) != SIGSEGV)
            W_FAIL("a write to a SHM_RDONLY attachment: status %#x, want SIGSEGV", status);
        check_views(id, page, exp_lookup(exps, nexps, id, page), "after the SIGSEGV child");
        break;
    }
}

static void op_vmmap(void)
{
    n_ok[OP_VMMAP]++;
    check_vmmap("vmmap");
}

static void do_op(void)
{
    static int total;
    if (!total)
        for (int k = 0; k < NOPKINDS; k++)
            total += op_weight[k];
    int r = (int)below((uint32_t)total), k = 0;
    while (r >= op_weight[k])
        r -= op_weight[k++];
    switch (k) {
    case OP_CREATE_KEY: op_create_key(); break;
    case OP_GET_KEY: op_get_key(); break;
    case OP_CREATE_PRIV: op_create_priv(); break;
    case OP_AT_NULL: op_at_null(); break;
    case OP_AT_FIXED: op_at_fixed(); break;
    case OP_AT_REMAP: op_at_remap(); break;
    case OP_RMID_REMAP: op_rmid_remap(); break;
    case OP_DT: op_dt(); break;
    case OP_MUNMAP: op_munmap(); break;
    case OP_MPROTECT: op_mprotect(); break;
    case OP_WRITE: op_write(); break;
    case OP_READ: op_read(); break;
    case OP_STAT: op_stat(); break;
    case OP_SET: op_set(); break;
    case OP_RMID: op_rmid(); break;
    case OP_LOCK: op_lock(); break;
    case OP_INFO: op_info(); break;
    case OP_SHMSTAT: op_shmstat(); break;
    case OP_EFAULT: op_efault(); break;
    case OP_BAD: op_bad(); break;
    case OP_VMMAP: op_vmmap(); break;
    case OP_FORK: op_fork(); break;
    }
}

/* The verify phase: everyone is between barriers, nobody writes. Every
 * stripe of every page I map holds what its owner published. */
static void verify(void)
{
    for (int i = 0; i < nregs; i++) {
        const struct mreg *r = &regs[i];
        if (r->isctl)
            continue;
        for (uint32_t va = r->start; va < r->end; va += PG) {
            uint32_t page = r->pgoff + (va - r->start) / PG;
            for (int s = 0; s < MAXSLOT; s++) {
                const struct slot *o = &ctl->slot[s];
                int st = o->state;
                if (st == SLOT_LIVE || st == SLOT_GONE) {
                    uint32_t want = exp_lookup(o->exp, o->nexp, r->id, page);
                    if (stripe_exact(va, s, r->id, page, want) < 0) {
                        volatile uint32_t *p = stripe_ptr(va, s);
                        W_FAIL("verify: id %d page %u at %#x: slot %d's stripe %08x %08x %08x %08x,"
                               " its table says %08x", r->id, page, va, s, p[0], p[1], p[2], p[3],
                               want);
                    }
                } else if (stripe_sane(va, s, r->id, page) < 0) {
                    volatile uint32_t *p = stripe_ptr(va, s);
                    W_FAIL("verify: id %d page %u: stripe of dead slot %d is not of this page:"
                           " %08x %08x %08x %08x", r->id, page, s, p[0], p[1], p[2], p[3]);
                }
            }
            int z = zero_zone(va);
            if (z >= 0)
                W_FAIL("verify: id %d page %u at %#x: word %d past the stripes is nonzero",
                       r->id, page, va, z);
        }
    }
    check_vmmap("verify");
}

static void publish(void)
{
    struct slot *o = &ctl->slot[me];
    o->nreg = nregs;
    memcpy(o->reg, regs, sizeof(regs[0]) * (size_t)nregs);
    o->nknown = nknown;
    memcpy(o->known, known, sizeof(known[0]) * (size_t)nknown);
    o->nexp = nexps;
    memcpy(o->exp, exps, sizeof(exps[0]) * (size_t)nexps);
    o->nremoved = nremoved;
    memcpy(o->removed, removed, sizeof(removed[0]) * (size_t)nremoved);
}

static int wait_go(int k)
{
    time_t start = time(NULL);
    unsigned n = 0;
    while (ctl->go < k) {
        if (ctl->abort)
            return 0;
        sched_yield();
        if ((++n & 255) == 0 && time(NULL) - start > 90)
            return 0;
    }
    return 1;
}

static void print_stats(const char *how)
{
    char line[512];
    int len = snprintf(line, sizeof(line), "# slot %d %s, %d regions; ok/failed:", me, how,
                       nregs - 1);
    for (int k = 0; k < NOPKINDS && len < (int)sizeof(line) - 40; k++)
        if (n_ok[k] + n_err[k])
            len += snprintf(line + len, sizeof(line) - (size_t)len, " %s %u/%u", op_name[k],
                            n_ok[k], n_err[k]);
    printf("%s\n", line);
}

__attribute__((noreturn)) static void worker(int s, int start_k)
{
    me = s;
    rng = mix(ctl->seed ^ (0x9e3779b9u * (uint32_t)(s + 1)));
    unpriv = ctl->slot[s].uid != 0;
    nregs = 0;
    reg_insert((struct mreg){ ctl->ctl_id, ctl->ctl_start, ctl->ctl_end, 0,
                              (ctl->ctl_end - ctl->ctl_start) / PG, 0, 1, 1 });
    for (int k = start_k + 1;; k++) {
        if (!wait_go(k)) {
            W_FAIL("no release for phase %d", k);
            _exit(1);
        }
        phase = k;
        if (k == FINAL_K) {
            /* Even slots detach everything; odd ones leave it to exit. */
            if (!(s & 1))
                detach_all("detaching all at the end");
            print_stats(s & 1 ? "exits attached" : "detached all");
            _exit(ctl->slot[s].failures ? 1 : 0);
        }
        if (k & 1) {
            nremoved = 0;
            for (int i = 0; i < NOPS; i++) {
                ctl->slot[s].progress = i;
                opno++;
                do_op();
            }
        } else {
            verify();
        }
        publish();
        ctl->slot[s].arrived = k;
    }
}

/* The exec'd helper: argv = self --helper id page slot tag. Nothing of
 * the parent's survives exec: no shm region. Attach the id, write the
 * stripe, read it back, detach. Exit 0, or 10 for EACCES, else a failure. */
static int helper(int argc, char **argv)
{
    if (argc < 6)
        return 20;
    int id = atoi(argv[2]);
    uint32_t page = (uint32_t)strtoul(argv[3], NULL, 10);
    int s = atoi(argv[4]);
    uint32_t tag = (uint32_t)strtoul(argv[5], NULL, 10);
    char why[160];
    if (!vmmap_matches(0, NULL, 0, why, sizeof(why))) {
        printf("# helper %d: shm regions survived exec: %s\n", (int)getpid(), why);
        return 21;
    }
    errno = 0;
    char *p = shmat(id, NULL, 0);
    if (p == AT_FAILED) {
        if (errno == EACCES)
            return 10;
        /* The parent holds it: it exists (removed or not). */
        printf("# helper %d: shmat(%d): errno %d\n", (int)getpid(), id, errno);
        return 22;
    }
    uint32_t va = (uint32_t)(uintptr_t)p + page * PG;
    if (stripe_sane(va, s, id, page) < 0 || zero_zone(va) >= 0) {
        printf("# helper %d: id %d page %u holds something else\n", (int)getpid(), id, page);
        return 23;
    }
    stripe_write(va, s, id, page, tag);
    if (stripe_exact(va, s, id, page, tag) < 0)
        return 24;
    if (shmdt(p) != 0)
        return 25;
    return 0;
}

/* ---- the coordinator ----------------------------------------------------- */

static int cfail;
static int cphase;
static long t_start;
static pid_t victims[MAXVICTIM];
static int nvictims;

#define C_FAIL(...) do {                                                    \
        if (cfail++ < 40) {                                                 \
            printf("# check at phase %d: ", cphase);                        \
            printf(__VA_ARGS__);                                            \
            printf("\n");                                                   \
        }                                                                   \
    } while (0)

static void spawn(int s, int start_k)
{
    struct slot *o = &ctl->slot[s];
    memset(o, 0, sizeof(*o));
    o->uid = (s & 1) ? USER_ID : 0;
    o->arrived = start_k;
    o->nreg = 1;
    o->reg[0] = (struct mreg){ ctl->ctl_id, ctl->ctl_start, ctl->ctl_end, 0,
                               (ctl->ctl_end - ctl->ctl_start) / PG, 0, 1, 1 };
    o->state = SLOT_LIVE;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        if (o->uid && become(USER_ID, GROUP_ID) < 0) {
            printf("# slot %d: cannot become uid %d\n", s, USER_ID);
            _exit(1);
        }
        worker(s, start_k);
    }
    if (pid < 0) {
        C_FAIL("fork of worker %d: errno %d", s, errno);
        o->state = SLOT_FREE;
        return;
    }
    setpgid(pid, pid);
    o->pid = pid;
}

/* Wait until no process of group pgid is left (init reaps the orphans). */
static void wait_group_gone(pid_t pgid)
{
    long deadline = now_ms() + 20000;
    while (kill(-pgid, 0) == 0) {
        if (now_ms() > deadline) {
            C_FAIL("processes of group %d still exist after 20 s", (int)pgid);
            return;
        }
        sched_yield();
    }
}

/* SIGKILL slot s and everything it started; state becomes how. */
static void kill_slot(int s, int how)
{
    struct slot *o = &ctl->slot[s];
    kill(-o->pid, SIGKILL);
    int status = reap(o->pid);
    if (status == -1 || !WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
        if (!exited_ok(status))
            C_FAIL("slot %d: status %#x before the SIGKILL", s, status);
    }
    wait_group_gone(o->pid);
    o->state = how;
    if (how == SLOT_DEAD && nvictims < MAXVICTIM)
        victims[nvictims++] = o->pid;
}

static int live_slots(int *list)
{
    int n = 0;
    for (int s = 0; s < MAXSLOT; s++)
        if (ctl->slot[s].state == SLOT_LIVE)
            list[n++] = s;
    return n;
}

/* Wait for every live worker to finish phase k; one that died on its own
 * is a failure (it printed why). 0 if everyone made it in time. */
static int wait_arrivals(int k)
{
    long deadline = now_ms() + 120000;
    for (int s = 0; s < MAXSLOT; s++) {
        struct slot *o = &ctl->slot[s];
        while (o->state == SLOT_LIVE && o->arrived < k) {
            int status;
            pid_t r = waitpid(o->pid, &status, WNOHANG);
            if (r == o->pid) {
                C_FAIL("slot %d (pid %d) ended in phase %d: status %#x", s, (int)o->pid, k,
                       status);
                wait_group_gone(o->pid);
                o->state = SLOT_DEAD;
                if (nvictims < MAXVICTIM)
                    victims[nvictims++] = o->pid;
                break;
            }
            if (now_ms() > deadline) {
                C_FAIL("slot %d never finished phase %d", s, k);
                return 0;
            }
            sched_yield();
        }
    }
    return 1;
}

struct seginfo {
    int id;
    struct shmid_ds ds;
};

static struct seginfo segs[SHMMNI];

static int is_victim(pid_t pid)
{
    for (int i = 0; i < nvictims; i++)
        if (victims[i] == pid)
            return 1;
    return 0;
}

static int someone_knows(int id)
{
    for (int s = 0; s < MAXSLOT; s++) {
        const struct slot *o = &ctl->slot[s];
        if (o->state == SLOT_FREE)
            continue;
        for (int i = 0; i < o->nknown; i++)
            if (o->known[i].id == id)
                return 1;
    }
    return 0;
}

/* The world at a quiescent point against the live workers' models. */
static void check_world(int k)
{
    cphase = k;
    int live[MAXSLOT];
    int nlive = live_slots(live);

    /* Every segment, through SHM_INFO and SHM_STAT_ANY over every slot. */
    struct shm_info si;
    memset(&si, 0, sizeof(si));
    int hi = shmctl(0, SHM_INFO, (struct shmid_ds *)&si);
    if (hi < 0) {
        C_FAIL("SHM_INFO: errno %d", errno);
        return;
    }
    int nseg = 0, maxidx = 0;
    unsigned long tot = 0;
    for (int idx = 0; idx < SHMMNI; idx++) {
        struct shmid_ds ds;
        memset(&ds, 0, sizeof(ds));
        errno = 0;
        int id = shmctl(idx, SHM_STAT_ANY, &ds);
        if (id < 0) {
            if (errno != EINVAL)
                C_FAIL("SHM_STAT_ANY(%d): errno %d", idx, errno);
            continue;
        }
        struct shmid_ds ds2;
        if (IDX(id) != idx || shmctl(idx, SHM_STAT, &ds2) != id || shm_stat(id, &ds2) != 0 ||
            ds2.shm_nattch != ds.shm_nattch || ds2.shm_segsz != ds.shm_segsz)
            C_FAIL("slot %d: SHM_STAT_ANY %d, SHM_STAT and IPC_STAT disagree", idx, id);
        segs[nseg].id = id;
        segs[nseg++].ds = ds;
        maxidx = idx;
        tot += (ds.shm_segsz + PG - 1) / PG;
    }
    struct agora_meminfo mi = t_meminfo();
    if (si.used_ids != nseg || (unsigned)nseg != mi.shm_segments ||
        (nseg && hi != maxidx) || si.shm_tot != tot || si.shm_rss != mi.shm_frames ||
        si.shm_rss > si.shm_tot)
        C_FAIL("SHM_INFO: %d ids, highest %d, shm_tot %lu, shm_rss %lu; scan: %d ids, highest"
               " %d, %lu pages; meminfo: %u segments, %u frames",
               si.used_ids, hi, si.shm_tot, si.shm_rss, nseg, maxidx, tot, mi.shm_segments,
               mi.shm_frames);

    int keyed[NKEYS];
    for (int i = 0; i < NKEYS; i++)
        keyed[i] = -1;
    int nattached = 0, ndest = 0;
    for (int j = 0; j < nseg; j++) {
        int id = segs[j].id;
        const struct shmid_ds *ds = &segs[j].ds;
        unsigned mode = ds->shm_perm.mode;
        key_t key = ds->shm_perm.__key;
        unsigned long want = 0;
        if (id == ctl->ctl_id) {
            want = 1 + (unsigned long)nlive;
        } else {
            for (int i = 0; i < nlive; i++) {
                const struct slot *o = &ctl->slot[live[i]];
                for (int r = 0; r < o->nreg; r++)
                    want += !o->reg[r].isctl && o->reg[r].id == id;
            }
            if (!someone_knows(id) && !is_victim(ds->shm_cpid))
                C_FAIL("id %d (cpid %d, key %#x) was made by nobody we know", id,
                       (int)ds->shm_cpid, (unsigned)key);
        }
        nattached += want > 0;
        ndest += !!(mode & SHM_DEST);
        if (ds->shm_nattch != want)
            C_FAIL("id %d: nattch %lu, the workers hold %lu regions of it", id,
                   (unsigned long)ds->shm_nattch, want);
        if (mode & ~(0777u | SHM_DEST | SHM_LOCKED))
            C_FAIL("id %d: mode %#o", id, mode);
        if ((mode & SHM_DEST) && (key != IPC_PRIVATE || ds->shm_nattch == 0))
            C_FAIL("id %d: removed, key %#x, nattch %lu", id, (unsigned)key,
                   (unsigned long)ds->shm_nattch);
        if (key != IPC_PRIVATE) {
            int kk = key - KEY0;
            if (kk < 0 || kk >= NKEYS)
                C_FAIL("id %d: key %#x is none of ours", id, (unsigned)key);
            else if (keyed[kk] >= 0)
                C_FAIL("ids %d and %d both have key %#x", keyed[kk], id, (unsigned)key);
            else
                keyed[kk] = id;
        }
    }
    for (int kk = 0; kk < NKEYS; kk++) {
        errno = 0;
        int id = shmget(KEY0 + kk, 0, 0);
        int err = errno;
        if (keyed[kk] >= 0 ? id != keyed[kk] : !(id == -1 && err == ENOENT))
            C_FAIL("shmget(key %#x): %d errno %d, the scan found %d", KEY0 + kk, id, err,
                   keyed[kk]);
    }

    /* Every region a live worker holds is of a live segment, and the
     * kernel's regions are the model's. */
    for (int i = 0; i < nlive; i++) {
        const struct slot *o = &ctl->slot[live[i]];
        for (int r = 0; r < o->nreg; r++) {
            int found = 0;
            for (int j = 0; j < nseg && !found; j++)
                found = segs[j].id == o->reg[r].id;
            if (!found)
                C_FAIL("slot %d holds id %d, which does not exist", live[i], o->reg[r].id);
        }
        char why[160];
        if (!vmmap_matches(o->pid, o->reg, o->nreg, why, sizeof(why)))
            C_FAIL("slot %d (pid %d): %s", live[i], (int)o->pid, why);
        for (int r = 0; r < o->nremoved; r++) {
            struct shmid_ds ds;
            if (stat_any(o->removed[r], &ds) == 0 && !(ds.shm_perm.mode & SHM_DEST))
                C_FAIL("id %d was removed by slot %d but is not SHM_DEST", o->removed[r],
                       live[i]);
        }
    }
    /* The ids the workers may pick from each other in the next phase. */
    ctl->npool = 0;
    for (int j = 0; j < nseg && ctl->npool < MAXPOOL; j++) {
        for (int s = 0; s < MAXSLOT; s++) {
            const struct slot *o = &ctl->slot[s];
            if (o->state != SLOT_LIVE && o->state != SLOT_GONE)
                continue;
            int i = 0;
            while (i < o->nknown && o->known[i].id != segs[j].id)
                i++;
            if (i < o->nknown) {
                ctl->pool[ctl->npool++] = o->known[i];
                break;
            }
        }
    }
    printf("# phase %d at %ld ms: %d live workers, %d segments (%d attached, %d removed but"
           " attached), %lu pages, %lu frames\n", k, now_ms() - t_start, nlive, nseg, nattached,
           ndest, si.shm_tot, si.shm_rss);
}

static int random_part(uint32_t seed)
{
    rng = mix(seed);
    unsigned base_segments = t_meminfo().shm_segments;
    for (int kk = 0; kk < NKEYS; kk++)
        rm_key(KEY0 + kk);
    int ctl_id = shmget(IPC_PRIVATE, sizeof(struct ctl), 0600);
    ctl = ctl_id >= 0 ? shmat(ctl_id, NULL, 0) : AT_FAILED;
    T_OK(ctl != AT_FAILED, "control segment");
    if (ctl == AT_FAILED)
        return 0;
    memset(ctl, 0, sizeof(*ctl));
    ctl->seed = seed;
    ctl->ctl_id = ctl_id;
    ctl->ctl_start = (uint32_t)(uintptr_t)ctl;
    ctl->ctl_end = ctl->ctl_start + (uint32_t)((sizeof(struct ctl) + PG - 1) / PG * PG);
    T_OK(shmctl(0, IPC_INFO, (struct shmid_ds *)&ctl->info) >= 0, "IPC_INFO");

    int nslots = 0;
    for (; nslots < NWORK; nslots++)
        spawn(nslots, 0);
    int killed_mid = 0, killed_barrier = 0, spawned = 0, ok = 1;
    for (int k = 1; k < FINAL_K && ok; k++) {
        cphase = k;
        for (int s = 0; s < MAXSLOT; s++)
            ctl->slot[s].progress = 0;
        ctl->go = k;
        int live[MAXSLOT], n = live_slots(live);
        if ((k & 1) && n > 0 && below(3) != 0) {
            /* SIGKILL a worker in the middle of whatever it does. */
            int s = live[below((uint32_t)n)];
            int target = 1 + (int)below(NOPS - 1);
            long deadline = now_ms() + 60000;
            while (ctl->slot[s].arrived < k && ctl->slot[s].progress < target &&
                   now_ms() < deadline)
                sched_yield();
            printf("# phase %d: SIGKILL slot %d (pid %d) mid-phase\n", k, s,
                   (int)ctl->slot[s].pid);
            kill_slot(s, SLOT_DEAD);
            killed_mid++;
        }
        ok = wait_arrivals(k);
        if (!ok)
            break;
        check_world(k);
        n = live_slots(live);
        if (!(k & 1) && n > 0 && below(2)) {
            /* SIGKILL one at the barrier: its attachments must all go. */
            int s = live[below((uint32_t)n)];
            printf("# phase %d: SIGKILL slot %d (pid %d) at the barrier\n", k, s,
                   (int)ctl->slot[s].pid);
            kill_slot(s, SLOT_GONE);
            killed_barrier++;
            check_world(k);
        }
        if (!(k & 1)) {
            while (live_slots(live) < NWORK && nslots < MAXSLOT) {
                spawn(nslots++, k);
                spawned++;
            }
        }
    }
    if (!ok) {
        ctl->abort = 1;
        for (int s = 0; s < MAXSLOT; s++)
            if (ctl->slot[s].state == SLOT_LIVE)
                kill_slot(s, SLOT_DEAD);
    }

    /* The end: every worker leaves (half detach first, half exit attached). */
    ctl->go = FINAL_K;
    int statuses_ok = 1;
    for (int s = 0; s < MAXSLOT; s++) {
        struct slot *o = &ctl->slot[s];
        if (o->state != SLOT_LIVE)
            continue;
        int status = reap(o->pid);
        if (!exited_ok(status)) {
            printf("# slot %d: final status %#x\n", s, status);
            statuses_ok = 0;
        }
        wait_group_gone(o->pid);
        o->state = SLOT_GONE;
    }
    check_world(FINAL_K);
    printf("# %d workers in all, %d killed mid-phase, %d at a barrier, %d started later\n",
           nslots, killed_mid, killed_barrier, spawned);

    /* Nothing may stay: remove what is left (nobody is attached now). */
    int left = 0;
    for (int idx = 0; idx < SHMMNI; idx++) {
        struct shmid_ds ds;
        int id = shmctl(idx, SHM_STAT_ANY, &ds);
        if (id >= 0 && id != ctl_id) {
            left++;
            if (shmctl(id, IPC_RMID, NULL) != 0)
                C_FAIL("IPC_RMID of left-over id %d: errno %d", id, errno);
        }
    }
    printf("# %d segments left at the end, removed\n", left);

    int wfail = 0;
    for (int s = 0; s < MAXSLOT; s++)
        wfail += ctl->slot[s].failures;
    T_OK(ok, "every worker finished every phase in time");
    T_OK(statuses_ok, "every worker exited 0 at the end");
    T_EQ(wfail, 0, "no worker saw an illegal result or wrong data");
    T_EQ(cfail, 0, "the kernel matched the model at every barrier");
    T_EQ(shmdt(ctl), 0, "shmdt control");
    T_EQ(shmctl(ctl_id, IPC_RMID, NULL), 0, "IPC_RMID control");
    T_EQ(t_meminfo().shm_segments, base_segments, "no segment left");
    return 1;
}

/* ---- deterministic cases ------------------------------------------------- */

static void fill_pages(char *p, unsigned npages, uint32_t tag)
{
    for (unsigned i = 0; i < npages; i++)
        stripe_write((uint32_t)(uintptr_t)p + i * PG, 0, 0, i, tag + i);
}

static int pages_hold(char *p, unsigned first, unsigned npages, uint32_t tag)
{
    for (unsigned i = 0; i < npages; i++)
        if (stripe_exact((uint32_t)(uintptr_t)p + i * PG, 0, 0, first + i, tag + first + i) < 0)
            return 0;
    return 1;
}

/* SHM_REMAP over my only attachment of a segment marked IPC_RMID, with
 * the same segment: Linux keeps the segment alive across the unmap (it
 * holds a reference while attaching), so the call succeeds, the data is
 * still there, and the last shmdt destroys it. */
static void det_remap_removed_last(void)
{
    unsigned frames0 = t_meminfo().shm_frames;
    int id = shmget(IPC_PRIVATE, 2 * PG, 0600);
    char *p = id >= 0 ? shmat(id, NULL, 0) : AT_FAILED;
    T_OK(p != AT_FAILED, "remap_removed_last: attach a 2-page segment");
    if (p == AT_FAILED)
        return;
    fill_pages(p, 2, 0xA000);
    T_EQ(shmctl(id, IPC_RMID, NULL), 0, "remap_removed_last: IPC_RMID while attached");
    errno = 0;
    char *q = shmat(id, p, SHM_REMAP);
    T_OK(q == p, "remap_removed_last: shmat(id, same address, SHM_REMAP) succeeds in place");
    if (q != p) {
        printf("# got %p errno %d\n", (void *)q, errno);
        shmdt(p);
        return;
    }
    T_OK(pages_hold(p, 0, 2, 0xA000), "remap_removed_last: the data is still there");
    T_EQ(nattch(id), 1, "remap_removed_last: nattch 1");
    struct shmid_ds ds;
    T_OK(shm_stat(id, &ds) == 0 && (ds.shm_perm.mode & SHM_DEST),
         "remap_removed_last: still marked SHM_DEST");
    p[3 * PG / 2] = 1;                  /* touch again */
    T_EQ(shmdt(p), 0, "remap_removed_last: shmdt");
    errno = 0;
    T_ERRNO(shmctl(id, IPC_STAT, &ds), EINVAL, "remap_removed_last: the last shmdt destroyed it");
    T_EQ(t_meminfo().shm_frames, frames0, "remap_removed_last: its frames are free");
}

/* The same over part of the attachment: the piece left below keeps the
 * segment alive; two attachments (pieces) then. */
static void det_remap_removed_part(void)
{
    uintptr_t base = free_area(8);
    int id = shmget(IPC_PRIVATE, 3 * PG, 0600);
    char *p = id >= 0 && base ? shmat(id, (void *)base, 0) : AT_FAILED;
    T_OK(p != AT_FAILED, "remap_removed_part: attach a 3-page segment");
    if (p == AT_FAILED)
        return;
    fill_pages(p, 3, 0xB000);
    T_EQ(shmctl(id, IPC_RMID, NULL), 0, "remap_removed_part: IPC_RMID");
    char *q = shmat(id, p + PG, SHM_REMAP);
    T_OK(q == p + PG, "remap_removed_part: SHM_REMAP one page up");
    if (q != p + PG) {
        shmdt(p);
        return;
    }
    T_EQ(nattch(id), 2, "remap_removed_part: nattch 2 (the piece below, the new one)");
    T_OK(pages_hold(p, 0, 1, 0xB000) && pages_hold(q, 0, 3, 0xB000),
         "remap_removed_part: both views show the data");
    T_EQ(shmdt(p), 0, "remap_removed_part: shmdt the piece below");
    T_EQ(nattch(id), 1, "remap_removed_part: nattch 1");
    T_EQ(shmdt(q), 0, "remap_removed_part: shmdt the new attachment");
    struct shmid_ds ds;
    T_ERRNO(shm_stat(id, &ds), EINVAL, "remap_removed_part: destroyed");
}

/* SHM_REMAP of another segment over the last attachment of a removed one:
 * the removed one is destroyed by the unmap, the new one is attached and
 * reads as zero. */
static void det_remap_other_over_removed(void)
{
    unsigned frames0 = t_meminfo().shm_frames;
    int a = shmget(IPC_PRIVATE, 2 * PG, 0600);
    int b = shmget(IPC_PRIVATE, 2 * PG, 0600);
    char *p = a >= 0 ? shmat(a, NULL, 0) : AT_FAILED;
    T_OK(b >= 0 && p != AT_FAILED, "remap_other: two segments, one attached");
    if (b < 0 || p == AT_FAILED)
        return;
    fill_pages(p, 2, 0xC000);
    T_EQ(shmctl(a, IPC_RMID, NULL), 0, "remap_other: IPC_RMID the attached one");
    char *q = shmat(b, p, SHM_REMAP);
    T_OK(q == p, "remap_other: SHM_REMAP the other over it");
    struct shmid_ds ds;
    T_ERRNO(shm_stat(a, &ds), EINVAL, "remap_other: the removed one is destroyed");
    if (q == p) {
        T_OK(stripe_exact((uint32_t)(uintptr_t)q, 0, 0, 0, 0) == 0 &&
             stripe_exact((uint32_t)(uintptr_t)q + PG, 0, 0, 1, 0) == 0,
             "remap_other: the new one reads as zero");
        T_EQ(nattch(b), 1, "remap_other: nattch 1");
        T_EQ(shmdt(q), 0, "remap_other: shmdt");
    }
    T_EQ(shmctl(b, IPC_RMID, NULL), 0, "remap_other: IPC_RMID the other");
    T_EQ(t_meminfo().shm_frames, frames0, "remap_other: no segment holds a frame any more");
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "--helper") == 0)
        return helper(argc, argv);
    self_path = argv[0];
    uint32_t seed = argc >= 2 ? (uint32_t)strtoul(argv[1], NULL, 0) : DEFAULT_SEED;
    t_begin("shm_torture");
    printf("# seed %u (rerun with: %s %u)\n", seed, self_path, seed);
    long t0 = t_start = now_ms();
    det_remap_removed_last();
    det_remap_removed_part();
    det_remap_other_over_removed();
    random_part(seed);
    printf("# shm_torture took %ld ms\n", now_ms() - t0);
    return t_end();
}
