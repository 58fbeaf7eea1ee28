/*
 * fs_names: making, moving and removing names, with Linux's errnos.
 *
 * mkdir/rmdir (EEXIST, ENOENT, ENOTDIR, ENOTEMPTY, EINVAL for ".", EBUSY
 * for "/"), directory nlink counts, unlink (EISDIR for a directory,
 * ENOTDIR for "file/"), rename of files and directories (replacing, a
 * directory into itself EINVAL, over a non-empty directory ENOTEMPTY,
 * kinds that differ EISDIR/ENOTDIR, RENAME_NOREPLACE EEXIST, two names of
 * one file), hard links (nlink, EPERM for a directory, EEXIST), symbolic
 * links (readlink, lstat, relative targets, dangling, loops ELOOP, chains
 * of 40 and 41, O_NOFOLLOW, O_CREAT through a dangling link), getdents64
 * after changes, and the initrd's own symlinks and hard links if any.
 */
#include <agora_test.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#define D "/tmp/fs_names"

static int touch(const char *path)
{
    int fd = open(path, O_CREAT | O_WRONLY, 0644);
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}

static long nlink_of(const char *path)
{
    struct stat st;
    return lstat(path, &st) < 0 ? -1 : (long)st.st_nlink;
}

static int in_dir(const char *dir, const char *name)
{
    DIR *d = opendir(dir);
    int found = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        found |= strcmp(e->d_name, name) == 0;
    if (d)
        closedir(d);
    return found;
}

static void test_dirs(void)
{
    T_EQ(mkdir(D "/d", 0755), 0, "mkdir");
    T_ERRNO(mkdir(D "/d", 0755), EEXIST, "mkdir again: EEXIST");
    T_ERRNO(mkdir(D "/nope/x", 0755), ENOENT, "mkdir under a missing directory");
    T_EQ(touch(D "/f"), 0, "a file");
    T_ERRNO(mkdir(D "/f/x", 0755), ENOTDIR, "mkdir under a file");
    T_ERRNO(mkdir("/", 0755), EEXIST, "mkdir /");
    T_ERRNO(mkdir(D "/d/.", 0755), EEXIST, "mkdir d/.");
    T_EQ(mkdir(D "/d/sub/", 0755), 0, "mkdir with a trailing slash");
    T_EQ(nlink_of(D "/d"), 3, "nlink 2 + one subdirectory");
    T_EQ(nlink_of(D "/d/sub"), 2, "an empty directory: nlink 2");
    T_ERRNO(rmdir(D "/d"), ENOTEMPTY, "rmdir of a non-empty directory");
    T_ERRNO(rmdir(D "/f"), ENOTDIR, "rmdir of a file");
    T_ERRNO(rmdir(D "/d/sub/."), EINVAL, "rmdir of .");
    T_ERRNO(rmdir(D "/d/sub/.."), ENOTEMPTY, "rmdir of ..");
    T_ERRNO(rmdir("/"), EBUSY, "rmdir /");
    T_ERRNO(rmdir(D "/none"), ENOENT, "rmdir of a missing name");
    T_EQ(rmdir(D "/d/sub"), 0, "rmdir");
    T_EQ(nlink_of(D "/d"), 2, "nlink back to 2");
    T_ERRNO(unlink(D "/d"), EISDIR, "unlink of a directory: EISDIR");
    T_ERRNO(unlink(D "/f/"), ENOTDIR, "unlink of file/ : ENOTDIR");
    /* A new name with a trailing slash: EEXIST if it exists (checked
     * first), else ENOENT for anything but a directory, as Linux. */
    T_ERRNO(mknod(D "/f/", S_IFREG | 0644, 0), EEXIST, "mknod of file/ : EEXIST");
    T_ERRNO(mknod(D "/new/", S_IFREG | 0644, 0), ENOENT, "mknod of new/ : ENOENT");
    T_ERRNO(symlink("f", D "/f/"), EEXIST, "symlink onto file/ : EEXIST");
    T_ERRNO(symlink("f", D "/new/"), ENOENT, "symlink onto new/ : ENOENT");
    T_ERRNO(unlink(D "/none"), ENOENT, "unlink of a missing name");
    T_OK(in_dir(D, "f") && in_dir(D, "d"), "getdents lists the new names");
    T_EQ(unlink(D "/f"), 0, "unlink");
    T_OK(!in_dir(D, "f"), "and the name is gone from getdents");
    T_EQ(rmdir(D "/d"), 0, "rmdir d");
}

