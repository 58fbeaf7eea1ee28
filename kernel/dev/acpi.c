/*
 * acpi.c: the firmware's ACPI tables, read at boot, and power-off and
 * reset through them.
 *
 * The chain: the RSDP ("RSD PTR ", a copy handed over by GRUB in Multiboot2
 * tag 15 or 14; under BIOS without one, found by scanning the EBDA's first
 * KiB and 0xE0000-0xFFFFF) points to the root table: the XSDT (64-bit
 * entries, RSDP revision >= 2) or the RSDT (32-bit entries). The root lists
 * the other tables by physical address; we read two of them:
 *
 *   FADT ("FACP")  fixed hardware: PM1 control ports, the SMI command port
 *                  that hands the machine from SMM firmware to ACPI mode,
 *                  the reset register, IAPC_BOOT_ARCH (is there an 8042?),
 *                  and where the DSDT is.
 *   MADT ("APIC")  interrupt controllers: one entry per CPU (local APIC id),
 *                  the I/O APICs and the ISA IRQ overrides. Kept in struct
 *                  acpi_info for a later SMP kernel; printed at boot.
 *
 * Every table's checksum (all bytes add up to 0 mod 256) is checked; a bad
 * one is ignored. Tables are mapped with vm_map_phys (cached): those in the
 * direct map come back from there, the others use its window for good.
 *
 * Power-off (S5) needs the SLP_TYPa/b values of the \_S5_ object, which
 * lives in the DSDT as AML byte code. Without an AML interpreter we scan
 * for the few bytes the encoding of "Name (_S5, Package () { a, b, ... })"
 * must have (see find_s5). That works on QEMU and on most PCs, whose _S5
 * is a plain package of constants.
 */
#include <kernel/acpi.h>
#include <kernel/boot.h>
#include <kernel/console.h>
#include <kernel/vm.h>
#include <arch/arch.h>
#include <arch/memlayout.h>
#include <uapi/errno.h>
#include <agora/format.h>
#include <stdarg.h>
#include <string.h>

struct acpi_info acpi;

/* Table header common to all tables but the RSDP. */
struct sdt_header {
    char signature[4];
    uint32_t length;
    uint8_t revision, checksum;
    char oem_id[6], oem_table_id[8];
    uint32_t oem_revision, creator_id, creator_revision;
} __attribute__((packed));

#define MAX_TABLE_SIZE (4u << 20)       /* a sanity bound; real DSDTs are < 1 MiB */

/* FADT field offsets (ACPI 6.x, table 5.9). Older, shorter FADTs lack the
 * later fields: each read checks the table's length. */
#define FADT_DSDT 40
#define FADT_SMI_CMD 48
#define FADT_ACPI_ENABLE 52
#define FADT_PM1A_CNT 64
#define FADT_PM1B_CNT 68
#define FADT_PM1_CNT_LEN 89
#define FADT_BOOT_ARCH 109
#define FADT_FLAGS 112
#define FADT_RESET_REG 116
#define FADT_RESET_VALUE 128
#define FADT_X_DSDT 140
#define FADT_X_PM1A_CNT 172
#define FADT_X_PM1B_CNT 184
#define FADT_FLAG_RESET_REG_SUP (1u << 10)
#define FADT_FLAG_HW_REDUCED (1u << 20)

/* PM1 control register bits. */
#define PM1_SCI_EN 0x0001
#define PM1_SLP_TYP_SHIFT 10
#define PM1_SLP_EN 0x2000

static uint8_t sum_bytes(const void *p, uint32_t n)
{
    const uint8_t *b = p;
    uint8_t sum = 0;
    while (n--)
        sum = (uint8_t)(sum + *b++);
    return sum;
}

static uint16_t get16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t get64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

/* Map the table at pa (header, then its whole length) and check its
 * checksum. NULL if it cannot be mapped, is too short or too long, or
 * does not add up. */
static const struct sdt_header *map_table(uint64_t pa)
{
    if (pa == 0 || pa + sizeof(struct sdt_header) > 0x100000000ull)
        return NULL;
    const struct sdt_header *h = vm_map_phys((paddr_t)pa, sizeof(*h), false);
    if (!h)
        return NULL;
    uint32_t len = h->length;
    if (len < sizeof(*h) || len > MAX_TABLE_SIZE || pa + len > 0x100000000ull)
        return NULL;
    h = vm_map_phys((paddr_t)pa, len, false);
    if (!h)
        return NULL;
    if (sum_bytes(h, len) != 0) {
        printk("acpi: %.4s at %08x: bad checksum, ignored\n", h->signature, (uint32_t)pa);
        return NULL;
    }
    return h;
}

