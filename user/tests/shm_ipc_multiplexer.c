/*
 * shm_ipc_multiplexer: every shm call through the ipc(117) multiplexer, as
 * Debian's i386 glibc makes them: SHMGET, SHMAT (the address stored at
 * *third, the call returning 0), SHMDT, SHMCTL with IPC_64 (the 84-byte
 * struct shmid64_ds) and without it (Linux's old 48-byte struct shmid_ds
 * with 16-bit ids, pids and nattch, and the 20-byte struct shminfo), the
 * uid/gid narrowing (an id above 65535 reads as the overflow id 65534), the
 * errors, the sem/msg calls agora lacks, and the bad-pointer matrix.
 *
 * The old layouts are written out here from Linux's include/uapi/linux/
 * ipc.h and shm.h (i386), not taken from agora's headers, so a wrong
 * kernel layout cannot agree with itself.
 */
#include <agora_shm_test.h>
#include <stddef.h>
#include <stdint.h>

#define IPC_NR 117
#define C_SEMOP 1
#define C_SEMGET 2
#define C_MSGGET 13
#define C_SHMAT 21
#define C_SHMDT 22
#define C_SHMGET 23
#define C_SHMCTL 24
#define V64 0x100                       /* IPC_64 */
#define KEY 0x71170001

struct old_perm {                       /* Linux i386 struct ipc_perm */
    int32_t key;
    uint16_t uid, gid, cuid, cgid, mode, seq;
};
struct old_ds {                         /* Linux i386 struct shmid_ds */
    struct old_perm perm;
    int32_t segsz;
    int32_t atime, dtime, ctime;
    uint16_t cpid, lpid, nattch, unused;
    uint32_t unused2, unused3;
};
struct old_info { int32_t shmmax, shmmin, shmmni, shmseg, shmall; };

static long ipc(long call, long first, long second, long third, void *ptr)
{
    return syscall(IPC_NR, call, first, second, third, ptr, 0L);
}

static void test_layout(void)
{
    T_EQ(sizeof(struct old_perm), 16, "old struct ipc_perm is 16 bytes");
    T_EQ(sizeof(struct old_ds), 48, "old struct shmid_ds is 48 bytes");
    T_EQ(offsetof(struct old_ds, cpid), 32, "old shm_cpid at 32");
    T_EQ(offsetof(struct old_ds, nattch), 36, "old shm_nattch at 36");
}

