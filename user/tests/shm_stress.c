/*
 * shm_stress: randomized multi-process stress of shmget/shmat/shmdt/shmctl
 * with invariant checks at quiescent points.
 *
 * NWORK workers, each with its own deterministic seed, do NOPS random
 * operations on a pool of NKEYS keys: shmget with and without IPC_CREAT
 * (sometimes IPC_EXCL), shmat NULL (sometimes SHM_RDONLY) or at a fixed
 * free address of the worker's own window (sometimes unaligned with
 * SHM_RND), write + read back a pattern, shmdt (and shmdt of addresses
 * that are not attachment starts), IPC_RMID, IPC_STAT, fork of a short-
 * lived child that touches every attachment and exits (with or without
 * shmdt, sometimes after an attach of its own), bad-argument calls.
 * Every failure must carry an errno Linux allows for that call in that
 * situation (ENOENT, EEXIST, EINVAL; never EIDRM).
 *
 * Data: worker w owns a 64-byte stripe at offset w*64 of the first and of
 * the last page of every segment. Only w (and w's children, through w's
 * attachments, while w waits) write it, so w knows what it must read
 * there: the last value it wrote into that segment id, or zero for a
 * segment it never wrote (new segments are zero-filled).
 *
 * Quiescent points: every BARRIER ops each worker publishes nothing new
 * (its attachment table in the control segment is kept up to date around
 * every shmat/shmdt) and waits. The coordinator (the test body) then reaps
 * workers that chose to _exit while attached, and checks, for every
 * segment reachable by key, held by someone, or removed by someone:
 * IPC_STAT nattch == the attachments the workers believe they hold, the
 * key/SHM_DEST state, EINVAL for removed ids nobody holds, and the
 * system-wide segment count. At the end all workers are gone, every
 * remaining segment is removed, and t_begin checks that no frame leaked.
 */
#include <agora_test.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <time.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#define NWORK        5
#define NOPS         300
#define BARRIER      50
#define NROUNDS      (NOPS / BARRIER)
#define NKEYS        8
#define MAXATT       12
#define MAXREMOVED   600
#define NFIXED       8
#define FIXED_BASE   0x50000000u
#define FIXED_WINDOW 0x00100000u        /* per worker */
#define FIXED_SLOT   0x00010000u        /* 16 pages: more than any segment */
#define PAGE         4096
#define STRIPE       64
#define NPATTERN     256

static const key_t keys[NKEYS] = {
    0x53545201, 0x53545202, 0x53545203, 0x53545204,
    0x53545205, 0x53545206, 0x53545207, 0x53545208,
};
static const uint32_t sizes[] = { 4096, 6000, 8192, 12288 };
#define NSIZES ((int)(sizeof(sizes) / sizeof(sizes[0])))

struct att_entry {
    int used;
    int id;
    uint32_t addr;
};

struct ctl {
    volatile int arrived[NWORK];        /* last round each worker reached */
    volatile int dying[NWORK];          /* set before an _exit at a barrier */
    volatile int release;               /* last round the coordinator released */
    volatile int abort;
    volatile int start;
    int pids[NWORK];
    /* What each worker believes it holds; written only by that worker. */
    struct att_entry att[NWORK][MAXATT];
    volatile int nremoved;
    volatile int removed[MAXREMOVED];   /* ids some worker IPC_RMID'ed */
};

/* ---- the worker --------------------------------------------------------- */

struct local_att {
    int used;
    int id;
    char *addr;
    uint32_t segsz;
    int rdonly;
    int fixed_slot;                     /* -1 for a NULL attach */
};

struct pattern {
    int id;
    uint32_t val;                       /* last value written in my stripe */
};

static struct ctl *ctl;
static int me;                          /* worker number */
static uint32_t rng;
static int failures;
static int opno;
static struct local_att att[MAXATT];
static int key_id[NKEYS];               /* last id seen for each key, or -1 */
static struct pattern patterns[NPATTERN];
static int npatterns, patterns_overflowed;
static uint32_t next_val = 1;
static unsigned n_ok[16], n_err[16];

enum { OP_GET_CREAT, OP_GET, OP_AT, OP_AT_FIXED, OP_WRITE, OP_DT, OP_RMID,
       OP_STAT, OP_FORK, OP_BAD, NOPKINDS };
