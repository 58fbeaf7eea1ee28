/*
 * libc_string: <string.h> and the strto* family.
 *
 * mem* with overlaps and unsigned comparison, every alignment and length
 * against a byte-at-a-time reference; str* including the terminator cases;
 * strtok/strtok_r with runs of delimiters; strtol/strtoul/strtoll/strtoull
 * with bases 0/8/16/36, signs, prefixes, end pointers, overflow (LONG_MAX
 * and ERANGE) and bad bases (EINVAL).
 */
#include <agora_test.h>
#include <limits.h>
#include <stdint.h>
#include <strings.h>

/* Keep GCC from folding the calls at compile time: the library must run. */
static void *volatile launder_p;
static const char *S(const char *s)
{
    launder_p = (void *)s;
    return launder_p;
}

static void test_mem(void)
{
    static unsigned char src[300], dst[300], ref[300];
    int ok = 1;
    for (int i = 0; i < 300; i++)
        src[i] = (unsigned char)(i * 7 + 3);
    /* memcpy and memset at every alignment and many lengths */
    for (int so = 0; so < 8 && ok; so++)
        for (int d = 0; d < 8 && ok; d++)
            for (int n = 0; n < 70 && ok; n++) {
                memset(dst, 0xEE, sizeof(dst));
                memcpy(dst + d, src + so, (size_t)n);
                for (int i = 0; i < 300; i++)
                    ref[i] = (i >= d && i < d + n) ? src[so + i - d] : 0xEE;
                ok = memcmp(dst, ref, sizeof(dst)) == 0;
            }
    T_OK(ok, "memcpy: every source/destination alignment 0..7, length 0..69");
    ok = 1;
    for (int d = 0; d < 8 && ok; d++)
        for (int n = 0; n < 70 && ok; n++) {
            memset(dst, 0x11, sizeof(dst));
            ok &= memset(dst + d, 0xA5, (size_t)n) == dst + d;
            for (int i = 0; i < 300; i++)
                ok &= dst[i] == ((i >= d && i < d + n) ? 0xA5 : 0x11);
        }
    T_OK(ok, "memset: every alignment 0..7, length 0..69, returns dst");

    /* memmove both ways */
    char m[32];
    strcpy(m, "0123456789");
    T_OK(memmove(m + 2, m, 8) == m + 2, "memmove returns dst");
    T_OK(memcmp(m, "0101234567", 10) == 0, "memmove forward overlap");
    strcpy(m, "0123456789");
    memmove(m, m + 3, 7);
    T_OK(memcmp(m, "3456789789", 10) == 0, "memmove backward overlap");
    static unsigned char big[4096];
    for (int i = 0; i < 4096; i++)
        big[i] = (unsigned char)i;
    memmove(big + 1, big, 4000);
    ok = big[0] == 0;
    for (int i = 1; i <= 4000; i++)
        ok &= big[i] == (unsigned char)(i - 1);
    T_OK(ok, "memmove of 4000 bytes one byte up");

    T_OK(memcmp(S("abc"), S("abd"), 3) < 0, "memcmp <");
    T_OK(memcmp(S("abd"), S("abc"), 3) > 0, "memcmp >");
    T_EQ(memcmp(S("abc"), S("abd"), 2), 0, "memcmp of the equal prefix");
    T_EQ(memcmp(S("x"), S("y"), 0), 0, "memcmp of 0 bytes");
    T_OK(memcmp(S("\x80"), S("\x01"), 1) > 0, "memcmp compares unsigned bytes");
    const char *hay = S("hello world");
    T_OK(memchr(hay, 'o', 11) == hay + 4, "memchr finds the first");
    T_OK(memchr(hay, 'z', 11) == NULL, "memchr misses");
    T_OK(memchr(hay, 'd', 10) == NULL, "memchr stops at n");
    T_OK(memchr(hay, '\0', 12) == hay + 11, "memchr finds NUL");
    T_OK(memchr(S("\xff"), 0xff, 1) != NULL, "memchr with a byte above 127");
}

