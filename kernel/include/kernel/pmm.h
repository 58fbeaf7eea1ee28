/*
 * pmm.h: the physical memory manager. pmm owns frames. Each frame has a
 * reference count: how many owners hold it (a page-table entry that maps
 * it, a shm segment's frame array, a kernel structure). A frame returns to
 * the free list when its count drops to zero, never before.
 *
 * Frames below DIRECT_MAP_SIZE are "low" (always mapped in the kernel's
 * direct map); frames above are "high" and are reached through kmap().
 */
#ifndef KERNEL_PMM_H
#define KERNEL_PMM_H

#include <kernel/types.h>

#define PFN(pa) ((uint32_t)((pa) >> 12))

struct boot_info;

/* Build the frame table from the memory map, reserving the kernel image,
 * modules, the Multiboot2 information and the framebuffer. */
void pmm_init(const struct boot_info *bi);

/* Allocation and reference counting are called with interrupts off
 * (asserted in the allocations and pmm_unref): nothing else guards the
 * free lists and the counts. */
/* A frame with count 1, or 0 when memory is exhausted. Not zeroed. */
paddr_t pmm_alloc_frame(void);
/* A low frame (inside the direct map), for page tables and kernel data. */
paddr_t pmm_alloc_kframe(void);
void pmm_ref(paddr_t pa);
/* Drop one reference; the frame is freed when the count reaches zero. */
void pmm_unref(paddr_t pa);
uint32_t pmm_refcount(paddr_t pa);

/*
 * The frame table itself, for the page-table loops of fork and exit
 * (vm_share_pages, vm_release_pages), which take and drop a reference per
 * present page, thousands at a time, and so change the counts in place,
 * without the checks (the frames come from page-table entries, which only
 * the kernel writes). Everyone else calls pmm_ref and pmm_unref.
 */
struct frame;
extern struct frame *pmm_frame_table;
/* Put a frame whose count such a loop brought to zero back on its free list. */
void pmm_free_frame(paddr_t pa);

uint32_t pmm_free_frames(void);
uint32_t pmm_total_frames(void);
paddr_t pmm_direct_limit(void);         /* end of the direct-mapped RAM */

/* The bookkeeping core, also built by the host unit tests. */
struct frame {
    uint32_t refcount;
    uint32_t next;                      /* next free frame number, or PMM_NONE */
};
#define PMM_NONE 0xFFFFFFFFu

struct pmm_state {
    struct frame *frames;
    uint32_t nframes;                   /* frame numbers 0..nframes-1 exist */
    uint32_t low_limit_pfn;             /* frames below are low */
    uint32_t free_low, free_high;       /* list heads */
    uint32_t nfree, ntotal;
};

void pmm_core_init(struct pmm_state *s, struct frame *frames, uint32_t nframes,
                   uint32_t low_limit_pfn);
void pmm_core_add_free(struct pmm_state *s, uint32_t pfn);
uint32_t pmm_core_alloc(struct pmm_state *s, bool low_only);
void pmm_core_ref(struct pmm_state *s, uint32_t pfn);
bool pmm_core_unref(struct pmm_state *s, uint32_t pfn);  /* true: freed */
void pmm_core_release(struct pmm_state *s, uint32_t pfn); /* count is 0: free it */

#endif