static const char *const op_name[NOPKINDS] = {
    "shmget+creat", "shmget", "shmat", "shmat fixed", "write", "shmdt",
    "rmid", "stat", "fork", "bad args",
};

#define W_FAIL(...) do {                                                    \
        failures++;                                                         \
        printf("# worker %d op %d: ", me, opno);                            \
        printf(__VA_ARGS__);                                                \
        printf("\n");                                                       \
    } while (0)

static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static int wait_flag(volatile int *flag, int want)
{
    time_t start = time(NULL);
    unsigned n = 0;
    while (*flag < want) {
        if (ctl->abort)
            return 0;
        sched_yield();
        if ((++n & 1023) == 0 && time(NULL) - start > 60)
            return 0;
    }
    return 1;
}

static struct pattern *pattern_of(int id)
{
    for (int i = 0; i < npatterns; i++)
        if (patterns[i].id == id)
            return &patterns[i];
    return NULL;
}

static void pattern_set(int id, uint32_t val)
{
    struct pattern *p = pattern_of(id);
    if (!p) {
        if (npatterns == NPATTERN) {
            patterns_overflowed = 1;
            return;
        }
        p = &patterns[npatterns++];
        p->id = id;
    }
    p->val = val;
}

/* What my stripe of segment id must hold; -1 if unknown. */
static int64_t expected_val(int id)
{
    struct pattern *p = pattern_of(id);
    if (p)
        return p->val;
    return patterns_overflowed ? -1 : 0;
}

static volatile uint32_t *stripe(const struct local_att *a, int last_page)
{
    uint32_t off = (uint32_t)me * STRIPE;
    if (last_page)
        off += ((a->segsz - 1) / PAGE) * PAGE;
    return (volatile uint32_t *)(a->addr + off);
}

static void check_stripe(const struct local_att *a, const char *when)
{
    int64_t want = expected_val(a->id);
    if (want < 0)
        return;
    uint32_t first = *stripe(a, 0), last = *stripe(a, 1);
    if (first != (uint32_t)want || last != (uint32_t)want)
        W_FAIL("%s: id %d stripe holds %u/%u, want %u", when, a->id,
               (unsigned)first, (unsigned)last, (unsigned)want);
}

static int nheld(void)
{
    int n = 0;
    for (int i = 0; i < MAXATT; i++)
        n += att[i].used;
    return n;
}

static int held_of(int id)
{
    int n = 0;
    for (int i = 0; i < MAXATT; i++)
        n += att[i].used && att[i].id == id;
    return n;
}

/* A random held attachment (rw_only: writable ones), or -1. */
static int pick_att(int rw_only)
{
    int cand[MAXATT], n = 0;
    for (int i = 0; i < MAXATT; i++)
        if (att[i].used && (!rw_only || !att[i].rdonly))
            cand[n++] = i;
    return n ? cand[rnd() % n] : -1;
}

static int fixed_slot_busy(int slot)
{
    for (int i = 0; i < MAXATT; i++)
        if (att[i].used && att[i].fixed_slot == slot)
            return 1;
    return 0;
}

static void record_att(int id, char *addr, int rdonly, int fixed_slot)
{
    int i = 0;
    while (att[i].used)
        i++;
    struct shmid_ds ds;
    memset(&ds, 0, sizeof(ds));
    uint32_t segsz = PAGE;
    if (shmctl(id, IPC_STAT, &ds) == 0)  /* we hold it: it must exist */
        segsz = (uint32_t)ds.shm_segsz;
    else
        W_FAIL("IPC_STAT of an id we just attached: errno %d", errno);
    att[i] = (struct local_att){ 1, id, addr, segsz, rdonly, fixed_slot };
    ctl->att[me][i].id = id;
    ctl->att[me][i].addr = (uint32_t)(uintptr_t)addr;
    ctl->att[me][i].used = 1;
    check_stripe(&att[i], "new attach");
}

static void drop_att(int i)
{
    att[i].used = 0;
    ctl->att[me][i].used = 0;
}

/* Count a result; complain about an errno not in the allowed list. */
static void result(int kind, long r, int err, const int *allowed, int nallowed)
{
    if (r != -1) {
        n_ok[kind]++;
        return;
    }
    n_err[kind]++;
    for (int i = 0; i < nallowed; i++)
        if (err == allowed[i])
            return;
    W_FAIL("%s failed with errno %d (%s), not allowed here", op_name[kind], err,
           strerror(err));
}

