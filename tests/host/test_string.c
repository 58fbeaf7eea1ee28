/*
 * test_string.c: host unit tests for the pure libk parts of libc:
 * libc/src/string.c, ctype.c and strtol.c. Built with the host compiler:
 *
 *   gcc -Wall -Wextra -Werror -DAGORA_HOST_TEST tests/host/test_string.c \
 *       libc/src/string.c libc/src/ctype.c libc/src/strtol.c \
 *       -o build/host/test_string
 *
 * libk_host.h renames the libk symbols (strlen -> agora_strlen, ...), so
 * below every string, ctype and strtol function is agora's, while printf
 * is the host's. Each case prints "PASS name" or "FAIL name (got X,
 * want Y)"; any failure makes the program exit 1. The host's long is 64
 * bits, so strtol's limits are taken from <limits.h>.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include "../../libc/src/libk_host.h"

static int failures;

/*
 * The reporters print with the host's printf only (snprintf is renamed to
 * agora's, which this program does not link).
 */
static void result(const char *name, int ok)
{
	if (ok)
		printf("PASS %s\n", name);
	else
		failures++;
}

static void check_int(const char *name, long long got, long long want)
{
	result(name, got == want);
	if (got != want)
		printf("FAIL %s (got %lld, want %lld)\n", name, got, want);
}

static void check_uint(const char *name, unsigned long long got, unsigned long long want)
{
	result(name, got == want);
	if (got != want)
		printf("FAIL %s (got %llu, want %llu)\n", name, got, want);
}

/* Compare strings with a loop of our own, not the code under test. */
static int same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

static void check_str(const char *name, const char *got, const char *want)
{
	int ok = same(got, want);

	result(name, ok);
	if (!ok)
		printf("FAIL %s (got %s%s%s, want %s%s%s)\n", name,
		       got ? "\"" : "", got ? got : "NULL", got ? "\"" : "",
		       want ? "\"" : "", want ? want : "NULL", want ? "\"" : "");
}

/* Offset of p in base, or -1 for NULL (for functions returning pointers). */
static long long at(const void *p, const void *base)
{
	return p ? (const char *)p - (const char *)base : -1;
}

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

static void test_memory(void)
{
	unsigned char a[32], b[32];
	char s[32];

	for (int i = 0; i < 32; i++)
		a[i] = (unsigned char)i;
	check_int("memcpy return", at(memcpy(b, a, 32), b), 0);
	check_int("memcpy bytes", b[0] + b[17] + b[31], 48);
	check_int("memset return", at(memset(b, 0xAB, 10), b), 0);
	check_int("memset bytes", b[0] == 0xAB && b[9] == 0xAB && b[10] == 10, 1);
	check_int("memset zero length", at(memset(b, 0, 0), b) + b[0], 0xAB);

	/* memmove both ways over an overlap */
	for (int i = 0; i < 16; i++)
		s[i] = (char)('a' + i);
	memmove(s + 2, s, 8);
	s[10] = 0;
	check_str("memmove up", s, "ababcdefgh");
	for (int i = 0; i < 16; i++)
		s[i] = (char)('a' + i);
	memmove(s, s + 3, 8);
	s[8] = 0;
	check_str("memmove down", s, "defghijk");
	check_int("memmove same", at(memmove(s, s, 4), s), 0);

	check_int("memcmp equal", memcmp("abc", "abc", 3), 0);
	check_int("memcmp less", sign(memcmp("abc", "abd", 3)), -1);
	check_int("memcmp unsigned", sign(memcmp("\x80", "\x01", 1)), 1);
	check_int("memcmp zero length", memcmp("a", "b", 0), 0);
	check_int("memchr found", at(memchr("hello", 'l', 5), "hello"), 2);
	check_int("memchr bounded", at(memchr("hello", 'o', 4), "hello"), -1);
	check_int("memchr high byte", at(memchr("a\xffz", 0xff, 3), "a\xffz"), 1);
	check_int("memrchr", at(memrchr("hello", 'l', 5), "hello"), 3);
	check_int("memmem", at(memmem("abcabd", 6, "abd", 3), "abcabd"), 3);
	check_int("memmem empty needle", at(memmem("abc", 3, "", 0), "abc"), 0);
	check_int("memmem none", at(memmem("abc", 3, "abcd", 4), "abc"), -1);
	check_int("memccpy stop", at(memccpy(s, "key=value", '=', 9), s), 4);
	check_int("memccpy no stop", at(memccpy(s, "abc", '=', 3), s), -1);
	check_int("mempcpy", at(mempcpy(s, "abc", 3), s), 3);
	bzero(a, 4);
	check_int("bzero", a[0] + a[3] + a[4], 4);
	check_int("bcmp", bcmp("ab", "ab", 2), 0);
	check_int("ffs", ffs(0) * 100 + ffs(1) * 10 + ffs(0x80), 18);
}

