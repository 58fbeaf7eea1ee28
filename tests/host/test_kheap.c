/*
 * test_kheap.c: host unit test of the kernel heap's allocator core
 * (kernel/mm/kheap.c built with AGORA_HOST_TEST) over a malloc'ed arena:
 * allocation, merging, giving pages back, and the faults heap_free reports
 * (double frees, foreign pointers, overruns) without touching the heap.
 */
#include <kernel/kheap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;
static size_t mapped;                   /* bytes the arena holds */

static void check(const char *name, int ok, const char *why)
{
    if (ok)
        printf("PASS host.kheap.%s\n", name);
    else {
        printf("FAIL host.kheap.%s (%s)\n", name, why);
        failures++;
    }
}

static int grow(struct heap *h, uintptr_t top, size_t bytes)
{
    (void)h; (void)top;
    mapped += bytes;
    return 0;
}

static void shrink(struct heap *h, uintptr_t start, size_t bytes)
{
    (void)h; (void)start;
    mapped -= bytes;
}

int main(void)
{
    const size_t arena = 8 << 20;
    uint8_t *mem = aligned_alloc(4096, arena);
    struct heap h;
    heap_init(&h, (uintptr_t)mem, (uintptr_t)mem + arena, grow, shrink, true);

    void *a = heap_alloc(&h, 10);
    check("alloc_small", a && ((uintptr_t)a & 7) == 0, "NULL or misaligned");
    check("zero_size", heap_alloc(&h, 0) == NULL, "size 0 must give NULL");
    check("too_big", heap_alloc(&h, arena * 2) == NULL, "larger than the arena must give NULL");
    heap_free(&h, a);
    check("poison", ((uint8_t *)a)[0] == KHEAP_POISON || mapped == 0, "freed memory not poisoned");
    check("shrinks_back", mapped == 0 && h.used == 0, "arena should give every page back");

    /* Random stress with content checks. */
    enum { N = 512 };
    static void *p[N];
    static size_t len[N];
    unsigned seed = 1;
    int ok = 1;
    for (int round = 0; round < 100000 && ok; round++) {
        seed = seed * 1103515245 + 12345;
        int i = (seed >> 8) % N;
        if (p[i]) {
            for (size_t k = 0; k < len[i]; k++)
                if (((uint8_t *)p[i])[k] != (uint8_t)(i ^ k))
                    ok = 0;
            heap_free(&h, p[i]);
            p[i] = NULL;
        } else {
            seed = seed * 1103515245 + 12345;
            len[i] = 1 + (seed >> 8) % ((seed & 0x300) ? 200 : 30000);
            p[i] = heap_alloc(&h, len[i]);
            if (!p[i]) { ok = 0; break; }
            for (size_t k = 0; k < len[i]; k++)
                ((uint8_t *)p[i])[k] = (uint8_t)(i ^ k);
        }
        if (round % 1000 == 0 && heap_check(&h) != 0)
            ok = 0;
    }
    check("random_stress", ok, "content corrupted, allocation failed or structure broken");
    for (int i = 0; i < N; i++)
        heap_free(&h, p[i]);
    check("consistent", heap_check(&h) == 0, "heap_check failed after freeing");
    check("all_returned", h.used == 0 && mapped == 0, "pages still held after freeing everything");

    /* A double free is reported, and the heap is left as it was. */
    void *x = heap_alloc(&h, 100), *y = heap_alloc(&h, 100);
    check("free_ok", heap_free(&h, x) == HEAP_OK, "a good free reported a fault");
    check("double_free_reported", heap_free(&h, x) == HEAP_DOUBLE_FREE,
          "a double free was not reported as one");
    check("double_free_refused", heap_check(&h) == 0, "double free corrupted the heap");
    heap_free(&h, y);

    /* A double free of a block that was merged into its free neighbours:
     * its stale header must not pass for a live block. */
    void *a4 = heap_alloc(&h, 64), *b4 = heap_alloc(&h, 64), *c4 = heap_alloc(&h, 64);
    void *d4 = heap_alloc(&h, 64);      /* keeps the arena from shrinking */
    heap_free(&h, a4);
    heap_free(&h, c4);
    heap_free(&h, b4);                  /* a4, b4 and c4 become one block */
    size_t used = h.used;
    int fault = heap_free(&h, b4);
    check("double_free_merged_refused", heap_check(&h) == 0 && h.used == used,
          "a double free of a merged block corrupted the heap");
    check("double_free_merged_reported", fault == HEAP_DOUBLE_FREE,
          "a double free of a merged block was not reported as one");
    check("double_free_next_merged_reported", heap_free(&h, c4) == HEAP_DOUBLE_FREE,
          "a double free of a block merged into the one below was not reported");

    /* Pointers that are no heap block at all. */
    int local;
    uint8_t *live = heap_alloc(&h, 64);
    struct { const char *name; void *p; int want; } bad[] = {
        { "foreign_stack", &local, HEAP_NOT_BLOCK },
        { "foreign_below_arena", mem, HEAP_NOT_BLOCK },
        { "foreign_beyond_top", (void *)(h.top + 64), HEAP_NOT_BLOCK },
        { "foreign_misaligned", live + 1, HEAP_NOT_BLOCK },
        { "foreign_inside_block", live + 16, HEAP_NOT_BLOCK },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        used = h.used;
        char why[96];
        int got = heap_free(&h, bad[i].p);
        snprintf(why, sizeof(why), "got %d (%s), want %d", got, heap_fault_name(got),
                 bad[i].want);
        check(bad[i].name, got == bad[i].want && h.used == used && heap_check(&h) == 0, why);
    }
    check("free_null", heap_free(&h, NULL) == HEAP_OK, "free(NULL) reported a fault");

    /* Writing past the end of a block damages its footer (a 64-byte request
     * has 68 bytes of payload, then the footer): reported. */
    uint8_t save[6];
    memcpy(save, live + 64, sizeof(save));
    memset(live + 64, 0x55, sizeof(save));
    used = h.used;
    check("overrun_reported", heap_free(&h, live) == HEAP_OVERRUN && h.used == used,
          "a block with a damaged footer was freed");
    memcpy(live + 64, save, sizeof(save));
    check("free_after_repair", heap_free(&h, live) == HEAP_OK, "the repaired block was not freed");
    heap_free(&h, d4);
    check("all_returned_at_end", heap_check(&h) == 0 && h.used == 0 && mapped == 0,
          "the heap is not empty and sane after the fault checks");
    free(mem);
    printf("host.kheap: %d failed\n", failures);
    return failures != 0;
}
