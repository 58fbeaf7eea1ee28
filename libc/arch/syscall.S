/*
 * syscall.S: the one place libc enters the kernel (int $0x80, Linux i386
 * convention: number in eax, arguments in ebx, ecx, edx, esi, edi, ebp,
 * result in eax). ebx, esi, edi and ebp are callee-saved in the C ABI, so
 * they are saved around the trap.
 *
 *   long __syscall(long nr, long a1, ..., long a6)   raw result (-errno)
 *   long syscall(long nr, ...)                       C convention (errno, -1)
 */
	.text

	.globl __syscall
	.type __syscall, @function
__syscall:
	pushl %ebp
	pushl %edi
	pushl %esi
	pushl %ebx
	/* 4 saved registers + return address: arguments start at 20(%esp) */
	movl 20(%esp), %eax
	movl 24(%esp), %ebx
	movl 28(%esp), %ecx
	movl 32(%esp), %edx
	movl 36(%esp), %esi
	movl 40(%esp), %edi
	movl 44(%esp), %ebp
	int $0x80
	popl %ebx
	popl %esi
	popl %edi
	popl %ebp
	ret
	.size __syscall, . - __syscall

/*
 * syscall(2) wrapper. It reads six argument slots whatever the caller
 * passed; on i386 the extra slots are just the caller's stack, and the
 * kernel ignores arguments a call does not take.
 */
	.globl syscall
	.type syscall, @function
syscall:
	pushl %ebp
	pushl %edi
	pushl %esi
	pushl %ebx
	movl 20(%esp), %eax
	movl 24(%esp), %ebx
	movl 28(%esp), %ecx
	movl 32(%esp), %edx
	movl 36(%esp), %esi
	movl 40(%esp), %edi
	movl 44(%esp), %ebp
	int $0x80
	popl %ebx
	popl %esi
	popl %edi
	popl %ebp
	cmpl $-4095, %eax
	jae 1f
	ret
1:	negl %eax
	movl %eax, errno
	movl $-1, %eax
	ret
	.size syscall, . - syscall

	.section .note.GNU-stack, "", @progbits
