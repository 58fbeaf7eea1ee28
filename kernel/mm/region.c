/*
 * region.c: the regions of a user address space, and the page faults,
 * brk and fork that work on them.
 *
 * Regions are kept in a list sorted by start address and never overlap.
 * Each maps a run of pages of a memory object (kernel/vm_object.h), and
 * page-table entries are created lazily by vm_fault, which asks the object
 * for the frame. A region is private (copy-on-write) or shared (VM_SHARED):
 *
 *   - shared: the object's frame is mapped with the region's protections,
 *     and every process mapping the object sees every write;
 *   - private: a zero-fill page is the process's own from the start; a
 *     file page is mapped read-only until the first write copies it; and
 *     after fork, parent and child map the same frames read-only until the
 *     first write in either copies the page, or takes it over when no one
 *     else maps it any more (its frame's count is 1).
 *
 * A region opens its object when it comes into being (a new mapping,
 * fork, the upper half of a split) and closes it when it goes.
 *
 * Limits. Every region is a kernel-heap block, so a process may have at
 * most VM_MAX_MAP_COUNT of them (Linux's vm.max_map_count, lower here: see
 * below), and the pages its regions span may not pass its RLIMIT_AS. An
 * mmap, mprotect, munmap, brk, shmat or exec that would go beyond either
 * gives -ENOMEM and changes nothing; fork copies regions without checks,
 * as Linux does. Adjacent private zero-fill regions that come to agree
 * (same flags and protections) are merged, as Linux merges VMAs.
 */
#include <kernel/vm.h>
#include <kernel/pmm.h>
#include <kernel/kheap.h>
#include <kernel/console.h>
#include <kernel/proc.h>
#include <arch/arch.h>
#include <arch/mmu.h>
#include <arch/memlayout.h>
#include <uapi/errno.h>
#include <uapi/agora.h>
#include <string.h>

struct vm_region *vm_region_find(struct vm_space *vs, vaddr_t va)
{
    for (struct vm_region *r = vs->regions; r && r->start <= va; r = r->next)
        if (va < r->end)
            return r;
    return NULL;
}

bool vm_range_free(struct vm_space *vs, vaddr_t start, vaddr_t end)
{
    for (struct vm_region *r = vs->regions; r && r->start < end; r = r->next)
        if (start < r->end)
            return false;
    return true;
}

/*
 * Linux allows 65530 regions per process. Here a region is a heap block of
 * 48 bytes (struct vm_region and the allocator's tags), so 65530 would be
 * 3 MiB per process and 192 MiB for a full process table: three times the
 * whole 64 MiB heap, and a few processes could starve everyone. agora
 * allows 4096 (AGORA_MAX_MAP_COUNT): a full table of processes, each at
 * the limit, holds 12 MiB of heap, and the rest stays for everything else.
 */
#define REGION_BLOCK ALIGN_UP(sizeof(struct vm_region) + 12, 8)    /* kheap.c: header 8, footer 4 */
_Static_assert((uint64_t)NPROC * VM_MAX_MAP_COUNT * REGION_BLOCK <= KHEAP_MAX / 4,
               "regions of a full process table must fit in a quarter of the heap");

/* May vs, with its regions changed by delta and its pages by dpages,
 * stay within the region limit and the caller's RLIMIT_AS? */
static bool within_limits(const struct vm_space *vs, int delta, int64_t dpages)
{
    if ((int64_t)vs->nregions + delta > VM_MAX_MAP_COUNT)
        return false;
    uint32_t as_pages = proc_rlimit(current, RLIMIT_AS) >> PAGE_SHIFT;
    return dpages <= 0 || (int64_t)vs->npages + dpages <= as_pages;
}

/* Can a and b (a just below b) be one region? Private zero-fill memory
 * with the same flags and protections. Other objects never merge: each
 * region is one open of its object (shm counts them in nattch). */
static bool mergeable(const struct vm_region *a, const struct vm_region *b)
{
    return a->end == b->start && a->obj == &vm_anon && b->obj == &vm_anon &&
           a->flags == b->flags && a->prot == b->prot && a->maxprot == b->maxprot;
}

