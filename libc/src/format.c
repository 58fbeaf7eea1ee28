/*
 * format.c: the printf engine (__format) and vsnprintf/snprintf on top of
 * it. Shared: libc's printf family calls __format with a FILE sink, and
 * the kernel links this file (libk) for its console and panic output.
 * So: no system calls, no malloc, no floating point, no mutable state.
 *
 * Output goes one character at a time through emit(c, ctx); the caller's
 * sink decides where (a buffer, a stream, the serial port). Floating
 * conversions are delegated to __format_float, which libc provides
 * (fmt_float.c); the kernel and the host tests have none, and print "?".
 */
#ifdef AGORA_HOST_TEST
#include <limits.h>
#include "libk_host.h"
#else
#include <agora/format.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#endif

/* libc has a floating-point formatter; the kernel and host tests do not. */
#if defined(AGORA_KERNEL) || defined(AGORA_HOST_TEST)
#define HAVE_FLOAT_HOOK 0
#else
#define HAVE_FLOAT_HOOK 1
#endif

/* Where characters go, and how many went. */
struct sink {
	void (*emit)(char c, void *ctx);
	void *ctx;
	int count;
};

/* Integer length modifiers. */
enum length {
	LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_J, LEN_Z, LEN_T, LEN_BIG_L
};

static void put(struct sink *o, char c)
{
	o->emit(c, o->ctx);
	o->count++;
}

static void put_n(struct sink *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

static void put_mem(struct sink *o, const char *s, int n)
{
	while (n-- > 0)
		put(o, *s++);
}

/* Emit len bytes of s, padded with spaces to the field width. */
static void put_field(struct sink *o, const char *s, int len,
		      const struct __format_spec *sp)
{
	int pad = sp->width > len ? sp->width - len : 0;

	if (!(sp->flags & __FMT_LEFT))
		put_n(o, ' ', pad);
	put_mem(o, s, len);
	if (sp->flags & __FMT_LEFT)
		put_n(o, ' ', pad);
}

/*
 * Write the digits of v in base 8, 10 or 16 backwards from end; returns
 * the number of digits (0 for v == 0: the caller decides whether "0"
 * shows, which depends on the precision). Values that fit in 32 bits take
 * the 32-bit path, so i386 only needs a 64-bit division for big numbers.
 */
static int digits(char *end, uintmax_t v, unsigned base, int upper)
{
	const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char *p = end;

	if (base != 10) {
		unsigned shift = base == 16 ? 4 : 3;
		while (v) {
			*--p = set[v & (base - 1)];
			v >>= shift;
		}
		return (int)(end - p);
	}
	while (v > UINT32_MAX) {
		*--p = set[v % 10];
		v /= 10;
	}
	for (uint32_t w = (uint32_t)v; w; w /= 10)
		*--p = set[w % 10];
	return (int)(end - p);
}

/*
 * One integer conversion. sign is '-', '+', ' ' or 0; prefix is "0x",
 * "0X" or "". Layout: [spaces][sign][prefix][zeros][digits][spaces].
 */
static void put_int(struct sink *o, uintmax_t v, char sign, const char *prefix,
		    unsigned base, int upper, const struct __format_spec *sp)
{
	char buf[3 * sizeof(uintmax_t)];
	char *end = buf + sizeof(buf);
	int nd = digits(end, v, base, upper);
	int prec = sp->prec;
	int plen = 0, zeros, len, pad;

	while (prefix[plen])
		plen++;
	if (prec < 0)
		prec = 1;               /* at least one digit by default */
	/* "%#o": the first digit must be 0, whatever the precision. */
	if (base == 8 && (sp->flags & __FMT_ALT) && prec <= nd)
		prec = nd + 1;
	zeros = prec > nd ? prec - nd : 0;
	len = (sign != 0) + plen + zeros + nd;
	pad = sp->width > len ? sp->width - len : 0;
	/* The 0 flag pads with zeros, unless "-" or a precision was given. */
	if ((sp->flags & __FMT_ZERO) && !(sp->flags & __FMT_LEFT) && sp->prec < 0) {
		zeros += pad;
		pad = 0;
	}
	if (!(sp->flags & __FMT_LEFT))
		put_n(o, ' ', pad);
	if (sign)
		put(o, sign);
	put_mem(o, prefix, plen);
	put_n(o, '0', zeros);
	put_mem(o, end - nd, nd);
	if (sp->flags & __FMT_LEFT)
		put_n(o, ' ', pad);
}

static intmax_t fetch_signed(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_HH:    return (signed char)va_arg(*ap, int);
	case LEN_H:     return (short)va_arg(*ap, int);
	case LEN_L:     return va_arg(*ap, long);
	case LEN_LL:
	case LEN_BIG_L: return va_arg(*ap, long long);
	case LEN_J:     return va_arg(*ap, intmax_t);
	case LEN_Z:     return (intmax_t)(ptrdiff_t)va_arg(*ap, size_t);
	case LEN_T:     return va_arg(*ap, ptrdiff_t);
	default:        return va_arg(*ap, int);
	}
}

