/*
 * sys.c: small system calls: time and sleeping, uname, sysinfo,
 * thread-area and tid bookkeeping that static Linux binaries make, and
 * reboot (which powers QEMU off with the test verdict).
 */
#include <kernel/syscall.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/vm.h>
#include <kernel/pmm.h>
#include <kernel/uaccess.h>
#include <kernel/console.h>
#include <kernel/boot.h>
#include <kernel/time.h>
#include <arch/arch.h>
#include <arch/memlayout.h>
#include <arch/trap.h>
#include <uapi/errno.h>
#include <uapi/time.h>
#include <uapi/mman.h>
#include <uapi/sysinfo.h>
#include <uapi/utsname.h>
#include <uapi/wait.h>
#include <uapi/agora.h>
#include <kernel/kheap.h>
#include <kernel/shm.h>
#include <string.h>

#define NSEC_PER_TICK (1000000000 / HZ)

/* Current time of clock clk in nanoseconds, or -EINVAL. */
static int clock_now(int clk, int64_t *ns)
{
    switch (clk) {
    case CLOCK_REALTIME:
        *ns = time_realtime_ns();
        return 0;
    case CLOCK_REALTIME_COARSE:
        *ns = time_realtime_coarse_ns();
        return 0;
    case CLOCK_MONOTONIC_COARSE:
        *ns = time_monotonic_coarse_ns();
        return 0;
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_BOOTTIME:
    case CLOCK_PROCESS_CPUTIME_ID:
    case CLOCK_THREAD_CPUTIME_ID:
        *ns = time_monotonic_ns();
        return 0;
    default:
        return -EINVAL;
    }
}

long sys_time(int32_t __user *t)
{
    int32_t now = (int32_t)time_now_seconds();
    if (t && copyout(t, &now, sizeof(now)) < 0)
        return -EFAULT;
    return now;
}

long sys_clock_gettime(int clk, void __user *ts)
{
    int64_t ns;
    int err = clock_now(clk, &ns);
    if (err < 0)
        return err;
    struct timespec32 t = { (int32_t)(ns / 1000000000), (int32_t)(ns % 1000000000) };
    return copyout(ts, &t, sizeof(t)) < 0 ? -EFAULT : 0;
}

long sys_clock_gettime64(int clk, void __user *ts)
{
    int64_t ns;
    int err = clock_now(clk, &ns);
    if (err < 0)
        return err;
    struct timespec64_k t = { ns / 1000000000, ns % 1000000000 };
    return copyout(ts, &t, sizeof(t)) < 0 ? -EFAULT : 0;
}

long sys_clock_getres(int clk, void __user *ts)
{
    int64_t ns;
    if (clock_now(clk, &ns) < 0)
        return -EINVAL;
    /* The coarse clocks move a tick at a time; the others as the counter. */
    bool coarse = clk == CLOCK_REALTIME_COARSE || clk == CLOCK_MONOTONIC_COARSE;
    struct timespec32 t = { 0, coarse ? NSEC_PER_TICK : (int32_t)time_resolution_ns() };
    if (ts && copyout(ts, &t, sizeof(t)) < 0)
        return -EFAULT;
    return 0;
}

long sys_gettimeofday(void __user *tv, void __user *tz)
{
    int64_t ns;
    clock_now(CLOCK_REALTIME, &ns);
    struct timeval32 t = { (int32_t)(ns / 1000000000), (int32_t)((ns % 1000000000) / 1000) };
    if (tv && copyout(tv, &t, sizeof(t)) < 0)
        return -EFAULT;
    if (tz) {
        static const int32_t zone[2];
        if (copyout(tz, zone, sizeof(zone)) < 0)
            return -EFAULT;
    }
    return 0;
}

/* Sleep for ns nanoseconds (a huge ns sleeps for ever); on a signal,
 * report the time left in *left. 0 or -EINTR. */
static int sleep_ns(int64_t ns, int64_t *left)
{
    int64_t deadline = time_deadline(time_monotonic_ns(), ns);
    int err = sched_sleep_until(deadline);
    if (err < 0) {
        int64_t now = time_monotonic_ns();
        *left = deadline > now ? deadline - now : 0;
    }
    return err;
}

/* A valid timespec's nanoseconds, saturating: tv_sec * 1e9 overflows
 * int64 past 292 years, and such a sleep is as good as for ever. */
static int64_t timespec_ns(int64_t sec, int64_t nsec)
{
    if (sec > (TIME_NEVER - nsec) / NSEC_PER_SEC)
        return TIME_NEVER;
    return sec * NSEC_PER_SEC + nsec;
}

