/*
 * acpi.h: what the kernel learns from the firmware's ACPI tables at boot
 * (kernel/dev/acpi.c), and the power operations built on it. The tables
 * are only read, never interpreted: there is no AML interpreter, only a
 * byte scan of the DSDT for the \_S5_ package that power-off needs.
 *
 * struct acpi_info keeps what a later SMP kernel needs too: the CPUs'
 * local APIC ids, the I/O APICs and the ISA interrupt overrides (MADT).
 */
#ifndef KERNEL_ACPI_H
#define KERNEL_ACPI_H

#include <kernel/types.h>

#define ACPI_MAX_CPUS 32
#define ACPI_MAX_IOAPICS 8
#define ACPI_MAX_OVERRIDES 16

/* FADT IAPC_BOOT_ARCH bits (FADT revision >= 2). */
#define ACPI_BOOT_ARCH_LEGACY_DEVICES 0x0001
#define ACPI_BOOT_ARCH_8042 0x0002

/* A Generic Address Structure: where a register lives. */
struct acpi_gas {
    uint8_t space;                      /* 0 memory, 1 system I/O, 2 PCI config */
    uint8_t bit_width, bit_offset, access_size;
    uint64_t address;
};

struct acpi_cpu {
    uint32_t apic_id;                   /* local APIC (or x2APIC) id */
    uint32_t acpi_uid;                  /* the processor's ACPI id */
    bool enabled;                       /* usable now (else: online-capable or not) */
};

struct acpi_ioapic {
    uint8_t id;
    uint32_t pa;                        /* its registers' physical address */
    uint32_t gsi_base;                  /* first global system interrupt it serves */
};

struct acpi_override {                  /* an ISA IRQ wired to another GSI */
    uint8_t bus, irq;
    uint32_t gsi;
    uint16_t flags;                     /* polarity (bits 0-1), trigger (2-3) */
};

struct acpi_info {
    bool present;                       /* a valid RSDP and root table were found */
    uint8_t rsdp_revision;              /* 0: ACPI 1.0 (RSDT), 2: ACPI 2.0+ */
    char oem[7];
    bool xsdt;                          /* the root table is the XSDT (else RSDT) */
    paddr_t root_pa;

    /* FADT ("FACP"). */
    bool has_fadt;
    uint8_t fadt_revision;
    uint32_t fadt_flags;
    bool boot_arch_valid;               /* FADT revision >= 2: boot_arch means something */
    uint16_t boot_arch;                 /* IAPC_BOOT_ARCH */
    uint32_t smi_cmd;                   /* port; 0: no SMM hand-over (already ACPI mode) */
    uint8_t acpi_enable;                /* the value for SMI_CMD that enables ACPI mode */
    uint16_t pm1a_cnt, pm1b_cnt;        /* PM1 control ports; pm1b 0 if absent */
    bool has_reset;                     /* RESET_REG_SUP and a usable reset register */
    struct acpi_gas reset_reg;
    uint8_t reset_value;
    paddr_t dsdt_pa;
    uint32_t dsdt_len;

    /* \_S5_ from the DSDT: the sleep-type values for soft-off. */
    bool has_s5;
    uint8_t s5_typa, s5_typb;

    /* MADT ("APIC"). */
    bool has_madt;
    uint32_t lapic_pa;
    bool pcat_compat;                   /* dual 8259 PICs present (MADT flag bit 0) */
    int ncpus, nioapics, noverrides;
    struct acpi_cpu cpus[ACPI_MAX_CPUS];
    struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
    struct acpi_override overrides[ACPI_MAX_OVERRIDES];
};

extern struct acpi_info acpi;

/* Boot, after vm_init: find the RSDP (Multiboot2 tags, else the BIOS
 * areas), check and read the FADT, MADT and DSDT, print what was found.
 * Missing or broken tables leave acpi.present false; never fails. */
void acpi_init(void);
/* Whether the firmware says there is an 8042: 1 yes, 0 no, -1 it does not
 * say (no ACPI, or a FADT older than revision 2). */
int acpi_has_8042(void);
/* Soft-off through ACPI S5. Returns only if that did not work (-ENODEV:
 * no FADT or no \_S5_; -ETIMEDOUT: ACPI mode could not be enabled, or the
 * machine is still on after the write). */
int acpi_poweroff(void);
/* Write the FADT reset register. Returns -ENODEV if there is none, or
 * -ETIMEDOUT if the machine is still running shortly after. */
int acpi_reset(void);
/* What the boot probes found (COM1, the 8042, the ACPI tables), as lines
 * "key: values\n" handed one by one to line(ctx, text): /proc/agora/platform. */
void acpi_describe(void (*line)(void *ctx, const char *text), void *ctx);

#endif