static int cached_id(void)
{
    int k = (int)(rnd() % NKEYS);
    return key_id[k];
}

static void op_get(int create)
{
    int k = (int)(rnd() % NKEYS);
    int excl = create && rnd() % 4 == 0;
    uint32_t size = create ? sizes[rnd() % NSIZES] : (rnd() % 2 ? 0 : PAGE);
    int flags = 0600 | (create ? IPC_CREAT : 0) | (excl ? IPC_EXCL : 0);
    errno = 0;
    int id = shmget(keys[k], size, flags);
    int err = errno;
    if (create) {
        int allowed[2], n = 0;
        if (excl)
            allowed[n++] = EEXIST;
        if (size > sizes[0])
            allowed[n++] = EINVAL;      /* an existing smaller segment */
        result(OP_GET_CREAT, id, err, allowed, n);
    } else {
        static const int allowed[] = { ENOENT };
        result(OP_GET, id, err, allowed, 1);
    }
    if (id >= 0)
        key_id[k] = id;
}

static void op_attach(int fixed)
{
    if (nheld() == MAXATT)
        return;
    int id = cached_id();
    if (id < 0)
        return;
    int rdonly = rnd() % 5 == 0;
    int flags = rdonly ? SHM_RDONLY : 0;
    int slot = -1;
    char *want = NULL, *addr = NULL;
    int busy = 0;
    if (fixed) {
        slot = (int)(rnd() % NFIXED);
        want = (char *)(uintptr_t)(FIXED_BASE + (uint32_t)me * FIXED_WINDOW +
                                   (uint32_t)slot * FIXED_SLOT);
        busy = fixed_slot_busy(slot);
        addr = want;
        if (rnd() % 3 == 0) {
            addr += 1 + rnd() % (PAGE - 1);     /* rounded down by SHM_RND */
            flags |= SHM_RND;
        }
    }
    errno = 0;
    char *p = shmat(id, addr, flags);
    int err = errno;
    static const int allowed[] = { EINVAL };    /* a removed, destroyed id */
    result(fixed ? OP_AT_FIXED : OP_AT, p == (void *)-1 ? -1 : 0, err, allowed, 1);
    if (p == (void *)-1)
        return;
    if (busy) {
        W_FAIL("shmat at %p succeeded over my own attachment", (void *)want);
        shmdt(p);
        return;
    }
    if (fixed && p != want) {
        W_FAIL("shmat at %p (flags %#x) returned %p", (void *)addr, flags, (void *)p);
        shmdt(p);
        return;
    }
    if ((uintptr_t)p % PAGE)
        W_FAIL("shmat returned the unaligned address %p", (void *)p);
    record_att(id, p, rdonly, slot);
}

static void op_write(void)
{
    int i = pick_att(1);
    if (i < 0)
        return;
    check_stripe(&att[i], "before write");
    uint32_t val = next_val++ | ((uint32_t)me << 24);
    *stripe(&att[i], 0) = val;
    *stripe(&att[i], 1) = val;
    pattern_set(att[i].id, val);
    n_ok[OP_WRITE]++;
    /* Every other view of the same segment shows it (the same frames). */
    for (int j = 0; j < MAXATT; j++)
        if (att[j].used && att[j].id == att[i].id)
            check_stripe(&att[j], "other view after write");
}

static void op_detach(void)
{
    int i = pick_att(0);
    if (i < 0)
        return;
    if (rnd() % 4 == 0) {
        /* Not where an attachment starts: EINVAL, nothing detached. */
        errno = 0;
        if (shmdt(att[i].addr + 1) != -1 || errno != EINVAL)
            W_FAIL("shmdt(start + 1) did not give EINVAL (errno %d)", errno);
        if (att[i].segsz > PAGE) {
            errno = 0;
            if (shmdt(att[i].addr + PAGE) != -1 || errno != EINVAL)
                W_FAIL("shmdt(start + PAGE) did not give EINVAL (errno %d)", errno);
        }
    }
    check_stripe(&att[i], "before shmdt");
    errno = 0;
    int r = shmdt(att[i].addr);
    result(OP_DT, r, errno, NULL, 0);
    if (r == 0)
        drop_att(i);
}

