/*
 * shmsuite_netbsd: the scenario of NetBSD's tests/kernel/t_sysv.c case
 * "shm" (and FreeBSD's tools/regression/sysvshm/shmtest.c), expressed
 * again here: a key from ftok(existing file, 4160);
 * shmget(key, pagesize, IPC_CREAT | 0640); IPC_STAT shows the caller as
 * owner and creator and mode 0640; IPC_SET to 0600 shows 0600; attach,
 * strcpy, fork; the child finds the segment by key, attaches and compares
 * the string; the parent wants a clean exit 0, IPC_STATs again and
 * removes the segment. Also the facts of ftok (glibc's formula).
 */
#include <agora_shm_test.h>
#include <stdint.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/stat.h>

#define KEY_PATH "/etc/tests"
#define PROJ 4160
static const char message[] = "Hello, this is the shm test string for t_sysv";

static void check_ftok(key_t key)
{
    struct stat st;
    T_EQ(stat(KEY_PATH, &st), 0, "stat the key file");
    key_t want = (key_t)((st.st_ino & 0xffff) | ((st.st_dev & 0xff) << 16) |
                         ((uint32_t)(PROJ & 0xff) << 24));
    T_EQ(key, want, "ftok = inode low 16 | device low 8 << 16 | proj low 8 << 24");
    T_EQ(ftok(KEY_PATH, PROJ), key, "ftok is repeatable");
    T_OK(ftok(KEY_PATH, 'a') != key, "another proj_id gives another key");
    T_ERRNO(ftok("/no/such/file", PROJ), ENOENT, "ftok of a missing path -> ENOENT");
    T_OK(ftok("/", 'a') != (key_t)-1, "ftok works on a directory");
}

int main(void)
{
    t_begin("shmsuite_netbsd");
    long pagesize = sysconf(_SC_PAGESIZE);
    T_EQ(pagesize, 4096, "page size");

    key_t key = ftok(KEY_PATH, PROJ);
    T_OK(key != (key_t)-1, "ftok(/etc/tests, 4160)");
    if (key == (key_t)-1)
        return t_end();
    check_ftok(key);
    int stale = shmget(key, 0, 0);      /* from an earlier crashed run */
    if (stale >= 0)
        shmctl(stale, IPC_RMID, NULL);

    int id = shmget(key, (size_t)pagesize, IPC_CREAT | 0640);
    T_OK(id >= 0, "shmget(key, pagesize, IPC_CREAT | 0640)");
    if (id < 0)
        return t_end();

    struct shmid_ds ds;
    T_EQ(shm_stat(id, &ds), 0, "IPC_STAT");
    T_OK(ds.shm_perm.uid == geteuid() && ds.shm_perm.cuid == geteuid(),
         "uid == cuid == geteuid()");
    T_OK(ds.shm_perm.gid == getegid() && ds.shm_perm.cgid == getegid(),
         "gid == cgid == getegid()");
    T_EQ(ds.shm_perm.mode & 0777, 0640, "mode 0640");
    T_EQ(ds.shm_segsz, pagesize, "segsz is one page");

    ds.shm_perm.mode = (ds.shm_perm.mode & ~0777u) | 0600;
    T_EQ(shmctl(id, IPC_SET, &ds), 0, "IPC_SET to 0600");
    T_EQ(shm_stat(id, &ds), 0, "IPC_STAT after IPC_SET");
    T_EQ(ds.shm_perm.mode & 0777, 0600, "mode 0600");
    T_OK(ds.shm_perm.uid == geteuid() && ds.shm_perm.cuid == geteuid(),
         "owner unchanged by IPC_SET");

    char *p = shmat(id, NULL, 0);
    T_OK(p != (void *)-1, "shmat(NULL)");
    if (p != (void *)-1) {
        strcpy(p, message);
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            int cid = shmget(key, (size_t)pagesize, 0);
            if (cid < 0)
                _exit(1);
            char *q = shmat(cid, NULL, 0);
            if (q == (void *)-1)
                _exit(2);
            if (strcmp(q, message) != 0)
                _exit(3);
            _exit(cid == id ? 0 : 4);
        }
        int status = -1;
        T_EQ(waitpid(pid, &status, 0), pid, "wait for the child");
        T_OK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
             "the child found the key, attached and read the string (exit 0)");
        T_EQ(shm_stat(id, &ds), 0, "IPC_STAT after the child");
        T_EQ(ds.shm_nattch, 1, "the child's exit detached it");
        T_EQ(ds.shm_lpid, pid, "lpid is the child (its exit detached last)");
        T_EQ(ds.shm_perm.mode & 0777, 0600, "mode still 0600");
        T_EQ(shmdt(p), 0, "shmdt");
    }
    T_EQ(shmctl(id, IPC_RMID, NULL), 0, "IPC_RMID");
    T_ERRNO(shmget(key, 0, 0), ENOENT, "the key is gone");
    return t_end();
}
