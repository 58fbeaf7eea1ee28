/*
 * test_fbcon.c: host-side test of the framebuffer console (kernel/dev/fbcon.c)
 * drawing into malloc'ed framebuffers of several shapes.
 *
 * Every framebuffer has a pitch larger than width * bytes per pixel and two
 * spare scan lines after the last one; the spare bytes hold a canary that
 * fbcon must never touch. The text fbcon should show is tracked by a small
 * model here (`model`), and the pixels of every cell are compared with it.
 *
 * Text goes in as the console sends it, with "\r\n" for a newline; the
 * escape sequences of the VT100 interpreter (kernel/dev/vt.c) are checked
 * cell by cell against the model too: cursor moves and their clamping,
 * erasing, colours, save/restore, the cursor position report, unknown
 * sequences, and the underline cursor itself. All other checks hide the
 * cursor first (ESC [ ? 25 l), so that every cell shows just its text.
 *
 * Build and run (from the top of the tree):
 *   gcc -std=gnu11 -O2 -Wall -Wextra -Werror -Ikernel/include tests/host/test_fbcon.c \
 *       kernel/dev/fbcon.c kernel/dev/vt.c kernel/dev/font8x16.c -o build/host/test_fbcon \
 *       && build/host/test_fbcon
 * Prints PASS/FAIL per check; exits non-zero if any check failed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kernel/fbcon.h>
#include <kernel/font.h>
#include <kernel/vt.h>
#include <uapi/errno.h>

#define CANARY 0xA5
#define SPARE_LINES 2

struct config {
    const char *name;
    uint32_t width, height, bpp, pitch;
    uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
    /* Spelled out by hand: 0x123456 (fg) and 0x0A0B0C (bg) as bytes in memory. */
    uint8_t fg_bytes[4], bg_bytes[4];
};

static const struct config configs[] = {
    { "800x600x24", 800, 600, 24, 800 * 3 + 64, 16, 8, 8, 8, 0, 8,
      { 0x56, 0x34, 0x12 }, { 0x0C, 0x0B, 0x0A } },
    { "800x600x24-bgr", 800, 600, 24, 800 * 3 + 36, 0, 8, 8, 8, 16, 8,
      { 0x12, 0x34, 0x56 }, { 0x0A, 0x0B, 0x0C } },
    { "1024x768x32", 1024, 768, 32, 1024 * 4 + 64, 16, 8, 8, 8, 0, 8,
      { 0x56, 0x34, 0x12, 0x00 }, { 0x0C, 0x0B, 0x0A, 0x00 } },
    { "1280x800x32-bgr", 1280, 800, 32, 1280 * 4 + 32, 0, 8, 8, 8, 16, 8,
      { 0x12, 0x34, 0x56, 0x00 }, { 0x0A, 0x0B, 0x0C, 0x00 } },
    /* 2:10:10:10 with the bits repeated: fg 0x048,0x0D0,0x159 = 0x04834159,
       bg 0x028,0x02C,0x030 = 0x0280B030 */
    { "1000x700x32-10bit", 1000, 700, 32, 1000 * 4 + 64, 20, 10, 10, 10, 0, 10,
      { 0x59, 0x41, 0x83, 0x04 }, { 0x30, 0xB0, 0x80, 0x02 } },
};

#define FG 0x123456
#define BG 0x0A0B0C

/* ---- reporting ------------------------------------------------------------ */

static int failures;
static char why[256];               /* the first reason the current check failed */

static bool fail(const char *fmt, ...)
{
    va_list ap;

    if (!why[0]) {
        va_start(ap, fmt);
        vsnprintf(why, sizeof(why), fmt, ap);
        va_end(ap);
    }
    return false;
}

static void report(const struct config *cfg, const char *check, bool ok)
{
    if (ok && !why[0]) {
        printf("PASS %s %s\n", cfg->name, check);
    } else {
        printf("FAIL %s %s (%s)\n", cfg->name, check, why[0] ? why : "no reason given");
        failures++;
    }
    why[0] = 0;
}

/* ---- the framebuffer under test ------------------------------------------- */

static const struct config *cfg;
static uint8_t *mem;
static size_t mem_size;
static uint32_t bpp_bytes, cols, rows;