static uintmax_t fetch_unsigned(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_HH:    return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_H:     return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_L:     return va_arg(*ap, unsigned long);
	case LEN_LL:
	case LEN_BIG_L: return va_arg(*ap, unsigned long long);
	case LEN_J:     return va_arg(*ap, uintmax_t);
	case LEN_Z:     return va_arg(*ap, size_t);
	case LEN_T:     return (size_t)va_arg(*ap, ptrdiff_t);
	default:        return va_arg(*ap, unsigned int);
	}
}

/* %n: store the count so far through the pointer argument. */
static void store_count(va_list *ap, enum length len, int count)
{
	switch (len) {
	case LEN_HH: *va_arg(*ap, signed char *) = (signed char)count; break;
	case LEN_H:  *va_arg(*ap, short *) = (short)count; break;
	case LEN_L:  *va_arg(*ap, long *) = count; break;
	case LEN_LL:
	case LEN_BIG_L: *va_arg(*ap, long long *) = count; break;
	case LEN_J:  *va_arg(*ap, intmax_t *) = count; break;
	case LEN_Z:  *va_arg(*ap, size_t *) = (size_t)count; break;
	case LEN_T:  *va_arg(*ap, ptrdiff_t *) = count; break;
	default:     *va_arg(*ap, int *) = count; break;
	}
}

/* %s, %ls: at most prec characters; never reads past them. */
static void put_string(struct sink *o, va_list *ap, enum length len,
		       const struct __format_spec *sp)
{
	int n = 0, pad;

	if (len == LEN_L) {
		const __WCHAR_TYPE__ *ws = va_arg(*ap, const __WCHAR_TYPE__ *);
		if (ws == NULL)
			ws = L"(null)";
		while (ws[n] && (sp->prec < 0 || n < sp->prec))
			n++;
		pad = sp->width > n ? sp->width - n : 0;
		if (!(sp->flags & __FMT_LEFT))
			put_n(o, ' ', pad);
		/* No multibyte locale: non-ASCII wide characters print as '?'. */
		for (int i = 0; i < n; i++)
			put(o, (ws[i] >= 0 && ws[i] < 0x80) ? (char)ws[i] : '?');
		if (sp->flags & __FMT_LEFT)
			put_n(o, ' ', pad);
		return;
	}

	const char *s = va_arg(*ap, const char *);
	if (s == NULL) {
		/* glibc: "(null)" only if the precision leaves room for it. */
		s = (sp->prec < 0 || sp->prec >= 6) ? "(null)" : "";
	}
	while (s[n] && (sp->prec < 0 || n < sp->prec))
		n++;
	put_field(o, s, n, sp);
}

/* A floating conversion: libc's hook, or "?" where there is none (the
 * argument is skipped: on i386 a double takes 8 bytes, long double 12). */
static void put_float(struct sink *o, va_list *ap, const struct __format_spec *sp)
{
#if HAVE_FLOAT_HOOK
	o->count += __format_float(o->emit, o->ctx, sp, ap);
#else
	(void)ap;
#ifdef __i386__
	if (sp->length == 'L')
		(void)va_arg(*ap, uint32_t);
	(void)va_arg(*ap, unsigned long long);
#endif
	put_field(o, "?", 1, sp);
#endif
}

/* Parse a run of decimal digits (saturating), advancing *fmt. */
static int parse_num(const char **fmt)
{
	int n = 0;

	while (**fmt >= '0' && **fmt <= '9') {
		int d = *(*fmt)++ - '0';
		n = n > (INT_MAX - d) / 10 ? INT_MAX : n * 10 + d;
	}
	return n;
}

/*
 * Format fmt with the arguments in ap, sending each character to
 * emit(c, ctx). Returns the number of characters emitted. A conversion
 * it does not know is copied to the output as written.
 */
