/*
 * vm.c: page tables. The kernel's own mappings (direct map of RAM, kernel
 * heap, framebuffer, temporary-map window) are built once by vm_init and
 * shared by every address space. A user page-table entry holds one
 * reference on its frame: the fault handler (region.c) writes entries,
 * vm_unmap_page removes them one at a time, and fork and exit share and
 * release them a page table at a time (vm_share_pages, vm_release_pages).
 */
#include <kernel/vm.h>
#include <kernel/pmm.h>
#include <kernel/kheap.h>
#include <kernel/console.h>
#include <arch/arch.h>
#include <arch/mmu.h>
#include <uapi/errno.h>
#include <string.h>

static pde_t *kernel_pgdir;
static paddr_t kernel_pgdir_pa;
static pte_t *kmap_pt;                  /* the page table of the kmap window */
static struct vm_space *active;         /* whose user half is in CR3 */
static int nspaces;                     /* address spaces alive */

static pte_t *alloc_table(void)
{
    paddr_t pa = pmm_alloc_kframe();
    if (!pa)
        return NULL;
    pte_t *t = P2V(pa);
    memset(t, 0, PAGE_SIZE);
    return t;
}

/* Give the kernel page directory a table for every PDE in [va, va + size). */
static void kernel_tables(vaddr_t va, uint32_t size)
{
    for (uint32_t i = PDX(va); i <= PDX(va + size - 1); i++) {
        if (kernel_pgdir[i] & PTE_P)
            continue;
        pte_t *t = alloc_table();
        if (!t)
            panic("vm: out of memory for kernel page tables");
        kernel_pgdir[i] = V2P(t) | PTE_P | PTE_W;
    }
}

static pte_t *kernel_pte(vaddr_t va)
{
    pde_t pde = kernel_pgdir[PDX(va)];
    assert(pde & PTE_P);
    return (pte_t *)P2V(PTE_ADDR(pde)) + PTX(va);
}

void vm_init(void)
{
    kernel_pgdir = alloc_table();
    if (!kernel_pgdir)
        panic("vm: no frame for the kernel page directory");
    kernel_pgdir_pa = V2P(kernel_pgdir);

    paddr_t limit = pmm_direct_limit();
    kernel_tables(KERNEL_BASE, limit);
    for (paddr_t pa = 0; pa < limit; pa += PAGE_SIZE)
        *kernel_pte(KERNEL_BASE + pa) = pa | PTE_P | PTE_W;
    kernel_tables(KHEAP_BASE, KHEAP_MAX);
    kernel_tables(KSTACK_BASE, KSTACK_SLOTS * KSTACK_SLOT);
    kernel_tables(KMAP_BASE, KMAP_SLOTS * PAGE_SIZE);
    kernel_tables(PHYSMAP_BASE, PHYSMAP_MAX);
    kmap_pt = kernel_pte(KMAP_BASE);
    arch_switch_pgdir(kernel_pgdir_pa);
    arch_init_double_fault(kernel_pgdir_pa);
}

void *vm_map_framebuffer(paddr_t pa, uint32_t size)
{
    assert(nspaces == 0);               /* kernel PDEs are copied at create */
    size = ALIGN_UP(size + (pa & (PAGE_SIZE - 1)), PAGE_SIZE);
    if (size > FB_MAX)
        size = FB_MAX;
    kernel_tables(FB_BASE, size);
    for (uint32_t off = 0; off < size; off += PAGE_SIZE)
        *kernel_pte(FB_BASE + off) = (ALIGN_DOWN(pa, PAGE_SIZE) + off) | PTE_P | PTE_W | PTE_PWT;
    arch_flush_tlb_all();
    return (void *)(FB_BASE + (pa & (PAGE_SIZE - 1)));
}

/* vm_map_phys's window is handed out from the bottom and never returned;
 * its page tables exist from vm_init, so every address space sees it. */
static vaddr_t physmap_next = PHYSMAP_BASE;

