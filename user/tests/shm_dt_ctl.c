/*
 * shm_dt_ctl: shmdt(2) and shmctl(2) as docs/shm.md describes them: which
 * address shmdt accepts and what it removes; shmctl's common prologue,
 * the order of EINVAL / EFAULT / EPERM / EACCES per command, what IPC_SET
 * may change, SHM_LOCK's mark, and the info commands as ipcs uses them.
 *
 * Bad-buffer cases call the raw system call (396), so libc never touches
 * the buffer itself. Non-root cases run in a child that drops to
 * uid/gid 1000 and reports the errno of its call through its exit status.
 */
#include <agora_shm_test.h>
#include <sys/sysinfo.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <time.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>

#define KEY_MINE 0x73440001     /* a mode-0 segment of uid 1000's own */

/* One shmctl call and the errno it must give (0: it must succeed). */
struct ctl_case {
    const char *what;
    int id;
    int cmd;
    void *buf;
    int raw;                            /* 1: syscall(SYS_shmctl, ...) */
    int err;
};

static long ctl(const struct ctl_case *c)
{
    if (c->raw)
        return syscall(SYS_shmctl, c->id, c->cmd, c->buf);
    return shmctl(c->id, c->cmd, c->buf);
}

/* Child body: the errno of one shmctl (0 if it succeeded). */
static int do_ctl(const void *arg)
{
    errno = 0;
    return ctl(arg) < 0 ? errno : 0;
}

static sigjmp_buf segv_env;

static void on_segv(int sig)
{
    (void)sig;
    siglongjmp(segv_env, 1);
}

/* 1 if writing *p faults (caught with a SIGSEGV handler), else 0. */
static int write_faults(volatile char *p)
{
    struct sigaction sa, old;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_segv;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &old);
    int faulted = 0;
    if (sigsetjmp(segv_env, 1) == 0)
        *p = 1;
    else
        faulted = 1;
    sigaction(SIGSEGV, &old, NULL);
    return faulted;
}

static void test_shmdt(void)
{
    int id = shmget(IPC_PRIVATE, 3 * PG, 0600);
    char *p = shmat(id, NULL, 0);
    uintptr_t fa = free_area(1);
    T_OK(id >= 0 && p != AT_FAILED && fa != 0, "set up: a 3-page segment attached");
    if (p == AT_FAILED)
        return;

    const struct { const char *what; uintptr_t addr; } cases[] = {
        { "unaligned address (start + 1)", (uintptr_t)p + 1 },
        { "unaligned address (start + 50)", (uintptr_t)p + 50 },
        { "unaligned address (start + 4095)", (uintptr_t)p + 4095 },
        { "a never-attached aligned address", fa },
        { "NULL", 0 },
        { "inside the attachment (start + 4096)", (uintptr_t)p + PG },
        { "inside the attachment (start + 8192)", (uintptr_t)p + 2 * PG },
        { "just past the attachment", (uintptr_t)p + 3 * PG },
        { "our own text", (uintptr_t)&become & ~(uintptr_t)(PG - 1) },
        { "0xC0000000", USER_TOP },
        { "0xFFFFF000", 0xFFFFF000u },
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        T_ERRNO(shmdt((void *)cases[i].addr), EINVAL, cases[i].what);
    T_EQ(nattch(id), 1, "the failed shmdt calls left nattch at 1");
    p[0] = 'a';
    p[3 * PG - 1] = 'z';
    T_OK(p[0] == 'a' && p[3 * PG - 1] == 'z', "the attachment still works end to end");

    /* Only the attachment at that address goes. */
    char *q = shmat(id, NULL, 0);
    T_OK(q != AT_FAILED, "a second attachment");
    T_EQ(nattch(id), 2, "nattch 2");
    T_EQ(shmdt(p), 0, "shmdt of the first returns 0");
    T_EQ(nattch(id), 1, "nattch 1: only that attachment was removed");
    T_OK(q != AT_FAILED && q[0] == 'a' && q[3 * PG - 1] == 'z', "the second one still reads the data");
    T_ERRNO(shmdt(p), EINVAL, "shmdt of the same address again");

    /* The old address faults, in a child and in this process. */
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        ((volatile char *)p)[PG] = 1;
        _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    T_OK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV, "a child writing the old address gets SIGSEGV");
    T_EQ(write_faults(p), 1, "writing the old address faults (caught, siglongjmp)");
    T_EQ(write_faults(p + 2 * PG), 1, "so does its last page");

    char *r = shmat(id, p, 0);
    T_EQ((uintptr_t)r, (uintptr_t)p, "re-attaching at the old address works");
    T_OK(r != AT_FAILED && r[0] == 'a' && r[3 * PG - 1] == 'z', "and shows the data");
    T_EQ(write_faults(p), 0, "writing there no longer faults");
    if (r != AT_FAILED)
        shmdt(r);
    if (q != AT_FAILED)
        shmdt(q);
    T_EQ(nattch(id), 0, "nattch 0");
    shmctl(id, IPC_RMID, NULL);
}

