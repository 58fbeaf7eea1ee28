/*
 * setjmp.S: setjmp/longjmp and the register half of sigsetjmp.
 * A jmp_buf starts with six words: ebx, esi, edi, ebp, the esp the caller
 * will have after setjmp returns, and the return address (see <setjmp.h>);
 * word 6 (__mask_saved) says whether a signal mask follows.
 * The signal-mask half of sigsetjmp/siglongjmp is in signal.c.
 */
	.text

	.globl setjmp
	.globl _setjmp
	.type setjmp, @function
	.type _setjmp, @function
setjmp:
_setjmp:
	movl 4(%esp), %edx              /* env */
	movl %ebx, 0(%edx)
	movl %esi, 4(%edx)
	movl %edi, 8(%edx)
	movl %ebp, 12(%edx)
	leal 4(%esp), %ecx              /* esp once we have returned */
	movl %ecx, 16(%edx)
	movl (%esp), %ecx               /* return address */
	movl %ecx, 20(%edx)
	movl $0, 24(%edx)               /* __mask_saved: siglongjmp keeps the mask */
	xorl %eax, %eax
	ret
	.size setjmp, . - setjmp

/*
 * sigsetjmp(env, savemask): save the registers exactly as setjmp does,
 * then jump (not call) to __sigsetjmp_mask(env, savemask) in C: the
 * arguments and return address are still in place, so it returns 0
 * straight to our caller.
 */
	.globl sigsetjmp
	.globl __sigsetjmp
	.type sigsetjmp, @function
sigsetjmp:
__sigsetjmp:
	movl 4(%esp), %edx
	movl %ebx, 0(%edx)
	movl %esi, 4(%edx)
	movl %edi, 8(%edx)
	movl %ebp, 12(%edx)
	leal 4(%esp), %ecx
	movl %ecx, 16(%edx)
	movl (%esp), %ecx
	movl %ecx, 20(%edx)
	jmp __sigsetjmp_mask
	.size sigsetjmp, . - sigsetjmp

/* longjmp(env, val): resume after the setjmp that filled env, which then
 * returns val (1 if val is 0). */
	.globl longjmp
	.globl _longjmp
	.type longjmp, @function
	.type _longjmp, @function
longjmp:
_longjmp:
	movl 4(%esp), %edx
	movl 8(%esp), %eax
	testl %eax, %eax
	jnz 1f
	incl %eax
1:	movl 0(%edx), %ebx
	movl 4(%edx), %esi
	movl 8(%edx), %edi
	movl 12(%edx), %ebp
	movl 16(%edx), %esp
	jmp *20(%edx)
	.size longjmp, . - longjmp

	.section .note.GNU-stack, "", @progbits
