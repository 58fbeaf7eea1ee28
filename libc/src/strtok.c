/*
 * strtok.c: strtok, which keeps its position between calls in a static
 * variable (so it cannot live in string.c, which the kernel shares).
 */
#include <string.h>

static char *strtok_pos;

/* Split s into tokens separated by bytes in delim; pass NULL to continue
 * with the same string. Returns the next token or NULL. */
char *strtok(char *restrict s, const char *restrict delim)
{
	return strtok_r(s, delim, &strtok_pos);
}
