/*
 * syscall.h: the system-call handlers, one per Linux i386 number that agora
 * implements (the table is in kernel/syscall.c). Handlers return a result or
 * -errno; user pointers are __user and only reach copyin/copyout.
 */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include <kernel/types.h>

struct kernel_sigaction;

/* exec of a path from the ramfs by the kernel itself (init). */
int proc_exec_kernel(const char *path, const char *const argv[]);

/* kernel/proc/proc.c */
long sys_fork(void);
long sys_exit(int code);
long sys_exit_group(int code);
long sys_wait4(pid_t pid, int __user *status, int options, void __user *rusage);
long sys_waitpid(pid_t pid, int __user *status, int options);
long sys_getpid(void);
long sys_getppid(void);
long sys_kill(pid_t pid, int sig);
long sys_setpgid(pid_t pid, pid_t pgid);
long sys_getpgid(pid_t pid);
long sys_getpgrp(void);
long sys_setsid(void);
long sys_getsid(pid_t pid);

long sys_vfork(void);
long sys_clone(uint32_t flags, uint32_t newsp, uint32_t parent_tid, uint32_t tls,
               uint32_t child_tid);
long sys_clone3(void __user *args, uint32_t size);
long sys_waitid(int idtype, pid_t id, void __user *infop, int options, void __user *rusage);

/* kernel/proc/rseq.c */
long sys_rseq(uint32_t rseq, uint32_t len, int flags, uint32_t sig);

/* kernel/proc/procctl.c: robust futex list, prctl, affinity, priorities */
long sys_set_robust_list(uint32_t head, uint32_t len);
long sys_get_robust_list(pid_t pid, uint32_t __user *head_ptr, uint32_t __user *len_ptr);
long sys_prctl(int option, uint32_t arg2, uint32_t arg3, uint32_t arg4, uint32_t arg5);
long sys_sched_getaffinity(pid_t pid, uint32_t len, void __user *mask);
long sys_sched_setaffinity(pid_t pid, uint32_t len, const void __user *mask);
long sys_sched_getscheduler(pid_t pid);
long sys_sched_getparam(pid_t pid, void __user *param);
long sys_sched_get_priority_max(int policy);
long sys_sched_get_priority_min(int policy);
long sys_getpriority(int which, int who);
long sys_setpriority(int which, int who, int niceval);

/* kernel/dev/mem.c */
long sys_getrandom(void __user *buf, uint32_t count, uint32_t flags);

/* kernel/proc/exec.c */
long sys_execve(const char __user *path, const uint32_t __user *argv,
                const uint32_t __user *envp);

/* kernel/proc/signal.c */
long sys_rt_sigaction(int sig, const struct kernel_sigaction __user *act,
                      struct kernel_sigaction __user *oact, uint32_t sigsetsize);
long sys_rt_sigprocmask(int how, const uint64_t __user *set, uint64_t __user *oset,
                        uint32_t sigsetsize);
long sys_sigprocmask(int how, const uint32_t __user *set, uint32_t __user *oset);
long sys_sigreturn(void);
long sys_rt_sigreturn(void);
long sys_pause(void);
long sys_rt_sigpending(uint64_t __user *set, uint32_t sigsetsize);
long sys_rt_sigsuspend(const uint64_t __user *mask, uint32_t sigsetsize);
long sys_signal(int sig, uint32_t handler);
long sys_tgkill(pid_t tgid, pid_t tid, int sig);

/* kernel/proc/rlimit.c */
struct rlimit32;
struct rlimit64_k;
long sys_getrlimit(uint32_t res, struct rlimit32 __user *rlim);
long sys_old_getrlimit(uint32_t res, struct rlimit32 __user *rlim);
long sys_setrlimit(uint32_t res, const struct rlimit32 __user *rlim);
long sys_prlimit64(pid_t pid, uint32_t res, const struct rlimit64_k __user *new64,
                   struct rlimit64_k __user *old64);

