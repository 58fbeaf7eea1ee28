/*
 * region.c: the regions of a user address space, and the page faults,
 * brk and fork that work on them.
 *
 * Regions are kept in a list sorted by start address and never overlap.
 * Page-table entries are created lazily by vm_fault: a zero-filled frame
 * for private memory, the segment's frame for shm (asked of shm_frame).
 * A shm region is opened (shm_region_open) whenever one comes into being,
 * by shmat or by fork, and closed (shm_region_close) whenever one goes away.
 */
#include <kernel/vm.h>
#include <kernel/pmm.h>
#include <kernel/kheap.h>
#include <kernel/shm.h>
#include <kernel/console.h>
#include <arch/mmu.h>
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

int vm_region_add(struct vm_space *vs, vaddr_t start, vaddr_t end, uint32_t prot,
                  enum vm_kind kind, struct vm_region **out)
{
    assert(start < end && !(start & (PAGE_SIZE - 1)) && !(end & (PAGE_SIZE - 1)));
    if (start < USER_BASE || end > USER_TOP || !vm_range_free(vs, start, end))
        return -EINVAL;
    struct vm_region *r = kzalloc(sizeof(*r));
    if (!r)
        return -ENOMEM;
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
    if (out)
        *out = r;
    return 0;
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
    if (r->touched)
        unmap_pages(vs, r->start, r->end);
    if (r->kind == VM_SHM)
        shm_region_close(r->seg);
    kfree(r);
}

/* Split r in two at page address at; the upper half is a new region (for
 * shm, a new attachment piece: one more nattch, as Linux counts VMAs). */
static int split(struct vm_region *r, vaddr_t at)
{
    struct vm_region *upper = kmalloc(sizeof(*upper));
    if (!upper)
        return -ENOMEM;
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
            err = split(r, start);
        else if (r->start < end && end < r->end)
            err = split(r, end);
        if (err < 0)
            return err;
    }
    return 0;
}

int vm_unmap_range(struct vm_space *vs, vaddr_t start, vaddr_t end)
{
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
        struct vm_region *last = old_end > vs->heap_start ? vm_region_find(vs, old_end - 1) : NULL;
        if (last && last->kind == VM_HEAP && last->end == old_end)
            last->end = new_end;        /* extend the heap's top region */
        else if (vm_region_add(vs, old_end, new_end, VM_READ | VM_WRITE, VM_HEAP, NULL) < 0)
            return vs->brk;
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
        struct vm_region *nr;
        if (vm_region_add(dst, r->start, r->end, r->prot, r->kind, &nr) < 0)
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
