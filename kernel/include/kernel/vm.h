/*
 * vm.h: address spaces, their page tables and their regions.
 *
 * The kernel half (0xC0000000 and up) is the same in every address space:
 * its page tables are made once at boot and every page directory points at
 * them. The user half is described by a sorted list of regions; the page
 * tables are only a cache of it, filled by page faults.
 *
 * vm owns regions and page tables. A region maps a memory object
 * (kernel/vm_object.h); vm knows nothing of what the object is for, so
 * System V shm (kernel/ipc/shm.c) is one user of this API among others.
 */
#ifndef KERNEL_VM_H
#define KERNEL_VM_H

#include <kernel/types.h>
#include <kernel/vm_object.h>
#include <uapi/agora.h>
#include <arch/mmu.h>

#define VM_READ  0x1        /* same values as PROT_READ/WRITE/EXEC */
#define VM_WRITE 0x2
#define VM_EXEC  0x4

/* Region flags. */
#define VM_SHARED 0x10      /* writes reach the object (shm, MAP_SHARED); else the
                               region is private: copy-on-write */
#define VM_HEAP   0x20      /* the brk area (what vmmap calls it, nothing more) */
#define VM_STACK  0x40      /* the user stack (likewise) */
#define VM_NOREPLACE 0x80   /* vm_map_object only: fail with -EEXIST rather than
                               replace a mapping (not kept in the region) */

struct vm_region {
    vaddr_t start, end;                 /* page aligned, [start, end) */
    uint32_t prot;                      /* VM_READ | VM_WRITE | VM_EXEC */
    uint32_t maxprot;                   /* what mprotect may grant (shm: the attach mode) */
    uint32_t flags;                     /* VM_SHARED, VM_HEAP, VM_STACK */
    struct vm_object *obj;              /* what it maps */
    uint32_t pgoff;                     /* the object's page at start */
    vaddr_t zero_from;                  /* private file regions: bytes from here on read
                                           zero (exec's bss in a data page); 0: none */
    vaddr_t mapped_lo, mapped_hi;       /* every page it ever mapped lies in
                                           [mapped_lo, mapped_hi): fork, unmap and
                                           exit look nowhere else (equal: none) */
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
    uint32_t tables[KERNEL_PDX / 32];   /* bit i: user page table i exists */
};

/* Boot: build the kernel page tables (direct map, heap, kmap window). */
void vm_init(void);
/* Map the framebuffer at FB_BASE (write-combining not used); returns the va. */
void *vm_map_framebuffer(paddr_t pa, uint32_t size);
/*
 * Map size bytes of physical memory at pa for the kernel, for good: device
 * registers (uncached: caching off, as memory-mapped I/O needs) or firmware
 * tables (cached; RAM inside the direct map is returned from there). Any
 * time after vm_init. Returns the address of pa, or NULL when the 16 MiB
 * window (PHYSMAP_BASE) is full. Nothing is ever unmapped.
 */
void *vm_map_phys(paddr_t pa, uint32_t size, bool uncached);

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
/* Duplicate for fork: private pages shared read-only (copy-on-write),
 * shared regions shared as they are; every region's object opened. */
struct vm_space *vm_space_fork(struct vm_space *src);

/* Page-level primitives (vm.c). A mapping holds one reference on its frame. */
/* The page-table entry for va, with its page table made if create; NULL
 * when there is none (or no frame for a new table). */
pte_t *vm_pte(struct vm_space *vs, vaddr_t va, bool create);
/* The entry bits for a user page with protections prot (0: none at all). */
static inline pte_t vm_pte_bits(uint32_t prot)
{
    return PTE_P | (prot ? PTE_U : 0) | ((prot & VM_WRITE) ? PTE_W : 0);
}
/* Map pa at va; the mapping takes a reference of its own. */
int vm_map_page(struct vm_space *vs, vaddr_t va, paddr_t pa, uint32_t prot);
/* Map pa at va, handing the caller's reference to the mapping. -ENOMEM
 * (the reference is dropped) when there is no frame for the page table. */
