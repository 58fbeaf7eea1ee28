/*
 * pci.c: PCI enumeration. Configuration space is read through mechanism #1
 * (arch_pci_read32, arch/x86/pciconf.c). The scan is the brute-force one:
 * every bus 0-255, every device 0-31, function 0 and, when function 0's
 * header type has bit 7 set (multi-function device), functions 1-7. A
 * missing function reads vendor 0xFFFF. That costs ~8,000 port reads at
 * boot and finds devices behind bridges without following them.
 *
 * The table (funcs[]) is filled once at boot and never changes, so readers
 * need no lock. Drivers find their device with pci_find_class; /proc/agora/pci
 * prints the table for user/lspci.c, one line per function:
 *
 *   BB:DD.F VVVV:DDDD CC SS PP rev RR irq N [memB ADDRESS SIZE | ioB PORT SIZE]...
 *
 * (bus, device, function; vendor and device ids; class, subclass and
 * programming interface; revision; interrupt line, 255 when none; then
 * each BAR B in use with its address and size; all hex but the line and
 * the BAR numbers).
 */
#include <kernel/pci.h>
#include <kernel/console.h>
#include <kernel/boot.h>
#include <arch/arch.h>
#include <agora/format.h>

static struct pci_func funcs[PCI_MAX_FUNCS];
static int nfuncs;
static int nskipped;                    /* found but the table was full */

/* Configuration register off of f (a multiple of 4). */
uint32_t pci_read32(const struct pci_func *f, uint8_t off)
{
    return arch_pci_read32(f->bus, f->dev, f->fn, off);
}

/* Write configuration register off of f. */
void pci_write32(const struct pci_func *f, uint8_t off, uint32_t v)
{
    arch_pci_write32(f->bus, f->dev, f->fn, off, v);
}

/* Turn on bits of f's command register (decoding, bus mastering). */
void pci_enable(const struct pci_func *f, uint16_t bits)
{
    uint32_t v = pci_read32(f, PCI_COMMAND);
    /* The upper half is the status register, whose bits are cleared by
     * writing ones: write back only the command half. */
    pci_write32(f, PCI_COMMAND, (v & 0xFFFF) | bits);
}

/* Measure BAR i (its raw value already in f->bar): write all ones, read
 * back which address bits stick, restore. Decoding is off meanwhile so the
 * device does not answer at a half-written address. Returns how many
 * registers the BAR takes (2 for a 64-bit one). */
static int size_bar(struct pci_func *f, int i)
{
    uint8_t off = (uint8_t)(PCI_BAR0 + 4 * i);
    uint32_t bar = f->bar[i];
    bool io = bar & 1, wide = !io && (bar & 0x6) == 0x4 && i < 5;
    uint32_t cmd = pci_read32(f, PCI_COMMAND) & 0xFFFF;
    pci_write32(f, PCI_COMMAND, cmd & ~(uint32_t)(PCI_CMD_MEMORY | PCI_CMD_IO));
    pci_write32(f, off, 0xFFFFFFFF);
    uint32_t mask = pci_read32(f, off) & (io ? ~0x3u : ~0xFu);
    pci_write32(f, off, bar);
    pci_write32(f, PCI_COMMAND, cmd);
    if (io)
        mask |= 0xFFFF0000;             /* I/O BARs decode 16 bits */
    f->bar_size[i] = mask ? ~mask + 1 : 0;
    if (wide)
        f->bar[i + 1] = pci_read32(f, (uint8_t)(off + 4));
    return wide ? 2 : 1;
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return alen && blen && a < b + blen && b < a + alen;
}

/*
 * A place for size bytes of registers below 4 GiB: just above the highest
 * 32-bit memory BAR (where firmware has its PCI window), size-aligned,
 * clear of every BAR and of every range of the firmware's memory map, and
 * below the I/O APIC's page (0xFEC00000). 0 when there is none.
 */
static paddr_t find_low_place(uint32_t size)
{
    uint64_t top = 0;
    for (int i = 0; i < nfuncs; i++)
        for (int b = 0; b < 6; b++)
            if (!(funcs[i].bar[b] & 1) && funcs[i].bar_size[b] && (funcs[i].bar[b] & ~0xFu) &&
                ((funcs[i].bar[b] & 0x6) != 0x4 || funcs[i].bar[b + 1 < 6 ? b + 1 : b] == 0))
                top = MAX(top, (uint64_t)(funcs[i].bar[b] & ~0xFu) + funcs[i].bar_size[b]);
    if (!top)
        return 0;
    uint64_t pa = ALIGN_UP(top, (uint64_t)size);
    if (pa + size > 0xFEC00000ull)
        return 0;
    for (int i = 0; i < boot_info.nmmap; i++)
        if (overlaps(pa, size, boot_info.mmap[i].base, boot_info.mmap[i].len))
            return 0;
    for (int i = 0; i < nfuncs; i++)
        for (int b = 0; b < 6; b++)
            if (!(funcs[i].bar[b] & 1) &&
                overlaps(pa, size, funcs[i].bar[b] & ~0xFu, funcs[i].bar_size[b]))
                return 0;
    return (paddr_t)pa;
}