void *vm_map_phys(paddr_t pa, uint32_t size, bool uncached)
{
    paddr_t first = ALIGN_DOWN(pa, PAGE_SIZE);
    uint64_t end = ALIGN_UP((uint64_t)pa + size, PAGE_SIZE);
    if (!uncached && end <= pmm_direct_limit())
        return P2V(pa);
    if (size == 0 || end - first > PHYSMAP_BASE + PHYSMAP_MAX - physmap_next)
        return NULL;
    vaddr_t va = physmap_next;
    physmap_next += (vaddr_t)(end - first);
    for (uint32_t off = 0; off < end - first; off += PAGE_SIZE)
        *kernel_pte(va + off) = (first + off) | PTE_P | PTE_W | (uncached ? PTE_PCD | PTE_PWT : 0);
    arch_flush_tlb_all();
    return (void *)(va + (pa - first));
}

int vm_kernel_map(vaddr_t va, paddr_t pa)
{
    assert(va >= KHEAP_BASE && va < KSTACK_BASE + KSTACK_SLOTS * KSTACK_SLOT);
    *kernel_pte(va) = pa | PTE_P | PTE_W;
    arch_flush_tlb_page(va);
    return 0;
}

void vm_kernel_unmap(vaddr_t va)
{
    assert(va >= KHEAP_BASE && va < KSTACK_BASE + KSTACK_SLOTS * KSTACK_SLOT);
    pte_t *pte = kernel_pte(va);
    paddr_t pa = PTE_ADDR(*pte);
    *pte = 0;
    arch_flush_tlb_page(va);
    pmm_unref(pa);
}

bool vm_kernel_mapped(vaddr_t va)
{
    if (va < KERNEL_BASE)
        return false;
    if (!kernel_pgdir)                  /* still on the boot mapping */
        return va < KERNEL_BASE + BOOT_MAP_SIZE;
    pde_t pde = kernel_pgdir[PDX(va)];
    if (!(pde & PTE_P))
        return false;
    return ((pte_t *)P2V(PTE_ADDR(pde)))[PTX(va)] & PTE_P;
}

/* ---- kernel stacks -------------------------------------------------------- */

static bool kstack_used[KSTACK_SLOTS];

vaddr_t kstack_alloc(void)
{
    for (int i = 0; i < KSTACK_SLOTS; i++) {
        if (kstack_used[i])
            continue;
        vaddr_t base = KSTACK_BASE + i * KSTACK_SLOT + PAGE_SIZE;   /* above the guard */
        for (uint32_t off = 0; off < KSTACK_SIZE; off += PAGE_SIZE) {
            paddr_t pa = pmm_alloc_frame();
            if (!pa) {
                while (off > 0) {
                    off -= PAGE_SIZE;
                    vm_kernel_unmap(base + off);
                }
                return 0;
            }
            vm_kernel_map(base + off, pa);
        }
        kstack_used[i] = true;
        return base + KSTACK_SIZE;
    }
    return 0;
}

void kstack_free(vaddr_t top)
{
    vaddr_t base = top - KSTACK_SIZE;
    int i = (int)((base - PAGE_SIZE - KSTACK_BASE) / KSTACK_SLOT);
    assert(i >= 0 && i < KSTACK_SLOTS && kstack_used[i]);
    for (uint32_t off = 0; off < KSTACK_SIZE; off += PAGE_SIZE)
        vm_kernel_unmap(base + off);
    kstack_used[i] = false;
}

bool vm_is_kstack_guard(vaddr_t va)
{
    return va >= KSTACK_BASE && va < KSTACK_BASE + KSTACK_SLOTS * KSTACK_SLOT &&
           (va - KSTACK_BASE) % KSTACK_SLOT < PAGE_SIZE;
}

/* ---- temporary mappings -------------------------------------------------- */

static uint32_t kmap_next;

void *kmap(paddr_t pa)
{
    if (pa < pmm_direct_limit())
        return P2V(pa);
    for (uint32_t n = 0; n < (uint32_t)KMAP_SLOTS; n++) {
        uint32_t i = (kmap_next + n) % KMAP_SLOTS;
        if (!(kmap_pt[i] & PTE_P)) {
            kmap_pt[i] = ALIGN_DOWN(pa, PAGE_SIZE) | PTE_P | PTE_W;
            kmap_next = i + 1;
            vaddr_t va = KMAP_BASE + i * PAGE_SIZE;
            arch_flush_tlb_page(va);
            return (void *)(va + (pa & (PAGE_SIZE - 1)));
        }
    }
    panic("kmap: window full");
}

