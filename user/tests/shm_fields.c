/*
 * shm_fields: what IPC_STAT reports after each single-process event, per
 * the field-update table of docs/shm.md (Linux's):
 * create, shmat, shmdt, IPC_SET, IPC_RMID while attached. Also the i386
 * layout of struct shmid_ds and the zeroed time_high words.
 */
#include <agora_shm_test.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#define KEY_A    0x73460001
#define KEY_USER 0x73460002
#define KEY_RM   0x73460003

/* t is a real time within 5 s of now. */
static int near_now(time_t t)
{
    time_t now = time(NULL);
    return t > 0 && t <= now + 5 && t >= now - 5;
}

static void test_layout(void)
{
    T_EQ(sizeof(struct shmid_ds), 84, "sizeof(struct shmid_ds) == 84");
    T_EQ(offsetof(struct shmid_ds, shm_perm.mode), 20, "shm_perm.mode at 20");
    T_EQ(offsetof(struct shmid_ds, shm_perm.uid), 4, "shm_perm.uid at 4");
    T_EQ(offsetof(struct shmid_ds, shm_perm.cuid), 12, "shm_perm.cuid at 12");
    T_EQ(offsetof(struct shmid_ds, shm_segsz), 36, "shm_segsz at 36");
    T_EQ(offsetof(struct shmid_ds, shm_atime), 40, "shm_atime at 40");
    T_EQ(offsetof(struct shmid_ds, shm_dtime), 48, "shm_dtime at 48");
    T_EQ(offsetof(struct shmid_ds, shm_ctime), 56, "shm_ctime at 56");
    T_EQ(offsetof(struct shmid_ds, shm_cpid), 64, "shm_cpid at 64");
    T_EQ(offsetof(struct shmid_ds, shm_lpid), 68, "shm_lpid at 68");
    T_EQ(offsetof(struct shmid_ds, shm_nattch), 72, "shm_nattch at 72");
    T_EQ(sizeof(struct shminfo), 36, "sizeof(struct shminfo) == 36");
    T_EQ(sizeof(struct shm_info), 24, "sizeof(struct shm_info) == 24");
}

/* Bytes the kernel must zero: time_high words, pads, unused words. */
static void check_raw(int id, const char *when)
{
    unsigned char buf[84];
    memset(buf, 0x0A, sizeof(buf));
    char what[128];
    long r = syscall(SYS_shmctl, id, IPC_STAT, buf);
    snprintf(what, sizeof(what), "%s: raw IPC_STAT returns 0", when);
    T_EQ(r, 0, what);
    static const struct { int off; const char *name; } words[] = {
        { 44, "shm_atime_high" }, { 52, "shm_dtime_high" }, { 60, "shm_ctime_high" },
        { 76, "__unused4" }, { 80, "__unused5" }, { 28, "perm.__unused1" }, { 32, "perm.__unused2" },
    };
    for (unsigned i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        uint32_t w;
        memcpy(&w, buf + words[i].off, 4);
        snprintf(what, sizeof(what), "%s: %s (byte %d) is 0 (pre-filled 0x0A)", when, words[i].name, words[i].off);
        T_EQ(w, 0, what);
    }
    uint16_t pad1, pad2;
    memcpy(&pad1, buf + 22, 2);
    memcpy(&pad2, buf + 26, 2);
    snprintf(what, sizeof(what), "%s: the pads after mode and seq are 0", when);
    T_OK(pad1 == 0 && pad2 == 0, what);

    /* Through libc too: 64-bit times with the high half zero. */
    struct shmid_ds ds;
    memset(&ds, 0x0A, sizeof(ds));
    shmctl(id, IPC_STAT, &ds);
    snprintf(what, sizeof(what), "%s: libc's 64-bit times are below 2^32", when);
    T_OK((uint64_t)ds.shm_atime >> 32 == 0 && (uint64_t)ds.shm_dtime >> 32 == 0 &&
         (uint64_t)ds.shm_ctime >> 32 == 0, what);
    snprintf(what, sizeof(what), "%s: libc's mode has no stray high bits", when);
    T_OK((ds.shm_perm.mode & ~07777u) == 0, what);
}

