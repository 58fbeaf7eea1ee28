/*
 * errno.h: the error numbers (Linux values, from <uapi/errno.h>) and errno
 * itself, a plain global int (agora processes are single-threaded).
 */
#ifndef _ERRNO_H
#define _ERRNO_H

#include <uapi/errno.h>

extern int errno;

/* argv[0] and its last path component, set before main() runs. */
extern char *program_invocation_name;
extern char *program_invocation_short_name;

#endif
