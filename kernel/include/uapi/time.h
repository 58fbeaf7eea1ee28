/*
 * uapi/time.h: the time structures of the Linux i386 syscall ABI and the
 * clock ids. timespec32 is what nanosleep (162) and clock_gettime (265)
 * use; timespec64_k is __kernel_timespec (clock_gettime64 403,
 * clock_nanosleep_time64 407), whose tv_nsec is 64 bits even on i386.
 */
#ifndef AGORA_UAPI_TIME_H
#define AGORA_UAPI_TIME_H

#include <stdint.h>

struct timespec32 {
	int32_t tv_sec;
	int32_t tv_nsec;
};

struct timespec64_k {
	int64_t tv_sec;
	int64_t tv_nsec;
};

/* gettimeofday (78) */
struct timeval32 {
	int32_t tv_sec;
	int32_t tv_usec;
};

/* times (43): clock ticks, 32 bits each */
struct tms32 {
	int32_t tms_utime;
	int32_t tms_stime;
	int32_t tms_cutime;
	int32_t tms_cstime;
};

#define CLOCK_REALTIME           0
#define CLOCK_MONOTONIC          1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID  3
#define CLOCK_MONOTONIC_RAW      4
#define CLOCK_REALTIME_COARSE    5
#define CLOCK_MONOTONIC_COARSE   6
#define CLOCK_BOOTTIME           7

#define TIMER_ABSTIME 1

__extension__ _Static_assert(sizeof(struct timespec32) == 8, "timespec32");
__extension__ _Static_assert(sizeof(struct timespec64_k) == 16, "timespec64_k");

#endif
