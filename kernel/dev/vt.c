/*
 * vt.c: a VT100/ANSI terminal's output side, for the screen consoles
 * (fbcon.c, arch/x86/vga.c): the subset that busybox's line editing, its
 * applets and common tools emit. The screen keeps the cells; the vt keeps
 * the cursor, the current attributes and the parser, a small state machine
 * over plain text, ESC, CSI (ESC [ params final) and the strings to skip
 * (ESC ] ... BEL, ESC ( x). Parameters are clamped, and cursor positions
 * kept inside the screen, so no sequence can move anything off it.
 *
 * Erased cells (CSI J, K, X and lines scrolled in) take the screen's
 * colours, not the current background.
 */
#include <kernel/vt.h>

enum { S_TEXT, S_ESC, S_CSI, S_SKIP1, S_OSC, S_OSC_ESC };

#define ESC 0x1B
#define PARAM_MAX 9999

static void (*reply_hook)(const char *s, size_t n);

void vt_set_reply(void (*reply)(const char *s, size_t n))
{
    reply_hook = reply;
}

static void show_cursor(struct vt *vt)
{
    /* A full line shows the cursor on its last cell, not off screen. */
    vt->ops->cursor(vt->col < vt->cols ? vt->col : vt->cols - 1, vt->row, vt->cursor_visible);
}

static void reset_attrs(struct vt *vt)
{
    vt->fg = vt->bg = VT_DEFAULT;
    vt->bold = vt->reverse = false;
}

void vt_init(struct vt *vt, const struct vt_ops *ops, uint32_t cols, uint32_t rows)
{
    *vt = (struct vt){ .ops = ops, .cols = cols, .rows = rows, .cursor_visible = true };
    reset_attrs(vt);
    vt->saved_fg = vt->saved_bg = VT_DEFAULT;
    show_cursor(vt);
}

static void line_feed(struct vt *vt)
{
    if (vt->row + 1 < vt->rows)
        vt->row++;
    else
        vt->ops->scroll();
}

static void draw(struct vt *vt, uint8_t ch)
{
    uint8_t fg = vt->fg, bg = vt->bg;

    if (vt->col >= vt->cols) {
        vt->col = 0;
        line_feed(vt);
    }
    if (vt->bold && fg < 8)
        fg += 8;
    if (vt->reverse) {
        /* The defaults swap as light grey on black does. */
        uint8_t f = bg == VT_DEFAULT ? 0 : bg, b = fg == VT_DEFAULT ? 7 : fg;
        fg = f;
        bg = b;
    }
    vt->ops->put(vt->col, vt->row, ch, fg, bg);
    vt->col++;
}

/* Blank the cells [from, to) of row. */
static void blank_span(struct vt *vt, uint32_t row, uint32_t from, uint32_t to)
{
    for (uint32_t c = from; c < to && c < vt->cols; c++)
        vt->ops->blank(c, row);
}

static void erase_display(struct vt *vt, uint32_t mode)
{
    uint32_t col = vt->col < vt->cols ? vt->col : vt->cols - 1;

    switch (mode) {
    case 0:
        blank_span(vt, vt->row, col, vt->cols);
        for (uint32_t r = vt->row + 1; r < vt->rows; r++)
            blank_span(vt, r, 0, vt->cols);
        break;
    case 1:
        for (uint32_t r = 0; r < vt->row; r++)
            blank_span(vt, r, 0, vt->cols);
        blank_span(vt, vt->row, 0, col + 1);
        break;
    case 2:
    case 3:
        for (uint32_t r = 0; r < vt->rows; r++)
            blank_span(vt, r, 0, vt->cols);
        break;
    }
}

static void erase_line(struct vt *vt, uint32_t mode)
{
    uint32_t col = vt->col < vt->cols ? vt->col : vt->cols - 1;

    if (mode == 0)
        blank_span(vt, vt->row, col, vt->cols);
    else if (mode == 1)
        blank_span(vt, vt->row, 0, col + 1);
    else if (mode == 2)
        blank_span(vt, vt->row, 0, vt->cols);
}

static void move_to(struct vt *vt, uint32_t col, uint32_t row)
{
    vt->col = col < vt->cols ? col : vt->cols - 1;
    vt->row = row < vt->rows ? row : vt->rows - 1;
}