void kunmap(void *p)
{
    vaddr_t va = (vaddr_t)p;
    if (va < KMAP_BASE)
        return;                         /* direct map: nothing to undo */
    kmap_pt[(va - KMAP_BASE) >> PAGE_SHIFT] = 0;
    arch_flush_tlb_page(va);
}

paddr_t vm_alloc_zeroed_frame(void)
{
    paddr_t pa = pmm_alloc_frame();
    if (!pa)
        return 0;
    void *p = kmap(pa);
    memset(p, 0, PAGE_SIZE);
    kunmap(p);
    return pa;
}

/* ---- address spaces ------------------------------------------------------ */

struct vm_space *vm_space_create(void)
{
    struct vm_space *vs = kzalloc(sizeof(*vs));
    if (!vs)
        return NULL;
    paddr_t pa = pmm_alloc_kframe();
    if (!pa) {
        kfree(vs);
        return NULL;
    }
    /* The user half empty, the kernel half the same as everyone's. */
    vs->pgdir = P2V(pa);
    vs->pgdir_pa = pa;
    memset(vs->pgdir, 0, KERNEL_PDX * sizeof(pde_t));
    memcpy(vs->pgdir + KERNEL_PDX, kernel_pgdir + KERNEL_PDX,
           (NPDENTRIES - KERNEL_PDX) * sizeof(pde_t));
    nspaces++;
    return vs;
}

/* Free the user page tables of vs (their entries' frames are released
 * already): the bitmap names them, so the 768 directory entries are not
 * read one by one. */
static void free_user_tables(struct vm_space *vs)
{
    for (uint32_t w = 0; w < ARRAY_SIZE(vs->tables); w++) {
        while (vs->tables[w]) {
            uint32_t i = w * 32 + (uint32_t)__builtin_ctz(vs->tables[w]);
            vs->tables[w] &= vs->tables[w] - 1;
            pmm_unref(PTE_ADDR(vs->pgdir[i]));
            vs->pgdir[i] = 0;
        }
    }
}

void vm_space_destroy(struct vm_space *vs)
{
    if (active == vs)
        vm_space_activate(NULL);
    /* The regions drop their pages' references without clearing the
     * entries, which go with their tables. */
    vm_regions_drop(vs);
    free_user_tables(vs);
    pmm_unref(vs->pgdir_pa);
    kfree(vs);
    nspaces--;
}

void vm_space_activate(struct vm_space *vs)
{
    active = vs;
    arch_switch_pgdir(vs ? vs->pgdir_pa : kernel_pgdir_pa);
}

pte_t *vm_pte(struct vm_space *vs, vaddr_t va, bool create)
{
    pde_t *pde = &vs->pgdir[PDX(va)];
    if (!(*pde & PTE_P)) {
        if (!create)
            return NULL;
        pte_t *t = alloc_table();
        if (!t)
            return NULL;
        *pde = V2P(t) | PTE_P | PTE_W | PTE_U;
        vs->tables[PDX(va) / 32] |= 1u << (PDX(va) % 32);
    }
    return (pte_t *)P2V(PTE_ADDR(*pde)) + PTX(va);
}

int vm_install_page(struct vm_space *vs, vaddr_t va, paddr_t pa, uint32_t prot)
{
    assert(va < USER_TOP && !(va & (PAGE_SIZE - 1)));
    pte_t *pte = vm_pte(vs, va, true);
    if (!pte) {
        pmm_unref(pa);
        return -ENOMEM;
    }
    assert(!(*pte & PTE_P));
    *pte = pa | vm_pte_bits(prot);
    return 0;
}

int vm_map_page(struct vm_space *vs, vaddr_t va, paddr_t pa, uint32_t prot)
{
    pmm_ref(pa);
    return vm_install_page(vs, va, pa, prot);
}

void vm_unmap_page(struct vm_space *vs, vaddr_t va)
{
    pte_t *pte = vm_pte(vs, va, false);
    if (!pte || !(*pte & PTE_P))
        return;
    paddr_t pa = PTE_ADDR(*pte);
    *pte = 0;
    if (vs == active)
        arch_flush_tlb_page(va);
    pmm_unref(pa);
}