/* A valid RSDP at p: signature, the ACPI 1.0 checksum over 20 bytes, and
 * for revision >= 2 the extended one over its length (36 bytes). */
static bool rsdp_valid(const uint8_t *p, uint32_t avail)
{
    if (avail < 20 || memcmp(p, "RSD PTR ", 8) != 0 || sum_bytes(p, 20) != 0)
        return false;
    if (p[15] >= 2) {
        uint32_t len = get32(p + 20);
        if (len < 36 || len > avail || sum_bytes(p, len) != 0)
            return false;
    }
    return true;
}

/* BIOS only: the RSDP sits on a 16-byte boundary in the EBDA's first KiB
 * or in 0xE0000-0xFFFFF. Both lie in the direct map. */
static const uint8_t *scan_bios_rsdp(void)
{
    paddr_t ebda = (paddr_t)(*(const uint16_t *)P2V(0x40E)) << 4;
    if (ebda >= 0x80000 && ebda < 0xA0000)
        for (paddr_t pa = ebda; pa < ebda + 1024; pa += 16)
            if (rsdp_valid(P2V(pa), 36))
                return P2V(pa);
    for (paddr_t pa = 0xE0000; pa < 0x100000; pa += 16)
        if (rsdp_valid(P2V(pa), (uint32_t)(0x100000 - pa)))
            return P2V(pa);
    return NULL;
}

/*
 * Find \_S5_ in the DSDT's AML and read SLP_TYPa and SLP_TYPb. The bytes of
 * "Name (_S5, Package (n) { a, b, ... })":
 *
 *   08                NameOp
 *   [5C | 5E..]       optional root '\' or parent '^' prefix
 *   5F 53 35 5F       "_S5_"
 *   12                PackageOp
 *   pkglen            1 to 4 bytes: the top 2 bits of the first byte say
 *                     how many more follow
 *   n                 NumElements
 *   a, b              each a data object: 0A xx (BytePrefix, value xx),
 *                     00 (Zero), 01 (One), FF (Ones), or 0B/0C (word,
 *                     dword prefix: the low byte is enough, SLP_TYP has 3
 *                     bits)
 *
 * A "_S5_" preceded by something other than NameOp (a reference to the
 * object, say) is skipped and the scan goes on.
 */
static bool s5_element(const uint8_t **pp, const uint8_t *end, uint8_t *out)
{
    const uint8_t *p = *pp;
    if (p >= end)
        return false;
    switch (*p) {
    case 0x00: *out = 0; p += 1; break;
    case 0x01: *out = 1; p += 1; break;
    case 0xFF: *out = 0xFF; p += 1; break;
    case 0x0A: if (p + 2 > end) return false; *out = p[1]; p += 2; break;
    case 0x0B: if (p + 3 > end) return false; *out = p[1]; p += 3; break;
    case 0x0C: if (p + 5 > end) return false; *out = p[1]; p += 5; break;
    default: return false;
    }
    *pp = p;
    return true;
}

static bool find_s5(const uint8_t *aml, uint32_t len, uint8_t *typa, uint8_t *typb)
{
    for (uint32_t i = 1; i + 4 < len; i++) {
        if (memcmp(aml + i, "_S5_", 4) != 0)
            continue;
        uint32_t j = i - 1;
        while (j > 0 && (aml[j] == '\\' || aml[j] == '^'))
            j--;
        if (aml[j] != 0x08)             /* not a definition: a reference */
            continue;
        const uint8_t *p = aml + i + 4, *end = aml + len;
        if (p >= end || *p++ != 0x12)   /* PackageOp */
            continue;
        if (p >= end)
            continue;
        p += 1 + (*p >> 6);             /* PkgLength */
        if (p >= end)
            continue;
        p++;                            /* NumElements */
        if (s5_element(&p, end, typa) && s5_element(&p, end, typb))
            return true;
    }
    return false;
}

