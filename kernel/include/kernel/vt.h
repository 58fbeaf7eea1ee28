/*
 * vt.h: the VT100/ANSI interpreter shared by the screen consoles
 * (kernel/dev/vt.c). A screen (fbcon, VGA text) owns a struct vt, fills in
 * its size and the operations that change cells, and passes every output
 * byte to vt_putc; the vt keeps the cursor, the attributes and the escape
 * sequence state, and calls back only with cells to draw. One console, no
 * lock: the console layer serialises.
 */
#ifndef KERNEL_VT_H
#define KERNEL_VT_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

#define VT_DEFAULT 16                   /* colour index: the screen's default */
#define VT_MAX_PARAMS 16

struct vt_ops {
    /* Show ch at (col, row) in colours fg, bg: 0-15 in ANSI order (0 black,
     * 1 red, 2 green, 3 yellow, 4 blue, 5 magenta, 6 cyan, 7 white; 8-15
     * the bright ones) or VT_DEFAULT. */
    void (*put)(uint32_t col, uint32_t row, uint8_t ch, uint8_t fg, uint8_t bg);
    /* Make (col, row) an empty cell in the screen's colours. */
    void (*blank)(uint32_t col, uint32_t row);
    /* Move every line up one; the bottom line becomes empty. */
    void (*scroll)(void);
    /* Show the cursor at (col, row), or hide it. */
    void (*cursor)(uint32_t col, uint32_t row, bool visible);
};

struct vt {
    const struct vt_ops *ops;
    uint32_t cols, rows;
    /* Cursor. col == cols means "line full": the next character wraps first. */
    uint32_t col, row;
    uint32_t saved_col, saved_row;
    uint8_t fg, bg, saved_fg, saved_bg;
    bool bold, reverse, saved_bold, saved_reverse;
    bool cursor_visible;
    int state;                          /* the parser's: plain text, after ESC, in CSI... */
    uint32_t params[VT_MAX_PARAMS];
    int nparams;
    bool private_mode;                  /* CSI ? ... */
};

/* Start vt on a cols x rows screen: cursor top left and shown, default colours. */
void vt_init(struct vt *vt, const struct vt_ops *ops, uint32_t cols, uint32_t rows);

/*
 * Interpret one output byte: printable ASCII is drawn (bytes above 0x7E as
 * they are; the screen shows what its font has), '\n' moves down (the
 * column stays: the tty's ONLCR adds the '\r'), '\r', '\b', '\t'; ESC 7/8,
 * ESC c and CSI sequences: cursor moves (A B C D E F G H d f), erase (J K
 * X), SGR colours (m), save/restore (s u), cursor on/off (?25h/l), and the
 * status reports (5n, 6n), whose answers go to the reply hook. Anything
 * else is consumed whole and ignored.
 */
void vt_putc(struct vt *vt, char c);

/* Where status reports' answers go (the console feeds them to the tty). */
void vt_set_reply(void (*reply)(const char *s, size_t n));

#endif