static void fb_setup(const struct config *c)
{
    cfg = c;
    bpp_bytes = c->bpp / 8;
    cols = c->width / 8 < FBCON_MAX_COLS ? c->width / 8 : FBCON_MAX_COLS;
    rows = c->height / 16 < FBCON_MAX_ROWS ? c->height / 16 : FBCON_MAX_ROWS;
    free(mem);
    mem_size = (size_t)c->pitch * (c->height + SPARE_LINES);
    mem = malloc(mem_size);
    if (!mem) {
        perror("malloc");
        exit(2);
    }
    memset(mem, CANARY, mem_size);
}

static struct fb_info fb_of(const struct config *c)
{
    return (struct fb_info){
        .pa = 0xFD000000, .va = mem,
        .width = c->width, .height = c->height, .pitch = c->pitch, .bpp = (uint8_t)c->bpp,
        .red_pos = c->red_pos, .red_size = c->red_size,
        .green_pos = c->green_pos, .green_size = c->green_size,
        .blue_pos = c->blue_pos, .blue_size = c->blue_size,
    };
}

/* The bytes of colour rgb in memory, worked out independently of fbcon. */
static void color_bytes(uint32_t rgb, uint8_t out[4])
{
    uint32_t px = 0;
    uint32_t chan[3] = { rgb >> 16 & 0xFF, rgb >> 8 & 0xFF, rgb & 0xFF };
    uint32_t pos[3] = { cfg->red_pos, cfg->green_pos, cfg->blue_pos };
    uint32_t size[3] = { cfg->red_size, cfg->green_size, cfg->blue_size };

    for (int i = 0; i < 3; i++) {
        uint32_t v = size[i] == 8 ? chan[i] : (chan[i] << 2 | chan[i] >> 6);   /* 8 or 10 */
        px |= v << pos[i];
    }
    for (uint32_t i = 0; i < 4; i++)
        out[i] = i < bpp_bytes ? (uint8_t)(px >> (8 * i)) : 0;
}

static uint8_t *pixel(uint32_t x, uint32_t y)
{
    return mem + (size_t)y * cfg->pitch + (size_t)x * bpp_bytes;
}

/* Padding after each line and the spare lines still hold the canary. */
static bool canary_intact(void)
{
    for (size_t off = 0; off < mem_size; off++) {
        size_t y = off / cfg->pitch, xb = off % cfg->pitch;
        if ((y >= cfg->height || xb >= (size_t)cfg->width * bpp_bytes) && mem[off] != CANARY)
            return fail("byte written outside the screen: line %zu, byte %zu of the line", y, xb);
    }
    return true;
}

/* Every pixel of the screen is rgb (with the bytes beyond bpp ignored). */
static bool screen_is(uint32_t rgb, uint32_t y0, uint32_t y1)
{
    uint8_t want[4];

    color_bytes(rgb, want);
    for (uint32_t y = y0; y < y1; y++)
        for (uint32_t x = 0; x < cfg->width; x++)
            if (memcmp(pixel(x, y), want, bpp_bytes) != 0)
                return fail("pixel (%u,%u) is not 0x%06x", x, y, rgb);
    return true;
}

/* Cell (col, row) shows ch in the given colours, pixel for pixel. */
static bool cell_shows(uint32_t col, uint32_t row, uint8_t ch, uint32_t fg, uint32_t bg)
{
    uint8_t fgb[4], bgb[4];

    color_bytes(fg, fgb);
    color_bytes(bg, bgb);
    for (uint32_t y = 0; y < 16; y++) {
        for (uint32_t x = 0; x < 8; x++) {
            bool on = font8x16[ch][y] & (0x80 >> x);
            if (memcmp(pixel(col * 8 + x, row * 16 + y), on ? fgb : bgb, bpp_bytes) != 0)
                return fail("cell (%u,%u) should show '%c' (0x%06x on 0x%06x): pixel (%u,%u) is off",
                            col, row, ch >= 0x20 && ch < 0x7F ? ch : '?', fg, bg, x, y);
        }
    }
    return true;
}

/* ---- a model of what fbcon should show ------------------------------------- */

struct mcell {
    uint8_t ch;
    uint32_t fg, bg;
};

static struct mcell model[FBCON_MAX_ROWS][FBCON_MAX_COLS];
static uint32_t mcol, mrow, mfg, mbg;
static uint32_t screen_fg, screen_bg;       /* colours at init: empty cells */

static void model_reset(uint32_t fg, uint32_t bg)
{
    for (uint32_t r = 0; r < rows; r++)
        for (uint32_t c = 0; c < cols; c++)
            model[r][c] = (struct mcell){ ' ', fg, bg };
    mcol = mrow = 0;
    mfg = screen_fg = fg;
    mbg = screen_bg = bg;
}