static void test_calls(void)
{
    int id = (int)ipc(C_SHMGET, KEY, 3 * PG, IPC_CREAT | IPC_EXCL | 0640, NULL);
    T_OK(id >= 0, "SHMGET creates a segment");
    T_EQ(shmget(KEY, 0, 0), id, "the direct shmget finds the same id");
    T_ERRNO(ipc(C_SHMGET, KEY, PG, IPC_CREAT | IPC_EXCL | 0600, NULL), EEXIST,
            "SHMGET IPC_CREAT|IPC_EXCL on an existing key: EEXIST");
    T_ERRNO(ipc(C_SHMGET, KEY + 1, PG, 0600, NULL), ENOENT, "SHMGET of a missing key: ENOENT");
    T_ERRNO(ipc(C_SHMGET, IPC_PRIVATE, 0, 0600, NULL), EINVAL, "SHMGET of size 0: EINVAL");

    /* SHMAT: 0 returned, the address at *third. */
    uint32_t raddr = 0xdeadbeef;
    T_EQ(ipc(C_SHMAT, id, 0, (long)&raddr, NULL), 0, "SHMAT returns 0");
    T_OK(raddr != 0xdeadbeef && raddr % PG == 0 && raddr < USER_TOP,
         "SHMAT stored a page-aligned user address at *third");
    volatile char *p = (volatile char *)(uintptr_t)raddr;
    p[0] = 'x';
    p[3 * PG - 1] = 'y';
    T_EQ(nattch(id), 1, "nattch 1 after SHMAT");
    /* The same segment attached again, read-only, at a fixed address. */
    uint32_t fixed = raddr + 16 * PG, r2 = 0;
    T_EQ(ipc(C_SHMAT, id, SHM_RDONLY, (long)&r2, (void *)(uintptr_t)fixed), 0,
         "SHMAT at a fixed address, SHM_RDONLY");
    T_EQ(r2, fixed, "the fixed address is the one stored");
    T_EQ(((volatile char *)(uintptr_t)r2)[0], 'x', "both attachments see the same page");
    T_EQ(nattch(id), 2, "nattch 2");
    T_ERRNO(ipc(C_SHMAT | (1 << 16), id, 0, (long)&r2, NULL), EINVAL, "SHMAT version 1 (iBCS2): EINVAL");
    T_ERRNO(ipc(C_SHMAT, id, 0, (long)&r2, (void *)(uintptr_t)(fixed + 1)), EINVAL,
            "SHMAT at a misaligned address without SHM_RND: EINVAL");
    T_ERRNO(ipc(C_SHMAT, -1, 0, (long)&r2, NULL), EINVAL, "SHMAT of id -1: EINVAL");
    T_ERRNO(ipc(C_SHMAT, id, 0, (long)&r2, (void *)(uintptr_t)fixed), EINVAL,
            "SHMAT over an existing attachment without SHM_REMAP: EINVAL");
    T_ERRNO(ipc(C_SHMDT, 0, 0, 0, (void *)(uintptr_t)(fixed + PG)), EINVAL,
            "SHMDT inside an attachment: EINVAL");
    T_ERRNO(ipc(C_SHMDT, 0, 0, 0, (void *)(uintptr_t)(fixed + 1)), EINVAL,
            "SHMDT of a misaligned address: EINVAL");
    T_EQ(ipc(C_SHMDT, 0, 0, 0, (void *)(uintptr_t)fixed), 0, "SHMDT of the fixed attachment");
    T_EQ(nattch(id), 1, "nattch back to 1");

    /* SHMCTL IPC_STAT with IPC_64: the 84-byte layout. */
    struct shmid_ds ds;
    memset(&ds, 0x55, sizeof(ds));
    T_EQ(ipc(C_SHMCTL, id, IPC_STAT | V64, 0, &ds), 0, "SHMCTL IPC_STAT|IPC_64");
    T_EQ(ds.shm_segsz, 3 * PG, "IPC_64: shm_segsz");
    T_EQ(ds.shm_perm.__key, KEY, "IPC_64: key");
    T_EQ(ds.shm_perm.mode & 0777, 0640, "IPC_64: mode");
    T_EQ(ds.shm_cpid, getpid(), "IPC_64: cpid");
    T_EQ(ds.shm_lpid, getpid(), "IPC_64: lpid");
    T_EQ(ds.shm_nattch, 1, "IPC_64: nattch");

    /* Without IPC_64: the old layout, nothing written past its 48 bytes. */
    unsigned char raw[84];
    memset(raw, 0x55, sizeof(raw));
    T_EQ(ipc(C_SHMCTL, id, IPC_STAT, 0, raw), 0, "SHMCTL IPC_STAT (old layout)");
    struct old_ds o;
    memcpy(&o, raw, sizeof(o));
    T_EQ(o.perm.key, KEY, "old: key");
    T_EQ(o.perm.uid, getuid(), "old: uid");
    T_EQ(o.perm.cuid, getuid(), "old: cuid");
    T_EQ(o.perm.gid, getgid(), "old: gid");
    T_EQ(o.perm.mode & 0777, 0640, "old: mode");
    T_EQ(o.perm.seq, ds.shm_perm.__seq, "old: seq as the 64-bit form's");
    T_EQ(o.segsz, 3 * PG, "old: shm_segsz");
    T_EQ(o.atime, (int32_t)ds.shm_atime, "old: atime as the 64-bit form's");
    T_EQ(o.ctime, (int32_t)ds.shm_ctime, "old: ctime as the 64-bit form's");
    T_EQ(o.cpid, getpid(), "old: 16-bit cpid");
    T_EQ(o.lpid, getpid(), "old: 16-bit lpid");
    T_EQ(o.nattch, 1, "old: 16-bit nattch");
    T_EQ(o.unused + o.unused2 + o.unused3, 0, "old: unused fields zeroed");
    int untouched = 1;
    for (int i = 48; i < 84; i++)
        untouched &= raw[i] == 0x55;
    T_OK(untouched, "old IPC_STAT writes 48 bytes only");

    /* SHM_STAT returns the id in both layouts. */
    int slot = id % 32768;
    T_EQ(ipc(C_SHMCTL, slot, SHM_STAT | V64, 0, &ds), id, "SHM_STAT|IPC_64 returns the id");
    T_EQ(ipc(C_SHMCTL, slot, SHM_STAT, 0, raw), id, "SHM_STAT (old) returns the id");

    /* uid/gid above 65535: the old layout shows the overflow id 65534. */
    ds.shm_perm.uid = 70000;
    ds.shm_perm.gid = 100001;
    ds.shm_perm.mode = 0604;
    T_EQ(ipc(C_SHMCTL, id, IPC_SET | V64, 0, &ds), 0, "IPC_SET|IPC_64 uid 70000 gid 100001");
    T_EQ(ipc(C_SHMCTL, id, IPC_STAT, 0, &o), 0, "old IPC_STAT after it");
    T_EQ(o.perm.uid, 65534, "old: uid 70000 reads as 65534");
    T_EQ(o.perm.gid, 65534, "old: gid 100001 reads as 65534");
    T_EQ(o.perm.cuid, getuid(), "old: cuid unchanged");
    T_EQ(o.perm.mode & 0777, 0604, "old: the new mode");
    T_EQ(ipc(C_SHMCTL, id, IPC_STAT | V64, 0, &ds), 0, "IPC_STAT|IPC_64 after it");
    T_EQ(ds.shm_perm.uid, 70000, "IPC_64: uid 70000 whole");
    T_EQ(ds.shm_perm.gid, 100001, "IPC_64: gid 100001 whole");

    /* IPC_SET in the old layout reads uid, gid and mode, 16 bits each:
     * 0xFFFF is uid 65535 there, not -1. */
    memset(&o, 0, sizeof(o));
    o.perm.uid = 0xFFFF;
    o.perm.gid = 1234;
    o.perm.mode = 0660;
    o.segsz = 1;                        /* ignored */
    T_EQ(ipc(C_SHMCTL, id, IPC_SET, 0, &o), 0, "old IPC_SET");
    T_EQ(ipc(C_SHMCTL, id, IPC_STAT | V64, 0, &ds), 0, "IPC_STAT|IPC_64");
    T_EQ(ds.shm_perm.uid, 65535, "old IPC_SET uid 0xFFFF is uid 65535");
    T_EQ(ds.shm_perm.gid, 1234, "old IPC_SET gid");
    T_EQ(ds.shm_perm.mode & 0777, 0660, "old IPC_SET mode");
    T_EQ(ds.shm_segsz, 3 * PG, "old IPC_SET leaves the size");

    /* IPC_INFO: 36-byte shminfo64 with IPC_64, 20-byte shminfo without
     * (shmmax clamped to INT_MAX). SHM_INFO: one 24-byte form. */
    struct shminfo i64;
    T_OK(ipc(C_SHMCTL, 0, IPC_INFO | V64, 0, &i64) >= 0, "IPC_INFO|IPC_64");
    memset(raw, 0x55, sizeof(raw));
    T_OK(ipc(C_SHMCTL, 0, IPC_INFO, 0, raw) >= 0, "IPC_INFO (old)");
    struct old_info oi;
    memcpy(&oi, raw, sizeof(oi));
    T_EQ(oi.shmmax, i64.shmmax > 0x7FFFFFFFul ? 0x7FFFFFFF : (long)i64.shmmax,
         "old IPC_INFO: shmmax (clamped to INT_MAX)");
    T_EQ(oi.shmmin, 1, "old IPC_INFO: shmmin");
    T_EQ(oi.shmmni, (long)i64.shmmni, "old IPC_INFO: shmmni");
    T_EQ(oi.shmall, (long)i64.shmall, "old IPC_INFO: shmall");
    T_EQ(raw[20], 0x55, "old IPC_INFO writes 20 bytes only");
    struct shm_info si, si_old;
    T_OK(ipc(C_SHMCTL, 0, SHM_INFO | V64, 0, &si) >= 0, "SHM_INFO|IPC_64");
    T_OK(ipc(C_SHMCTL, 0, SHM_INFO, 0, &si_old) >= 0, "SHM_INFO (old)");
    T_EQ(si_old.used_ids, si.used_ids, "SHM_INFO: the same in both");
    T_OK(si.used_ids >= 1 && si.shm_tot >= 3, "SHM_INFO counts our segment");

    /* SHMCTL errors. */
    T_ERRNO(ipc(C_SHMCTL, id, 99 | V64, 0, &ds), EINVAL, "unknown command: EINVAL");
    T_ERRNO(ipc(C_SHMCTL, -1, IPC_STAT | V64, 0, &ds), EINVAL, "id -1: EINVAL");
    T_ERRNO(ipc(C_SHMCTL, id + 1, IPC_STAT, 0, &o), EINVAL, "a wrong id (old): EINVAL");
    T_ERRNO(ipc(C_SHMCTL, 0, -1, 0, &ds), EINVAL, "command -1: EINVAL");
    T_ERRNO(syscall(SYS_shmctl, id, IPC_STAT | V64, &ds), EINVAL,
            "the direct shmctl does not strip IPC_64: EINVAL");

    /* The sem/msg calls and unknown calls: ENOSYS (agora has no SysV
     * semaphores or message queues; see sys_ipc). */
    T_ERRNO(ipc(C_SEMGET, IPC_PRIVATE, 1, 0600, NULL), ENOSYS, "SEMGET: ENOSYS");
    T_ERRNO(ipc(C_SEMOP, 0, 0, 0, NULL), ENOSYS, "SEMOP: ENOSYS");
    T_ERRNO(ipc(C_MSGGET, IPC_PRIVATE, 0600, 0, NULL), ENOSYS, "MSGGET: ENOSYS");
    T_ERRNO(ipc(99, 0, 0, 0, NULL), ENOSYS, "call 99: ENOSYS");

    /* RMID while attached, SHMDT destroys. */
    T_EQ(ipc(C_SHMCTL, id, IPC_RMID, 0, NULL), 0, "SHMCTL IPC_RMID (old)");
    T_EQ(ipc(C_SHMCTL, id, IPC_STAT | V64, 0, &ds), 0, "still there while attached");
    T_OK(ds.shm_perm.mode & SHM_DEST, "marked SHM_DEST");
    T_EQ(ipc(C_SHMDT, 0, 0, 0, (void *)(uintptr_t)raddr), 0, "SHMDT of the last attachment");
    T_ERRNO(ipc(C_SHMCTL, id, IPC_STAT | V64, 0, &ds), EINVAL, "gone after the last SHMDT");
}

