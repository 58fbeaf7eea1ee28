/*
 * shm_get_errors: every shmget(2) errno (docs/shm.md, "Semantics, call
 * by call"), in Linux's check order: key lookup (ENOENT), IPC_CREAT|IPC_EXCL (EEXIST), size
 * (EINVAL), permission (EACCES), then on create SHMMAX (EINVAL), SHMALL
 * and SHMMNI (ENOSPC). Also IPC_PRIVATE and IPC_CREAT on an existing key.
 *
 * Non-root cases run in a child that drops to uid/gid 1000 and reports
 * the errno of its one call (0 for success) through its exit status.
 */
#include <agora_shm_test.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#define KEY_EXIST   0x73470001  /* root's 0600 segment of 8192 bytes */
#define KEY_MISSING 0x73470002  /* never created */
#define KEY_USER0   0x73470003  /* mode 0, created by uid 1000 */
#define KEY_GROUP   0x73470004  /* root's, mode 0640, group 1000 */
#define KEY_OTHER   0x73470005  /* root's, mode 0604 */
#define KEY_NEW     0x73470006  /* made by IPC_CREAT in a success row */
#define KEY_GRP0    0x73470007  /* root's, mode 0604, group 1000 */

/* One shmget call and the errno it must give (0: it must succeed). */
struct get_case {
    const char *what;
    key_t key;
    size_t size;
    int flag;
    int err;
};

/* Child body: the errno of one shmget (0 if it succeeded). */
static int do_get(const void *arg)
{
    const struct get_case *c = arg;
    errno = 0;
    return shmget(c->key, c->size, c->flag) < 0 ? errno : 0;
}

/* Child body: create KEY_USER0 with mode 0 as the caller. */
static int make_user_segment(const void *arg)
{
    (void)arg;
    return shmget(KEY_USER0, 4096, IPC_CREAT | IPC_EXCL | 0) < 0 ? errno : 0;
}

static int stat_mode(int id)
{
    struct shmid_ds ds;
    if (shmctl(id, IPC_STAT, &ds) < 0)
        return -1;
    return (int)(ds.shm_perm.mode & 07777);
}