static void model_newline(void)
{
    mcol = 0;
    if (mrow + 1 < rows) {
        mrow++;
        return;
    }
    memmove(model[0], model[1], sizeof(model[0]) * (rows - 1));
    for (uint32_t c = 0; c < cols; c++)
        model[rows - 1][c] = (struct mcell){ ' ', screen_fg, screen_bg };
}

static void model_putc(uint8_t ch)
{
    if (ch == '\n') {
        model_newline();
    } else if (ch == '\r') {
        mcol = 0;
    } else if (ch == '\b') {
        mcol -= mcol > 0;
    } else if (ch == '\t') {
        mcol = mcol / 8 * 8 + 8 > cols ? cols : mcol / 8 * 8 + 8;
    } else if (ch >= 0x20) {
        if (mcol == cols)
            model_newline();
        model[mrow][mcol++] = (struct mcell){ ch > 0x7E ? FONT_UNKNOWN : ch, mfg, mbg };
    }
}

/* Bytes to fbcon only. */
static void emit(const char *s)
{
    for (; *s; s++)
        fbcon_putc(*s);
}

/* Through fbcon and the model alike; '\n' goes to fbcon as "\r\n". */
static void put(const char *s)
{
    for (; *s; s++) {
        if (*s == '\n')
            fbcon_putc('\r');
        fbcon_putc(*s);
        model_putc((uint8_t)*s);
    }
}

static void set_color(uint32_t fg, uint32_t bg)
{
    fbcon_set_color(fg, bg);
    mfg = fg;
    mbg = bg;
}

static bool screen_matches_model(void)
{
    for (uint32_t r = 0; r < rows; r++)
        for (uint32_t c = 0; c < cols; c++)
            if (!cell_shows(c, r, model[r][c].ch, model[r][c].fg, model[r][c].bg))
                return false;
    return true;
}

/* Fresh memory, fbcon_init in the given colours; false if init failed. */
static bool start(uint32_t fg, uint32_t bg)
{
    struct fb_info fb;
    int rc;

    fb_setup(cfg);
    fb = fb_of(cfg);
    fbcon_set_color(fg, bg);
    rc = fbcon_init(&fb);
    model_reset(fg, bg);
    if (rc != 0)
        return fail("fbcon_init returned %d", rc);
    emit("\033[?25l");                  /* cursor off: cells show just text */
    return true;
}

/* ---- the checks ---------------------------------------------------------------- */

static void check_init(void)
{
    uint8_t fgb[4], bgb[4];
    bool ok = start(FG, BG);

    ok = ok && (fbcon_active() || fail("fbcon_active() is false after init"));
    /* The whole screen, the margin below the last text row included. */
    ok = ok && screen_is(BG, 0, cfg->height);
    ok = ok && canary_intact();
    report(cfg, "init clears the screen, nothing else", ok);

    color_bytes(FG, fgb);
    color_bytes(BG, bgb);
    ok = memcmp(fgb, cfg->fg_bytes, bpp_bytes) == 0 && memcmp(bgb, cfg->bg_bytes, bpp_bytes) == 0;
    report(cfg, "test's colour arithmetic agrees with the hand-written bytes",
           ok || fail("color_bytes disagrees with the table"));
}

static void check_glyph(void)
{
    bool ok = start(FG, BG), lit = false;
    uint32_t x0 = 3 * 8, y0 = 2 * 16;

    put("A\n\n   H");
    ok = ok && cell_shows(0, 0, 'A', FG, BG) && cell_shows(3, 2, 'H', FG, BG);
    /* The same once more, against the hand-written bytes directly. */
    for (uint32_t y = 0; ok && y < 16; y++) {
        for (uint32_t x = 0; ok && x < 8; x++) {
            bool on = font8x16['H'][y] & (0x80 >> x);
            lit |= on;
            if (memcmp(pixel(x0 + x, y0 + y), on ? cfg->fg_bytes : cfg->bg_bytes, bpp_bytes))
                ok = fail("'H' pixel (%u,%u) has the wrong bytes", x, y);
        }
    }
    ok = ok && (lit || fail("'H' has no lit pixel"));
    ok = ok && screen_matches_model() && canary_intact();
    report(cfg, "glyph at the right place in the right colour bytes", ok);
}

