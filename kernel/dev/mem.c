/*
 * mem.c: /dev/null, /dev/zero, /dev/full, /dev/random and /dev/urandom
 * (Linux's mem major 1, minors 3, 5, 7, 8, 9).
 *
 * null reads end of file and swallows writes; zero reads zeros; full reads
 * zeros and refuses writes with ENOSPC; random and urandom read bytes of a
 * xorshift64* generator seeded from the time-stamp counter and the clock,
 * and take writes (Linux mixes them into its pool; here they are dropped).
 * The generator is no cryptographic source: it is for programs that want
 * unpredictable-enough bytes (mktemp names, hash seeds), said plainly.
 */
#include <kernel/devmem.h>
#include <kernel/uaccess.h>
#include <kernel/time.h>
#include <arch/x86.h>
#include <uapi/errno.h>
#include <string.h>

#define CHUNK 256                       /* bytes per copy */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
    if (!rng_state)
        rng_state = (rdtsc() ^ (uint64_t)time_realtime_ns()) | 1;
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

/* Copy n bytes that fill() makes, CHUNK at a time; stops at a fault. */
static long fill_out(char __user *buf, size_t n, bool random)
{
    char k[CHUNK];
    size_t done = 0;
    if (!random)
        memset(k, 0, sizeof(k));
    while (done < n) {
        size_t len = MIN(n - done, sizeof(k));
        if (random) {
            for (size_t i = 0; i < len; i += 8) {
                uint64_t r = rng_next();
                memcpy(k + i, &r, MIN((size_t)8, len - i));
            }
        }
        long got = copyout_partial(buf + done, k, len);
        if (got < 0)
            return done ? (long)done : got;
        done += (size_t)got;
        if ((size_t)got < len)
            break;
    }
    return (long)done;
}

long devmem_read(int minor, char __user *buf, size_t n)
{
    switch (minor) {
    case MEM_NULL:
        return 0;
    case MEM_ZERO:
    case MEM_FULL:
        return fill_out(buf, n, false);
    case MEM_RANDOM:
    case MEM_URANDOM:
        return fill_out(buf, n, true);
    default:
        return -ENXIO;
    }
}

long devmem_write(int minor, const char __user *buf, size_t n)
{
    (void)buf;
    switch (minor) {
    case MEM_NULL:
    case MEM_ZERO:
    case MEM_RANDOM:
    case MEM_URANDOM:
        return (long)n;
    case MEM_FULL:
        return -ENOSPC;
    default:
        return -ENXIO;
    }
}
