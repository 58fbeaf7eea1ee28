/*
 * strdup.c: string duplication (malloc), kept out of string.c because
 * the kernel links string.c and has no malloc.
 */
#include <stdlib.h>
#include <string.h>

/* A malloc'd copy of s, or NULL (ENOMEM). */
char *strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);

	return p ? memcpy(p, s, n) : NULL;
}

/* A malloc'd copy of at most n bytes of s, always NUL-terminated. */
char *strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = malloc(len + 1);

	if (p == NULL)
		return NULL;
	memcpy(p, s, len);
	p[len] = 0;
	return p;
}
