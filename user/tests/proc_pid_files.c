/*
 * proc_pid_files: /proc/PID/{stat,status,cmdline,comm,exe} and /proc/self
 * against what the process knows of itself (getpid, getppid, getpgrp,
 * getsid, its ids, its signal mask and dispositions, its argv), and the
 * life of /proc/PID: there while the process is, a zombie shows 'Z', gone
 * once reaped.
 *
 * The body re-executes itself with a chosen argv (found through
 * /proc/self/exe) so that cmdline has something to be compared with.
 */
#include <agora_test.h>
#include <dirent.h>
#include <sched.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>

#define SELF "/tests/proc_pid_files"

/* The whole file at path into buf (NUL-terminated); bytes read, -1. */
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

/* The value after "Label:\t" in a status text, or NULL. */
static const char *field(const char *text, const char *label)
{
    size_t n = strlen(label);
    for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
        if (strncmp(line, label, n) == 0 && line[n] == ':' && line[n + 1] == '\t')
            return line + n + 2;
    return NULL;
}

/* Split /proc/PID/stat after the comm into fields[3..]; fields[1] is the
 * comm, fields[2] the state. Returns the number of fields (Linux: 52). */
static int stat_fields(char *text, char **fields, int max, char *comm, size_t comm_size)
{
    char *open_paren = strchr(text, '(');
    char *close_paren = strrchr(text, ')');
    if (!open_paren || !close_paren || max < 3)
        return 0;
    size_t clen = (size_t)(close_paren - open_paren - 1);
    if (clen >= comm_size)
        clen = comm_size - 1;
    memcpy(comm, open_paren + 1, clen);
    comm[clen] = '\0';
    fields[0] = text;
    fields[1] = comm;
    int n = 2;
    char *p = close_paren + 1;
    while (n < max) {
        while (*p == ' ')
            p++;
        if (!*p || *p == '\n')
            break;
        fields[n++] = p;
        while (*p && *p != ' ' && *p != '\n')
            p++;
        if (*p)
            *p++ = '\0';
    }
    return n;
}

static long num(const char *s) { return strtol(s, NULL, 10); }

static void check_stat(void)
{
    char text[1024], comm[64];
    T_OK(slurp("/proc/self/stat", text, sizeof(text)) > 0, "read /proc/self/stat");
    T_OK(text[strlen(text) - 1] == '\n', "stat ends with a newline");
    char *f[64];
    int n = stat_fields(text, f, 64, comm, sizeof(comm));
    T_EQ(n, 52, "stat has Linux's 52 fields");
    if (n < 52)
        return;
    T_EQ(num(f[0]), getpid(), "field 1 pid");
    T_OK(strcmp(comm, "proc_pid_files") == 0, "field 2 comm in parentheses");
    T_OK(strcmp(f[2], "R") == 0, "field 3 state R (it is running)");
    T_EQ(num(f[3]), getppid(), "field 4 ppid");
    T_EQ(num(f[4]), getpgrp(), "field 5 pgrp");
    T_EQ(num(f[5]), getsid(0), "field 6 session");
    T_EQ(num(f[17]), 20, "field 18 priority 20 (nice 0)");
    T_EQ(num(f[18]), 0, "field 19 nice");
    T_EQ(num(f[19]), 1, "field 20 one thread");
    T_EQ(num(f[20]), 0, "field 21 itrealvalue 0");
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    long now_ticks = ts.tv_sec * 100 + ts.tv_nsec / 10000000;
    long start = num(f[21]);
    T_OK(start > 0 && start <= now_ticks, "field 22 starttime in ticks since boot, not after now");
    unsigned long vsize = strtoul(f[22], NULL, 10), rss = strtoul(f[23], NULL, 10);
    T_OK(vsize > 0 && vsize % 4096 == 0, "field 23 vsize in bytes, whole pages");
    T_OK(rss > 0 && rss <= vsize / 4096, "field 24 rss in pages, at most vsize");
    T_EQ(num(f[37]), SIGCHLD, "field 38 exit_signal SIGCHLD");
}

