/*
 * setjmp.h: non-local jumps. jmp_buf and sigjmp_buf are one type (as in
 * glibc): six saved registers (ebx, esi, edi, ebp, esp, eip) followed by
 * the signal mask that sigsetjmp(env, 1) saves and siglongjmp restores.
 * setjmp/longjmp do not touch the signal mask.
 */
#ifndef _SETJMP_H
#define _SETJMP_H

#include <signal.h>

typedef struct __jmp_buf_tag {
	unsigned long __regs[6];
	int __mask_saved;
	sigset_t __saved_mask;
} jmp_buf[1];

typedef jmp_buf sigjmp_buf;

int setjmp(jmp_buf env) __attribute__((returns_twice));
int _setjmp(jmp_buf env) __attribute__((returns_twice));
__attribute__((noreturn)) void longjmp(jmp_buf env, int val);
__attribute__((noreturn)) void _longjmp(jmp_buf env, int val);
int sigsetjmp(sigjmp_buf env, int savemask) __attribute__((returns_twice));
__attribute__((noreturn)) void siglongjmp(sigjmp_buf env, int val);

#endif