static void save(struct vt *vt)
{
    vt->saved_col = vt->col;
    vt->saved_row = vt->row;
    vt->saved_fg = vt->fg;
    vt->saved_bg = vt->bg;
    vt->saved_bold = vt->bold;
    vt->saved_reverse = vt->reverse;
}

static void restore(struct vt *vt)
{
    vt->col = vt->saved_col <= vt->cols ? vt->saved_col : vt->cols;
    vt->row = vt->saved_row < vt->rows ? vt->saved_row : vt->rows - 1;
    vt->fg = vt->saved_fg;
    vt->bg = vt->saved_bg;
    vt->bold = vt->saved_bold;
    vt->reverse = vt->saved_reverse;
}

static char *put_uint(char *p, uint32_t v)
{
    char digits[10];
    int n = 0;

    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        *p++ = digits[--n];
    return p;
}

/* Answer a status report: 5 (status: OK) or 6 (the cursor, 1-based). */
static void report(struct vt *vt, uint32_t what)
{
    char s[32], *p = s;

    if (!reply_hook)
        return;
    *p++ = ESC;
    *p++ = '[';
    if (what == 5) {
        *p++ = '0';
        *p++ = 'n';
    } else {
        p = put_uint(p, vt->row + 1);
        *p++ = ';';
        p = put_uint(p, (vt->col < vt->cols ? vt->col : vt->cols - 1) + 1);
        *p++ = 'R';
    }
    reply_hook(s, (size_t)(p - s));
}

static void sgr(struct vt *vt)
{
    if (vt->nparams == 0)
        vt->nparams = 1;                /* ESC [ m is ESC [ 0 m */
    for (int i = 0; i < vt->nparams; i++) {
        uint32_t p = vt->params[i];
        if (p == 0) {
            reset_attrs(vt);
        } else if (p == 1) {
            vt->bold = true;
        } else if (p == 22) {
            vt->bold = false;
        } else if (p == 7) {
            vt->reverse = true;
        } else if (p == 27) {
            vt->reverse = false;
        } else if (p >= 30 && p <= 37) {
            vt->fg = (uint8_t)(p - 30);
        } else if (p == 39) {
            vt->fg = VT_DEFAULT;
        } else if (p >= 40 && p <= 47) {
            vt->bg = (uint8_t)(p - 40);
        } else if (p == 49) {
            vt->bg = VT_DEFAULT;
        } else if (p >= 90 && p <= 97) {
            vt->fg = (uint8_t)(p - 90 + 8);
        } else if (p >= 100 && p <= 107) {
            vt->bg = (uint8_t)(p - 100 + 8);
        } else if (p == 38 || p == 48) {
            /* 256-colour and RGB forms: skip their arguments. */
            if (i + 1 < vt->nparams && vt->params[i + 1] == 5)
                i += 2;
            else if (i + 1 < vt->nparams && vt->params[i + 1] == 2)
                i += 4;
        }
    }
}

/* Parameter i, or def if absent or 0 (where 0 means the default). */
static uint32_t arg(const struct vt *vt, int i, uint32_t def)
{
    return i < vt->nparams && vt->params[i] ? vt->params[i] : def;
}

static void csi_dispatch(struct vt *vt, uint8_t final)
{
    uint32_t n = arg(vt, 0, 1);
    uint32_t col = vt->col < vt->cols ? vt->col : vt->cols - 1;

    if (vt->private_mode) {
        if (vt->nparams >= 1 && vt->params[0] == 25 && (final == 'h' || final == 'l'))
            vt->cursor_visible = final == 'h';
        return;                         /* other DEC modes: ignored */
    }
    switch (final) {
    case 'A':
        move_to(vt, col, vt->row > n ? vt->row - n : 0);
        break;
    case 'B':
        move_to(vt, col, vt->row + n);
        break;
    case 'C':
        move_to(vt, col + n, vt->row);
        break;
    case 'D':
        move_to(vt, col > n ? col - n : 0, vt->row);
        break;
    case 'E':
        move_to(vt, 0, vt->row + n);
        break;
    case 'F':
        move_to(vt, 0, vt->row > n ? vt->row - n : 0);
        break;
    case 'G':
    case '`':
        move_to(vt, n - 1, vt->row);
        break;
    case 'd':
        move_to(vt, col, n - 1);
        break;
    case 'H':
    case 'f':
        move_to(vt, arg(vt, 1, 1) - 1, n - 1);
        break;
    case 'J':
        erase_display(vt, arg(vt, 0, 0));
        break;
    case 'K':
        erase_line(vt, arg(vt, 0, 0));
        break;
    case 'X':
        blank_span(vt, vt->row, col, col + n);
        break;
    case 'm':
        sgr(vt);
        break;
    case 'n':
        if (arg(vt, 0, 0) == 5 || arg(vt, 0, 0) == 6)
            report(vt, arg(vt, 0, 0));
        break;
    case 's':
        save(vt);
        break;
    case 'u':
        restore(vt);
        break;
    default:
        break;                          /* unknown: consumed, ignored */
    }
}