/*
 * nattch counts mapping pieces (Linux VMAs): munmap and mprotect splits
 * change it, and shmdt(start) removes every remaining piece.
 */
static void test_splits(void)
{
    /* munmap of a range with nothing mapped succeeds, as on Linux. */
    uintptr_t fa = free_area(1);
    T_EQ(munmap((void *)fa, PG), 0, "munmap of an unmapped range");
    T_ERRNO(mprotect((void *)fa, PG, PROT_READ), ENOMEM, "mprotect of an unmapped range: ENOMEM");
    int id = shmget(IPC_PRIVATE, 3 * PG, 0600);
    T_OK(id >= 0, "set up: a 3-page segment");

    char *p = shmat(id, NULL, 0);
    T_OK(p != AT_FAILED && munmap(p, PG) == 0, "munmap of the first page of an attachment");
    T_EQ(nattch(id), 1, "munmap of the first page: nattch stays 1 (one piece left)");
    if (p != AT_FAILED) {
        p[PG] = 'm';
        T_EQ(write_faults(p), 1, "the unmapped first page faults");
        T_EQ(shmdt(p), 0, "shmdt(start) after the first page was unmapped returns 0");
        T_EQ(nattch(id), 0, "and removes the remaining piece: nattch 0");
        T_EQ(write_faults(p + PG), 1, "the rest faults now too");
    }

    p = shmat(id, NULL, 0);
    T_OK(p != AT_FAILED && munmap(p + PG, PG) == 0, "munmap of the middle page");
    T_EQ(nattch(id), 2, "munmap of the middle page: nattch 2 (two pieces)");
    if (p != AT_FAILED) {
        char *q = shmat(id, NULL, SHM_RDONLY);      /* the hole's page, seen elsewhere */
        T_OK(q != AT_FAILED && q[PG] == 'm', "the segment's pages are intact");
        if (q != AT_FAILED)
            shmdt(q);
        T_EQ(write_faults(p + PG), 1, "the unmapped middle page faults");
        T_EQ(shmdt(p), 0, "shmdt(start) with a hole in the middle");
        T_EQ(nattch(id), 0, "removes both pieces: nattch 0");
    }

    p = shmat(id, NULL, 0);
    T_OK(p != AT_FAILED && mprotect(p + PG, PG, PROT_READ) == 0, "mprotect of the middle page");
    T_EQ(nattch(id), 3, "mprotect of the middle page: nattch 1 -> 3");
    if (p != AT_FAILED) {
        T_EQ(write_faults(p + PG), 1, "the read-only middle page faults on write");
        T_EQ(write_faults(p + 2 * PG), 0, "the last page is still writable");
        T_EQ(shmdt(p), 0, "shmdt(start) of the split attachment");
        T_EQ(nattch(id), 0, "removes all three pieces: nattch 0");
    }

    /* LTP shmat04: split, then change the protection back across it. */
    p = shmat(id, NULL, 0);
    T_OK(p != AT_FAILED && mprotect(p + PG, PG, PROT_NONE) == 0 &&
         mprotect(p, 2 * PG, PROT_READ | PROT_WRITE) == 0, "mprotect PROT_NONE, then RW over two pages");
    if (p != AT_FAILED)
        T_EQ(shmdt(p), 0, "shmdt after the protections were changed back");
    T_EQ(nattch(id), 0, "nattch back to 0 (no leaked piece)");

    p = shmat(id, NULL, 0);
    struct shmid_ds ds;
    T_OK(p != AT_FAILED && munmap(p, 3 * PG) == 0, "munmap of a whole attachment");
    T_OK(shm_stat(id, &ds) == 0 && ds.shm_nattch == 0 && ds.shm_lpid == getpid() && ds.shm_dtime > 0,
         "acts as shmdt: nattch 0, lpid and dtime set");
    T_ERRNO(shmdt(p), EINVAL, "shmdt afterwards: EINVAL");
    shmctl(id, IPC_RMID, NULL);
}