/* What an operation does to [start, end). */
enum change { CH_REMOVE, CH_PROTECT, CH_MAP };

/* Counting regions ahead of an operation: the pieces it would leave are
 * fed in address order, and a piece that merges with the one before does
 * not count. */
struct tally {
    int pieces;
    bool have;
    struct vm_region last;              /* its end, object, flags and protections */
};

static void tally_piece(struct tally *t, const struct vm_region *like, vaddr_t start,
                        vaddr_t end, uint32_t prot)
{
    struct vm_region p = *like;
    p.start = start;
    p.end = end;
    p.prot = prot;
    if (!t->have || !mergeable(&t->last, &p))
        t->pieces++;
    t->last = p;
    t->have = true;
}

/* How many regions vs would have once [start, end) is removed (munmap),
 * given prot (mprotect), or replaced by the new region nr (mmap, shmat),
 * with the merges that follow: the check is on the result, so a call that
 * splits only to merge again is fine at the limit. */
static int count_after(const struct vm_space *vs, vaddr_t start, vaddr_t end,
                       enum change ch, const struct vm_region *nr, uint32_t prot)
{
    struct tally t = { 0, false, { 0 } };
    int window = 0;                     /* regions meeting [start, end], ends included */
    bool placed = ch != CH_MAP;         /* the new region counted */
    for (const struct vm_region *r = vs->regions; r && r->start <= end; r = r->next) {
        if (r->end < start)
            continue;
        window++;
        vaddr_t lo = MAX(r->start, start), hi = MIN(r->end, end);
        if (r->start < lo)
            tally_piece(&t, r, r->start, lo, r->prot);
        if (!placed && (lo < hi || hi < r->end)) {
            tally_piece(&t, nr, start, end, nr->prot);
            placed = true;
        }
        if (lo < hi && ch == CH_PROTECT)
            tally_piece(&t, r, lo, hi, prot);
        if (hi < r->end)
            tally_piece(&t, r, hi, r->end, r->prot);
    }
    if (!placed)
        tally_piece(&t, nr, start, end, nr->prot);
    return (int)vs->nregions - window + t.pieces;
}

/* Pages of [start, end) that regions map. */
static uint32_t mapped_pages(const struct vm_space *vs, vaddr_t start, vaddr_t end)
{
    uint32_t n = 0;
    for (const struct vm_region *r = vs->regions; r && r->start < end; r = r->next)
        if (r->end > start)
            n += (MIN(r->end, end) - MAX(r->start, start)) >> PAGE_SHIFT;
    return n;
}

/* Where a region starting at start goes in the sorted list: the link to
 * the first region that ends above start. */
static struct vm_region **link_at(struct vm_space *vs, vaddr_t start)
{
    struct vm_region **pp = &vs->regions;
    while (*pp && (*pp)->end <= start)
        pp = &(*pp)->next;
    return pp;
}

/* Put a copy of tmpl in the sorted list; no checks (fork copies through
 * this, limits or not), no open. NULL when the heap is out. */
static struct vm_region *insert(struct vm_space *vs, const struct vm_region *tmpl)
{
    struct vm_region *r = kmalloc(sizeof(*r));
    if (!r)
        return NULL;
    *r = *tmpl;
    struct vm_region **pp = link_at(vs, r->start);
    r->next = *pp;
    *pp = r;
    vs->nregions++;
    vs->npages += (r->end - r->start) >> PAGE_SHIFT;
    return r;
}

static void open_object(struct vm_object *obj)
{
    if (obj->ops->open)
        obj->ops->open(obj);
}

static void close_object(struct vm_object *obj)
{
    if (obj->ops->close)
        obj->ops->close(obj);
}

/* Page va of r got an entry: widen the range fork and exit look at. */
static void note_mapped(struct vm_region *r, vaddr_t va)
{
    if (r->mapped_lo == r->mapped_hi) {
        r->mapped_lo = va;
        r->mapped_hi = va + PAGE_SIZE;
    } else {
        r->mapped_lo = MIN(r->mapped_lo, va);
        r->mapped_hi = MAX(r->mapped_hi, va + PAGE_SIZE);
    }
}

