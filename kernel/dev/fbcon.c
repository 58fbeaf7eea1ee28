/*
 * fbcon.c: a text console on a linear framebuffer of 24 or 32 bits per pixel,
 * 8x16 character cells (font8x16).
 *
 * The text on the screen is also kept in a shadow buffer, `cells`: per cell a
 * character and an index into `colors`, a small table of (fg, bg) pairs with
 * their pixel values. The framebuffer is only ever written, never read back
 * (reads from video memory are very slow on real hardware). Every change of a
 * cell goes through set_cell, which draws only when the cell would look
 * different; so scrolling moves the shadow buffer up one line and redraws
 * just the cells that changed, which on a mostly empty screen is few.
 *
 * Pixel rows are addressed with the pitch, and only the first width pixels of
 * each row are written: the bytes between width and pitch may belong to
 * someone else (or to nothing at all).
 *
 * Scrollback: each line that scrolls off the top is copied into `history`,
 * a ring of FBCON_HISTORY_CELLS cells cut into lines of `cols` cells (so a
 * narrower screen keeps more lines: 512 at 128 columns, 1024x768). The
 * view can be moved back through it (fbcon_scrollback, Shift+PgUp/PgDn);
 * the screen then shows `view` history lines above the top of the live
 * screen. Moving the view draws only the cells that look different, as
 * everywhere else. Output returns the view to the live screen first, so the
 * vt only ever draws on a live screen.
 *
 * Escape sequences, the cursor position and the attributes are the VT100
 * interpreter's (kernel/dev/vt.c): fbcon gives it cells to draw, and draws
 * the cursor as an underline (the last two scan lines of its cell in the
 * cell's foreground colour).
 *
 * Called by the console layer (kernel/dev/console.c); one console, no lock:
 * the caller serialises.
 */
#include <stddef.h>
#include <kernel/fbcon.h>
#include <kernel/font.h>
#include <kernel/vt.h>
#include <uapi/errno.h>

#define NCOLORS 256                 /* colour pairs in use at once; fits a uint8_t */
#define DEFAULT_FG 0xAAAAAA
#define DEFAULT_BG 0x000000

struct cell {
    uint8_t ch;                     /* index into font8x16, always < 128 */
    uint8_t color;                  /* index into colors[] */
};

struct color_pair {
    bool used;
    uint32_t fg_rgb, bg_rgb;        /* as given to fbcon_set_color */
    uint32_t fg_px, bg_px;          /* the same as pixel values for this fb */
};

static struct fb_info fb;           /* copy of what fbcon_init was given */
static bool active;
static uint32_t bytes_pp;           /* 3 or 4 */
static uint32_t cols, rows;         /* text cells in use: at most the MAX */
static struct vt vt;
/* Where the cursor is drawn; cursor_col == cols: nowhere. */
static uint32_t cursor_col, cursor_row;

static struct cell cells[FBCON_MAX_ROWS][FBCON_MAX_COLS];
static struct cell history[FBCON_HISTORY_CELLS];
static uint32_t hist_lines;         /* capacity in lines of cols cells */
static uint32_t hist_head;          /* the line the next scroll fills */
static uint32_t hist_count;         /* lines kept, at most hist_lines */
static uint32_t view;               /* history lines shown above the live screen */
static struct color_pair colors[NCOLORS];
static uint32_t cur_fg = DEFAULT_FG, cur_bg = DEFAULT_BG;   /* VT_DEFAULT's colours */
static uint8_t cur_color;           /* colors[] index of the last pair drawn */
static uint8_t blank_color;         /* the colours at fbcon_init: empty cells */

/* The 16 colours of SGR 30-37 and 90-97, in ANSI order, as VGA shows them. */
static const uint32_t palette[16] = {
    0x000000, 0xAA0000, 0x00AA00, 0xAA5500, 0x0000AA, 0xAA00AA, 0x00AAAA, 0xAAAAAA,
    0x555555, 0xFF5555, 0x55FF55, 0xFFFF55, 0x5555FF, 0xFF55FF, 0x55FFFF, 0xFFFFFF,
};

/* An 8-bit colour channel widened or narrowed to size bits (0..32). */
static uint32_t scale_channel(uint32_t v8, uint32_t size)
{
    uint32_t out = 0;

    /* Repeat the channel's bits so that full intensity stays full (0xFF -> 0x3FF). */
    for (int bits = (int)size; bits > 0; bits -= 8)
        out |= bits >= 8 ? v8 << (bits - 8) : v8 >> (8 - bits);
    return out;
}

