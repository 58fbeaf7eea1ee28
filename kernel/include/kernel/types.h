/*
 * types.h: machine-word types used all over the kernel.
 * paddr_t is a physical address and is never a pointer; vaddr_t is a virtual
 * address held as a number. __user marks a pointer into user space: such a
 * pointer is only ever handed to copyin/copyout (kernel/mm/uaccess.c).
 */
#ifndef KERNEL_TYPES_H
#define KERNEL_TYPES_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

typedef uint32_t paddr_t;
typedef uint32_t vaddr_t;
typedef uint32_t pte_t;
typedef uint32_t pde_t;
typedef int32_t pid_t;
typedef uint32_t uid_t;
typedef uint32_t gid_t;
typedef long ssize_t;

#define __user

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define container_of(p, type, member) \
    ((type *)((char *)(p) - offsetof(type, member)))

#endif
