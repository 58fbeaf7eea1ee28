/*
 * sys/resource.h: resource limits (ugetrlimit 191, setrlimit 75, and
 * prlimit64 340 behind prlimit). The RLIMIT_* numbers are the kernel's.
 */
#ifndef _SYS_RESOURCE_H
#define _SYS_RESOURCE_H

#include <agora/types.h>
#include <sys/time.h>
#include <uapi/resource.h>

typedef unsigned long rlim_t;

#define RLIM_INFINITY (~0UL)

struct rlimit {
	rlim_t rlim_cur;
	rlim_t rlim_max;
};

int getrlimit(int res, struct rlimit *rl);
int setrlimit(int res, const struct rlimit *rl);
/* Read (old) and/or set (new) a limit of process pid (0: the caller). */
int prlimit(pid_t pid, int res, const struct rlimit *new, struct rlimit *old);

#endif
