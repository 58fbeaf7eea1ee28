/*
 * fs_perm: owners and permission bits, as a user who is not root.
 *
 * A child drops to uid 1000 (and a second to 1001): it cannot create in
 * "/" (EACCES) but can in /tmp (01777), its files are its own (uid, gid),
 * search permission matters on the way (EACCES), the sticky bit keeps
 * 1001 from removing or renaming 1000's file (EPERM) while 1000 may,
 * chmod and chown are the owner's (EPERM otherwise; a group the owner is
 * not in: EPERM), utimensat with explicit times is the owner's (EPERM)
 * and "now" needs write permission (EACCES), access() uses the real ids,
 * mode bits decide open (EACCES), and unlink needs write permission on
 * the directory, not on the file.
 */
#include <agora_test.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>

#define D "/tmp/fs_perm"

static int run_as(uid_t uid, gid_t gid, void (*body)(void))
{
    pid_t pid = fork();
    if (pid == 0) {
        if (syscall(SYS_setgroups32, 0, NULL) < 0 || setgid(gid) < 0 || setuid(uid) < 0)
            _exit(99);
        body();
        _exit(t_failed ? 1 : 0);
    }
    int status = -1;
    waitpid(pid, &status, 0);
    return status;
}

static void as_1000(void)
{
    struct stat st;
    T_ERRNO(open("/perm_test", O_CREAT | O_WRONLY, 0644), EACCES, "1000 cannot create in /");
    T_ERRNO(mkdir("/perm_dir", 0755), EACCES, "nor mkdir there");
    T_ERRNO(open("/etc/tests", O_WRONLY), EACCES, "nor write root's 0644 file");
    int fd = open(D "/mine", O_CREAT | O_WRONLY, 0644);
    T_OK(fd >= 0, "1000 creates in the sticky /tmp directory");
    close(fd);
    T_EQ(stat(D "/mine", &st), 0, "stat it");
    T_OK(st.st_uid == 1000 && st.st_gid == 1000, "owned by 1000:1000");
    T_EQ(chmod(D "/mine", 0600), 0, "the owner may chmod");
    T_ERRNO(chmod("/etc/tests", 0777), EPERM, "but not root's file");
    T_ERRNO(chown(D "/mine", 0, -1), EPERM, "nor give the file away");
    T_ERRNO(chown(D "/mine", -1, 0), EPERM, "nor move it to a group it is not in");
    T_EQ(chown(D "/mine", 1000, 1000), 0, "chown to what it already is");
    T_ERRNO(syscall(SYS_utimensat, AT_FDCWD, "/etc/tests", NULL, 0), EACCES,
            "utimensat now on a file it may not write: EACCES");
    int32_t ts[4] = { 1, 0, 2, 0 };
    T_ERRNO(syscall(SYS_utimensat, AT_FDCWD, "/etc/tests", ts, 0), EPERM,
            "explicit times on another's file: EPERM");
    T_EQ(syscall(SYS_utimensat, AT_FDCWD, D "/mine", ts, 0), 0, "on its own file: fine");
    T_EQ(mkdir(D "/private", 0700), 0, "a private directory");
    fd = open(D "/private/f", O_CREAT | O_WRONLY, 0600);
    close(fd);
    T_ERRNO(access("/etc/tests", W_OK), EACCES, "access W_OK on root's file");
    T_EQ(access("/etc/tests", R_OK), 0, "access R_OK");
    umask(0);
    fd = open(D "/shared", O_CREAT | O_WRONLY, 0666);
    close(fd);
    /* A write by the (non-root) owner drops set-user-ID and set-group-ID. */
    fd = open(D "/suid", O_CREAT | O_WRONLY, 0755);
    T_EQ(fchmod(fd, 06755), 0, "the owner sets 06755");
    T_EQ(fstat(fd, &st), 0, "fstat");
    T_EQ(st.st_mode & 07777, 06755, "set-user-ID and set-group-ID set");
    T_EQ(write(fd, "x", 1), 1, "write");
    T_EQ(fstat(fd, &st), 0, "fstat");
    T_EQ(st.st_mode & 07777, 0755, "a write cleared both");
    close(fd);
    T_EQ(unlink(D "/suid"), 0, "cleanup");
}

static void as_1001(void)
{
    struct stat st;
    T_ERRNO(stat(D "/private/f", &st), EACCES, "1001 cannot search 1000's 0700 directory");
    T_ERRNO(unlink(D "/mine"), EPERM, "sticky /tmp: 1001 cannot unlink 1000's file");
    T_ERRNO(rename(D "/mine", D "/stolen"), EPERM, "nor rename it");
    T_ERRNO(open(D "/mine", O_RDONLY), EACCES, "nor read a 0600 file of 1000");
    int fd = open(D "/shared", O_WRONLY);
    T_OK(fd >= 0, "a 0666 file opens for writing");
    T_EQ(write(fd, "x", 1), 1, "and takes a write");
    close(fd);
    T_EQ(syscall(SYS_utimensat, AT_FDCWD, D "/shared", NULL, 0), 0,
         "utimensat now on a file it may write");
    fd = open(D "/theirs", O_CREAT | O_WRONLY, 0644);
    close(fd);
}

int main(void)
{
    t_begin("fs_perm");
    T_EQ(mkdir(D, 01777), 0, "a sticky directory");
    T_EQ(chmod(D, 01777), 0, "mode 01777 (no umask)");
    struct stat st;
    T_EQ(stat("/tmp", &st), 0, "stat /tmp");
    T_EQ(st.st_mode, S_IFDIR | 01777, "/tmp is 01777");
    T_EQ(stat("/dev/shm", &st), 0, "stat /dev/shm");
    T_EQ(st.st_mode, S_IFDIR | 01777, "/dev/shm is 01777");
    T_EQ(run_as(1000, 1000, as_1000), 0, "the checks as uid 1000");
    T_EQ(run_as(1001, 1001, as_1001), 0, "the checks as uid 1001");
    /* Root may do what 1001 could not. */
    T_EQ(unlink(D "/private/f"), 0, "root removes 1000's files");
    T_EQ(rmdir(D "/private"), 0, "root removes 1000's directory");
    pid_t pid = fork();
    if (pid == 0) {
        setgid(1000);
        setuid(1000);
        _exit(unlink(D "/mine") == 0 && unlink(D "/shared") == 0 ? 0 : 1);
    }
    int status = -1;
    waitpid(pid, &status, 0);
    T_EQ(status, 0, "the owner unlinks its own files in the sticky directory");
    T_EQ(unlink(D "/theirs"), 0, "cleanup");
    T_EQ(rmdir(D), 0, "the test directory removed");
    return t_end();
}
