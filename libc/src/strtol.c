/*
 * strtol.c: string to integer conversion (strtol, strtoul, strtoll,
 * strtoull, strtoimax, strtoumax, atoi, atol, atoll). Linked into libc and,
 * as libk, into the kernel. The kernel has no errno, so there an overflow
 * only shows in the saturated result.
 */
#ifdef AGORA_HOST_TEST
#include <errno.h>
#include <limits.h>
#include "libk_host.h"
#else
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#endif

static void set_errno(int e)
{
#ifdef AGORA_KERNEL
	(void)e;
#else
	errno = e;
#endif
}

static int is_space(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static int digit_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

/*
 * The common part: skip white space, read a sign, pick the base (0 means
 * from the prefix: 0x hex, 0 octal, else decimal), accumulate digits.
 * Returns the magnitude; *neg is the sign, *overflow is set if the
 * magnitude exceeded UINTMAX_MAX. *end gets the first unused character,
 * or s itself if there were no digits (or the base was invalid).
 */
static uintmax_t parse(const char *s, char **end, int base, int *neg, int *overflow)
{
	const char *p = s;
	uintmax_t v = 0;
	int any = 0;

	*neg = 0;
	*overflow = 0;
	if (base < 0 || base == 1 || base > 36) {
		set_errno(EINVAL);
		if (end)
			*end = (char *)s;
		return 0;
	}
	while (is_space((unsigned char)*p))
		p++;
	if (*p == '-' || *p == '+')
		*neg = *p++ == '-';
	/* "0x" counts as a prefix only if a hex digit follows it. */
	if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
	    digit_value((unsigned char)p[2]) < 16) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = p[0] == '0' ? 8 : 10;
	}
	for (;; p++) {
		int d = digit_value((unsigned char)*p);
		if (d >= base)
			break;
		any = 1;
		if (__builtin_mul_overflow(v, (unsigned)base, &v) ||
		    __builtin_add_overflow(v, (unsigned)d, &v))
			*overflow = 1;
	}
	if (end)
		*end = (char *)(any ? p : s);
	return *overflow ? UINTMAX_MAX : v;
}

/* Signed conversion clamped to [min, max], with ERANGE on overflow. */
static intmax_t to_signed(const char *s, char **end, int base, intmax_t min, intmax_t max)
{
	int neg, overflow;
	uintmax_t v = parse(s, end, base, &neg, &overflow);

	if (neg) {
		if (overflow || v > (uintmax_t)max + 1) {
			set_errno(ERANGE);
			return min;
		}
		return v == (uintmax_t)max + 1 ? min : -(intmax_t)v;
	}
	if (overflow || v > (uintmax_t)max) {
		set_errno(ERANGE);
		return max;
	}
	return (intmax_t)v;
}

/* Unsigned conversion: a '-' negates in the unsigned type (as C says);
 * a magnitude above max gives max and ERANGE. */
static uintmax_t to_unsigned(const char *s, char **end, int base, uintmax_t max)
{
	int neg, overflow;
	uintmax_t v = parse(s, end, base, &neg, &overflow);

	if (overflow || v > max) {
		set_errno(ERANGE);
		return max;
	}
	return neg ? (-v & max) : v;
}

/* Convert the initial part of s to long; see strtol(3). */
long strtol(const char *restrict s, char **restrict end, int base)
{
	return (long)to_signed(s, end, base, LONG_MIN, LONG_MAX);
}

/* Convert the initial part of s to unsigned long; see strtoul(3). */
unsigned long strtoul(const char *restrict s, char **restrict end, int base)
{
	return (unsigned long)to_unsigned(s, end, base, ULONG_MAX);
}

/* Convert the initial part of s to long long. */
long long strtoll(const char *restrict s, char **restrict end, int base)
{
	return (long long)to_signed(s, end, base, LLONG_MIN, LLONG_MAX);
}

/* Convert the initial part of s to unsigned long long. */
unsigned long long strtoull(const char *restrict s, char **restrict end, int base)
{
	return (unsigned long long)to_unsigned(s, end, base, ULLONG_MAX);
}

/* Convert the initial part of s to intmax_t. */
intmax_t strtoimax(const char *restrict s, char **restrict end, int base)
{
	return to_signed(s, end, base, INTMAX_MIN, INTMAX_MAX);
}

/* Convert the initial part of s to uintmax_t. */
uintmax_t strtoumax(const char *restrict s, char **restrict end, int base)
{
	return to_unsigned(s, end, base, UINTMAX_MAX);
}

/* Decimal string to int (no error reporting; out of range is clamped). */
int atoi(const char *s)
{
	return (int)to_signed(s, NULL, 10, INT_MIN, INT_MAX);
}

/* Decimal string to long. */
long atol(const char *s)
{
	return strtol(s, NULL, 10);
}

/* Decimal string to long long. */
long long atoll(const char *s)
{
	return strtoll(s, NULL, 10);
}