static uint32_t field(uint32_t v8, uint32_t pos, uint32_t size)
{
    return size ? scale_channel(v8, size) << pos : 0;
}

/* 0xRRGGBB as a pixel value laid out by the framebuffer's colour fields. */
static uint32_t rgb_to_pixel(uint32_t rgb)
{
    return field((rgb >> 16) & 0xFF, fb.red_pos, fb.red_size) |
           field((rgb >> 8) & 0xFF, fb.green_pos, fb.green_size) |
           field(rgb & 0xFF, fb.blue_pos, fb.blue_size);
}

/* Line i of the scrollback, 0 the oldest kept; the caller keeps i < hist_count. */
static struct cell *hist_line(uint32_t i)
{
    return &history[(hist_head + hist_lines - hist_count + i) % hist_lines * cols];
}

/* Forget every pair that no cell (of the screen or the scrollback), the
 * current colour or blank_color refer to. */
static void collect_colors(void)
{
    bool in_use[NCOLORS] = { false };

    in_use[cur_color] = true;
    in_use[blank_color] = true;
    for (uint32_t r = 0; r < rows; r++)
        for (uint32_t c = 0; c < cols; c++)
            in_use[cells[r][c].color] = true;
    for (uint32_t i = 0; i < hist_count; i++) {
        const struct cell *line = hist_line(i);
        for (uint32_t c = 0; c < cols; c++)
            in_use[line[c].color] = true;
    }
    for (int i = 0; i < NCOLORS; i++)
        if (!in_use[i])
            colors[i].used = false;
}

/*
 * The colors[] index for (fg, bg), added if new. Should all NCOLORS pairs be
 * on the screen at once, the current pair's slot is redefined: cells still
 * using it change colour when they are next redrawn. Harmless, and it takes
 * 256 different colour pairs on one screen.
 */
static uint8_t color_index(uint32_t fg_rgb, uint32_t bg_rgb)
{
    int free_slot = -1;

    for (int pass = 0; pass < 2 && free_slot < 0; pass++) {
        if (pass == 1)
            collect_colors();
        for (int i = 0; i < NCOLORS; i++) {
            if (!colors[i].used) {
                if (free_slot < 0)
                    free_slot = i;
            } else if (colors[i].fg_rgb == fg_rgb && colors[i].bg_rgb == bg_rgb) {
                return (uint8_t)i;
            }
        }
    }
    if (free_slot < 0)
        free_slot = cur_color;
    colors[free_slot] = (struct color_pair){
        .used = true,
        .fg_rgb = fg_rgb, .bg_rgb = bg_rgb,
        .fg_px = rgb_to_pixel(fg_rgb), .bg_px = rgb_to_pixel(bg_rgb),
    };
    return (uint8_t)free_slot;
}

/* Pixel x of scan line y; the caller keeps x < width and y < height. */
static uint8_t *pixel_addr(uint32_t x, uint32_t y)
{
    return fb.va + (size_t)y * fb.pitch + (size_t)x * bytes_pp;
}

static void put24(uint8_t *p, uint32_t px)
{
    p[0] = (uint8_t)px;
    p[1] = (uint8_t)(px >> 8);
    p[2] = (uint8_t)(px >> 16);
}

#define CURSOR_LINES 2              /* the underline cursor's scan lines */

/* Paint cell (col, row) of the screen as showing *cell, with or without the cursor. */
static void paint(uint32_t col, uint32_t row, const struct cell *cell, bool cursor)
{
    const struct color_pair *pair = &colors[cell->color];
    const uint8_t *glyph = font8x16[cell->ch];
    uint8_t *line = pixel_addr(col * FONT_WIDTH, row * FONT_HEIGHT);

    for (int y = 0; y < FONT_HEIGHT; y++, line += fb.pitch) {
        uint32_t bits = cursor && y >= FONT_HEIGHT - CURSOR_LINES ? 0xFF : glyph[y];
        if (bytes_pp == 4) {
            uint32_t *px = (uint32_t *)line;
            for (int x = 0; x < FONT_WIDTH; x++)
                px[x] = (bits & (0x80 >> x)) ? pair->fg_px : pair->bg_px;
        } else {
            for (int x = 0; x < FONT_WIDTH; x++)
                put24(line + 3 * x, (bits & (0x80 >> x)) ? pair->fg_px : pair->bg_px);
        }
    }
}

