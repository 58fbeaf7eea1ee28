/*
 * lspci: list the PCI functions the kernel found at boot, one per line, as
 * pciutils' lspci -nn does in short:
 *
 *   00:1f.2 SATA controller [0106]: 8086:2922
 *
 * The kernel's table is /proc/agora/pci (kernel/dev/pci.c describes its
 * lines); the class names are this program's own table. -v adds the
 * programming interface, revision, interrupt line and the BARs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct class_name {
    unsigned cls, sub;                  /* sub 0xFF: any subclass */
    const char *name;
};

static const struct class_name names[] = {
    { 0x00, 0x01, "VGA compatible device" },
    { 0x01, 0x00, "SCSI storage controller" }, { 0x01, 0x01, "IDE interface" },
    { 0x01, 0x05, "ATA controller" }, { 0x01, 0x06, "SATA controller" },
    { 0x01, 0x08, "Non-Volatile memory controller" }, { 0x01, 0xFF, "Mass storage controller" },
    { 0x02, 0x00, "Ethernet controller" }, { 0x02, 0x80, "Network controller" },
    { 0x02, 0xFF, "Network controller" },
    { 0x03, 0x00, "VGA compatible controller" }, { 0x03, 0xFF, "Display controller" },
    { 0x04, 0x01, "Multimedia audio controller" }, { 0x04, 0x03, "Audio device" },
    { 0x04, 0xFF, "Multimedia controller" },
    { 0x05, 0xFF, "Memory controller" },
    { 0x06, 0x00, "Host bridge" }, { 0x06, 0x01, "ISA bridge" }, { 0x06, 0x04, "PCI bridge" },
    { 0x06, 0x80, "Bridge" }, { 0x06, 0xFF, "Bridge" },
    { 0x07, 0x00, "Serial controller" }, { 0x07, 0xFF, "Communication controller" },
    { 0x08, 0xFF, "System peripheral" },
    { 0x09, 0xFF, "Input device controller" },
    { 0x0C, 0x03, "USB controller" }, { 0x0C, 0x05, "SMBus" },
    { 0x0C, 0xFF, "Serial bus controller" },
    { 0x0D, 0xFF, "Wireless controller" },
};

/* Split line at blanks into at most max words; returns how many. */
static int split(char *line, char **w, int max)
{
    int n = 0;
    for (char *p = line; *p && n < max;) {
        while (*p == ' ' || *p == '\n')
            *p++ = '\0';
        if (!*p)
            break;
        w[n++] = p;
        while (*p && *p != ' ' && *p != '\n')
            p++;
    }
    return n;
}

static const char *class_name(unsigned cls, unsigned sub)
{
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].cls == cls && (names[i].sub == sub || names[i].sub == 0xFF))
            return names[i].name;
    return "Unclassified device";
}

int main(int argc, char **argv)
{
    int verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
    if (argc > 1 && !verbose) {
        fprintf(stderr, "usage: lspci [-v]\n");
        return 2;
    }
    FILE *f = fopen("/proc/agora/pci", "r");
    if (!f) {
        perror("lspci: /proc/agora/pci");
        return 1;
    }
    char line[256];
    while (fgets(line, sizeof(line), f)) {
        /* BB:DD.F VVVV:DDDD CC SS PP rev RR irq N */
        char *w[9 + 3 * 6];
        int nw = split(line, w, 9 + 3 * 6);
        if (nw < 9 || strlen(w[1]) != 9)
            continue;
        char *addr = w[0];
        unsigned vendor = (unsigned)strtoul(w[1], NULL, 16);
        unsigned device = (unsigned)strtoul(w[1] + 5, NULL, 16);
        unsigned cls = (unsigned)strtoul(w[2], NULL, 16);
        unsigned sub = (unsigned)strtoul(w[3], NULL, 16);
        unsigned progif = (unsigned)strtoul(w[4], NULL, 16);
        unsigned rev = (unsigned)strtoul(w[6], NULL, 16);
        unsigned irq = (unsigned)strtoul(w[8], NULL, 10);
        printf("%s %s [%02x%02x]: %04x:%04x", addr, class_name(cls, sub), cls, sub, vendor,
               device);
        if (verbose) {
            printf(" (prog-if %02x, rev %02x, irq %u)", progif, rev, irq);
            /* The BARs: "memB ADDRESS SIZE" or "ioB PORT SIZE". */
            for (int i = 9; i + 2 < nw; i += 3) {
                int io = strncmp(w[i], "io", 2) == 0;
                unsigned long long at = strtoull(w[i + 1], NULL, 16);
                unsigned long size = strtoul(w[i + 2], NULL, 16);
                printf("\n\tRegion %s: %s at %llx [size=", w[i] + (io ? 2 : 3),
                       io ? "I/O ports" : "Memory", at);
                if (size >= 1024 * 1024 && size % (1024 * 1024) == 0)
                    printf("%luM]", size >> 20);
                else if (size >= 1024 && size % 1024 == 0)
                    printf("%luK]", size >> 10);
                else
                    printf("%lu]", size);
            }
        }
        printf("\n");
    }
    fclose(f);
    return 0;
}
