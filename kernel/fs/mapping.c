/*
 * mapping.c: a ramfs file as a memory object, so that exec and mmap can map
 * its pages instead of copying them.
 *
 * A file's bytes already sit in memory, inside the initrd that GRUB loaded.
 * The initrd is built (tools/mkinitrd.py) so that every file's data starts
 * on a page boundary; page N of such a file is then simply the initrd's
 * frame at data + N * PAGE_SIZE, mapped read-only in as many address spaces
 * as want it. Those frames are reserved in the frame table (count 1, never
 * freed), so a mapping of one always sees a count of 2 or more, and the
 * copy-on-write code copies it before any write: the initrd is never
 * written. Two kinds of page cannot be mapped in place: the last page of a
 * file, whose tail must read zero (Linux: the bytes past the end of file in
 * the last page are zero) but in the archive holds the next entry, and
 * every page of a file whose data is not page aligned (an initrd built by
 * other means). Each fault on one of those gets a copy of its own: the
 * file never changes, so copies are as good as the page, and nothing stays
 * behind once the last mapping of the copy goes.
 *
 * The object exists while it is used: fs_file_object makes it (or finds
 * it) with a reference for the caller, each region mapping it opens it,
 * and the last close frees it.
 */
#include <kernel/vm.h>
#include <kernel/pmm.h>
#include <kernel/kheap.h>
#include <kernel/console.h>
#include <arch/mmu.h>
#include <string.h>
#include "ramfs.h"

struct file_object {
    struct vm_object obj;               /* first */
    struct ramfs_inode *ip;
    uint32_t refs;                      /* regions mapping it, and lookups not yet put */
};

static struct file_object *to_file(struct vm_object *obj)
{
    return (struct file_object *)obj;
}

/* A frame holding page idx of ip, zeros past the end of the file. */
static paddr_t copy_page(const struct ramfs_inode *ip, uint32_t idx)
{
    paddr_t pa = pmm_alloc_frame();
    if (!pa)
        return 0;
    uint32_t off = idx << PAGE_SHIFT;
    uint32_t n = MIN(ip->size - off, (uint32_t)PAGE_SIZE);
    char *p = kmap(pa);
    memcpy(p, ip->data + off, n);
    memset(p + n, 0, PAGE_SIZE - n);
    kunmap(p);
    return pa;
}

static paddr_t file_frame(struct vm_object *obj, uint32_t idx)
{
    const struct ramfs_inode *ip = to_file(obj)->ip;
    uint32_t off = idx << PAGE_SHIFT;
    paddr_t in_place = V2P(ip->data + off);
    if (!(in_place & (PAGE_SIZE - 1)) && ip->size - off >= PAGE_SIZE) {
        pmm_ref(in_place);
        return in_place;
    }
    return copy_page(ip, idx);         /* the caller's own, count 1 */
}

static void file_open(struct vm_object *obj)
{
    to_file(obj)->refs++;
}

static void file_close(struct vm_object *obj)
{
    struct file_object *fo = to_file(obj);
    assert(fo->refs > 0);
    if (--fo->refs > 0)
        return;
    fo->ip->obj = NULL;
    kfree(fo);
}

/* The file's path, for vmmap: the components from the root down. */
static int file_describe(struct vm_object *obj, char *name, uint32_t len)
{
    char path[RAMFS_PATH_MAX > 256 ? 256 : RAMFS_PATH_MAX];
    uint32_t at = sizeof(path) - 1;
    path[at] = '\0';
    for (const struct ramfs_inode *ip = to_file(obj)->ip; ip->parent != ip; ip = ip->parent) {
        uint32_t n = strlen(ip->name);
        if (n + 1 > at)
            break;
        at -= n;
        memcpy(path + at, ip->name, n);
        path[--at] = '/';
    }
    strncpy(name, path + at, len - 1);
    name[len - 1] = '\0';
    return -1;
}

static const struct vm_object_ops file_ops = {
    .kind = VMO_FILE,
    .frame = file_frame,
    .open = file_open,
    .close = file_close,
    .describe = file_describe,
};

struct vm_object *fs_file_object(struct ramfs_inode *ip)
{
    assert(ramfs_is_reg(ip));
    if (!ip->obj) {
        struct file_object *fo = kzalloc(sizeof(*fo));
        if (!fo)
            return NULL;
        fo->obj.ops = &file_ops;
        fo->obj.npages = ALIGN_UP(ip->size, PAGE_SIZE) >> PAGE_SHIFT;
        fo->ip = ip;
        ip->obj = &fo->obj;
    }
    file_open(ip->obj);
    return ip->obj;
}
