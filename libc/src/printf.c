/*
 * printf.c: the printf family. Every function formats with __format
 * (format.c); they differ only in the sink the characters go to. Stream
 * output is gathered in a small local buffer first, so one printf to an
 * unbuffered stream (stderr) costs one write, not one per character.
 */
#include <agora/format.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "stdio_impl.h"

#define CHUNK 256

/* Sink for streams and descriptors: a chunk buffer in front of f or fd. */
struct chunk_sink {
	FILE *f;                /* NULL: write to fd directly */
	int fd;
	int failed;
	size_t n;
	char buf[CHUNK];
};

static void chunk_flush(struct chunk_sink *s)
{
	if (s->n == 0)
		return;
	if (s->f) {
		if (__stdio_write(s->f, s->buf, s->n) != s->n)
			s->failed = 1;
	} else if (__write_all(s->fd, s->buf, s->n) < 0) {
		s->failed = 1;
	}
	s->n = 0;
}

static void chunk_emit(char c, void *ctx)
{
	struct chunk_sink *s = ctx;

	s->buf[s->n++] = c;
	if (s->n == CHUNK)
		chunk_flush(s);
}

/* Format to stream f. Returns the number of characters, or -1 on error. */
int vfprintf(FILE *restrict f, const char *restrict fmt, va_list ap)
{
	struct chunk_sink s = { .f = f };
	int len = __format(chunk_emit, &s, fmt, ap);

	chunk_flush(&s);
	return s.failed ? -1 : len;
}

/* Format to descriptor fd (no stdio buffering). */
int vdprintf(int fd, const char *restrict fmt, va_list ap)
{
	struct chunk_sink s = { .f = NULL, .fd = fd };
	int len = __format(chunk_emit, &s, fmt, ap);

	chunk_flush(&s);
	return s.failed ? -1 : len;
}

/* vfprintf to stdout. */
int vprintf(const char *restrict fmt, va_list ap)
{
	return vfprintf(stdout, fmt, ap);
}

static void unbounded_emit(char c, void *ctx)
{
	char **p = ctx;

	*(*p)++ = c;
}

/* Format into buf, which must be large enough; NUL-terminated. */
int vsprintf(char *restrict buf, const char *restrict fmt, va_list ap)
{
	char *p = buf;
	int len = __format(unbounded_emit, &p, fmt, ap);

	*p = 0;
	return len;
}

/* Format into a new malloc'd string *out. Returns the length, or -1
 * (ENOMEM) with *out unspecified. */
int vasprintf(char **restrict out, const char *restrict fmt, va_list ap)
{
	va_list ap2;
	int len;

	va_copy(ap2, ap);
	len = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (len < 0)
		return -1;
	*out = malloc((size_t)len + 1);
	if (*out == NULL)
		return -1;
	return vsnprintf(*out, (size_t)len + 1, fmt, ap);
}

/* The variadic forms: each packages its arguments and calls the v form. */
int printf(const char *restrict fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vfprintf(stdout, fmt, ap);
	va_end(ap);
	return r;
}

/* fprintf: vfprintf with variadic arguments. */
int fprintf(FILE *restrict f, const char *restrict fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vfprintf(f, fmt, ap);
	va_end(ap);
	return r;
}

/* sprintf: vsprintf with variadic arguments. */
int sprintf(char *restrict buf, const char *restrict fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsprintf(buf, fmt, ap);
	va_end(ap);
	return r;
}

/* dprintf: vdprintf with variadic arguments. */
int dprintf(int fd, const char *restrict fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vdprintf(fd, fmt, ap);
	va_end(ap);
	return r;
}

/* asprintf: vasprintf with variadic arguments. */
int asprintf(char **restrict out, const char *restrict fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(out, fmt, ap);
	va_end(ap);
	return r;
}
