/*
 * sched.c: round-robin scheduling on one CPU.
 *
 * The kernel runs with interrupts off; a process gives up the CPU only by
 * sleeping, exiting, yielding, or being preempted by the timer on its way
 * back to user mode (proc_return_to_user). When nothing is runnable the CPU
 * idles with interrupts on, on the stack of whoever called schedule().
 */
#include <kernel/sched.h>
#include <kernel/proc.h>
#include <kernel/vm.h>
#include <kernel/console.h>
#include <kernel/time.h>
#include <arch/arch.h>
#include <uapi/errno.h>

#define SLICE_TICKS 5                   /* 50 ms at 100 Hz */

struct proc *current;
static uint64_t ticks;
static uint32_t boot_esp;               /* where the boot stack is parked */

uint64_t sched_ticks(void) { return ticks; }

/* Make p the running process: its stack, address space and TLS. */
static void switch_to(struct proc *p)
{
    struct proc *prev = current;
    if (prev && prev->state != P_ZOMBIE)
        arch_fpu_save(prev->fpu);
    arch_fpu_restore(p->fpu);
    current = p;
    p->state = P_RUNNING;
    p->slice = SLICE_TICKS;
    p->rseq_resched = true;             /* rseq: it was switched out */
    arch_set_kernel_stack(p->kstack_top);
    vm_space_activate(p->vm);
    arch_set_tls(p->tls_base, p->tls_limit, p->tls_flags);
    arch_switch(prev ? &prev->ctx_esp : &boot_esp, p->ctx_esp);
}

/* Pick the next runnable process after current, round robin, and run it.
 * Returns when current runs again. Interrupts must be off: the timer
 * interrupt changes process states too. */
void schedule(void)
{
    assert(!arch_irq_enabled());
    int start = 0;
    for (int i = 0; i < NPROC; i++)
        if (proc_table(i) == current)
            start = i + 1;
    for (;;) {
        for (int n = 0; n < NPROC; n++) {
            struct proc *p = proc_table((start + n) % NPROC);
            if (p->state != P_RUNNABLE)
                continue;
            if (p == current) {
                p->state = P_RUNNING;
                p->slice = SLICE_TICKS;
                return;
            }
            switch_to(p);
            return;
        }
        if (current && current->state == P_RUNNING)
            return;
        arch_idle();                    /* interrupts may wake someone */
    }
}

static bool signal_pending(struct proc *p)
{
    return (p->sig_pending & ~p->sig_blocked) != 0;
}

int sched_sleep(void *chan)
{
    if (signal_pending(current))
        return -EINTR;
    current->chan = chan;
    current->state = P_SLEEPING;
    schedule();
    current->chan = NULL;
    return signal_pending(current) ? -EINTR : 0;
}

void sched_wakeup(void *chan)
{
    assert(!arch_irq_enabled());
    for (int i = 0; i < NPROC; i++) {
        struct proc *p = proc_table(i);
        if (p->state == P_SLEEPING && p->chan == chan) {
            p->state = P_RUNNABLE;
            p->chan = NULL;
        }
    }
}

/* Wake p if it sleeps (a signal arrived). */
void sched_interrupt(struct proc *p)
{
    if (p->state == P_SLEEPING) {
        p->state = P_RUNNABLE;
        p->chan = NULL;
    }
}

void sched_yield(void)
{
    current->state = P_RUNNABLE;
    schedule();
}

/* ITIMER_REAL of p expired: SIGALRM, and the next period if it has one
 * (periods missed while it was late are skipped, as Linux's forward). */
static void itimer_fire(struct proc *p, int64_t now)
{
    proc_signal(p, SIGALRM);
    int64_t iv = p->itimer_real_interval;
    if (!iv) {
        p->itimer_real_ns = 0;
        return;
    }
    int64_t next = p->itimer_real_ns + iv;
    if (next <= now)
        next += ((now - next) / iv + 1) * iv;
    p->itimer_real_ns = next;
}

void proc_cpu_timer_tick(struct proc *p, int idx)
{
    if (!p->itimer_cpu_left[idx])
        return;
    p->itimer_cpu_left[idx] -= NSEC_PER_SEC / HZ;
    if (p->itimer_cpu_left[idx] > 0)
        return;
    proc_signal(p, idx == 0 ? SIGVTALRM : SIGPROF);
    p->itimer_cpu_left[idx] = p->itimer_cpu_interval[idx];
}

void sched_tick(void)
{
    ticks++;
    time_tick();
    if (current && current->slice > 0)
        current->slice--;
    /* Counted as kernel time; proc_return_to_user moves it to user time
     * when the tick interrupted user mode. */
    if (current && current->state == P_RUNNING) {
        current->stime++;
        proc_cpu_timer_tick(current, 1);        /* ITIMER_PROF: user and kernel */
    }
    int64_t now = time_monotonic_ns();
    for (int i = 0; i < NPROC; i++) {
        struct proc *p = proc_table(i);
        if (p->itimer_real_ns && p->itimer_real_ns <= now && p->state != P_ZOMBIE &&
            p->state != P_UNUSED)
            itimer_fire(p, now);
        if (p->state == P_SLEEPING && p->wake_ns && p->wake_ns <= now) {
            p->state = P_RUNNABLE;
            p->chan = NULL;
        }
    }
}

/* Preempt current if its time slice is used up. */
void sched_preempt_check(void)
{
    if (current->slice == 0)
        sched_yield();
}

/* Sleep until the monotonic clock reaches deadline (or a signal). The
 * timer interrupt wakes sleepers whose deadline has passed. 0, or -EINTR. */
int sched_sleep_until(int64_t deadline)
{
    current->wake_ns = deadline;
    int err = 0;
    while (time_monotonic_ns() < deadline && err == 0)
        err = sched_sleep(&current->wake_ns);
    current->wake_ns = 0;
    return err;
}

bool sched_preempt_point(void)
{
    arch_irq_window();
    if (current->slice == 0)
        sched_yield();
    return signal_pending(current);
}

/* Boot: run the first process; the boot stack is abandoned. */
void sched_start(struct proc *first)
{
    current = NULL;
    switch_to(first);
    panic("sched_start returned");
}
