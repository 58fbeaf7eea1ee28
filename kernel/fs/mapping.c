/*
 * mapping.c: a ramfs file's data, and the file as a memory object, so that
 * exec and mmap map its pages instead of copying them, and a MAP_SHARED
 * mapping sees the very frames that write(2) changes.
 *
 * A file from the initrd starts with its bytes where GRUB loaded them. The
 * initrd is built (tools/mkinitrd.py) so that every file's data starts on
 * a page boundary; page N of such a file is then simply the initrd's frame
 * at data + N * PAGE_SIZE, mapped read-only in as many address spaces as
 * want it. Those frames are reserved in the frame table (count 1, never
 * freed), so a mapping of one always sees a count of 2 or more, and the
 * copy-on-write code copies it before any write: the initrd is never
 * written. Two kinds of page cannot be mapped in place: the last page of a
 * file, whose tail must read zero (Linux: the bytes past the end of file in
 * the last page are zero) but in the archive holds the next entry, and
 * every page of a file whose data is not page aligned (an initrd built by
 * other means). Each fault on one of those gets a copy of its own.
 *
 * The first write or truncate of a file (or a shared mapping of it) gives
 * it pages of its own (ip->pages, fs_data_own): the archive's bytes are
 * copied, and from then on reads, writes and faults all use those frames;
 * a page never written is a hole (0) and reads zero. The frames count
 * against free memory (-ENOSPC when they run out) and go back when the
 * file is truncated or its inode freed (the last name and the last
 * reference gone; a mapping's object holds a reference).
 *
 * The object exists while it is used: fs_file_object makes it (or finds
 * it) with a reference for the caller, each region mapping it opens it,
 * and the last close frees it.
 */
#include <kernel/vm.h>
#include <kernel/pmm.h>
#include <kernel/kheap.h>
#include <kernel/console.h>
#include <kernel/uaccess.h>
#include <arch/mmu.h>
#include <uapi/errno.h>
#include <string.h>
#include "ramfs.h"

/* The largest file: what a 32-bit size holds, in whole pages. */
#define DATA_MAX 0xFFFFF000u

struct file_object {
    struct vm_object obj;               /* first */
    struct ramfs_inode *ip;             /* a reference */
    uint32_t refs;                      /* regions mapping it, and lookups not yet put */
};

static struct file_object *to_file(struct vm_object *obj)
{
    return (struct file_object *)obj;
}

static uint32_t npages_of(uint64_t size)
{
    return (uint32_t)((size + PAGE_SIZE - 1) >> PAGE_SHIFT);
}

/* ---- the file's own pages ------------------------------------------------- */

/* Make room for n page entries. 0 or -ENOMEM. */
static int pages_reserve(struct ramfs_inode *ip, uint32_t n)
{
    if (n <= ip->npages_cap && ip->pages)
        return 0;
    uint32_t cap = ip->npages_cap ? ip->npages_cap : 4;
    while (cap < n)
        cap = cap > 0x40000000u ? n : cap * 2;
    paddr_t *p = kzalloc(cap * sizeof(paddr_t));
    if (!p)
        return -ENOMEM;
    if (ip->pages)
        memcpy(p, ip->pages, ip->npages_cap * sizeof(paddr_t));
    kfree(ip->pages);
    ip->pages = p;
    ip->npages_cap = cap;
    return 0;
}

/* The frame of page idx (< npages_cap), made zeroed if a hole; 0 when out. */
static paddr_t page_get(struct ramfs_inode *ip, uint32_t idx)
{
    if (!ip->pages[idx])
        ip->pages[idx] = vm_alloc_zeroed_frame();
    return ip->pages[idx];
}

