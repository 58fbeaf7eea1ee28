/*
 * test_acpi.c: host unit test of kernel/dev/acpi.c (built with
 * AGORA_HOST_TEST). Firmware tables are built here in a fake physical
 * memory (vm_map_phys returns fake + pa), with checksums, and the parser's
 * findings are compared with what was put in: the RSDP from the loader's
 * copy, XSDT or RSDT, FADT fields by revision, the \_S5_ scan (past a
 * reference that is not a definition, with byte and small constants), the
 * MADT's CPUs, I/O APICs and overrides, a table with a bad checksum
 * ignored. The port writes of power-off and reset are recorded and
 * checked: SMI_CMD <- ACPI_ENABLE when SCI_EN is off, then SLP_TYP into
 * PM1a_CNT and PM1b_CNT, then the same with SLP_EN; the reset register's
 * port and value.
 */
#include <kernel/acpi.h>
#include <kernel/boot.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>

struct boot_info boot_info;

/* ---- stubs: fake physical memory, ports, printk ---- */
#define FAKE_SIZE 0x20000
static uint8_t fake[FAKE_SIZE];

void *vm_map_phys(paddr_t pa, uint32_t size, bool uncached)
{
    (void)uncached;
    if ((uint64_t)pa + size > FAKE_SIZE)
        return NULL;
    return fake + pa;
}

static struct { uint16_t port; unsigned width; uint32_t value; } writes[16];
static int nwrites;
static uint16_t pm1a_value;             /* what PM1a_CNT reads */
static bool smi_turns_on_sci = true;

uint32_t arch_pio_read(uint16_t port, unsigned width)
{
    (void)width;
    return port == acpi.pm1a_cnt ? pm1a_value : 0;
}

void arch_pio_write(uint16_t port, unsigned width, uint32_t value)
{
    if (nwrites < 16)
        writes[nwrites++] = (typeof(writes[0])){ port, width, value };
    if (port == acpi.smi_cmd && value == acpi.acpi_enable && smi_turns_on_sci)
        pm1a_value |= 1;
}

void arch_pci_config_write8(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t reg, uint8_t value)
{
    (void)bus; (void)dev; (void)fn; (void)reg; (void)value;
}

bool arch_delay_ms(unsigned ms) { (void)ms; return true; }
bool serial_present(void) { return true; }
bool arch_ps2_present(void) { return false; }

static char desc[2048];
static void describe_line(void *ctx, const char *text)
{
    strncat(ctx, text, sizeof(desc) - strlen(ctx) - 1);
}

static char out[8192];
static size_t nout;

int printk(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out + nout, sizeof(out) - nout, fmt, ap);
    va_end(ap);
    if (n > 0)
        nout = nout + (size_t)n < sizeof(out) ? nout + (size_t)n : sizeof(out) - 1;
    return n;
}

/* ---- building tables ---- */
static int failures;

static void check(const char *name, int ok, const char *why)
{
    if (ok) {
        printf("PASS host.acpi.%s\n", name);
    } else {
        printf("FAIL host.acpi.%s (%s)\n", name, why);
        failures++;
    }
}

static void put16(uint32_t pa, uint16_t v) { memcpy(fake + pa, &v, 2); }
static void put32(uint32_t pa, uint32_t v) { memcpy(fake + pa, &v, 4); }
static void put64(uint32_t pa, uint64_t v) { memcpy(fake + pa, &v, 8); }

static void fix_checksum(uint8_t *p, uint32_t len, uint8_t *sum)
{
    *sum = 0;
    uint8_t s = 0;
    for (uint32_t i = 0; i < len; i++)
        s = (uint8_t)(s + p[i]);
    *sum = (uint8_t)-s;
}

/* A table header at pa with a body of len bytes total; checksum later. */
static void header(uint32_t pa, const char *sig, uint32_t len, uint8_t rev)
{
    memset(fake + pa, 0, len);
    memcpy(fake + pa, sig, 4);
    put32(pa + 4, len);
    fake[pa + 8] = rev;
    memcpy(fake + pa + 10, "AGORA ", 6);
}

static void seal(uint32_t pa)
{
    uint32_t len;
    memcpy(&len, fake + pa + 4, 4);
    fix_checksum(fake + pa, len, fake + pa + 9);
}

#define RSDT 0x1000
#define XSDT 0x1100
#define FADT 0x2000
#define DSDT 0x3000
#define MADT 0x4000
#define BADT 0x5000

/* AML: a reference to _S5_ first (not a definition: must be skipped),
 * then Name (\_S5_, Package (4) { 0x05, One, Zero, Zero }). */
