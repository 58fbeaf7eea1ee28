/*
 * proc_system: the files of /proc about the whole system. meminfo in
 * Linux's layout with MemTotal and MemFree as agora's meminfo call counts
 * them; uptime against the monotonic clock; loadavg's process counts and
 * newest pid; mounts, stat's btime, version. Then every file read into
 * bad buffers (the bad-pointer matrix): EFAULT, the reader survives, a
 * read-only page stays untouched; a buffer that ends in a hole gets the
 * bytes before the hole.
 */
#include <agora_test.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>

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

/* The number on the line "label   N kB" of meminfo; -1 if absent or not
 * in Linux's columns (label padded to 16, the number right-aligned in 8). */
static long meminfo_kb(const char *text, const char *label)
{
    size_t n = strlen(label);
    for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        if (strncmp(l, label, n) != 0 || l[n] != ':')
            continue;
        if (strncmp(l + 24, " kB\n", 4) != 0 || l[15] != ' ')
            return -1;
        return strtol(l + 16, NULL, 10);
    }
    return -1;
}

static void test_meminfo(void)
{
    char text[4096];
    T_OK(slurp("/proc/meminfo", text, sizeof(text)) > 0, "read /proc/meminfo");
    T_OK(strncmp(text, "MemTotal:", 9) == 0, "MemTotal first");
    struct agora_meminfo mi = t_meminfo();
    long total = meminfo_kb(text, "MemTotal"), free = meminfo_kb(text, "MemFree");
    T_EQ(total, (long)mi.total_frames * 4, "MemTotal: the frames agora manages, in kB");
    long diff = free - (long)mi.free_frames * 4;
    T_OK(free > 0 && diff <= 64 * 4 && diff >= -64 * 4, "MemFree within 64 pages of meminfo's free frames");
    static const char *const labels[] = {
        "MemAvailable", "Buffers", "Cached", "SwapCached", "SwapTotal", "SwapFree", "Shmem",
        "SReclaimable", "Slab",
    };
    for (unsigned i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
        char what[64];
        snprintf(what, sizeof(what), "%s: present, in Linux's columns", labels[i]);
        T_OK(meminfo_kb(text, labels[i]) >= 0, what);
    }
    T_EQ(meminfo_kb(text, "SwapTotal"), 0, "no swap");
    T_OK(meminfo_kb(text, "MemAvailable") <= total, "MemAvailable <= MemTotal");
}

static void test_small_files(void)
{
    char text[4096];
    struct timespec ts;
    T_OK(slurp("/proc/uptime", text, sizeof(text)) > 0, "read /proc/uptime");
    clock_gettime(CLOCK_MONOTONIC, &ts);
    char *end;
    long secs = strtol(text, &end, 10);
    T_OK(*end == '.' && end[3] == ' ' && end[4] && strchr(end + 4, '\n'),
         "uptime: two numbers with two decimals");
    T_OK(secs <= ts.tv_sec && secs >= ts.tv_sec - 2, "uptime's seconds are the monotonic clock's");

    T_OK(slurp("/proc/loadavg", text, sizeof(text)) > 0, "read /proc/loadavg");
    T_OK(strncmp(text, "0.00 0.00 0.00 ", 15) == 0, "loadavg: three averages (agora computes none: 0.00)");
    long running = strtol(text + 15, &end, 10);
    long all = *end == '/' ? strtol(end + 1, &end, 10) : -1;
    long last = strtol(end, &end, 10);
    T_OK(running >= 1 && all >= 3 && running <= all, "loadavg: runnable/all, we and our parents among them");
    T_OK(last >= getpid() && *end == '\n', "loadavg: the newest pid, at least ours");
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    slurp("/proc/loadavg", text, sizeof(text));
    end = strrchr(text, ' ');
    T_EQ(strtol(end, NULL, 10), pid, "after a fork the newest pid is the child's");
    waitpid(pid, NULL, 0);

    T_OK(slurp("/proc/mounts", text, sizeof(text)) > 0, "read /proc/mounts");
    T_OK(strstr(text, "proc /proc proc ") != NULL, "mounts: proc on /proc");
    T_OK(strstr(text, " / ") != NULL, "mounts: the root");

    T_OK(slurp("/proc/stat", text, sizeof(text)) > 0, "read /proc/stat");
    T_OK(strncmp(text, "cpu  ", 5) == 0, "stat: the cpu line first");
    char *bt = strstr(text, "\nbtime ");
    long btime = bt ? strtol(bt + 7, NULL, 10) : 0;
    long now = (long)time(NULL);
    T_OK(btime > 0 && btime <= now && btime >= now - ts.tv_sec - 2, "stat: btime is now - uptime");

    T_OK(slurp("/proc/version", text, sizeof(text)) > 0 && strstr(text, " version ") != NULL,
         "version");
}