int __format(void (*emit)(char c, void *ctx), void *ctx, const char *fmt, va_list ap)
{
	struct sink o = { emit, ctx, 0 };
	va_list args;

	/* A local copy, so helpers can take its address on every ABI. */
	va_copy(args, ap);
	while (*fmt) {
		struct __format_spec sp = { 0, -1, -1, 0, 0 };
		enum length len = LEN_NONE;
		const char *start = fmt;

		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		fmt++;

		for (;; fmt++) {
			if (*fmt == '-')
				sp.flags |= __FMT_LEFT;
			else if (*fmt == '+')
				sp.flags |= __FMT_PLUS;
			else if (*fmt == ' ')
				sp.flags |= __FMT_SPACE;
			else if (*fmt == '#')
				sp.flags |= __FMT_ALT;
			else if (*fmt == '0')
				sp.flags |= __FMT_ZERO;
			else
				break;
		}

		if (*fmt == '*') {
			int w = va_arg(args, int);
			fmt++;
			if (w < 0) {
				sp.flags |= __FMT_LEFT;
				w = w == INT_MIN ? INT_MAX : -w;
			}
			sp.width = w;
		} else if (*fmt >= '0' && *fmt <= '9') {
			sp.width = parse_num(&fmt);
		}

		if (*fmt == '.') {
			fmt++;
			if (*fmt == '*') {
				int p = va_arg(args, int);
				fmt++;
				sp.prec = p < 0 ? -1 : p;       /* negative: as if omitted */
			} else {
				sp.prec = parse_num(&fmt);
			}
		}

		switch (*fmt) {
		case 'h':
			len = LEN_H;
			if (*++fmt == 'h') {
				len = LEN_HH;
				fmt++;
			}
			break;
		case 'l':
			len = LEN_L;
			if (*++fmt == 'l') {
				len = LEN_LL;
				fmt++;
			}
			break;
		case 'q': len = LEN_LL; fmt++; break;
		case 'L': len = LEN_BIG_L; sp.length = 'L'; fmt++; break;
		case 'j': len = LEN_J; fmt++; break;
		case 'z': len = LEN_Z; fmt++; break;
		case 'Z': len = LEN_Z; fmt++; break;
		case 't': len = LEN_T; fmt++; break;
		default: break;
		}

		sp.conv = *fmt;
		if (sp.conv == 0)
			break;          /* a lone '%' at the end prints nothing */
		fmt++;

		switch (sp.conv) {
		case 'd':
		case 'i': {
			intmax_t v = fetch_signed(&args, len);
			uintmax_t mag = v < 0 ? -(uintmax_t)v : (uintmax_t)v;
			char sign = v < 0 ? '-' : (sp.flags & __FMT_PLUS) ? '+' :
				    (sp.flags & __FMT_SPACE) ? ' ' : 0;
			put_int(&o, mag, sign, "", 10, 0, &sp);
			break;
		}
		case 'u':
			put_int(&o, fetch_unsigned(&args, len), 0, "", 10, 0, &sp);
			break;
		case 'o':
			put_int(&o, fetch_unsigned(&args, len), 0, "", 8, 0, &sp);
			break;
		case 'x':
		case 'X': {
			uintmax_t v = fetch_unsigned(&args, len);
			const char *prefix = "";
			if ((sp.flags & __FMT_ALT) && v != 0)
				prefix = sp.conv == 'x' ? "0x" : "0X";
			put_int(&o, v, 0, prefix, 16, sp.conv == 'X', &sp);
			break;
		}
		case 'p': {
			uintptr_t v = (uintptr_t)va_arg(args, void *);
			char sign = (sp.flags & __FMT_PLUS) ? '+' :
				    (sp.flags & __FMT_SPACE) ? ' ' : 0;
			if (v == 0)
				put_field(&o, "(nil)", 5, &sp);
			else
				put_int(&o, v, sign, "0x", 16, 0, &sp);
			break;
		}
		case 'c': {
			char c = (char)va_arg(args, int);
			put_field(&o, &c, 1, &sp);
			break;
		}
		case 's':
			put_string(&o, &args, len, &sp);
			break;
		case 'n':
			store_count(&args, len, o.count);
			break;
		case '%':
			put(&o, '%');
			break;
		case 'f': case 'F': case 'e': case 'E':
		case 'g': case 'G': case 'a': case 'A':
			put_float(&o, &args, &sp);
			break;
		default:
			put_mem(&o, start, (int)(fmt - start));
			break;
		}
	}
	va_end(args);
	return o.count;
}

/* vsnprintf's sink: a bounded buffer that counts what did not fit. */
struct bounded {
	char *buf;
	size_t size;
	size_t pos;
};

static void bounded_emit(char c, void *ctx)
{
	struct bounded *b = ctx;

	if (b->pos + 1 < b->size)
		b->buf[b->pos] = c;
	b->pos++;
}

/* Format into buf[n]; see <agora/format.h>. Returns the untruncated length. */
int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
	struct bounded b = { buf, n, 0 };
	int len = __format(bounded_emit, &b, fmt, ap);

	if (n > 0)
		buf[b.pos < n ? b.pos : n - 1] = 0;
	return len;
}

/* Variadic vsnprintf. */
int snprintf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return len;
}