static void check_status(void)
{
    char text[4096], want[64];
    T_OK(slurp("/proc/self/status", text, sizeof(text)) > 0, "read /proc/self/status");
    const char *v;
    T_OK((v = field(text, "Name")) && strncmp(v, "proc_pid_files\n", 15) == 0, "Name");
    T_OK((v = field(text, "State")) && strncmp(v, "R (running)\n", 12) == 0, "State R (running)");
    T_OK((v = field(text, "Umask")) && strlen(v) > 4 && v[4] == '\n', "Umask in 4 octal digits");
    T_OK((v = field(text, "Tgid")) && num(v) == getpid(), "Tgid");
    T_OK((v = field(text, "Pid")) && num(v) == getpid(), "Pid");
    T_OK((v = field(text, "PPid")) && num(v) == getppid(), "PPid");
    snprintf(want, sizeof(want), "%u\t%u\t", getuid(), geteuid());
    T_OK((v = field(text, "Uid")) && strncmp(v, want, strlen(want)) == 0, "Uid: real, effective...");
    snprintf(want, sizeof(want), "%u\t%u\t", getgid(), getegid());
    T_OK((v = field(text, "Gid")) && strncmp(v, want, strlen(want)) == 0, "Gid: real, effective...");
    T_OK(field(text, "Groups") != NULL, "Groups");
    T_OK((v = field(text, "Threads")) && num(v) == 1, "Threads 1");
    T_OK((v = field(text, "VmSize")) && strstr(v, " kB\n") == v + 8, "VmSize: 8 columns, then kB");
    T_OK((v = field(text, "VmRSS")) && num(v) > 0, "VmRSS");
    /* Signals: SIGUSR1 (10) blocked, SIGUSR2 (12) ignored, SIGTERM (15) caught. */
    T_OK((v = field(text, "SigBlk")) && strncmp(v, "0000000000000200\n", 17) == 0,
         "SigBlk shows SIGUSR1 blocked (bit 9)");
    T_OK((v = field(text, "SigIgn")) && strncmp(v, "0000000000000800\n", 17) == 0,
         "SigIgn shows SIGUSR2 ignored (bit 11)");
    T_OK((v = field(text, "SigCgt")) && strncmp(v, "0000000000004000\n", 17) == 0,
         "SigCgt shows SIGTERM caught (bit 14)");
    T_OK((v = field(text, "SigPnd")) && strncmp(v, "0000000000000000\n", 17) == 0, "SigPnd none");
    /* The same in stat's decimal fields 31-34. */
    char st[1024], comm[64], *f[64];
    slurp("/proc/self/stat", st, sizeof(st));
    if (stat_fields(st, f, 64, comm, sizeof(comm)) == 52) {
        T_EQ(num(f[31]), 1 << 9, "stat field 32 blocked");
        T_EQ(num(f[32]), 1 << 11, "stat field 33 sigignore");
        T_EQ(num(f[33]), 1 << 14, "stat field 34 sigcatch");
    }
    /* VmSize is stat's vsize in kB. */
    if ((v = field(text, "VmSize")))
        T_EQ(num(v), (long)(strtoul(f[22], NULL, 10) / 1024), "VmSize equals stat's vsize");
}

static void on_term(int sig) { (void)sig; }

/* The exec'd child: compare cmdline with argv, report by exit status. */
static int child_main(int argc, char **argv)
{
    char buf[512];
    long n = slurp("/proc/self/cmdline", buf, sizeof(buf));
    long want = 0;
    for (int i = 0; i < argc; i++)
        want += (long)strlen(argv[i]) + 1;
    if (n != want)
        return 2;
    long off = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(buf + off, argv[i]) != 0)
            return 3;
        off += (long)strlen(argv[i]) + 1;
    }
    /* Linux names a process after the last component of the path exec
     * was given, here "/proc/self/exe". */
    if (slurp("/proc/self/comm", buf, sizeof(buf)) < 0 || strcmp(buf, "exe\n") != 0)
        return 4;
    return 0;
}

