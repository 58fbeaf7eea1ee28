/*
 * entry.S: entry stubs for the 49 IDT vectors we use (exceptions 0-31,
 * IRQs 32-47, int $0x80; the IDT's other entries stay not present). Each
 * stub pushes an error code if the CPU did not, then the vector number;
 * alltraps saves the registers as a struct trapframe (arch/trap.h) and
 * calls trap(tf). trap_return pops the frame and irets:
 * every return to user space, including a new process's first, goes there.
 */
#include <arch/trap.h>

.macro VEC_NOERR n
    .globl vector\n
vector\n:
    pushl $0
    pushl $\n
    jmp alltraps
.endm

.macro VEC_ERR n
    .globl vector\n
vector\n:
    pushl $\n
    jmp alltraps
.endm

    .text
VEC_NOERR 0
VEC_NOERR 1
VEC_NOERR 2
VEC_NOERR 3
VEC_NOERR 4
VEC_NOERR 5
VEC_NOERR 6
VEC_NOERR 7
VEC_ERR   8
VEC_NOERR 9
VEC_ERR   10
VEC_ERR   11
VEC_ERR   12
VEC_ERR   13
VEC_ERR   14
VEC_NOERR 15
VEC_NOERR 16
VEC_ERR   17
VEC_NOERR 18
VEC_NOERR 19
VEC_NOERR 20
VEC_ERR   21
VEC_NOERR 22
VEC_NOERR 23
VEC_NOERR 24
VEC_NOERR 25
VEC_NOERR 26
VEC_NOERR 27
VEC_NOERR 28
VEC_ERR   29
VEC_ERR   30
VEC_NOERR 31
.irp n, 32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
VEC_NOERR \n
.endr
VEC_NOERR 128

alltraps:
    cld                         /* user code may have left DF set */
    pushal
    pushl %ds
    pushl %es
    pushl %fs
    pushl %gs
    movw $SEG_KDATA, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %fs
    movw %ax, %gs
    pushl %esp
    call trap
    addl $4, %esp

    /* The selectors popped here were checked when they were set (see
     * arch_sanitize_user_segments); if one faults anyway, trap() sees an
     * eip between trap_return and trap_return_end and blames the process. */
    .globl trap_return
trap_return:
    popl %gs
    popl %fs
    popl %es
    popl %ds
    popal
    addl $8, %esp               /* vector number and error code */
    iret
    .globl trap_return_end
trap_return_end:

    /* trap_resume(tf): abandon the kernel stack above tf and return to
     * user mode with the frame tf (used after a fault in trap_return). */
    .globl trap_resume
trap_resume:
    movl 4(%esp), %esp
    jmp trap_return

    /* The table of entry points, read by idt_init(). */
    .section .rodata
    .globl vectors
vectors:
.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    .long vector\n
.endr
.irp n, 32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
    .long vector\n
.endr
    .long vector128

    .section .note.GNU-stack, "", @progbits
