/*
 * mmap.c: the memory-map system calls, brk, mmap (old and mmap2), munmap
 * and mprotect. Each checks its arguments as Linux does, in Linux's order
 * (mm/mmap.c, mm/mprotect.c), picks the object to map and leaves the work
 * to the regions (region.c):
 *
 *   MAP_PRIVATE|MAP_ANONYMOUS   vm_anon: private zero-fill pages
 *   MAP_SHARED|MAP_ANONYMOUS    a new shared anonymous object
 *   MAP_PRIVATE of a file       the file's object, copy-on-write
 *   MAP_SHARED of a file        the file's object (writable through a writable descriptor)
 */
#include <kernel/syscall.h>
#include <kernel/proc.h>
#include <kernel/vm.h>
#include <kernel/fs.h>
#include <kernel/uaccess.h>
#include <arch/memlayout.h>
#include <uapi/errno.h>
#include <uapi/mman.h>

#define PROT_ALL (VM_READ | VM_WRITE | VM_EXEC)

/* The flags every mmap has always accepted (Linux's LEGACY_MAP_MASK):
 * MAP_SHARED_VALIDATE refuses any other that the file cannot honour, and a
 * ramfs file honours none (MAP_SYNC...). */
#define MAP_HUGETLB_FLAG 0x40000
#define MAP_UNINITIALIZED_FLAG 0x4000000
#define LEGACY_MAP_MASK (MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_DENYWRITE | \
                         MAP_EXECUTABLE | MAP_UNINITIALIZED_FLAG | MAP_GROWSDOWN | MAP_LOCKED | \
                         MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB_FLAG)

long sys_brk(uint32_t addr)
{
    return (long)vm_brk(current->vm, addr);
}

/* Check a user range for munmap/mprotect: [addr, addr + len) page-rounded. */
static int user_range(uint32_t addr, uint32_t len, vaddr_t *end)
{
    if ((addr & (PAGE_SIZE - 1)) || len == 0)
        return -EINVAL;
    uint32_t size = ALIGN_UP(len, PAGE_SIZE);
    if (size < len || addr + size < addr || addr + size > USER_TOP || addr < USER_BASE)
        return -EINVAL;
    *end = addr + size;
    return 0;
}

/* munmap: removes whole pages of any regions in the range (an shm piece
 * going away detaches it, as on Linux); an unmapped range is fine. */
long sys_munmap(uint32_t addr, uint32_t len)
{
    vaddr_t end;
    int err = user_range(addr, len, &end);
    return err < 0 ? err : vm_unmap_range(current->vm, addr, end);
}

/* The object an mmap maps and what mprotect may grant on it later. The
 * object comes with a reference for the caller (none for vm_anon). */
static int mmap_object(bool anon, bool shared, int fd, uint32_t prot, uint32_t npages,
                       struct vm_object **obj, uint32_t *maxprot)
{
    *maxprot = PROT_ALL;
    if (!anon)
        return fs_mmap(fd, shared, prot, obj, maxprot);
    if (!shared) {
        *obj = &vm_anon;
        return 0;
    }
    *obj = vm_shared_anon_create(npages);
    return *obj ? 0 : -ENOMEM;
}

/*
 * mmap2: mmap with the offset in pages. Linux's checks in order: the
 * descriptor (EBADF), the length (EINVAL if 0, ENOMEM if it wraps), the
 * offset (EOVERFLOW), the place (MAP_FIXED: EINVAL unless page aligned
 * inside user space; else ENOMEM when no hole is big enough), the mapping
 * type (EINVAL unless exactly shared or private; files also take
 * MAP_SHARED_VALIDATE, EOPNOTSUPP with a flag beyond the old set), then
 * the file's own checks (fs_mmap).
 */
long sys_mmap2(uint32_t addr, uint32_t len, uint32_t prot, uint32_t flags, int fd,
               uint32_t pgoff)
{
    bool anon = flags & MAP_ANONYMOUS;
    if (!anon && fs_fd_check(fd) < 0)
        return -EBADF;
    if (len == 0 || (prot & ~(uint32_t)PROT_ALL))
        return -EINVAL;
    uint32_t size = ALIGN_UP(len, PAGE_SIZE);
    if (size < len)
        return -ENOMEM;
    uint32_t npages = size >> PAGE_SHIFT;
    if (!anon && pgoff + npages < pgoff)
        return -EOVERFLOW;
    struct vm_space *vs = current->vm;
    int err;
    if (flags & MAP_FIXED) {
        vaddr_t end;
        if ((err = user_range(addr, size, &end)) < 0)
            return err;
    } else if (!(addr = vm_place(vs, size))) {
        return -ENOMEM;
    }
    uint32_t type = flags & MAP_TYPE;
    bool shared = type == MAP_SHARED || (!anon && type == MAP_SHARED_VALIDATE);
    if (!shared && type != MAP_PRIVATE)
        return -EINVAL;
    if (!anon && type == MAP_SHARED_VALIDATE && (flags & ~(uint32_t)LEGACY_MAP_MASK))
        return -EOPNOTSUPP;
    if (prot & (VM_WRITE | VM_EXEC))
        prot |= VM_READ;                /* x86 pages cannot be write-only */
    struct vm_object *obj;
    uint32_t maxprot;
    if ((err = mmap_object(anon, shared, fd, prot, npages, &obj, &maxprot)) < 0)
        return err;
    /* -ENOMEM also past the region limit or RLIMIT_AS, before anything
     * MAP_FIXED would replace is unmapped. */
    err = vm_map_object(vs, addr, addr + size, prot, maxprot, shared ? VM_SHARED : 0, obj,
                        anon ? 0 : pgoff);
    if (obj != &vm_anon)
        vm_object_put(obj);             /* the region holds its own reference */
    return err < 0 ? err : (long)addr;
}

/* The old mmap (90) takes its six arguments in a user structure. */
long sys_old_mmap(const uint32_t __user *args)
{
    uint32_t a[6];
    if (copyin(a, args, sizeof(a)) < 0)
        return -EFAULT;
    if (a[5] & (PAGE_SIZE - 1))
        return -EINVAL;
    return sys_mmap2(a[0], a[1], a[2], a[3], (int)a[4], a[5] >> PAGE_SHIFT);
}

long sys_mprotect(uint32_t addr, uint32_t len, uint32_t prot)
{
    if (prot & ~(uint32_t)PROT_ALL)
        return -EINVAL;
    if (len == 0 && !(addr & (PAGE_SIZE - 1)))
        return 0;
    vaddr_t end;
    int err = user_range(addr, len, &end);
    if (err < 0)
        return err;
    /* x86 pages without PAE cannot forbid reading: write implies read. */
    if (prot & (VM_WRITE | VM_EXEC))
        prot |= VM_READ;
    return vm_protect(current->vm, addr, end, prot);
}