static void test_str(void)
{
    char b[64];
    T_EQ(strlen(S("")), 0, "strlen empty");
    T_EQ(strlen(S("hello")), 5, "strlen");
    T_EQ(strnlen(S("hello"), 3), 3, "strnlen capped");
    T_EQ(strnlen(S("hi"), 10), 2, "strnlen short");
    T_OK(strcpy(b, S("abc")) == b && strcmp(b, "abc") == 0, "strcpy returns dst");
    memset(b, 'X', sizeof(b));
    strncpy(b, S("ab"), 5);
    T_OK(memcmp(b, "ab\0\0\0X", 6) == 0, "strncpy pads with NULs up to n");
    memset(b, 'X', sizeof(b));
    strncpy(b, S("abcdef"), 3);
    T_OK(memcmp(b, "abcX", 4) == 0, "strncpy does not terminate a long source");
    strcpy(b, "foo");
    T_OK(strcat(b, S("bar")) == b && strcmp(b, "foobar") == 0, "strcat");
    strncat(b, S("bazqux"), 3);
    T_OK(strcmp(b, "foobarbaz") == 0, "strncat appends n and terminates");
    T_EQ(strcmp(S("abc"), S("abc")), 0, "strcmp equal");
    T_OK(strcmp(S("abc"), S("abd")) < 0, "strcmp <");
    T_OK(strcmp(S("abc"), S("ab")) > 0, "strcmp longer is greater");
    T_OK(strcmp(S("a\x80"), S("a\x01")) > 0, "strcmp compares unsigned");
    T_EQ(strncmp(S("abcX"), S("abcY"), 3), 0, "strncmp within n");
    T_OK(strncmp(S("abcX"), S("abcY"), 4) < 0, "strncmp at n");
    T_EQ(strcasecmp(S("HeLLo"), S("hello")), 0, "strcasecmp");
    T_OK(strncasecmp(S("ABCd"), S("abce"), 4) < 0, "strncasecmp");
    const char *s = S("a,b,,c");
    T_OK(strchr(s, ',') == s + 1, "strchr first");
    T_OK(strrchr(s, ',') == s + 4, "strrchr last");
    T_OK(strchr(s, '\0') == s + 6, "strchr of NUL finds the terminator");
    T_OK(strrchr(s, '\0') == s + 6, "strrchr of NUL too");
    T_OK(strchr(s, 'z') == NULL, "strchr misses");
    const char *h = S("the cat sat");
    T_OK(strstr(h, "cat") == h + 4, "strstr");
    T_OK(strstr(h, "") == h, "strstr of the empty needle is the haystack");
    T_OK(strstr(h, "dog") == NULL, "strstr misses");
    T_OK(strstr(S("aaab"), "aab") != NULL, "strstr with a partial match first");
    T_EQ(strspn(S("aabbcx"), "abc"), 5, "strspn");
    T_EQ(strcspn(S("hello, world"), ", "), 5, "strcspn");
    T_EQ(strcspn(S("abc"), ""), 3, "strcspn with no rejects");
    T_OK(strpbrk(h, "xyzs") == h + 8, "strpbrk");
    char *d = strdup(S("dup me"));
    T_OK(d && strcmp(d, "dup me") == 0, "strdup");
    free(d);
    d = strndup(S("truncate"), 4);
    T_OK(d && strcmp(d, "trun") == 0, "strndup");
    free(d);
    T_OK(strerror(EINVAL) && strlen(strerror(EINVAL)) > 0, "strerror(EINVAL) is a message");
    T_OK(strcmp(strerror(ENOENT), "No such file or directory") == 0, "strerror(ENOENT) as glibc says it");
}

static void test_strtok(void)
{
    char s[] = ",,a,b;;c,,";
    char *t = strtok(s, ",;");
    T_OK(t && strcmp(t, "a") == 0, "strtok skips leading delimiters");
    t = strtok(NULL, ",;");
    T_OK(t && strcmp(t, "b") == 0, "strtok second token");
    t = strtok(NULL, ",;");
    T_OK(t && strcmp(t, "c") == 0, "strtok skips runs of delimiters");
    T_OK(strtok(NULL, ",;") == NULL, "strtok ends with NULL");
    T_OK(strtok(NULL, ",;") == NULL, "and stays NULL");
    char e[] = ";;;";
    T_OK(strtok(e, ";") == NULL, "only delimiters: NULL at once");
    char one[] = "word";
    t = strtok(one, " ");
    T_OK(t == one && strcmp(t, "word") == 0, "no delimiter: the whole string");
    char x[] = "a b", y[] = "1,2";
    char *sx, *sy;
    char *ta = strtok_r(x, " ", &sx), *tb = strtok_r(y, ",", &sy);
    char *ta2 = strtok_r(NULL, " ", &sx), *tb2 = strtok_r(NULL, ",", &sy);
    T_OK(ta && tb && ta2 && tb2 && !strcmp(ta, "a") && !strcmp(tb, "1") && !strcmp(ta2, "b") &&
         !strcmp(tb2, "2"), "strtok_r keeps two scans apart");
}

