/*
 * mem.c: /dev/null, /dev/zero, /dev/full, /dev/random and /dev/urandom
 * (Linux's major 1, minors 3, 5, 7, 8, 9) as read/write functions, and the
 * random generator behind them and getrandom(2).
 *
 * The generator is ChaCha20 (RFC 8439's block function) in "fast key
 * erasure" form: a 256-bit key; each request runs the block function on
 * the key with a counter, the first 32 bytes of output become the next key
 * at once and the rest is handed out, so the bytes already given can never
 * be recomputed from the state that remains. The key is seeded at the
 * first use from what a PC offers without drivers: RDRAND when the CPU has
 * it, the TSC (whose low bits at boot and between calls are hard to
 * predict), and the wall clock; every request mixes in the TSC again, and
 * data written to /dev/random or /dev/urandom is mixed in too. Without
 * RDRAND the seed is weak (a few dozen bits of timing): fine for a
 * teaching kernel's hash seeds and temporary names, not for keys.
 *
 * Called by: sys_getrandom; the file system's device inodes (devmem_read,
 * devmem_write).
 */
#include <kernel/devmem.h>
#include <kernel/syscall.h>
#include <kernel/sched.h>
#include <kernel/uaccess.h>
#include <kernel/errno.h>
#include <arch/arch.h>
#include <uapi/errno.h>
#include <string.h>

#define GRND_NONBLOCK 0x0001
#define GRND_RANDOM   0x0002
#define GRND_INSECURE 0x0004

static uint32_t key[8];
static uint64_t counter;
static bool seeded;

static uint32_t rotl(uint32_t v, int n)
{
    return (v << n) | (v >> (32 - n));
}

#define QR(a, b, c, d) do {                                   \
        a += b; d ^= a; d = rotl(d, 16);                      \
        c += d; b ^= c; b = rotl(b, 12);                      \
        a += b; d ^= a; d = rotl(d, 8);                       \
        c += d; b ^= c; b = rotl(b, 7);                       \
    } while (0)

/* One ChaCha20 block (64 bytes) of key, counter and nonce. */
static void chacha_block(const uint32_t k[8], uint64_t ctr, uint32_t nonce, uint32_t out[16])
{
    uint32_t in[16] = {
        0x61707865, 0x3320646e, 0x79622d32, 0x6b206574,    /* "expand 32-byte k" */
        k[0], k[1], k[2], k[3], k[4], k[5], k[6], k[7],
        (uint32_t)ctr, (uint32_t)(ctr >> 32), nonce, 0,
    };
    uint32_t x[16];
    memcpy(x, in, sizeof(x));
    for (int i = 0; i < 10; i++) {      /* 20 rounds: column and diagonal */
        QR(x[0], x[4], x[8], x[12]); QR(x[1], x[5], x[9], x[13]);
        QR(x[2], x[6], x[10], x[14]); QR(x[3], x[7], x[11], x[15]);
        QR(x[0], x[5], x[10], x[15]); QR(x[1], x[6], x[11], x[12]);
        QR(x[2], x[7], x[8], x[13]); QR(x[3], x[4], x[9], x[14]);
    }
    for (int i = 0; i < 16; i++)
        out[i] = x[i] + in[i];
}

#ifdef AGORA_HOST_TEST
/* For tests/host/test_devmem.c: the block function against RFC 8439. */
void devmem_test_chacha_block(const uint32_t k[8], uint64_t ctr, uint32_t nonce, uint32_t out[16]);
void devmem_test_chacha_block(const uint32_t k[8], uint64_t ctr, uint32_t nonce, uint32_t out[16])
{
    chacha_block(k, ctr, nonce, out);
}
#endif

/* Fold 32 bits of outside input into the key (one block of mixing). */
static void mix(uint32_t v)
{
    uint32_t out[16];
    key[counter % 8] ^= v;
    chacha_block(key, counter++, 0x6d697820, out);      /* nonce "mix " */
    memcpy(key, out, sizeof(key));
    memset(out, 0, sizeof(out));
}

static void seed(void)
{
    uint64_t tsc = arch_read_tsc();
    mix((uint32_t)tsc);
    mix((uint32_t)(tsc >> 32));
    mix((uint32_t)arch_rtc_read());
    for (int i = 0; i < 8; i++) {
        uint32_t r;
        if (arch_hw_random(&r))
            mix(r);
    }
    seeded = true;
}