/* The cpu line's user, system and idle ticks, and intr's count; 0 if the
 * text is not as Linux prints it. */
static int cpu_line(unsigned long long v[4])
{
    char text[4096];
    if (slurp("/proc/stat", text, sizeof(text)) <= 0 || strncmp(text, "cpu  ", 5) != 0)
        return 0;
    char *p = text + 5;
    unsigned long long f[10];
    for (int i = 0; i < 10; i++)
        f[i] = strtoull(p, &p, 10);
    char *in = strstr(text, "\nintr ");
    if (!in || *p != '\n')
        return 0;
    v[0] = f[0], v[1] = f[2], v[2] = f[3], v[3] = strtoull(in + 6, NULL, 10);
    return 1;
}

static void test_cpu_times(void)
{
    unsigned long long a[4], b[4];
    T_OK(cpu_line(a), "/proc/stat: cpu line of ten figures, intr");
    T_EQ(a[0] + a[1] + a[2], a[3], "user + system + idle are the ticks since boot");
    pid_t pid = fork();
    if (pid == 0) {
        long end = now_ms() + 300;
        while (now_ms() < end)
            ;
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    T_OK(cpu_line(b), "/proc/stat again, after a child spun 0.3 s and was reaped");
    T_OK(b[0] >= a[0] && b[1] >= a[1] && b[2] >= a[2], "no figure went down");
    T_OK(b[0] + b[1] > a[0] + a[1], "the child's CPU time is still counted");
    char text[256];
    slurp("/proc/uptime", text, sizeof(text));
    char *end;
    unsigned long up = strtoul(text, &end, 10);
    unsigned long idle = strtoul(strchr(end, ' ') + 1, NULL, 10);
    T_OK(idle <= up, "uptime: idle seconds at most the seconds since boot");
}

/* ---- the bad-pointer matrix ------------------------------------------- */

static const unsigned char ro_page[4096] __attribute__((aligned(4096))) = { 0x5a, 0xa5 };

static void test_bad_buffers(void)
{
    static const char *const files[] = {
        "/proc/self/stat", "/proc/self/status", "/proc/self/cmdline", "/proc/self/comm",
        "/proc/meminfo", "/proc/uptime", "/proc/loadavg", "/proc/mounts", "/proc/stat",
        "/proc/version", "/proc/sysvipc/shm", "/proc/sys/kernel/shmmax",
    };
    uintptr_t brk_end = ((uintptr_t)sbrk(0) + 4095) & ~(uintptr_t)4095;
    void *const bad[] = {
        NULL, (void *)1, (void *)0x50000000, (void *)(brk_end + 0x10000), (void *)0xC0000000,
        (void *)0xFFFFF000, (void *)0xBFFFFFFE, (void *)ro_page, (void *)(uintptr_t)&test_bad_buffers,
    };
    static const char *const bad_name[] = {
        "NULL", "1", "unmapped", "above the break", "0xC0000000", "0xFFFFF000",
        "straddling 0xC0000000", "read-only page", "our .text",
    };
    for (unsigned f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
        int fd = open(files[f], O_RDONLY);
        char what[128];
        snprintf(what, sizeof(what), "open %s", files[f]);
        if (!T_OK(fd >= 0, what))
            continue;
        int all_efault = 1;
        for (unsigned k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
            lseek(fd, 0, SEEK_SET);
            errno = 0;
            long r = syscall(SYS_read, fd, bad[k], 64);
            if (r != -1 || errno != EFAULT) {
                printf("# %s into %s: got %ld errno %d\n", files[f], bad_name[k], r, errno);
                all_efault = 0;
            }
        }
        snprintf(what, sizeof(what), "%s read into every bad buffer: EFAULT", files[f]);
        T_OK(all_efault, what);
        /* Then it still reads well. */
        char buf[64];
        lseek(fd, 0, SEEK_SET);
        snprintf(what, sizeof(what), "%s still reads after the faults", files[f]);
        T_OK(read(fd, buf, sizeof(buf)) > 0, what);
        close(fd);
    }
    T_OK(ro_page[0] == 0x5a && ro_page[1] == 0xa5 && ro_page[2] == 0, "the read-only page is untouched");

    /* A buffer whose second page is a hole: the bytes up to the hole. */
    char *p = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    T_OK(p != MAP_FAILED, "mmap two pages");
    munmap(p + 4096, 4096);
    int fd = open("/proc/self/status", O_RDONLY);
    long r = read(fd, p + 4096 - 10, 100);
    T_EQ(r, 10, "a read that runs into a hole returns the bytes before it");
    T_OK(memcmp(p + 4096 - 10, "Name:\tproc", 10) == 0, "and they are the file's first bytes");
    close(fd);
    munmap(p, 4096);
}

int main(void)
{
    t_begin("proc_system");
    test_meminfo();
    test_small_files();
    test_cpu_times();
    test_bad_buffers();
    return t_end();
}