static const uint8_t aml[] = {
    0x70, '_', 'S', '5', '_', 0x60,                     /* Store (_S5_, Local0) */
    0x08, 0x5C, '_', 'S', '5', '_', 0x12, 0x08, 0x04, 0x0A, 0x05, 0x01, 0x00, 0x00,
};

static void build(uint8_t fadt_rev, bool xsdt_high)
{
    memset(fake, 0, sizeof(fake));
    uint32_t fadt_len = fadt_rev >= 3 ? 244 : 116;
    header(FADT, "FACP", fadt_len, fadt_rev);
    put32(FADT + 40, DSDT);
    put32(FADT + 48, 0xB2);                     /* SMI_CMD */
    fake[FADT + 52] = 0xF1;                     /* ACPI_ENABLE */
    put32(FADT + 64, 0x604);                    /* PM1a_CNT */
    put32(FADT + 68, 0x704);                    /* PM1b_CNT */
    fake[FADT + 89] = 2;
    if (fadt_rev >= 3) {
        put16(FADT + 109, 0x0001);              /* legacy devices, no 8042 */
        put32(FADT + 112, 1u << 10);            /* RESET_REG_SUP */
        fake[FADT + 116] = 1;                   /* system I/O */
        fake[FADT + 117] = 8;
        put64(FADT + 120, 0xCF9);
        fake[FADT + 128] = 0x06;
        put64(FADT + 140, DSDT);                /* X_DSDT */
    }
    seal(FADT);

    header(DSDT, "DSDT", 36 + sizeof(aml), 2);
    memcpy(fake + DSDT + 36, aml, sizeof(aml));
    seal(DSDT);

    header(MADT, "APIC", 44 + 8 + 8 + 12 + 10, 3);
    put32(MADT + 36, 0xFEE00000);
    put32(MADT + 40, 1);                        /* PCAT_COMPAT */
    uint32_t e = MADT + 44;
    fake[e] = 0; fake[e + 1] = 8; fake[e + 2] = 0; fake[e + 3] = 0; put32(e + 4, 1);
    e += 8;
    fake[e] = 0; fake[e + 1] = 8; fake[e + 2] = 1; fake[e + 3] = 3; put32(e + 4, 0);
    e += 8;
    fake[e] = 1; fake[e + 1] = 12; fake[e + 2] = 2; put32(e + 4, 0xFEC00000); put32(e + 8, 0);
    e += 12;
    fake[e] = 2; fake[e + 1] = 10; fake[e + 2] = 0; fake[e + 3] = 0; put32(e + 4, 2); put16(e + 8, 0);
    seal(MADT);

    header(BADT, "APIC", 44, 1);                /* a second MADT with a bad sum */
    seal(BADT);
    fake[BADT + 20]++;

    header(RSDT, "RSDT", 36 + 12, 1);
    put32(RSDT + 36, BADT);
    put32(RSDT + 40, FADT);
    put32(RSDT + 44, MADT);
    seal(RSDT);
    header(XSDT, "XSDT", 36 + 24, 1);
    put64(XSDT + 36, BADT);
    put64(XSDT + 44, FADT);
    put64(XSDT + 52, MADT);
    seal(XSDT);

    /* The loader's RSDP copy, revision 2. */
    uint8_t *r = boot_info.rsdp;
    memset(r, 0, 36);
    memcpy(r, "RSD PTR ", 8);
    memcpy(r + 9, "AGORA ", 6);
    r[15] = 2;
    memcpy(r + 16, &(uint32_t){ RSDT }, 4);
    memcpy(r + 20, &(uint32_t){ 36 }, 4);
    uint64_t x = xsdt_high ? 0x100000000ull : XSDT;
    memcpy(r + 24, &x, 8);
    fix_checksum(r, 20, r + 8);
    fix_checksum(r, 36, r + 32);
    boot_info.rsdp_len = 36;
    boot_info.uefi = true;                      /* no BIOS-area scan */
    memset(&acpi, 0, sizeof(acpi));
    nout = 0;
    out[0] = '\0';
}

