/*
 * exec.c: the exec family on top of execve: execv (current environment),
 * execvp/execvpe (PATH search), and the list forms execl/execlp/execle.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_PATH "/bin"

/* execve with the current environment. */
int execv(const char *path, char *const argv[])
{
	return execve(path, argv, environ);
}

/*
 * Run file: as a path if it contains '/', else from the first directory
 * in PATH (default "/bin") where execve does not fail with ENOENT,
 * ENOTDIR or EACCES. Returns -1 with errno: EACCES if some candidate was
 * refused for permission, else the last error (ENOENT if none existed).
 */
int execvpe(const char *file, char *const argv[], char *const envp[])
{
	const char *path, *p;
	char buf[PATH_MAX];
	size_t flen;
	int seen_eacces = 0;

	if (*file == 0) {
		errno = ENOENT;
		return -1;
	}
	if (strchr(file, '/'))
		return execve(file, argv, envp);
	path = getenv("PATH");
	if (path == NULL)
		path = DEFAULT_PATH;
	flen = strlen(file);
	for (p = path;; p++) {
		const char *end = strchrnul(p, ':');
		size_t dlen = (size_t)(end - p);

		/* An empty entry means the current directory. */
		if (dlen + 1 + flen + 1 <= sizeof(buf)) {
			memcpy(buf, p, dlen);
			if (dlen)
				buf[dlen++] = '/';
			memcpy(buf + dlen, file, flen + 1);
			execve(buf, argv, envp);
			if (errno == EACCES)
				seen_eacces = 1;
			else if (errno != ENOENT && errno != ENOTDIR)
				return -1;
		}
		if (*end == 0)
			break;
		p = end;
	}
	if (seen_eacces)
		errno = EACCES;
	return -1;
}

/* execvpe with the current environment. */
int execvp(const char *file, char *const argv[])
{
	return execvpe(file, argv, environ);
}

/* Count the variadic arguments after arg up to and including the NULL. */
static int count_args(const char *arg, va_list ap)
{
	int n = 1;

	if (arg == NULL)
		return 1;
	while (va_arg(ap, const char *) != NULL)
		n++;
	return n + 1;
}

/* Fill argv[0..n-1] from arg and the variadic list (its NULL included). */
static void collect_args(char **argv, int n, const char *arg, va_list *ap)
{
	argv[0] = (char *)arg;
	for (int i = 1; i < n; i++)
		argv[i] = va_arg(*ap, char *);
}

/* execv with the argument list given inline, NULL-terminated. */
int execl(const char *path, const char *arg, ...)
{
	va_list ap;

	va_start(ap, arg);
	int n = count_args(arg, ap);
	va_end(ap);
	char *argv[n];
	va_start(ap, arg);
	collect_args(argv, n, arg, &ap);
	va_end(ap);
	return execv(path, argv);
}

/* execvp with the argument list given inline. */
int execlp(const char *file, const char *arg, ...)
{
	va_list ap;

	va_start(ap, arg);
	int n = count_args(arg, ap);
	va_end(ap);
	char *argv[n];
	va_start(ap, arg);
	collect_args(argv, n, arg, &ap);
	va_end(ap);
	return execvp(file, argv);
}

/* execve with the list given inline; envp follows the terminating NULL. */
int execle(const char *path, const char *arg, ...)
{
	va_list ap;

	va_start(ap, arg);
	int n = count_args(arg, ap);
	va_end(ap);
	char *argv[n];
	va_start(ap, arg);
	collect_args(argv, n, arg, &ap);
	char **envp = va_arg(ap, char **);
	va_end(ap);
	return execve(path, argv, envp);
}
