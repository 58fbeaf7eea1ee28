/*
 * cpucheck.c: the first C code to run. boot.S calls boot_cpu_check before
 * it turns paging on, to make sure the CPU can run the rest of the kernel,
 * which is built for the i686 (gcc -march=i686 emits CMOV) and uses 4 MiB
 * pages (PSE, boot.S), the x87 FPU (fninit, cpu.c) and the time-stamp
 * counter (rdtsc, kernel/time.c and kernel/dev/mem.c). On a CPU without
 * them it would take an invalid-opcode fault with no IDT yet, triple-fault
 * and reboot, over and over. Instead it says what is missing, on the
 * serial port if there is one and on the screen GRUB set up, and halts.
 *
 * This file is built apart (see the Makefile): for the i386, so that it
 * runs on any x86; with its sections renamed into .boot, linked at their
 * physical addresses. Paging is off, so nothing in the higher half may be
 * touched except through explicit "- KERNEL_BASE" arithmetic (the font).
 */
#include <stdint.h>
#include <stdbool.h>
#include <arch/io.h>
#include <arch/memlayout.h>
#include <kernel/font.h>

#define MB2_BOOT_MAGIC   0x36D76289
#define MB2_TAG_END      0
#define MB2_TAG_FB       8
#define MB2_FB_RGB       1
#define MB2_FB_EGA_TEXT  2

#define COM1             0x3F8

/* CPUID leaf 1, EDX: what the kernel needs. */
static const struct {
    uint32_t bit;
    const char *name;
} needed[] = {
    { 1u << 0, "FPU" },
    { 1u << 4, "TSC" },
    { 1u << 3, "PSE" },
    { 1u << 15, "CMOV" },
};

void boot_cpu_check(uint32_t magic, uint32_t mbi_pa);

/* The CPUID instruction exists if EFLAGS.ID (bit 21) can be changed. */
static bool have_cpuid(void)
{
    uint32_t before, after;

    __asm__ volatile("pushfl\n\t"
                     "pop %0\n\t"
                     "mov %0, %1\n\t"
                     "xor $0x200000, %1\n\t"
                     "push %1\n\t"
                     "popfl\n\t"
                     "pushfl\n\t"
                     "pop %1\n\t"
                     "push %0\n\t"
                     "popfl"
                     : "=&r"(before), "=&r"(after) : : "cc");
    return ((before ^ after) & 0x200000) != 0;
}

static void cpuid(uint32_t leaf, uint32_t *eax, uint32_t *edx)
{
    uint32_t ebx, ecx;

    __asm__ volatile("cpuid" : "=a"(*eax), "=b"(ebx), "=c"(ecx), "=d"(*edx) : "a"(leaf), "c"(0));
}

/* ---- the message, built in a buffer on the stack ---------------------------- */

struct msg {
    char text[240];
    unsigned len;
};

static void add(struct msg *m, const char *s)
{
    while (*s && m->len < sizeof(m->text) - 1)
        m->text[m->len++] = *s++;
    m->text[m->len] = '\0';
}

/* ---- serial: COM1, if it answers -------------------------------------------- */

static void serial_write(const char *s)
{
    /* A missing UART reads 0xFF everywhere; a present one keeps what is
     * written to its scratch register. */
    if (inb(COM1 + 5) == 0xFF)
        return;
    outb(COM1 + 7, 0x5A);
    if (inb(COM1 + 7) != 0x5A)
        return;
    outb(COM1 + 1, 0x00);                   /* no interrupts */
    outb(COM1 + 3, 0x80);                   /* DLAB on */
    outb(COM1 + 0, 0x01);                   /* 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03);                   /* 8N1 */
    outb(COM1 + 2, 0xC7);                   /* FIFO on, cleared */
    outb(COM1 + 4, 0x03);                   /* DTR, RTS */
    for (; *s; s++) {
        if (*s == '\n')
            serial_write("\r");             /* one level deep: "\r" has no '\n' */
        for (int i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++)
            ;
        outb(COM1, (uint8_t)*s);
    }
}