/* Keep r's mapped range inside r (after a split). */
static void clip_mapped(struct vm_region *r)
{
    r->mapped_lo = MAX(r->mapped_lo, r->start);
    r->mapped_hi = MIN(r->mapped_hi, r->end);
    if (r->mapped_lo >= r->mapped_hi)
        r->mapped_lo = r->mapped_hi = 0;
}

/* Merge the mergeable neighbours among the regions meeting [start, end]
 * (ends included: a region just outside may join one inside). */
static void merge_range(struct vm_space *vs, vaddr_t start, vaddr_t end)
{
    for (struct vm_region *r = vs->regions; r && r->start <= end; ) {
        struct vm_region *next = r->next;
        if (next && r->end >= start && next->start <= end && mergeable(r, next)) {
            r->end = next->end;
            if (next->mapped_lo != next->mapped_hi) {
                note_mapped(r, next->mapped_lo);
                note_mapped(r, next->mapped_hi - PAGE_SIZE);
            }
            r->next = next->next;
            vs->nregions--;
            kfree(next);                /* zero-fill memory: no close to make */
            continue;                   /* r may take the next one too */
        }
        r = next;
    }
}

/* Unmap the pages of [start, end) that are present. */
static void unmap_pages(struct vm_space *vs, vaddr_t start, vaddr_t end)
{
    for (vaddr_t va = vm_next_present(vs, start, end); va < end;
         va = vm_next_present(vs, va + PAGE_SIZE, end))
        vm_unmap_page(vs, va);
}

/* Free region r, already taken out of the list at *pp: unmap its pages,
 * close its object. */
static void region_unlink(struct vm_space *vs, struct vm_region **pp)
{
    struct vm_region *r = *pp;
    *pp = r->next;
    vs->nregions--;
    vs->npages -= (r->end - r->start) >> PAGE_SHIFT;
    if (r->mapped_lo != r->mapped_hi)
        unmap_pages(vs, r->mapped_lo, r->mapped_hi);
    close_object(r->obj);
    kfree(r);
}

/* Remove one region. */
static void region_remove(struct vm_space *vs, struct vm_region *r)
{
    struct vm_region **pp = &vs->regions;
    while (*pp != r)
        pp = &(*pp)->next;
    region_unlink(vs, pp);
}

void vm_regions_drop(struct vm_space *vs)
{
    while (vs->regions) {
        struct vm_region *r = vs->regions;
        vs->regions = r->next;
        vm_release_pages(vs, r->mapped_lo, r->mapped_hi);
        close_object(r->obj);
        kfree(r);
    }
    vs->nregions = vs->npages = 0;
}

/* Split r in two at page address at; the upper half is a new region, a
 * new mapping of the object (for shm, one more nattch, as Linux counts
 * VMAs). */
static int split(struct vm_space *vs, struct vm_region *r, vaddr_t at)
{
    struct vm_region *upper = kmalloc(sizeof(*upper));
    if (!upper)
        return -ENOMEM;
    vs->nregions++;
    *upper = *r;
    upper->start = at;
    upper->pgoff += (at - r->start) >> PAGE_SHIFT;
    r->end = at;
    r->next = upper;
    clip_mapped(r);
    clip_mapped(upper);
    open_object(upper->obj);
    return 0;
}

/* Split the regions that straddle start or end, so that every region
 * lies wholly inside or wholly outside [start, end). */
static int split_at_bounds(struct vm_space *vs, vaddr_t start, vaddr_t end)
{
    for (struct vm_region *r = vs->regions; r && r->start < end; r = r->next) {
        int err = 0;
        if (r->start < start && start < r->end)
            err = split(vs, r, start);
        else if (r->start < end && end < r->end)
            err = split(vs, r, end);
        if (err < 0)
            return err;
    }
    return 0;
}