static void test_strings(void)
{
	char s[64], *p;
	const char *hay = "the quick brown fox";

	check_int("strlen", (long long)strlen("hello"), 5);
	check_int("strlen empty", (long long)strlen(""), 0);
	check_int("strnlen short", (long long)strnlen("hello", 3), 3);
	check_int("strnlen long", (long long)strnlen("hi", 10), 2);
	check_int("strcmp equal", strcmp("abc", "abc"), 0);
	check_int("strcmp prefix", sign(strcmp("ab", "abc")), -1);
	check_int("strcmp unsigned", sign(strcmp("\xe9", "e")), 1);
	check_int("strncmp", strncmp("abcX", "abcY", 3), 0);
	check_int("strncmp differs", sign(strncmp("abcX", "abcY", 4)), -1);
	check_int("strncmp zero", strncmp("a", "b", 0), 0);
	check_int("strcasecmp", strcasecmp("HeLLo", "hello"), 0);
	check_int("strcasecmp order", sign(strcasecmp("apple", "BANANA")), -1);
	check_int("strncasecmp", strncasecmp("ABCx", "abcy", 3), 0);
	check_int("strcoll", sign(strcoll("a", "b")), -1);

	check_str("strcpy", strcpy(s, "copy"), "copy");
	check_int("stpcpy end", at(stpcpy(s, "four"), s), 4);
	check_str("strcat", strcat(s, "+more"), "four+more");
	check_str("strncat", strncat(s, "12345", 2), "four+more12");
	for (int i = 0; i < 10; i++)
		s[i] = 'Z';
	strncpy(s, "ab", 6);
	check_int("strncpy pads", s[2] == 0 && s[5] == 0 && s[6] == 'Z', 1);
	strncpy(s, "abcdef", 3);
	check_int("strncpy no NUL", s[2] == 'c' && s[3] == 0, 1);
	check_int("stpncpy", at(stpncpy(s, "xy", 5), s), 2);
	check_int("strlcpy return", (long long)strlcpy(s, "truncate me", 6), 11);
	check_str("strlcpy text", s, "trunc");
	check_int("strlcpy size 0", (long long)strlcpy(NULL, "abc", 0), 3);
	strcpy(s, "abc");
	check_int("strlcat return", (long long)strlcat(s, "defgh", 6), 8);
	check_str("strlcat text", s, "abcde");
	check_int("strlcat full", (long long)strlcat(s, "x", 3), 4);
	check_int("strxfrm", (long long)strxfrm(s, "xyz", 10), 3);

	check_int("strchr", at(strchr(hay, 'q'), hay), 4);
	check_int("strchr NUL", at(strchr(hay, 0), hay), 19);
	check_int("strchr missing", at(strchr(hay, 'z'), hay), -1);
	check_int("strrchr", at(strrchr(hay, 'o'), hay), 17);
	check_int("strrchr NUL", at(strrchr(hay, 0), hay), 19);
	check_int("strchrnul", at(strchrnul(hay, 'z'), hay), 19);
	check_int("index/rindex", at(index(hay, 'h'), hay) * 100 + at(rindex(hay, 'h'), hay), 101);
	check_int("strstr", at(strstr(hay, "brown"), hay), 10);
	check_int("strstr empty", at(strstr(hay, ""), hay), 0);
	check_int("strstr missing", at(strstr(hay, "browny"), hay), -1);
	check_int("strstr overlap", at(strstr("aaab", "aab"), "aaab"), 1);
	check_int("strcasestr", at(strcasestr(hay, "QUICK"), hay), 4);
	check_int("strspn", (long long)strspn("aabbcx", "abc"), 5);
	check_int("strcspn", (long long)strcspn("hello, world", ",;"), 5);
	check_int("strcspn none", (long long)strcspn("abc", "xyz"), 3);
	check_int("strpbrk", at(strpbrk(hay, "xyz"), hay), 18);
	check_int("strpbrk none", at(strpbrk("abc", "xyz"), "abc"), -1);

	/* strtok_r: delimiter runs, leading and trailing delimiters */
	char t[] = ",,a,bb,,c,", *save = NULL;
	check_str("strtok_r 1", strtok_r(t, ",", &save), "a");
	check_str("strtok_r 2", strtok_r(NULL, ",", &save), "bb");
	check_str("strtok_r 3", strtok_r(NULL, ",", &save), "c");
	check_str("strtok_r end", strtok_r(NULL, ",", &save), NULL);
	check_str("strtok_r after end", strtok_r(NULL, ",", &save), NULL);
	char empty[] = ";;;";
	check_str("strtok_r only delims", strtok_r(empty, ";", &save), NULL);

	/* strsep keeps empty fields */
	char f[] = "a::b", *sp = f;
	check_str("strsep 1", strsep(&sp, ":"), "a");
	check_str("strsep 2", strsep(&sp, ":"), "");
	check_str("strsep 3", strsep(&sp, ":"), "b");
	check_int("strsep end", sp == NULL && strsep(&sp, ":") == NULL, 1);
	p = NULL;
	(void)p;
}

