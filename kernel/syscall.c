/*
 * syscall.c: the system-call table. int $0x80 arrives here with the Linux
 * i386 convention: number in eax, arguments in ebx ecx edx esi edi ebp,
 * result (or -errno) back in eax. Numbers agora does not implement give
 * -ENOSYS. The numbers are Linux's (uapi/unistd.h), so Linux i386 programs
 * and agora programs make the same calls. The old calls with 16-bit ids
 * (getuid 24, getgroups 80, ...) have their own handlers (proc/uid16.c).
 */
#include <kernel/syscall.h>
#include <kernel/fs_syscalls.h>
#include <kernel/proc.h>
#include <kernel/trap.h>
#include <arch/trap.h>
#include <uapi/unistd.h>
#include <uapi/errno.h>
#include <uapi/agora.h>

typedef long (*syscall_fn)(uint32_t, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t);

/* Handlers take their own typed arguments; cdecl lets one call shape serve
 * them all (the extra arguments are ignored). */
#define SYS(nr, fn) [nr] = (syscall_fn)(void (*)(void))(fn)

/* agora's own calls, above Linux's range (for ipcs/vmmap-style tools). */
#define NR_SYSCALLS 512

static const syscall_fn table[NR_SYSCALLS] = {
    SYS(__NR_restart_syscall, sys_restart_syscall),
    SYS(__NR_exit, sys_exit),
    SYS(__NR_fork, sys_fork),
    SYS(__NR_vfork, sys_vfork),
    SYS(__NR_read, sys_read),
    SYS(__NR_write, sys_write),
    SYS(__NR_open, sys_open),
    SYS(__NR_close, sys_close),
    SYS(__NR_waitpid, sys_waitpid),
    SYS(__NR_execve, sys_execve),
    SYS(__NR_chdir, sys_chdir),
    SYS(__NR_time, sys_time),
    SYS(__NR_lseek, sys_lseek),
    SYS(__NR_getpid, sys_getpid),
    SYS(__NR_setuid, sys_setuid16),
    SYS(__NR_getuid, sys_getuid16),
    SYS(__NR_alarm, sys_alarm),
    SYS(__NR_pause, sys_pause),
    SYS(__NR_access, sys_access),
    SYS(__NR_kill, sys_kill),
    SYS(__NR_dup, sys_dup),
    SYS(__NR_pipe, sys_pipe),
    SYS(__NR_times, sys_times),
    SYS(__NR_brk, sys_brk),
    SYS(__NR_munmap, sys_munmap),
    SYS(__NR_getpriority, sys_getpriority),
    SYS(__NR_setpriority, sys_setpriority),
    SYS(__NR_setitimer, sys_setitimer),
    SYS(__NR_getitimer, sys_getitimer),
    SYS(__NR_mprotect, sys_mprotect),
    SYS(__NR_mmap, sys_old_mmap),
    SYS(__NR_mmap2, sys_mmap2),
    SYS(__NR_setgid, sys_setgid16),
    SYS(__NR_setrlimit, sys_setrlimit),
    SYS(__NR_getrlimit, sys_old_getrlimit),
    SYS(__NR_ugetrlimit, sys_getrlimit),
    SYS(__NR_prlimit64, sys_prlimit64),
    SYS(__NR_getgid, sys_getgid16),
    SYS(__NR_signal, sys_signal),
    SYS(__NR_geteuid, sys_geteuid16),
    SYS(__NR_getegid, sys_getegid16),
    SYS(__NR_ioctl, sys_ioctl),
    SYS(__NR_fcntl, sys_fcntl64),
    SYS(__NR_umask, sys_umask),
    SYS(__NR_dup2, sys_dup2),
    SYS(__NR_getppid, sys_getppid),
    SYS(__NR_getpgrp, sys_getpgrp),
    SYS(__NR_setpgid, sys_setpgid),
    SYS(__NR_getpgid, sys_getpgid),
    SYS(__NR_setsid, sys_setsid),
    SYS(__NR_getsid, sys_getsid),
    SYS(__NR_setreuid, sys_setreuid16),
    SYS(__NR_setregid, sys_setregid16),
    SYS(__NR_select, sys_old_select),
    SYS(__NR_getrusage, sys_getrusage),
    SYS(__NR_gettimeofday, sys_gettimeofday),
    SYS(__NR_getgroups, sys_getgroups16),
    SYS(__NR_setgroups, sys_setgroups16),
    SYS(__NR_reboot, sys_reboot),
    SYS(__NR_stat, sys_stat),
    SYS(__NR_lstat, sys_lstat),
    SYS(__NR_fstat, sys_fstat),
    SYS(__NR_wait4, sys_wait4),
    SYS(__NR_sysinfo, sys_sysinfo),
    SYS(__NR_ipc, sys_ipc),
    SYS(__NR_clone, sys_clone),
    SYS(__NR_sigreturn, sys_sigreturn),
    SYS(__NR_uname, sys_uname),
    SYS(__NR_sigprocmask, sys_sigprocmask),
    SYS(__NR__llseek, sys__llseek),
    SYS(__NR__newselect, sys_select),
    SYS(__NR_readv, sys_readv),
    SYS(__NR_writev, sys_writev),
    SYS(__NR_sched_yield, sys_sched_yield),
    SYS(__NR_sched_getparam, sys_sched_getparam),
    SYS(__NR_sched_getscheduler, sys_sched_getscheduler),
    SYS(__NR_sched_get_priority_max, sys_sched_get_priority_max),
    SYS(__NR_sched_get_priority_min, sys_sched_get_priority_min),
    SYS(__NR_nanosleep, sys_nanosleep),
    SYS(__NR_setresuid, sys_setresuid16),
    SYS(__NR_poll, sys_poll),
    SYS(__NR_getresuid, sys_getresuid16),
    SYS(__NR_setresgid, sys_setresgid16),
    SYS(__NR_getresgid, sys_getresgid16),
    SYS(__NR_prctl, sys_prctl),
    SYS(__NR_rt_sigreturn, sys_rt_sigreturn),
    SYS(__NR_rt_sigaction, sys_rt_sigaction),
    SYS(__NR_rt_sigprocmask, sys_rt_sigprocmask),
    SYS(__NR_rt_sigpending, sys_rt_sigpending),
    SYS(__NR_rt_sigsuspend, sys_rt_sigsuspend),
    SYS(__NR_getcwd, sys_getcwd),
    SYS(__NR_stat64, sys_stat64),
    SYS(__NR_lstat64, sys_lstat64),
    SYS(__NR_fstat64, sys_fstat64),
    SYS(__NR_getuid32, sys_getuid),
    SYS(__NR_getgid32, sys_getgid),
    SYS(__NR_geteuid32, sys_geteuid),
    SYS(__NR_getegid32, sys_getegid),
    SYS(__NR_setreuid32, sys_setreuid),
    SYS(__NR_setregid32, sys_setregid),
    SYS(__NR_getgroups32, sys_getgroups),
    SYS(__NR_setgroups32, sys_setgroups),
    SYS(__NR_setresuid32, sys_setresuid),
    SYS(__NR_getresuid32, sys_getresuid),
    SYS(__NR_setresgid32, sys_setresgid),
    SYS(__NR_getresgid32, sys_getresgid),
    SYS(__NR_setuid32, sys_setuid),
    SYS(__NR_setgid32, sys_setgid),
    SYS(__NR_getdents64, sys_getdents64),
    SYS(__NR_fcntl64, sys_fcntl64),
    SYS(__NR_gettid, sys_gettid),
    SYS(__NR_sched_setaffinity, sys_sched_setaffinity),
    SYS(__NR_sched_getaffinity, sys_sched_getaffinity),
    SYS(__NR_set_thread_area, sys_set_thread_area),
    SYS(__NR_exit_group, sys_exit_group),
    SYS(__NR_set_tid_address, sys_set_tid_address),
    SYS(__NR_clock_gettime, sys_clock_gettime),
    SYS(__NR_clock_getres, sys_clock_getres),
    SYS(__NR_tgkill, sys_tgkill),
    SYS(__NR_waitid, sys_waitid),
    SYS(__NR_set_robust_list, sys_set_robust_list),
    SYS(__NR_get_robust_list, sys_get_robust_list),
    SYS(__NR_getrandom, sys_getrandom),
    SYS(__NR_rseq, sys_rseq),
    SYS(__NR_shmget, sys_shmget),
    SYS(__NR_shmctl, sys_shmctl),
    SYS(__NR_shmat, sys_shmat),
    SYS(__NR_shmdt, sys_shmdt),
    SYS(__NR_pselect6, sys_pselect6),
    SYS(__NR_ppoll, sys_ppoll),
    SYS(__NR_dup3, sys_dup3),
    SYS(__NR_pipe2, sys_pipe2),
    SYS(__NR_clock_gettime64, sys_clock_gettime64),
    SYS(__NR_clock_nanosleep_time64, sys_clock_nanosleep64),
    SYS(__NR_pselect6_time64, sys_pselect6_time64),
    SYS(__NR_ppoll_time64, sys_ppoll_time64),
    SYS(__NR_clock_nanosleep, sys_clock_nanosleep),
    SYS(__NR_clone3, sys_clone3),
    SYS(AGORA_NR_meminfo, sys_agora_meminfo),
    SYS(AGORA_NR_vmmap, sys_agora_vmmap),
    SYS(AGORA_NR_pageinfo, sys_agora_pageinfo),
};

void syscall_dispatch(struct trapframe *tf)
{
    uint32_t nr = tf->eax;
    current->tf = tf;
    current->syscall_nr = (int32_t)nr;  /* orig_eax, for a restart (signal.c) */
    long ret = -ENOSYS;
    if (nr < NR_SYSCALLS && table[nr])
        ret = table[nr](tf->ebx, tf->ecx, tf->edx, tf->esi, tf->edi, tf->ebp);
    tf->eax = (uint32_t)ret;
}
