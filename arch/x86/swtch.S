/*
 * swtch.S: switch kernel stacks.
 *   void arch_switch(uint32_t *save_esp, uint32_t load_esp)
 * Saves the callee-saved registers on the current stack, stores esp in
 * *save_esp, loads load_esp and pops the registers saved there. A new
 * process's stack is prepared (proc.c) so that the final ret lands in
 * trap_return with its trapframe on top.
 */
    .text
    .globl arch_switch
arch_switch:
    movl 4(%esp), %eax
    movl 8(%esp), %edx
    pushl %ebp
    pushl %ebx
    pushl %esi
    pushl %edi
    movl %esp, (%eax)
    movl %edx, %esp
    popl %edi
    popl %esi
    popl %ebx
    popl %ebp
    ret

    .section .note.GNU-stack, "", @progbits