/* A byte of a CSI sequence. */
static void csi_byte(struct vt *vt, uint8_t c)
{
    if (c >= '0' && c <= '9') {
        if (vt->nparams == 0)
            vt->nparams = 1;
        uint32_t *p = &vt->params[vt->nparams - 1];
        *p = *p * 10 + (c - '0');
        if (*p > PARAM_MAX)
            *p = PARAM_MAX;
    } else if (c == ';') {
        if (vt->nparams == 0)
            vt->nparams = 1;            /* an empty first parameter */
        if (vt->nparams < VT_MAX_PARAMS)
            vt->params[vt->nparams++] = 0;
    } else if (c == '?' || c == '>' || c == '=' || c == '<') {
        vt->private_mode = true;
    } else if (c >= 0x40 && c <= 0x7E) {
        csi_dispatch(vt, c);
        vt->state = S_TEXT;
    } else if (c >= 0x20 && c <= 0x2F) {
        /* intermediate bytes: ignored */
    } else {
        vt->state = S_TEXT;             /* malformed: drop the sequence */
    }
}

static void esc_byte(struct vt *vt, uint8_t c)
{
    vt->state = S_TEXT;
    switch (c) {
    case '[':
        vt->state = S_CSI;
        vt->nparams = 0;
        vt->private_mode = false;
        for (int i = 0; i < VT_MAX_PARAMS; i++)
            vt->params[i] = 0;
        break;
    case ']':
        vt->state = S_OSC;
        break;
    case '(': case ')': case '*': case '+': case '#': case '%':
        vt->state = S_SKIP1;            /* character sets and the like: one more byte */
        break;
    case '7':
        save(vt);
        break;
    case '8':
        restore(vt);
        break;
    case 'D':
        line_feed(vt);
        break;
    case 'E':
        vt->col = 0;
        line_feed(vt);
        break;
    case 'M':
        if (vt->row > 0)
            vt->row--;                  /* no scrolling down at the top */
        break;
    case 'c':
        reset_attrs(vt);
        vt->cursor_visible = true;
        vt->col = vt->row = 0;
        erase_display(vt, 2);
        break;
    default:
        break;
    }
}

void vt_putc(struct vt *vt, char ch)
{
    uint8_t c = (uint8_t)ch;

    if (c == 0x18 || c == 0x1A) {       /* CAN, SUB: abort a sequence */
        vt->state = S_TEXT;
        return;
    }
    switch (vt->state) {
    case S_ESC:
        esc_byte(vt, c);
        break;
    case S_CSI:
        if (c == ESC)
            vt->state = S_ESC;
        else
            csi_byte(vt, c);
        break;
    case S_SKIP1:
        vt->state = S_TEXT;
        break;
    case S_OSC:
        if (c == 0x07)
            vt->state = S_TEXT;
        else if (c == ESC)
            vt->state = S_OSC_ESC;
        break;
    case S_OSC_ESC:
        vt->state = c == '\\' ? S_TEXT : S_OSC;
        break;
    default:
        switch (c) {
        case ESC:
            vt->state = S_ESC;
            break;
        case '\n':
        case '\v':
        case '\f':
            line_feed(vt);
            break;
        case '\r':
            vt->col = 0;
            break;
        case '\b':
            if (vt->col > 0)
                vt->col--;
            break;
        case '\t':
            vt->col = (vt->col / 8 + 1) * 8;
            if (vt->col > vt->cols)
                vt->col = vt->cols;
            break;
        default:
            if (c >= 0x20)
                draw(vt, c);
            break;
        }
        break;
    }
    show_cursor(vt);
}
