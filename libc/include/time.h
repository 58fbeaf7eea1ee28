/*
 * time.h: time_t (64-bit), struct timespec, clocks, sleeping, and
 * calendar conversion. All times are UTC (there is no time zone data).
 * clock_gettime uses clock_gettime64 (403) and falls back to 265.
 */
#ifndef _TIME_H
#define _TIME_H

#define __need_size_t
#define __need_NULL
#include <stddef.h>
#include <agora/types.h>
#include <uapi/time.h>

#define CLOCKS_PER_SEC 1000000L

struct timespec {
	time_t tv_sec;
	long tv_nsec;
};

struct tm {
	int tm_sec;
	int tm_min;
	int tm_hour;
	int tm_mday;
	int tm_mon;             /* 0..11 */
	int tm_year;            /* years since 1900 */
	int tm_wday;            /* 0 = Sunday */
	int tm_yday;            /* 0..365 */
	int tm_isdst;
	long tm_gmtoff;
	const char *tm_zone;
};

time_t time(time_t *t);
clock_t clock(void);
double difftime(time_t end, time_t start);
int clock_gettime(clockid_t clk, struct timespec *ts);
int clock_getres(clockid_t clk, struct timespec *ts);
int nanosleep(const struct timespec *req, struct timespec *rem);
int clock_nanosleep(clockid_t clk, int flags, const struct timespec *req,
		    struct timespec *rem);

struct tm *gmtime(const time_t *t);
struct tm *gmtime_r(const time_t *restrict t, struct tm *restrict tm);
struct tm *localtime(const time_t *t);
struct tm *localtime_r(const time_t *restrict t, struct tm *restrict tm);
time_t mktime(struct tm *tm);
time_t timegm(struct tm *tm);
char *asctime(const struct tm *tm);
char *asctime_r(const struct tm *restrict tm, char *restrict buf);
char *ctime(const time_t *t);
char *ctime_r(const time_t *t, char *buf);
size_t strftime(char *restrict s, size_t max, const char *restrict fmt,
		const struct tm *restrict tm);
void tzset(void);

#endif
