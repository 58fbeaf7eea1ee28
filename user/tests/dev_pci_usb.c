/*
 * dev_pci_usb: /proc/agora/pci and /proc/agora/usb (kernel/dev/pci.c,
 * xhci.c) and the tools that read them, /bin/lspci and /bin/lsusb.
 *
 * Every PC has a host bridge at 00:00.0 (class 06, subclass 00), so the
 * PCI table cannot be empty; its lines must be well formed and distinct,
 * read the same in small pieces as in one, and lspci must print one line
 * per function with the function's address, its ids and for the host
 * bridge the class name; lspci -v a Region line per BAR. The USB table is empty unless the machine has an
 * xHCI controller with devices (the test ISO has none), so lsusb is held to
 * one line per table line, each naming the device's ids.
 */
#include <agora_test.h>
#include <fcntl.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/wait.h>

static char pci[8192], usb[8192], out[16384];

/* The whole file at path into buf (NUL-terminated), reading chunk bytes at
 * a time; bytes read, or -1. */
static long slurp(const char *path, char *buf, size_t size, size_t chunk)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    long len = 0, n;
    while ((size_t)len + 1 < size &&
           (n = read(fd, buf + len, chunk < size - 1 - (size_t)len ? chunk : size - 1 - (size_t)len)) > 0)
        len += n;
    close(fd);
    buf[len] = '\0';
    return len;
}

/* Run prog, its standard output into out; the length, or -1. */
static long run(const char *prog, const char *arg)
{
    int p[2];
    if (pipe(p) < 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(p[1], 1);
        close(p[0]);
        close(p[1]);
        execl(prog, prog, arg, (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    long len = 0, n;
    while ((size_t)len + 1 < sizeof(out) && (n = read(p[0], out + len, sizeof(out) - 1 - (size_t)len)) > 0)
        len += n;
    out[len] = '\0';
    close(p[0]);
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? len : -1;
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static bool is_hex(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

/* "BB:DD.F VVVV:DDDD CC SS PP rev RR irq N" */
static bool pci_line_ok(const char *l)
{
    return is_hex(l, 2) && l[2] == ':' && is_hex(l + 3, 2) && l[5] == '.' && l[6] >= '0' &&
           l[6] <= '7' && l[7] == ' ' && is_hex(l + 8, 4) && l[12] == ':' && is_hex(l + 13, 4) &&
           l[17] == ' ' && is_hex(l + 18, 2) && l[20] == ' ' && is_hex(l + 21, 2) &&
           l[23] == ' ' && is_hex(l + 24, 2) && strncmp(l + 26, " rev ", 5) == 0 &&
           strncmp(l + 8, "ffff", 4) != 0;
}

static void check_pci(void)
{
    long len = slurp("/proc/agora/pci", pci, sizeof(pci), sizeof(pci));
    T_OK(len > 0, "read /proc/agora/pci");
    if (len <= 0)
        return;
    char small[sizeof(pci)];
    T_EQ(slurp("/proc/agora/pci", small, sizeof(small), 7), len, "read in 7-byte pieces: as long");
    T_OK(strcmp(small, pci) == 0, "and the same text");
    struct stat st;
    T_OK(stat("/proc/agora/pci", &st) == 0 && (st.st_mode & 07777) == 0444 && S_ISREG(st.st_mode),
         "a regular file, mode 0444");

    int n = count_lines(pci), bad = 0, dups = 0;
    const char *host = NULL;
    for (const char *l = pci; *l; l = strchr(l, '\n') + 1) {
        if (!pci_line_ok(l))
            bad++;
        if (strncmp(l, "00:00.0 ", 8) == 0 && strncmp(l + 18, "06 00", 5) == 0)
            host = l;
        for (const char *m = strchr(l, '\n') + 1; *m; m = strchr(m, '\n') + 1)
            dups += strncmp(l, m, 8) == 0;
    }
    T_EQ(bad, 0, "every line: BB:DD.F VVVV:DDDD CC SS PP rev RR irq N, vendor not ffff");
    T_EQ(dups, 0, "no function twice");
    T_OK(host != NULL, "a host bridge (class 0600) at 00:00.0");

    T_OK(run("/bin/lspci", NULL) >= 0, "lspci runs and exits 0");
    T_EQ(count_lines(out), n, "lspci: one line per function");
    int missing = 0;
    for (const char *l = pci; *l; l = strchr(l, '\n') + 1) {
        char want[32];
        snprintf(want, sizeof(want), "%.7s ", l);
        char *at = strstr(out, want);
        char ids[10];
        snprintf(ids, sizeof(ids), "%.9s", l + 8);
        char *eol = at ? strchr(at, '\n') : NULL;
        if (!at || !eol || !memmem(at, (size_t)(eol - at), ids, 9))
            missing++;
    }
    T_EQ(missing, 0, "lspci: each function's address and vendor:device");
    if (host) {
        char want[64];
        snprintf(want, sizeof(want), "00:00.0 Host bridge [0600]: %.9s\n", host + 8);
        T_OK(strstr(out, want) != NULL, "lspci: 00:00.0 Host bridge [0600]: VVVV:DDDD");
    }

    /* Every BAR in the table ("memB ADDR SIZE", "ioB PORT SIZE") is a
     * Region line of lspci -v. */
    int bars = 0, regions = 0;
    for (const char *p = pci; (p = strstr(p, " mem")) != NULL; p++)
        bars++;
    for (const char *p = pci; (p = strstr(p, " io")) != NULL; p++)
        bars++;
    T_OK(run("/bin/lspci", "-v") >= 0, "lspci -v runs and exits 0");
    for (const char *p = out; (p = strstr(p, "\tRegion ")) != NULL; p++)
        regions++;
    T_OK(bars > 0, "some function has a BAR (the VGA framebuffer at least)");
    T_EQ(regions, bars, "lspci -v: a Region line per BAR");
}

static void check_usb(void)
{
    long len = slurp("/proc/agora/usb", usb, sizeof(usb), sizeof(usb));
    T_OK(len >= 0, "read /proc/agora/usb");
    if (len < 0)
        return;
    T_OK(run("/bin/lsusb", NULL) >= 0, "lsusb runs and exits 0");
    T_EQ(count_lines(out), count_lines(usb), "lsusb: one line per device");
    int missing = 0;
    for (const char *l = usb; *l; l = strchr(l, '\n') + 1) {
        /* "BUS PORT SLOT VVVV:PPPP ..." */
        const char *ids = l;
        for (int i = 0; i < 3 && ids; i++)
            ids = strchr(ids, ' ') ? strchr(ids, ' ') + 1 : NULL;
        char want[16];
        snprintf(want, sizeof(want), "ID %.9s ", ids ? ids : "?");
        missing += strstr(out, want) == NULL;
    }
    T_EQ(missing, 0, "lsusb: each device's vendor:product");
}

int main(void)
{
    t_begin("dev_pci_usb");
    check_pci();
    check_usb();
    return t_end();
}
