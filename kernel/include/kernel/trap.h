/*
 * trap.h: what arch/x86/trap.c calls in the portable kernel.
 */
#ifndef KERNEL_TRAP_H
#define KERNEL_TRAP_H

#include <kernel/types.h>

struct trapframe;

void syscall_dispatch(struct trapframe *tf);
/* A user page fault at addr: 0 when resolved from the process's regions,
 * else vm_fault's error (-EFAULT: no region, -EACCES: not allowed). */
int proc_page_fault(vaddr_t addr, bool write);
/* Queue the fault signal sig (SIGSEGV, SIGILL, SIGFPE...) on the current process. */
void proc_fault_signal(int sig, vaddr_t addr, int code);
/* Last step before returning to user mode: deliver signals, and give up
 * the CPU if the time slice is over (timer is true on a timer interrupt). */
void proc_return_to_user(struct trapframe *tf, bool timer);
/* End the current process as if killed by sig (no handler runs). */
void proc_exit_by_signal(int sig) __attribute__((noreturn));
/* The user register frame of the current process (at the top of its kernel
 * stack), or NULL before the first process runs. */
struct trapframe *proc_user_frame(void);

#endif
