/*
 * kernel/errno.h: the kernel-internal error codes above Linux's errno
 * range that ask for a system call to be restarted (Linux's
 * include/linux/errno.h values). A system call that a signal interrupts
 * returns one of them; user space never sees them: signal delivery
 * (kernel/proc/signal.c, handle_restart) turns them into EINTR or restarts
 * the call, as Linux's i386 handle_signal/do_signal do:
 *
 *   ERESTARTSYS            restart if no handler ran, or the handler has
 *                          SA_RESTART; else EINTR (wait4, read, pause-free
 *                          blocking calls)
 *   ERESTARTNOINTR         always restart
 *   ERESTARTNOHAND         restart if no handler ran; else EINTR (pause,
 *                          sigsuspend: they return EINTR after a handler)
 *   ERESTART_RESTARTBLOCK  as ERESTARTNOHAND, but the restart goes through
 *                          restart_syscall (0) with the remaining time
 *                          (nanosleep, clock_nanosleep)
 */
#ifndef KERNEL_ERRNO_H
#define KERNEL_ERRNO_H

#define ERESTARTSYS           512
#define ERESTARTNOINTR        513
#define ERESTARTNOHAND        514
#define ENOIOCTLCMD           515
#define ERESTART_RESTARTBLOCK 516

#endif