static void test_create(void)
{
    rm_key(KEY_A);
    time_t t0 = time(NULL);
    int id = shmget(KEY_A, 4, IPC_CREAT | IPC_EXCL | 0640);
    struct shmid_ds ds;
    T_OK(id >= 0 && shm_stat(id, &ds) == 0, "create 4 bytes, mode 0640, and IPC_STAT");
    T_EQ(ds.shm_perm.__key, KEY_A, "create: key");
    T_EQ(ds.shm_perm.uid, geteuid(), "create: uid == euid");
    T_EQ(ds.shm_perm.cuid, geteuid(), "create: cuid == euid");
    T_EQ(ds.shm_perm.gid, getegid(), "create: gid == egid");
    T_EQ(ds.shm_perm.cgid, getegid(), "create: cgid == egid");
    T_EQ(ds.shm_perm.mode, 0640, "create: mode == flag & 0777");
    T_EQ(ds.shm_segsz, 4, "create: segsz 4 (not rounded)");
    T_EQ(ds.shm_cpid, getpid(), "create: cpid == getpid()");
    T_EQ(ds.shm_lpid, 0, "create: lpid == 0");
    T_EQ(ds.shm_nattch, 0, "create: nattch == 0");
    T_EQ(ds.shm_atime, 0, "create: atime == 0");
    T_EQ(ds.shm_dtime, 0, "create: dtime == 0");
    T_OK(near_now(ds.shm_ctime) && ds.shm_ctime >= t0, "create: ctime is now");
    check_raw(id, "create");
    time_t ctime0 = ds.shm_ctime;

    /* shmat */
    char *p = shmat(id, NULL, 0);
    struct shmid_ds at;
    T_OK(p != AT_FAILED && shm_stat(id, &at) == 0, "shmat, then IPC_STAT");
    T_EQ(at.shm_nattch, 1, "shmat: nattch 0 -> 1");
    T_OK(near_now(at.shm_atime), "shmat: atime is now");
    T_EQ(at.shm_lpid, getpid(), "shmat: lpid == getpid()");
    T_EQ(at.shm_dtime, 0, "shmat: dtime still 0");
    T_EQ(at.shm_ctime, ctime0, "shmat: ctime unchanged");
    T_EQ(at.shm_cpid, getpid(), "shmat: cpid unchanged");
    T_EQ(at.shm_segsz, 4, "shmat: segsz still 4");
    char *p2 = shmat(id, NULL, SHM_RDONLY);
    shm_stat(id, &at);
    T_EQ(at.shm_nattch, 2, "a second (read-only) shmat: nattch 2");

    /* shmdt */
    struct shmid_ds dt;
    T_OK(p2 != AT_FAILED && shmdt(p2) == 0 && shm_stat(id, &dt) == 0, "shmdt, then IPC_STAT");
    T_EQ(dt.shm_nattch, 1, "shmdt: nattch 2 -> 1");
    T_OK(near_now(dt.shm_dtime), "shmdt: dtime is now");
    T_EQ(dt.shm_lpid, getpid(), "shmdt: lpid == getpid()");
    T_EQ(dt.shm_atime, at.shm_atime, "shmdt: atime unchanged");
    T_EQ(dt.shm_ctime, ctime0, "shmdt: ctime unchanged");
    if (p != AT_FAILED)
        shmdt(p);
    shm_stat(id, &dt);
    T_EQ(dt.shm_nattch, 0, "the last shmdt: nattch 0");
    check_raw(id, "after shmat and shmdt");

    /* IPC_SET moves ctime and nothing else but uid, gid, mode. */
    sleep(1);
    struct shmid_ds set = dt, st;
    set.shm_perm.mode = 0600;
    T_EQ(shmctl(id, IPC_SET, &set), 0, "IPC_SET");
    shm_stat(id, &st);
    T_OK(st.shm_ctime > ctime0 && near_now(st.shm_ctime), "IPC_SET: ctime moves to now");
    T_EQ(st.shm_perm.mode, 0600, "IPC_SET: mode");
    T_EQ(st.shm_atime, dt.shm_atime, "IPC_SET: atime unchanged");
    T_EQ(st.shm_dtime, dt.shm_dtime, "IPC_SET: dtime unchanged");
    T_EQ(st.shm_lpid, dt.shm_lpid, "IPC_SET: lpid unchanged");
    T_EQ(st.shm_perm.__key, KEY_A, "IPC_SET: key unchanged");

    T_EQ(shmctl(id, IPC_RMID, NULL), 0, "IPC_RMID with nattch 0");
    T_ERRNO(shmctl(id, IPC_STAT, &st), EINVAL, "IPC_RMID with nattch 0 destroys at once");
    T_ERRNO(shmget(KEY_A, 0, 0), ENOENT, "... and frees the key");
}

static void test_sizes(void)
{
    static const struct { size_t size; int flag; unsigned mode; } cases[] = {
        { 1, 0600, 0600 }, { 2048, 0666, 0666 }, { 4095, 0400, 0400 }, { 4096, 0, 0 },
        { 4097, 0751, 0751 }, { 3 * PG + 1, 0777, 0777 },
        { 100, IPC_CREAT | IPC_EXCL | SHM_NORESERVE | 0123, 0123 },
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int id = shmget(IPC_PRIVATE, cases[i].size, cases[i].flag);
        struct shmid_ds ds;
        char what[96];
        snprintf(what, sizeof(what), "size %zu: segsz exact, mode %03o", cases[i].size, cases[i].mode);
        T_OK(id >= 0 && shm_stat(id, &ds) == 0 && ds.shm_segsz == cases[i].size &&
             ds.shm_perm.mode == cases[i].mode && ds.shm_perm.__key == IPC_PRIVATE, what);
        if (id >= 0)
            shmctl(id, IPC_RMID, NULL);
    }
}