/* The exec'd child of a setuid: /proc/self is its user's now. */
static int owner_main(void)
{
    struct stat sb, sf;
    if (stat("/proc/self", &sb) < 0 || stat("/proc/self/status", &sf) < 0)
        return 2;
    if (sb.st_uid != 1000 || sb.st_gid != 1000 || sf.st_uid != 1000)
        return 3;
    /* Root's process (init): its addresses are hidden as Linux hides them
     * (start_code and end_code 1, start_stack 0), its exe is EACCES. */
    char text[1024], comm[64], *f[64], buf[64];
    if (slurp("/proc/1/stat", text, sizeof(text)) <= 0 ||
        stat_fields(text, f, 64, comm, sizeof(comm)) != 52)
        return 4;
    if (num(f[25]) != 1 || num(f[26]) != 1 || num(f[27]) != 0 || num(f[44]) != 0)
        return 5;
    if (readlink("/proc/1/exe", buf, sizeof(buf)) != -1 || errno != EACCES)
        return 6;
    if (readlink("/proc/self/exe", buf, sizeof(buf)) != (ssize_t)strlen(SELF))
        return 7;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "cmdline-child") == 0)
        return child_main(argc, argv);
    if (argc > 1 && strcmp(argv[1], "owner-child") == 0)
        return owner_main();
    t_begin("proc_pid_files");

    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    signal(SIGUSR2, SIG_IGN);
    signal(SIGTERM, on_term);
    check_stat();
    check_status();

    char buf[256], want[32];
    ssize_t n = readlink("/proc/self", buf, sizeof(buf));
    snprintf(want, sizeof(want), "%d", getpid());
    T_OK(n == (ssize_t)strlen(want) && memcmp(buf, want, (size_t)n) == 0, "/proc/self -> our pid");
    n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
    T_OK(n == (ssize_t)strlen(SELF) && memcmp(buf, SELF, (size_t)n) == 0,
         "/proc/self/exe -> " SELF);
    snprintf(want, sizeof(want), "/proc/%d/exe", getpid());
    n = readlink(want, buf, sizeof(buf) - 1);
    T_OK(n == (ssize_t)strlen(SELF), "/proc/PID/exe is the same link");
    T_OK(slurp("/proc/self/comm", buf, sizeof(buf)) > 0 && strcmp(buf, "proc_pid_files\n") == 0,
         "comm is the name and a newline");

    /* cmdline: exec ourselves with a chosen argv, empty string included. */
    pid_t pid = fork();
    if (pid == 0) {
        char *cargv[] = { "proc_pid_files", "cmdline-child", "two words", "", "last", NULL };
        execv("/proc/self/exe", cargv);
        printf("# execv: %s\n", strerror(errno));
        _exit(100);
    }
    int status = -1;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        printf("# the child: status 0x%x (exit 100: execv failed)\n", status);
    T_OK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "cmdline is argv, NUL after each; comm \"exe\" (exec via /proc/self/exe)");

    /* /proc/PID belongs to the process's user (ps shows it): root's
     * here; after setuid and exec, the new user's. */
    struct stat sb;
    T_OK(stat("/proc/self", &sb) == 0 && sb.st_uid == geteuid() && (sb.st_mode & 0777) == 0555,
         "/proc/self: our uid, mode 0555");
    pid = fork();
    if (pid == 0) {
        if (setgid(1000) < 0 || setuid(1000) < 0)
            _exit(10);
        char *oargv[] = { "proc_pid_files", "owner-child", NULL };
        execv(SELF, oargv);
        _exit(11);
    }
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        printf("# the uid 1000 child: status 0x%x\n", status);
    T_OK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "after setuid(1000) and exec: /proc/self is uid 1000's; root's init shows no addresses, exe EACCES");

    /* /proc lists us, and the fixed entries. */
    DIR *d = opendir("/proc");
    int seen_self = 0, seen_pid = 0, seen_meminfo = 0;
    struct dirent *de;
    snprintf(want, sizeof(want), "%d", getpid());
    while (d && (de = readdir(d))) {
        seen_self |= strcmp(de->d_name, "self") == 0;
        seen_meminfo |= strcmp(de->d_name, "meminfo") == 0;
        seen_pid |= strcmp(de->d_name, want) == 0;
    }
    if (d)
        closedir(d);
    T_OK(seen_self && seen_meminfo, "readdir /proc: self, meminfo");
    T_OK(seen_pid, "readdir /proc: our pid");

    /* /proc/PID costs nothing once its process is reaped: the kernel heap
     * is the same after many lives, with exec and with reads of its files. */
    unsigned heap0 = t_meminfo().kheap_bytes;
    for (int i = 0; i < 20; i++) {
        pid_t c = fork();
        if (c == 0) {
            if (i % 2) {
                char *eargv[] = { "true", "x", NULL };
                execv("/bin/true", eargv);
            }
            char tmp[512];
            slurp("/proc/self/status", tmp, sizeof(tmp));
            _exit(0);
        }
        int st;
        waitpid(c, &st, 0);
    }
    T_EQ(t_meminfo().kheap_bytes, heap0, "kernel heap the same after 20 fork/exec/exit/wait");

    /* A zombie keeps /proc/PID (state Z); reaping removes it. */
    pid = fork();
    if (pid == 0)
        _exit(7);
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/stat", pid);
    T_SUCCESS(stat(path, &sb), "/proc/CHILD/stat exists");
    /* Wait for the zombie without reaping it: poll its state. */
    char text[1024], comm[64], *f[64];
    int zombie = 0;
    for (int i = 0; i < 1000 && !zombie; i++) {
        if (slurp(path, text, sizeof(text)) > 0 && stat_fields(text, f, 64, comm, sizeof(comm)) == 52)
            zombie = strcmp(f[2], "Z") == 0;
        if (!zombie)
            sched_yield();
    }
    T_OK(zombie, "an exited, unreaped child shows state Z");
    if (zombie)
        T_EQ(num(f[51]), 7 << 8, "field 52 exit_code: the wait status");
    snprintf(path, sizeof(path), "/proc/%d/exe", pid);
    T_ERRNO(readlink(path, buf, sizeof(buf)), ENOENT, "a zombie's exe leads nowhere");
    int fd = open((snprintf(path, sizeof(path), "/proc/%d/status", pid), path), O_RDONLY);
    T_OK(fd >= 0, "open a file of the zombie");
    waitpid(pid, &status, 0);
    snprintf(path, sizeof(path), "/proc/%d", pid);
    T_ERRNO(stat(path, &sb), ENOENT, "/proc/CHILD is gone after the reap");
    snprintf(path, sizeof(path), "/proc/%d/stat", pid);
    T_ERRNO(open(path, O_RDONLY), ENOENT, "and its files");
    T_ERRNO(read(fd, buf, sizeof(buf)), ESRCH, "a file left open reads ESRCH");
    close(fd);
    return t_end();
}
