/*
 * exit.c: process termination. exit() runs the atexit handlers (last
 * registered first), flushes stdio, then ends the process with
 * exit_group (252). _exit/_Exit skip the handlers and stdio.
 */
#include <stdlib.h>
#include <unistd.h>
#include <agora/syscall.h>
#include "internal.h"

#define ATEXIT_MAX 32

static void (*handlers[ATEXIT_MAX])(void);
static int nhandlers;

/* Register fn to run at exit(). Returns 0, or -1 if the table is full. */
int atexit(void (*fn)(void))
{
	if (nhandlers == ATEXIT_MAX)
		return -1;
	handlers[nhandlers++] = fn;
	return 0;
}

/* Run atexit handlers, flush streams, and end the process with status. */
void exit(int status)
{
	/* A handler may call atexit() again; take them one at a time. */
	while (nhandlers > 0)
		handlers[--nhandlers]();
	__stdio_exit();
	_exit(status);
}

/* End the process now: no handlers, no flushing. */
void _exit(int status)
{
	for (;;) {
		__syscall1(__NR_exit_group, status);
		__syscall1(__NR_exit, status);
	}
}

/* Same as _exit. */
void _Exit(int status)
{
	_exit(status);
}