static void check_control(void)
{
    bool ok = start(FG, BG);
    char line[FBCON_MAX_COLS + 2];

    put("ab\tc\n");                             /* c at column 8 */
    put("xyz\rQ\n");                            /* Q over x */
    put("abc\b\bZ\n");                          /* Z over b */
    put("\x01\x7f\x80!\n");                     /* ignored, box, box, ! */
    put("1\t2\t\t3\n");
    memset(line, 'w', cols);                    /* a full line, then one more */
    line[cols] = 0;
    put(line);
    put("W\n");
    put(line);                                  /* exactly full: \n adds no blank line */
    put("\n<\n");
    put(line);                                  /* full line: "\b \b" erases its last cell */
    put("\b \b");
    ok = ok && cell_shows(8, 0, 'c', FG, BG) && cell_shows(0, 1, 'Q', FG, BG) &&
         cell_shows(1, 2, 'Z', FG, BG) && cell_shows(0, 3, FONT_UNKNOWN, FG, BG) &&
         cell_shows(1, 3, FONT_UNKNOWN, FG, BG) && cell_shows(2, 3, '!', FG, BG) &&
         cell_shows(0, 6, 'W', FG, BG) && cell_shows(0, 8, '<', FG, BG) &&
         cell_shows(cols - 2, 9, 'w', FG, BG) && cell_shows(cols - 1, 9, ' ', FG, BG);
    ok = ok && screen_matches_model() && canary_intact();
    report(cfg, "\\n \\r \\b \\t, wrapping, unknown bytes", ok);
}

static void check_scroll(void)
{
    bool ok = start(FG, BG);
    size_t band = (size_t)16 * cfg->pitch;      /* one text row of scan lines */
    uint8_t *before = malloc(band * rows);
    char s[64];

    if (!before) {
        perror("malloc");
        exit(2);
    }
    /* Fill every row; the cursor ends on the last one. */
    for (uint32_t r = 0; r < rows; r++) {
        set_color(r % 3 ? FG : 0xFF8000, r % 2 ? BG : 0x202020);
        snprintf(s, sizeof(s), "%sline %u of %u", r ? "\n" : "", r, rows);
        put(s);
    }
    ok = ok && screen_matches_model();
    memcpy(before, mem, band * rows);
    set_color(0xFFFFFF, 0x0000AA);
    put("\nnew");
    /* Text row r now holds what row r + 1 held, pixel for pixel. */
    for (uint32_t r = 0; ok && r + 1 < rows; r++)
        for (uint32_t y = 0; ok && y < 16; y++)
            if (memcmp(mem + r * band + y * cfg->pitch, before + (r + 1) * band + y * cfg->pitch,
                       (size_t)cfg->width * bpp_bytes))
                ok = fail("text row %u scan line %u is not the old row %u", r, y, r + 1);
    /* The new line is blank in the screen's colours, not the current ones. */
    ok = ok && cell_shows(0, rows - 1, 'n', 0xFFFFFF, 0x0000AA) &&
         cell_shows(3, rows - 1, ' ', FG, BG);
    ok = ok && screen_matches_model() && canary_intact();
    /* Below the text rows: still the background of init. */
    ok = ok && screen_is(BG, rows * 16, cfg->height);
    report(cfg, "scrolling moves the text up by one line", ok);
    free(before);

    /* Many scrolls with mixed lengths and colours, then the whole screen. */
    for (uint32_t i = 0; i < 3 * rows + 7; i++) {
        set_color(0x101010 * (i % 16), i % 5 ? 0x000000 : 0x303030);
        snprintf(s, sizeof(s), "%u:%.*s", i, (int)(i * 7 % 50), "the quick brown fox jumps over the lazy dog 0123456789");
        put(s);
        put(i % 4 ? "\n" : "\t|\n");
    }
    ok = screen_matches_model() && canary_intact();
    report(cfg, "many scrolls leave exactly the expected text", ok);
}

/* ---- escape sequences ------------------------------------------------------------ */

/* The colours SGR gives, written out independently of fbcon's table. */
#define RED     0xAA0000
#define GREEN_B 0x55FF55
#define BLUE    0x0000AA
#define GREY    0xAAAAAA
#define WHITE_B 0xFFFFFF
#define GREY_B  0x555555

static void mset(uint32_t col, uint32_t row, uint8_t ch, uint32_t fg, uint32_t bg)
{
    model[row][col] = (struct mcell){ ch, fg, bg };
}

