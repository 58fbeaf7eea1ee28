/*
 * string.c: the <string.h> and <strings.h> functions that need nothing but
 * memory: no system calls, no malloc, no state (strtok, which keeps state,
 * lives in strtok.c). Linked into libc and, as libk, into the kernel.
 *
 * memcpy/memset use "rep movsl/stosl" then "rep movsb/stosb" for the
 * last 0-3 bytes (a 4 KiB page is 1024 steps), memmove forwards to memcpy
 * when it can: short, obviously correct,
 * and never turned by the compiler into a call to themselves (a plain
 * byte loop at -O2 can be recognised as memset and compiled into a call
 * to memset). For host tests see libk_host.h.
 */
#ifdef AGORA_HOST_TEST
#include "libk_host.h"
#else
#include <string.h>
#include <strings.h>
#endif

#if defined(__i386__) || defined(__x86_64__)
#define HAVE_REP_STRING 1
#endif

static int lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

/* Copy n bytes from src to dst (no overlap allowed). Returns dst. */
void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
#ifdef HAVE_REP_STRING
	/* Four bytes per step, then the rest: a page costs 1024 steps. */
	void *d = dst;
	size_t words = n / 4, rest = n % 4;
	__asm__ volatile("rep movsl" : "+D"(d), "+S"(src), "+c"(words) : : "memory");
	__asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(rest) : : "memory");
#else
	unsigned char *d = dst;
	const unsigned char *s = src;
	while (n--)
		*d++ = *s++;
#endif
	return dst;
}

/* Copy n bytes from src to dst; the areas may overlap. Returns dst. */
void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || n == 0)
		return dst;
	if (d < s || d >= s + n)
		return memcpy(dst, src, n);
	/*
	 * Overlap with dst above src: copy from the last byte down. No "std"
	 * here: an interrupt taken with the direction flag set would break
	 * the kernel's own string operations. The empty asm keeps the
	 * compiler from turning this loop back into a call to memmove.
	 */
	while (n--) {
		d[n] = s[n];
		__asm__ volatile("" ::: "memory");
	}
	return dst;
}

/* Fill n bytes at dst with (unsigned char)c. Returns dst. */
void *memset(void *dst, int c, size_t n)
{
#ifdef HAVE_REP_STRING
	void *d = dst;
	size_t words = n / 4, rest = n % 4;
	unsigned int v = (unsigned char)c * 0x01010101u;
	__asm__ volatile("rep stosl" : "+D"(d), "+c"(words) : "a"(v) : "memory");
	__asm__ volatile("rep stosb" : "+D"(d), "+c"(rest) : "a"(v) : "memory");
#else
	unsigned char *d = dst;
	while (n--)
		*d++ = (unsigned char)c;
#endif
	return dst;
}

/* Compare n bytes as unsigned chars: <0, 0 or >0. */
int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	for (; n; n--, p++, q++)
		if (*p != *q)
			return *p - *q;
	return 0;
}

/* First byte equal to (unsigned char)c in s[0..n), or NULL. */
void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n; n--, p++)
		if (*p == (unsigned char)c)
			return (void *)p;
	return NULL;
}

/* Last byte equal to (unsigned char)c in s[0..n), or NULL. */
void *memrchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	while (n--)
		if (p[n] == (unsigned char)c)
			return (void *)(p + n);
	return NULL;
}

/* Copy up to n bytes, stopping after the first c. Returns the byte after
 * the copied c in dst, or NULL if c was not among the n bytes. */
void *memccpy(void *restrict dst, const void *restrict src, int c, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	for (; n; n--) {
		*d = *s++;
		if (*d++ == (unsigned char)c)
			return d;
	}
	return NULL;
}

/* memcpy that returns dst + n. */
void *mempcpy(void *restrict dst, const void *restrict src, size_t n)
{
	return (unsigned char *)memcpy(dst, src, n) + n;
}