static void parse_fadt(const struct sdt_header *h)
{
    const uint8_t *f = (const uint8_t *)h;
    uint32_t len = h->length;
    acpi.has_fadt = true;
    acpi.fadt_revision = h->revision;
    if (len >= FADT_PM1_CNT_LEN + 1) {
        acpi.smi_cmd = get32(f + FADT_SMI_CMD);
        acpi.acpi_enable = f[FADT_ACPI_ENABLE];
        acpi.pm1a_cnt = (uint16_t)get32(f + FADT_PM1A_CNT);
        acpi.pm1b_cnt = (uint16_t)get32(f + FADT_PM1B_CNT);
    }
    /* Some newer firmware fills only the 64-bit GAS forms (port space). */
    if (!acpi.pm1a_cnt && len >= FADT_X_PM1A_CNT + 12 && f[FADT_X_PM1A_CNT] == 1 &&
        get64(f + FADT_X_PM1A_CNT + 4) < 0x10000)
        acpi.pm1a_cnt = (uint16_t)get64(f + FADT_X_PM1A_CNT + 4);
    if (!acpi.pm1b_cnt && len >= FADT_X_PM1B_CNT + 12 && f[FADT_X_PM1B_CNT] == 1 &&
        get64(f + FADT_X_PM1B_CNT + 4) < 0x10000)
        acpi.pm1b_cnt = (uint16_t)get64(f + FADT_X_PM1B_CNT + 4);
    if (len >= FADT_FLAGS + 4)
        acpi.fadt_flags = get32(f + FADT_FLAGS);
    /* IAPC_BOOT_ARCH was reserved in revision 1 FADTs. */
    if (h->revision >= 2 && len >= FADT_BOOT_ARCH + 2) {
        acpi.boot_arch_valid = true;
        acpi.boot_arch = get16(f + FADT_BOOT_ARCH);
    }
    if (h->revision >= 2 && len >= FADT_RESET_VALUE + 1 &&
        (acpi.fadt_flags & FADT_FLAG_RESET_REG_SUP)) {
        const uint8_t *g = f + FADT_RESET_REG;
        acpi.reset_reg = (struct acpi_gas){ g[0], g[1], g[2], g[3], get64(g + 4) };
        acpi.reset_value = f[FADT_RESET_VALUE];
        acpi.has_reset = acpi.reset_reg.address != 0 && acpi.reset_reg.space <= 2;
    }
    uint64_t dsdt = get32(f + FADT_DSDT);
    if (len >= FADT_X_DSDT + 8 && get64(f + FADT_X_DSDT) != 0 &&
        get64(f + FADT_X_DSDT) < 0x100000000ull)
        dsdt = get64(f + FADT_X_DSDT);
    const struct sdt_header *d = map_table(dsdt);
    if (d && memcmp(d->signature, "DSDT", 4) == 0) {
        acpi.dsdt_pa = (paddr_t)dsdt;
        acpi.dsdt_len = d->length;
        acpi.has_s5 = find_s5((const uint8_t *)d + sizeof(*d), d->length - sizeof(*d),
                              &acpi.s5_typa, &acpi.s5_typb);
    }
}

static void parse_madt(const struct sdt_header *h)
{
    const uint8_t *m = (const uint8_t *)h;
    if (h->length < 44)
        return;
    acpi.has_madt = true;
    acpi.lapic_pa = get32(m + 36);
    acpi.pcat_compat = get32(m + 40) & 1;
    for (uint32_t off = 44; off + 2 <= h->length;) {
        const uint8_t *e = m + off;
        uint8_t type = e[0], elen = e[1];
        if (elen < 2 || off + elen > h->length)
            break;
        if (type == 0 && elen >= 8 && acpi.ncpus < ACPI_MAX_CPUS) {          /* local APIC */
            acpi.cpus[acpi.ncpus++] = (struct acpi_cpu){
                .apic_id = e[3], .acpi_uid = e[2], .enabled = get32(e + 4) & 1 };
        } else if (type == 9 && elen >= 16 && acpi.ncpus < ACPI_MAX_CPUS) {  /* x2APIC */
            acpi.cpus[acpi.ncpus++] = (struct acpi_cpu){
                .apic_id = get32(e + 4), .acpi_uid = get32(e + 12),
                .enabled = get32(e + 8) & 1 };
        } else if (type == 1 && elen >= 12 && acpi.nioapics < ACPI_MAX_IOAPICS) {
            acpi.ioapics[acpi.nioapics++] = (struct acpi_ioapic){
                .id = e[2], .pa = get32(e + 4), .gsi_base = get32(e + 8) };
        } else if (type == 2 && elen >= 10 && acpi.noverrides < ACPI_MAX_OVERRIDES) {
            acpi.overrides[acpi.noverrides++] = (struct acpi_override){
                .bus = e[2], .irq = e[3], .gsi = get32(e + 4), .flags = get16(e + 8) };
        } else if (type == 5 && elen >= 12 && get64(e + 4) < 0x100000000ull) {
            acpi.lapic_pa = (uint32_t)get64(e + 4);                       /* override */
        }
        off += elen;
    }
}