int main(void)
{
    build(3, false);
    acpi_init();
    check("present_xsdt", acpi.present && acpi.xsdt && acpi.root_pa == XSDT &&
          acpi.rsdp_revision == 2 && strcmp(acpi.oem, "AGORA ") == 0, out);
    check("fadt_fields", acpi.has_fadt && acpi.fadt_revision == 3 && acpi.pm1a_cnt == 0x604 &&
          acpi.pm1b_cnt == 0x704 && acpi.smi_cmd == 0xB2 && acpi.acpi_enable == 0xF1, out);
    check("boot_arch_no_8042", acpi.boot_arch_valid && acpi.boot_arch == 1 && acpi_has_8042() == 0,
          "IAPC_BOOT_ARCH 1: no 8042");
    check("reset_register", acpi.has_reset && acpi.reset_reg.space == 1 &&
          acpi.reset_reg.address == 0xCF9 && acpi.reset_value == 6, out);
    check("s5_found_past_reference", acpi.has_s5 && acpi.s5_typa == 5 && acpi.s5_typb == 1, out);
    check("madt_cpus", acpi.has_madt && acpi.ncpus == 2 && acpi.cpus[0].apic_id == 0 &&
          acpi.cpus[0].enabled && acpi.cpus[1].apic_id == 3 && !acpi.cpus[1].enabled &&
          acpi.lapic_pa == 0xFEE00000 && acpi.pcat_compat, out);
    check("madt_ioapic_override", acpi.nioapics == 1 && acpi.ioapics[0].id == 2 &&
          acpi.ioapics[0].pa == 0xFEC00000 && acpi.noverrides == 1 &&
          acpi.overrides[0].irq == 0 && acpi.overrides[0].gsi == 2, out);
    check("bad_checksum_reported", strstr(out, "bad checksum") != NULL, out);

    desc[0] = '\0';
    acpi_describe(describe_line, desc);
    check("describe", strstr(desc, "serial: COM1 0x3f8\nps2: none\nacpi: 2.0+ xsdt 0x1100 oem AGORA \n") &&
          strstr(desc, "\nboot_arch: 0x1 8042 no\nreset: port 0xcf9 value 0x6\ns5: 5 1\n") &&
          strstr(desc, "\ncpu: apic 0 uid 0 enabled\ncpu: apic 3 uid 1 disabled\n") &&
          strstr(desc, "\nioapic: id 2 address 0xfec00000 gsi_base 0\noverride: bus 0 irq 0 gsi 2 flags 0\n"),
          desc);

    nwrites = 0;
    pm1a_value = 0;                             /* SCI_EN off: SMM owns the machine */
    int err = acpi_poweroff();
    check("poweroff_sequence", err == -ETIMEDOUT && nwrites == 5 &&
          writes[0].port == 0xB2 && writes[0].value == 0xF1 &&
          writes[1].port == 0x604 && writes[1].width == 16 && writes[1].value == (1u | 5u << 10) &&
          writes[2].port == 0x704 && writes[2].value == (1u << 10) &&
          writes[3].port == 0x604 && writes[3].value == (1u | 5u << 10 | 0x2000) &&
          writes[4].port == 0x704 && writes[4].value == (1u << 10 | 0x2000),
          "want SMI_CMD<-0xF1, PM1a<-SCI_EN|5<<10, PM1b<-1<<10, then both again with SLP_EN");
    nwrites = 0;
    pm1a_value = 1;                             /* already in ACPI mode */
    acpi_poweroff();
    check("poweroff_no_smi_when_sci_on", nwrites == 4 && writes[0].port == 0x604, "no SMI_CMD write");
    nwrites = 0;
    pm1a_value = 0;
    smi_turns_on_sci = false;                   /* firmware never hands over */
    err = acpi_poweroff();
    check("poweroff_acpi_enable_timeout", err == -ETIMEDOUT && nwrites == 1, "one SMI write, then give up");
    smi_turns_on_sci = true;
    nwrites = 0;
    acpi_reset();
    check("reset_write", nwrites == 1 && writes[0].port == 0xCF9 && writes[0].value == 6,
          "reset register write");

    build(3, true);                             /* XSDT above 4 GiB: use the RSDT */
    acpi_init();
    check("rsdt_when_xsdt_high", acpi.present && !acpi.xsdt && acpi.root_pa == RSDT &&
          acpi.has_fadt && acpi.has_madt, out);

    build(1, false);                            /* FADT revision 1: no boot flags, no reset */
    acpi_init();
    check("fadt_rev1", acpi.has_fadt && !acpi.boot_arch_valid && acpi_has_8042() == -1 &&
          !acpi.has_reset && acpi_reset() == -ENODEV && acpi.has_s5, out);

    build(3, false);
    fake[DSDT + 36 + 6] = 0x10;                 /* ScopeOp instead of NameOp: no definition */
    seal(DSDT);
    acpi_init();
    check("no_s5_no_poweroff", !acpi.has_s5 && acpi_poweroff() == -ENODEV, out);

    build(3, false);
    boot_info.rsdp[0] = 'X';                    /* a broken RSDP copy */
    acpi_init();
    check("bad_rsdp", !acpi.present && !acpi.has_fadt && acpi_has_8042() == -1 &&
          acpi_poweroff() == -ENODEV, out);
    return failures != 0;
}
