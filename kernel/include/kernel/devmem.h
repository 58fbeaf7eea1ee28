/*
 * devmem.h: the memory devices of Linux's mem major (1): /dev/null (minor
 * 3), zero (5), full (7), random (8), urandom (9), as read and write on
 * user buffers (kernel/dev/mem.c). kernel/fs/file.c hooks them into the
 * device inodes of /dev.
 */
#ifndef KERNEL_DEVMEM_H
#define KERNEL_DEVMEM_H

#include <kernel/types.h>

#define MEM_NULL 3
#define MEM_ZERO 5
#define MEM_FULL 7
#define MEM_RANDOM 8
#define MEM_URANDOM 9

/* read(2) and write(2) on the device of this minor: bytes moved, or
 * -EFAULT (nothing moved), -ENOSPC (writing /dev/full), -ENXIO (no such
 * minor). [buf, buf + n) is below the kernel. */
long devmem_read(int minor, char __user *buf, size_t n);
long devmem_write(int minor, const char __user *buf, size_t n);

#endif
