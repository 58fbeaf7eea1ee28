/*
 * env.c: the environment (getenv, setenv, unsetenv, putenv, clearenv).
 * environ starts as the array the kernel passed; the first change copies
 * it into a malloc'd array that libc then owns and grows.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char **owned;    /* environ, when libc allocated it */

/* Index of name in environ (name has length len), or -1. */
static int find(const char *name, size_t len)
{
	if (environ == NULL)
		return -1;
	for (int i = 0; environ[i]; i++)
		if (strncmp(environ[i], name, len) == 0 && environ[i][len] == '=')
			return i;
	return -1;
}

/* The value of variable name, or NULL if it is not set. */
char *getenv(const char *name)
{
	size_t len = strlen(name);
	int i = find(name, len);

	return i < 0 ? NULL : environ[i] + len + 1;
}

static int count(void)
{
	int n = 0;

	while (environ && environ[n])
		n++;
	return n;
}

/* Put the "name=value" string s in environ (replacing index i if i >= 0). */
static int put(char *s, int i)
{
	int n = count();
	char **e;

	if (i >= 0) {
		environ[i] = s;
		return 0;
	}
	e = realloc(owned, (size_t)(n + 2) * sizeof(char *));
	if (e == NULL)
		return -1;
	if (owned == NULL && n)
		memcpy(e, environ, (size_t)n * sizeof(char *));
	e[n] = s;
	e[n + 1] = NULL;
	environ = owned = e;
	return 0;
}

/* Set name to value (only if unset, when overwrite is 0). 0, or -1 with
 * EINVAL (bad name) or ENOMEM. */
int setenv(const char *name, const char *value, int overwrite)
{
	size_t nlen, vlen;
	char *s;
	int i;

	if (name == NULL || *name == 0 || strchr(name, '=')) {
		errno = EINVAL;
		return -1;
	}
	nlen = strlen(name);
	i = find(name, nlen);
	if (i >= 0 && !overwrite)
		return 0;
	vlen = strlen(value);
	s = malloc(nlen + vlen + 2);
	if (s == NULL)
		return -1;
	memcpy(s, name, nlen);
	s[nlen] = '=';
	memcpy(s + nlen + 1, value, vlen + 1);
	if (put(s, i) < 0) {
		free(s);
		return -1;
	}
	return 0;
}

/* Put "name=value" itself (not a copy) into the environment. */
int putenv(char *string)
{
	char *eq = strchr(string, '=');

	if (eq == NULL)
		return unsetenv(string);
	return put(string, find(string, (size_t)(eq - string)));
}

/* Remove name from the environment. */
int unsetenv(const char *name)
{
	size_t len;
	int i;

	if (name == NULL || *name == 0 || strchr(name, '=')) {
		errno = EINVAL;
		return -1;
	}
	len = strlen(name);
	while ((i = find(name, len)) >= 0)
		for (; environ[i]; i++)
			environ[i] = environ[i + 1];
	return 0;
}

/* Empty the environment. */
int clearenv(void)
{
	free(owned);
	owned = NULL;
	environ = NULL;
	return 0;
}
