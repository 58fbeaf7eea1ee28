/*
 * test_pmm.c: host unit test of the frame allocator's bookkeeping
 * (kernel/mm/pmm.c built with AGORA_HOST_TEST: the core only).
 */
#include <kernel/pmm.h>
#include <stdio.h>
#include <stdlib.h>

static int failures;

static void check(const char *name, int ok, const char *why)
{
    if (ok)
        printf("PASS host.pmm.%s\n", name);
    else {
        printf("FAIL host.pmm.%s (%s)\n", name, why);
        failures++;
    }
}

int main(void)
{
    enum { N = 1000, LOW = 600 };
    static struct frame frames[N];
    struct pmm_state s;
    pmm_core_init(&s, frames, N, LOW);
    /* frames 0..99 reserved (never added), like the first MiB */
    for (uint32_t pfn = N - 1; pfn >= 100; pfn--)
        pmm_core_add_free(&s, pfn);
    check("counts_after_init", s.nfree == 900 && s.ntotal == 900, "900 free frames expected");

    /* High frames are handed out first, low only when asked or when high runs out. */
    uint32_t a = pmm_core_alloc(&s, false);
    uint32_t b = pmm_core_alloc(&s, true);
    check("high_first", a >= LOW, "a plain allocation should prefer a high frame");
    check("low_only", b < LOW && b >= 100, "a low allocation must be below the limit");
    check("count_one", frames[a].refcount == 1 && frames[b].refcount == 1, "new frames count 1");

    /* Reference counting: freed only at zero. */
    pmm_core_ref(&s, a);
    int freed1 = pmm_core_unref(&s, a);
    int freed2 = pmm_core_unref(&s, a);
    check("refcount_frees_at_zero", !freed1 && freed2, "frame freed before its count reached zero");
    pmm_core_unref(&s, b);
    check("counts_restored", s.nfree == 900, "free count not restored");

    /* Drain everything: every frame exactly once, none reserved. */
    static unsigned char seen[N];
    uint32_t n = 0, pfn;
    int dup = 0, reserved = 0;
    while ((pfn = pmm_core_alloc(&s, false)) != PMM_NONE) {
        dup |= seen[pfn]++;
        reserved |= pfn < 100;
        n++;
    }
    check("drain_all", n == 900 && !dup && !reserved, "frames lost, duplicated or reserved ones handed out");
    check("empty", pmm_core_alloc(&s, true) == PMM_NONE && s.nfree == 0, "allocator should be empty");
    for (pfn = 100; pfn < N; pfn++)
        pmm_core_unref(&s, pfn);
    check("refill", s.nfree == 900, "free count after freeing all");
    printf("host.pmm: %d failed\n", failures);
    return failures != 0;
}
