/*
 * proc.h: processes. A process is an address space (struct vm_space), a
 * kernel stack with the user registers saved at its top, credentials,
 * signal state, resource limits and open files. The table is fixed
 * (NPROC); creating more, or more than RLIMIT_NPROC for one user, gives
 * -EAGAIN.
 */
#ifndef KERNEL_PROC_H
#define KERNEL_PROC_H

#include <kernel/types.h>
#include <uapi/signal.h>
#include <uapi/resource.h>

#define NPROC 64
#define NOFILE 64
#define NGROUPS_MAX 32

enum proc_state { P_UNUSED, P_EMBRYO, P_RUNNABLE, P_RUNNING, P_SLEEPING, P_ZOMBIE };

struct trapframe;
struct file;
struct vm_space;
struct ramfs_inode;
struct procfs_image;

struct proc {
    uint8_t fpu[512] __attribute__((aligned(16)));  /* x87/SSE state (FPU_AREA_SIZE) */
    pid_t pid;
    pid_t pgid, sid;                    /* process group and session */
    enum proc_state state;
    char name[32];
    int64_t start_ns;                   /* made at, monotonic ns (/proc/PID/stat) */
    struct procfs_image *image;         /* exec's path and argv, for /proc (procfs.c) */
    struct proc *parent;
    struct vm_space *vm;
    vaddr_t kstack_top;
    uint32_t ctx_esp;                   /* saved kernel esp while switched out */
    struct trapframe *tf;               /* user registers, at the top of the kstack */
    void *chan;                         /* sleeping on this channel */
    int64_t wake_ns;                    /* sleep deadline, monotonic ns (0: none) */
    int exit_status;                    /* wait status, Linux encoding */
    int exit_signal;                    /* sent to the parent at exit: SIGCHLD,
                                           clone's low byte, 0 for none */
    bool vfork_wait;                    /* CLONE_VFORK child: the parent waits
                                           until its exec or exit */
    unsigned slice;                     /* timer ticks left in this time slice */

    /* credentials */
    uid_t ruid, euid, suid;
    gid_t rgid, egid, sgid;
    gid_t groups[NGROUPS_MAX];
    int ngroups;

    /* signals: bit (n - 1) stands for signal n */
    uint64_t sig_pending;
    uint64_t sig_blocked;
    struct kernel_sigaction sigact[_NSIG + 1];
    vaddr_t fault_addr;                 /* for siginfo of a fault signal */
    int fault_code;                     /* its si_code (SEGV_MAPERR...) */
    pid_t sig_sender[_NSIG + 1];        /* kill(): si_pid of the pending signal */
    uid_t sig_sender_uid[_NSIG + 1];
    uint64_t saved_mask;                /* sigsuspend: the mask to restore */
    bool has_saved_mask;

    struct rlimit32 rlim[RLIM_NLIMITS]; /* resource limits: fork copies, exec keeps */

    struct ramfs_inode *cwd;            /* working directory: a reference (kernel/fs/path.c) */
    uint32_t umask;                     /* file mode creation mask */
    struct file *files[NOFILE];
    uint64_t fd_cloexec;                /* bit fd: close descriptor fd on exec */
    uint32_t tls_base, tls_limit;       /* set_thread_area descriptor */
    int tls_flags;                      /* 0: none; bit 0 present, bit 1 limit in pages */
    vaddr_t clear_child_tid;            /* set_tid_address */
    vaddr_t robust_list;                /* set_robust_list: head, stored only */
    uint32_t robust_len;

    /* rseq (rseq.c): the registered area; resched notes that the process
     * was switched out or got a signal since it last ran in user mode. */
    vaddr_t rseq;
    uint32_t rseq_len, rseq_sig;
    bool rseq_resched;

    /* system-call restart (signal.c): the number of the call in progress,
     * the trapframe's eax before the result overwrote it (Linux's
     * orig_eax); -1 outside a system call. */
    int32_t syscall_nr;
    int64_t restart_deadline;           /* restart_syscall: a sleep's deadline (0: none) */
    uint32_t restart_rem;               /* ... its rem pointer and width (sys.c) */
    int restart_rem_kind;

    /* accounting and timers */
    uint32_t utime, stime;              /* timer ticks spent in user/kernel mode */
    uint32_t cutime, cstime;            /* ... by waited-for children */
    int nice;                           /* -20..19 */
    int64_t itimer_real_ns;             /* ITIMER_REAL deadline (0: off), monotonic */
    int64_t itimer_real_interval;       /* its reload value, ns */
    int64_t itimer_cpu_left[2];         /* ITIMER_VIRTUAL, ITIMER_PROF: CPU ns left (0: off) */
    int64_t itimer_cpu_interval[2];
};

extern struct proc *current;

/* Boot: create PID 1 running argv[0] with argv, and start scheduling. */
void proc_start_init(const char *const argv[]) __attribute__((noreturn));
/* Terminate current with a wait status (W_EXITCODE). Never returns. */
void proc_exit(int status) __attribute__((noreturn));
/* Post a signal to p (kill, faults); from is the sender (NULL: the kernel). */
void proc_signal(struct proc *p, int sig);
void proc_signal_from(struct proc *p, int sig, const struct proc *from);
/* Post sig to every process of group pgid (the console's Ctrl-C). */
void proc_signal_group(pid_t pgid, int sig);
struct proc *proc_find(pid_t pid);
int proc_count(void);
/* Visit every live process (vmmap, kill -1). */
struct proc *proc_table(int i);

/* A new process like current (fork, vfork, clone): flags are clone's
 * (only the fork-like ones; the caller checked them), newsp the child's
 * stack pointer (0: the parent's). Returns the child, or NULL with *err. */
struct proc *proc_fork(uint32_t flags, uint32_t newsp, int *err);
/* exec's point of no return: what a new image does not inherit. */
void proc_exec_reset(struct proc *p);
/* rseq.c: forget the registration; fix up a critical section on the way
 * back to user mode after a preemption or a signal. */
void rseq_fork(struct proc *child, const struct proc *parent);
void rseq_return_to_user(struct trapframe *tf);
/* sched.c: one timer tick of CPU time for p's ITIMER_VIRTUAL (idx 0: a
 * tick in user mode) or ITIMER_PROF (idx 1: any tick); SIGVTALRM/SIGPROF
 * when it runs out. */
void proc_cpu_timer_tick(struct proc *p, int idx);

/* Resource limits (rlimit.c). The soft limit of res for p. */
uint32_t proc_rlimit(const struct proc *p, int res);
/* The limits PID 1 starts with (Linux's defaults, scaled to agora). */
void proc_rlimit_init(struct proc *p);
/* Processes (zombies included) whose real user is ruid. */
int proc_count_user(uid_t ruid);

/* Credentials */
bool proc_is_root(const struct proc *p);
bool proc_in_group(const struct proc *p, gid_t gid);
/* Replace current's supplementary groups (setgroups, setgroups16): 0,
 * -EPERM (not root) or -EINVAL (n out of range, a gid of -1). */
int cred_set_groups(const gid_t *groups, int n);

#endif
