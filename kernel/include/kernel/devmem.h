/*
 * devmem.h: the "memory" character devices of Linux's major 1 (/dev/null,
 * /dev/zero, /dev/full, /dev/random, /dev/urandom) as plain functions, for
 * the file system to hook into device inodes, and the kernel's random
 * generator behind /dev/urandom and getrandom (kernel/dev/mem.c).
 */
#ifndef KERNEL_DEVMEM_H
#define KERNEL_DEVMEM_H

#include <kernel/types.h>

#define MEM_MAJOR 1
#define MEM_MINOR_NULL 3
#define MEM_MINOR_ZERO 5
#define MEM_MINOR_FULL 7
#define MEM_MINOR_RANDOM 8
#define MEM_MINOR_URANDOM 9

/* read(2)/write(2) of the device (major 1, minor) into/from user memory:
 * bytes done, 0 at end of file, or -errno (-EFAULT with nothing done,
 * -ENOSPC writing /dev/full, -ENXIO for a minor agora does not have). A
 * fault after some bytes returns those bytes, as Linux. */
long devmem_read(int minor, char __user *buf, size_t n);
long devmem_write(int minor, const char __user *buf, size_t n);

/* n random bytes into a kernel buffer. */
void random_bytes(void *buf, size_t n);

#endif
