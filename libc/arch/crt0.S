/*
 * crt0.S: process entry (_start), System V i386 style. The kernel leaves
 * esp pointing at argc, followed by argv[0..argc-1], NULL, envp[..], NULL,
 * then the auxiliary vector. _start records environ and calls
 * __libc_start(argc, argv, envp) (start.c), which runs main and exits.
 */
	.text
	.globl _start
	.type _start, @function
_start:
	xorl %ebp, %ebp                 /* marks the outermost frame */
	movl (%esp), %eax               /* argc */
	leal 4(%esp), %ecx              /* argv */
	leal 8(%esp,%eax,4), %edx       /* envp = argv + argc + 1 */
	movl %edx, environ
	andl $-16, %esp                 /* the ABI wants 16-byte alignment at calls */
	subl $4, %esp
	pushl %edx
	pushl %ecx
	pushl %eax
	call __libc_start
	hlt                             /* not reached: __libc_start exits */
	.size _start, . - _start

	.section .note.GNU-stack, "", @progbits
