/*
 * libc_stdlib: the allocator, sorting and searching, the environment and
 * the random-number generator.
 *
 * malloc/calloc/realloc/free under a seeded random workload, every block
 * filled with a pattern of its own and checked before it is freed or
 * resized (so overlaps and corrupted headers show); alignment; calloc
 * zeroes recycled memory; realloc keeps the prefix when growing and
 * shrinking. qsort/bsearch against known answers; setenv/getenv/unsetenv/
 * putenv; srand/rand reproducibility.
 */
#include <agora_test.h>
#include <stdint.h>

static uint32_t rng = 2463534242u;

static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

#define SLOTS 256

static struct {
    unsigned char *p;
    size_t n;
    unsigned char tag;
} slot[SLOTS];

static void fill(int i)
{
    for (size_t k = 0; k < slot[i].n; k++)
        slot[i].p[k] = (unsigned char)(slot[i].tag + k * 31);
}

static int intact(int i, size_t upto)
{
    for (size_t k = 0; k < upto && k < slot[i].n; k++)
        if (slot[i].p[k] != (unsigned char)(slot[i].tag + k * 31))
            return 0;
    return 1;
}

static size_t random_size(void)
{
    switch (next() % 8) {
    case 0: return next() % 16 + 1;
    case 1: return next() % 64000 + 1;              /* big ones too */
    default: return next() % 600 + 1;
    }
}

static void test_malloc_stress(void)
{
    int corrupt = 0, misaligned = 0, failed = 0;
    for (int op = 0; op < 6000; op++) {
        int i = (int)(next() % SLOTS);
        if (!slot[i].p) {
            size_t n = random_size();
            slot[i].p = (next() & 1) ? malloc(n) : calloc(1, n);
            if (!slot[i].p) {
                failed++;
                continue;
            }
            if ((uintptr_t)slot[i].p % 8)
                misaligned++;
            slot[i].n = n;
            slot[i].tag = (unsigned char)next();
            fill(i);
        } else if (next() % 3 == 0) {
            if (!intact(i, slot[i].n))
                corrupt++;
            size_t n = random_size();
            size_t keep = n < slot[i].n ? n : slot[i].n;
            unsigned char *q = realloc(slot[i].p, n);
            if (!q) {
                failed++;
                continue;
            }
            slot[i].p = q;
            if (!intact(i, keep))
                corrupt++;              /* realloc lost the prefix */
            slot[i].n = n;
            fill(i);
            if ((uintptr_t)q % 8)
                misaligned++;
        } else {
            if (!intact(i, slot[i].n))
                corrupt++;
            free(slot[i].p);
            slot[i].p = NULL;
        }
    }
    for (int i = 0; i < SLOTS; i++) {
        if (slot[i].p && !intact(i, slot[i].n))
            corrupt++;
        free(slot[i].p);
        slot[i].p = NULL;
    }
    T_EQ(failed, 0, "6000 random malloc/calloc/realloc/free: no allocation failed");
    T_EQ(corrupt, 0, "no block's content was disturbed (patterns checked before free/realloc)");
    T_EQ(misaligned, 0, "every block is 8-byte aligned");
}