void random_bytes(void *buf, size_t n)
{
    if (!seeded)
        seed();
    mix((uint32_t)arch_read_tsc());     /* this moment's timing too */
    uint8_t *dst = buf;
    uint32_t out[16];
    /* The first block's first half is the next key; the rest, and the
     * blocks after, are output (RFC-style counter per block). */
    chacha_block(key, counter++, 0, out);
    memcpy(key, out, sizeof(key));
    size_t off = 32;
    while (n) {
        if (off == 64) {
            chacha_block(key, counter++, 1, out);
            off = 0;
        }
        size_t take = MIN(n, 64 - off);
        memcpy(dst, (uint8_t *)out + off, take);
        dst += take;
        off += take;
        n -= take;
    }
    memset(out, 0, sizeof(out));
}

/* Copy n random or zero bytes to user memory in chunks; the bytes done, or
 * -EFAULT with none. Long requests let the timer in, and stop early for a
 * signal (-ERESTARTSYS if nothing was done yet), as Linux's. */
static long fill_user(char __user *buf, size_t n, bool random)
{
    uint8_t chunk[256];
    size_t done = 0;
    if (!random)
        memset(chunk, 0, sizeof(chunk));
    while (done < n) {
        size_t take = MIN(n - done, sizeof(chunk));
        if (random)
            random_bytes(chunk, take);
        if (copyout(buf + done, chunk, take) < 0) {
            /* The bytes before the fault still count. */
            for (size_t i = 0; i < take && copyout(buf + done, chunk + i, 1) == 0; i++)
                done++;
            break;
        }
        done += take;
        if (done < n && done % 4096 == 0 && sched_preempt_point())
            return done ? (long)done : -ERESTARTSYS;
    }
    if (random)
        memset(chunk, 0, sizeof(chunk));
    return done ? (long)done : (n ? -EFAULT : 0);
}

/*
 * getrandom(buf, count, flags): GRND_NONBLOCK, GRND_RANDOM and
 * GRND_INSECURE (not both of the last two: EINVAL, as unknown flags). The
 * generator is seeded before the first request, so it never blocks and
 * every flag reads the same stream, as Linux 5.6+ after boot. At most
 * INT_MAX bytes; a fault part-way returns the bytes done.
 */
long sys_getrandom(void __user *buf, uint32_t count, uint32_t flags)
{
    if (flags & ~(uint32_t)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
        return -EINVAL;
    if ((flags & (GRND_INSECURE | GRND_RANDOM)) == (GRND_INSECURE | GRND_RANDOM))
        return -EINVAL;
    if (count > 0x7FFFF000u)            /* Linux's MAX_RW_COUNT */
        count = 0x7FFFF000u;
    return fill_user(buf, count, true);
}

long devmem_read(int minor, char __user *buf, size_t n)
{
    switch (minor) {
    case MEM_MINOR_NULL:
        return 0;
    case MEM_MINOR_ZERO:
    case MEM_MINOR_FULL:
        return fill_user(buf, n, false);
    case MEM_MINOR_RANDOM:
    case MEM_MINOR_URANDOM:
        return fill_user(buf, n, true);
    default:
        return -ENXIO;
    }
}

long devmem_write(int minor, const char __user *buf, size_t n)
{
    switch (minor) {
    case MEM_MINOR_NULL:
    case MEM_MINOR_ZERO:
        return (long)n;                 /* never looks at the buffer */
    case MEM_MINOR_FULL:
        return -ENOSPC;
    case MEM_MINOR_RANDOM:
    case MEM_MINOR_URANDOM: {
        /* Mixed into the key, as Linux credits nothing but mixes it in. */
        size_t done = 0;
        while (done < n) {
            uint32_t w = 0;
            size_t take = MIN(n - done, sizeof(w));
            if (copyin(&w, buf + done, take) < 0)
                break;
            if (!seeded)
                seed();
            mix(w);
            done += take;
        }
        return done ? (long)done : (n ? -EFAULT : 0);
    }
    default:
        return -ENXIO;
    }
}