static void test_rename(void)
{
    struct stat a, b;
    T_EQ(touch(D "/a"), 0, "file a");
    T_EQ(stat(D "/a", &a), 0, "stat a");
    T_EQ(rename(D "/a", D "/b"), 0, "rename a b");
    T_ERRNO(stat(D "/a", &b), ENOENT, "a is gone");
    T_EQ(stat(D "/b", &b), 0, "b is there");
    T_EQ(b.st_ino, a.st_ino, "the same inode");
    T_EQ(touch(D "/c"), 0, "file c");
    T_EQ(rename(D "/b", D "/c"), 0, "rename over an existing file");
    T_EQ(stat(D "/c", &b), 0, "stat c");
    T_EQ(b.st_ino, a.st_ino, "c is the old a");
    T_ERRNO(rename(D "/none", D "/x"), ENOENT, "rename of a missing name");

    T_EQ(mkdir(D "/d1", 0755), 0, "d1");
    T_EQ(mkdir(D "/d1/in", 0755), 0, "d1/in");
    T_EQ(mkdir(D "/d2", 0755), 0, "d2");
    T_ERRNO(rename(D "/d1", D "/d1/in/x"), EINVAL, "a directory into itself: EINVAL");
    T_ERRNO(rename(D "/d1", D "/d1/in"), EINVAL, "onto its own child: EINVAL");
    T_ERRNO(rename(D "/c", D "/d2"), EISDIR, "a file over a directory: EISDIR");
    T_ERRNO(rename(D "/d2", D "/c"), ENOTDIR, "a directory over a file: ENOTDIR");
    T_ERRNO(rename(D "/d2", D "/d1"), ENOTEMPTY, "over a non-empty directory: ENOTEMPTY");
    T_ERRNO(rename(D "/c/", D "/e"), ENOTDIR, "file/ as the source: ENOTDIR");
    T_EQ(rename(D "/d1/in", D "/d2"), 0, "a directory over an empty one");
    T_EQ(nlink_of(D "/d1"), 2, "d1 lost a subdirectory");
    T_EQ(rename(D "/d2", D "/d1/moved"), 0, "a directory into another");
    T_EQ(nlink_of(D "/d1"), 3, "d1 gained one");
    T_EQ(touch(D "/d1/moved/f"), 0, "a file inside the moved directory");
    T_EQ(access(D "/d1/moved/f", F_OK), 0, "reachable by the new path");
    T_ERRNO(syscall(SYS_renameat2, AT_FDCWD, D "/c", AT_FDCWD, D "/d1/moved/f", 1), EEXIST,
            "RENAME_NOREPLACE over an existing name");
    T_EQ(syscall(SYS_renameat2, AT_FDCWD, D "/c", AT_FDCWD, D "/d1/moved/g", 1), 0,
         "RENAME_NOREPLACE to a new name");
    T_ERRNO(syscall(SYS_renameat2, AT_FDCWD, D "/d1/moved/g", AT_FDCWD, D "/h", 8), EINVAL,
            "unknown rename flags");
    T_EQ(link(D "/d1/moved/g", D "/d1/moved/g2"), 0, "a second name");
    T_EQ(rename(D "/d1/moved/g", D "/d1/moved/g2"), 0, "rename onto another name of the same file");
    T_EQ(nlink_of(D "/d1/moved/g"), 2, "and both names stay (Linux does nothing)");
    T_ERRNO(rename(D "/d1", "/"), EBUSY, "rename onto /: EBUSY");
    T_EQ(unlink(D "/d1/moved/g"), 0, "cleanup");
    T_EQ(unlink(D "/d1/moved/g2"), 0, "cleanup");
    T_EQ(unlink(D "/d1/moved/f"), 0, "cleanup");
    T_EQ(rmdir(D "/d1/moved"), 0, "cleanup");
    T_EQ(rmdir(D "/d1"), 0, "cleanup");
}