static void test_malloc_edges(void)
{
    /* calloc returns zeroed memory even when it recycles a dirty block */
    for (int round = 0; round < 4; round++) {
        size_t n = round < 2 ? 200 : 100000;
        unsigned char *d = malloc(n);
        if (d)
            memset(d, 0xFF, n);
        free(d);
        unsigned char *z = calloc(n, 1);
        int zero = z != NULL;
        for (size_t k = 0; z && k < n; k++)
            zero &= z[k] == 0;
        char what[64];
        snprintf(what, sizeof(what), "calloc(%zu) after a dirty free is all zero", n);
        T_OK(zero, what);
        free(z);
    }
    /* realloc growth and shrink keep the prefix */
    char *p = malloc(10);
    memcpy(p, "0123456789", 10);
    p = realloc(p, 100000);
    T_OK(p && memcmp(p, "0123456789", 10) == 0, "realloc 10 -> 100000 keeps the bytes");
    p[99999] = 'e';
    p = realloc(p, 5);
    T_OK(p && memcmp(p, "01234", 5) == 0, "realloc 100000 -> 5 keeps the prefix");
    char *q = realloc(NULL, 32);
    T_OK(q != NULL, "realloc(NULL, 32) allocates");
    free(q);
    free(p);
    free(NULL);
    T_OK(1, "free(NULL) is harmless");
    void *z0 = malloc(0), *z1 = malloc(0);
    T_OK(z0 == NULL || z0 != z1, "malloc(0): NULL or a unique pointer");
    free(z0);
    free(z1);
    /* many small blocks, freed in reverse, then one big block fits */
    static void *v[2000];
    int got = 0;
    for (int i = 0; i < 2000; i++)
        got += (v[i] = malloc(24)) != NULL;
    for (int i = 1999; i >= 0; i--)
        free(v[i]);
    T_EQ(got, 2000, "2000 small blocks");
    void *big = malloc(40000);
    T_OK(big != NULL, "a 40000-byte block after freeing them");
    free(big);
    void *al = NULL;
    T_EQ(posix_memalign(&al, 4096, 100), 0, "posix_memalign(4096)");
    T_OK(al && (uintptr_t)al % 4096 == 0, "is 4096-aligned");
    free(al);
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

struct rec {
    int key;
    char name[8];
};

static int cmp_rec(const void *a, const void *b)
{
    return cmp_int(&((const struct rec *)a)->key, &((const struct rec *)b)->key);
}

static void test_sort_search(void)
{
    static int a[3000];
    long sum = 0, sum2 = 0;
    for (int i = 0; i < 3000; i++) {
        a[i] = (int)(next() % 1000) - 500;      /* many duplicates */
        sum += a[i];
    }
    qsort(a, 3000, sizeof(int), cmp_int);
    int sorted = 1;
    for (int i = 0; i < 3000; i++) {
        sum2 += a[i];
        if (i && a[i - 1] > a[i])
            sorted = 0;
    }
    T_OK(sorted, "qsort of 3000 ints with duplicates: sorted");
    T_EQ(sum2, sum, "and the same multiset (sum kept)");
    int desc[200];
    for (int i = 0; i < 200; i++)
        desc[i] = 200 - i;
    qsort(desc, 200, sizeof(int), cmp_int);
    int ok = 1;
    for (int i = 0; i < 200; i++)
        ok &= desc[i] == i + 1;
    T_OK(ok, "qsort of a reversed array");
    int one = 5;
    qsort(&one, 1, sizeof(int), cmp_int);
    qsort(NULL, 0, sizeof(int), cmp_int);
    T_EQ(one, 5, "qsort of 1 and 0 elements");
    struct rec r[5] = { { 3, "c" }, { 1, "a" }, { 5, "e" }, { 2, "b" }, { 4, "d" } };
    qsort(r, 5, sizeof(r[0]), cmp_rec);
    T_OK(r[0].key == 1 && !strcmp(r[0].name, "a") && r[4].key == 5 && !strcmp(r[4].name, "e"),
         "qsort of structs moves whole records");

    int s[100];
    for (int i = 0; i < 100; i++)
        s[i] = i * 2;
    int key = 42;
    int *f = bsearch(&key, s, 100, sizeof(int), cmp_int);
    T_OK(f == &s[21], "bsearch finds 42 at index 21");
    key = 43;
    T_OK(bsearch(&key, s, 100, sizeof(int), cmp_int) == NULL, "bsearch misses 43");
    key = 0;
    T_OK(bsearch(&key, s, 100, sizeof(int), cmp_int) == &s[0], "bsearch finds the first element");
    key = 198;
    T_OK(bsearch(&key, s, 100, sizeof(int), cmp_int) == &s[99], "bsearch finds the last element");
    T_OK(bsearch(&key, s, 0, sizeof(int), cmp_int) == NULL, "bsearch in an empty array");
}

static void test_env(void)
{
    T_OK(getenv("AGORA_NO_SUCH_VAR") == NULL, "getenv of an unset variable");
    T_EQ(setenv("AGORA_T", "one", 1), 0, "setenv");
    T_OK(getenv("AGORA_T") && strcmp(getenv("AGORA_T"), "one") == 0, "getenv sees it");
    T_EQ(setenv("AGORA_T", "two", 0), 0, "setenv without overwrite");
    T_OK(strcmp(getenv("AGORA_T"), "one") == 0, "keeps the old value");
    T_EQ(setenv("AGORA_T", "three", 1), 0, "setenv with overwrite");
    T_OK(strcmp(getenv("AGORA_T"), "three") == 0, "replaces it");
    T_OK(getenv("AGORA_") == NULL && getenv("AGORA_TT") == NULL, "getenv matches whole names only");
    T_EQ(setenv("AGORA_E", "", 1), 0, "setenv to the empty string");
    T_OK(getenv("AGORA_E") && getenv("AGORA_E")[0] == '\0', "an empty value is not unset");
    T_EQ(unsetenv("AGORA_T"), 0, "unsetenv");
    T_OK(getenv("AGORA_T") == NULL, "gone");
    T_EQ(unsetenv("AGORA_T"), 0, "unsetenv of an unset variable is fine");
    T_ERRNO(setenv("A=B", "x", 1), EINVAL, "setenv with '=' in the name");
    T_ERRNO(setenv("", "x", 1), EINVAL, "setenv with an empty name");
    static char pe[] = "AGORA_P=put";
    T_EQ(putenv(pe), 0, "putenv");
    T_OK(getenv("AGORA_P") && strcmp(getenv("AGORA_P"), "put") == 0, "getenv after putenv");
    pe[8] = 'P';
    T_OK(strcmp(getenv("AGORA_P"), "Put") == 0, "putenv uses the caller's string itself");
    for (int i = 0; i < 100; i++) {
        char name[16];
        snprintf(name, sizeof(name), "AGORA_V%d", i);
        setenv(name, name, 1);
    }
    int all = 1;
    for (int i = 0; i < 100; i++) {
        char name[16];
        snprintf(name, sizeof(name), "AGORA_V%d", i);
        all &= getenv(name) && strcmp(getenv(name), name) == 0;
    }
    T_OK(all, "100 variables set and read back");
}

static void test_rand(void)
{
    int a[10], b[10], c[10];
    srand(42);
    for (int i = 0; i < 10; i++)
        a[i] = rand();
    srand(42);
    for (int i = 0; i < 10; i++)
        b[i] = rand();
    srand(43);
    for (int i = 0; i < 10; i++)
        c[i] = rand();
    T_OK(memcmp(a, b, sizeof(a)) == 0, "srand(42) twice: the same sequence");
    T_OK(memcmp(a, c, sizeof(a)) != 0, "srand(43): a different one");
    int inrange = 1, distinct = 0;
    for (int i = 0; i < 1000; i++) {
        int r = rand();
        inrange &= r >= 0 && r <= RAND_MAX;
    }
    for (int i = 1; i < 10; i++)
        distinct += a[i] != a[i - 1];
    T_OK(inrange, "rand() stays in 0..RAND_MAX");
    T_OK(distinct >= 8, "rand() varies");
    T_OK(RAND_MAX >= 32767, "RAND_MAX >= 32767");
    unsigned s1 = 7, s2 = 7;
    int r1 = rand_r(&s1), r2 = rand_r(&s2);
    T_OK(r1 == r2 && s1 == s2, "rand_r is reproducible from the same seed");
    /* a forked child continues the same sequence */
    srand(99);
    int want = rand();
    srand(99);
    pid_t pid = fork();
    if (pid == 0)
        _exit(rand() == want ? 0 : 1);
    int st;
    waitpid(pid, &st, 0);
    T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a child inherits the generator's state");
}

int main(void)
{
    t_begin("libc_stdlib");
    test_malloc_stress();
    test_malloc_edges();
    test_sort_search();
    test_env();
    test_rand();
    return t_end();
}