/* ---- the bad-pointer matrix for the multiplexer's pointer arguments ---- */

static const unsigned char ro_page[4096] __attribute__((aligned(4096))) = { 0x5a };
static int mid = -1;

static long m_at_third(void *p)
{
    /* Linux attaches, then fails to store: EFAULT with the attachment made.
     * A fixed address lets us find and remove it. */
    uint32_t at = 0x60000000;
    long r = ipc(C_SHMAT, mid, 0, (long)p, (void *)(uintptr_t)at);
    int e = errno;
    shmdt((void *)(uintptr_t)at);
    errno = e;
    return r;
}
static long m_stat64(void *p) { return ipc(C_SHMCTL, mid, IPC_STAT | V64, 0, p); }
static long m_stat_old(void *p) { return ipc(C_SHMCTL, mid, IPC_STAT, 0, p); }
static long m_set64(void *p) { return ipc(C_SHMCTL, mid, IPC_SET | V64, 0, p); }
static long m_set_old(void *p) { return ipc(C_SHMCTL, mid, IPC_SET, 0, p); }
static long m_info64(void *p) { return ipc(C_SHMCTL, 0, IPC_INFO | V64, 0, p); }
static long m_info_old(void *p) { return ipc(C_SHMCTL, 0, IPC_INFO, 0, p); }
static long m_shminfo(void *p) { return ipc(C_SHMCTL, 0, SHM_INFO, 0, p); }

