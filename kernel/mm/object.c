/*
 * object.c: the memory objects that belong to mm itself: private zero-fill
 * memory, the page arrays that shared objects keep their frames in, and
 * shared anonymous memory (mmap MAP_SHARED|MAP_ANONYMOUS). System V
 * segments (kernel/ipc/shm.c) and files (kernel/fs/mapping.c) are objects
 * of their own made from the same parts.
 */
#include <kernel/vm.h>
#include <kernel/pmm.h>
#include <kernel/kheap.h>
#include <kernel/console.h>
#include <arch/memlayout.h>

/* ---- private zero-fill memory -------------------------------------------- */

/* Every page is a new zeroed frame: the region that maps it is private, so
 * the frame is the process's own (until fork shares it, copy-on-write). */
static paddr_t anon_frame(struct vm_object *obj, uint32_t idx)
{
    (void)obj;
    (void)idx;
    return vm_alloc_zeroed_frame();
}

static const struct vm_object_ops anon_ops = {
    .kind = VMO_ANON,
    .frame = anon_frame,
};

/* Stateless, so one object serves every private zero-fill region; its
 * page numbers are addresses (a region's pgoff is start / PAGE_SIZE, as
 * Linux numbers anonymous pages), so it has them all. */
struct vm_object vm_anon = {
    .ops = &anon_ops,
    .npages = USER_TOP >> PAGE_SHIFT,
};

/* ---- page arrays ----------------------------------------------------------- */

paddr_t vm_pages_zerofill(struct vm_object *obj, uint32_t idx)
{
    assert(idx < obj->npages);
    if (!obj->pages) {
        obj->pages = kzalloc(obj->npages * sizeof(paddr_t));
        if (!obj->pages)
            return 0;
    }
    if (!obj->pages[idx]) {
        paddr_t pa = vm_alloc_zeroed_frame();
        if (!pa)
            return 0;
        obj->pages[idx] = pa;           /* the object's own reference */
        obj->resident++;
    }
    pmm_ref(obj->pages[idx]);           /* and the caller's */
    return obj->pages[idx];
}

void vm_pages_release(struct vm_object *obj)
{
    if (!obj->pages)
        return;
    for (uint32_t i = 0; i < obj->npages; i++)
        if (obj->pages[i])
            pmm_unref(obj->pages[i]);
    kfree(obj->pages);
    obj->pages = NULL;
    obj->resident = 0;
}

/* ---- shared anonymous memory --------------------------------------------- */

/* The object lives as long as some region maps it: mmap makes it and maps
 * it, fork and splits add mappings, and the last munmap (or exit, or exec)
 * frees it with its frames. */
struct shared_anon {
    struct vm_object obj;
    uint32_t maps;                      /* regions mapping it, and its maker until mapped */
};

static struct shared_anon *to_shared_anon(struct vm_object *obj)
{
    return (struct shared_anon *)obj;   /* obj is the first member */
}

static void shared_anon_open(struct vm_object *obj)
{
    to_shared_anon(obj)->maps++;
}

static void shared_anon_close(struct vm_object *obj)
{
    struct shared_anon *sa = to_shared_anon(obj);
    assert(sa->maps > 0);
    if (--sa->maps > 0)
        return;
    vm_pages_release(obj);
    kfree(sa);
}

static const struct vm_object_ops shared_anon_ops = {
    .kind = VMO_SHARED_ANON,
    .frame = vm_pages_zerofill,
    .open = shared_anon_open,
    .close = shared_anon_close,
};

struct vm_object *vm_shared_anon_create(uint32_t npages)
{
    struct shared_anon *sa = kzalloc(sizeof(*sa));
    if (!sa)
        return NULL;
    sa->obj.ops = &shared_anon_ops;
    sa->obj.npages = npages;
    sa->maps = 1;                       /* the caller's */
    return &sa->obj;
}