/* ---- screen ------------------------------------------------------------------- */

struct screen {
    int kind;                               /* MB2_FB_RGB or MB2_FB_EGA_TEXT */
    uint8_t *base;                          /* physical = virtual: paging is off */
    uint32_t pitch, width, height, bpp;
    uint32_t white;                         /* RGB: the pixel value of white */
};

/* The Multiboot2 framebuffer tag, if GRUB gave one we can write to. */
static bool find_screen(uint32_t magic, uint32_t mbi_pa, struct screen *scr)
{
    if (magic != MB2_BOOT_MAGIC)
        return false;
    const uint8_t *p = (const uint8_t *)mbi_pa + 8;
    const uint8_t *end = (const uint8_t *)mbi_pa + *(const uint32_t *)mbi_pa;
    while (p + 8 <= end) {
        uint32_t type = *(const uint32_t *)p, size = *(const uint32_t *)(p + 4);
        if (type == MB2_TAG_END || size < 8)
            break;
        if (type == MB2_TAG_FB && size >= 31) {
            uint32_t addr_lo = *(const uint32_t *)(p + 8), addr_hi = *(const uint32_t *)(p + 12);
            scr->pitch = *(const uint32_t *)(p + 16);
            scr->width = *(const uint32_t *)(p + 20);
            scr->height = *(const uint32_t *)(p + 24);
            scr->bpp = p[28];
            scr->kind = p[29];
            scr->base = (uint8_t *)addr_lo;
            if (addr_hi)
                return false;               /* above 4 GiB: out of reach */
            if (scr->kind == MB2_FB_EGA_TEXT)
                return true;
            if (scr->kind != MB2_FB_RGB || size < 38 ||
                (scr->bpp != 32 && scr->bpp != 24 && scr->bpp != 16))
                return false;
            scr->white = 0;
            for (int i = 0; i < 3; i++) {   /* red, green, blue: position, size */
                uint32_t pos = p[32 + 2 * i], bits = p[33 + 2 * i];
                scr->white |= (bits >= 32 ? 0xFFFFFFFFu : (1u << bits) - 1) << pos;
            }
            return true;
        }
        p += (size + 7) & ~7u;
    }
    return false;
}

static void put_pixel(const struct screen *scr, uint32_t x, uint32_t y, uint32_t px)
{
    uint8_t *p = scr->base + y * scr->pitch + x * (scr->bpp / 8);

    for (uint32_t i = 0; i < scr->bpp / 8; i++)
        p[i] = (uint8_t)(px >> (8 * i));
}

/* Clear the screen and write text from the top left, wrapping long lines. */
static void screen_write(const struct screen *scr, const char *s)
{
    bool text = scr->kind == MB2_FB_EGA_TEXT;
    uint32_t cols = text ? scr->width : scr->width / FONT_WIDTH;
    uint32_t rows = text ? scr->height : scr->height / FONT_HEIGHT;
    volatile uint16_t *cells = (volatile uint16_t *)scr->base;
    const uint8_t (*font)[FONT_HEIGHT] =
        (const uint8_t (*)[FONT_HEIGHT])((uintptr_t)font8x16 - KERNEL_BASE);

    if (text) {
        for (uint32_t i = 0; i < cols * rows; i++)
            cells[i] = 0x0720;              /* blank, grey on black */
    } else {
        for (uint32_t y = 0; y < scr->height; y++)
            for (uint32_t x = 0; x < scr->width; x++)
                put_pixel(scr, x, y, 0);
    }
    uint32_t col = 0, row = 0;
    for (; *s && row < rows; s++) {
        if (*s == '\n' || col == cols) {
            col = 0;
            row++;
            if (*s == '\n' || row == rows)
                continue;
        }
        uint8_t ch = (uint8_t)*s < 128 ? (uint8_t)*s : FONT_UNKNOWN;
        if (text) {
            cells[row * cols + col] = 0x0F00 | ch;   /* white on black */
        } else {
            for (uint32_t y = 0; y < FONT_HEIGHT; y++)
                for (uint32_t x = 0; x < FONT_WIDTH; x++)
                    put_pixel(scr, col * FONT_WIDTH + x, row * FONT_HEIGHT + y,
                              (font[ch][y] & (0x80 >> x)) ? scr->white : 0);
        }
        col++;
    }
}

