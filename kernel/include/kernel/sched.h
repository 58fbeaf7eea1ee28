/*
 * sched.h: sleeping and waking, and the tick counter.
 * A process sleeps on a channel (any address); sched_wakeup(chan) makes
 * every sleeper on that channel runnable. The kernel runs with interrupts
 * off, so there is no lost-wakeup race between testing a condition and
 * sleeping on it; schedule() and sched_wakeup() assert that they are off.
 */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include <kernel/types.h>

#define HZ 100                          /* timer ticks per second */

/* Sleep on chan. Returns 0 when woken, -EINTR if a signal is pending. */
int sched_sleep(void *chan);
void sched_wakeup(void *chan);
void sched_yield(void);
void sched_tick(void);                  /* from the timer interrupt */
uint64_t sched_ticks(void);             /* ticks since boot */
/* Sleep until the monotonic clock (time_monotonic_ns) reaches deadline;
 * 0, or -EINTR when a signal arrives. */
int sched_sleep_until(int64_t deadline);
/*
 * A preemption point for long kernel work (a big console write): let
 * pending interrupts in, and give up the CPU if the time slice is used up.
 * The caller must be at a point where other processes and interrupt
 * handlers may run (nothing half-updated). Returns true if a signal is
 * pending, so the caller can stop early as Linux does.
 */
bool sched_preempt_point(void);

struct proc;
void schedule(void);                    /* run someone else; returns when current runs */
void sched_interrupt(struct proc *p);   /* wake p from any sleep (a signal came) */
void sched_preempt_check(void);         /* yield if the time slice is used up */
void sched_start(struct proc *first) __attribute__((noreturn));

#endif
