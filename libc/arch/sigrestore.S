/*
 * sigrestore.S: the signal return trampolines libc installs as
 * sa_restorer (sigaction always sets SA_RESTORER). A handler's "ret" lands
 * here with esp just past the return address in the signal frame.
 *
 *   __sigreturn: frames for handlers without SA_SIGINFO. The signal number
 *     is on top of the stack; pop it so esp points at the sigcontext, as
 *     sigreturn (119) expects (Linux's classic trampoline).
 *   __rt_sigreturn: SA_SIGINFO frames; rt_sigreturn (173).
 */
	.text

	.globl __sigreturn
	.type __sigreturn, @function
__sigreturn:
	popl %eax
	movl $119, %eax
	int $0x80
	hlt                             /* sigreturn does not return */
	.size __sigreturn, . - __sigreturn

	.globl __rt_sigreturn
	.type __rt_sigreturn, @function
__rt_sigreturn:
	movl $173, %eax
	int $0x80
	hlt
	.size __rt_sigreturn, . - __rt_sigreturn

	.section .note.GNU-stack, "", @progbits
