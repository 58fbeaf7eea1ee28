/* sleep: pause for N seconds (a decimal fraction is allowed: sleep 0.5). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: sleep SECONDS\n");
        return 1;
    }
    /* Parse "S[.FFF]" by hand: no floating point needed. */
    const char *p = argv[1];
    long sec = 0, nsec = 0, scale = 100000000;
    if (*p < '0' || *p > '9')
        goto bad;
    while (*p >= '0' && *p <= '9')
        sec = sec * 10 + (*p++ - '0');
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9'; p++, scale /= 10)
            nsec += (*p - '0') * scale;
    }
    if (*p)
        goto bad;
    struct timespec ts = { .tv_sec = sec, .tv_nsec = nsec }, rem;
    while (nanosleep(&ts, &rem) < 0 && errno == EINTR)
        ts = rem;
    return 0;
bad:
    fprintf(stderr, "sleep: invalid time interval '%s'\n", argv[1]);
    return 1;
}
