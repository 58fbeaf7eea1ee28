/*
 * random.c (x86): RDRAND, when the CPU has it, for the kernel's random
 * generator (kernel/dev/mem.c), which mixes it with the TSC.
 */
#include <arch/arch.h>

static int has_rdrand = -1;             /* -1: not asked yet */

static bool cpu_has_rdrand(void)
{
    uint32_t a, b, c, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
    return (c >> 30) & 1;               /* CPUID.1:ECX.RDRAND[bit 30] */
}

bool arch_hw_random(uint32_t *out)
{
    if (has_rdrand < 0)
        has_rdrand = cpu_has_rdrand();
    if (!has_rdrand)
        return false;
    for (int i = 0; i < 10; i++) {      /* Intel's advice: retry a few times */
        uint32_t v;
        uint8_t ok;
        __asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok) : : "cc");
        if (ok) {
            *out = v;
            return true;
        }
    }
    return false;
}
