/*
 * memlayout.h: agora's virtual address-space layout (see docs/architecture.md).
 *
 *   0xFFC00000..         temporary-map window (one page table, 1024 slots)
 *   0xF0000000..         framebuffer mapping
 *   0xEF000000..         device registers and firmware tables (vm_map_phys)
 *   0xE4000000..         kernel stacks (8 KiB each, a guard page below each)
 *   0xE0000000..         kernel heap (kmalloc), grown a page at a time
 *   0xC0000000..         direct map of physical memory 0..DIRECT_MAP_SIZE
 *   ..0xC0000000         user space (stack on top, shm attach area below it)
 *   0x00000000..0x0FFF   never mapped (NULL guard)
 *
 * Usable from assembly, so only #defines here.
 */
#ifndef ARCH_MEMLAYOUT_H
#define ARCH_MEMLAYOUT_H

#define PAGE_SIZE        4096
#define PAGE_SHIFT       12

#define KERNEL_BASE      0xC0000000
#define DIRECT_MAP_SIZE  0x20000000      /* 512 MiB of RAM reachable directly */
#define BOOT_MAP_SIZE    0x10000000      /* boot.S's 4 MiB pages: 256 MiB, until vm_init */
#define KHEAP_BASE       0xE0000000
#define KHEAP_MAX        0x04000000      /* 64 MiB of kernel heap */
#define KSTACK_BASE      0xE4000000      /* kernel stacks, each below a guard page */
#define KSTACK_SIZE      0x2000          /* 8 KiB per process */
#define KSTACK_SLOT      0x3000          /* stack + one unmapped guard page */
#define KSTACK_SLOTS     512
#define PHYSMAP_BASE     0xEF000000      /* vm_map_phys's window */
#define PHYSMAP_MAX      0x01000000      /* 16 MiB of it */
#define FB_BASE          0xF0000000
#define FB_MAX           0x0FC00000      /* up to 252 MiB of framebuffer */
#define KMAP_BASE        0xFFC00000      /* temporary-map window */
#define KMAP_SLOTS       1024

#define USER_BASE        0x00001000      /* page 0 stays unmapped */
#define USER_TOP         KERNEL_BASE
#define USER_STACK_TOP   0xC0000000
#define USER_STACK_MAX   0x00800000      /* 8 MiB stack region */
#define USER_STACK_GUARD 0x00100000      /* gap between attach area and stack */
#define SHM_AREA_TOP     (USER_STACK_TOP - USER_STACK_MAX - USER_STACK_GUARD)

#ifndef __ASSEMBLY__
#define P2V(pa)  ((void *)((uintptr_t)(pa) + KERNEL_BASE))
#define V2P(va)  ((paddr_t)((uintptr_t)(va) - KERNEL_BASE))
#endif

#endif