static void test_matrix(void)
{
    static const struct { const char *what; long (*call)(void *); int out; } rows[] = {
        { "SHMAT third", m_at_third, 1 },
        { "SHMCTL IPC_STAT|IPC_64 buf", m_stat64, 1 },
        { "SHMCTL IPC_STAT (old) buf", m_stat_old, 1 },
        { "SHMCTL IPC_SET|IPC_64 buf", m_set64, 0 },
        { "SHMCTL IPC_SET (old) buf", m_set_old, 0 },
        { "SHMCTL IPC_INFO|IPC_64 buf", m_info64, 1 },
        { "SHMCTL IPC_INFO (old) buf", m_info_old, 1 },
        { "SHMCTL SHM_INFO buf", m_shminfo, 1 },
    };
    static const struct { const char *name; uintptr_t p; int out_only; } kinds[] = {
        { "NULL", 0, 0 }, { "unmapped 0x50000000", 0x50000000, 0 },
        { "0xC0000000", 0xC0000000u, 0 }, { "0xFFFFF000", 0xFFFFF000u, 0 },
        { "0xBFFFFFFE (straddles)", 0xBFFFFFFEu, 0 }, { "read-only page", 0, 1 },
    };
    mid = shmget(IPC_PRIVATE, PG, IPC_CREAT | 0600);
    T_OK(mid >= 0, "a segment for the matrix");
    for (unsigned r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
        for (unsigned k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
            if (kinds[k].out_only && !rows[r].out)
                continue;
            void *p = kinds[k].out_only ? (void *)ro_page : (void *)kinds[k].p;
            errno = 0;
            long ret = rows[r].call(p);
            int e = errno;
            char what[128], d[96];
            snprintf(what, sizeof(what), "%s = %s: EFAULT", rows[r].what, kinds[k].name);
            snprintf(d, sizeof(d), "got %ld errno %d (%s)", ret, e, strerror(e));
            t_check(ret == -1 && e == EFAULT, what, d);
        }
    }
    T_EQ(nattch(mid), 0, "the SHMAT rows left no attachment behind");
    T_EQ(ro_page[0], 0x5a, "the read-only page is unchanged");
    shmctl(mid, IPC_RMID, NULL);
}

int main(void)
{
    t_begin("shm_ipc_multiplexer");
    test_layout();
    test_calls();
    test_matrix();
    return t_end();
}
