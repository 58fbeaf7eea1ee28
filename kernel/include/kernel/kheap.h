/*
 * kheap.h: kmalloc/kfree for any size. Blocks come from a virtual arena at
 * KHEAP_BASE that grows a page at a time (frames from pmm).
 */
#ifndef KERNEL_KHEAP_H
#define KERNEL_KHEAP_H

#include <kernel/types.h>

void kheap_init(void);
/* 8-byte aligned memory, or NULL when out of memory. Not zeroed. These
 * three are called with interrupts off (asserted). */
void *kmalloc(size_t size);
void *kzalloc(size_t size);
/* Free a block from kmalloc (NULL is fine). A double free, a pointer that
 * is not a live block, or a damaged block is a kernel bug: kfree panics
 * with the fault and its caller's name. */
void kfree(void *p);
size_t kheap_used(void);                /* bytes in allocated blocks */
int kheap_check(void);                  /* heap_check of the kernel heap */

/* The allocator core, also built by the host unit tests. */
struct heap {
    uintptr_t base, top, max;           /* arena [base, top), may grow to max */
    /* Make [top, top + bytes) usable; 0 or -ENOMEM. */
    int (*grow)(struct heap *h, uintptr_t top, size_t bytes);
    /* Give back the pages of [start, start + bytes); may be NULL. */
    void (*shrink)(struct heap *h, uintptr_t start, size_t bytes);
    void *free_list;
    size_t used;
    bool poison;                        /* fill freed memory with 0x6B */
};

void heap_init(struct heap *h, uintptr_t base, uintptr_t max,
               int (*grow)(struct heap *, uintptr_t, size_t),
               void (*shrink)(struct heap *, uintptr_t, size_t), bool poison);
void *heap_alloc(struct heap *h, size_t size);
/* What heap_free found: HEAP_OK (the block is freed, or p was NULL), or a
 * fault, and then the heap is left as it was. */
enum heap_fault { HEAP_OK, HEAP_DOUBLE_FREE, HEAP_NOT_BLOCK, HEAP_OVERRUN };
int heap_free(struct heap *h, void *p);
const char *heap_fault_name(int fault);
/* Walk every block and check headers, footers and the free list: 0 if sane. */
int heap_check(struct heap *h);

#define KHEAP_POISON 0x6B

#endif