/* The NMI handler of halt()'s IDT: back to the hlt loop. */
__asm__(".text\n"
        "boot_nmi:\n\t"
        "iret");

/*
 * Stop for good. An NMI wakes hlt, hence the loop; and GRUB's IDT (if any)
 * may not handle one, which would triple-fault and reboot: so load an IDT
 * whose vector 2 leads to an iret. It lives on this stack frame, which is
 * never left.
 */
static void __attribute__((noreturn)) halt(void)
{
    extern const char boot_nmi[];
    uint32_t idt[3 * 2];                    /* vectors 0-2, 8 bytes each */
    uint16_t cs;
    struct __attribute__((packed)) {
        uint16_t limit;
        uint32_t base;
    } desc = { sizeof(idt) - 1, (uint32_t)idt };

    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    for (int v = 0; v < 3; v++) {
        /* A 32-bit interrupt gate, present, DPL 0. */
        idt[2 * v] = ((uint32_t)cs << 16) | ((uint32_t)boot_nmi & 0xFFFF);
        idt[2 * v + 1] = ((uint32_t)boot_nmi & 0xFFFF0000) | 0x8E00;
    }
    __asm__ volatile("lidt %0" : : "m"(desc) : "memory");
    for (;;)
        __asm__ volatile("cli; hlt");
}

/*
 * Return if the CPU has everything the kernel needs; otherwise print why
 * not (serial and screen) and halt forever. Called by boot.S with paging
 * off, magic and mbi_pa as GRUB left them in EAX and EBX.
 */
void boot_cpu_check(uint32_t magic, uint32_t mbi_pa)
{
    struct msg m;
    uint32_t max_leaf = 0, eax, edx = 0;
    bool has_cpuid = have_cpuid(), missing = false;

    if (has_cpuid)
        cpuid(0, &max_leaf, &edx);
    edx = 0;
    if (max_leaf >= 1)
        cpuid(1, &eax, &edx);
    for (unsigned i = 0; i < sizeof(needed) / sizeof(needed[0]); i++)
        if (!(edx & needed[i].bit))
            missing = true;
    if (!missing)
        return;

    m.len = 0;
    /* "agora: " like the kernel's other messages ("pmm: ..."); one line
     * each, under 80 columns. */
    add(&m, "\nagora: needs an i686 CPU (Pentium Pro or later) with FPU, TSC, PSE and CMOV;\n");
    if (!has_cpuid) {
        add(&m, "agora: this CPU has no CPUID instruction");
    } else if (max_leaf < 1) {
        add(&m, "agora: this CPU has no CPUID leaf 1");
    } else {
        const char *sep = "agora: this CPU lacks ";
        for (unsigned i = 0; i < sizeof(needed) / sizeof(needed[0]); i++) {
            if (!(edx & needed[i].bit)) {
                add(&m, sep);
                add(&m, needed[i].name);
                sep = ", ";
            }
        }
    }
    add(&m, ". Halted.\n");

    serial_write(m.text);
    struct screen scr;
    if (!find_screen(magic, mbi_pa, &scr)) {
        /* No usable framebuffer tag: BIOS text mode is the best guess. */
        scr = (struct screen){ .kind = MB2_FB_EGA_TEXT, .base = (uint8_t *)0xB8000,
                               .width = 80, .height = 25 };
    }
    screen_write(&scr, m.text + 1);         /* the screen starts on a fresh line */
    halt();
}