static void op_rmid(void)
{
    int id = cached_id();
    if (id < 0)
        return;
    errno = 0;
    int r = shmctl(id, IPC_RMID, NULL);
    static const int allowed[] = { EINVAL };    /* destroyed already */
    result(OP_RMID, r, errno, allowed, 1);
    if (r == 0) {
        int n = __atomic_fetch_add(&ctl->nremoved, 1, __ATOMIC_SEQ_CST);
        if (n < MAXREMOVED)
            ctl->removed[n] = id;
    }
}

static int is_worker_pid(pid_t pid)
{
    for (int i = 0; i < NWORK; i++)
        if (ctl->pids[i] == pid)
            return 1;
    return 0;
}

static void op_stat(void)
{
    int k = (int)(rnd() % NKEYS);
    int id = key_id[k];
    if (id < 0)
        return;
    struct shmid_ds ds;
    memset(&ds, 0, sizeof(ds));
    errno = 0;
    int r = shmctl(id, IPC_STAT, &ds);
    static const int allowed[] = { EINVAL };
    result(OP_STAT, r, errno, allowed, 1);
    if (r != 0) {
        if (held_of(id))
            W_FAIL("IPC_STAT failed on id %d that I hold", id);
        return;
    }
    int size_ok = 0;
    for (int i = 0; i < NSIZES; i++)
        size_ok |= ds.shm_segsz == sizes[i];
    if (!size_ok)
        W_FAIL("id %d: segsz %lu", id, (unsigned long)ds.shm_segsz);
    if ((ds.shm_perm.mode & 0777) != 0600)
        W_FAIL("id %d: mode %#o", id, (unsigned)ds.shm_perm.mode);
    if (ds.shm_nattch < (shmatt_t)held_of(id))
        W_FAIL("id %d: nattch %lu < the %d attachments I hold", id,
               (unsigned long)ds.shm_nattch, held_of(id));
    if (ds.shm_perm.mode & SHM_DEST) {
        if (ds.shm_perm.__key != IPC_PRIVATE)
            W_FAIL("id %d: removed but key %#x", id, (unsigned)ds.shm_perm.__key);
    } else if (ds.shm_perm.__key != keys[k]) {
        W_FAIL("id %d: key %#x, want %#x", id, (unsigned)ds.shm_perm.__key,
               (unsigned)keys[k]);
    }
    if (!is_worker_pid(ds.shm_cpid))
        W_FAIL("id %d: cpid %d is not a worker", id, (int)ds.shm_cpid);
    if (ds.shm_nattch > 0 && ds.shm_lpid == 0)
        W_FAIL("id %d: attached but lpid 0", id);
}

/* The short-lived child: checks and touches every inherited attachment. */
static void child_body(uint32_t val, int mode)
{
    failures = 0;
    /* Check every view first: two views of one segment share a stripe. */
    for (int i = 0; i < MAXATT; i++)
        if (att[i].used)
            check_stripe(&att[i], "child, inherited");
    for (int i = 0; i < MAXATT; i++) {
        if (att[i].used && !att[i].rdonly) {
            *stripe(&att[i], 0) = val;
            *stripe(&att[i], 1) = val;
        }
    }
    if (mode == 1) {                    /* an attach of its own, then exit */
        int id = cached_id();
        if (id >= 0) {
            errno = 0;
            char *p = shmat(id, NULL, SHM_RDONLY);
            if (p == (void *)-1 && errno != EINVAL)
                W_FAIL("child shmat: errno %d", errno);
        }
    } else if (mode == 2) {             /* a tidy child: shmdt everything */
        for (int i = 0; i < MAXATT; i++)
            if (att[i].used && shmdt(att[i].addr) != 0)
                W_FAIL("child shmdt: errno %d", errno);
    }
    _exit(failures > 100 ? 100 : failures);  /* mode 0: exit while attached */
}

static void op_fork(void)
{
    uint32_t val = next_val++ | ((uint32_t)me << 24);
    int mode = (int)(rnd() % 3);
    pid_t pid = fork();
    if (pid == 0)
        child_body(val, mode);
    if (pid < 0) {
        W_FAIL("fork: errno %d", errno);
        return;
    }
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        W_FAIL("child %d: status %#x", (int)pid, status);
    }
    n_ok[OP_FORK]++;
    /* The child's writes landed in the same frames. */
    for (int i = 0; i < MAXATT; i++)
        if (att[i].used && !att[i].rdonly)
            pattern_set(att[i].id, val);
    for (int i = 0; i < MAXATT; i++)
        if (att[i].used)
            check_stripe(&att[i], "after the child");
}