int fs_data_own(struct ramfs_inode *ip)
{
    if (ip->pages)
        return 0;
    uint32_t n = npages_of(ip->size);
    if (pages_reserve(ip, n) < 0)
        return -ENOMEM;
    for (uint32_t i = 0; i < n; i++) {
        paddr_t pa = pmm_alloc_frame();
        if (!pa) {
            fs_data_free(ip);
            return -ENOSPC;
        }
        uint32_t off = i << PAGE_SHIFT;
        uint32_t len = MIN(ip->size - off, (uint32_t)PAGE_SIZE);
        char *p = kmap(pa);
        memcpy(p, ip->data + off, len);
        memset(p + len, 0, PAGE_SIZE - len);
        kunmap(p);
        ip->pages[i] = pa;
    }
    ip->data = NULL;                    /* the archive's bytes are no longer the file's */
    return 0;
}

/* The file changes: exec's copy is stale. */
static void flat_drop(struct ramfs_inode *ip)
{
    kfree(ip->flat);
    ip->flat = NULL;
}

const uint8_t *fs_data_flat(struct ramfs_inode *ip)
{
    if (!ip->pages)
        return ip->data;
    if (ip->flat)
        return ip->flat;
    uint8_t *k = kmalloc(ip->size ? ip->size : 1);
    if (!k)
        return NULL;
    for (uint32_t off = 0; off < ip->size; off += PAGE_SIZE) {
        uint32_t len = MIN(ip->size - off, (uint32_t)PAGE_SIZE);
        paddr_t pa = ip->pages[off >> PAGE_SHIFT];
        if (pa) {
            char *p = kmap(pa);
            memcpy(k + off, p, len);
            kunmap(p);
        } else {
            memset(k + off, 0, len);
        }
    }
    ip->flat = k;
    return k;
}

void fs_data_free(struct ramfs_inode *ip)
{
    flat_drop(ip);
    if (!ip->pages)
        return;
    for (uint32_t i = 0; i < ip->npages_cap; i++)
        if (ip->pages[i])
            pmm_unref(ip->pages[i]);
    kfree(ip->pages);
    ip->pages = NULL;
    ip->npages_cap = 0;
}

uint32_t fs_data_resident(const struct ramfs_inode *ip)
{
    uint32_t n = 0;
    for (uint32_t i = 0; ip->pages && i < ip->npages_cap; i++)
        n += ip->pages[i] != 0;
    return n;
}

long fs_data_read(struct ramfs_inode *ip, uint64_t off, char __user *buf, size_t n)
{
    if (n == 0 || off >= ip->size)
        return 0;
    n = MIN(n, ip->size - (size_t)off);
    if (!ip->pages)
        return copyout_partial(buf, (const char *)ip->data + off, n);
    /* Through a bounce page: a copy may fault in a mapping of this very file. */
    char *bounce = kmalloc(PAGE_SIZE);
    if (!bounce)
        return -ENOMEM;
    size_t done = 0;
    long ret = 0;
    while (done < n) {
        uint32_t pos = (uint32_t)off + done;
        uint32_t in = pos & (PAGE_SIZE - 1);
        size_t len = MIN(n - done, (size_t)(PAGE_SIZE - in));
        paddr_t pa = ip->pages[pos >> PAGE_SHIFT];
        if (pa) {
            char *p = kmap(pa);
            memcpy(bounce, p + in, len);
            kunmap(p);
        } else {
            memset(bounce, 0, len);
        }
        long got = copyout_partial(buf + done, bounce, len);
        if (got < 0) {
            ret = done ? 0 : got;
            break;
        }
        done += (size_t)got;
        if ((size_t)got < len)
            break;
    }
    kfree(bounce);
    return done ? (long)done : ret;
}

