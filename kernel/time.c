/*
 * time.c: the clocks. The counter is the TSC: its rate is measured once
 * against the PIT (arch_tsc_hz), and nanoseconds since boot are counter
 * cycles since boot scaled by that rate. So time is right even after the
 * kernel ran a long stretch with interrupts off, when timer ticks were
 * lost. A CPU without a TSC falls back to counting ticks.
 *
 * Called by: the system calls of sys.c (clock_gettime, nanosleep...), the
 * scheduler's tick (time_tick, sleep deadlines) and shm's timestamps.
 */
#include <kernel/time.h>
#include <kernel/sched.h>
#include <kernel/console.h>
#include <arch/arch.h>

static int64_t boot_epoch;              /* RTC seconds at boot */
static uint64_t tsc_hz;                 /* 0: no usable TSC, count ticks */
static uint64_t tsc_boot;
static int64_t coarse_ns;               /* monotonic ns at the last tick */
static int64_t coarse_seconds;          /* wall-clock seconds at the last tick */

void time_init(void)
{
    boot_epoch = arch_rtc_read();
    tsc_hz = arch_tsc_hz();
    tsc_boot = arch_read_tsc();
    coarse_seconds = boot_epoch;
    if (tsc_hz)
        printk("time: TSC at %u.%03u MHz\n", (unsigned)(tsc_hz / 1000000),
               (unsigned)(tsc_hz / 1000 % 1000));
    else
        printk("time: no TSC, counting timer ticks\n");
}

int64_t time_monotonic_ns(void)
{
    if (!tsc_hz)
        return (int64_t)sched_ticks() * (NSEC_PER_SEC / HZ);
    uint64_t cycles = arch_read_tsc() - tsc_boot;
    /* Whole seconds and the rest apart: cycles * 1e9 would overflow. */
    return (int64_t)(cycles / tsc_hz) * NSEC_PER_SEC +
           (int64_t)(cycles % tsc_hz * NSEC_PER_SEC / tsc_hz);
}

int64_t time_resolution_ns(void)
{
    return tsc_hz ? 1 : NSEC_PER_SEC / HZ;
}

int64_t time_realtime_ns(void)
{
    return boot_epoch * NSEC_PER_SEC + time_monotonic_ns();
}

int64_t time_monotonic_coarse_ns(void)
{
    return coarse_ns;
}

int64_t time_realtime_coarse_ns(void)
{
    return boot_epoch * NSEC_PER_SEC + coarse_ns;
}

int64_t time_now_seconds(void)
{
    return coarse_seconds;
}

void time_tick(void)
{
    coarse_ns = time_monotonic_ns();
    coarse_seconds = boot_epoch + coarse_ns / NSEC_PER_SEC;
}

int64_t time_deadline(int64_t now, int64_t ns)
{
    return ns > TIME_NEVER - now ? TIME_NEVER : now + ns;
}