int vm_unmap_range(struct vm_space *vs, vaddr_t start, vaddr_t end)
{
    /* Only a hole inside one region adds one (Linux: ENOMEM at the limit). */
    int delta = count_after(vs, start, end, CH_REMOVE, NULL, 0) - (int)vs->nregions;
    if (!within_limits(vs, delta, 0))
        return -ENOMEM;
    int err = split_at_bounds(vs, start, end);
    if (err < 0)
        return err;
    struct vm_region *r = vs->regions;
    while (r && r->start < end) {
        struct vm_region *next = r->next;
        if (start <= r->start && r->end <= end)
            region_remove(vs, r);
        r = next;
    }
    return 0;
}

/* The protection a present page of r gets in its page-table entry: a
 * private page whose frame is also mapped elsewhere (after fork) or is a
 * file's own stays read-only, so the first write copies it. */
static uint32_t page_prot(const struct vm_region *r, pte_t pte)
{
    if (!(r->flags & VM_SHARED) && pmm_refcount(PTE_ADDR(pte)) > 1)
        return r->prot & ~VM_WRITE;
    return r->prot;
}

int vm_protect(struct vm_space *vs, vaddr_t start, vaddr_t end, uint32_t prot)
{
    /* Every page must be mapped by some region, and none may be given more
     * than its region allows (a SHM_RDONLY attachment never gets write). */
    vaddr_t next = start;
    for (struct vm_region *r = vs->regions; r && r->start < end; r = r->next) {
        if (r->end <= start)
            continue;
        if (r->start > next)
            return -ENOMEM;
        if (prot & ~r->maxprot)
            return -EACCES;
        next = r->end;
    }
    if (next < end)
        return -ENOMEM;
    /* The regions left (splits at the ends, merges after) may not pass
     * the region limit (Linux: ENOMEM). */
    if (!within_limits(vs, count_after(vs, start, end, CH_PROTECT, NULL, prot) -
                           (int)vs->nregions, 0))
        return -ENOMEM;
    int err = split_at_bounds(vs, start, end);
    if (err < 0)
        return err;
    for (struct vm_region *r = vs->regions; r && r->start < end; r = r->next) {
        if (r->start < start)
            continue;
        r->prot = prot;
        for (vaddr_t va = vm_next_present(vs, r->mapped_lo, r->mapped_hi); va < r->mapped_hi;
             va = vm_next_present(vs, va + PAGE_SIZE, r->mapped_hi))
            vm_protect_page(vs, va, page_prot(r, vm_lookup_pte(vs, va)));
    }
    merge_range(vs, start, end);
    return 0;
}

/* Replace whatever [start, end) holds by nr, a region made by the caller
 * (freed here on failure): link it in, open its object. */
static int map_region(struct vm_space *vs, struct vm_region *nr)
{
    vaddr_t start = nr->start, end = nr->end;
    assert(start < end && !(start & (PAGE_SIZE - 1)) && !(end & (PAGE_SIZE - 1)));
    int err = -EINVAL;
    if (start < USER_BASE || end > USER_TOP)
        goto fail;
    /* The limits, on the address space as it will be, before any change.
     * Into a hole, an object that merges with nothing (shmat, a shared
     * mapping) adds one region and its pages: no need to count. */
    struct vm_region **pp = link_at(vs, start);
    bool hole = !*pp || (*pp)->start >= end;
    err = -EEXIST;
    if (!hole && (nr->flags & VM_NOREPLACE))
        goto fail;
    err = -ENOMEM;
    if (hole && nr->obj != &vm_anon) {
        if (!within_limits(vs, 1, (end - start) >> PAGE_SHIFT))
            goto fail;
    } else {
        int delta = count_after(vs, start, end, CH_MAP, nr, nr->prot) - (int)vs->nregions;
        int64_t dpages = (int64_t)((end - start) >> PAGE_SHIFT) - mapped_pages(vs, start, end);
        if (!within_limits(vs, delta, dpages))
            goto fail;
    }
    if (!hole) {
        if ((err = vm_unmap_range(vs, start, end)) < 0)
            goto fail;
        pp = link_at(vs, start);
    }
    nr->flags &= ~VM_NOREPLACE;         /* a request, not a property */
    nr->next = *pp;
    *pp = nr;
    vs->nregions++;
    vs->npages += (end - start) >> PAGE_SHIFT;
    open_object(nr->obj);
    if (nr->obj == &vm_anon)
        merge_range(vs, start, end);    /* nothing else merges */
    return 0;
fail:
    kfree(nr);
    return err;
}

