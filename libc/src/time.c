/*
 * time.c: clocks and sleeping (clock_gettime64 403 with a fallback to
 * clock_gettime 265; nanosleep 162; clock_nanosleep_time64 407),
 * time, gettimeofday, clock, sleep/usleep, and UTC calendar conversion
 * (gmtime, timegm/mktime, asctime/ctime, strftime).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <agora/syscall.h>

/* Read clock clk into ts. 0, or -1 with errno (EINVAL for a bad clock). */
int clock_gettime(clockid_t clk, struct timespec *ts)
{
	struct timespec64_k k;
	struct timespec32 k32;
	long r = __syscall2(__NR_clock_gettime64, clk, &k);

	if (r == 0) {
		ts->tv_sec = k.tv_sec;
		ts->tv_nsec = (long)k.tv_nsec;
		return 0;
	}
	if (r != -ENOSYS)
		return (int)__syscall_ret(r);
	r = __syscall2(__NR_clock_gettime, clk, &k32);
	if (__syscall_ret(r) < 0)
		return -1;
	ts->tv_sec = k32.tv_sec;
	ts->tv_nsec = k32.tv_nsec;
	return 0;
}

/* Resolution of clock clk (clock_getres 266). */
int clock_getres(clockid_t clk, struct timespec *ts)
{
	struct timespec32 k32;

	if (__syscall_ret(__syscall2(__NR_clock_getres, clk, &k32)) < 0)
		return -1;
	if (ts) {
		ts->tv_sec = k32.tv_sec;
		ts->tv_nsec = k32.tv_nsec;
	}
	return 0;
}

/* Convert a request for the 32-bit nanosleep; EINVAL if out of range. */
static int to_ts32(const struct timespec *ts, struct timespec32 *k)
{
	if (ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000L || ts->tv_sec < 0) {
		errno = EINVAL;
		return -1;
	}
	k->tv_sec = ts->tv_sec > INT32_MAX ? INT32_MAX : (int32_t)ts->tv_sec;
	k->tv_nsec = (int32_t)ts->tv_nsec;
	return 0;
}

/* Sleep for *req; if interrupted, -1 (EINTR) and the remainder in *rem. */
int nanosleep(const struct timespec *req, struct timespec *rem)
{
	struct timespec32 k, krem = { 0, 0 };
	long r;

	if (to_ts32(req, &k) < 0)
		return -1;
	r = __syscall2(__NR_nanosleep, &k, &krem);
	if (r == -EINTR && rem) {
		rem->tv_sec = krem.tv_sec;
		rem->tv_nsec = krem.tv_nsec;
	}
	return (int)__syscall_ret(r);
}

/*
 * Sleep on clock clk, for *req or (TIMER_ABSTIME) until *req. Returns 0
 * or an error number (not -1: POSIX). Uses clock_nanosleep_time64; for a
 * relative CLOCK_REALTIME/MONOTONIC sleep it falls back to nanosleep.
 */
int clock_nanosleep(clockid_t clk, int flags, const struct timespec *req,
		    struct timespec *rem)
{
	struct timespec64_k k = { req->tv_sec, req->tv_nsec }, krem = { 0, 0 };
	long r = __syscall4(__NR_clock_nanosleep_time64, clk, flags, &k, &krem);

	if (r == -ENOSYS && !(flags & TIMER_ABSTIME) &&
	    (clk == CLOCK_REALTIME || clk == CLOCK_MONOTONIC)) {
		int saved = errno;
		r = nanosleep(req, rem) < 0 ? -errno : 0;
		errno = saved;
		return (int)-r;
	}
	if (r == -EINTR && rem && !(flags & TIMER_ABSTIME)) {
		rem->tv_sec = krem.tv_sec;
		rem->tv_nsec = (long)krem.tv_nsec;
	}
	return (int)-r;
}

/* Seconds since the Epoch (also stored in *t if t is not NULL). */
/* The coarse clock, as glibc's time(): it is what the kernel stamps
 * files and shm segments with, so time() never runs ahead of them. */
time_t time(time_t *t)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME_COARSE, &ts) < 0)
		return (time_t)-1;
	if (t)
		*t = ts.tv_sec;
	return ts.tv_sec;
}

/* The wall-clock time in *tv (tz is ignored and may be NULL). */
int gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
	struct timespec ts;

	(void)tz;
	if (tv == NULL)
		return 0;
	if (clock_gettime(CLOCK_REALTIME, &ts) < 0)
		return -1;
	tv->tv_sec = ts.tv_sec;
	tv->tv_usec = ts.tv_nsec / 1000;
	return 0;
}

