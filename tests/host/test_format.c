/*
 * test_format.c: host unit tests for the printf engine (libc/src/format.c:
 * __format, vsnprintf, snprintf), built with the host compiler:
 *
 *   gcc -Wall -Wextra -Werror -DAGORA_HOST_TEST tests/host/test_format.c \
 *       libc/src/format.c -o build/host/test_format
 *
 * libk_host.h renames the libk symbols (snprintf -> agora_snprintf, ...),
 * so below, snprintf is agora's and printf is the host's. Each case prints
 * "PASS name" or "FAIL name (got X, want Y)"; any failure exits 1.
 * Expected strings are fixed (they match glibc's output).
 */
#include <limits.h>
#include <stdio.h>
#include "../../libc/src/libk_host.h"

static int failures;

static void report(const char *name, int ok, const char *got, const char *want)
{
	if (ok) {
		printf("PASS %s\n", name);
	} else {
		printf("FAIL %s (got \"%s\", want \"%s\")\n", name, got, want);
		failures++;
	}
}

static int same(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

static int length(const char *s)
{
	int n = 0;

	while (s[n])
		n++;
	return n;
}

static char buf[512];

/*
 * Format into buf through vsnprintf. Deliberately not marked as a printf
 * function: several cases use flag combinations that gcc's format check
 * rejects (the 0 flag with %c, ' ' with %u, ...) but that printf must
 * still handle the way glibc does.
 */
static int fmt(const char *f, ...)
{
	va_list ap;
	int r;

	va_start(ap, f);
	r = vsnprintf(buf, sizeof(buf), f, ap);
	va_end(ap);
	return r;
}

/* The text and the return value must both match want. */
#define T(want, ...) check_fmt(#__VA_ARGS__, want, fmt(__VA_ARGS__))

static void check_fmt(const char *name, const char *want, int ret)
{
	char got[600];

	if (ret != length(want)) {
		snprintf(got, sizeof(got), "%s\" returning %d", buf, ret);
		report(name, 0, got, want);
		return;
	}
	report(name, same(buf, want), buf, want);
}

static void check_int(const char *name, long long got, long long want)
{
	char g[32], w[32];

	snprintf(g, sizeof(g), "%lld", got);
	snprintf(w, sizeof(w), "%lld", want);
	report(name, got == want, g, w);
}

/* A custom sink: counts characters and keeps the last one. */
struct counter {
	int n;
	char last;
};

static void count_emit(char c, void *ctx)
{
	struct counter *k = ctx;

	k->n++;
	k->last = c;
}

static int via_format(struct counter *k, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = __format(count_emit, k, fmt, ap);
	va_end(ap);
	return r;
}

static void test_integers(void)
{
	T("0", "%d", 0);
	T("-1", "%d", -1);
	T("2147483647", "%d", INT_MAX);
	T("-2147483648", "%d", INT_MIN);
	T("-2147483648", "%i", INT_MIN);
	T("4294967295", "%u", 4294967295u);
	T("ff FF 377", "%x %X %o", 255, 255, 255);
	T("deadbeef", "%x", 0xdeadbeefu);
	T("9223372036854775807", "%lld", LLONG_MAX);
	T("-9223372036854775808", "%lld", LLONG_MIN);
	T("18446744073709551615", "%llu", ULLONG_MAX);
	T("ffffffffffffffff", "%llx", ULLONG_MAX);
	T("1777777777777777777777", "%llo", ULLONG_MAX);
	T("-9223372036854775808", "%jd", (intmax_t)LLONG_MIN);
	T("123 -45", "%ld %ld", 123L, -45L);
	T("44 44", "%hhd %hhu", 300, 300);
	T("-1 255", "%hhd %hhu", 255, -1);
	T("4464 -1 65535", "%hd %hd %hu", 70000, 65535, -1);
	T("12 -3", "%zu %td", (size_t)12, (ptrdiff_t)-3);
	T("-3", "%zd", (size_t)-3);
	T("9 8", "%Ld %qd", 9LL, 8LL);
}

static void test_flags_width_precision(void)
{
	T("[   42]", "[%5d]", 42);
	T("[42   ]", "[%-5d]", 42);
	T("[00042]", "[%05d]", 42);
	T("[-0042]", "[%05d]", -42);
	T("[+42]", "[%+d]", 42);
	T("[ 42]", "[% d]", 42);
	T("[+42]", "[%+ d]", 42);
	T("[+0042]", "[%+05d]", 42);
	T("[ 0007]", "[% 05d]", 7);
	T("[+7    ]", "[%-+6d]", 7);
	T("[42   ]", "[%-05d]", 42);
	T("[  042]", "[%5.3d]", 42);
	T("[     005]", "[%08.3d]", 5);
	T("[]", "[%.0d]", 0);
	T("[     ]", "[%5.0d]", 0);
	T("[+]", "[%+.0d]", 0);
	T("[5]", "[% u]", 5);
	T("[0x1f 0X1F]", "[%#x %#X]", 31, 31);
	T("[0]", "[%#x]", 0);
	T("[0 017 0]", "[%#o %#o %#.0o]", 0, 15, 0);
	T("[0x001]", "[%#.3x]", 1);
	T("[0x0000ff]", "[%#08x]", 255);
	T("[010     ]", "[%#-8o]", 8);
	T("[    1][2    ]", "[%*d][%-*d]", 5, 1, 5, 2);
	T("[    2]", "[%*d]", 5, 2);
	T("[3    ]", "[%*d]", -5, 3);
	T("[003][  0005][9]", "[%.*d][%*.*d][%.*d]", 3, 3, 6, 4, 5, -1, 9);
}

static void test_chars_strings(void)
{
	T("[x]", "[%c]", 'x');
	T("[    x][x    ]", "[%5c][%-5c]", 'x', 'x');
	T("[    x]", "[%05c]", 'x');
	T("[hello]", "[%s]", "hello");
	T("[  hi][hi  ]", "[%4s][%-4s]", "hi", "hi");
	T("[   ab]", "[%05s]", "ab");
	T("[hel]", "[%.3s]", "hello");
	T("[  hel]", "[%5.3s]", "hello");
	T("[hello]", "[%.10s]", "hello");
	T("[]", "[%.0s]", "hello");
	T("[(null)]", "[%s]", (char *)NULL);
	T("[]", "[%.3s]", (char *)NULL);
	T("[(null)]", "[%.6s]", (char *)NULL);
	T("[abc]", "[%ls]", L"abc");
	T("[z]", "[%lc]", 'z');
	T("100%", "100%%");
	T("[%]", "[%5%]");
	T("abc", "abc%");
	T("[%y][%-5y]", "[%y][%-5y]");
	T("", "%s", "");
	T("a\nb\tc", "a\nb\tc");
}

static void test_pointers(void)
{
	T("[(nil)]", "[%p]", (void *)0);
	T("[     (nil)][(nil)     ]", "[%10p][%-10p]", (void *)0, (void *)0);
	T("[0x1234]", "[%p]", (void *)0x1234);
	T("[+0x1234]", "[%+p]", (void *)0x1234);
	T("[0x00001234]", "[%.8p]", (void *)0x1234);
	T("[0x00001234]", "[%010p]", (void *)0x1234);
	T("[    0x1234]", "[%10p]", (void *)0x1234);
	T("[0xdeadbeef]", "[%p]", (void *)0xdeadbeefUL);
}

static void test_floats_without_hook(void)
{
	/* The host-test build has no float formatter: a '?' in the field. */
	T("[?][   ?]", "[%f][%4g]", 1.5, 2.5);
}

static void test_count(void)
{
	int n = -1;
	signed char hh = 0;
	long long ll = 0;

	T("abc", "abc%n", &n);
	check_int("%n", n, 3);
	T("12345", "%d%hhn%s", 12, &hh, "345");
	check_int("%hhn", hh, 2);
	T("xy", "x%llny", &ll);
	check_int("%lln", ll, 1);
}

static void test_snprintf_bounds(void)
{
	char small[8];
	int r;

	for (int i = 0; i < 8; i++)
		small[i] = 'Z';
	r = snprintf(small, 5, "%s", "abcdefgh");
	check_int("truncate return", r, 8);
	report("truncate text", same(small, "abcd"), small, "abcd");
	check_int("truncate untouched", small[5], 'Z');

	small[0] = 'Z';
	r = snprintf(small, 0, "%d", 12345);
	check_int("n=0 return", r, 5);
	check_int("n=0 untouched", small[0], 'Z');
	r = snprintf(NULL, 0, "%s-%d", "ab", 7);
	check_int("NULL,0 length", r, 4);

	r = snprintf(small, 1, "xyz");
	check_int("n=1 return", r, 3);
	check_int("n=1 NUL", small[0], 0);

	r = snprintf(small, 4, "abc");
	check_int("exact fit return", r, 3);
	report("exact fit text", same(small, "abc"), small, "abc");

	r = snprintf(small, 3, "abc");
	report("one short", r == 3 && same(small, "ab"), small, "ab");
}

static void test_engine(void)
{
	struct counter k = { 0, 0 };
	int r = via_format(&k, "%s=%5d;", "key", 42);

	check_int("__format return", r, 10);
	check_int("__format emitted", k.n, 10);
	check_int("__format last", k.last, ';');
	k.n = 0;
	r = via_format(&k, "");
	check_int("__format empty", r + k.n, 0);
}

int main(void)
{
	test_integers();
	test_flags_width_precision();
	test_chars_strings();
	test_pointers();
	test_floats_without_hook();
	test_count();
	test_snprintf_bounds();
	test_engine();
	printf("%s: %d failure(s)\n", failures ? "FAILED" : "ALL PASSED", failures);
	return failures != 0;
}
