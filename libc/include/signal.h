/*
 * signal.h: signals (Linux numbers and flags from <uapi/signal.h>),
 * sigaction, the 64-bit sigset_t and its operations, kill/raise.
 * sigaction() always installs libc's own return trampoline (SA_RESTORER).
 */
#ifndef _SIGNAL_H
#define _SIGNAL_H

#include <agora/types.h>
#include <uapi/signal.h>

/* glibc counts signals 1..64 plus one, for arrays indexed by signal. */
#define NSIG (_NSIG + 1)

typedef int sig_atomic_t;
typedef void (*sighandler_t)(int);
typedef sighandler_t __sighandler_t;

#define SIG_DFL ((sighandler_t)0)
#define SIG_IGN ((sighandler_t)1)
#define SIG_ERR ((sighandler_t)-1)

/* 64 bits: bit (n - 1) is signal n. */
typedef struct {
	unsigned long __bits[2];
} sigset_t;

union sigval {
	int sival_int;
	void *sival_ptr;
};

/* Same layout as the kernel's struct siginfo_i386 (128 bytes). */
typedef struct {
	int si_signo;
	int si_errno;
	int si_code;
	__extension__ union {
		int __pad[29];
		__extension__ struct {          /* kill, SIGCHLD */
			pid_t si_pid;
			uid_t si_uid;
			int si_status;
			clock_t si_utime;
			clock_t si_stime;
		};
		__extension__ struct {          /* SIGSEGV, SIGBUS, SIGILL, SIGFPE */
			void *si_addr;
		};
		__extension__ struct {          /* sigqueue */
			int __si_pid2;
			unsigned int __si_uid2;
			union sigval si_value;
		};
	};
} siginfo_t;

struct sigaction {
	__extension__ union {
		void (*sa_handler)(int);
		void (*sa_sigaction)(int, siginfo_t *, void *);
	};
	sigset_t sa_mask;
	int sa_flags;
	void (*sa_restorer)(void);
};

typedef struct {
	void *ss_sp;
	int ss_flags;
	size_t ss_size;
} stack_t;

int sigaction(int sig, const struct sigaction *restrict act, struct sigaction *restrict old);
sighandler_t signal(int sig, sighandler_t handler);
int sigprocmask(int how, const sigset_t *restrict set, sigset_t *restrict old);
int sigsuspend(const sigset_t *mask);
int sigpending(sigset_t *set);
int sigaltstack(const stack_t *restrict ss, stack_t *restrict old);
int siginterrupt(int sig, int flag);

int sigemptyset(sigset_t *set);
int sigfillset(sigset_t *set);
int sigaddset(sigset_t *set, int sig);
int sigdelset(sigset_t *set, int sig);
int sigismember(const sigset_t *set, int sig);

int kill(pid_t pid, int sig);
int killpg(pid_t pgrp, int sig);
int raise(int sig);
void psignal(int sig, const char *s);
char *strsignal(int sig);

#endif
