/*
 * region.c: the regions of a user address space, and the page faults,
 * brk and fork that work on them.
 *
 * Regions are kept in a list sorted by start address and never overlap.
 * Page-table entries are created lazily by vm_fault: a zero-filled frame
 * for private memory, the segment's frame for shm (asked of shm_frame).
 * A shm region is opened (shm_region_open) whenever one comes into being,
 * by shmat or by fork, and closed (shm_region_close) whenever one goes away.
 *
 * Limits. Every region is a kernel-heap block, so a process may have at
 * most VM_MAX_MAP_COUNT of them (Linux's vm.max_map_count, lower here: see
 * below), and the pages its regions span may not pass its RLIMIT_AS. An
 * mmap, mprotect, munmap, brk, shmat or exec that would go beyond either
 * gives -ENOMEM and changes nothing; fork copies regions without checks,
 * as Linux does. Adjacent private regions that come to agree (same kind
 * and protections) are merged, as Linux merges VMAs.
 */
#include <kernel/vm.h>
#include <kernel/pmm.h>
#include <kernel/kheap.h>
#include <kernel/shm.h>
#include <kernel/console.h>
#include <kernel/proc.h>
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

/* Can a and b (a just below b) be one region? Private memory of one kind
 * and the same protections; shm pieces never merge (each counts in
 * nattch). */
static bool mergeable(const struct vm_region *a, const struct vm_region *b)
{
    return a->end == b->start && a->kind == b->kind && a->kind != VM_SHM &&
           a->prot == b->prot && a->maxprot == b->maxprot;
}

/* What an operation does to [start, end). */
enum change { CH_REMOVE, CH_PROTECT, CH_MAP };

/* Counting regions ahead of an operation: the pieces it would leave are
 * fed in address order, and a piece that merges with the one before does
 * not count. */
struct tally {
    int pieces;
    bool have;
    struct vm_region last;              /* its end, kind and protections */
};

static void tally_piece(struct tally *t, vaddr_t start, vaddr_t end, enum vm_kind kind,
                        uint32_t prot, uint32_t maxprot)
{
    struct vm_region p = { .start = start, .end = end, .prot = prot, .maxprot = maxprot,
                           .kind = kind };
    if (!t->have || !mergeable(&t->last, &p))
        t->pieces++;
    t->last = p;
    t->have = true;
}

/* How many regions vs would have once [start, end) is removed (munmap),
 * given prot (mprotect), or replaced by one new region of kind and prot
 * (mmap, shmat), with the merges that follow: the check is on the result,
 * so a call that splits only to merge again is fine at the limit. */