static void print_findings(void)
{
    printk("acpi: %s %s at %08x, OEM \"%s\"\n", acpi.rsdp_revision >= 2 ? "ACPI 2.0+" : "ACPI 1.0",
           acpi.xsdt ? "XSDT" : "RSDT", acpi.root_pa, acpi.oem);
    if (acpi.has_fadt) {
        printk("acpi: FADT rev %u: PM1a_CNT %#x PM1b_CNT %#x SMI_CMD %#x ACPI_ENABLE %#x%s\n",
               acpi.fadt_revision, acpi.pm1a_cnt, acpi.pm1b_cnt, acpi.smi_cmd,
               acpi.acpi_enable, (acpi.fadt_flags & FADT_FLAG_HW_REDUCED) ? " (hardware-reduced)" : "");
        if (acpi.has_reset)
            printk("acpi: reset register: %s %#llx value %#x\n",
                   acpi.reset_reg.space == 0 ? "memory" : acpi.reset_reg.space == 1 ? "port" : "pci",
                   (unsigned long long)acpi.reset_reg.address, acpi.reset_value);
        else
            printk("acpi: reset register: none\n");
        if (acpi.boot_arch_valid)
            printk("acpi: IAPC_BOOT_ARCH %#x: 8042 %s, legacy devices %s\n", acpi.boot_arch,
                   (acpi.boot_arch & ACPI_BOOT_ARCH_8042) ? "yes" : "no",
                   (acpi.boot_arch & ACPI_BOOT_ARCH_LEGACY_DEVICES) ? "yes" : "no");
        if (acpi.has_s5)
            printk("acpi: DSDT %u bytes, \\_S5_ SLP_TYPa %u SLP_TYPb %u\n", acpi.dsdt_len,
                   acpi.s5_typa, acpi.s5_typb);
        else
            printk("acpi: DSDT %u bytes, no \\_S5_ found: no ACPI power-off\n", acpi.dsdt_len);
    } else {
        printk("acpi: no FADT\n");
    }
    if (!acpi.has_madt) {
        printk("acpi: no MADT\n");
        return;
    }
    printk("acpi: MADT: local APIC %08x, %s, %d CPU%s:", acpi.lapic_pa,
           acpi.pcat_compat ? "8259 PICs" : "no 8259 PICs", acpi.ncpus, acpi.ncpus == 1 ? "" : "s");
    for (int i = 0; i < acpi.ncpus; i++)
        printk(" apic %u%s", acpi.cpus[i].apic_id, acpi.cpus[i].enabled ? "" : " (disabled)");
    printk("\n");
    for (int i = 0; i < acpi.nioapics; i++)
        printk("acpi: I/O APIC id %u at %08x, GSI base %u\n", acpi.ioapics[i].id,
               acpi.ioapics[i].pa, acpi.ioapics[i].gsi_base);
    if (acpi.noverrides) {
        printk("acpi: overrides:");
        for (int i = 0; i < acpi.noverrides; i++)
            printk(" irq %u->gsi %u%s", acpi.overrides[i].irq, acpi.overrides[i].gsi,
                   acpi.overrides[i].flags ? "*" : "");
        printk(" (* polarity/trigger set)\n");
    }
}

