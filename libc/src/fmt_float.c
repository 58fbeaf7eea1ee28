/*
 * fmt_float.c: %f %F %e %E %g %G %a %A for the printf family (user space
 * only: the kernel's format.c has no floating point). Called by __format
 * through __format_float.
 *
 * Decimal digits come from scaling the value into [1, 10) in long double
 * and peeling digits off, so at most 17 significant digits are exact;
 * further positions print as 0 (glibc prints the exact binary expansion
 * there). Rounding is half-up on those digits.
 */
#include <agora/format.h>
#include <stdint.h>
#include <string.h>

#define MAX_SIG 17

struct fout {
	void (*emit)(char c, void *ctx);
	void *ctx;
	int count;
	int dry;                /* only count (first pass, to size padding) */
};

/* Value = 0.d[0]d[1]... * 10^(e+1): d[0] is the digit at 10^e. */
struct dec {
	char d[MAX_SIG + 1];
	int nd;                 /* 0 means the value is zero */
	int e;
};

static const long double pow10_2k[] = {
	1e1L, 1e2L, 1e4L, 1e8L, 1e16L, 1e32L, 1e64L, 1e128L, 1e256L,
	1e512L, 1e1024L, 1e2048L, 1e4096L,
};

static void fput(struct fout *o, char c)
{
	if (!o->dry)
		o->emit(c, o->ctx);
	o->count++;
}

static void fput_n(struct fout *o, char c, int n)
{
	while (n-- > 0)
		fput(o, c);
}

/* v > 0, finite: into m in [1, 10) and e with v = m * 10^e. */
static long double normalize(long double v, int *e)
{
	int i;

	*e = 0;
	if (v >= 10) {
		for (i = 12; i >= 0; i--) {
			while (v >= pow10_2k[i]) {
				v /= pow10_2k[i];
				*e += 1 << i;
			}
		}
	} else if (v < 1) {
		for (i = 12; i >= 0; i--) {
			while (v * pow10_2k[i] < 1) {
				v *= pow10_2k[i];
				*e -= 1 << i;
			}
		}
		if (v < 1) {
			v *= 10;
			(*e)--;
		}
	}
	return v;
}

/* The first ndig significant digits of v >= 0, rounded. ndig <= 0 asks
 * for rounding at a position above the first digit (%f of tiny values). */
static void decimal(long double v, int ndig, struct dec *r)
{
	long double m;
	int e, i;

	r->nd = 0;
	r->e = 0;
	if (v == 0)
		return;
	m = normalize(v, &e);
	if (ndig <= 0) {
		/* Only a carry into the position above can survive; an exact
		 * half rounds to the even digit (0), as glibc does. */
		if (ndig == 0 && m > 5) {
			r->d[0] = 1;
			r->nd = 1;
			r->e = e + 1;
		}
		return;
	}
	if (ndig > MAX_SIG)
		ndig = MAX_SIG;
	for (i = 0; i < ndig; i++) {
		int d = (int)m;
		if (d > 9)
			d = 9;
		r->d[i] = (char)d;
		m = (m - d) * 10;
	}
	r->nd = ndig;
	r->e = e;
	/* Round half to even, as glibc: an exact tie keeps an even last digit. */
	if (m > 5 || (m == 5 && (r->d[ndig - 1] & 1))) {
		for (i = ndig - 1; i >= 0 && r->d[i] == 9; i--)
			r->d[i] = 0;
		if (i >= 0) {
			r->d[i]++;
		} else {
			r->d[0] = 1;    /* 999... rounded up to 1000... */
			r->e++;
		}
	}
}

/* The digit character at decimal position pos (10^pos). */
static char digit_at(const struct dec *r, int pos)
{
	int i = r->e - pos;

	return (r->nd && i >= 0 && i < r->nd) ? (char)('0' + r->d[i]) : '0';
}

/* How many of frac fraction digits remain once trailing zeros go (%g). */
static int trim_frac(const struct dec *r, int frac)
{
	while (frac > 0 && digit_at(r, -frac) == '0')
		frac--;
	return frac;
}

static void render_fixed(struct fout *o, const struct dec *r, int frac, int alt)
{
	int top = (r->nd && r->e > 0) ? r->e : 0;

	for (int p = top; p >= 0; p--)
		fput(o, digit_at(r, p));
	if (frac > 0 || alt)
		fput(o, '.');
	for (int p = -1; p >= -frac; p--)
		fput(o, digit_at(r, p));
}

static void render_exp(struct fout *o, const struct dec *r, int frac, int alt, char echar)
{
	int e = r->nd ? r->e : 0;
	char buf[8];
	int n = 0;

	fput(o, digit_at(r, e));
	if (frac > 0 || alt)
		fput(o, '.');
	for (int i = 1; i <= frac; i++)
		fput(o, digit_at(r, e - i));
	fput(o, echar);
	fput(o, e < 0 ? '-' : '+');
	if (e < 0)
		e = -e;
	do {
		buf[n++] = (char)('0' + e % 10);
		e /= 10;
	} while (e);
	if (n < 2)
		buf[n++] = '0';
	while (n)
		fput(o, buf[--n]);
}

