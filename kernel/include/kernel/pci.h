/*
 * pci.h: the PCI bus (kernel/dev/pci.c). At boot pci_init scans every bus
 * and keeps a table of the functions it found; drivers look their device
 * up in it (pci_find_class) and reach its configuration space through the
 * helpers below. /proc/agora/pci shows the table (user/lspci.c reads it).
 */
#ifndef KERNEL_PCI_H
#define KERNEL_PCI_H

#include <kernel/types.h>

/* Configuration-space registers (type 0 header). */
#define PCI_VENDOR_ID     0x00          /* 16 bits; device id above it */
#define PCI_COMMAND       0x04          /* 16 bits; status above it */
#define PCI_CLASS_REV     0x08          /* revision, prog-if, subclass, class */
#define PCI_HEADER        0x0C          /* header type in bits 23:16 */
#define PCI_BAR0          0x10
#define PCI_BUS_NUMBERS   0x18          /* bridges: primary, secondary, subordinate */
#define PCI_INTERRUPT     0x3C          /* line in bits 7:0, pin in 15:8 */

#define PCI_CMD_IO        0x0001
#define PCI_CMD_MEMORY    0x0002
#define PCI_CMD_MASTER    0x0004        /* the device may do DMA */
#define PCI_CMD_INTX_OFF  0x0400

#define PCI_MAX_FUNCS 128

struct pci_func {
    uint8_t bus, dev, fn;
    uint8_t header_type;                /* 0 device, 1 PCI bridge, 2 CardBus */
    uint16_t vendor, device;
    uint8_t class, subclass, progif, revision;
    uint8_t irq_line, irq_pin;
    uint32_t bar[6];                    /* raw register values (a 64-bit BAR's
                                           upper half in the next one) */
    uint32_t bar_size[6];               /* decoded size, 0: none (measured at boot) */
};

/* Boot: scan all 256 buses and print one line per function. */
void pci_init(void);
/* The next function at or after index *from with this class, subclass and
 * programming interface (0xFF: any); *from moves past it. NULL: none left. */
struct pci_func *pci_find_class(int *from, uint8_t class, uint8_t subclass,
                                      uint8_t progif);
uint32_t pci_read32(const struct pci_func *f, uint8_t off);
void pci_write32(const struct pci_func *f, uint8_t off, uint32_t v);
/* Set bits in the command register (PCI_CMD_MEMORY | PCI_CMD_MASTER...). */
void pci_enable(const struct pci_func *f, uint16_t bits);
/* BAR i as a memory address below 4 GiB, and its size; 0 for an I/O or
 * empty BAR. A 64-bit BAR the firmware put above 4 GiB (out of reach of the
 * 32-bit kernel) is moved below first, when a free place can be found. */
paddr_t pci_bar_mem(struct pci_func *f, int i, uint32_t *size);
/* /proc/agora/pci: one line per function, written through put. */
void pci_show(void (*put)(void *ctx, const char *s), void *ctx);

#endif