void acpi_init(void)
{
    const uint8_t *rsdp = NULL;
    if (boot_info.rsdp_len && rsdp_valid(boot_info.rsdp, boot_info.rsdp_len))
        rsdp = boot_info.rsdp;
    else if (!boot_info.uefi)
        rsdp = scan_bios_rsdp();
    if (!rsdp) {
        printk("acpi: no RSDP %s\n", boot_info.rsdp_len ? "(the loader's copy is invalid)" :
                                     "(none from the loader, none in the BIOS areas)");
        return;
    }
    acpi.rsdp_revision = rsdp[15];
    memcpy(acpi.oem, rsdp + 9, 6);
    acpi.oem[6] = '\0';

    /* The XSDT where there is one and it is reachable, else the RSDT. */
    uint64_t xsdt = acpi.rsdp_revision >= 2 ? get64(rsdp + 24) : 0;
    const struct sdt_header *root = NULL;
    if (xsdt && xsdt < 0x100000000ull && (root = map_table(xsdt)) &&
        memcmp(root->signature, "XSDT", 4) == 0) {
        acpi.xsdt = true;
        acpi.root_pa = (paddr_t)xsdt;
    } else {
        acpi.root_pa = get32(rsdp + 16);
        root = map_table(acpi.root_pa);
        if (!root || memcmp(root->signature, "RSDT", 4) != 0) {
            printk("acpi: no valid RSDT/XSDT at %08x\n", acpi.root_pa);
            return;
        }
    }
    acpi.present = true;

    uint32_t esize = acpi.xsdt ? 8 : 4;
    uint32_t n = (root->length - sizeof(*root)) / esize;
    const uint8_t *entries = (const uint8_t *)root + sizeof(*root);
    for (uint32_t i = 0; i < n; i++) {
        uint64_t pa = acpi.xsdt ? get64(entries + i * 8) : get32(entries + i * 4);
        /* A look at the signature first: only the tables we read are
         * mapped whole (beyond the direct map each costs window space). */
        const struct sdt_header *h = pa && pa < 0xFFFFF000u ?
            vm_map_phys((paddr_t)pa, sizeof(*h), false) : NULL;
        if (!h || (memcmp(h->signature, "FACP", 4) != 0 && memcmp(h->signature, "APIC", 4) != 0))
            continue;
        if (!(h = map_table(pa)))
            continue;
        if (!acpi.has_fadt && memcmp(h->signature, "FACP", 4) == 0)
            parse_fadt(h);
        else if (!acpi.has_madt && memcmp(h->signature, "APIC", 4) == 0)
            parse_madt(h);
    }
    print_findings();
}

int acpi_has_8042(void)
{
    if (!acpi.has_fadt || !acpi.boot_arch_valid)
        return -1;
    return (acpi.boot_arch & ACPI_BOOT_ARCH_8042) ? 1 : 0;
}

/* Hand the machine from the firmware's SMM code to the OS (ACPI mode):
 * write ACPI_ENABLE to SMI_CMD, then wait (bounded: 3 s, as Linux) for
 * SCI_EN to come on. Already on, or nothing to do: true. */
static bool enable_acpi_mode(void)
{
    if (arch_pio_read(acpi.pm1a_cnt, 16) & PM1_SCI_EN)
        return true;
    if (acpi.smi_cmd == 0 || acpi.acpi_enable == 0)
        return true;                    /* no SMM hand-over on this machine */
    arch_pio_write((uint16_t)acpi.smi_cmd, 8, acpi.acpi_enable);
    for (int ms = 0; ms < 3000; ms += 10) {
        if (arch_pio_read(acpi.pm1a_cnt, 16) & PM1_SCI_EN)
            return true;
        arch_delay_ms(10);
    }
    return false;
}

int acpi_poweroff(void)
{
    if (!acpi.has_fadt || !acpi.pm1a_cnt || !acpi.has_s5)
        return -ENODEV;
    if (!enable_acpi_mode())
        return -ETIMEDOUT;
    /* As ACPICA does it: SLP_TYP first (a then b, the other bits as they
     * are), then the same with SLP_EN, which starts the transition. */
    uint16_t a = (uint16_t)arch_pio_read(acpi.pm1a_cnt, 16);
    a = (uint16_t)((a & ~(7u << PM1_SLP_TYP_SHIFT | PM1_SLP_EN)) |
                   (acpi.s5_typa & 7u) << PM1_SLP_TYP_SHIFT);
    uint16_t b = 0;
    if (acpi.pm1b_cnt) {
        b = (uint16_t)arch_pio_read(acpi.pm1b_cnt, 16);
        b = (uint16_t)((b & ~(7u << PM1_SLP_TYP_SHIFT | PM1_SLP_EN)) |
                       (acpi.s5_typb & 7u) << PM1_SLP_TYP_SHIFT);
    }
    arch_pio_write(acpi.pm1a_cnt, 16, a);
    if (acpi.pm1b_cnt)
        arch_pio_write(acpi.pm1b_cnt, 16, b);
    arch_pio_write(acpi.pm1a_cnt, 16, a | PM1_SLP_EN);
    if (acpi.pm1b_cnt)
        arch_pio_write(acpi.pm1b_cnt, 16, b | PM1_SLP_EN);
    arch_delay_ms(1000);                /* the power should be gone by now */
    return -ETIMEDOUT;
}

