/*
 * assert.h: assert(expr). Re-included with NDEBUG changed, it follows the
 * new setting (hence no include guard around the macro). A failed
 * assertion prints "prog: file:line: func: Assertion `expr' failed." to
 * stderr and aborts, like glibc.
 */
#undef assert

#ifdef NDEBUG
#define assert(e) ((void)0)
#else
#define assert(e) ((e) ? (void)0 : __assert_fail(#e, __FILE__, __LINE__, __func__))
#endif

#ifndef _ASSERT_H
#define _ASSERT_H

__attribute__((noreturn)) void __assert_fail(const char *expr, const char *file,
					     unsigned int line, const char *func);

#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L && !defined(__cplusplus)
#define static_assert _Static_assert
#endif

#endif