static void op_bad(void)
{
    errno = 0;
    if (shmat(-1, NULL, 0) != (void *)-1 || errno != EINVAL)
        W_FAIL("shmat(-1) did not give EINVAL (errno %d)", errno);
    int id = cached_id();
    if (id >= 0) {
        errno = 0;
        void *p = shmat(id, (void *)(uintptr_t)(FIXED_BASE + 8), 0);
        if (p != (void *)-1 || errno != EINVAL)
            W_FAIL("unaligned shmat without SHM_RND did not give EINVAL (errno %d)", errno);
        if (p != (void *)-1)
            shmdt(p);
    }
    errno = 0;
    if (shmdt((void *)(uintptr_t)(FIXED_BASE + (uint32_t)me * FIXED_WINDOW + 15 * PAGE)) != -1 ||
        errno != EINVAL)
        W_FAIL("shmdt of an address never attached did not give EINVAL (errno %d)", errno);
    n_ok[OP_BAD]++;
}

static void do_op(void)
{
    uint32_t r = rnd() % 100;
    if (r < 12)
        op_get(1);
    else if (r < 20)
        op_get(0);
    else if (r < 36)
        op_attach(0);
    else if (r < 42)
        op_attach(1);
    else if (r < 56)
        op_write();
    else if (r < 74)
        op_detach();
    else if (r < 79)
        op_rmid();
    else if (r < 87)
        op_stat();
    else if (r < 94)
        op_fork();
    else
        op_bad();
}

static void worker(int w)
{
    me = w;
    rng = 0x9e3779b9u * (uint32_t)(w + 1);
    for (int k = 0; k < NKEYS; k++)
        key_id[k] = -1;
    for (int round = 1; round <= NROUNDS; round++) {
        for (int i = 0; i < BARRIER; i++) {
            opno++;
            do_op();
        }
        int last = round == NROUNDS;
        /* Sometimes leave for good at this barrier, still attached; at the
         * end, odd workers detach everything first, even ones do not. */
        int die = last || (w > 0 && round >= 2 && rnd() % 8 == 0) ||
                  (w == NWORK - 1 && round == 3);
        if (last && (w & 1)) {
            for (int i = 0; i < MAXATT; i++)
                if (att[i].used) {
                    if (shmdt(att[i].addr) != 0)
                        W_FAIL("final shmdt: errno %d", errno);
                    drop_att(i);
                }
        }
        if (die) {
            printf("# worker %d leaves at round %d holding %d attachments;"
                   " ok/err:", w, round, nheld());
            for (int k = 0; k < NOPKINDS; k++)
                printf(" %s %u/%u", op_name[k], n_ok[k], n_err[k]);
            printf("\n");
            ctl->dying[w] = 1;
            ctl->arrived[w] = round;
            _exit(failures > 100 ? 100 : failures);
        }
        ctl->arrived[w] = round;
        if (!wait_flag(&ctl->release, round)) {
            W_FAIL("no release for round %d", round);
            _exit(100);
        }
    }
    _exit(failures > 100 ? 100 : failures);
}

/* ---- the coordinator ---------------------------------------------------- */

static int in_list(const int *list, int n, int id)
{
    for (int i = 0; i < n; i++)
        if (list[i] == id)
            return 1;
    return 0;
}