/* Fill the screen with letters; the model too. */
static void fill(void)
{
    for (uint32_t r = 0; r < rows; r++) {
        char cmd[32];
        snprintf(cmd, sizeof(cmd), "\033[%u;1H", r + 1);
        emit(cmd);
        for (uint32_t c = 0; c < cols; c++) {
            char ch[2] = { (char)('a' + (r + c) % 26), 0 };
            emit(ch);
            mset(c, r, (uint8_t)ch[0], FG, BG);
        }
    }
}

static void blank_model(uint32_t row, uint32_t from, uint32_t to)
{
    for (uint32_t c = from; c < to; c++)
        mset(c, row, ' ', FG, BG);
}

static void check_cursor_moves(void)
{
    bool ok = start(FG, BG);

    emit("\033[5;10HX");                        /* row 5, column 10: 1-based */
    mset(9, 4, 'X', FG, BG);
    emit("\033[2AY");                           /* up 2 from (10, 4) */
    mset(10, 2, 'Y', FG, BG);
    emit("\033[3BZ");                           /* down 3 */
    mset(11, 5, 'Z', FG, BG);
    emit("\033[4D1");                           /* back 4 from column 12 */
    mset(8, 5, '1', FG, BG);
    emit("\033[CC2");                           /* forward 1 (no count), 'C', '2' */
    mset(10, 5, 'C', FG, BG);
    mset(11, 5, '2', FG, BG);
    emit("\033[H3");                            /* home */
    mset(0, 0, '3', FG, BG);
    emit("\033[7;3f4");                         /* f is H */
    mset(2, 6, '4', FG, BG);
    emit("\033[9G5");                           /* column 9 */
    mset(8, 6, '5', FG, BG);
    emit("\033[;H6");                           /* empty parameters: 1;1 */
    mset(0, 0, '6', FG, BG);
    emit("\033[2E7\033[1F8");                   /* next line x2, previous line */
    mset(0, 2, '7', FG, BG);
    mset(0, 1, '8', FG, BG);
    emit("\033[4;4H\r\n\x08q\tT");               /* \r, LF, \b at column 0, tab */
    mset(0, 4, 'q', FG, BG);
    mset(8, 4, 'T', FG, BG);
    emit("\033[6;6Hab\ncd");                    /* LF alone keeps the column */
    mset(5, 5, 'a', FG, BG);
    mset(6, 5, 'b', FG, BG);
    mset(7, 6, 'c', FG, BG);
    mset(8, 6, 'd', FG, BG);
    ok = ok && screen_matches_model() && canary_intact();
    report(cfg, "CSI A B C D E F G H f, LF, \\r, \\b, \\t move the cursor", ok);

    /* Clamping: nothing goes off the screen, however large the numbers. */
    ok = start(FG, BG);
    emit("\033[999;999HZ");
    mset(cols - 1, rows - 1, 'Z', FG, BG);
    emit("\033[99999999999A\033[99999999999DA");   /* up and left, beyond the edge */
    mset(0, 0, 'A', FG, BG);
    emit("\033[0;0HB");                         /* 0 is 1 */
    mset(0, 0, 'B', FG, BG);
    emit("\033[3;1H\033[999CR");                /* the last column */
    mset(cols - 1, 2, 'R', FG, BG);
    emit("\033[999B\033[1;1H\033[999BD");       /* the last row */
    mset(0, rows - 1, 'D', FG, BG);
    emit("\033[1;1H\033[1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16;17;18;19;20HE");
    mset(1, 0, 'E', FG, BG);                    /* too many parameters: the first two count */
    ok = ok && screen_matches_model() && canary_intact();
    report(cfg, "cursor moves are clamped to the screen", ok);
}

static void check_erase(void)
{
    bool ok = start(FG, BG);

    fill();
    emit("\033[2;5H\033[K");                    /* row 2 from column 5 */
    blank_model(1, 4, cols);
    emit("\033[3;5H\033[1K");                   /* row 3 up to column 5 */
    blank_model(2, 0, 5);
    emit("\033[4;5H\033[2K");                   /* all of row 4 */
    blank_model(3, 0, cols);
    emit("\033[5;3H\033[4X");                   /* 4 cells from column 3 */
    blank_model(4, 2, 6);
    ok = ok && screen_matches_model() && canary_intact();
    report(cfg, "CSI K (0, 1, 2) and CSI X erase in the line", ok);

    ok = start(FG, BG);
    fill();
    emit("\033[6;10H\033[J");                   /* from the cursor to the end */
    blank_model(5, 9, cols);
    for (uint32_t r = 6; r < rows; r++)
        blank_model(r, 0, cols);
    emit("\033[3;4H\033[1J");                   /* from the start to the cursor */
    for (uint32_t r = 0; r < 2; r++)
        blank_model(r, 0, cols);
    blank_model(2, 0, 4);
    ok = ok && screen_matches_model() && canary_intact();
    emit("\033[2J");
    for (uint32_t r = 0; r < rows; r++)
        blank_model(r, 0, cols);
    ok = ok && screen_matches_model() && canary_intact();
    report(cfg, "CSI J (0, 1, 2) erase in the display", ok);
}

