/*
 * test_kheap.c: host unit test of the kernel heap's allocator core
 * (kernel/mm/kheap.c built with AGORA_HOST_TEST) over a malloc'ed arena.
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

    /* A double free must be refused, not corrupt the heap. */
    void *x = heap_alloc(&h, 100), *y = heap_alloc(&h, 100);
    bool first = heap_free(&h, x), second = heap_free(&h, x);
    check("double_free_refused", first && !second && heap_check(&h) == 0,
          "double free not reported, or it corrupted the heap");
    heap_free(&h, y);
    free(mem);
    printf("host.kheap: %d failed\n", failures);
    return failures != 0;
}
