/*
 * test_devmem.c: host unit test of kernel/dev/mem.c (built with
 * AGORA_HOST_TEST): the ChaCha20 block function against RFC 8439's test
 * vector (section 2.3.2), and the read/write rules of /dev/null, /dev/zero,
 * /dev/full, /dev/urandom and an unknown minor. The kernel services mem.c
 * calls are stubbed here: user memory is plain memory.
 */
#include <kernel/devmem.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>

void devmem_test_chacha_block(const uint32_t k[8], uint64_t ctr, uint32_t nonce, uint32_t out[16]);

/* Stubs for what mem.c uses. */
int copyout(void *dst, const void *src, size_t n) { memcpy(dst, src, n); return 0; }
int copyin(void *dst, const void *src, size_t n) { memcpy(dst, src, n); return 0; }
uint64_t arch_read_tsc(void) { static uint64_t t = 12345; return t += 977; }
int64_t arch_rtc_read(void) { return 1700000000; }
bool arch_hw_random(uint32_t *out) { (void)out; return false; }
bool sched_preempt_point(void) { return false; }

static int failures;

static void check(const char *name, int ok, const char *why)
{
    if (ok) {
        printf("PASS host.devmem.%s\n", name);
    } else {
        printf("FAIL host.devmem.%s (%s)\n", name, why);
        failures++;
    }
}

int main(void)
{
    /* RFC 8439 2.3.2: key 00 01 .. 1f, counter 1, nonce 00:00:00:09
     * 00:00:00:4a 00:00:00:00; mem.c's state words 12-15 are the 64-bit
     * counter and a 32-bit nonce, so the RFC's counter and first two nonce
     * words make its counter, the third its nonce. */
    uint32_t key[8], out[16];
    for (int i = 0; i < 8; i++)
        key[i] = (uint32_t)(4 * i) | (uint32_t)(4 * i + 1) << 8 | (uint32_t)(4 * i + 2) << 16 |
                 (uint32_t)(4 * i + 3) << 24;
    devmem_test_chacha_block(key, 1 | (uint64_t)0x09000000 << 32, 0x4a000000, out);
    static const uint32_t want[16] = {
        0xe4e7f110, 0x15593bd1, 0x1fdd0f50, 0xc47120a3,
        0xc7f4d1c7, 0x0368c033, 0x9aaa2204, 0x4e6cd4c3,
        0x466482d2, 0x09aa9f07, 0x05d7c214, 0xa2028bd9,
        0xd19c12b5, 0xb94e16de, 0xe883d0cb, 0x4e3c50a2,
    };
    check("chacha20_rfc8439_2_3_2", memcmp(out, want, sizeof(want)) == 0,
          "the block function does not give RFC 8439's test vector");

    char buf[100];
    memset(buf, 'x', sizeof(buf));
    check("null_read_eof", devmem_read(MEM_MINOR_NULL, buf, sizeof(buf)) == 0 && buf[0] == 'x',
          "reading /dev/null must give 0 and touch nothing");
    check("null_write_all", devmem_write(MEM_MINOR_NULL, buf, 77) == 77, "writes to /dev/null take all");
    int zeros = 1;
    long n = devmem_read(MEM_MINOR_ZERO, buf, sizeof(buf));
    for (int i = 0; i < 100; i++)
        zeros &= buf[i] == 0;
    check("zero_read", n == 100 && zeros, "/dev/zero reads zeros");
    check("zero_write", devmem_write(MEM_MINOR_ZERO, buf, 5) == 5, "/dev/zero takes writes");
    memset(buf, 'x', sizeof(buf));
    n = devmem_read(MEM_MINOR_FULL, buf, 10);
    check("full_read", n == 10 && buf[0] == 0 && buf[9] == 0 && buf[10] == 'x', "/dev/full reads zeros");
    check("full_write", devmem_write(MEM_MINOR_FULL, buf, 5) == -ENOSPC, "/dev/full: ENOSPC");
    char a[64], b[64];
    check("urandom_read", devmem_read(MEM_MINOR_URANDOM, a, 64) == 64 &&
          devmem_read(MEM_MINOR_RANDOM, b, 64) == 64 && memcmp(a, b, 64) != 0,
          "two reads of random bytes must differ");
    check("urandom_write", devmem_write(MEM_MINOR_URANDOM, a, 10) == 10, "writes mix in, all taken");
    check("unknown_minor", devmem_read(1, buf, 1) == -ENXIO && devmem_write(4, buf, 1) == -ENXIO,
          "minors agora lacks: ENXIO");
    return failures != 0;
}