/* Paint cell (col, row) of the live screen from the shadow buffer. */
static void draw_cell(uint32_t col, uint32_t row)
{
    paint(col, row, &cells[row][col], col == cursor_col && row == cursor_row);
}

/* Would a cell showing a look exactly like one showing b? */
static bool same_look(struct cell a, struct cell b)
{
    if (a.ch == b.ch && a.color == b.color)
        return true;
    /* Blanks differ only in their background. */
    return a.ch == ' ' && b.ch == ' ' && colors[a.color].bg_px == colors[b.color].bg_px;
}

/* Make cell (col, row) hold v, drawing it only if it looks different. */
static void set_cell(uint32_t col, uint32_t row, struct cell v)
{
    struct cell *cell = &cells[row][col];
    bool redraw = !same_look(*cell, v);

    *cell = v;
    if (redraw)
        draw_cell(col, row);
}

/* The cells that row shows when the view is v lines back (v <= hist_count). */
static const struct cell *shown_line(uint32_t v, uint32_t row)
{
    return row < v ? hist_line(hist_count - v + row) : cells[row - v];
}

/* Move the view to v lines back, redrawing the cells that change look. */
static void set_view(uint32_t v)
{
    uint32_t old = view;

    if (v == old)
        return;
    view = v;
    for (uint32_t r = 0; r < rows; r++) {
        const struct cell *was = shown_line(old, r), *now = shown_line(v, r);
        bool cursor_was = r >= old && r - old == cursor_row;
        bool cursor_now = r >= v && r - v == cursor_row;
        for (uint32_t c = 0; c < cols; c++) {
            bool cw = cursor_was && c == cursor_col, cn = cursor_now && c == cursor_col;
            if (cw != cn || !same_look(was[c], now[c]))
                paint(c, r, &now[c], cn);
        }
    }
}

static void scroll(void)
{
    struct cell blank = { ' ', blank_color };

    if (hist_lines) {                   /* the top line goes into the scrollback */
        struct cell *line = &history[hist_head * cols];
        for (uint32_t c = 0; c < cols; c++)
            line[c] = cells[0][c];
        hist_head = (hist_head + 1) % hist_lines;
        if (hist_count < hist_lines)
            hist_count++;
    }
    for (uint32_t r = 0; r + 1 < rows; r++)
        for (uint32_t c = 0; c < cols; c++)
            set_cell(c, r, cells[r + 1][c]);
    for (uint32_t c = 0; c < cols; c++)
        set_cell(c, rows - 1, blank);
}

/* Every pixel of the screen (margins too) to the background of blank_color. */
static void clear_screen(void)
{
    uint32_t bg = colors[blank_color].bg_px;

    for (uint32_t y = 0; y < fb.height; y++) {
        uint8_t *line = pixel_addr(0, y);
        if (bytes_pp == 4) {
            uint32_t *px = (uint32_t *)line;
            for (uint32_t x = 0; x < fb.width; x++)
                px[x] = bg;
        } else {
            for (uint32_t x = 0; x < fb.width; x++)
                put24(line + 3 * x, bg);
        }
    }
    for (uint32_t r = 0; r < rows; r++)
        for (uint32_t c = 0; c < cols; c++)
            cells[r][c] = (struct cell){ ' ', blank_color };
}

/* ---- the vt's operations ------------------------------------------------------ */

static uint32_t rgb_of(uint8_t index, uint32_t def)
{
    return index < 16 ? palette[index] : def;
}

static void fb_put(uint32_t col, uint32_t row, uint8_t ch, uint8_t fg, uint8_t bg)
{
    uint32_t fg_rgb = rgb_of(fg, cur_fg), bg_rgb = rgb_of(bg, cur_bg);

    if (colors[cur_color].fg_rgb != fg_rgb || colors[cur_color].bg_rgb != bg_rgb ||
        !colors[cur_color].used)
        cur_color = color_index(fg_rgb, bg_rgb);
    if (ch < 0x20 || ch > 0x7E)
        ch = FONT_UNKNOWN;
    set_cell(col, row, (struct cell){ ch, cur_color });
}

static void fb_blank(uint32_t col, uint32_t row)
{
    set_cell(col, row, (struct cell){ ' ', blank_color });
}

static void fb_cursor(uint32_t col, uint32_t row, bool visible)
{
    uint32_t old_col = cursor_col, old_row = cursor_row;

    if (!visible)
        col = cols;
    if (col == old_col && row == old_row)
        return;
    cursor_col = col;
    cursor_row = row;
    if (old_col < cols)
        draw_cell(old_col, old_row);
    if (col < cols)
        draw_cell(col, row);
}

