/*
 * start.c: process startup and the process-wide variables (errno,
 * environ, program name). _start (arch/crt0.S) sets environ and calls
 * __libc_start, which calls main and passes its result to exit().
 */
#include <errno.h>
#include <stdlib.h>
#include <agora/syscall.h>
#include "internal.h"

int errno;
char **environ;
char *program_invocation_name = "";
char *program_invocation_short_name = "";

int main(int argc, char **argv, char **envp);

/* Run main(argc, argv, envp) and exit with its return value. */
void __libc_start(int argc, char **argv, char **envp)
{
	environ = envp;
	if (argc > 0 && argv[0]) {
		char *p = argv[0], *base = argv[0];
		for (; *p; p++)
			if (*p == '/')
				base = p + 1;
		program_invocation_name = argv[0];
		program_invocation_short_name = base;
	}
	exit(main(argc, argv, envp));
}

/* Convert a raw system call result: [-4095, -1] sets errno, returns -1. */
long __syscall_ret(long r)
{
	if (__syscall_is_error(r)) {
		errno = (int)-r;
		return -1;
	}
	return r;
}
