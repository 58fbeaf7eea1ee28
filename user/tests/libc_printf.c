/*
 * libc_printf: snprintf formatting, compared with what glibc prints.
 *
 * One table row per conversion: integers of every length (hh h l ll z j
 * t), every flag (- + space # 0), widths and precisions (also through *),
 * the extremes (INT_MIN, LLONG_MIN, ULLONG_MAX), zero with precision 0,
 * %c %s %p %%, floating point (%f %e %g, rounding, inf/nan, -0.0); then
 * snprintf's truncation and return value.
 */
#include <agora_test.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>

/* GCC would check (and reject) some deliberately odd formats. */
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
#pragma GCC diagnostic ignored "-Wformat-zero-length"
#pragma GCC diagnostic ignored "-Wformat-overflow"
#pragma GCC diagnostic ignored "-Wformat-truncation"

static char buf[256];

#define CASE(want, ...) do {                                                \
        memset(buf, 'Z', sizeof(buf));                                      \
        int n_ = snprintf(buf, sizeof(buf), __VA_ARGS__);                   \
        char what_[200];                                                    \
        snprintf(what_, sizeof(what_), "%-24s -> \"%s\"", #__VA_ARGS__, want); \
        char d_[300];                                                       \
        snprintf(d_, sizeof(d_), "got \"%s\" (%d)", buf, n_);              \
        t_check(strcmp(buf, want) == 0 && n_ == (int)strlen(want), what_, d_); \
    } while (0)

static void test_integers(void)
{
    CASE("0", "%d", 0);
    CASE("42", "%d", 42);
    CASE("-42", "%d", -42);
    CASE("2147483647", "%d", INT_MAX);
    CASE("-2147483648", "%d", INT_MIN);
    CASE("-7", "%i", -7);
    CASE("   42", "%5d", 42);
    CASE("42   |", "%-5d|", 42);
    CASE("00042", "%05d", 42);
    CASE("-0042", "%05d", -42);
    CASE("+42", "%+d", 42);
    CASE("-42", "%+d", -42);
    CASE("+0", "%+d", 0);
    CASE(" 42", "% d", 42);
    CASE("+42", "%+ d", 42);
    CASE("007", "%.3d", 7);
    CASE("-007", "%.3d", -7);
    CASE("", "%.0d", 0);
    CASE("     ", "%5.0d", 0);
    CASE("+", "%+.0d", 0);
    CASE("+5    |", "%-+6d|", 5);
    CASE("     005", "%08.3d", 5);
    CASE("42", "%1d", 42);
    CASE("4294967295", "%u", 4294967295u);
    CASE("0", "%u", 0u);
    CASE("ff", "%x", 255);
    CASE("FF", "%X", 255);
    CASE("0xff", "%#x", 255);
    CASE("0XFF", "%#X", 255);
    CASE("0", "%#x", 0);
    CASE("000000ff", "%08x", 255);
    CASE("0x000000ff", "%#010x", 255);
    CASE("", "%.0x", 0);
    CASE("ffffffff", "%x", -1);
    CASE("10", "%o", 8);
    CASE("010", "%#o", 8);
    CASE("0", "%#o", 0);
    CASE("0", "%#.0o", 0);
    CASE("37777777777", "%o", UINT_MAX);
    CASE("    42", "%*d", 6, 42);
    CASE("42    |", "%-*d|", 6, 42);
    CASE("42    |", "%*d|", -6, 42);
    CASE("0007", "%.*d", 4, 7);
    CASE("7", "%.*d", -1, 7);
    CASE("  0007", "%*.*d", 6, 4, 7);
}

static void test_lengths(void)
{
    CASE("-2147483648", "%ld", LONG_MIN);
    CASE("2147483647", "%ld", LONG_MAX);
    CASE("4294967295", "%lu", ULONG_MAX);
    CASE("-9223372036854775808", "%lld", LLONG_MIN);
    CASE("9223372036854775807", "%lld", LLONG_MAX);
    CASE("18446744073709551615", "%llu", ULLONG_MAX);
    CASE("123456789abcdef", "%llx", 0x123456789abcdefULL);
    CASE("0X123456789ABCDEF", "%#llX", 0x123456789abcdefULL);
    CASE("1777777777777777777777", "%llo", ULLONG_MAX);
    CASE("-0000000000000000001", "%020lld", -1LL);
    CASE("4294967295", "%zu", (size_t)-1);
    CASE("-1", "%zd", (ptrdiff_t)-1);
    CASE("-5", "%td", (ptrdiff_t)-5);
    CASE("-9223372036854775808", "%jd", INTMAX_MIN);
    CASE("-1", "%hd", 65535);
    CASE("65535", "%hu", -1);
    CASE("-1", "%hhd", 255);
    CASE("0", "%hhu", 256);
    CASE("7f", "%hhx", 0x17f);
    /* a long long among ints keeps the arguments in step */
    CASE("1 8589934592 3", "%d %lld %d", 1, 8589934592LL, 3);
}