/* A new region (not linked yet), or NULL when the heap is out. */
static struct vm_region *new_region(vaddr_t start, vaddr_t end, uint32_t prot, uint32_t maxprot,
                                    uint32_t flags, struct vm_object *obj, uint32_t pgoff)
{
    struct vm_region *r = kmalloc(sizeof(*r));
    if (r)
        *r = (struct vm_region){
            .start = start, .end = end, .prot = prot, .maxprot = maxprot, .flags = flags,
            .obj = obj, .pgoff = obj == &vm_anon ? start >> PAGE_SHIFT : pgoff,
        };
    return r;
}

int vm_map_object(struct vm_space *vs, vaddr_t start, vaddr_t end, uint32_t prot,
                  uint32_t maxprot, uint32_t flags, struct vm_object *obj, uint32_t pgoff)
{
    struct vm_region *r = new_region(start, end, prot, maxprot, flags, obj, pgoff);
    return r ? map_region(vs, r) : -ENOMEM;
}

int vm_map_image(struct vm_space *vs, vaddr_t start, vaddr_t end, uint32_t prot,
                 struct vm_object *obj, uint32_t pgoff, vaddr_t zero_from)
{
    struct vm_region *r = new_region(start, end, prot, VM_READ | VM_WRITE | VM_EXEC, 0, obj,
                                     pgoff);
    if (!r)
        return -ENOMEM;
    r->zero_from = zero_from;
    return map_region(vs, r);
}

int vm_map_anon(struct vm_space *vs, vaddr_t start, vaddr_t end, uint32_t prot, uint32_t flags)
{
    return vm_map_object(vs, start, end, prot, VM_READ | VM_WRITE | VM_EXEC, flags, &vm_anon, 0);
}

/* Does r map page 0 of an object of type ops at addr (or would it, had
 * the pieces below it not gone)? */
static bool maps_from(const struct vm_region *r, vaddr_t addr, const struct vm_object_ops *ops)
{
    return r->start >= addr && r->start - addr == r->pgoff << PAGE_SHIFT &&
           r->obj->ops == ops;
}

int vm_unmap_object(struct vm_space *vs, vaddr_t addr, const struct vm_object_ops *ops)
{
    /* One pass: the first region that maps such an object from addr
     * names it; it and every later piece of it so placed go. */
    struct vm_object *obj = NULL;
    vaddr_t end = USER_TOP;
    struct vm_region **pp = &vs->regions;
    while (*pp && (*pp)->start < end) {
        struct vm_region *r = *pp;
        if ((!obj || r->obj == obj) && maps_from(r, addr, ops)) {
            if (!obj) {
                obj = r->obj;           /* alive until its last piece closes */
                end = addr + (obj->npages << PAGE_SHIFT);
            }
            region_unlink(vs, pp);
            continue;
        }
        pp = &r->next;
    }
    return obj ? 0 : -EINVAL;
}

vaddr_t vm_find_hole(struct vm_space *vs, uint32_t size, vaddr_t low, vaddr_t high)
{
    vaddr_t best = 0;
    vaddr_t gap_start = low;
    for (struct vm_region *r = vs->regions;; r = r->next) {
        vaddr_t gap_end = r ? MIN(r->start, high) : high;
        if (gap_end > gap_start && gap_end - gap_start >= size)
            best = gap_end - size;      /* the highest fit so far */
        if (!r || r->start >= high)
            break;
        if (r->end > gap_start)
            gap_start = r->end;
    }
    return best;
}

vaddr_t vm_place(struct vm_space *vs, uint32_t size)
{
    return vm_find_hole(vs, size, ALIGN_UP(vs->brk, PAGE_SIZE), SHM_AREA_TOP);
}

uint32_t vm_cow_copies, vm_cow_reuses;

