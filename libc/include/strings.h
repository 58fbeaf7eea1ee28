/*
 * strings.h: the BSD string functions (case-insensitive compares, bzero).
 * Implemented in libc/src/string.c (libk).
 */
#ifndef _STRINGS_H
#define _STRINGS_H

#define __need_size_t
#include <stddef.h>

int strcasecmp(const char *a, const char *b);
int strncasecmp(const char *a, const char *b, size_t n);
void bzero(void *dst, size_t n);
void bcopy(const void *src, void *dst, size_t n);
int bcmp(const void *a, const void *b, size_t n);
int ffs(int x);
char *index(const char *s, int c);
char *rindex(const char *s, int c);

#endif