static void check_colors(void)
{
    bool ok = start(FG, BG);

    emit("\033[31mr\033[0mn");
    mset(0, 0, 'r', RED, BG);
    mset(1, 0, 'n', FG, BG);
    emit("\033[1;32mg\033[22m\033[44mb\033[m.");
    mset(2, 0, 'g', GREEN_B, BG);
    mset(3, 0, 'b', 0x00AA00, BLUE);            /* bold off: normal green */
    mset(4, 0, '.', FG, BG);
    emit("\033[7mv\033[27m\033[97;100mw\033[39mx\033[49my");
    mset(5, 0, 'v', 0x000000, GREY);            /* reverse of the defaults */
    mset(6, 0, 'w', WHITE_B, GREY_B);
    mset(7, 0, 'x', FG, GREY_B);
    mset(8, 0, 'y', FG, BG);
    emit("\033[38;5;196;31mz\033[0m");          /* 256-colour form skipped, then red */
    mset(9, 0, 'z', RED, BG);
    emit("\033[34;41m\033[2;1H\033[K\033[0m");  /* erased cells: the screen's colours */
    ok = ok && screen_matches_model() && canary_intact();
    report(cfg, "SGR: reset, bold, 30-37, 40-47, 90-97, 100-107, 39, 49, 7, 27", ok);
}

static char reply[64];
static size_t reply_len;

static void capture_reply(const char *s, size_t n)
{
    for (size_t i = 0; i < n && reply_len < sizeof(reply) - 1; i++)
        reply[reply_len++] = s[i];
    reply[reply_len] = 0;
}

static void check_reports_and_saves(void)
{
    bool ok = start(FG, BG);
    char want[32];

    vt_set_reply(capture_reply);
    reply_len = 0;
    emit("\033[3;7H\033[6n");
    ok = ok && (strcmp(reply, "\033[3;7R") == 0 || fail("reply to 6n is \"\\e%s\"", reply + 1));
    reply_len = 0;
    emit("\033[999;999H\033[6n");
    snprintf(want, sizeof(want), "\033[%u;%uR", rows, cols);
    ok = ok && (strcmp(reply, want) == 0 || fail("reply at the corner is \"\\e%s\"", reply + 1));
    reply_len = 0;
    emit("\033[5n");
    ok = ok && (strcmp(reply, "\033[0n") == 0 || fail("reply to 5n is \"\\e%s\"", reply + 1));
    report(cfg, "CSI 6n reports the cursor, CSI 5n the status", ok);

    ok = start(FG, BG);
    emit("\033[4;4H\033[31m\0337\033[1;1H\033[0mA\0338B");
    mset(0, 0, 'A', FG, BG);
    mset(3, 3, 'B', RED, BG);                   /* ESC 8: place and colour back */
    emit("\033[0m\033[6;2H\033[s\033[1;9HC\033[uD");
    mset(8, 0, 'C', FG, BG);
    mset(1, 5, 'D', FG, BG);
    ok = ok && screen_matches_model() && canary_intact();
    report(cfg, "ESC 7/8 and CSI s/u save and restore the cursor", ok);

    ok = start(FG, BG);
    emit("\033[12;34zA");                       /* unknown final byte */
    emit("\033]0;a title\007B");                /* OSC to BEL */
    emit("\033]2;another\033\\C");              /* OSC to ST */
    emit("\033(BD\033#8E");                     /* character set, DEC test: 1 byte */
    emit("\033[?1049hF\033[?7lG");              /* private modes ignored */
    emit("\033[1\030H\033[2\032I");             /* CAN and SUB abort a sequence */
    emit("\033[>0cJ\033ZK");                    /* device attributes, ESC Z: ignored */
    const char *want_text = "ABCDEFGHIJK";
    for (uint32_t i = 0; want_text[i]; i++)
        mset(i, 0, (uint8_t)want_text[i], FG, BG);
    ok = ok && screen_matches_model() && canary_intact();
    report(cfg, "unknown sequences are consumed whole and ignored", ok);
    vt_set_reply(NULL);
}