int vm_install_page(struct vm_space *vs, vaddr_t va, paddr_t pa, uint32_t prot);
void vm_unmap_page(struct vm_space *vs, vaddr_t va);
/* Give the PTE at va (if present) the access prot allows (0: none). */
void vm_protect_page(struct vm_space *vs, vaddr_t va, uint32_t prot);
/* Translate va; returns the PTE (0 if not mapped). */
pte_t vm_lookup_pte(struct vm_space *vs, vaddr_t va);
/* The first page in [va, end) with a present PTE, or end. Skips missing
 * page tables whole, so sparse ranges cost little. */
vaddr_t vm_next_present(struct vm_space *vs, vaddr_t va, vaddr_t end);
/* fork: give dst the present pages of [start, end) of src, read-only in
 * both (each frame one reference more). 0 or -ENOMEM. */
int vm_share_pages(struct vm_space *dst, struct vm_space *src, vaddr_t start, vaddr_t end);
/* exit: drop the reference of every present page of [start, end), leaving
 * the entries to be freed with their tables (vm_space_destroy). */
void vm_release_pages(struct vm_space *vs, vaddr_t start, vaddr_t end);
/* The CPU may hold stale translations of vs: drop them (after fork). */
void vm_flush(struct vm_space *vs);
/* The same for the page at va alone. */
void vm_flush_page(struct vm_space *vs, vaddr_t va);

/* Regions (region.c). */
/* vm_space_destroy's half: close and free every region, leaving the page
 * tables (and the frames they hold) to the caller. */
void vm_regions_drop(struct vm_space *vs);
struct vm_region *vm_region_find(struct vm_space *vs, vaddr_t va);
/* True if [start, end) intersects no region. */
bool vm_range_free(struct vm_space *vs, vaddr_t start, vaddr_t end);
/*
 * Map pages [pgoff, pgoff + (end - start) / PAGE_SIZE) of obj at [start, end),
 * replacing whatever was there, with protections prot (at most maxprot
 * later) and flags (VM_SHARED...). The new region opens obj. Private zero-
 * fill regions merge with like neighbours. 0; -EINVAL (outside user
 * space); -EEXIST (VM_NOREPLACE and [start, end) is not free); -ENOMEM (the region limit or the caller's RLIMIT_AS, checked
 * before anything changes; the kernel heap).
 */
int vm_map_object(struct vm_space *vs, vaddr_t start, vaddr_t end, uint32_t prot,
                  uint32_t maxprot, uint32_t flags, struct vm_object *obj, uint32_t pgoff);
/* exec: a private mapping of file pages like vm_map_object's, whose bytes
 * from zero_from on (the start of the bss, inside the last page) read zero. */
int vm_map_image(struct vm_space *vs, vaddr_t start, vaddr_t end, uint32_t prot,
                 struct vm_object *obj, uint32_t pgoff, vaddr_t zero_from);
/* Private zero-filled memory over [start, end) (mmap, exec), the same way. */
int vm_map_anon(struct vm_space *vs, vaddr_t start, vaddr_t end, uint32_t prot, uint32_t flags);
/*
 * Undo the mapping of an object of type ops whose page 0 is (or was) at
 * addr: the first region at or above addr that maps such an object at the
 * right distance names the object, and every piece of it so placed in
 * [addr, addr + its size) goes (shmdt). 0, or -EINVAL if there is none.
 */
int vm_unmap_object(struct vm_space *vs, vaddr_t addr, const struct vm_object_ops *ops);
/* Remove [start, end) from the address space, splitting regions that
 * straddle its ends (munmap). 0 or -ENOMEM (a hole inside one region when
 * at the region limit; heap out). */
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
/* Where mmap and shmat put a mapping the caller placed nowhere: the
 * highest hole of size bytes between the break and the stack; 0 if none. */
vaddr_t vm_place(struct vm_space *vs, uint32_t size);

/* Resolve a fault at va (write: a write access). 0; -EFAULT when no region
 * covers va; -EACCES when its region forbids the access; -EIO when va lies
 * past the end of the object (SIGBUS); -ENOMEM when no frame is left. */
int vm_fault(struct vm_space *vs, vaddr_t va, bool write);

/* brk(2): returns the new break, or the old one if it cannot move. */
vaddr_t vm_brk(struct vm_space *vs, vaddr_t new_brk);

#endif