/* First occurrence of needle[0..nn) in hay[0..hn); hay if nn == 0. */
void *memmem(const void *hay, size_t hn, const void *needle, size_t nn)
{
	const unsigned char *h = hay;

	if (nn == 0)
		return (void *)h;
	for (; hn >= nn; h++, hn--)
		if (*h == *(const unsigned char *)needle && memcmp(h, needle, nn) == 0)
			return (void *)h;
	return NULL;
}

/* Number of bytes before the terminating NUL. */
size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

/* strlen, but looks at no more than max bytes. */
size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

/* Compare strings as unsigned chars: <0, 0 or >0. */
int strcmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	while (*p && *p == *q) {
		p++;
		q++;
	}
	return *p - *q;
}

/* strcmp on at most n bytes. */
int strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	for (; n; n--, p++, q++) {
		if (*p != *q)
			return *p - *q;
		if (*p == 0)
			break;
	}
	return 0;
}

/* Collation in the C locale is byte order. */
int strcoll(const char *a, const char *b)
{
	return strcmp(a, b);
}

/* C locale: the transformed string is the string itself. Returns strlen(src). */
size_t strxfrm(char *restrict dst, const char *restrict src, size_t n)
{
	size_t len = strlen(src);

	if (len < n)
		memcpy(dst, src, len + 1);
	return len;
}

/* Copy src with its NUL to dst. Returns dst. */
char *strcpy(char *restrict dst, const char *restrict src)
{
	stpcpy(dst, src);
	return dst;
}

/* Copy src with its NUL to dst. Returns the address of the NUL in dst. */
char *stpcpy(char *restrict dst, const char *restrict src)
{
	while ((*dst = *src++) != 0)
		dst++;
	return dst;
}

/* Copy at most n bytes of src, padding dst with NULs up to n. Returns
 * dst + strnlen(src, n). */
char *stpncpy(char *restrict dst, const char *restrict src, size_t n)
{
	size_t len = strnlen(src, n);

	memcpy(dst, src, len);
	memset(dst + len, 0, n - len);
	return dst + len;
}

/* Copy at most n bytes of src, padding with NULs; dst is not terminated
 * if src is n bytes or longer. Returns dst. */
char *strncpy(char *restrict dst, const char *restrict src, size_t n)
{
	stpncpy(dst, src, n);
	return dst;
}

/* Append src to dst. Returns dst. */
char *strcat(char *restrict dst, const char *restrict src)
{
	strcpy(dst + strlen(dst), src);
	return dst;
}

/* Append at most n bytes of src and a NUL to dst. Returns dst. */
char *strncat(char *restrict dst, const char *restrict src, size_t n)
{
	char *d = dst + strlen(dst);
	size_t len = strnlen(src, n);

	memcpy(d, src, len);
	d[len] = 0;
	return dst;
}

/* Copy src into dst[size], always NUL-terminated when size > 0.
 * Returns strlen(src); truncation happened if that is >= size. */
size_t strlcpy(char *restrict dst, const char *restrict src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = 0;
	}
	return len;
}

/* Append src to the string in dst[size], NUL-terminated if there was
 * room. Returns the length it tried to create. */
size_t strlcat(char *restrict dst, const char *restrict src, size_t size)
{
	size_t dlen = strnlen(dst, size);

	if (dlen == size)
		return size + strlen(src);
	return dlen + strlcpy(dst + dlen, src, size - dlen);
}

/* First c in s (the NUL counts as part of s), or NULL. */
char *strchr(const char *s, int c)
{
	s = strchrnul(s, c);
	return *s == (char)c ? (char *)s : NULL;
}

/* First c in s, or the address of its NUL. */
char *strchrnul(const char *s, int c)
{
	while (*s && *s != (char)c)
		s++;
	return (char *)s;
}

/* Last c in s (the NUL counts as part of s), or NULL. */
char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	do {
		if (*s == (char)c)
			last = s;
	} while (*s++);
	return (char *)last;
}

