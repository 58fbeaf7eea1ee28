/*
 * sys/resource.h: resource limits (ugetrlimit 191, setrlimit 75).
 */
#ifndef _SYS_RESOURCE_H
#define _SYS_RESOURCE_H

#include <agora/types.h>
#include <sys/time.h>

typedef unsigned long rlim_t;

#define RLIM_INFINITY (~0UL)

#define RLIMIT_CPU     0
#define RLIMIT_FSIZE   1
#define RLIMIT_DATA    2
#define RLIMIT_STACK   3
#define RLIMIT_CORE    4
#define RLIMIT_RSS     5
#define RLIMIT_NPROC   6
#define RLIMIT_NOFILE  7
#define RLIMIT_MEMLOCK 8
#define RLIMIT_AS      9

struct rlimit {
	rlim_t rlim_cur;
	rlim_t rlim_max;
};

int getrlimit(int res, struct rlimit *rl);
int setrlimit(int res, const struct rlimit *rl);

#endif
