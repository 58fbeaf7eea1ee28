/*
 * agora/syscall.h: raw Linux i386 system calls (int $0x80).
 * __syscall() (libc/arch/syscall.S) returns the kernel's result unchanged:
 * a value in [-4095, -1] is -errno. __syscall_ret() converts that into
 * the C convention (errno set, -1 returned). Used by libc and by tests that
 * need to see exactly what the kernel returned.
 */
#ifndef _AGORA_SYSCALL_H
#define _AGORA_SYSCALL_H

#include <uapi/unistd.h>

/* Number in eax, arguments in ebx, ecx, edx, esi, edi, ebp. */
long __syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6);

#define __syscall0(n)                 __syscall((n), 0, 0, 0, 0, 0, 0)
#define __syscall1(n, a)              __syscall((n), (long)(a), 0, 0, 0, 0, 0)
#define __syscall2(n, a, b)           __syscall((n), (long)(a), (long)(b), 0, 0, 0, 0)
#define __syscall3(n, a, b, c)        __syscall((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define __syscall4(n, a, b, c, d)     __syscall((n), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define __syscall5(n, a, b, c, d, e)  __syscall((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)
#define __syscall6(n, a, b, c, d, e, f) \
	__syscall((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))

/* True if a raw result encodes an error. */
#define __syscall_is_error(r) ((unsigned long)(r) > -4096UL)

/* Raw result to C convention: on error set errno and return -1. */
long __syscall_ret(long r);

#endif