void vm_protect_page(struct vm_space *vs, vaddr_t va, uint32_t prot)
{
    pte_t *pte = vm_pte(vs, va, false);
    if (!pte || !(*pte & PTE_P))
        return;
    /* PROT_NONE keeps the frame but takes the page away from user mode. */
    *pte &= ~(PTE_W | PTE_U);
    if (prot)
        *pte |= PTE_U | ((prot & VM_WRITE) ? PTE_W : 0);
    if (vs == active)
        arch_flush_tlb_page(va);
}

pte_t vm_lookup_pte(struct vm_space *vs, vaddr_t va)
{
    if (va >= USER_TOP)
        return 0;
    pte_t *pte = vm_pte(vs, va, false);
    return pte ? *pte : 0;
}

vaddr_t vm_next_present(struct vm_space *vs, vaddr_t va, vaddr_t end)
{
    assert(end <= USER_TOP);
    while (va < end) {
        vaddr_t table_end = ALIGN_DOWN(va, PT_SPAN) + PT_SPAN;
        pde_t pde = vs->pgdir[PDX(va)];
        if (!(pde & PTE_P)) {
            va = table_end;             /* no page table: 1024 pages at once */
            continue;
        }
        const pte_t *pt = P2V(PTE_ADDR(pde));
        for (vaddr_t stop = MIN(end, table_end); va < stop; va += PAGE_SIZE)
            if (pt[PTX(va)] & PTE_P)
                return va;
    }
    return end;
}

/*
 * The two loops below run once per present page at every fork and exit,
 * so they are written for it: the frame table in a local (a store to a
 * count could otherwise be taken to change the pointer), the frame number
 * straight from the entry (the shift drops the flag bits), and the loop
 * unrolled four times. `make bench` counts the cost per page (docs/
 * performance.md).
 */
int vm_share_pages(struct vm_space *dst, struct vm_space *src, vaddr_t start, vaddr_t end)
{
    assert(end <= USER_TOP);
    struct frame *frames = pmm_frame_table;
    for (vaddr_t va = start; va < end; va = ALIGN_DOWN(va, PT_SPAN) + PT_SPAN) {
        pde_t pde = src->pgdir[PDX(va)];
        if (!(pde & PTE_P))
            continue;                   /* no page table: nothing present */
        pte_t *to = vm_pte(dst, va, true);
        if (!to)
            return -ENOMEM;
        pte_t *from = (pte_t *)P2V(PTE_ADDR(pde)) + PTX(va);
        uint32_t n = (MIN(ALIGN_DOWN(va, PT_SPAN) + PT_SPAN, end) - va) >> PAGE_SHIFT;
#pragma GCC unroll 4
        for (uint32_t i = 0; i < n; i++) {
            pte_t e = from[i];
            if (!(e & PTE_P))
                continue;
            /* Both entries lose write: the first write in either process
             * faults, and vm_fault copies or takes the page over. */
            e &= ~PTE_W;
            from[i] = e;
            to[i] = e;
            frames[e >> PAGE_SHIFT].refcount++;
        }
    }
    return 0;
}

void vm_release_pages(struct vm_space *vs, vaddr_t start, vaddr_t end)
{
    assert(end <= USER_TOP);
    struct frame *frames = pmm_frame_table;
    for (vaddr_t va = start; va < end; va = ALIGN_DOWN(va, PT_SPAN) + PT_SPAN) {
        pde_t pde = vs->pgdir[PDX(va)];
        if (!(pde & PTE_P))
            continue;
        const pte_t *pt = (const pte_t *)P2V(PTE_ADDR(pde)) + PTX(va);
        uint32_t n = (MIN(ALIGN_DOWN(va, PT_SPAN) + PT_SPAN, end) - va) >> PAGE_SHIFT;
#pragma GCC unroll 4
        for (uint32_t i = 0; i < n; i++) {
            pte_t e = pt[i];
            if ((e & PTE_P) && --frames[e >> PAGE_SHIFT].refcount == 0)
                pmm_free_frame(PTE_ADDR(e));
        }
    }
}

void vm_flush(struct vm_space *vs)
{
    if (vs == active)
        arch_flush_tlb_all();
}

void vm_flush_page(struct vm_space *vs, vaddr_t va)
{
    if (vs == active)
        arch_flush_tlb_page(va);
}