static void test_ctype(void)
{
	int n[12] = { 0 };

	for (int c = -1; c < 256; c++) {
		n[0] += !!isalpha(c);
		n[1] += !!isdigit(c);
		n[2] += !!isxdigit(c);
		n[3] += !!isspace(c);
		n[4] += !!isupper(c);
		n[5] += !!islower(c);
		n[6] += !!isalnum(c);
		n[7] += !!ispunct(c);
		n[8] += !!isprint(c);
		n[9] += !!isgraph(c);
		n[10] += !!iscntrl(c);
		n[11] += !!isblank(c);
	}
	check_int("isalpha count", n[0], 52);
	check_int("isdigit count", n[1], 10);
	check_int("isxdigit count", n[2], 22);
	check_int("isspace count", n[3], 6);
	check_int("isupper count", n[4], 26);
	check_int("islower count", n[5], 26);
	check_int("isalnum count", n[6], 62);
	check_int("ispunct count", n[7], 32);
	check_int("isprint count", n[8], 95);
	check_int("isgraph count", n[9], 94);
	check_int("iscntrl count", n[10], 33);
	check_int("isblank count", n[11], 2);
	check_int("members", !!isspace('\v') + !!ispunct('~') + !!isprint(' ') + !!iscntrl(127) +
		  !!isxdigit('F'), 5);
	check_int("non-members", !!isgraph(' ') + !!isalpha(0xe9) + !!isdigit(EOF) + !!isprint(127), 0);
	check_int("toupper", toupper('a') + toupper('Z') + toupper('1'), 'A' + 'Z' + '1');
	check_int("tolower", tolower('A') + tolower('z') + tolower(EOF), 'a' + 'z' + EOF);
	check_int("isascii/toascii", !!isascii(0x80) + toascii(0xC1), 0x41);
}