/* kernel/proc/cred.c */
long sys_getuid(void);
long sys_geteuid(void);
long sys_getgid(void);
long sys_getegid(void);
long sys_setuid(uid_t uid);
long sys_setgid(gid_t gid);
long sys_setresuid(uid_t r, uid_t e, uid_t s);
long sys_setresgid(gid_t r, gid_t e, gid_t s);
long sys_getresuid(uid_t __user *r, uid_t __user *e, uid_t __user *s);
long sys_getresgid(gid_t __user *r, gid_t __user *e, gid_t __user *s);
long sys_setreuid(uid_t r, uid_t e);
long sys_setregid(gid_t r, gid_t e);
long sys_getgroups(int size, gid_t __user *list);
long sys_setgroups(int size, const gid_t __user *list);

/* kernel/proc/uid16.c: the old 16-bit-id calls; arguments are cut to 16
 * bits inside, so they take whole registers. */
long sys_getuid16(void);
long sys_geteuid16(void);
long sys_getgid16(void);
long sys_getegid16(void);
long sys_setuid16(uint32_t uid);
long sys_setgid16(uint32_t gid);
long sys_setreuid16(uint32_t r, uint32_t e);
long sys_setregid16(uint32_t r, uint32_t e);
long sys_setresuid16(uint32_t r, uint32_t e, uint32_t s);
long sys_setresgid16(uint32_t r, uint32_t e, uint32_t s);
long sys_getresuid16(uint16_t __user *r, uint16_t __user *e, uint16_t __user *s);
long sys_getresgid16(uint16_t __user *r, uint16_t __user *e, uint16_t __user *s);
long sys_getgroups16(int size, uint16_t __user *list);
long sys_setgroups16(int size, const uint16_t __user *list);

/* kernel/sys.c */
long sys_brk(uint32_t addr);
long sys_munmap(uint32_t addr, uint32_t len);
long sys_mprotect(uint32_t addr, uint32_t len, uint32_t prot);
long sys_mmap2(uint32_t addr, uint32_t len, uint32_t prot, uint32_t flags, int fd,
               uint32_t pgoff);
long sys_old_mmap(const uint32_t __user *args);
long sys_time(int32_t __user *t);
long sys_clock_gettime(int clk, void __user *ts);
long sys_clock_gettime64(int clk, void __user *ts);
long sys_clock_getres(int clk, void __user *ts);
long sys_gettimeofday(void __user *tv, void __user *tz);
long sys_nanosleep(const void __user *req, void __user *rem);
long sys_clock_nanosleep64(int clk, int flags, const void __user *req, void __user *rem);
long sys_clock_nanosleep(int clk, int flags, const void __user *req, void __user *rem);
long sys_sched_yield(void);
long sys_uname(void __user *buf);
long sys_sysinfo(void __user *info);
long sys_set_thread_area(void __user *u_info);
/* A TLS descriptor as set_thread_area and clone's CLONE_SETTLS read it. */
struct tls_desc {
    uint32_t base, limit;
    int flags;                          /* bit 0 present, bit 1 limit in pages */
};
/* Read the struct user_desc at u_info; entry -1 means "pick one" (and is
 * written back) only when can_allocate, as Linux's do_set_thread_area.
 * 0, -EFAULT or -EINVAL. */
int tls_desc_read(void __user *u_info, bool can_allocate, struct tls_desc *out);
long sys_restart_syscall(void);
long sys_getitimer(int which, void __user *value);
long sys_setitimer(int which, const void __user *value, void __user *ovalue);
long sys_alarm(uint32_t seconds);
long sys_times(void __user *buf);
long sys_getrusage(int who, void __user *usage);
long sys_set_tid_address(uint32_t tidptr);
long sys_gettid(void);
long sys_reboot(uint32_t magic1, uint32_t magic2, uint32_t cmd, void __user *arg);
long sys_umask(uint32_t mask);
long sys_agora_meminfo(void __user *buf);
long sys_agora_vmmap(pid_t pid, void __user *buf, uint32_t size);
long sys_agora_pageinfo(pid_t pid, uint32_t va, void __user *buf);

/* kernel/ipc/shm.c */
long sys_shmget(int32_t key, uint32_t size, int shmflg);
long sys_shmat(int shmid, uint32_t shmaddr, int shmflg);
long sys_shmdt(uint32_t shmaddr);
long sys_shmctl(int shmid, int cmd, void __user *buf);
long sys_ipc(uint32_t call, int first, uint32_t second, uint32_t third,
             uint32_t ptr, int32_t fifth);

#endif
