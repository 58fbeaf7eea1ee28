/*
 * signal.c: sigaction (rt_sigaction 174), signal, the sigset_t
 * operations, sigprocmask (175), sigsuspend (179), sigpending (176),
 * kill/raise/abort, and the signal-mask half of sigsetjmp/siglongjmp.
 *
 * sigaction converts struct sigaction to the kernel's struct
 * kernel_sigaction and always sets SA_RESTORER with libc's trampoline:
 * __rt_sigreturn for SA_SIGINFO handlers, __sigreturn otherwise (the two
 * frame layouts differ; see arch/sigrestore.S).
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <agora/syscall.h>
#include "internal.h"

#define SIGSET_BYTES 8          /* what rt_sig* calls take on i386 */

static int bad_signal(int sig)
{
	return sig < 1 || sig > _NSIG;
}

/* Examine and/or change the action for sig. 0, or -1 with errno. */
int sigaction(int sig, const struct sigaction *restrict act, struct sigaction *restrict old)
{
	struct kernel_sigaction kact, kold;
	long r;

	if (act) {
		kact.handler = (uint32_t)(uintptr_t)act->sa_handler;
		kact.flags = (uint32_t)act->sa_flags | SA_RESTORER;
		kact.restorer = (uint32_t)(uintptr_t)((act->sa_flags & SA_SIGINFO) ?
						      __rt_sigreturn : __sigreturn);
		kact.mask[0] = (uint32_t)act->sa_mask.__bits[0];
		kact.mask[1] = (uint32_t)act->sa_mask.__bits[1];
	}
	r = __syscall4(__NR_rt_sigaction, sig, act ? &kact : NULL, old ? &kold : NULL,
		       SIGSET_BYTES);
	if (__syscall_ret(r) < 0)
		return -1;
	if (old) {
		memset(old, 0, sizeof(*old));
		old->sa_handler = (void (*)(int))(uintptr_t)kold.handler;
		old->sa_flags = (int)kold.flags;
		old->sa_restorer = (void (*)(void))(uintptr_t)kold.restorer;
		old->sa_mask.__bits[0] = kold.mask[0];
		old->sa_mask.__bits[1] = kold.mask[1];
	}
	return 0;
}

/* Install handler for sig with BSD semantics (SA_RESTART, no reset).
 * Returns the previous handler, or SIG_ERR with errno. */
sighandler_t signal(int sig, sighandler_t handler)
{
	struct sigaction sa, old;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sa.sa_flags = SA_RESTART;
	if (sigaction(sig, &sa, &old) < 0)
		return SIG_ERR;
	return old.sa_handler;
}

/* Make sig interrupt (flag != 0) or restart (flag == 0) system calls. */
int siginterrupt(int sig, int flag)
{
	struct sigaction sa;

	if (sigaction(sig, NULL, &sa) < 0)
		return -1;
	if (flag)
		sa.sa_flags &= ~SA_RESTART;
	else
		sa.sa_flags |= SA_RESTART;
	return sigaction(sig, &sa, NULL);
}

/* Change the blocked-signal mask (SIG_BLOCK, SIG_UNBLOCK, SIG_SETMASK). */
int sigprocmask(int how, const sigset_t *restrict set, sigset_t *restrict old)
{
	return (int)__syscall_ret(__syscall4(__NR_rt_sigprocmask, how, set, old,
					     SIGSET_BYTES));
}

/* Wait for a signal with mask as the temporary mask. Always -1 (EINTR). */
int sigsuspend(const sigset_t *mask)
{
	return (int)__syscall_ret(__syscall2(__NR_rt_sigsuspend, mask, SIGSET_BYTES));
}

/* The set of signals pending while blocked. */
int sigpending(sigset_t *set)
{
	return (int)__syscall_ret(__syscall2(__NR_rt_sigpending, set, SIGSET_BYTES));
}

/* Alternate signal stack (sigaltstack 186; stack_t matches the kernel's). */
int sigaltstack(const stack_t *restrict ss, stack_t *restrict old)
{
	return (int)__syscall_ret(__syscall2(__NR_sigaltstack, ss, old));
}

/* The empty set. */
int sigemptyset(sigset_t *set)
{
	set->__bits[0] = set->__bits[1] = 0;
	return 0;
}

/* The set of all signals. */
int sigfillset(sigset_t *set)
{
	set->__bits[0] = set->__bits[1] = 0xFFFFFFFFul;
	return 0;
}

/* Add sig to set; -1 (EINVAL) if sig is not 1.._NSIG. */
int sigaddset(sigset_t *set, int sig)
{
	if (bad_signal(sig)) {
		errno = EINVAL;
		return -1;
	}
	set->__bits[(sig - 1) / 32] |= 1ul << ((sig - 1) % 32);
	return 0;
}

/* Remove sig from set; -1 (EINVAL) for a bad signal number. */
int sigdelset(sigset_t *set, int sig)
{
	if (bad_signal(sig)) {
		errno = EINVAL;
		return -1;
	}
	set->__bits[(sig - 1) / 32] &= ~(1ul << ((sig - 1) % 32));
	return 0;
}

/* 1 if sig is in set, 0 if not, -1 (EINVAL) for a bad signal number. */
int sigismember(const sigset_t *set, int sig)
{
	if (bad_signal(sig)) {
		errno = EINVAL;
		return -1;
	}
	return (set->__bits[(sig - 1) / 32] >> ((sig - 1) % 32)) & 1;
}

/* Send sig to a process (pid > 0), a group (pid < -1, or 0 for ours). */
int kill(pid_t pid, int sig)
{
	return (int)__syscall_ret(__syscall2(__NR_kill, pid, sig));
}

/* Send sig to every process in group pgrp. */
int killpg(pid_t pgrp, int sig)
{
	if (pgrp < 0) {
		errno = EINVAL;
		return -1;
	}
	return kill(-pgrp, sig);
}

/* Send sig to the calling process. */
int raise(int sig)
{
	return kill(getpid(), sig);
}

/*
 * Terminate with SIGABRT. If a handler returns (or the signal is
 * ignored), the default action is restored and the signal sent again;
 * as a last resort the process exits with status 127.
 */
void abort(void)
{
	sigset_t set;
	struct sigaction sa;

	sigemptyset(&set);
	sigaddset(&set, SIGABRT);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(SIGABRT);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigaction(SIGABRT, &sa, NULL);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(SIGABRT);
	_exit(127);
}

/* Print "s: <signal description>" on stderr. */
void psignal(int sig, const char *s)
{
	if (s && *s)
		fprintf(stderr, "%s: %s\n", s, strsignal(sig));
	else
		fprintf(stderr, "%s\n", strsignal(sig));
}

/* The C half of sigsetjmp: the registers are saved (arch/setjmp.S);
 * save the signal mask too if asked. Returns 0 (the direct return). */
int __sigsetjmp_mask(sigjmp_buf env, int savemask)
{
	env->__mask_saved = savemask != 0;
	if (savemask)
		sigprocmask(SIG_BLOCK, NULL, &env->__saved_mask);
	return 0;
}

/* longjmp that first restores the mask sigsetjmp saved (if it did). */
void siglongjmp(sigjmp_buf env, int val)
{
	if (env->__mask_saved)
		sigprocmask(SIG_SETMASK, &env->__saved_mask, NULL);
	longjmp(env, val);
}