/* The cursor cell shows its text with the last two scan lines in its fg. */
static bool cursor_at(uint32_t col, uint32_t row, uint8_t ch, uint32_t fg, uint32_t bg)
{
    uint8_t fgb[4], bgb[4];

    color_bytes(fg, fgb);
    color_bytes(bg, bgb);
    for (uint32_t y = 0; y < 16; y++)
        for (uint32_t x = 0; x < 8; x++) {
            bool on = y >= 14 || (font8x16[ch][y] & (0x80 >> x));
            if (memcmp(pixel(col * 8 + x, row * 16 + y), on ? fgb : bgb, bpp_bytes) != 0)
                return fail("cursor cell (%u,%u): pixel (%u,%u) is off", col, row, x, y);
        }
    return true;
}

static void check_cursor(void)
{
    bool ok = start(FG, BG);

    emit("\033[?25h");
    ok = ok && cursor_at(0, 0, ' ', FG, BG);
    put("ab");
    ok = ok && cursor_at(2, 0, ' ', FG, BG) && cell_shows(1, 0, 'b', FG, BG);
    emit("\033[1;1H");
    ok = ok && cursor_at(0, 0, 'a', FG, BG) && cell_shows(2, 0, ' ', FG, BG);
    emit("\033[3;5H\033[31m");
    ok = ok && cursor_at(4, 2, ' ', FG, BG) && cell_shows(0, 0, 'a', FG, BG);
    emit("\033[?25l");
    ok = ok && cell_shows(4, 2, ' ', FG, BG);
    report(cfg, "the cursor is an underline that follows, and hides", ok);
}

/* ---- scrollback ---------------------------------------------------------------------- */

static uint32_t line_fg(uint32_t i)
{
    return i % 3 ? FG : 0xFF8000;
}

/* Text row `row` shows "line i" in line i's colours, then blanks. */
static bool row_shows_line(uint32_t row, uint32_t i)
{
    char s[32];
    size_t n = (size_t)snprintf(s, sizeof(s), "line %u", i);

    for (uint32_t c = 0; c < cols; c++)
        if (!cell_shows(c, row, c < n ? (uint8_t)s[c] : ' ', c < n ? line_fg(i) : FG, BG))
            return fail("row %u should show \"%s\"", row, s);
    return true;
}

/* Lines "line 0" .. "line n-1", each in its colour; the cursor ends after the last. */
static void put_lines(uint32_t n)
{
    char s[32];

    for (uint32_t i = 0; i < n; i++) {
        set_color(line_fg(i), BG);
        snprintf(s, sizeof(s), "%sline %u", i ? "\n" : "", i);
        put(s);
    }
    set_color(FG, BG);
}

