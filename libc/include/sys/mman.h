/*
 * sys/mman.h: memory mappings (mmap via mmap2 192, munmap, mprotect).
 */
#ifndef _SYS_MMAN_H
#define _SYS_MMAN_H

#include <agora/types.h>
#include <uapi/mman.h>

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int munmap(void *addr, size_t len);
int mprotect(void *addr, size_t len, int prot);

#endif