long fs_data_write(struct ramfs_inode *ip, uint64_t off, const char __user *buf, size_t n)
{
    if (n == 0)
        return 0;
    if (off >= DATA_MAX)
        return -EFBIG;
    n = MIN(n, DATA_MAX - (size_t)off);
    int err = fs_data_own(ip);
    if (err < 0)
        return err;
    flat_drop(ip);
    if ((err = pages_reserve(ip, npages_of(off + n))) < 0)
        return err;
    char *bounce = kmalloc(PAGE_SIZE);
    if (!bounce)
        return -ENOMEM;
    size_t done = 0;
    while (done < n) {
        uint32_t pos = (uint32_t)off + done;
        uint32_t in = pos & (PAGE_SIZE - 1);
        size_t len = MIN(n - done, (size_t)(PAGE_SIZE - in));
        if (copyin(bounce, buf + done, len) < 0) {
            err = -EFAULT;
            break;
        }
        paddr_t pa = page_get(ip, pos >> PAGE_SHIFT);
        if (!pa) {
            err = -ENOSPC;
            break;
        }
        char *p = kmap(pa);
        memcpy(p + in, bounce, len);
        kunmap(p);
        done += len;
        if (pos + len > ip->size)
            ip->size = pos + len;
    }
    kfree(bounce);
    if (ip->obj)
        ip->obj->npages = npages_of(ip->size);
    return done ? (long)done : err;
}

int fs_data_truncate(struct ramfs_inode *ip, uint64_t size)
{
    if (size > DATA_MAX)
        return -EFBIG;
    if (size == ip->size)
        return 0;
    int err = fs_data_own(ip);
    if (err < 0)
        return err;
    flat_drop(ip);
    uint32_t n = npages_of(size);
    if ((err = pages_reserve(ip, n)) < 0)
        return err;
    if (size < ip->size) {
        /* Frames past the end go; the last page's tail reads zero again. */
        for (uint32_t i = n; i < ip->npages_cap; i++) {
            if (ip->pages[i]) {
                pmm_unref(ip->pages[i]);
                ip->pages[i] = 0;
            }
        }
        uint32_t in = (uint32_t)size & (PAGE_SIZE - 1);
        if (in && ip->pages[n - 1]) {
            char *p = kmap(ip->pages[n - 1]);
            memset(p + in, 0, PAGE_SIZE - in);
            kunmap(p);
        }
    }
    ip->size = (uint32_t)size;
    if (ip->obj)
        ip->obj->npages = n;
    return 0;
}

/* ---- the memory object ---------------------------------------------------- */

/* A frame holding page idx of the archive's bytes, zeros past the end of the file. */
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
    struct ramfs_inode *ip = to_file(obj)->ip;
    if (ip->pages) {
        if (idx >= ip->npages_cap)
            return 0;
        paddr_t pa = page_get(ip, idx);
        if (pa)
            pmm_ref(pa);                /* the caller's */
        return pa;
    }
    uint32_t off = idx << PAGE_SHIFT;
    if (off >= ip->size)
        return vm_alloc_zeroed_frame();
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
    struct ramfs_inode *ip = fo->ip;
    ip->obj = NULL;
    kfree(fo);
    ramfs_iput(ip);
}

/* The file's path, for vmmap: its directory's path and its name there. */
static int file_describe(struct vm_object *obj, char *name, uint32_t len)
{
    const struct ramfs_inode *ip = to_file(obj)->ip;
    const struct ramfs_inode *dir = ip->parent;
    char path[256];
    const char *base = NULL;
    for (uint32_t i = 0; dir && i < dir->nchildren; i++)
        if (dir->children[i].ip == ip)
            base = dir->children[i].name;
    int n = dir && base ? ramfs_path(dir, path, sizeof(path)) : -ENOENT;
    if (n < 0)
        strcpy(path, "(deleted)");
    else if (strlen(path) + 1 + strlen(base) < sizeof(path))
        strcat(strcmp(path, "/") ? strcat(path, "/") : path, base);
    strncpy(name, path, len - 1);
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
        fo->obj.npages = npages_of(ip->size);
        fo->ip = ramfs_iget(ip);
        ip->obj = &fo->obj;
    }
    file_open(ip->obj);
    return ip->obj;
}