/* First occurrence of needle in hay; hay if needle is empty. */
char *strstr(const char *hay, const char *needle)
{
	size_t nn = strlen(needle);

	if (nn == 0)
		return (char *)hay;
	for (; (hay = strchr(hay, *needle)) != NULL; hay++)
		if (strncmp(hay, needle, nn) == 0)
			return (char *)hay;
	return NULL;
}

/* strstr ignoring ASCII case. */
char *strcasestr(const char *hay, const char *needle)
{
	size_t nn = strlen(needle);

	for (; *hay; hay++)
		if (strncasecmp(hay, needle, nn) == 0)
			return (char *)hay;
	return nn == 0 ? (char *)hay : NULL;
}

/* Length of the prefix of s made only of bytes in accept. */
size_t strspn(const char *s, const char *accept)
{
	size_t n = 0;

	while (s[n] && strchr(accept, s[n]))
		n++;
	return n;
}

/* Length of the prefix of s made only of bytes not in reject. */
size_t strcspn(const char *s, const char *reject)
{
	size_t n = 0;

	while (s[n] && !strchr(reject, s[n]))
		n++;
	return n;
}

/* First byte of s that is in accept, or NULL. */
char *strpbrk(const char *s, const char *accept)
{
	s += strcspn(s, accept);
	return *s ? (char *)s : NULL;
}

/* Reentrant strtok: *save holds the position between calls. Returns the
 * next token (NUL-terminated in place) or NULL. */
char *strtok_r(char *restrict s, const char *restrict delim, char **restrict save)
{
	char *end;

	if (s == NULL)
		s = *save;
	if (s == NULL)
		return NULL;
	s += strspn(s, delim);
	if (*s == 0) {
		*save = NULL;
		return NULL;
	}
	end = s + strcspn(s, delim);
	if (*end) {
		*end = 0;
		*save = end + 1;
	} else {
		*save = NULL;
	}
	return s;
}

/* Split off the token at *sp up to the first byte in delim (which is
 * replaced by NUL); *sp moves past it, or becomes NULL at the end.
 * Empty tokens are returned. Returns the token, or NULL if *sp is NULL. */
char *strsep(char **restrict sp, const char *restrict delim)
{
	char *s = *sp, *end;

	if (s == NULL)
		return NULL;
	end = s + strcspn(s, delim);
	if (*end) {
		*end = 0;
		*sp = end + 1;
	} else {
		*sp = NULL;
	}
	return s;
}

/* strcmp ignoring ASCII case. */
int strcasecmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	while (*p && lower(*p) == lower(*q)) {
		p++;
		q++;
	}
	return lower(*p) - lower(*q);
}

/* strncmp ignoring ASCII case. */
int strncasecmp(const char *a, const char *b, size_t n)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	for (; n; n--, p++, q++) {
		if (lower(*p) != lower(*q))
			return lower(*p) - lower(*q);
		if (*p == 0)
			break;
	}
	return 0;
}

/* Zero n bytes at dst. */
void bzero(void *dst, size_t n)
{
	memset(dst, 0, n);
}

/* memmove with the arguments swapped. */
void bcopy(const void *src, void *dst, size_t n)
{
	memmove(dst, src, n);
}

/* Zero if the n bytes are equal, non-zero otherwise. */
int bcmp(const void *a, const void *b, size_t n)
{
	return memcmp(a, b, n);
}

/* Position (1-based) of the lowest set bit of x, or 0 if x is 0. */
int ffs(int x)
{
	unsigned int v = (unsigned int)x;
	int i = 1;

	if (v == 0)
		return 0;
	while (!(v & 1)) {
		v >>= 1;
		i++;
	}
	return i;
}

/* Old name of strchr. */
char *index(const char *s, int c)
{
	return strchr(s, c);
}

/* Old name of strrchr. */
char *rindex(const char *s, int c)
{
	return strrchr(s, c);
}
