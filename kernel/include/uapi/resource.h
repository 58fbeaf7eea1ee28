/*
 * uapi/resource.h: resource limits as the Linux i386 ABI has them.
 * struct rlimit32 is what setrlimit (75), getrlimit (76) and ugetrlimit
 * (191) copy (an unsigned long each); struct rlimit64_k is what
 * prlimit64 (340) copies. 0xFFFFFFFF (and ~0 in 64 bits) means infinity.
 */
#ifndef AGORA_UAPI_RESOURCE_H
#define AGORA_UAPI_RESOURCE_H

#include <stdint.h>

#define RLIMIT_CPU        0     /* seconds of CPU time */
#define RLIMIT_FSIZE      1     /* largest file written */
#define RLIMIT_DATA       2     /* data segment */
#define RLIMIT_STACK      3     /* stack size */
#define RLIMIT_CORE       4     /* core file size */
#define RLIMIT_RSS        5     /* resident set */
#define RLIMIT_NPROC      6     /* processes of the real user */
#define RLIMIT_NOFILE     7     /* one more than the highest descriptor */
#define RLIMIT_MEMLOCK    8     /* locked memory */
#define RLIMIT_AS         9     /* address space */
#define RLIMIT_LOCKS      10    /* file locks */
#define RLIMIT_SIGPENDING 11    /* queued signals */
#define RLIMIT_MSGQUEUE   12    /* POSIX message queue bytes */
#define RLIMIT_NICE       13    /* nice ceiling */
#define RLIMIT_RTPRIO     14    /* real-time priority ceiling */
#define RLIMIT_RTTIME     15    /* real-time CPU microseconds */
#define RLIM_NLIMITS      16

#define RLIM32_INFINITY   0xFFFFFFFFu
#define RLIM64_INFINITY_K 0xFFFFFFFFFFFFFFFFull

struct rlimit32 {
	uint32_t rlim_cur;
	uint32_t rlim_max;
};

struct rlimit64_k {
	uint64_t rlim_cur;
	uint64_t rlim_max;
};

#endif
