/*
 * uaccess.c: copyin, copyout and copyinstr, the only code that touches user
 * memory. Nothing here dereferences a user address: each page is checked
 * against the address space (faulted in through its region if it is not
 * present yet, exactly as the user's own access would be) and the bytes are
 * copied through the kernel's mapping of the frame. A bad pointer therefore
 * costs -EFAULT, never a kernel fault, and CR0.WP is irrelevant here because
 * a read-only page is refused (or, copy-on-write, copied) before any byte is
 * written.
 */
#include <kernel/uaccess.h>
#include <kernel/vm.h>
#include <kernel/pmm.h>
#include <kernel/console.h>
#include <kernel/proc.h>
#include <arch/mmu.h>
#include <uapi/errno.h>
#include <string.h>

static bool range_ok(vaddr_t va, size_t n)
{
    return va >= USER_BASE && va + n >= va && va + n <= USER_TOP;
}

enum access { READ, WRITE, LOAD };      /* LOAD: exec filling a new image */

/* The frame behind user page va, faulted in if needed; 0 if not allowed.
 * A write to a copy-on-write page copies it first, as the user's own write
 * would. LOAD writes even into pages the user may only read (exec's
 * assembled pages, which are zero-fill memory of the new image alone). */
static paddr_t user_frame(struct vm_space *vs, vaddr_t va, enum access acc)
{
    pte_t pte = vm_lookup_pte(vs, va);
    if (!(pte & PTE_P) || (acc == WRITE && !(pte & PTE_W))) {
        if (vm_fault(vs, va, acc == WRITE) < 0)
            return 0;
        pte = vm_lookup_pte(vs, va);
    }
    if (!(pte & PTE_P) || !(pte & PTE_U) || (acc == WRITE && !(pte & PTE_W)))
        return 0;
    assert(acc != LOAD || pmm_refcount(PTE_ADDR(pte)) == 1);
    return PTE_ADDR(pte);
}

/* Copy n bytes between kernel buffer kbuf and user range va. */
static int copy_user(struct vm_space *vs, vaddr_t va, void *kbuf, size_t n, enum access acc)
{
    bool to_user = acc != READ;
    if (n == 0)
        return 0;
    if (!vs || !range_ok(va, n))
        return -EFAULT;
    char *k = kbuf;
    while (n > 0) {
        size_t off = va & (PAGE_SIZE - 1);
        size_t chunk = MIN(n, PAGE_SIZE - off);
        paddr_t pa = user_frame(vs, va, acc);
        if (!pa)
            return -EFAULT;
        char *p = kmap(pa);
        if (to_user)
            memcpy(p + off, k, chunk);
        else
            memcpy(k, p + off, chunk);
        kunmap(p);
        va += chunk;
        k += chunk;
        n -= chunk;
    }
    return 0;
}

int vm_copyout(struct vm_space *vs, vaddr_t dst, const void *src, size_t n)
{
    return copy_user(vs, dst, (void *)src, n, WRITE);
}

int vm_load(struct vm_space *vs, vaddr_t dst, const void *src, size_t n)
{
    return copy_user(vs, dst, (void *)src, n, LOAD);
}

int vm_copyin(struct vm_space *vs, void *dst, vaddr_t src, size_t n)
{
    return copy_user(vs, src, dst, n, READ);
}

int copyin(void *dst, const void __user *src, size_t n)
{
    return copy_user(current ? current->vm : NULL, (vaddr_t)src, dst, n, READ);
}

int copyout(void __user *dst, const void *src, size_t n)
{
    return copy_user(current ? current->vm : NULL, (vaddr_t)dst, (void *)src, n, WRITE);
}

int copyinstr(char *dst, const char __user *src, size_t max)
{
    vaddr_t va = (vaddr_t)src;
    struct vm_space *vs = current ? current->vm : NULL;
    if (!vs)
        return -EFAULT;
    for (size_t i = 0; i < max;) {
        if (!range_ok(va + i, 1))
            return -EFAULT;
        paddr_t pa = user_frame(vs, va + i, READ);
        if (!pa)
            return -EFAULT;
        size_t off = (va + i) & (PAGE_SIZE - 1);
        const char *p = kmap(pa);
        for (; off < PAGE_SIZE && i < max; off++, i++) {
            dst[i] = p[off];
            if (dst[i] == '\0') {
                kunmap((void *)p);
                return (int)i;
            }
        }
        kunmap((void *)p);
    }
    return -ENAMETOOLONG;
}

long copyout_partial(char __user *dst, const char *src, size_t n)
{
    size_t done = 0;
    while (done < n) {
        size_t room = PAGE_SIZE - (((uintptr_t)dst + done) & (PAGE_SIZE - 1));
        size_t chunk = MIN(n - done, room);
        if (copyout(dst + done, src + done, chunk) < 0)
            break;
        done += chunk;
    }
    return done ? (long)done : -EFAULT;
}

bool user_range_ok(const void __user *p, size_t n)
{
    uintptr_t va = (uintptr_t)p;
    return va + n >= va && va + n <= USER_TOP;
}
