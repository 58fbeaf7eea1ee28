/*
 * main.c: the boot sequence. boot/boot.S calls kmain with paging on (the
 * boot mapping) and the Multiboot2 information's physical address.
 *
 *   serial -> Multiboot2 info copied -> GDT/IDT/PIC -> frames -> page
 *   tables -> heap -> screen console -> banner -> ACPI tables -> timer,
 *   input (8042 probe) -> ramfs ->
 *   shm -> self-tests (with "selftest") -> /bin/init
 */
#include <kernel/boot.h>
#include <kernel/console.h>
#include <kernel/pmm.h>
#include <kernel/vm.h>
#include <kernel/kheap.h>
#include <kernel/sched.h>
#include <kernel/time.h>
#include <kernel/proc.h>
#include <kernel/fs.h>
#include <kernel/shm.h>
#include <kernel/selftest.h>
#include <kernel/procfs.h>
#include <kernel/acpi.h>
#include <arch/arch.h>
#include <arch/memlayout.h>
#include <string.h>


/* The screen is whatever the loader says it left: a linear framebuffer
 * (Multiboot2 framebuffer tag, RGB), VGA text (the tag with type 2, EGA
 * text), or nothing at all (no tag: a UEFI machine without GOP output, or a
 * loader that set no mode). 0xB8000 is touched only in the second case. */
static void screen_init(void)
{
    struct fb_info *fb = &boot_info.fb;
    uint64_t fb_bytes = (uint64_t)fb->pitch * fb->height;
    if (boot_info.has_fb && fb->pa + fb_bytes <= 0x100000000ull) {
        fb->va = vm_map_framebuffer((paddr_t)fb->pa, (uint32_t)fb_bytes);
        console_init_screen(fb);
    } else if (boot_info.ega_text) {
        console_init_screen(NULL);      /* VGA text mode */
    } else {
        console_init_no_screen();
    }
}

static void banner(void)
{
    printk("\nagora 0.1: a teaching kernel for System V shared memory (i686)\n");
    printk("firmware: %s%s, loader: %s\n", boot_info.uefi ? "UEFI" : "BIOS",
           boot_info.uefi ? (boot_info.uefi32 ? " (ia32)" : " (x86_64)") : "",
           boot_info.loader[0] ? boot_info.loader : "unknown");
    printk("command line: %s\n", boot_info.cmdline);
    printk("memory: %u MiB usable RAM, %u KiB free\n",
           pmm_total_frames() / 256, pmm_free_frames() * 4);
    /* "console: <serial> + <screen>": "serial" or "no serial", then
     * "framebuffer WxHxBPP", "vga-text" or "no screen". */
    const char *ser = serial_present() ? "serial" : "no serial";
    const char *scr = console_screen_name();
    if (scr[0] == 'f')
        printk("console: %s + framebuffer %ux%ux%u\n", ser,
               boot_info.fb.width, boot_info.fb.height, boot_info.fb.bpp);
    else if (scr[0] == 'v')
        printk("console: %s + vga-text 80x25\n", ser);
    else
        printk("console: %s + no screen\n", ser);
    printk("serial: %s\n", serial_present() ? "COM1 at 0x3f8, 115200 8N1" :
                                               "none (COM1 fails the loopback test)");
}

void kmain(uint32_t magic, paddr_t mbi_pa)
{
    serial_init();
    if (bootinfo_parse(magic, mbi_pa) < 0)
        panic("not started by a Multiboot2 loader (magic %08x)", magic);
    if (boot_has_arg("test") || boot_has_arg("bench") || boot_has_arg("bootcheck"))
        arch_qemu_exit_enable();        /* the verdict goes to QEMU's exit status */
    arch_init_cpu();
    pmm_init(&boot_info);
    vm_init();
    kheap_init();
    screen_init();
    banner();
    acpi_init();

    time_init();
    arch_init_timer(HZ);
    arch_init_input();
    if (boot_info.nmodules < 1)
        panic("no initrd: GRUB must load initrd.tar as a module");
    if (boot_info.modules[0].end > pmm_direct_limit())
        panic("initrd at %08x-%08x lies beyond the direct map", boot_info.modules[0].start,
              boot_info.modules[0].end);
    ramfs_init(P2V(boot_info.modules[0].start), P2V(boot_info.modules[0].end));
    shm_init();
    procfs_init();

    if (boot_has_arg("selftest"))
        selftest_run();

    /* init gets the command-line words as its arguments, as on Linux. */
    static char words[BOOT_CMDLINE_MAX];
    static const char *argv[17] = { "/bin/init" };
    memcpy(words, boot_info.cmdline, sizeof(words));
    int argc = 1;
    for (char *p = words; *p && argc < 16;) {
        while (*p == ' ')
            *p++ = '\0';
        if (*p)
            argv[argc++] = p;
        while (*p && *p != ' ')
            p++;
    }
    proc_start_init(argv);
}