int acpi_reset(void)
{
    if (!acpi.has_reset)
        return -ENODEV;
    const struct acpi_gas *r = &acpi.reset_reg;
    switch (r->space) {
    case 0: {                           /* memory */
        volatile uint8_t *reg = vm_map_phys((paddr_t)r->address, 1, true);
        if (!reg)
            return -ENODEV;
        *reg = acpi.reset_value;
        break;
    }
    case 1:                             /* system I/O */
        arch_pio_write((uint16_t)r->address, 8, acpi.reset_value);
        break;
    case 2:                             /* PCI config, bus 0: device, function, offset */
        arch_pci_config_write8(0, (uint8_t)(r->address >> 32), (uint8_t)(r->address >> 16),
                               (uint16_t)r->address, acpi.reset_value);
        break;
    }
    arch_delay_ms(500);
    return -ETIMEDOUT;
}

/* One line of acpi_describe's text, formatted. */
static void __attribute__((format(printf, 3, 4)))
emitf(void (*line)(void *ctx, const char *text), void *ctx, const char *fmt, ...)
{
    char buf[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    line(ctx, buf);
}

void acpi_describe(void (*line)(void *ctx, const char *text), void *ctx)
{
    emitf(line, ctx, "serial: %s\n", serial_present() ? "COM1 0x3f8" : "none");
    emitf(line, ctx, "ps2: %s\n", arch_ps2_present() ? "8042" : "none");
    if (!acpi.present) {
        emitf(line, ctx, "acpi: none\n");
        return;
    }
    emitf(line, ctx, "acpi: %s %s %#x oem %s\n", acpi.rsdp_revision >= 2 ? "2.0+" : "1.0",
          acpi.xsdt ? "xsdt" : "rsdt", acpi.root_pa, acpi.oem);
    if (acpi.has_fadt) {
        emitf(line, ctx, "fadt: revision %u pm1a_cnt %#x pm1b_cnt %#x smi_cmd %#x "
              "acpi_enable %#x flags %#x\n", acpi.fadt_revision, acpi.pm1a_cnt,
              acpi.pm1b_cnt, acpi.smi_cmd, acpi.acpi_enable, acpi.fadt_flags);
        if (acpi.boot_arch_valid)
            emitf(line, ctx, "boot_arch: %#x 8042 %s\n", acpi.boot_arch,
                  (acpi.boot_arch & ACPI_BOOT_ARCH_8042) ? "yes" : "no");
        if (acpi.has_reset)
            emitf(line, ctx, "reset: %s %#llx value %#x\n",
                  acpi.reset_reg.space == 0 ? "memory" : acpi.reset_reg.space == 1 ? "port" : "pci",
                  (unsigned long long)acpi.reset_reg.address, acpi.reset_value);
        else
            emitf(line, ctx, "reset: none\n");
        if (acpi.has_s5)
            emitf(line, ctx, "s5: %u %u\n", acpi.s5_typa, acpi.s5_typb);
        else
            emitf(line, ctx, "s5: none\n");
    }
    if (acpi.has_madt) {
        emitf(line, ctx, "lapic: %#x pcat_compat %d\n", acpi.lapic_pa, acpi.pcat_compat);
        for (int i = 0; i < acpi.ncpus; i++)
            emitf(line, ctx, "cpu: apic %u uid %u %s\n", acpi.cpus[i].apic_id,
                  acpi.cpus[i].acpi_uid, acpi.cpus[i].enabled ? "enabled" : "disabled");
        for (int i = 0; i < acpi.nioapics; i++)
            emitf(line, ctx, "ioapic: id %u address %#x gsi_base %u\n", acpi.ioapics[i].id,
                  acpi.ioapics[i].pa, acpi.ioapics[i].gsi_base);
        for (int i = 0; i < acpi.noverrides; i++)
            emitf(line, ctx, "override: bus %u irq %u gsi %u flags %#x\n", acpi.overrides[i].bus,
                  acpi.overrides[i].irq, acpi.overrides[i].gsi, acpi.overrides[i].flags);
    }
}
