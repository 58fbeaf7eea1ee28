/*
 * vga.c: the VGA text-mode console, 80x25 cells of (character, attribute).
 *
 * The screen's contents are kept in a shadow copy, `shadow`, and the text
 * buffer is only ever written: reading video memory is slow on real hardware.
 * A scroll moves the shadow up a line and writes out just the cells that
 * changed. The hardware cursor is moved through the CRT controller's index
 * and data ports.
 *
 * Escape sequences, the cursor position and the attributes are the VT100
 * interpreter's (kernel/dev/vt.c); this file only draws what it says.
 *
 * Called by the console layer (kernel/dev/console.c).
 */
#include <arch/io.h>
#include <arch/vga.h>
#include <kernel/vt.h>

#define CRTC_INDEX 0x3D4
#define CRTC_DATA  0x3D5
#define CRTC_CURSOR_START 0x0A          /* bit 5: cursor off; bits 0-4: first scan line */
#define CRTC_CURSOR_END   0x0B          /* bits 0-4: last scan line */
#define CRTC_CURSOR_HIGH  0x0E
#define CRTC_CURSOR_LOW   0x0F

#define ATTR_DEFAULT 0x07               /* light grey on black */
#define CH_UNKNOWN   0xFE               /* small square in code page 437 */

static volatile uint16_t *text;         /* NULL until vga_init */
static uint16_t shadow[VGA_ROWS * VGA_COLS];
static struct vt vt;

/* ANSI colour numbers (red 1, blue 4) to VGA's (blue 1, red 4). */
static const uint8_t ansi_to_vga[8] = { 0, 4, 2, 6, 1, 5, 3, 7 };

static uint16_t blank_cell(void)
{
    return (uint16_t)(ATTR_DEFAULT << 8 | ' ');
}

static void set_cell(uint32_t i, uint16_t v)
{
    if (shadow[i] != v) {
        shadow[i] = v;
        text[i] = v;
    }
}

static void crtc_write(uint8_t reg, uint8_t v)
{
    outb(CRTC_INDEX, reg);
    outb(CRTC_DATA, v);
}

static uint8_t crtc_read(uint8_t reg)
{
    outb(CRTC_INDEX, reg);
    return inb(CRTC_DATA);
}

/* ---- the vt's operations -------------------------------------------------- */

static void vga_put(uint32_t col, uint32_t row, uint8_t ch, uint8_t fg, uint8_t bg)
{
    uint8_t f = fg < 16 ? (uint8_t)(ansi_to_vga[fg & 7] | (fg & 8)) : (ATTR_DEFAULT & 0x0F);
    /* Bright backgrounds would blink (attribute bit 7): shown as normal ones. */
    uint8_t b = bg < 16 ? ansi_to_vga[bg & 7] : (ATTR_DEFAULT >> 4);

    if (ch > 0x7E)
        ch = CH_UNKNOWN;
    set_cell(row * VGA_COLS + col, (uint16_t)((b << 4 | f) << 8 | ch));
}

static void vga_blank(uint32_t col, uint32_t row)
{
    set_cell(row * VGA_COLS + col, blank_cell());
}

static void vga_scroll(void)
{
    uint32_t last = (VGA_ROWS - 1) * VGA_COLS;

    for (uint32_t i = 0; i < last; i++)
        set_cell(i, shadow[i + VGA_COLS]);
    for (uint32_t i = last; i < last + VGA_COLS; i++)
        set_cell(i, blank_cell());
}

static uint32_t cursor_pos = ~0u;       /* where the hardware cursor is */
static bool cursor_on = true;

static void vga_cursor(uint32_t col, uint32_t row, bool visible)
{
    uint32_t pos = row * VGA_COLS + col;

    if (visible != cursor_on) {
        /* Bit 5 of the start register turns the cursor off. */
        uint8_t start = crtc_read(CRTC_CURSOR_START);
        crtc_write(CRTC_CURSOR_START, visible ? (start & ~0x20) : (start | 0x20));
        cursor_on = visible;
    }
    if (pos != cursor_pos) {
        crtc_write(CRTC_CURSOR_LOW, pos & 0xFF);
        crtc_write(CRTC_CURSOR_HIGH, (pos >> 8) & 0xFF);
        cursor_pos = pos;
    }
}

static const struct vt_ops vga_ops = {
    .put = vga_put, .blank = vga_blank, .scroll = vga_scroll, .cursor = vga_cursor,
};

/*
 * Start the console on the text buffer mapped at text_va (see vga.h).
 */
void vga_init(uint16_t *text_va)
{
    text = text_va;
    for (uint32_t i = 0; i < VGA_ROWS * VGA_COLS; i++) {
        shadow[i] = blank_cell();
        text[i] = shadow[i];
    }
    /* An underline cursor on scan lines 14-15; clearing bit 5 turns it on. */
    crtc_write(CRTC_CURSOR_START, (crtc_read(CRTC_CURSOR_START) & 0xC0) | 14);
    crtc_write(CRTC_CURSOR_END, (crtc_read(CRTC_CURSOR_END) & 0xE0) | 15);
    cursor_on = true;
    cursor_pos = ~0u;
    vt_init(&vt, &vga_ops, VGA_COLS, VGA_ROWS);
}

/*
 * Write one byte of terminal output (see vga.h).
 */
void vga_putc(char c)
{
    if (text)
        vt_putc(&vt, c);
}
