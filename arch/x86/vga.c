/*
 * vga.c: the VGA text-mode console, 80x25 cells of (character, attribute).
 *
 * The screen's contents are kept in a shadow copy, `shadow`, and the text
 * buffer is only ever written: reading video memory is slow on real hardware.
 * A scroll moves the shadow up a line and writes out just the cells that
 * changed. The hardware cursor is moved through the CRT controller's index
 * and data ports.
 *
 * Called by the console layer (kernel/dev/console.c).
 */
#include <arch/io.h>
#include <arch/vga.h>

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
/* Cursor. col == VGA_COLS means "line full": the next character wraps first. */
static uint32_t col, row;
static uint8_t attr = ATTR_DEFAULT;

static uint16_t make_cell(uint8_t ch)
{
    return (uint16_t)(attr << 8 | ch);
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

static void move_cursor(void)
{
    /* A full line shows the cursor on its last cell, not off screen. */
    uint32_t pos = row * VGA_COLS + (col < VGA_COLS ? col : VGA_COLS - 1);

    crtc_write(CRTC_CURSOR_LOW, pos & 0xFF);
    crtc_write(CRTC_CURSOR_HIGH, (pos >> 8) & 0xFF);
}

static void scroll(void)
{
    uint32_t last = (VGA_ROWS - 1) * VGA_COLS;

    for (uint32_t i = 0; i < last; i++)
        set_cell(i, shadow[i + VGA_COLS]);
    for (uint32_t i = last; i < last + VGA_COLS; i++)
        set_cell(i, make_cell(' '));
}

static void newline(void)
{
    col = 0;
    if (row + 1 < VGA_ROWS)
        row++;
    else
        scroll();
}

/*
 * Start the console on the text buffer mapped at text_va (see vga.h).
 */
void vga_init(uint16_t *text_va)
{
    text = text_va;
    attr = ATTR_DEFAULT;
    for (uint32_t i = 0; i < VGA_ROWS * VGA_COLS; i++) {
        shadow[i] = make_cell(' ');
        text[i] = shadow[i];
    }
    col = row = 0;
    /* An underline cursor on scan lines 14-15; clearing bit 5 turns it on. */
    crtc_write(CRTC_CURSOR_START, (crtc_read(CRTC_CURSOR_START) & 0xC0) | 14);
    crtc_write(CRTC_CURSOR_END, (crtc_read(CRTC_CURSOR_END) & 0xE0) | 15);
    move_cursor();
}

/*
 * Write one character at the cursor (see vga.h for the control characters).
 */
void vga_putc(char c)
{
    uint8_t ch = (uint8_t)c;

    if (!text)
        return;
    switch (ch) {
    case '\n':
        newline();
        break;
    case '\r':
        col = 0;
        break;
    case '\b':
        if (col > 0)
            col--;
        break;
    case '\t':
        col = (col / 8 + 1) * 8;
        if (col > VGA_COLS)
            col = VGA_COLS;
        break;
    default:
        if (ch < 0x20)
            return;
        if (ch > 0x7E)
            ch = CH_UNKNOWN;
        if (col >= VGA_COLS)
            newline();
        set_cell(row * VGA_COLS + col, make_cell(ch));
        col++;
        break;
    }
    move_cursor();
}
