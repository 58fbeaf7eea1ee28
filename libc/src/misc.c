/*
 * misc.c: small system interfaces: uname, sysinfo, sched_yield, the
 * mmap family, waiting for children, assert failures, the "C" locale,
 * basename/dirname and the BSD err/warn functions.
 */
#include <assert.h>
#include <err.h>
#include <errno.h>
#include <libgen.h>
#include <locale.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <agora/syscall.h>

#define RET(x) __syscall_ret(x)

/* System identification (uname 122; struct utsname = new_utsname). */
int uname(struct utsname *u)
{
	return (int)RET(__syscall1(__NR_uname, u));
}

/* Memory and load statistics (sysinfo 116). */
int sysinfo(struct sysinfo *info)
{
	return (int)RET(__syscall1(__NR_sysinfo, info));
}

/* One processor. */
/* One processor (these count processors online / configured). */
int get_nprocs(void)      { return 1; }
int get_nprocs_conf(void) { return 1; }

/* Give up the processor (sched_yield 158). */
int sched_yield(void)
{
	return (int)RET(__syscall0(__NR_sched_yield));
}

/* Map memory (mmap2 192: the offset is passed in pages, so it must be
 * page aligned). Returns the address, or MAP_FAILED with errno. */
void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	long r;

	if (off & 4095) {
		errno = EINVAL;
		return MAP_FAILED;
	}
	r = __syscall6(__NR_mmap2, addr, len, prot, flags, fd, (unsigned long)off >> 12);
	if (__syscall_is_error(r)) {
		errno = (int)-r;
		return MAP_FAILED;
	}
	return (void *)r;
}

/* Remove the mappings in [addr, addr + len). 0 or -1/errno. */
int munmap(void *addr, size_t len)
{
	return (int)RET(__syscall2(__NR_munmap, addr, len));
}

/* Change the protection of [addr, addr + len). 0 or -1/errno. */
int mprotect(void *addr, size_t len, int prot)
{
	return (int)RET(__syscall3(__NR_mprotect, addr, len, prot));
}

/* Wait for a child (wait4 114). Returns its pid, 0 (WNOHANG, none ready)
 * or -1 with errno. */
pid_t wait4(pid_t pid, int *status, int options, struct rusage *ru)
{
	return (pid_t)RET(__syscall4(__NR_wait4, pid, status, options, ru));
}

/* wait4 without resource usage. */
pid_t waitpid(pid_t pid, int *status, int options)
{
	return wait4(pid, status, options, NULL);
}

/* Wait for any child. */
pid_t wait(int *status)
{
	return wait4(-1, status, 0, NULL);
}

/* Wait for any child, with options. */
pid_t wait3(int *status, int options, struct rusage *ru)
{
	return wait4(-1, status, options, ru);
}

/* Report a failed assert() like glibc, then abort. */
void __assert_fail(const char *expr, const char *file, unsigned int line, const char *func)
{
	fprintf(stderr, "%s: %s:%u: %s: Assertion `%s' failed.\n",
		program_invocation_short_name, file, line, func, expr);
	abort();
}

/* Only the "C" locale exists. */
char *setlocale(int category, const char *locale)
{
	if (category < LC_CTYPE || category > LC_ALL) {
		errno = EINVAL;
		return NULL;
	}
	if (locale == NULL || *locale == 0 || strcmp(locale, "C") == 0 ||
	    strcmp(locale, "POSIX") == 0)
		return "C";
	return NULL;
}

/* The "C" locale's numeric conventions. */
struct lconv *localeconv(void)
{
	static struct lconv c = { ".", "", "" };

	return &c;
}

/* The last component of path, without trailing slashes (may modify it). */
char *basename(char *path)
{
	char *end, *start;

	if (path == NULL || *path == 0)
		return ".";
	end = path + strlen(path) - 1;
	while (end > path && *end == '/')
		*end-- = 0;
	if (end == path && *end == '/')
		return path;
	start = strrchr(path, '/');
	return start ? start + 1 : path;
}

/* Everything before the last component of path (may modify it). */
char *dirname(char *path)
{
	char *end;

	if (path == NULL || *path == 0)
		return ".";
	end = path + strlen(path) - 1;
	while (end > path && *end == '/')
		end--;                          /* trailing slashes */
	while (end >= path && *end != '/')
		end--;                          /* the last component */
	if (end < path)
		return ".";
	while (end > path && *end == '/')
		end--;                          /* slashes before it */
	end[1] = 0;
	return path;
}

/* warn/err family: "prog: " + message [+ ": " + strerror(errno)] + "\n". */
static void report(const char *fmt, va_list ap, int with_errno)
{
	int e = errno;
	char msg[512];
	int n = snprintf(msg, sizeof(msg), "%s: ", program_invocation_short_name);

	if (fmt && n < (int)sizeof(msg))
		n += vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	if (with_errno && n < (int)sizeof(msg))
		n += snprintf(msg + n, sizeof(msg) - (size_t)n, "%s%s", fmt ? ": " : "",
			      strerror(e));
	fprintf(stderr, "%s\n", msg);
	errno = e;
}

/* vwarn/vwarnx: the va_list forms of warn and warnx. */
void vwarn(const char *fmt, va_list ap)  { report(fmt, ap, 1); }
void vwarnx(const char *fmt, va_list ap) { report(fmt, ap, 0); }

/* "prog: message: strerror(errno)" on stderr. */
void warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(fmt, ap, 1);
	va_end(ap);
}

/* "prog: message" on stderr. */
void warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(fmt, ap, 0);
	va_end(ap);
}

/* warn, then exit(status). */
void err(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(fmt, ap, 1);
	va_end(ap);
	exit(status);
}

/* warnx, then exit(status). */
void errx(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(fmt, ap, 0);
	va_end(ap);
	exit(status);
}
