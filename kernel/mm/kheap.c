/*
 * kheap.c: the kernel heap. A boundary-tag allocator: every block has a
 * header and a footer holding its size and a used bit, so a freed block
 * merges with free neighbours in O(1); free blocks sit on a doubly linked
 * list searched first-fit. The arena grows at its top when no block fits.
 * Freed memory is poisoned (0x6B) in debug builds so use-after-free shows.
 * heap_free checks the pointer it is given and says what is wrong with it
 * (a double free, a pointer that is no heap block, a damaged footer);
 * kfree panics on any of them, naming its caller: that is a kernel bug.
 *
 *   | hdr: size|used, magic | payload ...              | ftr: size|used |
 *   a free block keeps its list links in the first 8 payload bytes.
 */
#include <kernel/kheap.h>
#include <string.h>

#define HDR 8u
#define FTR 4u
#define USED 1u
#define MAGIC 0xA6081A5u
#define DEAD 0xDEADB10Cu                /* header of a block merged into another */

struct hdr {
    uint32_t size_used;                 /* block size (multiple of 8) | USED */
    uint32_t magic;
};

struct free_links {
    struct hdr *prev, *next;
};

/* Smallest block: header, free-list links, footer (24 bytes on i386). */
#define MIN_BLOCK ((uint32_t)ALIGN_UP(HDR + sizeof(struct free_links) + FTR, 8u))

static inline uint32_t bsize(const struct hdr *b) { return b->size_used & ~7u; }
static inline bool bused(const struct hdr *b) { return b->size_used & USED; }
static inline uint32_t *footer(struct hdr *b) { return (uint32_t *)((char *)b + bsize(b) - FTR); }
static inline struct free_links *links(struct hdr *b) { return (struct free_links *)(b + 1); }

static void set_block(struct hdr *b, uint32_t size, bool used)
{
    b->size_used = size | (used ? USED : 0);
    b->magic = MAGIC;
    *footer(b) = b->size_used;
}

static void list_push(struct heap *h, struct hdr *b)
{
    struct hdr *head = h->free_list;
    links(b)->prev = NULL;
    links(b)->next = head;
    if (head)
        links(head)->prev = b;
    h->free_list = b;
}

static void list_remove(struct heap *h, struct hdr *b)
{
    struct free_links *l = links(b);
    if (l->prev)
        links(l->prev)->next = l->next;
    else
        h->free_list = l->next;
    if (l->next)
        links(l->next)->prev = l->prev;
}

void heap_init(struct heap *h, uintptr_t base, uintptr_t max,
               int (*grow)(struct heap *, uintptr_t, size_t),
               void (*shrink)(struct heap *, uintptr_t, size_t), bool poison)
{
    h->shrink = shrink;
    h->base = h->top = base;
    h->max = max;
    h->grow = grow;
    h->free_list = NULL;
    h->used = 0;
    h->poison = poison;
}

/* Mark b free, merge with free neighbours, and put the result on the list;
 * with trim, give whole pages at the top of the arena back. */
static void release(struct heap *h, struct hdr *b, bool trim)
{
    uint32_t size = bsize(b);
    /* A header swallowed by a merge is marked DEAD, so that a second free
     * of it is recognised instead of passing for a live block. */
    if ((uintptr_t)b + size < h->top) {
        struct hdr *next = (struct hdr *)((char *)b + size);
        if (!bused(next)) {
            list_remove(h, next);
            size += bsize(next);
            next->magic = DEAD;
        }
    }
    if ((uintptr_t)b > h->base) {
        uint32_t prev_tag = *(uint32_t *)((char *)b - FTR);
        if (!(prev_tag & USED)) {
            struct hdr *prev = (struct hdr *)((char *)b - (prev_tag & ~7u));
            list_remove(h, prev);
            size += bsize(prev);
            b->magic = DEAD;
            b = prev;
        }
    }
    /* Give whole pages at the top of the arena back, so the heap does not
     * keep frames it no longer needs (leak checks count free frames). */
    if (trim && (uintptr_t)b + size == h->top && h->shrink) {
        uintptr_t keep = (uintptr_t)b & 4095u ? ALIGN_UP((uintptr_t)b + MIN_BLOCK, 4096u)
                                              : (uintptr_t)b;
        if (keep < h->top) {
            h->shrink(h, keep, h->top - keep);
            h->top = keep;
            size = (uint32_t)(keep - (uintptr_t)b);
            if (size == 0)
                return;
        }
    }
    set_block(b, size, false);
    list_push(h, b);
}

/* Grow the arena by enough pages for a block of need bytes. */
static void extend(struct heap *h, uint32_t need)
{
    size_t bytes = ALIGN_UP(need, 4096u);
    if (h->top + bytes > h->max || h->top + bytes < h->top)
        return;
    if (h->grow(h, h->top, bytes) != 0)
        return;
    struct hdr *b = (struct hdr *)h->top;
    h->top += bytes;
    set_block(b, (uint32_t)bytes, true);
    release(h, b, false);               /* merges with a free block below */
}

