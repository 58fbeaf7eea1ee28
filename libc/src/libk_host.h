/*
 * libk_host.h: lets the host unit tests (tests/host/) compile the libk
 * sources (string.c, ctype.c, strtol.c, format.c) with the host compiler
 * and the host C library, without their symbols clashing with the host's.
 *
 * How: with AGORA_HOST_TEST defined, each libk source includes this file
 * instead of the agora libc headers. It renames every public libk symbol
 * to agora_<name> with a macro (memcpy -> agora_memcpy, __format ->
 * agora___format, ...) and declares the renamed prototypes. A test program
 * includes its host headers (only <stdio.h> and the compiler's headers;
 * never the host <string.h>, <ctype.h> or <stdlib.h>) and then this file,
 * so in the test "strlen" also means agora_strlen while printf stays the
 * host's. Build line, from the repository root:
 *
 *   gcc -Wall -Wextra -Werror -DAGORA_HOST_TEST tests/host/test_string.c \
 *       libc/src/string.c libc/src/ctype.c libc/src/strtol.c
 */
#ifndef AGORA_LIBK_HOST_H
#define AGORA_LIBK_HOST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* string.c */
#define memcpy      agora_memcpy
#define memmove     agora_memmove
#define memset      agora_memset
#define memcmp      agora_memcmp
#define memchr      agora_memchr
#define memrchr     agora_memrchr
#define memccpy     agora_memccpy
#define mempcpy     agora_mempcpy
#define memmem      agora_memmem
#define strlen      agora_strlen
#define strnlen     agora_strnlen
#define strcmp      agora_strcmp
#define strncmp     agora_strncmp
#define strcoll     agora_strcoll
#define strxfrm     agora_strxfrm
#define strcpy      agora_strcpy
#define strncpy     agora_strncpy
#define stpcpy      agora_stpcpy
#define stpncpy     agora_stpncpy
#define strcat      agora_strcat
#define strncat     agora_strncat
#define strlcpy     agora_strlcpy
#define strlcat     agora_strlcat
#define strchr      agora_strchr
#define strrchr     agora_strrchr
#define strchrnul   agora_strchrnul
#define strstr      agora_strstr
#define strcasestr  agora_strcasestr
#define strspn      agora_strspn
#define strcspn     agora_strcspn
#define strpbrk     agora_strpbrk
#define strtok_r    agora_strtok_r
#define strsep      agora_strsep
#define strcasecmp  agora_strcasecmp
#define strncasecmp agora_strncasecmp
#define bzero       agora_bzero
#define bcopy       agora_bcopy
#define bcmp        agora_bcmp
#define ffs         agora_ffs
#define index       agora_index
#define rindex      agora_rindex

/* ctype.c */
#define isalnum  agora_isalnum
#define isalpha  agora_isalpha
#define isascii  agora_isascii
#define isblank  agora_isblank
#define iscntrl  agora_iscntrl
#define isdigit  agora_isdigit
#define isgraph  agora_isgraph
#define islower  agora_islower
#define isprint  agora_isprint
#define ispunct  agora_ispunct
#define isspace  agora_isspace
#define isupper  agora_isupper
#define isxdigit agora_isxdigit
#define tolower  agora_tolower
#define toupper  agora_toupper
#define toascii  agora_toascii

/* strtol.c */
#define strtol    agora_strtol
#define strtoul   agora_strtoul
#define strtoll   agora_strtoll
#define strtoull  agora_strtoull
#define strtoimax agora_strtoimax
#define strtoumax agora_strtoumax
#define atoi      agora_atoi
#define atol      agora_atol
#define atoll     agora_atoll

/* format.c */
#define __format       agora___format
#define __format_float agora___format_float
#define vsnprintf      agora_vsnprintf
#define snprintf       agora_snprintf

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
void *memrchr(const void *s, int c, size_t n);
void *memccpy(void *restrict dst, const void *restrict src, int c, size_t n);
void *mempcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmem(const void *hay, size_t hn, const void *needle, size_t nn);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
int strcoll(const char *a, const char *b);
size_t strxfrm(char *restrict dst, const char *restrict src, size_t n);
char *strcpy(char *restrict dst, const char *restrict src);
char *strncpy(char *restrict dst, const char *restrict src, size_t n);
char *stpcpy(char *restrict dst, const char *restrict src);
char *stpncpy(char *restrict dst, const char *restrict src, size_t n);
char *strcat(char *restrict dst, const char *restrict src);
char *strncat(char *restrict dst, const char *restrict src, size_t n);
size_t strlcpy(char *restrict dst, const char *restrict src, size_t size);
size_t strlcat(char *restrict dst, const char *restrict src, size_t size);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strchrnul(const char *s, int c);
char *strstr(const char *hay, const char *needle);
char *strcasestr(const char *hay, const char *needle);
size_t strspn(const char *s, const char *accept);
size_t strcspn(const char *s, const char *reject);
char *strpbrk(const char *s, const char *accept);
char *strtok_r(char *restrict s, const char *restrict delim, char **restrict save);
char *strsep(char **restrict sp, const char *restrict delim);
int strcasecmp(const char *a, const char *b);
int strncasecmp(const char *a, const char *b, size_t n);
void bzero(void *dst, size_t n);
void bcopy(const void *src, void *dst, size_t n);
int bcmp(const void *a, const void *b, size_t n);
int ffs(int x);
char *index(const char *s, int c);
char *rindex(const char *s, int c);

int isalnum(int c);
int isalpha(int c);
int isascii(int c);
int isblank(int c);
int iscntrl(int c);
int isdigit(int c);
int isgraph(int c);
int islower(int c);
int isprint(int c);
int ispunct(int c);
int isspace(int c);
int isupper(int c);
int isxdigit(int c);
int tolower(int c);
int toupper(int c);
int toascii(int c);

long strtol(const char *restrict s, char **restrict end, int base);
unsigned long strtoul(const char *restrict s, char **restrict end, int base);
long long strtoll(const char *restrict s, char **restrict end, int base);
unsigned long long strtoull(const char *restrict s, char **restrict end, int base);
intmax_t strtoimax(const char *restrict s, char **restrict end, int base);
uintmax_t strtoumax(const char *restrict s, char **restrict end, int base);
int atoi(const char *s);
long atol(const char *s);
long long atoll(const char *s);

/* __format, vsnprintf, snprintf and struct __format_spec, renamed above. */
#include "../include/agora/format.h"

#endif