/* Processor time used, in CLOCKS_PER_SEC units, or -1. */
clock_t clock(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) < 0)
		return (clock_t)-1;
	return (clock_t)(ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

/* end - start in seconds. */
double difftime(time_t end, time_t start)
{
	return (double)(end - start);
}

/* Sleep for s seconds; returns the seconds left if a signal cut it short. */
unsigned int sleep(unsigned int s)
{
	struct timespec req = { s, 0 }, rem = { 0, 0 };

	if (nanosleep(&req, &rem) < 0 && errno == EINTR)
		return (unsigned int)rem.tv_sec + (rem.tv_nsec > 0);
	return 0;
}

/* Sleep for usec microseconds. 0, or -1 with errno. */
int usleep(useconds_t usec)
{
	struct timespec req = { usec / 1000000, (long)(usec % 1000000) * 1000 };

	return nanosleep(&req, NULL);
}

/* Calendar conversion (proleptic Gregorian, UTC) */

static const char day_names[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
static const char month_names[12][4] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};
static const char *const day_full[7] = {
	"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"
};
static const char *const month_full[12] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"
};

static long long floor_div(long long a, long long b)
{
	return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

/* Days from 1970-01-01 to year y, month m (1-12), day d. Works by
 * counting in 400-year eras from March 1st, which puts the leap day last. */
static long long days_from_civil(long long y, int m, int d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = floor_div(y, 400);
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Break t (seconds since the Epoch, UTC) into *tm. NULL if the year
 * does not fit in an int (EOVERFLOW). */
struct tm *gmtime_r(const time_t *restrict t, struct tm *restrict tm)
{
	long long days = floor_div(*t, 86400);
	long long secs = *t - days * 86400;
	long long z = days + 719468, era, doe, yoe, y, doy, mp;
	int m, d;

	era = floor_div(z, 146097);
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = (int)(doy - (153 * mp + 2) / 5 + 1);
	m = (int)(mp < 10 ? mp + 3 : mp - 9);
	y += m <= 2;
	if (y - 1900 > INT_MAX || y - 1900 < INT_MIN) {
		errno = EOVERFLOW;
		return NULL;
	}
	tm->tm_year = (int)(y - 1900);
	tm->tm_mon = m - 1;
	tm->tm_mday = d;
	tm->tm_hour = (int)(secs / 3600);
	tm->tm_min = (int)(secs / 60 % 60);
	tm->tm_sec = (int)(secs % 60);
	tm->tm_wday = (int)((days % 7 + 11) % 7);      /* 1970-01-01 was a Thursday */
	tm->tm_yday = (int)(days - days_from_civil(y, 1, 1));
	tm->tm_isdst = 0;
	tm->tm_gmtoff = 0;
	tm->tm_zone = "GMT";
	return tm;
}

/* gmtime_r into a static struct tm. */
struct tm *gmtime(const time_t *t)
{
	static struct tm tm;

	return gmtime_r(t, &tm);
}

/* There are no time zones: local time is UTC. */
struct tm *localtime_r(const time_t *restrict t, struct tm *restrict tm)
{
	return gmtime_r(t, tm);
}

/* localtime_r into a static struct tm. */
struct tm *localtime(const time_t *t)
{
	return gmtime(t);
}

/* Nothing to do without time zones. */
void tzset(void)
{
}

/* Seconds since the Epoch for the UTC time in *tm (fields may be out of
 * range; *tm is normalised). */
time_t timegm(struct tm *tm)
{
	long long mon = tm->tm_mon, year = (long long)tm->tm_year + 1900;
	long long days;
	time_t t;

	year += floor_div(mon, 12);
	mon -= floor_div(mon, 12) * 12;
	days = days_from_civil(year, (int)mon + 1, 1) + tm->tm_mday - 1;
	t = days * 86400 + (long long)tm->tm_hour * 3600 + (long long)tm->tm_min * 60 +
	    tm->tm_sec;
	gmtime_r(&t, tm);
	return t;
}

/* Same as timegm: local time is UTC. */
time_t mktime(struct tm *tm)
{
	return timegm(tm);
}

/* "Thu Jan  1 00:00:00 1970\n" into buf (at least 26 bytes). */
char *asctime_r(const struct tm *restrict tm, char *restrict buf)
{
	snprintf(buf, 26, "%.3s %.3s%3d %02d:%02d:%02d %d\n",
		 (unsigned)tm->tm_wday < 7 ? day_names[tm->tm_wday] : "???",
		 (unsigned)tm->tm_mon < 12 ? month_names[tm->tm_mon] : "???",
		 tm->tm_mday, tm->tm_hour, tm->tm_min, tm->tm_sec, 1900 + tm->tm_year);
	return buf;
}

/* asctime_r into a static buffer. */
char *asctime(const struct tm *tm)
{
	static char buf[64];

	return asctime_r(tm, buf);
}

/* asctime_r(localtime_r(t)). */
char *ctime_r(const time_t *t, char *buf)
{
	struct tm tm;

	if (localtime_r(t, &tm) == NULL)
		return NULL;
	return asctime_r(&tm, buf);
}

/* asctime(localtime(t)). */
char *ctime(const time_t *t)
{
	static char buf[64];

	return ctime_r(t, buf);
}

/*
 * Format *tm under control of fmt into s[max]. Supports the C99
 * conversions in the "C" locale (%a %A %b %B %c %C %d %D %e %F %H %I %j
 * %m %M %n %p %r %R %S %t %T %u %w %x %X %y %Y %z %Z %%, plus %h %s).
 * Returns the length, or 0 if it did not fit.
 */
size_t strftime(char *restrict s, size_t max, const char *restrict fmt,
		const struct tm *restrict tm)
{
	size_t n = 0;
	char tmp[64];

	for (; *fmt; fmt++) {
		const char *piece = tmp;
		size_t len;

		if (*fmt != '%') {
			tmp[0] = *fmt;
			tmp[1] = 0;
		} else {
			fmt++;
			if (*fmt == 'E' || *fmt == 'O')
				fmt++;
			switch (*fmt) {
			case 'a': piece = (unsigned)tm->tm_wday < 7 ? day_names[tm->tm_wday] : "?"; break;
			case 'A': piece = (unsigned)tm->tm_wday < 7 ? day_full[tm->tm_wday] : "?"; break;
			case 'b':
			case 'h': piece = (unsigned)tm->tm_mon < 12 ? month_names[tm->tm_mon] : "?"; break;
			case 'B': piece = (unsigned)tm->tm_mon < 12 ? month_full[tm->tm_mon] : "?"; break;
			case 'c': {
				char line[32];
				snprintf(tmp, sizeof(tmp), "%.24s", asctime_r(tm, line));
				break;
			}
			case 'C': snprintf(tmp, sizeof(tmp), "%02d", (1900 + tm->tm_year) / 100); break;
			case 'd': snprintf(tmp, sizeof(tmp), "%02d", tm->tm_mday); break;
			case 'D':
				snprintf(tmp, sizeof(tmp), "%02d/%02d/%02d", tm->tm_mon + 1,
					 tm->tm_mday, (1900 + tm->tm_year) % 100);
				break;
			case 'e': snprintf(tmp, sizeof(tmp), "%2d", tm->tm_mday); break;
			case 'F':
				snprintf(tmp, sizeof(tmp), "%d-%02d-%02d", 1900 + tm->tm_year,
					 tm->tm_mon + 1, tm->tm_mday);
				break;
			case 'H': snprintf(tmp, sizeof(tmp), "%02d", tm->tm_hour); break;
			case 'I': snprintf(tmp, sizeof(tmp), "%02d", (tm->tm_hour + 11) % 12 + 1); break;
			case 'j': snprintf(tmp, sizeof(tmp), "%03d", tm->tm_yday + 1); break;
			case 'm': snprintf(tmp, sizeof(tmp), "%02d", tm->tm_mon + 1); break;
			case 'M': snprintf(tmp, sizeof(tmp), "%02d", tm->tm_min); break;
			case 'n': piece = "\n"; break;
			case 'p': piece = tm->tm_hour < 12 ? "AM" : "PM"; break;
			case 'r':
				snprintf(tmp, sizeof(tmp), "%02d:%02d:%02d %s",
					 (tm->tm_hour + 11) % 12 + 1, tm->tm_min, tm->tm_sec,
					 tm->tm_hour < 12 ? "AM" : "PM");
				break;
			case 'R': snprintf(tmp, sizeof(tmp), "%02d:%02d", tm->tm_hour, tm->tm_min); break;
			case 's': {
				struct tm copy = *tm;
				snprintf(tmp, sizeof(tmp), "%lld", (long long)timegm(&copy));
				break;
			}
			case 'S': snprintf(tmp, sizeof(tmp), "%02d", tm->tm_sec); break;
			case 't': piece = "\t"; break;
			case 'T':
				snprintf(tmp, sizeof(tmp), "%02d:%02d:%02d", tm->tm_hour,
					 tm->tm_min, tm->tm_sec);
				break;
			case 'u': snprintf(tmp, sizeof(tmp), "%d", tm->tm_wday ? tm->tm_wday : 7); break;
			case 'w': snprintf(tmp, sizeof(tmp), "%d", tm->tm_wday); break;
			case 'x':
				snprintf(tmp, sizeof(tmp), "%02d/%02d/%02d", tm->tm_mon + 1,
					 tm->tm_mday, (1900 + tm->tm_year) % 100);
				break;
			case 'X':
				snprintf(tmp, sizeof(tmp), "%02d:%02d:%02d", tm->tm_hour,
					 tm->tm_min, tm->tm_sec);
				break;
			case 'y': snprintf(tmp, sizeof(tmp), "%02d", (1900 + tm->tm_year) % 100); break;
			case 'Y': snprintf(tmp, sizeof(tmp), "%d", 1900 + tm->tm_year); break;
			case 'z': piece = "+0000"; break;
			case 'Z': piece = "GMT"; break;
			case '%': piece = "%"; break;
			case 0:
				fmt--;
				piece = "";
				break;
			default:
				snprintf(tmp, sizeof(tmp), "%%%c", *fmt);
				break;
			}
		}
		len = strlen(piece);
		if (n + len >= max)
			return 0;
		memcpy(s + n, piece, len);
		n += len;
	}
	if (n >= max)
		return 0;
	s[n] = 0;
	return n;
}
