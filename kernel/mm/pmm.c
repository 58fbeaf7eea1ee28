/*
 * pmm.c: physical frames. A table of struct frame, one per 4 KiB frame of
 * the reachable physical space (below 4 GiB: agora is 32-bit without PAE),
 * and two singly linked free lists threaded through it by frame number:
 * low frames (direct-mapped) and high ones. Allocation and free are O(1).
 *
 * The core (pmm_core_*) knows nothing about the machine, so the host unit
 * tests build it as is.
 */
#include <kernel/pmm.h>

void pmm_core_init(struct pmm_state *s, struct frame *frames, uint32_t nframes,
                   uint32_t low_limit_pfn)
{
    s->frames = frames;
    s->nframes = nframes;
    s->low_limit_pfn = low_limit_pfn;
    s->free_low = s->free_high = PMM_NONE;
    s->nfree = s->ntotal = 0;
    for (uint32_t i = 0; i < nframes; i++) {
        frames[i].refcount = 1;         /* reserved until added */
        frames[i].next = PMM_NONE;
    }
}

static void push_free(struct pmm_state *s, uint32_t pfn)
{
    uint32_t *head = pfn < s->low_limit_pfn ? &s->free_low : &s->free_high;
    s->frames[pfn].next = *head;
    *head = pfn;
    s->nfree++;
}

/* Hand a usable frame to the allocator (boot time only). */
void pmm_core_add_free(struct pmm_state *s, uint32_t pfn)
{
    s->frames[pfn].refcount = 0;
    s->ntotal++;
    push_free(s, pfn);
}

/* Pop a free frame, high first unless low_only; PMM_NONE when none left. */
uint32_t pmm_core_alloc(struct pmm_state *s, bool low_only)
{
    uint32_t *head = &s->free_high;
    if (low_only || *head == PMM_NONE)
        head = &s->free_low;
    uint32_t pfn = *head;
    if (pfn == PMM_NONE)
        return PMM_NONE;
    *head = s->frames[pfn].next;
    s->frames[pfn].next = PMM_NONE;
    s->frames[pfn].refcount = 1;
    s->nfree--;
    return pfn;
}

void pmm_core_ref(struct pmm_state *s, uint32_t pfn)
{
    s->frames[pfn].refcount++;
}

void pmm_core_release(struct pmm_state *s, uint32_t pfn)
{
    push_free(s, pfn);
}

bool pmm_core_unref(struct pmm_state *s, uint32_t pfn)
{
    if (--s->frames[pfn].refcount > 0)
        return false;
    push_free(s, pfn);
    return true;
}

#ifndef AGORA_HOST_TEST
/* ---- the machine side ---------------------------------------------------- */

#include <kernel/boot.h>
#include <kernel/console.h>
#include <arch/arch.h>
#include <arch/memlayout.h>

extern char __kernel_start_pa[], __kernel_end[];

static struct pmm_state pmm;
static paddr_t direct_limit;

struct range { uint64_t start, end; };

static bool overlaps(uint64_t a0, uint64_t a1, const struct range *r, int n)
{
    for (int i = 0; i < n; i++)
        if (a0 < r[i].end && r[i].start < a1)
            return true;
    return false;
}

/*
 * The ranges no allocation may touch, one slot each: the source of every
 * range has its own index, so the table cannot overflow. An unused slot
 * (no framebuffer, fewer modules) stays [0, 0), which overlaps nothing.
 */
enum {
    RES_LOW,                            /* BIOS, VGA, real-mode data: the first MiB */
    RES_KERNEL,                         /* the kernel image */
    RES_MBI,                            /* GRUB's information, until bootinfo copied it */
    RES_FB,                             /* the framebuffer, if it lies in RAM */
    RES_TABLE,                          /* the frame table, once placed */
    RES_MODULES,                        /* then one per boot module */
    NRESERVED = RES_MODULES + BOOT_MAX_MODULES
};