static void check_scrollback(void)
{
    uint32_t half = rows / 2, cap = FBCON_HISTORY_CELLS / cols, n = rows + half + 3;
    uint32_t v, want;
    char text[FBCON_MAX_COLS + 1], s[32];
    bool ok = start(FG, BG);

    /* Nothing scrolled off yet: no way back. */
    put_lines(rows);
    ok = ok && (fbcon_scrollback(-1) == 0 || fail("scrolled back with no history"));
    ok = ok && screen_matches_model();

    /* half + 3 lines scrolled off: back half a screen, then to the oldest. */
    ok = ok && start(FG, BG);
    put_lines(n);
    ok = ok && (fbcon_nlines() == n || fail("fbcon_nlines() = %u, want %u", fbcon_nlines(), n));
    for (uint32_t i = 0; ok && i < n; i++) {
        snprintf(s, sizeof(s), "line %u", i);
        if (!fbcon_line_text(i, text, sizeof(text)) || strcmp(text, s) != 0)
            ok = fail("fbcon_line_text(%u) = \"%s\", want \"%s\"", i, text, s);
    }
    ok = ok && (!fbcon_line_text(n, text, sizeof(text)) || fail("line_text past the end"));
    v = fbcon_scrollback(-1);
    ok = ok && (v == half || fail("first Shift+PgUp: %u lines back, want %u", v, half));
    for (uint32_t r = 0; ok && r < rows; r++)
        ok = row_shows_line(r, n - rows - half + r);
    v = fbcon_scrollback(-1);
    ok = ok && (v == half + 3 || fail("second Shift+PgUp: %u lines back, want %u", v, half + 3));
    for (uint32_t r = 0; ok && r < rows; r++)
        ok = row_shows_line(r, r);
    ok = ok && (fbcon_scrollback(-1) == half + 3 || fail("went back past the oldest line"));
    v = fbcon_scrollback(1);
    ok = ok && (v == 3 || fail("Shift+PgDn: %u lines back, want 3", v));
    for (uint32_t r = 0; ok && r < rows; r++)
        ok = row_shows_line(r, n - rows - 3 + r);
    ok = ok && (fbcon_scrollback(1) == 0 || fail("Shift+PgDn did not reach the live screen"));
    ok = ok && screen_matches_model() && canary_intact();
    report(cfg, "Shift+PgUp/PgDn move the view half a screen, within the scrollback", ok);

    /* Output returns to the live screen, and so does scrollback(0); with the
     * cursor on, it is hidden while its row is out of view and back after. */
    ok = fbcon_scrollback(-1) == half;
    put("more");
    ok = ok && screen_matches_model();
    emit("\033[?25h");
    ok = ok && fbcon_scrollback(-1) == half;
    ok = ok && row_shows_line(rows - 1, n - 1 - half);
    ok = ok && fbcon_scrollback(0) == 0 && cursor_at(mcol, mrow, ' ', FG, BG);
    emit("\033[?25l");
    ok = ok && screen_matches_model() && canary_intact();
    report(cfg, "output and scrollback(0) return to the live screen", ok);

    /* More lines than the scrollback holds: the oldest are dropped. */
    ok = start(FG, BG);
    n = cap + rows + 5;
    put_lines(n);
    ok = ok && (fbcon_nlines() == cap + rows || fail("fbcon_nlines() = %u, want %u", fbcon_nlines(), cap + rows));
    snprintf(s, sizeof(s), "line %u", 5);
    ok = ok && ((fbcon_line_text(0, text, sizeof(text)) && strcmp(text, s) == 0) ||
                fail("oldest line kept is \"%s\", want \"%s\"", text, s));
    for (want = half; ok && want < cap; want += half) {
        v = fbcon_scrollback(-1);
        ok = v == want || fail("%u lines back, want %u", v, want);
    }
    ok = ok && (fbcon_scrollback(-1) == cap || fail("not clamped to the %u lines kept", cap));
    for (uint32_t r = 0; ok && r < rows; r++)
        ok = row_shows_line(r, 5 + r);
    ok = ok && fbcon_scrollback(0) == 0 && screen_matches_model() && canary_intact();
    report(cfg, "a full scrollback keeps the newest lines", ok);
}

static void check_reject(void)
{
    static const char *const bad[] = {
        "bpp 16", "bpp 8", "pitch below width", "red field beyond bpp",
        "narrower than a glyph", "no mapping",
    };
    bool ok = true;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct fb_info fb;
        int rc;

        fb_setup(cfg);
        fb = fb_of(cfg);
        switch (i) {
        case 0: fb.bpp = 16; break;
        case 1: fb.bpp = 8; break;
        case 2: fb.pitch = fb.width * (fb.bpp / 8) - 1; break;
        case 3: fb.red_pos = fb.bpp - 4; break;
        case 4: fb.width = 7; break;
        case 5: fb.va = NULL; break;
        }
        rc = fbcon_init(&fb);
        if (rc != -EINVAL)
            ok = fail("%s: fbcon_init returned %d, want -EINVAL", bad[i], rc);
        else if (fbcon_active())
            ok = fail("%s: console active after a failed init", bad[i]);
        fbcon_putc('x');
        for (size_t off = 0; ok && off < mem_size; off++)
            if (mem[off] != CANARY)
                ok = fail("%s: rejected framebuffer was written to", bad[i]);
    }
    report(cfg, "bad framebuffers get -EINVAL and are left alone", ok);
}

int main(void)
{
    for (size_t i = 0; i < sizeof(configs) / sizeof(configs[0]); i++) {
        cfg = &configs[i];
        check_init();
        check_glyph();
        check_control();
        check_scroll();
        check_cursor_moves();
        check_erase();
        check_colors();
        check_reports_and_saves();
        check_cursor();
        check_scrollback();
        check_reject();
    }
    free(mem);
    printf("%s: %d failed\n", failures ? "FAIL" : "PASS", failures);
    return failures ? 1 : 0;
}