static void test_root_errors(unsigned long shmmax)
{
    /* shmmax + 1 cannot wrap: agora bounds shmmax by physical memory. */
    const struct get_case cases[] = {
        { "ENOENT: missing key without IPC_CREAT", KEY_MISSING, 4096, 0600, ENOENT },
        { "ENOENT: missing key, flag 0", KEY_MISSING, 4096, 0, ENOENT },
        { "ENOENT: IPC_EXCL without IPC_CREAT on a missing key", KEY_MISSING, 4096, IPC_EXCL | 0600, ENOENT },
        { "ENOENT: size 0 without IPC_CREAT (lookup before size)", KEY_MISSING, 0, 0600, ENOENT },
        { "ENOENT: size > SHMMAX without IPC_CREAT (lookup before size)", KEY_MISSING, shmmax + 1, 0600, ENOENT },
        { "EEXIST: IPC_CREAT|IPC_EXCL on an existing key", KEY_EXIST, 4096, IPC_CREAT | IPC_EXCL | 0600, EEXIST },
        { "EEXIST: IPC_CREAT|IPC_EXCL, size 0", KEY_EXIST, 0, IPC_CREAT | IPC_EXCL | 0600, EEXIST },
        { "EEXIST beats a size larger than the segment", KEY_EXIST, 1 << 20, IPC_CREAT | IPC_EXCL | 0600, EEXIST },
        { "EEXIST beats a size larger than SHMMAX", KEY_EXIST, shmmax + 1, IPC_CREAT | IPC_EXCL | 0600, EEXIST },
        { "EINVAL: IPC_PRIVATE, size 0", IPC_PRIVATE, 0, 0600, EINVAL },
        { "EINVAL: IPC_CREAT on a missing key, size 0", KEY_MISSING, 0, IPC_CREAT | 0600, EINVAL },
        { "EINVAL: IPC_PRIVATE, size SHMMAX + 1", IPC_PRIVATE, shmmax + 1, 0600, EINVAL },
        { "EINVAL: IPC_CREAT on a missing key, size SHMMAX + 1", KEY_MISSING, shmmax + 1, IPC_CREAT | 0600, EINVAL },
        { "EINVAL: IPC_PRIVATE, size (size_t)-1", IPC_PRIVATE, (size_t)-1, 0600, EINVAL },
        { "EINVAL: IPC_PRIVATE, size 0xFFFFF001 (above SHMMAX, page count near the top)", IPC_PRIVATE, 0xFFFFF001u, 0600, EINVAL },
        { "EINVAL: existing key, size one byte larger", KEY_EXIST, 8193, 0600, EINVAL },
        { "EINVAL: existing key, larger size with IPC_CREAT", KEY_EXIST, 8193, IPC_CREAT | 0600, EINVAL },
        { "EINVAL: existing key, size twice as large, flag 0", KEY_EXIST, 16384, 0, EINVAL },
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        T_ERRNO(shmget(cases[i].key, cases[i].size, cases[i].flag), cases[i].err, cases[i].what);
    T_ERRNO(shmget(KEY_MISSING, 0, 0), ENOENT, "KEY_MISSING was not created by the failed calls");
}

static void test_root_success(int id)
{
    const struct get_case cases[] = {
        { "existing key, size 0, flag 0", KEY_EXIST, 0, 0, 0 },
        { "existing key, same size", KEY_EXIST, 8192, 0600, 0 },
        { "existing key, smaller size", KEY_EXIST, 1, 0400, 0 },
        { "existing key, IPC_CREAT without IPC_EXCL", KEY_EXIST, 4096, IPC_CREAT | 0666, 0 },
        { "existing key, IPC_CREAT with mode 0", KEY_EXIST, 0, IPC_CREAT, 0 },
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        T_EQ(shmget(cases[i].key, cases[i].size, cases[i].flag), id, cases[i].what);
    T_EQ(stat_mode(id), 0600, "IPC_CREAT on an existing key did not change its mode");

    /* IPC_CREAT on a missing key creates it; a second IPC_CREAT finds it. */
    int nid = shmget(KEY_NEW, 100, IPC_CREAT | 0640);
    T_OK(nid >= 0 && nid != id, "IPC_CREAT on a missing key creates a new segment");
    T_EQ(shmget(KEY_NEW, 100, IPC_CREAT | 0600), nid, "IPC_CREAT again returns the same id");
    T_EQ(stat_mode(nid), 0640, "... and keeps the first mode");
    T_SUCCESS(shmctl(nid, IPC_RMID, NULL), "remove KEY_NEW");
    T_ERRNO(shmget(KEY_NEW, 0, 0), ENOENT, "KEY_NEW is gone after IPC_RMID");

    /* IPC_PRIVATE always creates, whatever IPC_CREAT / IPC_EXCL say. */
    int p1 = shmget(IPC_PRIVATE, 4096, IPC_CREAT | IPC_EXCL | 0600);
    int p2 = shmget(IPC_PRIVATE, 4096, IPC_CREAT | IPC_EXCL | 0600);
    int p3 = shmget(IPC_PRIVATE, 4096, 0600);
    T_OK(p1 >= 0 && p2 >= 0 && p3 >= 0, "IPC_PRIVATE creates (with IPC_EXCL, and without IPC_CREAT)");
    T_OK(p1 != p2 && p2 != p3 && p1 != p3, "three IPC_PRIVATE calls give three different ids");
    struct shmid_ds ds;
    T_OK(p1 >= 0 && shmctl(p1, IPC_STAT, &ds) == 0 && ds.shm_perm.__key == IPC_PRIVATE,
         "an IPC_PRIVATE segment reports key 0");
    if (p1 >= 0)
        shmctl(p1, IPC_RMID, NULL);
    if (p2 >= 0)
        shmctl(p2, IPC_RMID, NULL);
    if (p3 >= 0)
        shmctl(p3, IPC_RMID, NULL);
}

static void test_permissions(void)
{
    /* KEY_EXIST: root, 0600, 8192 bytes. KEY_USER0: uid 1000, mode 0.
     * KEY_GROUP: root, gid 1000, mode 0640. KEY_OTHER: root, 0604. */
    const struct get_case cases[] = {
        { "EACCES: other user, SHM_R on root's 0600", KEY_EXIST, 0, SHM_R, EACCES },
        { "EACCES: other user, SHM_W on root's 0600", KEY_EXIST, 0, SHM_W, EACCES },
        { "EACCES: other user, 0004 (others' read bit requests read) on 0600", KEY_EXIST, 0, 0004, EACCES },
        { "EACCES: other user, 0040 on 0600", KEY_EXIST, 4096, 0040, EACCES },
        { "EACCES: other user, IPC_CREAT|0600 on root's 0600", KEY_EXIST, 4096, IPC_CREAT | 0600, EACCES },
        { "other user, flag 0 requests nothing and passes", KEY_EXIST, 0, 0, 0 },
        { "other user, flag IPC_CREAT requests nothing and passes", KEY_EXIST, 8192, IPC_CREAT, 0 },
        { "EINVAL before EACCES: other user, size 8193, SHM_R", KEY_EXIST, 8193, SHM_R, EINVAL },
        { "EINVAL before EACCES: other user, size 8193, flag 0", KEY_EXIST, 8193, 0, EINVAL },
        { "EEXIST before EACCES: other user, IPC_CREAT|IPC_EXCL|SHM_R", KEY_EXIST, 0, IPC_CREAT | IPC_EXCL | SHM_R, EEXIST },
        { "EACCES: owner, SHM_R on its own mode-0 segment", KEY_USER0, 0, SHM_R, EACCES },
        { "EACCES: owner, SHM_W on its own mode-0 segment", KEY_USER0, 0, SHM_W, EACCES },
        { "EACCES: owner, SHM_R|SHM_W on its own mode-0 segment", KEY_USER0, 0, SHM_R | SHM_W, EACCES },
        { "owner, flag 0 on its own mode-0 segment", KEY_USER0, 0, 0, 0 },
        { "EINVAL before EACCES: owner, size 4097, SHM_R on mode 0", KEY_USER0, 4097, SHM_R, EINVAL },
        { "group member, SHM_R on 0640 (group read)", KEY_GROUP, 0, SHM_R, 0 },
        { "EACCES: group member, SHM_W on 0640", KEY_GROUP, 0, SHM_W, EACCES },
        { "group member, 0004 on 0640 (any triplet's r bit requests read)", KEY_GROUP, 0, 0004, 0 },
        { "EACCES: group member, SHM_R on 0604 (group triplet, not others')", KEY_GRP0, 0, SHM_R, EACCES },
        { "other user, SHM_R on 0604 (others' read)", KEY_OTHER, 0, SHM_R, 0 },
        { "EACCES: other user, SHM_W on 0604", KEY_OTHER, 0, SHM_W, EACCES },
    };

    T_EQ(as_user(USER_ID, GROUP_ID, make_user_segment, NULL), 0,
         "uid 1000 creates a mode-0 segment");
    int gid_seg = shmget(KEY_GROUP, 4096, IPC_CREAT | IPC_EXCL | 0640);
    int grp0_seg = shmget(KEY_GRP0, 4096, IPC_CREAT | IPC_EXCL | 0604);
    int oth_seg = shmget(KEY_OTHER, 4096, IPC_CREAT | IPC_EXCL | 0604);
    struct shmid_ds ds;
    int ok = 1;
    for (int i = 0; i < 2; i++) {
        int sid = i ? grp0_seg : gid_seg;
        ok = ok && sid >= 0 && shmctl(sid, IPC_STAT, &ds) == 0;
        if (ok) {
            ds.shm_perm.gid = GROUP_ID;
            ok = shmctl(sid, IPC_SET, &ds) == 0;
        }
    }
    T_OK(ok && oth_seg >= 0, "set up the group and others segments");

    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        T_EQ(as_user(USER_ID, GROUP_ID, do_get, &cases[i]), cases[i].err, cases[i].what);

    /* Root is not subject to the mode bits (CAP_IPC_OWNER). */
    T_SUCCESS(shmget(KEY_USER0, 0, SHM_R | SHM_W), "root, SHM_R|SHM_W on uid 1000's mode-0 segment");
    rm_key(KEY_USER0);
    rm_key(KEY_GROUP);
    rm_key(KEY_GRP0);
    rm_key(KEY_OTHER);
}

/* Fill SHMALL with segments of at most SHMMAX each; the next gets ENOSPC. */
static void test_shmall(const struct shminfo *si)
{
    static int ids[64];
    int n = 0;
    struct shm_info inf;
    T_SUCCESS(shmctl(0, SHM_INFO, (struct shmid_ds *)&inf), "SHM_INFO");
    unsigned long left = si->shmall > inf.shm_tot ? si->shmall - inf.shm_tot : 0;
    unsigned long max_pages = si->shmmax / 4096;
    int ok = max_pages > 0;
    while (ok && left > 0 && n < 64) {
        unsigned long pages = left < max_pages ? left : max_pages;
        int id = shmget(IPC_PRIVATE, pages * 4096, 0600);
        if (id < 0) {
            ok = 0;
            printf("# shmget of %lu pages with %lu pages left: errno %d\n", pages, left, errno);
            break;
        }
        ids[n++] = id;
        left -= pages;
    }
    T_OK(ok && left == 0, "segments of up to SHMMAX fill SHMALL exactly");
    T_ERRNO(shmget(IPC_PRIVATE, 4096, 0600), ENOSPC, "ENOSPC: one page over SHMALL");
    T_ERRNO(shmget(IPC_PRIVATE, 1, 0600), ENOSPC, "ENOSPC: one byte (one page) over SHMALL");
    T_ERRNO(shmget(KEY_MISSING, 1, IPC_CREAT | 0600), ENOSPC, "ENOSPC: keyed create over SHMALL");
    T_ERRNO(shmget(KEY_MISSING, 0, 0), ENOENT, "... and the key was not created");
    T_ERRNO(shmget(IPC_PRIVATE, si->shmmax + 1, 0600), EINVAL,
            "EINVAL (SHMMAX) is checked before ENOSPC (SHMALL)");
    T_ERRNO(shmget(IPC_PRIVATE, 0, 0600), EINVAL, "EINVAL (size 0) is checked before ENOSPC");
    for (int i = 0; i < n; i++)
        shmctl(ids[i], IPC_RMID, NULL);
    int id = shmget(IPC_PRIVATE, 4096, 0600);
    T_OK(id >= 0, "after removing them a page can be created again");
    if (id >= 0)
        shmctl(id, IPC_RMID, NULL);
}

/* Create segments until 4096 are in use; the next one gets ENOSPC. */
static void test_shmmni(void)
{
    static int ids[SHMMNI];
    struct shm_info inf;
    int r = shmctl(0, SHM_INFO, (struct shmid_ds *)&inf);
    T_OK(r >= 0 && inf.used_ids >= 0 && inf.used_ids < SHMMNI, "SHM_INFO: used_ids below SHMMNI");
    int before = inf.used_ids, want = SHMMNI - before, n = 0, err = 0;
    while (n < want) {
        int id = shmget(IPC_PRIVATE, 1, 0600);
        if (id < 0) {
            err = errno;
            break;
        }
        ids[n++] = id;
    }
    if (n < want)
        printf("# create %d of %d failed with errno %d\n", n + 1, want, err);
    T_EQ(n, want, "creates succeed until exactly SHMMNI segments are in use");
    r = shmctl(0, SHM_INFO, (struct shmid_ds *)&inf);
    T_EQ(inf.used_ids, SHMMNI, "SHM_INFO used_ids == 4096");
    T_EQ(r, SHMMNI - 1, "SHM_INFO returns the highest index, 4095");
    T_ERRNO(shmget(IPC_PRIVATE, 1, 0600), ENOSPC, "ENOSPC: IPC_PRIVATE past SHMMNI");
    T_ERRNO(shmget(KEY_MISSING, 1, IPC_CREAT | 0600), ENOSPC, "ENOSPC: keyed create past SHMMNI");
    T_ERRNO(shmget(IPC_PRIVATE, 0, 0600), EINVAL, "EINVAL (size) is checked before ENOSPC (SHMMNI)");
    T_SUCCESS(shmget(KEY_EXIST, 0, 0), "looking up an existing key still works when full");
    int bad = 0;
    for (int i = 0; i < n; i++)
        if (shmctl(ids[i], IPC_RMID, NULL) < 0)
            bad++;
    T_EQ(bad, 0, "every one of them can be removed");
    r = shmctl(0, SHM_INFO, (struct shmid_ds *)&inf);
    T_EQ(inf.used_ids, before, "used_ids back to where it was");
}

int main(void)
{
    t_begin("shm_get_errors");

    struct shminfo si;
    memset(&si, 0, sizeof(si));
    T_OK(shmctl(0, IPC_INFO, (struct shmid_ds *)&si) >= 0 && si.shmmax > 0 && si.shmall > 0,
         "IPC_INFO gives SHMMAX and SHMALL");
    printf("# shmmax %lu bytes, shmall %lu pages\n", si.shmmax, si.shmall);

    rm_key(KEY_EXIST);
    rm_key(KEY_MISSING);
    int id = shmget(KEY_EXIST, 8192, IPC_CREAT | IPC_EXCL | 0600);
    T_OK(id >= 0, "create KEY_EXIST, 8192 bytes, 0600");

    test_root_errors(si.shmmax);
    test_root_success(id);
    test_permissions();
    test_shmall(&si);
    test_shmmni();

    T_SUCCESS(shmctl(id, IPC_RMID, NULL), "remove KEY_EXIST");
    return t_end();
}
