/*
 * proc_sysvipc: /proc/sysvipc/shm in Linux 6.1's exact format (the header
 * and every column's width, 32-bit kernel), which util-linux ipcs parses,
 * and the shm limits in /proc/sys/kernel: their values are IPC_INFO's,
 * root's writes change what shmget allows (shmmax, shmall, shmmni),
 * shm_next_id picks the next segment's id once, junk is EINVAL, and a
 * user who is not root cannot open them for writing (EACCES).
 */
#include <agora_shm_test.h>
#include <fcntl.h>
#include <time.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#define KEY_A 0x70726f63                /* "proc" */

static const char header[] =
    "       key      shmid perms       size  cpid  lpid nattch   uid   gid  cuid  cgid"
    "      atime      dtime      ctime        rss       swap\n";

static long slurp(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    long len = 0, n;
    while ((n = read(fd, buf + len, size - 1 - (size_t)len)) > 0)
        len += n;
    close(fd);
    buf[len] = '\0';
    return n < 0 ? -1 : len;
}

/* The line of /proc/sysvipc/shm for id, into line; 0 if none. */
static int shm_line(int id, char *line, size_t size)
{
    static char text[65536];
    if (slurp("/proc/sysvipc/shm", text, sizeof(text)) <= 0)
        return 0;
    for (char *l = strchr(text, '\n'); l && l[1]; l = strchr(l + 1, '\n')) {
        char *end = strchr(l + 1, '\n');
        size_t n = end ? (size_t)(end - l) : strlen(l + 1) + 1;
        if (strtol(l + 12, NULL, 10) == id && n < size) {
            memcpy(line, l + 1, n);
            line[n] = '\0';
            return 1;
        }
    }
    return 0;
}

static void test_sysvipc_shm(void)
{
    char text[65536], line[512], want[512];
    T_OK(slurp("/proc/sysvipc/shm", text, sizeof(text)) > 0, "read /proc/sysvipc/shm");
    T_OK(strncmp(text, header, strlen(header)) == 0, "header line as Linux 6.1 (32-bit) prints it");

    int id = shmget(KEY_A, 12345, IPC_CREAT | IPC_EXCL | 0640);
    T_OK(id >= 0, "shmget 12345 bytes, mode 0640");
    char *p = shmat(id, NULL, 0);
    T_OK(p != (char *)-1, "shmat");
    p[0] = 1;
    p[4096] = 2;                        /* two pages resident */
    struct shmid_ds ds;
    shmctl(id, IPC_STAT, &ds);
    T_OK(shm_line(id, line, sizeof(line)), "the segment has a line");
    snprintf(want, sizeof(want),
             "%10d %10d  %4o %10lu %5u %5u  %5lu %5u %5u %5u %5u %10llu %10llu %10llu %10lu %10lu\n",
             KEY_A, id, 0640, 12345ul, getpid(), getpid(), 1ul, geteuid(), getegid(), geteuid(),
             getegid(), (unsigned long long)ds.shm_atime, 0ull, (unsigned long long)ds.shm_ctime,
             8192ul, 0ul);
    T_OK(strcmp(line, want) == 0, "its fields, in Linux's columns");
    if (strcmp(line, want) != 0)
        printf("# got:  %s# want: %s", line, want);
    T_EQ(strlen(line), strlen(header), "the line is as wide as the header");

    /* Removed while attached: key 0 (IPC_PRIVATE), mode with SHM_DEST. */
    shmctl(id, IPC_RMID, NULL);
    T_OK(shm_line(id, line, sizeof(line)) && strncmp(line, "         0 ", 11) == 0 &&
         strncmp(line + 22, " 1640 ", 6) == 0, "removed: key 0, perms 1640 (SHM_DEST)");
    shmdt(p);
    T_OK(!shm_line(id, line, sizeof(line)), "gone after the last detach");
}

/* Write text to a /proc/sys/kernel file: 0 or -errno (open's or write's). */
static int sysctl_write(const char *name, const char *text)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/sys/kernel/%s", name);
    int fd = open(path, O_WRONLY);
    if (fd < 0)
        return -errno;
    long n = write(fd, text, strlen(text));
    int e = errno;
    close(fd);
    return n < 0 ? -e : 0;
}

static long long sysctl_read(const char *name)
{
    char path[64], buf[64];
    snprintf(path, sizeof(path), "/proc/sys/kernel/%s", name);
    if (slurp(path, buf, sizeof(buf)) <= 0)
        return -999;
    return strtoll(buf, NULL, 10);
}