static void test_chars_strings(void)
{
    static const char *volatile null_str = NULL;
    CASE("A", "%c", 'A');
    CASE("  A", "%3c", 'A');
    CASE("A  |", "%-3c|", 'A');
    CASE("abc", "%s", "abc");
    CASE("  abc", "%5s", "abc");
    CASE("abc  |", "%-5s|", "abc");
    CASE("ab", "%.2s", "abc");
    CASE("", "%.0s", "abc");
    CASE("   ab", "%5.2s", "abc");
    CASE("abc", "%.10s", "abc");
    CASE("(null)", "%s", null_str);
    CASE("%", "%%");
    CASE("100%", "%d%%", 100);
    CASE("a%b", "a%%b");
    CASE("", "");
    CASE("no conversions", "no conversions");
    CASE("0x1234", "%p", (void *)0x1234);
    CASE("0xc0000000", "%p", (void *)0xC0000000);
    CASE("(nil)", "%p", (void *)0);
    CASE("  0x10", "%6p", (void *)16);
    CASE("x=1 y=two z=c", "x=%d y=%s z=%c", 1, "two", 'c');
}

static void test_floats(void)
{
    volatile double zero = 0.0;
    CASE("3.14", "%.2f", 3.14159);
    CASE("1.500000", "%f", 1.5);
    CASE("-0.000000", "%f", -0.0);
    CASE("0", "%.0f", 0.5);
    CASE("2", "%.0f", 1.5);
    CASE("2", "%.0f", 2.5);
    CASE("1.", "%#.0f", 1.0);
    CASE("    -3.142", "%10.3f", -3.14159);
    CASE("2.2     |", "%-8.1f|", 2.25);
    CASE("+0.1", "%+.1f", 0.05);
    CASE("0001.50", "%07.2f", 1.5);
    CASE("1e+100", "%g", 1e100);
    CASE("1.234568e+04", "%e", 12345.678);
    CASE("1.2E-05", "%.1E", 1.23e-5);
    CASE("0.0001", "%g", 0.0001);
    CASE("1e-05", "%g", 0.00001);
    CASE("1.23e+03", "%.3g", 1234.5);
    CASE("100000", "%g", 100000.0);
    CASE("1e+06", "%g", 1000000.0);
    CASE("0.5", "%g", 0.5);
    CASE("4294967296.000000", "%f", 4294967296.0);
    CASE("1000000000000000.000000", "%f", 1e15);
    CASE("9007199254740992.000000", "%f", 9007199254740992.0);
    CASE("inf", "%f", 1.0 / zero);
    CASE("-inf", "%f", -1.0 / zero);
    CASE("INF", "%F", 1.0 / zero);
    CASE("nan", "%f", __builtin_fabs(zero / zero));
    CASE("-nan", "%f", -__builtin_fabs(zero / zero));
    CASE("  inf", "%5.1f", 1.0 / zero);
    CASE("0.333333", "%f", 1.0 / 3);
    CASE("0.3333333333", "%.10f", 1.0 / 3);
    CASE("1.000000", "%f", 0.9999999);
    CASE("9.99e+99", "%.2e", 9.99e99);
}

static void test_truncation(void)
{
    char small[8];
    memset(small, 'Z', sizeof(small));
    int n = snprintf(small, 5, "%d", 123456);
    T_EQ(n, 6, "snprintf returns the length it would have written");
    T_OK(strcmp(small, "1234") == 0, "and writes size-1 characters plus NUL");
    T_EQ(small[5], 'Z', "nothing beyond the size");
    n = snprintf(NULL, 0, "%s-%d", "hello", 42);
    T_EQ(n, 8, "snprintf(NULL, 0) measures");
    small[0] = 'Q';
    n = snprintf(small, 0, "abc");
    T_EQ(n, 3, "size 0 writes nothing...");
    T_EQ(small[0], 'Q', "...not even the NUL");
    n = snprintf(small, 1, "abc");
    T_OK(n == 3 && small[0] == '\0', "size 1: just the NUL");
    static char big[5000];
    n = snprintf(big, sizeof(big), "%3000d|%s", 1, "end");
    T_EQ(n, 3004, "a 3000-wide field");
    T_OK(big[2998] == ' ' && big[2999] == '1' && strcmp(big + 3000, "|end") == 0, "laid out right");
    n = sprintf(big, "%s%s%s", "a", "bb", "ccc");
    T_OK(n == 6 && strcmp(big, "abbccc") == 0, "sprintf");
}

int main(void)
{
    t_begin("libc_printf");
    test_integers();
    test_lengths();
    test_chars_strings();
    test_floats();
    test_truncation();
    return t_end();
}