/* A new frame holding the first n bytes of frame from, zeros after them;
 * 0 when memory is out. */
static paddr_t copy_frame(paddr_t from, uint32_t n)
{
    paddr_t pa = pmm_alloc_frame();
    if (!pa)
        return 0;
    char *to = kmap(pa);
    const char *src = kmap(from);
    memcpy(to, src, n);
    memset(to + n, 0, PAGE_SIZE - n);
    kunmap((void *)src);
    kunmap(to);
    return pa;
}

/* A write to the present, read-only page at va of a writable private region: make
 * it the process's own. If no one else maps the frame (the other owners
 * wrote or went away) it is taken over as it is; else it is copied. */
static int copy_on_write(struct vm_space *vs, vaddr_t va, pte_t *pte)
{
    paddr_t old = PTE_ADDR(*pte);
    if (pmm_refcount(old) == 1) {
        *pte |= PTE_W;
        vm_cow_reuses++;
    } else {
        paddr_t pa = copy_frame(old, PAGE_SIZE);
        if (!pa)
            return -ENOMEM;
        *pte = pa | PTE_P | PTE_U | PTE_W;
        pmm_unref(old);
        vm_cow_copies++;
    }
    vm_flush_page(vs, va);
    return 0;
}

/* The frame for page va of a private region of a file (object page idx),
 * and in *prot the access its entry gets. A read maps the file's own frame
 * read-only; a write copies it at once. The page that exec's bss begins in
 * is a copy with zeros from zero_from on, whatever the access. */
static paddr_t private_file_page(struct vm_region *r, vaddr_t va, uint32_t idx, bool write,
                                 uint32_t *prot)
{
    if (r->zero_from && va >= r->zero_from)
        return vm_alloc_zeroed_frame();
    paddr_t pa = r->obj->ops->frame(r->obj, idx);
    bool partial = r->zero_from && r->zero_from < va + PAGE_SIZE;
    if (!pa || (!write && !partial)) {
        *prot &= ~VM_WRITE;
        return pa;
    }
    paddr_t copy = copy_frame(pa, partial ? r->zero_from - va : PAGE_SIZE);
    pmm_unref(pa);
    if (copy && write)
        vm_cow_copies++;
    return copy;
}

int vm_fault(struct vm_space *vs, vaddr_t va, bool write)
{
    struct vm_region *r = vm_region_find(vs, va);
    if (!r)
        return -EFAULT;
    if (!(r->prot & VM_READ) || (write && !(r->prot & VM_WRITE)))
        return -EACCES;
    vaddr_t page = ALIGN_DOWN(va, PAGE_SIZE);
    pte_t *pte = vm_pte(vs, page, true);
    if (!pte)
        return -ENOMEM;
    if (*pte & PTE_P) {
        /* Present yet faulted: copy-on-write, or a protection fault. */
        if (write && !(*pte & PTE_W) && !(r->flags & VM_SHARED))
            return copy_on_write(vs, page, pte);
        return -EACCES;
    }
    uint32_t idx = r->pgoff + ((page - r->start) >> PAGE_SHIFT);
    if (idx >= r->obj->npages)
        return -EIO;                    /* past the end of the file: SIGBUS */
    uint32_t prot = r->prot;
    paddr_t pa;
    if ((r->flags & VM_SHARED) || r->obj == &vm_anon)
        pa = r->obj->ops->frame(r->obj, idx);
    else
        pa = private_file_page(r, page, idx, write, &prot);
    if (!pa)
        return -ENOMEM;
    note_mapped(r, page);
    *pte = pa | vm_pte_bits(prot);      /* the entry takes the reference */
    return 0;
}