/* shmget(IPC_PRIVATE, size) must fail with e; a segment made by mistake
 * is removed at once, so a failure leaves nothing behind. */
static void shmget_fails(unsigned long size, int e, const char *what)
{
    errno = 0;
    int id = shmget(IPC_PRIVATE, size, 0600);
    int got = errno;
    char detail[96];
    snprintf(detail, sizeof(detail), "got %d errno %d, want -1 errno %d", id, got, e);
    t_check(id == -1 && got == e, what, detail);
    if (id >= 0)
        shmctl(id, IPC_RMID, NULL);
}

/* Remove every segment this process made (after a failed check). */
static void remove_mine(void)
{
    struct shm_info si;
    int max = shmctl(0, SHM_INFO, (struct shmid_ds *)&si);
    for (int i = 0; i <= max; i++) {
        struct shmid_ds ds;
        int id = shmctl(i, SHM_STAT, &ds);
        if (id >= 0 && ds.shm_cpid == getpid())
            shmctl(id, IPC_RMID, NULL);
    }
}

static void test_sysctls(void)
{
    struct shminfo info;
    T_EQ(shmctl(0, IPC_INFO, (struct shmid_ds *)&info) >= 0, 1, "IPC_INFO");
    long long shmmax = sysctl_read("shmmax"), shmall = sysctl_read("shmall");
    long long shmmni = sysctl_read("shmmni");
    T_EQ(shmmax, info.shmmax, "shmmax reads IPC_INFO's shmmax");
    T_EQ(shmall, info.shmall, "shmall reads IPC_INFO's shmall");
    T_EQ(shmmni, info.shmmni, "shmmni reads IPC_INFO's shmmni");
    T_EQ(sysctl_read("shm_next_id"), -1, "shm_next_id reads -1 (unset)");
    char buf[64];
    T_OK(slurp("/proc/sys/kernel/shmmni", buf, sizeof(buf)) > 0 && strcmp(buf, "4096\n") == 0,
         "shmmni's text: the number and a newline");

    /* shmmax */
    T_EQ(sysctl_write("shmmax", "8192\n"), 0, "root writes shmmax 8192");
    T_EQ(sysctl_read("shmmax"), 8192, "shmmax reads 8192");
    shmget_fails(8193, EINVAL, "shmget of 8193 bytes: EINVAL");
    int id = shmget(IPC_PRIVATE, 8192, 0600);
    T_OK(id >= 0, "shmget of 8192 bytes works");
    shmctl(id, IPC_RMID, NULL);
    snprintf(buf, sizeof(buf), "%lld", shmmax);
    T_EQ(sysctl_write("shmmax", buf), 0, "shmmax restored");

    /* shmall: pages of all segments */
    struct shm_info si;
    shmctl(0, SHM_INFO, (struct shmid_ds *)&si);
    snprintf(buf, sizeof(buf), "%lu", si.shm_tot + 2);
    T_EQ(sysctl_write("shmall", buf), 0, "root writes shmall = pages in use + 2");
    shmget_fails(3 * 4096, ENOSPC, "a 3-page segment: ENOSPC");
    id = shmget(IPC_PRIVATE, 2 * 4096, 0600);
    T_OK(id >= 0, "a 2-page one fits");
    shmctl(id, IPC_RMID, NULL);
    snprintf(buf, sizeof(buf), "%lld", shmall);
    T_EQ(sysctl_write("shmall", buf), 0, "shmall restored");

    /* shmmni: ids in use */
    snprintf(buf, sizeof(buf), "%d", si.used_ids);
    T_EQ(sysctl_write("shmmni", buf), 0, "root writes shmmni = ids in use");
    shmget_fails(4096, ENOSPC, "no id left: ENOSPC");
    struct shminfo info2;
    shmctl(0, IPC_INFO, (struct shmid_ds *)&info2);
    T_EQ(info2.shmmni, si.used_ids, "IPC_INFO reports the new shmmni");
    T_EQ(info2.shmseg, si.used_ids, "and shmseg, which Linux sets to shmmni too");
    T_EQ(sysctl_write("shmmni", "32769"), -EINVAL, "shmmni past IPCMNI (32768): EINVAL");
    snprintf(buf, sizeof(buf), "%lld", shmmni);
    T_EQ(sysctl_write("shmmni", buf), 0, "shmmni restored");

    /* shm_next_id: the next segment's id, once */
    int want_id = 7 * 32768 + 1234;
    snprintf(buf, sizeof(buf), "%d", want_id);
    T_EQ(sysctl_write("shm_next_id", buf), 0, "root writes shm_next_id");
    T_EQ(sysctl_read("shm_next_id"), want_id, "shm_next_id reads it back");
    id = shmget(IPC_PRIVATE, 4096, 0600);
    T_EQ(id, want_id, "the next shmget gets that id");
    T_EQ(sysctl_read("shm_next_id"), -1, "then shm_next_id is -1 again");
    int id2 = shmget(IPC_PRIVATE, 4096, 0600);
    T_OK(id2 >= 0 && id2 != want_id, "the one after gets an id of its own");
    /* Asking for an id whose slot is taken: the next free slot, that seq. */
    T_EQ(sysctl_write("shm_next_id", buf), 0, "shm_next_id = the id in use");
    int id3 = shmget(IPC_PRIVATE, 4096, 0600);
    T_OK(id3 > want_id && id3 / 32768 == 7, "a taken slot: the next free one above, same sequence");
    remove_mine();

    /* junk, as proc_doulongvec_minmax / proc_dointvec_minmax see it */
    static const struct { const char *file, *text; int err; } bad[] = {
        { "shmmax", "abc", -EINVAL }, { "shmmax", "12x", -EINVAL },
        { "shmmax", "-5", -EINVAL }, { "shmmax", "4294967296", -EINVAL },
        { "shmall", "1.5", -EINVAL }, { "shmmni", "-1", -EINVAL },
        { "shm_next_id", "-1", -EINVAL }, { "shm_next_id", "x1", -EINVAL },
        { "shmmax", " \n", -EINVAL }, { "shmmni", "0x", -EINVAL },
    };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char what[96];
        snprintf(what, sizeof(what), "write \"%s\" to %s: EINVAL", bad[i].text, bad[i].file);
        T_EQ(sysctl_write(bad[i].file, bad[i].text), bad[i].err, what);
    }
    T_EQ(sysctl_read("shmmax"), shmmax, "shmmax unchanged by the junk");
    T_EQ(sysctl_read("shm_next_id"), -1, "shm_next_id unchanged by the junk");
    T_EQ(sysctl_write("shmmax", "0x2000"), 0, "a hex number (strtoul base 0)");
    T_EQ(sysctl_read("shmmax"), 8192, "reads 8192");
    snprintf(buf, sizeof(buf), " %lld \n", shmmax);
    T_EQ(sysctl_write("shmmax", buf), 0, "blanks around the number");
    T_EQ(sysctl_read("shmmax"), shmmax, "shmmax restored");

    /* writes from bad buffers: EFAULT, nothing changed */
    int fd = open("/proc/sys/kernel/shmmax", O_WRONLY);
    void *const badp[] = { NULL, (void *)1, (void *)0x50000000, (void *)0xC0000000,
                           (void *)0xBFFFFFFE };
    int all = fd >= 0;
    for (unsigned i = 0; fd >= 0 && i < sizeof(badp) / sizeof(badp[0]); i++) {
        errno = 0;
        long r = syscall(SYS_write, fd, badp[i], 4);
        if (r != -1 || errno != EFAULT) {
            printf("# write from %p: %ld errno %d\n", badp[i], r, errno);
            all = 0;
        }
    }
    if (fd >= 0)
        close(fd);
    T_OK(all, "writes to shmmax from bad buffers: EFAULT");
    T_EQ(sysctl_read("shmmax"), shmmax, "shmmax unchanged by them");

    /* not root: readable, not writable */
    pid_t pid = fork();
    if (pid == 0) {
        if (setuid(1000) < 0)
            _exit(10);
        if (sysctl_read("shmmax") != shmmax)
            _exit(11);
        if (sysctl_write("shmmax", "8192") != -EACCES)
            _exit(12);
        if (sysctl_write("shm_next_id", "5") != -EACCES)
            _exit(13);
        _exit(0);
    }
    int status = -1;
    waitpid(pid, &status, 0);
    T_OK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
         "uid 1000: reads shmmax, writing shmmax or shm_next_id gives EACCES");
    T_EQ(sysctl_read("shmmax"), shmmax, "shmmax unchanged");
    remove_mine();
}

int main(void)
{
    t_begin("proc_sysvipc");
    if (geteuid() != 0) {
        printf("# needs root\n");
        return t_end();
    }
    test_sysvipc_shm();
    test_sysctls();
    return t_end();
}
