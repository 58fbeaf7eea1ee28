/*
 * uaccess.h: the only way the kernel reads or writes user memory.
 *
 * Each call checks the range (overflow-safe, entirely below 0xC0000000),
 * then goes page by page through the address space's regions and page
 * tables: a page not yet present is faulted in as a user access would be,
 * a page the user could not access gives -EFAULT, and for copyout a page the
 * user could not write gives -EFAULT. The bytes are copied through the
 * kernel's mapping of the frame, never through the user address.
 */
#ifndef KERNEL_UACCESS_H
#define KERNEL_UACCESS_H

#include <kernel/types.h>

struct vm_space;

int copyin(void *dst, const void __user *src, size_t n);
int copyout(void __user *dst, const void *src, size_t n);
/* Copy a NUL-terminated string of at most max bytes (NUL included).
 * Returns its length, -EFAULT, or -ENAMETOOLONG. */
int copyinstr(char *dst, const char __user *src, size_t max);

/* The same for an address space that is not the current one (exec). */
/* Copy n kernel bytes to dst a page at a time, stopping at the first
 * fault: the bytes copied, or -EFAULT if none could be (read(2)'s rule:
 * a partial read returns what it got). */
long copyout_partial(char __user *dst, const char *src, size_t n);
/* Linux's access_ok: [p, p + n) lies below the kernel and does not wrap. */
bool user_range_ok(const void __user *p, size_t n);

int vm_copyout(struct vm_space *vs, vaddr_t dst, const void *src, size_t n);
int vm_copyin(struct vm_space *vs, void *dst, vaddr_t src, size_t n);
/* exec: write a new image, including pages the user may only read. */
int vm_load(struct vm_space *vs, vaddr_t dst, const void *src, size_t n);

#endif