vaddr_t vm_brk(struct vm_space *vs, vaddr_t new_brk)
{
    if (new_brk < vs->heap_start)
        return vs->brk;
    vaddr_t old_end = ALIGN_UP(vs->brk, PAGE_SIZE);
    vaddr_t new_end = ALIGN_UP(new_brk, PAGE_SIZE);
    if (new_end < new_brk || new_end > SHM_AREA_TOP)
        return vs->brk;
    if (new_end > old_end) {
        /* The heap never grows into an attachment or any other region. */
        if (!vm_range_free(vs, old_end, new_end))
            return vs->brk;
        /* Extend the heap's top region if it is still plain read-write
         * heap (Linux: a VMA with the same flags), else add one. */
        struct vm_region *last = old_end > vs->heap_start ? vm_region_find(vs, old_end - 1) : NULL;
        if (last && last->obj == &vm_anon && (last->flags & VM_HEAP) && last->end == old_end &&
            last->prot == (VM_READ | VM_WRITE)) {
            if (!within_limits(vs, 0, (new_end - old_end) >> PAGE_SHIFT))
                return vs->brk;
            last->end = new_end;
            vs->npages += (new_end - old_end) >> PAGE_SHIFT;
        } else if (vm_map_anon(vs, old_end, new_end, VM_READ | VM_WRITE, VM_HEAP) < 0) {
            return vs->brk;
        }
    } else if (new_end < old_end) {
        /* Shrinking unmaps the range, as Linux's brk does. */
        if (vm_unmap_range(vs, new_end, old_end) < 0)
            return vs->brk;
    }
    vs->brk = new_brk;
    return new_brk;
}

struct vm_space *vm_space_fork(struct vm_space *src)
{
    struct vm_space *dst = vm_space_create();
    if (!dst)
        return NULL;
    dst->heap_start = src->heap_start;
    dst->brk = src->brk;
    int err = 0;
    for (struct vm_region *r = src->regions; r && !err; r = r->next) {
        if (!insert(dst, r)) {
            err = -ENOMEM;
            break;
        }
        open_object(r->obj);
        /* Shared regions: the child maps the object's frames on first
         * touch, so there is nothing to do. Private ones: the child gets
         * the parent's frames, read-only in both, copied on first write. */
        if (!(r->flags & VM_SHARED) && r->mapped_lo != r->mapped_hi)
            err = vm_share_pages(dst, src, r->mapped_lo, r->mapped_hi);
    }
    vm_flush(src);                      /* the parent's pages lost write */
    if (err < 0) {
        vm_space_destroy(dst);
        return NULL;
    }
    return dst;
}

int vm_describe(struct vm_space *vs, struct agora_region *out, int max)
{
    static const uint32_t kinds[] = {
        [VMO_ANON] = AGORA_REGION_ANON, [VMO_SHARED_ANON] = AGORA_REGION_SHARED,
        [VMO_SHM] = AGORA_REGION_SHM, [VMO_FILE] = AGORA_REGION_FILE,
    };
    int n = 0;
    for (struct vm_region *r = vs->regions; r; r = r->next, n++) {
        if (n >= max)
            continue;
        struct agora_region *d = &out[n];
        memset(d, 0, sizeof(*d));
        d->start = r->start;
        d->end = r->end;
        d->prot = r->prot;
        d->kind = kinds[r->obj->ops->kind];
        if (r->flags & VM_HEAP)
            d->kind = AGORA_REGION_HEAP;
        else if (r->flags & VM_STACK)
            d->kind = AGORA_REGION_STACK;
        d->flags = (r->flags & VM_SHARED) ? 0 : AGORA_REGION_PRIVATE;
        d->offset = r->obj == &vm_anon ? 0 : r->pgoff;
        d->id = r->obj->ops->describe ? r->obj->ops->describe(r->obj, d->name,
                                                                 sizeof(d->name)) : -1;
        for (vaddr_t va = vm_next_present(vs, r->start, r->end); va < r->end;
             va = vm_next_present(vs, va + PAGE_SIZE, r->end)) {
            uint32_t i = (va - r->start) >> PAGE_SHIFT;
            pte_t pte = vm_lookup_pte(vs, va);
            d->pages_present++;
            if (i < AGORA_REGION_FRAMES) {
                d->frames[i] = PTE_ADDR(pte);
                d->refs[i] = pmm_refcount(PTE_ADDR(pte));
                if (pte & PTE_W)
                    d->writable |= 1u << i;
            }
        }
    }
    return n;
}
