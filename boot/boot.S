/*
 * boot.S: Multiboot2 header and the 32-bit entry point.
 *
 * GRUB enters _start in 32-bit protected mode with paging off,
 * EAX = 0x36d76289 and EBX = physical address of the Multiboot2 information.
 * First boot_cpu_check (boot/cpucheck.c, on the boot stack's physical
 * address) makes sure the CPU is an i686 with what the kernel needs, or
 * says so and halts. Then we build a boot page directory that maps the first 256 MiB of physical
 * memory twice, at 0 (so the next instruction still runs) and at 0xC0000000
 * (where the kernel is linked), using 4 MiB pages; turn paging on; switch to
 * the boot stack; and call kmain(magic, mbi_pa). vm_init() later replaces
 * these page tables with 4 KiB ones.
 */
#include <arch/memlayout.h>

#define MB2_MAGIC       0xE85250D6
#define MB2_ARCH_I386   0
#define BOOT_MAP_PDES   (BOOT_MAP_SIZE >> 22)   /* 4 MiB each */

    .section .multiboot2, "a"
    .align 8
mb2_header:
    .long MB2_MAGIC
    .long MB2_ARCH_I386
    .long mb2_header_end - mb2_header
    .long -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
    /* framebuffer tag (type 5), optional: ask for 1024x768x32 */
    .align 8
    .short 5
    .short 1
    .long 20
    .long 1024
    .long 768
    .long 32
    /* end tag */
    .align 8
    .short 0
    .short 0
    .long 8
mb2_header_end:

    .section .boot.text, "ax"
    .globl _start
_start:
    cli
    mov %eax, %esi                      /* keep magic and MBI address */
    mov %ebx, %edi

    mov $(boot_stack_top - KERNEL_BASE), %esp
    push %edi
    push %esi
    call boot_cpu_check                 /* returns only on a CPU we can use */
    add $8, %esp

    /* Fill boot_pgdir (a physical address: paging is off). */
    mov $(boot_pgdir - KERNEL_BASE), %edx
    mov $0, %ecx
1:  mov %ecx, %eax
    shl $22, %eax
    or $0x83, %eax                      /* present | writable | 4 MiB page */
    mov %eax, (%edx,%ecx,4)                     /* identity */
    mov %eax, (KERNEL_BASE >> 22) * 4(%edx,%ecx,4)  /* higher half */
    inc %ecx
    cmp $BOOT_MAP_PDES, %ecx
    jne 1b

    mov %cr4, %eax
    or $0x10, %eax                      /* CR4.PSE: 4 MiB pages */
    mov %eax, %cr4
    mov %edx, %cr3
    mov %cr0, %eax
    or $0x80010000, %eax                /* CR0.PG | CR0.WP */
    mov %eax, %cr0

    lea higher_half, %eax
    jmp *%eax

    .text
higher_half:
    mov $boot_stack_top, %esp
    xor %ebp, %ebp                      /* ends the backtrace */
    push %edi                           /* mbi physical address */
    push %esi                           /* magic */
    call kmain
2:  cli
    hlt
    jmp 2b

    .bss
    .align 4096
    .globl boot_pgdir
boot_pgdir:
    .space 4096
    .globl boot_stack
boot_stack:
    .space 16384
    .globl boot_stack_top
boot_stack_top:

    .section .note.GNU-stack, "", @progbits