/* %a: hexadecimal mantissa and binary exponent, from the double value. */
static void render_hex(struct fout *o, double v, int prec, int alt, int upper)
{
	const char *hex = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	uint64_t bits, mant;
	int exp, lead, ndig = 13;
	char buf[8];
	int n = 0;

	memcpy(&bits, &v, sizeof(bits));
	mant = bits & ((1ULL << 52) - 1);
	exp = (int)((bits >> 52) & 0x7ff);
	if (exp == 0 && mant == 0) {
		lead = 0;
		exp = 0;
	} else if (exp == 0) {
		lead = 0;               /* subnormal */
		exp = -1022;
	} else {
		lead = 1;
		exp -= 1023;
	}
	if (prec >= 0 && prec < 13) {
		/* Round the mantissa to prec hex digits, half up. */
		int drop = (13 - prec) * 4;
		uint64_t half = 1ULL << (drop - 1);
		mant += half;
		if (mant >> 52) {
			mant &= (1ULL << 52) - 1;
			lead++;
		}
		mant >>= drop;
		mant <<= drop;
		ndig = prec;
	} else if (prec < 0) {
		while (ndig > 0 && ((mant >> ((13 - ndig) * 4)) & 0xf) == 0)
			ndig--;
	}
	fput(o, '0');
	fput(o, upper ? 'X' : 'x');
	fput(o, (char)('0' + lead));
	if (ndig > 0 || alt || prec > 0)
		fput(o, '.');
	for (int i = 0; i < ndig; i++)
		fput(o, hex[(mant >> (48 - 4 * i)) & 0xf]);
	if (prec > 13)
		fput_n(o, '0', prec - 13);
	fput(o, upper ? 'P' : 'p');
	fput(o, exp < 0 ? '-' : '+');
	if (exp < 0)
		exp = -exp;
	do {
		buf[n++] = (char)('0' + exp % 10);
		exp /= 10;
	} while (exp);
	while (n)
		fput(o, buf[--n]);
}

/* The digits (no sign, no padding) of |v| for the conversion in sp. */
static void render(struct fout *o, long double v, const struct __format_spec *sp)
{
	char c = sp->conv;
	int upper = c == 'F' || c == 'E' || c == 'G' || c == 'A';
	int alt = (sp->flags & __FMT_ALT) != 0;
	int prec = sp->prec;
	struct dec r;

	if (v != v || v - v != 0) {     /* NaN or infinity */
		const char *s = v != v ? (upper ? "NAN" : "nan") : (upper ? "INF" : "inf");
		while (*s)
			fput(o, *s++);
		return;
	}
	switch (c | 0x20) {
	case 'a':
		render_hex(o, (double)v, prec, alt, upper);
		return;
	case 'f': {
		int e = 0;
		if (prec < 0)
			prec = 6;
		if (v != 0)
			normalize(v, &e);
		decimal(v, e + 1 + prec, &r);
		render_fixed(o, &r, prec, alt);
		return;
	}
	case 'e':
		if (prec < 0)
			prec = 6;
		decimal(v, prec + 1, &r);
		render_exp(o, &r, prec, alt, upper ? 'E' : 'e');
		return;
	default: {                      /* 'g' */
		int p = prec < 0 ? 6 : prec == 0 ? 1 : prec;
		int e;
		decimal(v, p, &r);
		e = r.nd ? r.e : 0;
		if (e < -4 || e >= p) {
			int frac = p - 1;
			if (!alt)
				while (frac > 0 && digit_at(&r, e - frac) == '0')
					frac--;
			render_exp(o, &r, frac, alt, upper ? 'E' : 'e');
		} else {
			int frac = p - 1 - e;
			if (!alt)
				frac = trim_frac(&r, frac);
			render_fixed(o, &r, frac, alt);
		}
		return;
	}
	}
}

/* See <agora/format.h>. */
int __format_float(void (*emit)(char c, void *ctx), void *ctx,
		   const struct __format_spec *sp, va_list *ap)
{
	long double v = sp->length == 'L' ? va_arg(*ap, long double) : va_arg(*ap, double);
	struct fout o = { emit, ctx, 0, 1 };
	int finite = !(v != v || v - v != 0);
	char sign = 0;
	int len, pad;

	if (__builtin_signbit(v)) {
		sign = '-';
		v = -v;
	} else if (sp->flags & __FMT_PLUS) {
		sign = '+';
	} else if (sp->flags & __FMT_SPACE) {
		sign = ' ';
	}
	render(&o, v, sp);              /* dry run: measure */
	len = o.count + (sign != 0);
	pad = sp->width > len ? sp->width - len : 0;

	o.count = 0;
	o.dry = 0;
	if (!(sp->flags & __FMT_LEFT) && !((sp->flags & __FMT_ZERO) && finite))
		fput_n(&o, ' ', pad);
	if (sign)
		fput(&o, sign);
	if (!(sp->flags & __FMT_LEFT) && (sp->flags & __FMT_ZERO) && finite)
		fput_n(&o, '0', pad);
	render(&o, v, sp);
	if (sp->flags & __FMT_LEFT)
		fput_n(&o, ' ', pad);
	return o.count;
}
