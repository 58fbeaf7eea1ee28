/*
 * uapi/signal.h: Linux i386 signal numbers, sigaction flags and the
 * structures the kernel exchanges with user space for signals:
 * struct kernel_sigaction (rt_sigaction 174), struct sigcontext_i386 and
 * struct ucontext_i386 (signal frames), struct siginfo_i386 (SA_SIGINFO).
 * Shared by the kernel and libc's <signal.h>.
 */
#ifndef AGORA_UAPI_SIGNAL_H
#define AGORA_UAPI_SIGNAL_H

#include <stdint.h>

#define SIGHUP     1
#define SIGINT     2
#define SIGQUIT    3
#define SIGILL     4
#define SIGTRAP    5
#define SIGABRT    6
#define SIGIOT     6
#define SIGBUS     7
#define SIGFPE     8
#define SIGKILL    9
#define SIGUSR1   10
#define SIGSEGV   11
#define SIGUSR2   12
#define SIGPIPE   13
#define SIGALRM   14
#define SIGTERM   15
#define SIGSTKFLT 16
#define SIGCHLD   17
#define SIGCONT   18
#define SIGSTOP   19
#define SIGTSTP   20
#define SIGTTIN   21
#define SIGTTOU   22
#define SIGURG    23
#define SIGXCPU   24
#define SIGXFSZ   25
#define SIGVTALRM 26
#define SIGPROF   27
#define SIGWINCH  28
#define SIGIO     29
#define SIGPOLL   SIGIO
#define SIGPWR    30
#define SIGSYS    31
#define SIGUNUSED 31

/* Kernel view of real-time signals (glibc reserves 32-33 for itself). */
#define SIGRTMIN  32
#define SIGRTMAX  _NSIG

/* Signals are numbered 1.._NSIG; a signal set is _NSIG bits (8 bytes). */
#define _NSIG       64
#define _NSIG_WORDS 2

/* sa_flags */
#define SA_NOCLDSTOP 0x00000001
#define SA_NOCLDWAIT 0x00000002
#define SA_SIGINFO   0x00000004
#define SA_RESTORER  0x04000000
#define SA_ONSTACK   0x08000000
#define SA_RESTART   0x10000000
#define SA_NODEFER   0x40000000
#define SA_RESETHAND 0x80000000
#define SA_NOMASK    SA_NODEFER
#define SA_ONESHOT   SA_RESETHAND

/* sigprocmask "how" */
#define SIG_BLOCK   0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

/* Handler values as integers (libc defines the pointer-typed SIG_DFL...). */
#define SIG_DFL_VALUE 0u
#define SIG_IGN_VALUE 1u
#define SIG_ERR_VALUE 0xFFFFFFFFu

/* si_code values */
#define SI_USER      0
#define SI_KERNEL    0x80
#define SI_QUEUE    (-1)
#define SI_TIMER    (-2)
#define SI_MESGQ    (-3)
#define SI_ASYNCIO  (-4)
#define SI_SIGIO    (-5)
#define SI_TKILL    (-6)

#define ILL_ILLOPC   1
#define ILL_ILLOPN   2
#define ILL_ILLADR   3
#define ILL_ILLTRP   4
#define ILL_PRVOPC   5
#define ILL_PRVREG   6
#define ILL_COPROC   7
#define ILL_BADSTK   8

#define FPE_INTDIV   1
#define FPE_INTOVF   2
#define FPE_FLTDIV   3
#define FPE_FLTOVF   4
#define FPE_FLTUND   5
#define FPE_FLTRES   6
#define FPE_FLTINV   7
#define FPE_FLTSUB   8

#define SEGV_MAPERR  1
#define SEGV_ACCERR  2

#define BUS_ADRALN   1
#define BUS_ADRERR   2
#define BUS_OBJERR   3

#define TRAP_BRKPT   1
#define TRAP_TRACE   2

#define CLD_EXITED    1
#define CLD_KILLED    2
#define CLD_DUMPED    3
#define CLD_TRAPPED   4
#define CLD_STOPPED   5
#define CLD_CONTINUED 6

/* sigaltstack */
#define SS_ONSTACK    1
#define SS_DISABLE    2
#define MINSIGSTKSZ   2048
#define SIGSTKSZ      8192

/*
 * What rt_sigaction(sig, act, oact, 8) reads and writes on i386: handler,
 * flags, restorer, then the 64-bit mask (bit n-1 = signal n).
 */
struct kernel_sigaction {
	uint32_t handler;
	uint32_t flags;
	uint32_t restorer;
	uint32_t mask[2];
};

/* Register state saved in a signal frame (Linux struct sigcontext, i386). */
struct sigcontext_i386 {
	uint16_t gs, __gsh;
	uint16_t fs, __fsh;
	uint16_t es, __esh;
	uint16_t ds, __dsh;
	uint32_t edi;
	uint32_t esi;
	uint32_t ebp;
	uint32_t esp;
	uint32_t ebx;
	uint32_t edx;
	uint32_t ecx;
	uint32_t eax;
	uint32_t trapno;
	uint32_t err;
	uint32_t eip;
	uint16_t cs, __csh;
	uint32_t eflags;
	uint32_t esp_at_signal;
	uint16_t ss, __ssh;
	uint32_t fpstate;       /* user address of the FPU state, or 0 */
	uint32_t oldmask;       /* low word of the mask to restore */
	uint32_t cr2;
};

/* stack_t as the kernel sees it (sigaltstack, uc_stack). */
struct stack_i386 {
	uint32_t ss_sp;
	int32_t ss_flags;
	uint32_t ss_size;
};

/* Linux i386 struct ucontext, used by rt signal frames. */
struct ucontext_i386 {
	uint32_t uc_flags;
	uint32_t uc_link;
	struct stack_i386 uc_stack;
	struct sigcontext_i386 uc_mcontext;
	uint32_t uc_sigmask[2];
};

/*
 * Linux i386 siginfo: three ints then a 116-byte union. Fields that exist
 * for a given si_code: kill/tkill: si_pid, si_uid; SIGCHLD: si_pid, si_uid,
 * si_status, si_utime, si_stime; faults: si_addr (a user address).
 */
struct siginfo_i386 {
	int32_t si_signo;
	int32_t si_errno;
	int32_t si_code;
	__extension__ union {
		uint32_t __pad[29];
		__extension__ struct {
			int32_t si_pid;         /* offset 12 */
			uint32_t si_uid;        /* offset 16 */
			int32_t si_status;      /* offset 20 */
			int32_t si_utime;
			int32_t si_stime;
		};
		__extension__ struct {
			uint32_t si_addr;       /* offset 12 */
		};
	};
};

__extension__ _Static_assert(sizeof(struct kernel_sigaction) == 20, "kernel_sigaction");
__extension__ _Static_assert(sizeof(struct sigcontext_i386) == 88, "sigcontext_i386");
__extension__ _Static_assert(sizeof(struct ucontext_i386) == 116, "ucontext_i386");
__extension__ _Static_assert(sizeof(struct siginfo_i386) == 128, "siginfo_i386");

#endif