void *heap_alloc(struct heap *h, size_t size)
{
    if (size == 0 || size > 0x40000000u)
        return NULL;
    uint32_t need = ALIGN_UP((uint32_t)size + HDR + FTR, 8u);
    if (need < MIN_BLOCK)
        need = MIN_BLOCK;
    for (int attempt = 0; attempt < 2; attempt++) {
        for (struct hdr *b = h->free_list; b; b = links(b)->next) {
            if (bsize(b) < need)
                continue;
            list_remove(h, b);
            uint32_t rest = bsize(b) - need;
            if (rest >= MIN_BLOCK) {
                set_block(b, need, true);
                struct hdr *tail = (struct hdr *)((char *)b + need);
                set_block(tail, rest, false);
                list_push(h, tail);
            } else {
                set_block(b, bsize(b), true);
            }
            h->used += bsize(b);
            return b + 1;
        }
        extend(h, need);
    }
    return NULL;
}

int heap_free(struct heap *h, void *p)
{
    if (!p)
        return HEAP_OK;
    uintptr_t a = (uintptr_t)p;
    if ((a & 7) || a < h->base + HDR || a >= h->top)
        return HEAP_NOT_BLOCK;
    struct hdr *b = (struct hdr *)p - 1;
    if (b->magic == DEAD)
        return HEAP_DOUBLE_FREE;
    if (b->magic != MAGIC)
        return HEAP_NOT_BLOCK;
    if (!bused(b))
        return HEAP_DOUBLE_FREE;
    if (bsize(b) < MIN_BLOCK || bsize(b) > h->top - (uintptr_t)b ||
        *footer(b) != b->size_used)
        return HEAP_OVERRUN;
    h->used -= bsize(b);
    if (h->poison)
        memset(p, KHEAP_POISON, bsize(b) - HDR - FTR);
    release(h, b, true);
    return HEAP_OK;
}

const char *heap_fault_name(int fault)
{
    switch (fault) {
    case HEAP_OK: return "no fault";
    case HEAP_DOUBLE_FREE: return "double free";
    case HEAP_NOT_BLOCK: return "not a heap block (a foreign pointer, or freed and given back)";
    case HEAP_OVERRUN: return "block overrun (its footer is damaged)";
    default: return "unknown fault";
    }
}

int heap_check(struct heap *h)
{
    size_t used = 0, nfree = 0;
    for (uintptr_t a = h->base; a < h->top;) {
        struct hdr *b = (struct hdr *)a;
        if (b->magic != MAGIC || bsize(b) < MIN_BLOCK || *footer(b) != b->size_used)
            return -1;
        if (bused(b))
            used += bsize(b);
        else
            nfree++;
        a += bsize(b);
        if (a > h->top)
            return -2;
    }
    size_t listed = 0;
    for (struct hdr *b = h->free_list; b; b = links(b)->next) {
        if (bused(b))
            return -3;
        listed++;
    }
    if (listed != nfree)
        return -4;
    return used == h->used ? 0 : -5;
}

#ifndef AGORA_HOST_TEST
/* ---- the kernel's heap --------------------------------------------------- */

#include <kernel/pmm.h>
#include <kernel/vm.h>
#include <kernel/console.h>
#include <kernel/ksyms.h>
#include <arch/arch.h>
#include <arch/memlayout.h>
#include <uapi/errno.h>

static struct heap kheap;

static void kheap_shrink(struct heap *h, uintptr_t start, size_t bytes)
{
    (void)h;
    for (size_t off = 0; off < bytes; off += PAGE_SIZE)
        vm_kernel_unmap(start + off);
}

static int kheap_grow(struct heap *h, uintptr_t top, size_t bytes)
{
    for (size_t off = 0; off < bytes; off += PAGE_SIZE) {
        paddr_t pa = pmm_alloc_frame();
        if (!pa) {
            kheap_shrink(h, top, off);
            return -ENOMEM;
        }
        vm_kernel_map(top + off, pa);
    }
    return 0;
}

void kheap_init(void)
{
#ifdef NDEBUG
    bool poison = false;
#else
    bool poison = true;
#endif
    heap_init(&kheap, KHEAP_BASE, KHEAP_BASE + KHEAP_MAX, kheap_grow, kheap_shrink, poison);
}

/* Interrupts are off in kmalloc and kfree (kheap.h): asserted, since
 * nothing else guards the heap. */
void *kmalloc(size_t size)
{
    assert(!arch_irq_enabled());
    return heap_alloc(&kheap, size);
}

/* A bad kfree is a kernel bug: stop, naming the caller (as xv6 does). */
static void __attribute__((noreturn)) bad_free(void *p, int fault, uint32_t ret)
{
    uint32_t off = 0;
    const char *caller = ksym_lookup(ret - 1, &off);   /* inside the call */
    panic("kfree(%p): %s, called from %s+0x%x", p, heap_fault_name(fault),
          caller ? caller : "?", off);
}

void kfree(void *p)
{
    assert(!arch_irq_enabled());
    int fault = heap_free(&kheap, p);
    if (fault != HEAP_OK)
        bad_free(p, fault, (uint32_t)(uintptr_t)__builtin_return_address(0));
}

size_t kheap_used(void) { return kheap.used; }

void *kzalloc(size_t size)
{
    void *p = kmalloc(size);
    if (p)
        memset(p, 0, size);
    return p;
}

int kheap_check(void) { return heap_check(&kheap); }
#endif
