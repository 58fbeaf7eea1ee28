/*
 * boot.h: what the kernel keeps from the Multiboot2 information. bootinfo_parse()
 * copies everything it needs out of GRUB's structure first thing in kmain,
 * before any allocator could reuse that memory.
 */
#ifndef KERNEL_BOOT_H
#define KERNEL_BOOT_H

#include <kernel/types.h>
#include <kernel/fbcon.h>

#define BOOT_MAX_MMAP 64
#define BOOT_MAX_MODULES 4
#define BOOT_CMDLINE_MAX 256

struct boot_mmap_entry {
    uint64_t base, len;
    uint32_t type;                      /* 1 = usable RAM */
};

struct boot_module {
    paddr_t start, end;
    char name[32];
};

struct boot_info {
    char cmdline[BOOT_CMDLINE_MAX];
    char loader[64];
    struct boot_mmap_entry mmap[BOOT_MAX_MMAP];
    int nmmap;
    struct boot_module modules[BOOT_MAX_MODULES];
    int nmodules;
    bool has_fb;                        /* a linear framebuffer (RGB) */
    struct fb_info fb;
    bool ega_text;                      /* the loader left VGA text mode (tag type 2) */
    bool uefi;                          /* an EFI system table tag was present */
    bool uefi32;
    uint8_t rsdp[36];                   /* the ACPI RSDP copy from tag 15 or 14 */
    uint32_t rsdp_len;                  /* 0: the loader gave none */
    paddr_t mbi_start, mbi_end;         /* GRUB's structure, reserved until copied */
};

extern struct boot_info boot_info;

/* Parse the Multiboot2 information at physical address mbi_pa. Returns 0 or -EINVAL. */
int bootinfo_parse(uint32_t magic, paddr_t mbi_pa);
/* True when word appears as a whole word on the kernel command line. */
bool boot_has_arg(const char *word);
/* main.c: the kernel's C entry, called once by boot/boot.S with the loader's
 * magic and the information's physical address. Never returns. */
void kmain(uint32_t magic, paddr_t mbi_pa);

#endif