/* The checks at a quiescent point. Returns the number of mismatches. */
static int check_round(int round, int ctl_id, const int *alive, unsigned base_segments)
{
    int bad = 0;
    int nlive = 0;
    for (int w = 0; w < NWORK; w++)
        nlive += alive[w];

    /* The control segment: the coordinator plus every live worker. */
    struct shmid_ds ds;
    memset(&ds, 0, sizeof(ds));
    if (shmctl(ctl_id, IPC_STAT, &ds) != 0 || ds.shm_nattch != (shmatt_t)(1 + nlive)) {
        printf("# round %d: control nattch %lu, want %d\n", round,
               (unsigned long)ds.shm_nattch, 1 + nlive);
        bad++;
    }

    /* The ids the workers believe they hold, with their counts. */
    int ids[NWORK * MAXATT], counts[NWORK * MAXATT], nids = 0;
    for (int w = 0; w < NWORK; w++) {
        for (int i = 0; i < MAXATT; i++) {
            if (!ctl->att[w][i].used)
                continue;
            int id = ctl->att[w][i].id, j;
            for (j = 0; j < nids && ids[j] != id; j++)
                ;
            if (j == nids) {
                ids[nids] = id;
                counts[nids++] = 0;
            }
            counts[j]++;
        }
    }

    /* Every key: a live segment with the key, not removed; or ENOENT. */
    int key_ids[NKEYS], nkeyed = 0;
    for (int k = 0; k < NKEYS; k++) {
        errno = 0;
        int id = shmget(keys[k], 0, 0);
        if (id < 0) {
            if (errno != ENOENT) {
                printf("# round %d: shmget(key %d, 0, 0): errno %d\n", round, k, errno);
                bad++;
            }
            continue;
        }
        key_ids[nkeyed++] = id;
        int want = 0;
        for (int j = 0; j < nids; j++)
            if (ids[j] == id)
                want = counts[j];
        memset(&ds, 0, sizeof(ds));
        if (shmctl(id, IPC_STAT, &ds) != 0) {
            printf("# round %d: key %d id %d: IPC_STAT errno %d\n", round, k, id, errno);
            bad++;
            continue;
        }
        if (ds.shm_nattch != (shmatt_t)want || ds.shm_perm.__key != keys[k] ||
            (ds.shm_perm.mode & SHM_DEST)) {
            printf("# round %d: key %d id %d: nattch %lu (want %d), key %#x, mode %#o\n",
                   round, k, id, (unsigned long)ds.shm_nattch, want,
                   (unsigned)ds.shm_perm.__key, (unsigned)ds.shm_perm.mode);
            bad++;
        }
    }

    /* Held ids the keys do not reach: removed, still alive, exact nattch. */
    int removed_alive = 0;
    for (int j = 0; j < nids; j++) {
        if (in_list(key_ids, nkeyed, ids[j]))
            continue;
        removed_alive++;
        memset(&ds, 0, sizeof(ds));
        if (shmctl(ids[j], IPC_STAT, &ds) != 0) {
            printf("# round %d: held id %d: IPC_STAT errno %d\n", round, ids[j], errno);
            bad++;
            continue;
        }
        if (ds.shm_nattch != (shmatt_t)counts[j] || ds.shm_perm.__key != IPC_PRIVATE ||
            !(ds.shm_perm.mode & SHM_DEST)) {
            printf("# round %d: removed id %d: nattch %lu (want %d), key %#x, mode %#o\n",
                   round, ids[j], (unsigned long)ds.shm_nattch, counts[j],
                   (unsigned)ds.shm_perm.__key, (unsigned)ds.shm_perm.mode);
            bad++;
        }
    }

    /* Removed ids nobody holds are gone for good. */
    int nrem = ctl->nremoved < MAXREMOVED ? ctl->nremoved : MAXREMOVED;
    for (int i = 0; i < nrem; i++) {
        int id = ctl->removed[i];
        if (in_list(ids, nids, id))
            continue;
        errno = 0;
        if (shmctl(id, IPC_STAT, &ds) != -1 || errno != EINVAL) {
            printf("# round %d: removed, unheld id %d: IPC_STAT gave errno %d, want EINVAL\n",
                   round, id, errno);
            bad++;
        }
    }

    unsigned want_segments = base_segments + 1 + (unsigned)nkeyed + (unsigned)removed_alive;
    unsigned have = t_meminfo().shm_segments;
    if (have != want_segments) {
        printf("# round %d: %u segments exist, want %u\n", round, have, want_segments);
        bad++;
    }
    printf("# round %d: %d live workers, %d keyed segments, %d removed but held,"
           " %d ids held, %d removals so far\n", round, nlive, nkeyed, removed_alive,
           nids, nrem);
    return bad;
}

/* Wait for worker w to reach round; false on a 30 s guard. */
static int wait_arrival(int w, int round)
{
    time_t start = time(NULL);
    unsigned n = 0;
    while (ctl->arrived[w] < round) {
        sched_yield();
        if ((++n & 1023) == 0 && time(NULL) - start > 30)
            return 0;
    }
    return 1;
}