static int count_after(const struct vm_space *vs, vaddr_t start, vaddr_t end,
                       enum change ch, enum vm_kind kind, uint32_t prot)
{
    const uint32_t all = VM_READ | VM_WRITE | VM_EXEC;
    struct tally t = { 0, false, { 0 } };
    int window = 0;                     /* regions meeting [start, end], ends included */
    bool placed = ch != CH_MAP;         /* the new region counted */
    for (const struct vm_region *r = vs->regions; r && r->start <= end; r = r->next) {
        if (r->end < start)
            continue;
        window++;
        vaddr_t lo = MAX(r->start, start), hi = MIN(r->end, end);
        if (r->start < lo)
            tally_piece(&t, r->start, lo, r->kind, r->prot, r->maxprot);
        if (!placed && (lo < hi || hi < r->end)) {
            tally_piece(&t, start, end, kind, prot, all);
            placed = true;
        }
        if (lo < hi && ch == CH_PROTECT)
            tally_piece(&t, lo, hi, r->kind, prot, r->maxprot);
        if (hi < r->end)
            tally_piece(&t, hi, r->end, r->kind, r->prot, r->maxprot);
    }
    if (!placed)
        tally_piece(&t, start, end, kind, prot, all);
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

/* Would replacing [start, end) by one new region of kind and prot fit? */
static int map_fits(const struct vm_space *vs, vaddr_t start, vaddr_t end, enum vm_kind kind,
                    uint32_t prot)
{
    int delta = count_after(vs, start, end, CH_MAP, kind, prot) - (int)vs->nregions;
    int64_t dpages = (int64_t)((end - start) >> PAGE_SHIFT) - mapped_pages(vs, start, end);
    return within_limits(vs, delta, dpages) ? 0 : -ENOMEM;
}

int vm_may_map(struct vm_space *vs, vaddr_t start, vaddr_t end)
{
    return map_fits(vs, start, end, VM_SHM, 0);
}

/* Put a new region in the sorted list; no checks (fork copies through
 * this, limits or not). NULL when the heap is out. */
static struct vm_region *insert(struct vm_space *vs, vaddr_t start, vaddr_t end,
                                uint32_t prot, enum vm_kind kind)
{
    struct vm_region *r = kzalloc(sizeof(*r));
    if (!r)
        return NULL;
    r->start = start;
    r->end = end;
    r->prot = prot;
    r->maxprot = VM_READ | VM_WRITE | VM_EXEC;
    r->kind = kind;
    struct vm_region **pp = &vs->regions;
    while (*pp && (*pp)->start < start)
        pp = &(*pp)->next;
    r->next = *pp;
    *pp = r;
    vs->nregions++;
    vs->npages += (end - start) >> PAGE_SHIFT;
    return r;
}

int vm_region_add(struct vm_space *vs, vaddr_t start, vaddr_t end, uint32_t prot,
                  enum vm_kind kind, struct vm_region **out)
{
    assert(start < end && !(start & (PAGE_SIZE - 1)) && !(end & (PAGE_SIZE - 1)));
    if (start < USER_BASE || end > USER_TOP || !vm_range_free(vs, start, end))
        return -EINVAL;
    if (!within_limits(vs, 1, (end - start) >> PAGE_SHIFT))
        return -ENOMEM;
    struct vm_region *r = insert(vs, start, end, prot, kind);
    if (!r)
        return -ENOMEM;
    if (out)
        *out = r;
    return 0;
}

/* Merge the mergeable neighbours among the regions meeting [start, end]
 * (ends included: a region just outside may join one inside). */
static void merge_range(struct vm_space *vs, vaddr_t start, vaddr_t end)
{
    for (struct vm_region *r = vs->regions; r && r->start <= end; ) {
        struct vm_region *next = r->next;
        if (next && r->end >= start && next->start <= end && mergeable(r, next)) {
            r->end = next->end;
            r->touched |= next->touched;
            r->next = next->next;
            vs->nregions--;
            kfree(next);
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

void vm_region_remove(struct vm_space *vs, struct vm_region *r)
{
    struct vm_region **pp = &vs->regions;
    while (*pp != r)
        pp = &(*pp)->next;
    *pp = r->next;
    vs->nregions--;
    vs->npages -= (r->end - r->start) >> PAGE_SHIFT;
    if (r->touched)
        unmap_pages(vs, r->start, r->end);
    if (r->kind == VM_SHM)
        shm_region_close(r->seg);
    kfree(r);
}

/* Split r in two at page address at; the upper half is a new region (for
 * shm, a new attachment piece: one more nattch, as Linux counts VMAs). */
static int split(struct vm_space *vs, struct vm_region *r, vaddr_t at)
{
    struct vm_region *upper = kmalloc(sizeof(*upper));
    if (!upper)
        return -ENOMEM;
    vs->nregions++;
    *upper = *r;
    upper->start = at;
    r->end = at;
    r->next = upper;
    if (r->kind == VM_SHM) {
        upper->seg_pgoff += (at - r->start) >> PAGE_SHIFT;
        shm_region_open(upper->seg);
    }
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
    int delta = count_after(vs, start, end, CH_REMOVE, VM_ANON, 0) - (int)vs->nregions;
    if (!within_limits(vs, delta, 0))
        return -ENOMEM;
    int err = split_at_bounds(vs, start, end);
    if (err < 0)
        return err;
    struct vm_region *r = vs->regions;
    while (r && r->start < end) {
        struct vm_region *next = r->next;
        if (start <= r->start && r->end <= end)
            vm_region_remove(vs, r);
        r = next;
    }
    return 0;
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
    if (!within_limits(vs, count_after(vs, start, end, CH_PROTECT, VM_ANON, prot) -
                           (int)vs->nregions, 0))
        return -ENOMEM;
    int err = split_at_bounds(vs, start, end);
    if (err < 0)
        return err;
    for (struct vm_region *r = vs->regions; r && r->start < end; r = r->next) {
        if (r->start < start)
            continue;
        r->prot = prot;
        for (vaddr_t va = vm_next_present(vs, r->start, r->end); va < r->end;
             va = vm_next_present(vs, va + PAGE_SIZE, r->end))
            vm_protect_page(vs, va, prot);
    }
    merge_range(vs, start, end);
    return 0;
}

int vm_map_anon(struct vm_space *vs, vaddr_t start, vaddr_t end, uint32_t prot)
{
    assert(start < end && start >= USER_BASE && end <= USER_TOP);
    int err = map_fits(vs, start, end, VM_ANON, prot);
    if (err < 0)
        return err;
    if ((err = vm_unmap_range(vs, start, end)) < 0)
        return err;
    /* Not vm_region_add: its count is before the merge, map_fits's after. */
    if (!insert(vs, start, end, prot, VM_ANON))
        return -ENOMEM;
    merge_range(vs, start, end);
    return 0;
}

vaddr_t vm_find_hole(struct vm_space *vs, uint32_t size, vaddr_t low, vaddr_t high)
{
    /* Walk the gaps from the top down: collect region bounds in order first. */
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

int vm_fault(struct vm_space *vs, vaddr_t va, bool write)
{
    struct vm_region *r = vm_region_find(vs, va);
    if (!r)
        return -EFAULT;
    if (!(r->prot & VM_READ) || (write && !(r->prot & VM_WRITE)))
        return -EACCES;
    vaddr_t page = ALIGN_DOWN(va, PAGE_SIZE);
    if (vm_lookup_pte(vs, page) & PTE_P)
        return -EACCES;                 /* present yet faulted: a protection fault */
    paddr_t pa;
    r->touched = true;
    if (r->kind == VM_SHM) {
        pa = shm_frame(r->seg, r->seg_pgoff + (page - r->start) / PAGE_SIZE);
        if (!pa)
            return -ENOMEM;
        return vm_map_page(vs, page, pa, r->prot);
    }
    pa = vm_alloc_zeroed_frame();
    if (!pa)
        return -ENOMEM;
    int err = vm_map_page(vs, page, pa, r->prot);
    pmm_unref(pa);                      /* the mapping holds the frame now */
    return err;
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
        if (last && last->kind == VM_HEAP && last->end == old_end &&
            last->prot == (VM_READ | VM_WRITE)) {
            if (!within_limits(vs, 0, (new_end - old_end) >> PAGE_SHIFT))
                return vs->brk;
            last->end = new_end;
            vs->npages += (new_end - old_end) >> PAGE_SHIFT;
        } else if (vm_region_add(vs, old_end, new_end, VM_READ | VM_WRITE, VM_HEAP, NULL) < 0) {
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

/* Copy one private page for fork. */
static int fork_page(struct vm_space *dst, struct vm_region *r, vaddr_t va, pte_t pte)
{
    paddr_t pa = pmm_alloc_frame();
    if (!pa)
        return -ENOMEM;
    void *to = kmap(pa);
    void *from = kmap(PTE_ADDR(pte));
    memcpy(to, from, PAGE_SIZE);
    kunmap(from);
    kunmap(to);
    int err = vm_map_page(dst, va, pa, r->prot);
    pmm_unref(pa);
    return err;
}

struct vm_space *vm_space_fork(struct vm_space *src)
{
    struct vm_space *dst = vm_space_create();
    if (!dst)
        return NULL;
    dst->heap_start = src->heap_start;
    dst->brk = src->brk;
    for (struct vm_region *r = src->regions; r; r = r->next) {
        struct vm_region *nr = insert(dst, r->start, r->end, r->prot, r->kind);
        if (!nr)
            goto fail;
        nr->maxprot = r->maxprot;
        if (r->kind == VM_SHM) {
            /* Shared: the child maps the segment's frames on first touch,
             * so there is nothing to copy, and nothing for exit to undo. */
            nr->seg = r->seg;
            nr->seg_pgoff = r->seg_pgoff;
            shm_region_open(nr->seg);
            continue;
        }
        nr->touched = r->touched;
        for (vaddr_t va = vm_next_present(src, r->start, r->end); va < r->end;
             va = vm_next_present(src, va + PAGE_SIZE, r->end)) {
            if (fork_page(dst, r, va, vm_lookup_pte(src, va)) < 0)
                goto fail;
        }
    }
    return dst;
fail:
    vm_space_destroy(dst);
    return NULL;
}

int vm_describe(struct vm_space *vs, struct agora_region *out, int max)
{
    static const uint32_t kinds[] = {
        [VM_ANON] = AGORA_REGION_ANON, [VM_HEAP] = AGORA_REGION_HEAP,
        [VM_STACK] = AGORA_REGION_STACK, [VM_SHM] = AGORA_REGION_SHM,
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
        d->kind = kinds[r->kind];
        d->shmid = r->kind == VM_SHM ? shm_segment_id(r->seg) : -1;
        for (vaddr_t va = vm_next_present(vs, r->start, r->end); va < r->end;
             va = vm_next_present(vs, va + PAGE_SIZE, r->end)) {
            uint32_t i = (va - r->start) >> PAGE_SHIFT;
            d->pages_present++;
            if (i < AGORA_REGION_FRAMES)
                d->frames[i] = PTE_ADDR(vm_lookup_pte(vs, va));
        }
    }
    return n;
}