/* What is left of a sleep, for rem: the seconds clamp to the type's range. */
static void split_left(int64_t left, int64_t sec_max, int64_t *sec, int64_t *nsec)
{
    *sec = left / NSEC_PER_SEC;
    *nsec = left % NSEC_PER_SEC;
    if (*sec > sec_max)
        *sec = sec_max;
}

long sys_nanosleep(const void __user *req, void __user *rem)
{
    struct timespec32 t;
    if (copyin(&t, req, sizeof(t)) < 0)
        return -EFAULT;
    if (t.tv_sec < 0 || t.tv_nsec < 0 || t.tv_nsec >= 1000000000)
        return -EINVAL;
    int64_t left = 0;
    int err = sleep_ns(timespec_ns(t.tv_sec, t.tv_nsec), &left);
    if (err < 0 && rem) {
        int64_t sec, nsec;
        split_left(left, 0x7FFFFFFF, &sec, &nsec);
        struct timespec32 r = { (int32_t)sec, (int32_t)nsec };
        if (copyout(rem, &r, sizeof(r)) < 0)
            return -EFAULT;
    }
    return err;
}

/* clock_nanosleep's body for both timespec widths: sleep on clock clk for
 * sec/nsec (until then with TIMER_ABSTIME); the time left in *left when a
 * signal ends a relative sleep. 0, -EINVAL or -EINTR. */
static int clock_sleep(int clk, int flags, int64_t sec, int64_t nsec, int64_t *left)
{
    int64_t now;
    if (clock_now(clk, &now) < 0)
        return -EINVAL;
    if (sec < 0 || nsec < 0 || nsec >= NSEC_PER_SEC)
        return -EINVAL;
    int64_t ns = timespec_ns(sec, nsec);
    if (flags & TIMER_ABSTIME)
        ns = ns == TIME_NEVER ? ns : ns > now ? ns - now : 0;
    return sleep_ns(ns, left);
}

long sys_clock_nanosleep64(int clk, int flags, const void __user *req, void __user *rem)
{
    struct timespec64_k t;
    int64_t left = 0;
    if (clock_now(clk, &left) < 0)     /* Linux checks the clock first */
        return -EINVAL;
    if (copyin(&t, req, sizeof(t)) < 0)
        return -EFAULT;
    int err = clock_sleep(clk, flags, t.tv_sec, t.tv_nsec, &left);
    if (err == -EINTR && rem && !(flags & TIMER_ABSTIME)) {
        int64_t sec, nsec;
        split_left(left, TIME_NEVER, &sec, &nsec);
        struct timespec64_k r = { sec, nsec };
        if (copyout(rem, &r, sizeof(r)) < 0)
            return -EFAULT;
    }
    return err;
}

long sys_clock_nanosleep(int clk, int flags, const void __user *req, void __user *rem)
{
    struct timespec32 t;
    int64_t left = 0;
    if (clock_now(clk, &left) < 0)     /* Linux checks the clock first */
        return -EINVAL;
    if (copyin(&t, req, sizeof(t)) < 0)
        return -EFAULT;
    int err = clock_sleep(clk, flags, t.tv_sec, t.tv_nsec, &left);
    if (err == -EINTR && rem && !(flags & TIMER_ABSTIME)) {
        int64_t sec, nsec;
        split_left(left, 0x7FFFFFFF, &sec, &nsec);
        struct timespec32 r = { (int32_t)sec, (int32_t)nsec };
        if (copyout(rem, &r, sizeof(r)) < 0)
            return -EFAULT;
    }
    return err;
}

long sys_sched_yield(void)
{
    sched_yield();
    return 0;
}

long sys_uname(void __user *buf)
{
    struct new_utsname u;
    memset(&u, 0, sizeof(u));
    strcpy(u.sysname, "agora");
    strcpy(u.nodename, "agora");
    strcpy(u.release, "0.1");
    strcpy(u.version, "agora teaching kernel");
    strcpy(u.machine, "i686");
    strcpy(u.domainname, "(none)");
    return copyout(buf, &u, sizeof(u)) < 0 ? -EFAULT : 0;
}

long sys_sysinfo(void __user *info)
{
    struct linux_sysinfo si;
    memset(&si, 0, sizeof(si));
    si.uptime = (int32_t)(time_monotonic_ns() / NSEC_PER_SEC);
    si.totalram = pmm_total_frames();
    si.freeram = pmm_free_frames();
    si.mem_unit = PAGE_SIZE;
    si.procs = (uint16_t)proc_count();
    return copyout(info, &si, sizeof(si)) < 0 ? -EFAULT : 0;
}

struct user_desc {
    uint32_t entry_number;
    uint32_t base_addr;
    uint32_t limit;
    uint32_t flags;     /* seg_32bit:1 contents:2 read_exec_only:1 limit_in_pages:1
                           seg_not_present:1 useable:1 */
};