static void test_strtol(void)
{
    static const struct {
        const char *s;
        int base;
        long want;
        int end;                        /* characters consumed */
        int err;
    } cases[] = {
        { "123", 10, 123, 3, 0 },
        { "-123", 10, -123, 4, 0 },
        { "  +42", 10, 42, 5, 0 },
        { "\t\n 7", 10, 7, 4, 0 },
        { "0x1A", 16, 26, 4, 0 },
        { "0X1a", 0, 26, 4, 0 },
        { "1A", 16, 26, 2, 0 },
        { "012", 0, 10, 3, 0 },
        { "012", 8, 10, 3, 0 },
        { "012", 10, 12, 3, 0 },
        { "08", 0, 0, 1, 0 },           /* octal: 8 is not a digit */
        { "0x", 16, 0, 1, 0 },          /* "0", then "x" is left */
        { "0xg", 0, 0, 1, 0 },
        { "z", 36, 35, 1, 0 },
        { "Zz", 36, 35 * 36 + 35, 2, 0 },
        { "101", 2, 5, 3, 0 },
        { "12abc", 10, 12, 2, 0 },
        { "", 10, 0, 0, 0 },
        { "abc", 10, 0, 0, 0 },
        { "-", 10, 0, 0, 0 },
        { " ", 10, 0, 0, 0 },
        { "2147483647", 10, LONG_MAX, 10, 0 },
        { "-2147483648", 10, LONG_MIN, 11, 0 },
        { "2147483648", 10, LONG_MAX, 10, ERANGE },
        { "-2147483649", 10, LONG_MIN, 11, ERANGE },
        { "99999999999999999999", 10, LONG_MAX, 20, ERANGE },
        { "0x80000000", 0, LONG_MAX, 10, ERANGE },
        { "7fffffff", 16, LONG_MAX, 8, 0 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *end = NULL;
        errno = 0;
        long v = strtol(cases[i].s, &end, cases[i].base);
        int e = errno;
        char what[96], d[128];
        snprintf(what, sizeof(what), "strtol(\"%s\", %d) = %ld, %d chars, errno %d",
                 cases[i].s, cases[i].base, cases[i].want, cases[i].end, cases[i].err);
        snprintf(d, sizeof(d), "got %ld, %d chars, errno %d", v, (int)(end - cases[i].s), e);
        t_check(v == cases[i].want && end == cases[i].s + cases[i].end && e == cases[i].err, what, d);
    }
    char *end;
    const char *s = S("10");
    errno = 0;
    long v = strtol(s, &end, 1);
    T_OK(v == 0 && errno == EINVAL, "strtol base 1: 0, EINVAL");
    errno = 0;
    v = strtol(s, &end, 37);
    T_OK(v == 0 && errno == EINVAL, "strtol base 37: 0, EINVAL");
    T_EQ(strtol(S("55"), NULL, 10), 55, "strtol with endptr NULL");

    errno = 0;
    T_OK(strtoul(S("4294967295"), NULL, 10) == ULONG_MAX && errno == 0, "strtoul(ULONG_MAX)");
    errno = 0;
    T_OK(strtoul(S("4294967296"), NULL, 10) == ULONG_MAX && errno == ERANGE, "strtoul overflow: ULONG_MAX, ERANGE");
    errno = 0;
    T_OK(strtoul(S("-1"), NULL, 10) == ULONG_MAX && errno == 0, "strtoul(\"-1\") is ULONG_MAX (negated), no error");
    errno = 0;
    T_OK(strtoul(S("0xffffffff"), NULL, 0) == 0xffffffffUL && errno == 0, "strtoul hex");
    errno = 0;
    T_OK(strtoll(S("9223372036854775807"), NULL, 10) == LLONG_MAX && errno == 0, "strtoll(LLONG_MAX)");
    errno = 0;
    T_OK(strtoll(S("-9223372036854775808"), NULL, 10) == LLONG_MIN && errno == 0, "strtoll(LLONG_MIN)");
    errno = 0;
    T_OK(strtoll(S("9223372036854775808"), NULL, 10) == LLONG_MAX && errno == ERANGE, "strtoll overflow");
    errno = 0;
    T_OK(strtoll(S("-9223372036854775809"), NULL, 10) == LLONG_MIN && errno == ERANGE, "strtoll underflow");
    errno = 0;
    T_OK(strtoull(S("18446744073709551615"), NULL, 10) == ULLONG_MAX && errno == 0, "strtoull(ULLONG_MAX)");
    errno = 0;
    T_OK(strtoull(S("18446744073709551616"), NULL, 10) == ULLONG_MAX && errno == ERANGE, "strtoull overflow");
    T_OK(strtoull(S("0x123456789abcdef0"), NULL, 16) == 0x123456789abcdef0ULL, "strtoull hex, 64 bits");
    T_EQ(atoi(S("  -17x")), -17, "atoi");
    T_EQ(atol(S("+99")), 99, "atol");
    T_OK(atoll(S("-123456789012")) == -123456789012LL, "atoll");
}

int main(void)
{
    t_begin("libc_string");
    test_mem();
    test_str();
    test_strtok();
    test_strtol();
    return t_end();
}
