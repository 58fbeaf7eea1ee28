/* uname: print system information (-s -n -r -v -m, -a for all). */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

int main(int argc, char **argv)
{
    struct utsname u;
    int s = 0, n = 0, r = 0, v = 0, m = 0;
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] != '-' || !argv[i][1])
            goto usage;
        for (const char *c = argv[i] + 1; *c; c++) {
            switch (*c) {
            case 'a': s = n = r = v = m = 1; break;
            case 's': s = 1; break;
            case 'n': n = 1; break;
            case 'r': r = 1; break;
            case 'v': v = 1; break;
            case 'm': m = 1; break;
            default: goto usage;
            }
        }
    }
    if (!(s | n | r | v | m))
        s = 1;
    if (uname(&u) < 0) {
        perror("uname");
        return 1;
    }
    const char *fields[] = { s ? u.sysname : NULL, n ? u.nodename : NULL,
                             r ? u.release : NULL, v ? u.version : NULL,
                             m ? u.machine : NULL };
    int first = 1;
    for (unsigned i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        if (!fields[i])
            continue;
        printf("%s%s", first ? "" : " ", fields[i]);
        first = 0;
    }
    printf("\n");
    return 0;
usage:
    fprintf(stderr, "usage: uname [-asnrvm]\n");
    return 1;
}
