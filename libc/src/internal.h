/*
 * internal.h: interfaces between libc's own source files (not installed
 * for programs). The raw system call helpers are in <agora/syscall.h>.
 */
#ifndef AGORA_LIBC_INTERNAL_H
#define AGORA_LIBC_INTERNAL_H

#include <setjmp.h>

/* start.c: called by _start (crt0.S); runs main and exits. */
__attribute__((noreturn)) void __libc_start(int argc, char **argv, char **envp);

/* stdio.c: flush every stream; exit() calls it after the atexit handlers. */
void __stdio_exit(void);

/* signal.c: the C half of sigsetjmp (arch/setjmp.S jumps here). */
int __sigsetjmp_mask(sigjmp_buf env, int savemask);

/* sigrestore.S: signal return trampolines installed as sa_restorer. */
void __sigreturn(void);
void __rt_sigreturn(void);

/* Write all n bytes to fd (retrying short writes and EINTR).
 * Returns n, or -1 with errno set. */
long __write_all(int fd, const void *buf, unsigned long n);

#endif