static const struct vt_ops fb_ops = {
    .put = fb_put, .blank = fb_blank, .scroll = scroll, .cursor = fb_cursor,
};

static bool field_fits(uint32_t pos, uint32_t size, uint32_t bpp)
{
    return size <= bpp && pos <= bpp - size;
}

/*
 * Take over the framebuffer info describes (copied); 0 or -EINVAL. The checks
 * come first, so a rejected framebuffer is never written to.
 */
int fbcon_init(const struct fb_info *info)
{
    active = false;
    if (!info || !info->va || (info->bpp != 24 && info->bpp != 32))
        return -EINVAL;
    if (info->width < FONT_WIDTH || info->height < FONT_HEIGHT)
        return -EINVAL;
    if ((uint64_t)info->pitch < (uint64_t)info->width * (info->bpp / 8))
        return -EINVAL;
    if (!field_fits(info->red_pos, info->red_size, info->bpp) ||
        !field_fits(info->green_pos, info->green_size, info->bpp) ||
        !field_fits(info->blue_pos, info->blue_size, info->bpp))
        return -EINVAL;

    fb = *info;
    if (!fb.red_size && !fb.green_size && !fb.blue_size) {
        fb.red_pos = 16;
        fb.green_pos = 8;
        fb.blue_pos = 0;
        fb.red_size = fb.green_size = fb.blue_size = 8;
    }
    bytes_pp = fb.bpp / 8;
    cols = fb.width / FONT_WIDTH;
    if (cols > FBCON_MAX_COLS)
        cols = FBCON_MAX_COLS;
    rows = fb.height / FONT_HEIGHT;
    if (rows > FBCON_MAX_ROWS)
        rows = FBCON_MAX_ROWS;

    /* Pixel values depend on the colour fields: start the table afresh. */
    for (int i = 0; i < NCOLORS; i++)
        colors[i].used = false;
    cur_color = color_index(cur_fg, cur_bg);
    blank_color = cur_color;

    cursor_col = cols;                  /* not drawn yet */
    hist_lines = FBCON_HISTORY_CELLS / cols;
    hist_head = hist_count = view = 0;
    clear_screen();
    vt_init(&vt, &fb_ops, cols, rows);
    active = true;
    return 0;
}

/*
 * Write one byte of terminal output (see fbcon.h).
 */
void fbcon_putc(char c)
{
    if (!active)
        return;
    set_view(0);                        /* output shows the live screen */
    vt_putc(&vt, c);
}

/*
 * Move the view through the scrollback (see fbcon.h); returns how many
 * lines back it is now.
 */
uint32_t fbcon_scrollback(int dir)
{
    uint32_t half = rows / 2 ? rows / 2 : 1;

    if (!active)
        return 0;
    if (dir < 0)
        set_view(hist_count - view > half ? view + half : hist_count);
    else if (dir > 0)
        set_view(view > half ? view - half : 0);
    else
        set_view(0);
    return view;
}

/* Lines of text fbcon holds: the scrollback's and the screen's (see fbcon.h). */
uint32_t fbcon_nlines(void)
{
    return active ? hist_count + rows : 0;
}

/*
 * Line i of the scrollback and the screen, as text (see fbcon.h).
 */
bool fbcon_line_text(uint32_t i, char *buf, size_t size)
{
    if (!active || i >= hist_count + rows || size == 0)
        return false;
    const struct cell *line = i < hist_count ? hist_line(i) : cells[i - hist_count];
    size_t n = 0;
    for (uint32_t c = 0; c < cols && n + 1 < size; c++)
        buf[n++] = (char)line[c].ch;
    while (n > 0 && buf[n - 1] == ' ')
        n--;
    buf[n] = '\0';
    return true;
}

/* True once fbcon_init has succeeded. */
bool fbcon_active(void)
{
    return active;
}

/* The text size in cells (see fbcon.h). */
void fbcon_size(uint32_t *ncols, uint32_t *nrows)
{
    *ncols = cols;
    *nrows = rows;
}

/*
 * Colours for the characters written from now on (see fbcon.h).
 */
void fbcon_set_color(uint32_t fg_rgb, uint32_t bg_rgb)
{
    cur_fg = fg_rgb & 0xFFFFFF;
    cur_bg = bg_rgb & 0xFFFFFF;
    cur_color = color_index(cur_fg, cur_bg);
}
