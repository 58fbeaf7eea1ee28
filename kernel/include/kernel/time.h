/*
 * time.h: the kernel's clocks (kernel/time.c).
 *
 * Monotonic time is read from a free-running counter (the TSC, its rate
 * measured at boot), not counted from timer ticks: a tick that arrives
 * while interrupts are off is merged with the next one by the PIC, but the
 * counter keeps counting. Wall-clock time is the RTC at boot plus that.
 */
#ifndef KERNEL_TIME_H
#define KERNEL_TIME_H

#include <kernel/types.h>

#define NSEC_PER_SEC 1000000000ll
#define TIME_NEVER   ((int64_t)0x7FFFFFFFFFFFFFFFll)   /* a deadline that never comes */

void time_init(void);                   /* read the RTC, calibrate the counter */
int64_t time_monotonic_ns(void);        /* nanoseconds since boot */
int64_t time_realtime_ns(void);         /* nanoseconds since 1970 */
int64_t time_resolution_ns(void);       /* of the two above: 1, or a tick without a TSC */
/* The coarse clocks: the same, as of the last timer tick. They are cheap,
 * and consistent with each other: time_now_seconds() (shm's atime, dtime
 * and ctime, as Linux's ktime_get_real_seconds) is the whole seconds of
 * time_realtime_coarse_ns() (CLOCK_REALTIME_COARSE, which libc's time()
 * reads, as glibc's does). */
int64_t time_monotonic_coarse_ns(void);
int64_t time_realtime_coarse_ns(void);
int64_t time_now_seconds(void);
void time_tick(void);                   /* from the timer interrupt */
/* now + ns, saturating at TIME_NEVER; ns >= 0. */
int64_t time_deadline(int64_t now, int64_t ns);

#endif
