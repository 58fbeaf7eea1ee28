/*
 * fbcon.h: a text console on a linear framebuffer (kernel/dev/fbcon.c).
 * The kernel fills struct fb_info from the Multiboot2 framebuffer tag (type 8),
 * maps the framebuffer and calls fbcon_init; console output then goes through
 * fbcon_putc. One console, no locking: the caller serialises (console layer).
 */
#ifndef KERNEL_FBCON_H
#define KERNEL_FBCON_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

struct fb_info {
    uint64_t pa;            /* physical address of the framebuffer */
    uint8_t *va;            /* where the kernel mapped it (write-through) */
    uint32_t width, height; /* pixels */
    uint32_t pitch;         /* bytes per scan line, >= width * bpp / 8 */
    uint8_t bpp;            /* 24 or 32 */
    uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

/* The most text cells fbcon keeps; a larger screen uses its top-left part. */
#define FBCON_MAX_COLS 256
#define FBCON_MAX_ROWS 96
/* The scrollback's size in cells (2 bytes each: 128 KiB, static): 512
 * lines of 128 columns (1024 pixels wide), 273 of 240 (1920). */
#define FBCON_HISTORY_CELLS 65536

/*
 * Take over the framebuffer described by info (copied), clear it to the current
 * background colour and put the cursor top left. Returns 0, or -EINVAL (and
 * the console is inactive) for an unsupported depth, colour fields that do
 * not fit in a pixel, a pitch too small for the width, or a screen smaller
 * than one character. All three colour sizes 0 means 8:8:8 at 16/8/0.
 */
int fbcon_init(const struct fb_info *info);

/*
 * Write one byte of terminal output through the VT100 interpreter
 * (kernel/include/kernel/vt.h): printable ASCII is drawn at the cursor
 * (other bytes above 0x7E as a box), '\n' moves down a line (the column
 * stays), '\r' to the start of the line, '\b' one cell left (without
 * erasing), '\t' to the next multiple of 8; escape sequences move the
 * cursor, erase and set colours. Scrolls at the bottom, and the line that
 * leaves the top goes into the scrollback. The cursor shows as an
 * underline. A view scrolled back returns to the live screen first. Does
 * nothing before a successful fbcon_init.
 */
void fbcon_putc(char c);

/*
 * Move the view through the scrollback: dir < 0 half a screen back (older),
 * dir > 0 half a screen forward, 0 to the live screen; never past the
 * oldest line kept or the live screen. Redraws only the cells that change.
 * Returns how many lines back the view is now (0: live).
 */
uint32_t fbcon_scrollback(int dir);

/* The lines of text fbcon holds: scrollback and screen (0 before fbcon_init). */
uint32_t fbcon_nlines(void);

/*
 * Line i of fbcon's text, 0 the oldest line of the scrollback, up to
 * fbcon_nlines() - 1 the bottom row of the screen, as a string without
 * trailing blanks in buf (at most size - 1 characters). False for i out of
 * range, size 0 or before fbcon_init. For tests.
 */
bool fbcon_line_text(uint32_t i, char *buf, size_t size);

/* True once fbcon_init has succeeded. */
bool fbcon_active(void);

/* The screen's size in text cells (0 x 0 before fbcon_init). */
void fbcon_size(uint32_t *cols, uint32_t *rows);

/*
 * The default colours (0xRRGGBB): those of characters written from now on
 * in SGR 39/49 (the colours after ESC [ 0 m). The colours set when
 * fbcon_init runs are also the screen's: it is cleared to that background,
 * and so is every cell erased or scrolled in later. Default: light grey on
 * black. May be called before fbcon_init.
 */
void fbcon_set_color(uint32_t fg_rgb, uint32_t bg_rgb);

#endif