static void test_links(void)
{
    struct stat a, b;
    T_EQ(touch(D "/l"), 0, "file l");
    T_EQ(link(D "/l", D "/l2"), 0, "link");
    T_EQ(nlink_of(D "/l"), 2, "nlink 2");
    T_EQ(stat(D "/l", &a) | stat(D "/l2", &b), 0, "stat both");
    T_EQ(a.st_ino, b.st_ino, "one inode");
    int fd = open(D "/l2", O_WRONLY);
    T_EQ(write(fd, "shared", 6), 6, "write through the second name");
    close(fd);
    T_EQ(stat(D "/l", &a), 0, "stat the first");
    T_EQ(a.st_size, 6, "the first name sees it");
    T_ERRNO(link(D "/l", D "/l2"), EEXIST, "link to an existing name");
    T_ERRNO(link(D, D "/dirlink"), EPERM, "link of a directory: EPERM");
    T_ERRNO(link(D "/none", D "/x"), ENOENT, "link of a missing file");
    T_EQ(unlink(D "/l"), 0, "unlink one name");
    T_EQ(nlink_of(D "/l2"), 1, "nlink 1");
    T_EQ(unlink(D "/l2"), 0, "unlink the other");
}

static void test_symlinks(void)
{
    char buf[256];
    struct stat st;
    T_EQ(touch(D "/target"), 0, "a target");
    T_EQ(symlink("target", D "/s"), 0, "symlink with a relative target");
    long n = readlink(D "/s", buf, sizeof(buf));
    T_EQ(n, 6, "readlink returns the length");
    T_OK(n == 6 && memcmp(buf, "target", 6) == 0, "readlink's bytes");
    T_EQ(readlink(D "/s", buf, 3), 3, "readlink truncates to the buffer");
    T_ERRNO(readlink(D "/target", buf, sizeof(buf)), EINVAL, "readlink of a file: EINVAL");
    T_ERRNO(syscall(SYS_readlink, D "/s", buf, 0), EINVAL, "readlink with size 0");
    T_EQ(lstat(D "/s", &st), 0, "lstat");
    T_OK(S_ISLNK(st.st_mode) && st.st_size == 6, "lstat sees the link, size = target length");
    T_EQ(stat(D "/s", &st), 0, "stat follows");
    T_OK(S_ISREG(st.st_mode), "stat sees the file");
    int fd = open(D "/s", O_WRONLY);
    T_OK(fd >= 0, "open follows");
    T_EQ(write(fd, "via", 3), 3, "write through the link");
    close(fd);
    T_EQ(stat(D "/target", &st), 0, "stat target");
    T_EQ(st.st_size, 3, "the target got the bytes");
    T_ERRNO(open(D "/s", O_RDONLY | O_NOFOLLOW), ELOOP, "O_NOFOLLOW on a symlink: ELOOP");
    T_ERRNO(symlink("x", D "/s"), EEXIST, "symlink onto an existing name");
    T_ERRNO(symlink("", D "/empty"), ENOENT, "an empty target: ENOENT");

    /* A link to a directory is walked through. */
    T_EQ(mkdir(D "/realdir", 0755), 0, "a directory");
    T_EQ(symlink(D "/realdir", D "/dl"), 0, "an absolute link to it");
    T_EQ(touch(D "/dl/inside"), 0, "create through the link");
    T_EQ(access(D "/realdir/inside", F_OK), 0, "it is in the directory");
    T_EQ(unlink(D "/dl/inside"), 0, "unlink through the link");
    T_ERRNO(rmdir(D "/dl"), ENOTDIR, "rmdir of the link: ENOTDIR");
    T_EQ(unlink(D "/dl"), 0, "unlink removes the link itself");
    T_EQ(access(D "/realdir", F_OK), 0, "the directory stays");
    T_EQ(rmdir(D "/realdir"), 0, "cleanup");

    /* Dangling, loops, chains. */
    T_EQ(symlink("nowhere", D "/dang"), 0, "a dangling link");
    T_ERRNO(stat(D "/dang", &st), ENOENT, "stat of it: ENOENT");
    T_EQ(lstat(D "/dang", &st), 0, "lstat of it works");
    fd = open(D "/dang", O_CREAT | O_WRONLY, 0644);
    T_OK(fd >= 0, "O_CREAT through a dangling link creates the target");
    close(fd);
    T_EQ(access(D "/nowhere", F_OK), 0, "the target exists now");
    T_ERRNO(open(D "/dang", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST,
            "O_CREAT|O_EXCL on a symlink: EEXIST");
    T_EQ(unlink(D "/nowhere"), 0, "cleanup");
    T_EQ(unlink(D "/dang"), 0, "cleanup");
    T_EQ(symlink("loop2", D "/loop1"), 0, "loop1 -> loop2");
    T_EQ(symlink("loop1", D "/loop2"), 0, "loop2 -> loop1");
    T_ERRNO(stat(D "/loop1", &st), ELOOP, "a loop: ELOOP");
    T_ERRNO(open(D "/loop1/x", O_RDONLY), ELOOP, "a loop in the middle: ELOOP");
    T_EQ(unlink(D "/loop1") | unlink(D "/loop2"), 0, "cleanup");
    /* c0 -> target, ck -> c(k-1): 40 links are followed, 41 are too many. */
    char name[64], to[64];
    T_EQ(symlink("target", D "/c0"), 0, "chain start");
    for (int k = 1; k <= 40; k++) {
        snprintf(name, sizeof(name), D "/c%d", k);
        snprintf(to, sizeof(to), "c%d", k - 1);
        symlink(to, name);
    }
    T_EQ(stat(D "/c39", &st), 0, "40 links in a row resolve");
    T_ERRNO(stat(D "/c40", &st), ELOOP, "41 links: ELOOP");
    for (int k = 0; k <= 40; k++) {
        snprintf(name, sizeof(name), D "/c%d", k);
        unlink(name);
    }
    T_EQ(unlink(D "/s"), 0, "cleanup");
    T_EQ(unlink(D "/target"), 0, "cleanup");
}

static void test_bad_names(void)
{
    static char longpath[5000], longname[300];
    memset(longpath, 'a', sizeof(longpath) - 1);
    longpath[0] = '/';
    memset(longname, 'b', sizeof(longname) - 1);
    memcpy(longname, "/tmp/", 5);
    T_ERRNO(mkdir(longpath, 0755), ENAMETOOLONG, "mkdir: path over 4095");
    T_ERRNO(mkdir(longname, 0755), ENAMETOOLONG, "mkdir: component over 255");
    T_ERRNO(open(longname, O_CREAT | O_WRONLY, 0644), ENAMETOOLONG, "O_CREAT: component over 255");
    T_ERRNO(symlink("x", longname), ENAMETOOLONG, "symlink: component over 255");
    T_ERRNO(symlink(longpath, D "/x"), ENAMETOOLONG, "symlink: target over 4095");
    T_ERRNO(rename(D, longname), ENAMETOOLONG, "rename: component over 255");
    T_ERRNO(unlink(""), ENOENT, "unlink of \"\"");
    T_ERRNO(mkdir("", 0755), ENOENT, "mkdir of \"\"");
    T_ERRNO(syscall(SYS_mkdir, NULL, 0755), EFAULT, "mkdir(NULL)");
    T_ERRNO(syscall(SYS_unlink, (void *)0xC0001000), EFAULT, "unlink of a kernel pointer");
}

/* The initrd's hard links (busybox applets) and symlinks, when present. */
static void test_initrd_links(void)
{
    struct stat a, b;
    if (stat("/bin/busybox", &a) == 0 && lstat("/usr/bin/ls", &b) == 0 && !S_ISLNK(b.st_mode)) {
        T_EQ(b.st_ino, a.st_ino, "/usr/bin/ls is a hard link of /bin/busybox");
        T_OK(a.st_nlink > 1, "and busybox's nlink counts its names");
    } else {
        T_OK(1, "no busybox hard links in this initrd");
    }
}

int main(void)
{
    t_begin("fs_names");
    T_EQ(mkdir(D, 0755), 0, "test directory");
    test_dirs();
    test_rename();
    test_links();
    test_symlinks();
    test_bad_names();
    test_initrd_links();
    T_EQ(rmdir(D), 0, "the test directory removed (so everything in it was)");
    return t_end();
}
