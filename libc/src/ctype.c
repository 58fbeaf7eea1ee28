/*
 * ctype.c: ASCII character classes for the "C" locale. Pure functions,
 * linked into libc and, as libk, into the kernel. Values outside
 * 0..127 (including EOF and bytes >= 128) belong to no class.
 */
#ifdef AGORA_HOST_TEST
#include "libk_host.h"
#else
#include <ctype.h>
#endif

/* Each returns non-zero if c is in the class, 0 otherwise. */
int isascii(int c)  { return c >= 0 && c <= 0x7f; }
int isdigit(int c)  { return c >= '0' && c <= '9'; }
int islower(int c)  { return c >= 'a' && c <= 'z'; }
int isupper(int c)  { return c >= 'A' && c <= 'Z'; }
int isalpha(int c)  { return islower(c) || isupper(c); }
int isalnum(int c)  { return isalpha(c) || isdigit(c); }
int isblank(int c)  { return c == ' ' || c == '\t'; }
int iscntrl(int c)  { return (c >= 0 && c < 0x20) || c == 0x7f; }
int isgraph(int c)  { return c > 0x20 && c < 0x7f; }
int isprint(int c)  { return c >= 0x20 && c < 0x7f; }
int ispunct(int c)  { return isgraph(c) && !isalnum(c); }
int isspace(int c)  { return c == ' ' || (c >= '\t' && c <= '\r'); }
int isxdigit(int c) { return isdigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

/* Case mapping; other values are returned unchanged. */
int tolower(int c)  { return isupper(c) ? c + ('a' - 'A') : c; }
int toupper(int c)  { return islower(c) ? c - ('a' - 'A') : c; }

/* The low 7 bits of c. */
int toascii(int c)  { return c & 0x7f; }