static void test_ctl_errors(void)
{
    int id = shmget(IPC_PRIVATE, PG, 0600);
    int removed = shmget(IPC_PRIVATE, PG, 0600);
    shmctl(removed, IPC_RMID, NULL);
    struct shmid_ds good;
    T_OK(id >= 0 && shm_stat(id, &good) == 0, "set up: a segment and its IPC_STAT");
    struct shmid_ds bad_uid = good, bad_gid = good;
    bad_uid.shm_perm.uid = (uid_t)-1;
    bad_gid.shm_perm.gid = (gid_t)-1;
    void *unmapped = (void *)free_area(1);
    void *kernel = (void *)USER_TOP;
    int idx = id % 32768;

    const struct ctl_case cases[] = {
        { "cmd -1", id, -1, &good, 0, EINVAL },
        { "cmd -1, raw", id, -1, &good, 1, EINVAL },
        { "shmid -1, IPC_STAT", -1, IPC_STAT, &good, 0, EINVAL },
        { "shmid -1, IPC_RMID", -1, IPC_RMID, NULL, 0, EINVAL },
        { "shmid -1, IPC_INFO (checked even though the id is unused)", -1, IPC_INFO, &good, 1, EINVAL },
        { "shmid -1, SHM_INFO", -1, SHM_INFO, &good, 1, EINVAL },
        { "shmid -1, SHM_STAT_ANY", -1, SHM_STAT_ANY, &good, 1, EINVAL },
        { "unknown cmd 99", id, 99, &good, 0, EINVAL },
        { "unknown cmd 99, raw", id, 99, &good, 1, EINVAL },
        { "unknown cmd 16, raw", id, 16, &good, 1, EINVAL },
        { "IPC_64|IPC_STAT (0x102) on the direct syscall", id, IPC_64 | IPC_STAT, &good, 1, EINVAL },
        { "IPC_64|IPC_RMID (0x100) on the direct syscall", id, IPC_64 | IPC_RMID, NULL, 1, EINVAL },
        { "IPC_64|IPC_INFO (0x103) on the direct syscall", 0, IPC_64 | IPC_INFO, &good, 1, EINVAL },
        { "IPC_STAT of a removed id", removed, IPC_STAT, &good, 0, EINVAL },
        { "IPC_SET of a removed id", removed, IPC_SET, &good, 0, EINVAL },
        { "IPC_RMID of a removed id", removed, IPC_RMID, NULL, 0, EINVAL },
        { "SHM_LOCK of a removed id", removed, SHM_LOCK, NULL, 0, EINVAL },
        { "SHM_UNLOCK of a removed id", removed, SHM_UNLOCK, NULL, 0, EINVAL },
        { "IPC_STAT: EINVAL beats EFAULT (removed id, kernel buf)", removed, IPC_STAT, kernel, 1, EINVAL },
        { "IPC_STAT: EINVAL beats EFAULT (removed id, NULL buf)", removed, IPC_STAT, NULL, 1, EINVAL },
        { "IPC_STAT: EFAULT, good id, kernel-space buf", id, IPC_STAT, kernel, 1, EFAULT },
        { "IPC_STAT: EFAULT, good id, unmapped buf", id, IPC_STAT, unmapped, 1, EFAULT },
        { "IPC_STAT: EFAULT, good id, NULL buf", id, IPC_STAT, NULL, 1, EFAULT },
        { "IPC_STAT: EFAULT, good id, buf straddling 0xC0000000", id, IPC_STAT, (char *)kernel - 40, 1, EFAULT },
        { "IPC_SET: EFAULT beats EINVAL (removed id, kernel buf)", removed, IPC_SET, kernel, 1, EFAULT },
        { "IPC_SET: EFAULT beats EINVAL (removed id, NULL buf)", removed, IPC_SET, NULL, 1, EFAULT },
        { "IPC_SET: EFAULT, good id, unmapped buf", id, IPC_SET, unmapped, 1, EFAULT },
        { "IPC_SET: EINVAL for uid (uid_t)-1", id, IPC_SET, &bad_uid, 0, EINVAL },
        { "IPC_SET: EINVAL for gid (gid_t)-1", id, IPC_SET, &bad_gid, 0, EINVAL },
        { "IPC_INFO: EFAULT, kernel buf", 0, IPC_INFO, kernel, 1, EFAULT },
        { "SHM_INFO: EFAULT, unmapped buf", 0, SHM_INFO, unmapped, 1, EFAULT },
        { "SHM_STAT: EFAULT, good index, kernel buf", idx, SHM_STAT, kernel, 1, EFAULT },
        { "SHM_STAT: index 32767 (no such slot)", 32767, SHM_STAT, &good, 0, EINVAL },
        { "SHM_STAT_ANY: index 32767", 32767, SHM_STAT_ANY, &good, 1, EINVAL },
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        T_ERRNO(ctl(&cases[i]), cases[i].err, cases[i].what);

    struct shmid_ds ds;
    T_EQ(shm_stat(id, &ds), 0, "the segment survived the 0x100 command");
    T_OK(ds.shm_perm.uid == 0 && ds.shm_perm.gid == 0 && (ds.shm_perm.mode & 0777) == 0600,
         "the failed IPC_SET calls changed nothing");
    T_EQ(syscall(SYS_shmctl, id, IPC_RMID, (void *)1), 0, "IPC_RMID ignores buf");
    T_ERRNO(shmctl(id, IPC_STAT, &ds), EINVAL, "and the id is gone");
}

static void test_ctl_users(void)
{
    int id = shmget(IPC_PRIVATE, PG, 0600);
    struct shmid_ds ds;
    T_OK(id >= 0 && shm_stat(id, &ds) == 0, "set up: root's 0600 segment");

    /* uid 1000 creates a mode-0 segment of its own. */
    int mine = -1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        if (become(USER_ID, GROUP_ID) < 0)
            _exit(1);
        _exit(shmget(KEY_MINE, PG, IPC_CREAT | IPC_EXCL | 0) < 0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    mine = shmget(KEY_MINE, 0, 0);
    T_OK(WIFEXITED(status) && WEXITSTATUS(status) == 0 && mine >= 0,
         "uid 1000 creates a mode-0 segment");
    struct shmid_ds mine_ds;
    shm_stat(mine, &mine_ds);

    /* Root hands a third one to uid 1000 (cuid stays 0). */
    int given = shmget(IPC_PRIVATE, PG, 0600);
    struct shmid_ds gds;
    shm_stat(given, &gds);
    gds.shm_perm.uid = USER_ID;
    T_EQ(shmctl(given, IPC_SET, &gds), 0, "root gives a segment to uid 1000");

    struct shmid_ds sink;
    const struct ctl_case cases[] = {
        { "EPERM: non-owner IPC_SET", id, IPC_SET, &ds, 0, EPERM },
        { "EPERM: non-owner IPC_RMID", id, IPC_RMID, NULL, 0, EPERM },
        { "EPERM: non-owner SHM_LOCK", id, SHM_LOCK, NULL, 0, EPERM },
        { "EPERM: non-owner SHM_UNLOCK", id, SHM_UNLOCK, NULL, 0, EPERM },
        { "EACCES: non-owner IPC_STAT of 0600", id, IPC_STAT, &sink, 0, EACCES },
        { "EACCES: non-owner SHM_STAT of 0600", id % 32768, SHM_STAT, &sink, 0, EACCES },
        { "non-owner SHM_STAT_ANY of 0600 works", id % 32768, SHM_STAT_ANY, &sink, 0, 0 },
        { "non-owner IPC_INFO works", 0, IPC_INFO, &sink, 0, 0 },
        { "non-owner SHM_INFO works", 0, SHM_INFO, &sink, 0, 0 },
        { "EINVAL before EPERM: non-owner IPC_RMID of a bad id", id + 32768, IPC_RMID, NULL, 0, EINVAL },
        { "EFAULT before EPERM: non-owner IPC_SET, bad buf", id, IPC_SET, NULL, 1, EFAULT },
        { "EACCES: owner IPC_STAT of its mode-0 segment", mine, IPC_STAT, &sink, 0, EACCES },
        { "EACCES: owner SHM_STAT of its mode-0 segment", mine % 32768, SHM_STAT, &sink, 0, EACCES },
        { "owner SHM_STAT_ANY of its mode-0 segment", mine % 32768, SHM_STAT_ANY, &sink, 0, 0 },
        { "owner IPC_SET of its mode-0 segment (no mode bits needed)", mine, IPC_SET, &mine_ds, 0, 0 },
        { "owner SHM_LOCK of its mode-0 segment", mine, SHM_LOCK, NULL, 0, 0 },
        { "owner SHM_UNLOCK of its mode-0 segment", mine, SHM_UNLOCK, NULL, 0, 0 },
        { "uid (not creator) IPC_STAT of 0600", given, IPC_STAT, &sink, 0, 0 },
        { "uid (not creator) IPC_SET", given, IPC_SET, &gds, 0, 0 },
        { "owner IPC_RMID of its mode-0 segment", mine, IPC_RMID, NULL, 0, 0 },
        { "uid (not creator) IPC_RMID", given, IPC_RMID, NULL, 0, 0 },
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        T_EQ(as_user(USER_ID, GROUP_ID, do_ctl, &cases[i]), cases[i].err, cases[i].what);

    T_ERRNO(shmctl(mine, IPC_STAT, &sink), EINVAL, "the owner's IPC_RMID removed it");
    T_ERRNO(shmctl(given, IPC_STAT, &sink), EINVAL, "the new uid's IPC_RMID removed it");
    T_EQ(nattch(id), 0, "root's segment survived");
    shmctl(id, IPC_RMID, NULL);
    if (mine >= 0)
        shmctl(mine, IPC_RMID, NULL);
    if (given >= 0)
        shmctl(given, IPC_RMID, NULL);
}

static void test_ipc_set(void)
{
    int id = shmget(IPC_PRIVATE, PG, 0600);
    struct shmid_ds ds, after;
    T_OK(id >= 0 && shm_stat(id, &ds) == 0, "set up: a 0600 segment");
    time_t ctime0 = ds.shm_ctime;

    sleep(1);
    ds.shm_perm.uid = 1000;
    ds.shm_perm.gid = 2000;
    ds.shm_perm.cuid = 3000;
    ds.shm_perm.cgid = 4000;
    ds.shm_perm.mode = 07777;
    ds.shm_segsz = 999999;
    ds.shm_nattch = 77;
    ds.shm_cpid = 12345;
    T_EQ(shmctl(id, IPC_SET, &ds), 0, "IPC_SET returns 0");
    T_EQ(shm_stat(id, &after), 0, "IPC_STAT returns 0");
    T_EQ(after.shm_perm.uid, 1000, "IPC_SET sets uid");
    T_EQ(after.shm_perm.gid, 2000, "IPC_SET sets gid");
    T_EQ(after.shm_perm.cuid, 0, "cuid unchanged");
    T_EQ(after.shm_perm.cgid, 0, "cgid unchanged");
    T_EQ(after.shm_perm.mode, 0777, "mode 07777 is stored as 0777 (low 9 bits only)");
    T_EQ(after.shm_segsz, PG, "segsz unchanged");
    T_EQ(after.shm_nattch, 0, "nattch unchanged");
    T_EQ(after.shm_cpid, getpid(), "cpid unchanged");
    T_OK(after.shm_ctime > ctime0, "ctime moved (strictly later after sleep(1))");
    T_OK(after.shm_ctime <= ctime0 + 10, "by at most 10 s");

    /* SHM_LOCK / SHM_UNLOCK mark the mode. */
    T_EQ(shmctl(id, SHM_LOCK, NULL), 0, "SHM_LOCK returns 0");
    shm_stat(id, &after);
    T_EQ(after.shm_perm.mode, SHM_LOCKED | 0777, "SHM_LOCK sets SHM_LOCKED (02000)");
    T_EQ(shmctl(id, SHM_LOCK, NULL), 0, "SHM_LOCK twice is fine");
    ds.shm_perm.mode = 0640;
    T_EQ(shmctl(id, IPC_SET, &ds), 0, "IPC_SET mode 0640 while locked");
    shm_stat(id, &after);
    T_EQ(after.shm_perm.mode, SHM_LOCKED | 0640, "IPC_SET keeps SHM_LOCKED");
    ds.shm_perm.mode = SHM_LOCKED | SHM_DEST | 0600;
    T_EQ(shmctl(id, SHM_UNLOCK, NULL), 0, "SHM_UNLOCK returns 0");
    shm_stat(id, &after);
    T_EQ(after.shm_perm.mode, 0640, "SHM_UNLOCK clears SHM_LOCKED");
    T_EQ(shmctl(id, IPC_SET, &ds), 0, "IPC_SET with SHM_LOCKED|SHM_DEST in the new mode");
    shm_stat(id, &after);
    T_EQ(after.shm_perm.mode, 0600, "... sets neither");
    T_EQ(shmctl(id, SHM_UNLOCK, NULL), 0, "SHM_UNLOCK of an unlocked segment is fine");

    /* SHM_DEST is kept across IPC_SET too. */
    char *p = shmat(id, NULL, 0);
    T_OK(p != AT_FAILED, "attach");
    T_EQ(shmctl(id, IPC_RMID, NULL), 0, "IPC_RMID while attached");
    ds.shm_perm.mode = 0644;
    T_EQ(shmctl(id, IPC_SET, &ds), 0, "IPC_SET on the removed, still attached id");
    shm_stat(id, &after);
    T_EQ(after.shm_perm.mode, SHM_DEST | 0644, "IPC_SET keeps SHM_DEST");
    if (p != AT_FAILED)
        shmdt(p);
    T_ERRNO(shmctl(id, IPC_STAT, &after), EINVAL, "gone after the last detach");
}

static void test_info(void)
{
    struct shminfo si;
    memset(&si, 0xff, sizeof(si));
    int r = shmctl(0, IPC_INFO, (struct shmid_ds *)&si);
    T_OK(r >= 0, "IPC_INFO returns >= 0");
    T_EQ(si.shmmin, 1, "shmmin == 1");
    T_EQ(si.shmmni, 4096, "shmmni == 4096");
    T_EQ(si.shmseg, 4096, "shmseg == 4096");
    T_OK(si.shmmax > 0 && si.shmall > 0, "shmmax and shmall > 0");
    T_OK((unsigned long long)si.shmmax <= (unsigned long long)si.shmall * 4096,
         "shmmax <= shmall * 4096");
    struct sysinfo mem;
    sysinfo(&mem);
    unsigned long long ram_pages = (unsigned long long)mem.totalram * mem.mem_unit / 4096;
    T_EQ(si.shmall, ram_pages, "shmall is the usable RAM in pages (bounded by physical memory)");
    T_OK(si.shmmax >= 1u << 20 && si.shmmax <= ram_pages * 4096, "shmmax is at most the usable RAM");
    int r2 = shmctl(12345, IPC_INFO, (struct shmid_ds *)&si);
    T_EQ(r2, r, "IPC_INFO ignores a shmid >= 0");
    struct shm_info si2;
    T_EQ(shmctl(0, SHM_INFO, (struct shmid_ds *)&si2), r, "IPC_INFO and SHM_INFO return the same highest index");

    struct shm_info a, b, c, d;
    int hi0 = shmctl(0, SHM_INFO, (struct shmid_ds *)&a);
    int id = shmget(IPC_PRIVATE, 3 * PG - 100, 0600);
    int hi1 = shmctl(0, SHM_INFO, (struct shmid_ds *)&b);
    T_OK(hi0 >= 0 && id >= 0 && hi1 >= 0, "SHM_INFO, create a 3-page segment, SHM_INFO");
    T_EQ(b.used_ids, a.used_ids + 1, "used_ids grows by 1");
    T_EQ(b.shm_tot, a.shm_tot + 3, "shm_tot grows by 3 pages (size rounded up)");
    T_EQ(b.shm_rss, a.shm_rss, "shm_rss unchanged until touched");
    T_EQ(b.shm_swp, 0, "shm_swp == 0");
    T_OK(hi1 >= id % 32768, "SHM_INFO's index >= the new segment's index");

    /* The returned index is the highest one in use. */
    struct shmid_ds ds;
    T_OK(shmctl(hi1, SHM_STAT_ANY, &ds) >= 0, "the returned index is in use");
    int above = 0;
    for (int i = hi1 + 1; i < 4096; i++)
        if (shmctl(i, SHM_STAT_ANY, &ds) >= 0)
            above++;
    T_EQ(above, 0, "no index above it is in use");

    char *p = shmat(id, NULL, 0);
    T_OK(p != AT_FAILED, "attach");
    if (p != AT_FAILED) {
        p[0] = 1;
        p[2 * PG + 5] = 1;
    }
    shmctl(0, SHM_INFO, (struct shmid_ds *)&c);
    T_EQ(c.shm_rss, a.shm_rss + 2, "touching 2 pages: shm_rss grows by 2");
    if (p != AT_FAILED)
        shmdt(p);
    shmctl(0, SHM_INFO, (struct shmid_ds *)&c);
    T_EQ(c.shm_rss, a.shm_rss + 2, "detaching keeps the pages (the segment holds them)");

    /* SHM_STAT with an index returns the full id. */
    memset(&ds, 0, sizeof(ds));
    T_EQ(shmctl(id % 32768, SHM_STAT, &ds), id, "SHM_STAT(index) returns the full id");
    T_EQ(ds.shm_segsz, 3 * PG - 100, "and fills the segment's data");
    T_EQ(shmctl(id % 32768, SHM_STAT_ANY, &ds), id, "SHM_STAT_ANY(index) returns the full id");

    /* An empty slot. */
    int empty = -1;
    for (int i = 0; i < 4096 && empty < 0; i++)
        if (shmctl(i, SHM_STAT_ANY, &ds) < 0)
            empty = i;
    T_OK(empty >= 0, "found an empty slot");
    T_ERRNO(shmctl(empty, SHM_STAT, &ds), EINVAL, "SHM_STAT of an empty slot");
    T_ERRNO(shmctl(empty, SHM_STAT_ANY, &ds), EINVAL, "SHM_STAT_ANY of an empty slot");

    /* Iterate like ipcs: SHM_STAT over 0..max finds used_ids segments. */
    int max = shmctl(0, SHM_INFO, (struct shmid_ds *)&c), found = 0, wrong = 0;
    for (int i = 0; i <= max; i++) {
        int sid = shmctl(i, SHM_STAT, &ds);
        if (sid >= 0) {
            found++;
            if (sid % 32768 != i)
                wrong++;
        }
    }
    T_EQ(found, c.used_ids, "SHM_STAT over 0..max finds exactly used_ids segments");
    T_EQ(wrong, 0, "each id's index is where SHM_STAT found it");

    shmctl(id, IPC_RMID, NULL);
    int hi3 = shmctl(0, SHM_INFO, (struct shmid_ds *)&d);
    T_EQ(d.used_ids, a.used_ids, "used_ids back after IPC_RMID");
    T_EQ(d.shm_tot, a.shm_tot, "shm_tot back");
    T_EQ(d.shm_rss, a.shm_rss, "shm_rss back");
    T_OK(hi3 >= 0, "SHM_INFO still >= 0");
}

int main(void)
{
    t_begin("shm_dt_ctl");

    test_shmdt();
    test_splits();
    test_ctl_errors();
    test_ctl_users();
    test_ipc_set();
    test_info();

    return t_end();
}