/* BAR i as a memory address below 4 GiB and its size, 0 if unusable (pci.h). */
paddr_t pci_bar_mem(struct pci_func *f, int i, uint32_t *size)
{
    uint32_t bar = f->bar[i];
    *size = 0;
    if ((bar & 1) || !f->bar_size[i])
        return 0;                       /* an I/O-port or unused BAR */
    bool wide = (bar & 0x6) == 0x4 && i < 5;
    if (wide && f->bar[i + 1] != 0) {
        /* Above 4 GiB. On bus 0 (no bridge window to respect) move it. */
        paddr_t pa = f->bus == 0 ? find_low_place(MAX(f->bar_size[i], 4096u)) : 0;
        if (!pa)
            return 0;
        printk("pci: %02x:%02x.%x BAR%d moved from %x%08x (above 4 GiB) to %08x\n", f->bus,
               f->dev, f->fn, i, f->bar[i + 1], bar & ~0xFu, pa);
        uint32_t cmd = pci_read32(f, PCI_COMMAND) & 0xFFFF;
        pci_write32(f, PCI_COMMAND, cmd & ~(uint32_t)PCI_CMD_MEMORY);
        f->bar[i] = pa | (bar & 0xF);
        f->bar[i + 1] = 0;
        pci_write32(f, (uint8_t)(PCI_BAR0 + 4 * i), f->bar[i]);
        pci_write32(f, (uint8_t)(PCI_BAR0 + 4 * i + 4), 0);
        pci_write32(f, PCI_COMMAND, cmd);
        bar = f->bar[i];
    }
    *size = f->bar_size[i];
    return bar & ~0xFu;
}

/* The next function of a class from *from on (pci.h). */
struct pci_func *pci_find_class(int *from, uint8_t class, uint8_t subclass,
                                      uint8_t progif)
{
    for (int i = *from; i < nfuncs; i++) {
        struct pci_func *f = &funcs[i];
        if (f->class == class && (subclass == 0xFF || f->subclass == subclass) &&
            (progif == 0xFF || f->progif == progif)) {
            *from = i + 1;
            return f;
        }
    }
    *from = nfuncs;
    return NULL;
}

static void add(uint8_t bus, uint8_t dev, uint8_t fn, uint32_t id)
{
    if (nfuncs == PCI_MAX_FUNCS) {
        nskipped++;
        return;
    }
    struct pci_func *f = &funcs[nfuncs++];
    f->bus = bus;
    f->dev = dev;
    f->fn = fn;
    f->vendor = id & 0xFFFF;
    f->device = id >> 16;
    uint32_t cr = pci_read32(f, PCI_CLASS_REV);
    f->class = cr >> 24;
    f->subclass = (cr >> 16) & 0xFF;
    f->progif = (cr >> 8) & 0xFF;
    f->revision = cr & 0xFF;
    f->header_type = (pci_read32(f, PCI_HEADER) >> 16) & 0x7F;
    uint32_t irq = pci_read32(f, PCI_INTERRUPT);
    f->irq_line = irq & 0xFF;
    f->irq_pin = (irq >> 8) & 0xFF;
    int nbars = f->header_type == 0 ? 6 : f->header_type == 1 ? 2 : 0;
    for (int i = 0; i < nbars; i++)
        f->bar[i] = pci_read32(f, (uint8_t)(PCI_BAR0 + 4 * i));
    for (int i = 0; i < nbars; i += size_bar(f, i))
        ;
}

/* Boot: the brute-force scan of every bus, device and function. */
void pci_init(void)
{
    for (int bus = 0; bus < 256; bus++) {
        for (uint8_t dev = 0; dev < 32; dev++) {
            uint32_t id = arch_pci_read32((uint8_t)bus, dev, 0, PCI_VENDOR_ID);
            if ((id & 0xFFFF) == 0xFFFF)
                continue;
            add((uint8_t)bus, dev, 0, id);
            uint32_t hdr = arch_pci_read32((uint8_t)bus, dev, 0, PCI_HEADER);
            if (!(hdr & (0x80u << 16)))
                continue;               /* single-function device */
            for (uint8_t fn = 1; fn < 8; fn++) {
                id = arch_pci_read32((uint8_t)bus, dev, fn, PCI_VENDOR_ID);
                if ((id & 0xFFFF) != 0xFFFF)
                    add((uint8_t)bus, dev, fn, id);
            }
        }
    }
    printk("pci: %d function%s%s", nfuncs, nfuncs == 1 ? "" : "s", nfuncs ? ":" : "");
    for (int i = 0; i < nfuncs; i++) {
        const struct pci_func *f = &funcs[i];
        printk("%s%02x:%02x.%x %04x:%04x %02x%02x", i % 4 ? "  " : "\n  ", f->bus, f->dev,
               f->fn, f->vendor, f->device, f->class, f->subclass);
    }
    printk("\n");
    if (nskipped)
        printk("pci: %d more functions not kept (table holds %d)\n", nskipped, PCI_MAX_FUNCS);
}

/* /proc/agora/pci: the table, in the format the top of this file gives. */
void pci_show(void (*put)(void *ctx, const char *s), void *ctx)
{
    char line[256];
    for (int i = 0; i < nfuncs; i++) {
        const struct pci_func *f = &funcs[i];
        int n = snprintf(line, sizeof(line), "%02x:%02x.%x %04x:%04x %02x %02x %02x rev %02x irq %u",
                         f->bus, f->dev, f->fn, f->vendor, f->device, f->class, f->subclass,
                         f->progif, f->revision, f->irq_line);
        for (int b = 0; b < 6 && n < (int)sizeof(line) - 40; b++) {
            if (!f->bar_size[b])
                continue;
            bool io = f->bar[b] & 1, wide = !io && (f->bar[b] & 0x6) == 0x4 && b < 5;
            uint64_t at = (uint64_t)(wide ? f->bar[b + 1] : 0) << 32 |
                          (f->bar[b] & (io ? ~0x3u : ~0xFu));
            n += snprintf(line + n, sizeof(line) - (size_t)n, " %s%d %llx %x", io ? "io" : "mem",
                          b, (unsigned long long)at, f->bar_size[b]);
        }
        snprintf(line + n, sizeof(line) - (size_t)n, "\n");
        put(ctx, line);
    }
}
