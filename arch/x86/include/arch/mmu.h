/*
 * mmu.h: x86 two-level paging without PAE. A virtual address splits into a
 * 10-bit page-directory index, a 10-bit page-table index and a 12-bit offset.
 */
#ifndef ARCH_MMU_H
#define ARCH_MMU_H

#include <arch/memlayout.h>

#define PTE_P    0x001      /* present */
#define PTE_W    0x002      /* writable */
#define PTE_U    0x004      /* user may access */
#define PTE_PWT  0x008      /* write-through */
#define PTE_PCD  0x010      /* cache disabled */
#define PTE_A    0x020
#define PTE_D    0x040
#define PTE_PS   0x080      /* 4 MiB page (in a PDE) */
#define PTE_G    0x100      /* global: needs CR4.PGE, which agora leaves off */

#define PDX(va)  (((uint32_t)(va) >> 22) & 0x3FF)
#define PTX(va)  (((uint32_t)(va) >> 12) & 0x3FF)
#define PTE_ADDR(e) ((e) & ~0xFFFu)
#define NPDENTRIES 1024
#define NPTENTRIES 1024
#define PT_SPAN    (NPTENTRIES * PAGE_SIZE)    /* what one page table maps: 4 MiB */
#define KERNEL_PDX PDX(KERNEL_BASE)

/* Page-fault error code bits. */
#define PF_PRESENT 0x1
#define PF_WRITE   0x2
#define PF_USER    0x4

#endif
