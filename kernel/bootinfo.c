/*
 * bootinfo.c: reads GRUB's Multiboot2 information (tags: command line,
 * loader name, memory map, modules, framebuffer, EFI system table) into
 * struct boot_info. GRUB leaves the structure in memory the kernel will
 * later hand out (on OVMF it sits at 0xC000), so we copy it out at once.
 */
#include <kernel/boot.h>
#include <arch/memlayout.h>
#include <uapi/errno.h>
#include <string.h>

#define MB2_BOOT_MAGIC 0x36d76289

enum {
    TAG_END = 0, TAG_CMDLINE = 1, TAG_LOADER = 2, TAG_MODULE = 3,
    TAG_MMAP = 6, TAG_FRAMEBUFFER = 8, TAG_EFI32 = 11, TAG_EFI64 = 12,
    TAG_ACPI_OLD = 14, TAG_ACPI_NEW = 15,
};

struct boot_info boot_info;

static void copy_str(char *dst, size_t n, const char *src)
{
    strncpy(dst, src, n - 1);
    dst[n - 1] = '\0';
}

static void parse_mmap(const uint8_t *tag, uint32_t size)
{
    uint32_t entry_size = *(const uint32_t *)(tag + 8);
    for (uint32_t off = 16; off + entry_size <= size && boot_info.nmmap < BOOT_MAX_MMAP;
         off += entry_size) {
        const uint8_t *e = tag + off;
        struct boot_mmap_entry *m = &boot_info.mmap[boot_info.nmmap++];
        memcpy(&m->base, e, 8);
        memcpy(&m->len, e + 8, 8);
        m->type = *(const uint32_t *)(e + 16);
    }
}

static void parse_framebuffer(const uint8_t *tag)
{
    struct fb_info *fb = &boot_info.fb;
    memcpy(&fb->pa, tag + 8, 8);
    fb->pitch = *(const uint32_t *)(tag + 16);
    fb->width = *(const uint32_t *)(tag + 20);
    fb->height = *(const uint32_t *)(tag + 24);
    fb->bpp = tag[28];
    uint8_t type = tag[29];
    if (type == 1) {                    /* direct RGB: colour field info follows */
        fb->red_pos = tag[32]; fb->red_size = tag[33];
        fb->green_pos = tag[34]; fb->green_size = tag[35];
        fb->blue_pos = tag[36]; fb->blue_size = tag[37];
        boot_info.has_fb = true;
    } else if (type == 2) {             /* EGA text: leave it to the VGA console */
        boot_info.has_fb = false;
        boot_info.ega_text = true;
    }
}

int bootinfo_parse(uint32_t magic, paddr_t mbi_pa)
{
    if (magic != MB2_BOOT_MAGIC)
        return -EINVAL;
    const uint8_t *mbi = P2V(mbi_pa);
    uint32_t total = *(const uint32_t *)mbi;
    boot_info.mbi_start = mbi_pa;
    boot_info.mbi_end = mbi_pa + total;
    for (uint32_t off = 8; off + 8 <= total;) {
        const uint8_t *tag = mbi + off;
        uint32_t type = *(const uint32_t *)tag;
        uint32_t size = *(const uint32_t *)(tag + 4);
        if (type == TAG_END || size < 8)
            break;
        switch (type) {
        case TAG_CMDLINE:
            copy_str(boot_info.cmdline, sizeof(boot_info.cmdline), (const char *)tag + 8);
            break;
        case TAG_LOADER:
            copy_str(boot_info.loader, sizeof(boot_info.loader), (const char *)tag + 8);
            break;
        case TAG_MODULE:
            if (boot_info.nmodules < BOOT_MAX_MODULES) {
                struct boot_module *m = &boot_info.modules[boot_info.nmodules++];
                m->start = *(const uint32_t *)(tag + 8);
                m->end = *(const uint32_t *)(tag + 12);
                copy_str(m->name, sizeof(m->name), (const char *)tag + 16);
            }
            break;
        case TAG_MMAP:
            parse_mmap(tag, size);
            break;
        case TAG_FRAMEBUFFER:
            parse_framebuffer(tag);
            break;
        case TAG_EFI32:
            boot_info.uefi = true;
            boot_info.uefi32 = true;
            break;
        case TAG_EFI64:
            boot_info.uefi = true;
            break;
        case TAG_ACPI_OLD:              /* a copy of the ACPI 1.0 RSDP (20 bytes) */
        case TAG_ACPI_NEW:              /* a copy of the ACPI 2.0+ RSDP (36 bytes) */
            /* GRUB may give both; the 2.0 one wins, whichever comes first. */
            if (size > 8 && (type == TAG_ACPI_NEW || boot_info.rsdp_len == 0)) {
                boot_info.rsdp_len = MIN(size - 8, (uint32_t)sizeof(boot_info.rsdp));
                memcpy(boot_info.rsdp, tag + 8, boot_info.rsdp_len);
            }
            break;
        }
        off += ALIGN_UP(size, 8);
    }
    return 0;
}

bool boot_has_arg(const char *word)
{
    size_t n = strlen(word);
    const char *p = boot_info.cmdline;
    while (*p) {
        while (*p == ' ')
            p++;
        const char *start = p;
        while (*p && *p != ' ')
            p++;
        if ((size_t)(p - start) == n && strncmp(start, word, n) == 0)
            return true;
    }
    return false;
}
