/*
 * vm.h: address spaces, their page tables and their regions.
 *
 * The kernel half (0xC0000000 and up) is the same in every address space:
 * its page tables are made once at boot and every page directory points at
 * them. The user half is described by a sorted list of regions; the page
 * tables are only a cache of it, filled by page faults.
 *
 * vm owns regions and page tables. It knows shm only through
 * shm_region_open/shm_region_close and shm_frame (kernel/ipc/shm.h).
 */
#ifndef KERNEL_VM_H
#define KERNEL_VM_H

#include <kernel/types.h>
#include <uapi/agora.h>

#define VM_READ  0x1        /* same values as PROT_READ/WRITE/EXEC */
#define VM_WRITE 0x2
#define VM_EXEC  0x4

enum vm_kind {
    VM_ANON,                /* zero-filled private memory: bss, data copies */
    VM_HEAP,                /* brk area, zero-filled, private */
    VM_STACK,               /* user stack, zero-filled, private */
    VM_SHM,                 /* an attachment of a shm segment */
};

struct shm_segment;

struct vm_region {
    vaddr_t start, end;                 /* page aligned, [start, end) */
    uint32_t prot;                      /* VM_READ | VM_WRITE | VM_EXEC */
    uint32_t maxprot;                   /* what mprotect may grant (shm: the attach mode) */
    enum vm_kind kind;
    struct shm_segment *seg;            /* VM_SHM: the segment */
    uint32_t seg_pgoff;                 /* VM_SHM: segment page at start */
    bool touched;                       /* a page was ever mapped: else unmap has nothing to do */
    struct vm_region *next;             /* sorted by start */
};

/* Regions one address space may have (Linux's vm.max_map_count is 65530;
 * region.c says why agora's is lower). */
#define VM_MAX_MAP_COUNT AGORA_MAX_MAP_COUNT

struct vm_space {
    pde_t *pgdir;                       /* kernel virtual address */
    paddr_t pgdir_pa;
    struct vm_region *regions;
    uint32_t nregions;                  /* regions in the list, <= VM_MAX_MAP_COUNT */
    uint32_t npages;                    /* pages they span (RLIMIT_AS counts these) */
    vaddr_t heap_start, brk;            /* brk() area */
};

/* Boot: build the kernel page tables (direct map, heap, kmap window). */
void vm_init(void);
/* Map the framebuffer at FB_BASE (write-combining not used); returns the va. */
void *vm_map_framebuffer(paddr_t pa, uint32_t size);

/* Reach any physical frame: the direct map, or a temporary window slot. */
void *kmap(paddr_t pa);
void kunmap(void *va);
/* A zeroed frame with count 1, or 0 when memory is out. */
paddr_t vm_alloc_zeroed_frame(void);

/* Map a frame into the kernel heap or stack area; the mapping takes over
 * the caller's reference, and vm_kernel_unmap drops it. */
int vm_kernel_map(vaddr_t va, paddr_t pa);
void vm_kernel_unmap(vaddr_t va);

/* An 8 KiB kernel stack with an unmapped guard page below; returns its
 * top, or 0 when out of memory or slots. */
vaddr_t kstack_alloc(void);
void kstack_free(vaddr_t top);
bool vm_is_kstack_guard(vaddr_t va);
/* Is the kernel address va mapped (backtraces of a broken stack)? */
bool vm_kernel_mapped(vaddr_t va);

struct vm_space *vm_space_create(void);
void vm_space_destroy(struct vm_space *vs);    /* closes every region */
void vm_space_activate(struct vm_space *vs);
/* Duplicate for fork: private pages copied, shm regions shared. */
struct vm_space *vm_space_fork(struct vm_space *src);

/* Page-level primitives. A mapping holds one reference on its frame. */
int vm_map_page(struct vm_space *vs, vaddr_t va, paddr_t pa, uint32_t prot);
void vm_unmap_page(struct vm_space *vs, vaddr_t va);
/* Give the PTE at va (if present) the access prot allows (0: none). */
void vm_protect_page(struct vm_space *vs, vaddr_t va, uint32_t prot);
/* Translate va; returns the PTE (0 if not mapped). */
pte_t vm_lookup_pte(struct vm_space *vs, vaddr_t va);
/* The first page in [va, end) with a present PTE, or end. Skips missing
 * page tables whole, so sparse ranges cost little. */
vaddr_t vm_next_present(struct vm_space *vs, vaddr_t va, vaddr_t end);

/* Regions. */
struct vm_region *vm_region_find(struct vm_space *vs, vaddr_t va);
/* True if [start, end) intersects no region. */
bool vm_range_free(struct vm_space *vs, vaddr_t start, vaddr_t end);
/* Add a region over the free range [start, end). 0; -EINVAL (not free, not
 * user space); -ENOMEM (region limit, the caller's RLIMIT_AS, heap out). */
int vm_region_add(struct vm_space *vs, vaddr_t start, vaddr_t end, uint32_t prot,
                  enum vm_kind kind, struct vm_region **out);
/* Would replacing whatever [start, end) holds by one new region that
 * merges with nothing (shmat) keep vs within the region limit and the
 * caller's RLIMIT_AS? 0 or -ENOMEM. */
int vm_may_map(struct vm_space *vs, vaddr_t start, vaddr_t end);
/* mmap's core: replace [start, end) by zero-filled private memory (merged
 * with like neighbours). 0, or -ENOMEM (limits checked before any change). */
int vm_map_anon(struct vm_space *vs, vaddr_t start, vaddr_t end, uint32_t prot);
/* Remove one region: unmap its pages, close it (shm). */
void vm_region_remove(struct vm_space *vs, struct vm_region *r);
/* Remove [start, end) from the address space, splitting regions that
 * straddle its ends (munmap, SHM_REMAP). 0 or -ENOMEM (a hole inside one
 * region when at the region limit; heap out). */
int vm_unmap_range(struct vm_space *vs, vaddr_t start, vaddr_t end);
/* Describe up to max regions for vmmap; returns how many exist. */
struct agora_region;
int vm_describe(struct vm_space *vs, struct agora_region *out, int max);
/* mprotect: set the protection of [start, end), splitting regions at the
 * ends and merging like neighbours. 0; -ENOMEM if part of the range is
 * unmapped or the splits would pass the region limit; -EACCES if a region
 * may not get prot (a read-only shm attachment asked for write). */
int vm_protect(struct vm_space *vs, vaddr_t start, vaddr_t end, uint32_t prot);
/* Highest hole of size bytes in [low, high), or 0 if none. */
vaddr_t vm_find_hole(struct vm_space *vs, uint32_t size, vaddr_t low, vaddr_t high);

/* Resolve a fault at va (write: a write access). 0; -EFAULT when no region
 * covers va; -EACCES when its region forbids the access; -ENOMEM. */
int vm_fault(struct vm_space *vs, vaddr_t va, bool write);

/* brk(2): returns the new break, or the old one if it cannot move. */
vaddr_t vm_brk(struct vm_space *vs, vaddr_t new_brk);

#endif