static void test_strtol(void)
{
	char *end;
	const char *s;

	s = "  -123xyz";
	check_int("strtol basic", strtol(s, &end, 10), -123);
	check_int("strtol end", at(end, s), 6);
	s = "0x1F";
	check_int("strtol base 0 hex", strtol(s, &end, 0), 31);
	check_int("strtol base 0 hex end", at(end, s), 4);
	check_int("strtol base 0 octal", strtol("0755", NULL, 0), 493);
	check_int("strtol base 0 decimal", strtol("987", NULL, 0), 987);
	check_int("strtol base 16 prefix", strtol("0xff", NULL, 16), 255);
	check_int("strtol base 16 no prefix", strtol("ff", NULL, 16), 255);
	check_int("strtol base 2", strtol("-1011", NULL, 2), -11);
	check_int("strtol base 36", strtol("zz", NULL, 36), 1295);
	check_int("strtol plus", strtol("+42", NULL, 10), 42);
	s = "0x";
	check_int("strtol bare 0x", strtol(s, &end, 0), 0);
	check_int("strtol bare 0x end", at(end, s), 1);
	s = "0xg";
	check_int("strtol 0xg end", (strtol(s, &end, 16), at(end, s)), 1);
	s = "   +";
	check_int("strtol no digits", strtol(s, &end, 10), 0);
	check_int("strtol no digits end", at(end, s), 0);
	s = "12";
	errno = 0;
	check_int("strtol bad base", strtol(s, &end, 1), 0);
	check_int("strtol bad base errno", errno, EINVAL);
	check_int("strtol bad base end", at(end, s), 0);

	errno = 0;
	check_int("strtol overflow", strtol("999999999999999999999999", NULL, 10), LONG_MAX);
	check_int("strtol overflow errno", errno, ERANGE);
	errno = 0;
	check_int("strtol underflow", strtol("-999999999999999999999999", &end, 10), LONG_MIN);
	check_int("strtol underflow errno", errno, ERANGE);
	check_int("strtol overflow end", *end, 0);
	errno = 0;
	check_int("strtoll max", strtoll("9223372036854775807", NULL, 10), LLONG_MAX);
	check_int("strtoll min", strtoll("-9223372036854775808", NULL, 10), LLONG_MIN);
	check_int("strtoll in range errno", errno, 0);
	check_int("strtoll max+1", strtoll("9223372036854775808", NULL, 10), LLONG_MAX);
	check_int("strtoll max+1 errno", errno, ERANGE);
	errno = 0;
	check_int("strtoll min-1", strtoll("-9223372036854775809", NULL, 10), LLONG_MIN);
	check_int("strtoll min-1 errno", errno, ERANGE);

	errno = 0;
	check_uint("strtoull max", strtoull("18446744073709551615", NULL, 10), ULLONG_MAX);
	check_int("strtoull max errno", errno, 0);
	check_uint("strtoull max+1", strtoull("18446744073709551616", NULL, 10), ULLONG_MAX);
	check_int("strtoull max+1 errno", errno, ERANGE);
	errno = 0;
	check_uint("strtoull minus one", strtoull("-1", NULL, 10), ULLONG_MAX);
	check_uint("strtoul minus one", strtoul("-1", NULL, 10), ULONG_MAX);
	check_uint("strtoul hex", strtoul("0XFFFFFFFF", NULL, 16), 0xFFFFFFFFul);
	check_int("strtoul minus errno", errno, 0);
	check_int("strtoimax", strtoimax("-77", NULL, 8), -63);
	check_uint("strtoumax", strtoumax("777", NULL, 8), 511);

	check_int("atoi", atoi("  42abc"), 42);
	check_int("atoi negative", atoi("-17"), -17);
	check_int("atoi junk", atoi("abc"), 0);
	check_int("atol", atol("123456"), 123456);
	check_int("atoll", atoll("-9000000000"), -9000000000LL);
}

int main(void)
{
	test_memory();
	test_strings();
	test_ctype();
	test_strtol();
	printf("%s: %d failure(s)\n", failures ? "FAILED" : "ALL PASSED", failures);
	return failures != 0;
}
