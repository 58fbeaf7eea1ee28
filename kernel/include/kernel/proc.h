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

    struct file *files[NOFILE];
    uint64_t fd_cloexec;                /* bit fd: close descriptor fd on exec */
    uint32_t tls_base, tls_limit;       /* set_thread_area descriptor */
    int tls_flags;                      /* 0: none; bit 0 present, bit 1 limit in pages */
    vaddr_t clear_child_tid;            /* set_tid_address */
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
