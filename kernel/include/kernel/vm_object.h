/*
 * vm_object.h: memory objects, the things a region of an address space maps.
 *
 * A region maps a run of an object's pages: (object, page offset). The
 * object says where the bytes of its page N are (ops->frame, called by the
 * page-fault handler) and is told when a mapping of it comes into being or
 * goes away (ops->open, ops->close). The region decides only whether writes
 * are shared with the object or private to the process (copy-on-write).
 *
 *   kind              frames come from                     who makes it
 *   VMO_ANON          a fresh zeroed frame per fault       exec, brk, mmap
 *   VMO_SHARED_ANON   a page array, zeroed on first touch  mmap MAP_SHARED|MAP_ANONYMOUS
 *   VMO_SHM           the same, owned by a System V seg.   kernel/ipc/shm.c
 *   VMO_FILE          the file's pages (initrd or its own) kernel/fs (exec, mmap of a file)
 *
 * The ops follow Linux's vm_operations_struct: open is called for every
 * new region that maps the object (attach, fork, and a split, whose upper
 * piece is a new mapping, as in Linux's __split_vma), close for every
 * region that goes away. An object that counts its mappings (shm's nattch)
 * counts exactly these calls.
 *
 * Frame references: ops->frame returns a frame with one reference for the
 * caller, who hands it to a page-table entry (vm_fault writes the entry)
 * or drops it.
 */
#ifndef KERNEL_VM_OBJECT_H
#define KERNEL_VM_OBJECT_H

#include <kernel/types.h>

enum vm_object_kind {
    VMO_ANON,               /* private zero-fill memory: one object for everyone */
    VMO_SHARED_ANON,        /* MAP_SHARED|MAP_ANONYMOUS */
    VMO_SHM,                /* a System V segment */
    VMO_FILE,               /* a ramfs file */
};

struct vm_object;

struct vm_object_ops {
    enum vm_object_kind kind;   /* what the object is (the same for every object of a type) */
    /* The frame holding page idx (< obj->npages), with a reference for the
     * caller; 0 when memory is out. */
    paddr_t (*frame)(struct vm_object *obj, uint32_t idx);
    /* A region mapping obj came into being (may be NULL). */
    void (*open)(struct vm_object *obj);
    /* A region mapping obj went away (may be NULL); obj may be freed. */
    void (*close)(struct vm_object *obj);
    /* For vmmap: the shm id or the file's path; returns id or -1. */
    int (*describe)(struct vm_object *obj, char *name, uint32_t len);
};

struct vm_object {
    const struct vm_object_ops *ops;    /* its type: kind and operations */
    uint32_t npages;        /* pages that exist; a fault past them is SIGBUS */
    paddr_t *pages;         /* page arrays (shared anon, shm): npages
                               entries, 0 until first use; NULL until needed */
    uint32_t resident;      /* nonzero entries of pages */
};

/* The object behind all private zero-fill memory (it has no state). */
extern struct vm_object vm_anon;

/* Page arrays, for objects whose pages are made on first touch and kept
 * by the object (shared anonymous memory, shm segments). */
/* The frame of page idx, made zeroed on first use (a reference for the
 * caller); 0 when memory is out. */
paddr_t vm_pages_zerofill(struct vm_object *obj, uint32_t idx);
/* Drop every page the array holds, and the array. */
void vm_pages_release(struct vm_object *obj);

/* Objects that count their users (shared anonymous memory, files) count
 * opens: each region mapping one holds one, and so does whoever made or
 * looked one up until it drops it with vm_object_put. The last put or close
 * frees the object with its pages. */
static inline void vm_object_put(struct vm_object *obj)
{
    if (obj->ops->close)
        obj->ops->close(obj);
}

/* A new shared anonymous object of npages with one reference for the
 * caller; NULL when the heap is out. */
struct vm_object *vm_shared_anon_create(uint32_t npages);

/* Counters for meminfo: copy-on-write faults that copied, that took over. */
extern uint32_t vm_cow_copies, vm_cow_reuses;

#endif