/* Creator and owner ids are the effective ones, not the real ones. */
static void test_effective_ids(void)
{
    rm_key(KEY_USER);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        setgroups(0, NULL);
        if (setresgid(2000, 1000, 1000) < 0 || setresuid(2000, 1000, 1000) < 0)
            _exit(2);
        _exit(shmget(KEY_USER, 100, IPC_CREAT | IPC_EXCL | 0644) < 0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    int id = shmget(KEY_USER, 0, 0);
    struct shmid_ds ds;
    T_OK(WIFEXITED(status) && WEXITSTATUS(status) == 0 && id >= 0 && shm_stat(id, &ds) == 0,
         "a child with ruid 2000, euid 1000 creates a segment");
    T_EQ(ds.shm_perm.uid, 1000, "uid is the creator's euid");
    T_EQ(ds.shm_perm.cuid, 1000, "cuid is the creator's euid");
    T_EQ(ds.shm_perm.gid, 1000, "gid is the creator's egid");
    T_EQ(ds.shm_perm.cgid, 1000, "cgid is the creator's egid");
    T_EQ(ds.shm_cpid, pid, "cpid is the child's pid");
    T_EQ(ds.shm_lpid, 0, "lpid still 0");
    if (id >= 0)
        shmctl(id, IPC_RMID, NULL);
}

static void test_rmid_attached(void)
{
    rm_key(KEY_RM);
    int id = shmget(KEY_RM, 2 * PG, IPC_CREAT | IPC_EXCL | 0600);
    char *p = shmat(id, NULL, 0);
    struct shmid_ds before, ds;
    T_OK(id >= 0 && p != AT_FAILED && shm_stat(id, &before) == 0, "set up: attached keyed segment");
    if (p == AT_FAILED)
        return;
    memset(p, 0x5A, 2 * PG);
    sleep(1);
    T_EQ(shmctl(id, IPC_RMID, NULL), 0, "IPC_RMID with nattch 1 returns 0");
    T_EQ(shm_stat(id, &ds), 0, "the id still answers IPC_STAT");
    T_EQ(ds.shm_perm.__key, IPC_PRIVATE, "RMID: key becomes 0 (IPC_PRIVATE)");
    T_EQ(ds.shm_perm.mode, SHM_DEST | 0600, "RMID: mode gains SHM_DEST (01000)");
    T_EQ(ds.shm_ctime, before.shm_ctime, "RMID: ctime unchanged");
    T_EQ(ds.shm_nattch, 1, "RMID: nattch unchanged");
    T_EQ(p[PG + 7], 0x5A, "the data is still readable");
    T_ERRNO(shmget(KEY_RM, 0, 0), ENOENT, "shmget(key, 0, 0) after RMID: ENOENT");
    T_EQ(shmctl(id, IPC_RMID, NULL), 0, "a second IPC_RMID of the marked id returns 0");
    T_EQ(shm_stat(id, &ds), 0, "and the id still answers while attached");

    int nid = shmget(KEY_RM, 2 * PG, IPC_CREAT | 0600);
    T_OK(nid >= 0 && nid != id, "shmget(key, IPC_CREAT) creates a new segment with a new id");
    char *n = nid >= 0 ? shmat(nid, NULL, 0) : AT_FAILED;
    int zero = n != AT_FAILED;
    for (unsigned i = 0; zero && i < 2 * PG; i++)
        if (n[i])
            zero = 0;
    T_OK(zero, "the new segment is zero-filled");
    if (n != AT_FAILED)
        shmdt(n);

    char *q = shmat(id, NULL, 0);
    T_OK(q != AT_FAILED, "shmat by the old id still works");
    shm_stat(id, &ds);
    T_EQ(ds.shm_nattch, 2, "nattch 2");
    T_EQ(ds.shm_perm.mode, SHM_DEST | 0600, "still SHM_DEST");
    T_OK(q != AT_FAILED && q[5] == 0x5A, "the old data through the new attachment");
    if (q != AT_FAILED)
        shmdt(q);
    shm_stat(id, &ds);
    T_EQ(ds.shm_nattch, 1, "nattch 1 after one shmdt");
    T_EQ(shmdt(p), 0, "the last shmdt");
    T_ERRNO(shmctl(id, IPC_STAT, &ds), EINVAL, "after the last shmdt the old id is EINVAL");
    T_ERRNO(shmat(id, NULL, 0), EINVAL, "shmat of the old id: EINVAL");
    T_EQ(shmget(KEY_RM, 0, 0), nid, "the key now finds the new segment");
    if (nid >= 0)
        shmctl(nid, IPC_RMID, NULL);
}

int main(void)
{
    t_begin("shm_fields");

    test_layout();
    test_create();
    test_sizes();
    test_effective_ids();
    test_rmid_attached();

    return t_end();
}
