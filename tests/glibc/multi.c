/*
 * glibc-tests: the programs of user/tests/ that build against Debian's glibc
 * (i686-linux-gnu-gcc -static, the Makefile lists them), linked into one
 * binary, /bin/glibc-tests, so that the image holds one copy of static glibc
 * (about 670 KiB) instead of one per program. Each program's source is
 * compiled unchanged, with main renamed NAME_main; this main runs the one
 * that argv[0] names: ".../glibc.NAME" or "NAME".
 * /tests/glibc.NAME (tests/glibc/wrapper.c) execs this binary with its own
 * argv, so init runs and reports each program under its own name.
 */
#include <stdio.h>
#include <string.h>

#define X(name) int name##_main(int argc, char **argv);
GLIBC_TABLE
#undef X

static const struct {
    const char *name;
    int (*main)(int, char **);
} programs[] = {
#define X(name) { #name, name##_main },
    GLIBC_TABLE
#undef X
};

int main(int argc, char **argv)
{
    const char *name = argc > 0 ? argv[0] : "";
    const char *slash = strrchr(name, '/');
    if (slash)
        name = slash + 1;
    if (strncmp(name, "glibc.", 6) == 0)
        name += 6;
    for (size_t i = 0; i < sizeof(programs) / sizeof(programs[0]); i++)
        if (strcmp(name, programs[i].name) == 0)
            return programs[i].main(argc, argv);
    fprintf(stderr, "glibc-tests: no program \"%s\"; these are built in:", name);
    for (size_t i = 0; i < sizeof(programs) / sizeof(programs[0]); i++)
        fprintf(stderr, " %s", programs[i].name);
    fprintf(stderr, "\n");
    return 127;
}