int main(void)
{
    t_begin("shm_stress");
    /* Segments an earlier crashed run may have left under our keys. */
    for (int k = 0; k < NKEYS; k++) {
        int old = shmget(keys[k], 0, 0);
        if (old >= 0)
            shmctl(old, IPC_RMID, NULL);
    }
    unsigned base_segments = t_meminfo().shm_segments;
    int ctl_id = shmget(IPC_PRIVATE, sizeof(struct ctl), IPC_CREAT | 0600);
    ctl = ctl_id >= 0 ? shmat(ctl_id, NULL, 0) : (void *)-1;
    T_OK(ctl != (void *)-1, "control segment");
    if (ctl == (void *)-1)
        return t_end();
    memset(ctl, 0, sizeof(*ctl));

    int alive[NWORK] = { 0 };
    int nforked = 0;
    for (int w = 0; w < NWORK; w++) {
        pid_t pid = fork();
        if (pid == 0) {
            /* Start only once every worker's pid is published. */
            if (!wait_flag(&ctl->start, 1))
                _exit(100);
            worker(w);
        }
        if (pid < 0)
            break;
        ctl->pids[w] = pid;
        alive[w] = 1;
        nforked++;
    }
    T_EQ(nforked, NWORK, "forked the workers");
    ctl->start = 1;

    int statuses_ok = 1, rounds_bad = 0, arrivals_ok = 1;
    for (int round = 1; round <= NROUNDS && arrivals_ok; round++) {
        for (int w = 0; w < NWORK; w++) {
            if (alive[w] && !wait_arrival(w, round)) {
                printf("# round %d: worker %d never arrived; stopping\n", round, w);
                arrivals_ok = 0;
                break;
            }
        }
        if (!arrivals_ok) {
            /* Something is badly wrong: end every worker and stop. */
            ctl->abort = 1;
            for (int w = 0; w < NWORK; w++) {
                if (alive[w]) {
                    kill(ctl->pids[w], SIGKILL);
                    waitpid(ctl->pids[w], NULL, 0);
                    alive[w] = 0;
                }
            }
            break;
        }
        /* Workers that left: reap them and forget what they held (their
         * exit must have detached it). */
        for (int w = 0; w < NWORK; w++) {
            if (!alive[w] || !ctl->dying[w])
                continue;
            int status;
            while (waitpid(ctl->pids[w], &status, 0) < 0 && errno == EINTR)
                ;
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                printf("# worker %d: status %#x\n", w, status);
                statuses_ok = 0;
            }
            alive[w] = 0;
            for (int i = 0; i < MAXATT; i++)
                ctl->att[w][i].used = 0;
        }
        rounds_bad += check_round(round, ctl_id, alive, base_segments);
        ctl->release = round;
    }
    /* The last round made every worker leave. */
    for (int w = 0; w < NWORK; w++) {
        if (alive[w]) {
            printf("# worker %d still alive after the last round\n", w);
            kill(ctl->pids[w], SIGKILL);
            waitpid(ctl->pids[w], NULL, 0);
            statuses_ok = 0;
        }
    }
    T_OK(arrivals_ok, "every worker reached every barrier");
    T_OK(statuses_ok, "every worker exited 0 (no unexpected result, no bad data)");
    T_EQ(rounds_bad, 0, "nattch matched the believed attachments at every barrier");

    /* Quiet now: nobody holds anything, so nattch is 0 everywhere and
     * removed segments are gone. */
    int end_ok = 1;
    for (int k = 0; k < NKEYS; k++) {
        int id = shmget(keys[k], 0, 0);
        if (id < 0)
            continue;
        struct shmid_ds ds;
        memset(&ds, 0, sizeof(ds));
        if (shmctl(id, IPC_STAT, &ds) != 0 || ds.shm_nattch != 0) {
            printf("# end: key %d id %d nattch %lu\n", k, id, (unsigned long)ds.shm_nattch);
            end_ok = 0;
        }
        if (shmctl(id, IPC_RMID, NULL) != 0)
            end_ok = 0;
    }
    T_OK(end_ok, "at the end every keyed segment has nattch 0 and is removed");
    T_EQ(t_meminfo().shm_segments, base_segments + 1, "only the control segment is left");
    T_EQ(shmdt(ctl), 0, "shmdt control");
    T_EQ(shmctl(ctl_id, IPC_RMID, NULL), 0, "IPC_RMID control");
    T_EQ(t_meminfo().shm_segments, base_segments, "no segment left");
    return t_end();
}