void pmm_init(const struct boot_info *bi)
{
    struct range reserved[NRESERVED] = { 0 };
    reserved[RES_LOW] = (struct range){ 0, 0x100000 };
    reserved[RES_KERNEL] = (struct range){ (uintptr_t)__kernel_start_pa, V2P(__kernel_end) };
    reserved[RES_MBI] = (struct range){ bi->mbi_start, ALIGN_UP(bi->mbi_end, PAGE_SIZE) };
    if (bi->has_fb)
        reserved[RES_FB] = (struct range){ bi->fb.pa,
                                           bi->fb.pa + (uint64_t)bi->fb.pitch * bi->fb.height };
    assert(bi->nmodules <= BOOT_MAX_MODULES);
    for (int i = 0; i < bi->nmodules; i++)
        reserved[RES_MODULES + i] = (struct range){ bi->modules[i].start,
                                                    ALIGN_UP(bi->modules[i].end, PAGE_SIZE) };

    /* How far does usable RAM go, and what lies beyond our reach? */
    uint64_t top = 0, ignored = 0;
    for (int i = 0; i < bi->nmmap; i++) {
        const struct boot_mmap_entry *m = &bi->mmap[i];
        if (m->type != 1)
            continue;
        uint64_t end = m->base + m->len;
        if (end > 0x100000000ull) {
            ignored += end - MAX(m->base, 0x100000000ull);
            end = 0x100000000ull;
        }
        if (end > top)
            top = end;
    }
    uint32_t nframes = (uint32_t)(top >> PAGE_SHIFT);
    direct_limit = (paddr_t)MIN(top, (uint64_t)DIRECT_MAP_SIZE);

    /* Place the frame table in the first usable run that is free, early
     * enough to be reachable through the boot mapping (BOOT_MAP_SIZE). */
    uint32_t table_size = ALIGN_UP(nframes * sizeof(struct frame), PAGE_SIZE);
    uint64_t table_pa = 0;
    for (int i = 0; i < bi->nmmap && !table_pa; i++) {
        const struct boot_mmap_entry *m = &bi->mmap[i];
        if (m->type != 1)
            continue;
        for (uint64_t a = ALIGN_UP(m->base, PAGE_SIZE); a + table_size <= m->base + m->len &&
             a + table_size <= BOOT_MAP_SIZE; a += PAGE_SIZE) {
            if (!overlaps(a, a + table_size, reserved, NRESERVED)) {
                table_pa = a;
                break;
            }
        }
    }
    if (!table_pa)
        panic("pmm: no room for the frame table (%u frames)", nframes);
    reserved[RES_TABLE] = (struct range){ table_pa, table_pa + table_size };

    pmm_core_init(&pmm, P2V(table_pa), nframes, direct_limit >> PAGE_SHIFT);
    pmm_frame_table = pmm.frames;
    uint32_t nhigh = 0;
    /* Add frames high to low so that the lists hand out low addresses first:
     * early page tables then sit inside the boot mapping. */
    for (int i = bi->nmmap - 1; i >= 0; i--) {
        const struct boot_mmap_entry *m = &bi->mmap[i];
        if (m->type != 1)
            continue;
        uint64_t start = ALIGN_UP(m->base, PAGE_SIZE);
        uint64_t end = ALIGN_DOWN(MIN(m->base + m->len, (uint64_t)nframes << PAGE_SHIFT), PAGE_SIZE);
        for (uint64_t a = end; a > start; a -= PAGE_SIZE) {
            uint64_t f = a - PAGE_SIZE;
            if (!overlaps(f, f + PAGE_SIZE, reserved, NRESERVED)) {
                pmm_core_add_free(&pmm, (uint32_t)(f >> PAGE_SHIFT));
                nhigh += f >= direct_limit;
            }
        }
    }
    printk("pmm: %u MiB usable in %u frames (%u MiB direct-mapped",
           pmm.ntotal / 256, pmm.ntotal, (uint32_t)(direct_limit >> 20));
    if (nhigh)
        printk(", %u MiB through kmap", nhigh / 256);
    printk(")\n");
    if (ignored)
        printk("pmm: %u MiB above 4 GiB left unused (no PAE)\n", (uint32_t)(ignored >> 20));
}

/* Interrupts are off in the callers of these (pmm.h): asserted, since the
 * free lists and counts have no other protection; not in pmm_ref, which is
 * frees nothing (fork's per-page loop changes counts in place: pmm.h). */
paddr_t pmm_alloc_frame(void)
{
    assert(!arch_irq_enabled());
    uint32_t pfn = pmm_core_alloc(&pmm, false);
    return pfn == PMM_NONE ? 0 : (paddr_t)pfn << PAGE_SHIFT;
}

paddr_t pmm_alloc_kframe(void)
{
    assert(!arch_irq_enabled());
    uint32_t pfn = pmm_core_alloc(&pmm, true);
    return pfn == PMM_NONE ? 0 : (paddr_t)pfn << PAGE_SHIFT;
}

void pmm_ref(paddr_t pa)
{
    assert(PFN(pa) < pmm.nframes && pmm.frames[PFN(pa)].refcount > 0);
    pmm_core_ref(&pmm, PFN(pa));
}

void pmm_unref(paddr_t pa)
{
    assert(!arch_irq_enabled());
    assert(PFN(pa) < pmm.nframes && pmm.frames[PFN(pa)].refcount > 0);
    pmm_core_unref(&pmm, PFN(pa));
}

struct frame *pmm_frame_table;

void pmm_free_frame(paddr_t pa)
{
    assert(!arch_irq_enabled());
    assert(PFN(pa) < pmm.nframes && pmm.frames[PFN(pa)].refcount == 0);
    pmm_core_release(&pmm, PFN(pa));
}

uint32_t pmm_refcount(paddr_t pa)
{
    return PFN(pa) < pmm.nframes ? pmm.frames[PFN(pa)].refcount : 0;
}

uint32_t pmm_free_frames(void) { return pmm.nfree; }
uint32_t pmm_total_frames(void) { return pmm.ntotal; }
paddr_t pmm_direct_limit(void) { return direct_limit; }
#endif
