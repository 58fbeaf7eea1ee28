/*
 * pciconf.c: PCI configuration space through configuration mechanism #1,
 * the two I/O ports every PC chipset since the 1990s decodes: write the
 * address of a 32-bit register (enable bit, bus, device, function, offset)
 * to 0xCF8, then read or write the register through 0xCFC. kernel/dev/pci.c
 * does the enumeration; this file only touches the ports.
 */
#include <arch/arch.h>
#include <arch/io.h>

#define PCI_CONFIG_ADDRESS 0xCF8
#define PCI_CONFIG_DATA    0xCFC

static uint32_t address(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t off)
{
    return 0x80000000u | ((uint32_t)bus << 16) | ((uint32_t)(dev & 31) << 11) |
           ((uint32_t)(fn & 7) << 8) | (off & 0xFC);
}

uint32_t arch_pci_read32(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t off)
{
    outl(PCI_CONFIG_ADDRESS, address(bus, dev, fn, off));
    return inl(PCI_CONFIG_DATA);
}

void arch_pci_write32(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t off, uint32_t v)
{
    outl(PCI_CONFIG_ADDRESS, address(bus, dev, fn, off));
    outl(PCI_CONFIG_DATA, v);
}

/* One byte: the data port's byte lanes 0xCFC..0xCFF are the register's bytes. */
void arch_pci_config_write8(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t reg, uint8_t value)
{
    outl(PCI_CONFIG_ADDRESS, address(bus, dev, fn, (uint8_t)reg));
    outb((uint16_t)(PCI_CONFIG_DATA + (reg & 3)), value);
}