long sys_set_thread_area(void __user *u_info)
{
    struct user_desc d;
    if (copyin(&d, u_info, sizeof(d)) < 0)
        return -EFAULT;
    if (d.entry_number == (uint32_t)-1) {
        d.entry_number = GDT_TLS_INDEX; /* the one TLS slot */
        if (copyout(u_info, &d, sizeof(d)) < 0)
            return -EFAULT;
    } else if (d.entry_number != GDT_TLS_INDEX) {
        return -EINVAL;
    }
    bool present = !(d.flags & (1u << 5));
    current->tls_base = d.base_addr;
    current->tls_limit = d.limit;
    current->tls_flags = (present ? 1 : 0) | ((d.flags & (1u << 4)) ? 2 : 0);
    arch_set_tls(current->tls_base, current->tls_limit, current->tls_flags);
    /* A selector loaded from the old descriptor may not be loadable now. */
    arch_sanitize_user_segments(current->tf);
    return 0;
}

long sys_set_tid_address(uint32_t tidptr)
{
    current->clear_child_tid = tidptr;
    return current->pid;
}

long sys_gettid(void) { return current->pid; }

long sys_umask(uint32_t mask)
{
    uint32_t old = current->umask;      /* per process: fork copies it */
    current->umask = mask & 0777;
    return old;
}

#define REBOOT_MAGIC1 0xfee1dead
#define REBOOT_CMD_RESTART 0x01234567
#define REBOOT_CMD_HALT 0xCDEF0123
#define REBOOT_CMD_POWER_OFF 0x4321FEDC

/* Power off (QEMU: exit with the "pass" code) or halt (the "fail" code).
 * init ends a test run with one or the other. */
long sys_reboot(uint32_t magic1, uint32_t magic2, uint32_t cmd, void __user *arg)
{
    (void)magic2;
    (void)arg;
    if (!proc_is_root(current))
        return -EPERM;
    if (magic1 != REBOOT_MAGIC1)
        return -EINVAL;
    switch (cmd) {
    case REBOOT_CMD_POWER_OFF:
        printk("agora: power off\n");
        arch_qemu_exit(QEMU_EXIT_PASS);
        arch_halt();
    case REBOOT_CMD_HALT:
    case REBOOT_CMD_RESTART:
        printk("agora: system halted\n");
        arch_qemu_exit(QEMU_EXIT_FAIL);
        arch_halt();
    default:
        return -EINVAL;
    }
}

long sys_exit_group(int code)
{
    proc_exit(W_EXITCODE(code & 0xFF, 0));
}

long sys_agora_meminfo(void __user *buf)
{
    struct agora_meminfo mi = {
        .total_frames = pmm_total_frames(),
        .free_frames = pmm_free_frames(),
        .kheap_bytes = (uint32_t)kheap_used(),
        .nprocs = (uint32_t)proc_count(),
        .cow_copies = vm_cow_copies,
        .cow_reuses = vm_cow_reuses,
    };
    shm_counts(&mi.shm_segments, &mi.shm_frames);
    return copyout(buf, &mi, sizeof(mi)) < 0 ? -EFAULT : 0;
}

/* vmmap(pid, buf, count): the regions of a process (0: the caller). */
long sys_agora_vmmap(pid_t pid, void __user *buf, uint32_t count)
{
    struct proc *p = pid ? proc_find(pid) : current;
    if (!p || !p->vm)
        return -ESRCH;
    if (count > 256)
        count = 256;
    struct agora_region *r = count ? kmalloc(count * sizeof(*r)) : NULL;
    if (count && !r)
        return -ENOMEM;
    int n = vm_describe(p->vm, r, (int)count);
    int err = copyout(buf, r, MIN((uint32_t)n, count) * sizeof(*r));
    kfree(r);
    return err < 0 ? -EFAULT : n;
}

/* pageinfo(pid, va, page): the frame behind one page of a process (0: the
 * caller), its reference count and its entry's access, for vmmap. */
long sys_agora_pageinfo(pid_t pid, uint32_t va, void __user *buf)
{
    struct proc *p = pid ? proc_find(pid) : current;
    if (!p || !p->vm)
        return -ESRCH;
    if (va >= USER_TOP)
        return -EINVAL;
    pte_t pte = vm_lookup_pte(p->vm, ALIGN_DOWN(va, PAGE_SIZE));
    struct agora_page page = { 0 };
    if (pte & PTE_P) {
        page.frame = PTE_ADDR(pte);
        page.refs = pmm_refcount(page.frame);
        page.flags = AGORA_PAGE_PRESENT | ((pte & PTE_W) ? AGORA_PAGE_WRITABLE : 0) |
                     ((pte & PTE_U) ? AGORA_PAGE_USER : 0);
    }
    return copyout(buf, &page, sizeof(page)) < 0 ? -EFAULT : 0;
}
