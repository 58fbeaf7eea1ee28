/*
 * agora/format.h: the one printf engine, shared by libc's stdio and the
 * kernel (libc/src/format.c is also compiled into the kernel as libk).
 * __format() walks fmt, calls emit() once per output character, and
 * returns how many characters it emitted.
 */
#ifndef _AGORA_FORMAT_H
#define _AGORA_FORMAT_H

#include <stdarg.h>
#define __need_size_t
#include <stddef.h>

/*
 * Format fmt with the arguments in ap, sending each character to
 * emit(c, ctx). Supports %d %i %u %x %X %o %c %s %p %n %%, flags - + space
 * # 0, width and precision (also *), lengths hh h l ll q j z t L.
 * Floating conversions are handed to libc (user space only); the kernel
 * prints them as "?". Returns the number of characters emitted.
 */
int __format(void (*emit)(char c, void *ctx), void *ctx, const char *fmt, va_list ap);

/* C99 vsnprintf/snprintf: at most n-1 chars plus NUL (if n > 0) are stored;
 * the return value is the length the full output would have had. */
int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
int snprintf(char *buf, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Floating-point conversions (%f %F %e %E %g %G %a %A), libc only
 * (libc/src/fmt_float.c); the kernel's __format prints them as "?".
 * spec holds the parsed conversion; the hook fetches the argument from *ap
 * and returns the number of characters it emitted.
 */
struct __format_spec {
	int flags;              /* __FMT_* below */
	int width;              /* -1 if none */
	int prec;               /* -1 if none */
	int length;             /* 'L' for long double, else 0 */
	char conv;
};

#define __FMT_LEFT  0x01        /* - */
#define __FMT_PLUS  0x02        /* + */
#define __FMT_SPACE 0x04        /* space */
#define __FMT_ALT   0x08        /* # */
#define __FMT_ZERO  0x10        /* 0 */

int __format_float(void (*emit)(char c, void *ctx), void *ctx,
		   const struct __format_spec *spec, va_list *ap);

#endif
