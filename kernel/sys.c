/*
 * sys.c: small system calls: time and sleeping, uname, sysinfo,
 * thread-area and tid bookkeeping that static Linux binaries make, and
 * reboot (power off through ACPI, restart, halt; in test runs QEMU's debug
 * exit with the verdict first).
 */
#include <kernel/syscall.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/vm.h>
#include <kernel/pmm.h>
#include <kernel/uaccess.h>
#include <kernel/console.h>
#include <kernel/boot.h>
#include <kernel/acpi.h>
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
#include <kernel/errno.h>
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

/* Sleep until the monotonic deadline (TIME_NEVER: for ever); on a signal,
 * report the time left in *left. 0 or -EINTR. */
static int sleep_until(int64_t deadline, int64_t *left)
{
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

/* Write what is left of a sleep to rem in its width (REM_32: struct
 * timespec32, seconds clamped to int32; REM_64: struct timespec64). */
enum { REM_NONE, REM_32, REM_64 };

static int copyout_left(uint32_t rem, int kind, int64_t left)
{
    int64_t sec = left / NSEC_PER_SEC, nsec = left % NSEC_PER_SEC;
    if (kind == REM_32) {
        struct timespec32 r = { (int32_t)(sec > 0x7FFFFFFF ? 0x7FFFFFFF : sec), (int32_t)nsec };
        return copyout((void __user *)rem, &r, sizeof(r));
    }
    struct timespec64_k r = { sec, nsec };
    return copyout((void __user *)rem, &r, sizeof(r));
}

/*
 * The sleep of nanosleep and relative clock_nanosleep, as Linux's
 * hrtimer_nanosleep: interrupted, it writes the time left to rem (if any)
 * and returns -ERESTART_RESTARTBLOCK, which becomes EINTR when a handler
 * runs (even with SA_RESTART: these calls are never restarted after a
 * handler, signal(7)) and otherwise a restart through restart_syscall,
 * which sleeps on to the same deadline. An absolute sleep returns
 * -ERESTARTNOHAND and writes nothing. A rem that cannot be written: EFAULT.
 */
static long nanosleep_until(int64_t deadline, bool absolute, uint32_t rem, int kind)
{
    int64_t left = 0;
    if (sleep_until(deadline, &left) == 0)
        return 0;
    if (absolute)
        return -ERESTARTNOHAND;
    if (rem && copyout_left(rem, kind, left) < 0)
        return -EFAULT;
    current->restart_deadline = deadline;
    current->restart_rem = rem;
    current->restart_rem_kind = rem ? kind : REM_NONE;
    return -ERESTART_RESTARTBLOCK;
}

/* restart_syscall (0): the second half of a sleep that a signal without
 * handler interrupted (the kernel sets it up; a program calling it gets
 * EINTR, as from Linux's do_no_restart_syscall). */
long sys_restart_syscall(void)
{
    int64_t deadline = current->restart_deadline;
    current->restart_deadline = 0;
    if (!deadline)
        return -EINTR;
    return nanosleep_until(deadline, false, current->restart_rem, current->restart_rem_kind);
}

long sys_nanosleep(const void __user *req, void __user *rem)
{
    struct timespec32 t;
    if (copyin(&t, req, sizeof(t)) < 0)
        return -EFAULT;
    if (t.tv_sec < 0 || t.tv_nsec < 0 || t.tv_nsec >= 1000000000)
        return -EINVAL;
    int64_t deadline = time_deadline(time_monotonic_ns(), timespec_ns(t.tv_sec, t.tv_nsec));
    return nanosleep_until(deadline, false, (uint32_t)rem, REM_32);
}

/* clock_nanosleep's body for both timespec widths: the clock first, then
 * the request (Linux's order); TIMER_ABSTIME sleeps until that time of
 * clk (already past: returns at once). */
static long clock_sleep(int clk, int flags, int64_t sec, int64_t nsec, uint32_t rem, int kind)
{
    int64_t now;
    if (clock_now(clk, &now) < 0)
        return -EINVAL;
    if (sec < 0 || nsec < 0 || nsec >= NSEC_PER_SEC)
        return -EINVAL;
    int64_t ns = timespec_ns(sec, nsec);
    bool absolute = flags & TIMER_ABSTIME;
    if (absolute)
        ns = ns == TIME_NEVER ? ns : ns > now ? ns - now : 0;
    int64_t deadline = time_deadline(time_monotonic_ns(), ns);
    return nanosleep_until(deadline, absolute, rem, kind);
}

long sys_clock_nanosleep64(int clk, int flags, const void __user *req, void __user *rem)
{
    struct timespec64_k t;
    int64_t now;
    if (clock_now(clk, &now) < 0)       /* Linux checks the clock first */
        return -EINVAL;
    if (copyin(&t, req, sizeof(t)) < 0)
        return -EFAULT;
    return clock_sleep(clk, flags, t.tv_sec, t.tv_nsec, (uint32_t)rem, REM_64);
}

long sys_clock_nanosleep(int clk, int flags, const void __user *req, void __user *rem)
{
    struct timespec32 t;
    int64_t now;
    if (clock_now(clk, &now) < 0)       /* Linux checks the clock first */
        return -EINVAL;
    if (copyin(&t, req, sizeof(t)) < 0)
        return -EFAULT;
    return clock_sleep(clk, flags, t.tv_sec, t.tv_nsec, (uint32_t)rem, REM_32);
}

/* ---- alarm, interval timers, times, priorities ------------------------ */

#define ITIMER_REAL 0
#define ITIMER_VIRTUAL 1
#define ITIMER_PROF 2

struct itimerval32 {
    struct timeval32 it_interval;
    struct timeval32 it_value;
};

/* What is left of current's ITIMER_REAL, ns (0: off). An armed timer whose
 * time is up but whose tick has not come reads as 1 us left, as Linux. */
static int64_t itimer_left(void)
{
    if (!current->itimer_real_ns)
        return 0;
    int64_t left = current->itimer_real_ns - time_monotonic_ns();
    return left > 0 ? left : 1000;
}

static void ns_to_timeval(int64_t ns, struct timeval32 *tv)
{
    tv->tv_sec = (int32_t)(ns / NSEC_PER_SEC);
    tv->tv_usec = (int32_t)((ns % NSEC_PER_SEC + 999) / 1000);     /* round up */
    if (tv->tv_usec == 1000000) {
        tv->tv_sec++;
        tv->tv_usec = 0;
    }
}

static int64_t timeval_to_ns(const struct timeval32 *tv)
{
    return tv->tv_sec * NSEC_PER_SEC + (int64_t)tv->tv_usec * 1000;
}

/* Timer which of current as struct itimerval. */
static void itimer_get(int which, struct itimerval32 *v)
{
    if (which == ITIMER_REAL) {
        ns_to_timeval(current->itimer_real_interval, &v->it_interval);
        ns_to_timeval(itimer_left(), &v->it_value);
    } else {
        int i = which == ITIMER_VIRTUAL ? 0 : 1;
        ns_to_timeval(current->itimer_cpu_interval[i], &v->it_interval);
        ns_to_timeval(current->itimer_cpu_left[i], &v->it_value);
    }
}

static void itimer_set(int which, int64_t value_ns, int64_t interval_ns)
{
    if (which == ITIMER_REAL) {
        current->itimer_real_ns = value_ns ? time_deadline(time_monotonic_ns(), value_ns) : 0;
        current->itimer_real_interval = value_ns ? interval_ns : 0;
    } else {
        /* CPU time is counted in timer ticks; as Linux's set_cpu_itimer,
         * a tick more makes sure the whole time is used first. */
        int i = which == ITIMER_VIRTUAL ? 0 : 1;
        current->itimer_cpu_left[i] = value_ns ? value_ns + NSEC_PER_SEC / HZ : 0;
        current->itimer_cpu_interval[i] = value_ns ? interval_ns : 0;
    }
}

/*
 * getitimer/setitimer: ITIMER_REAL counts real time and sends SIGALRM;
 * ITIMER_VIRTUAL counts the process's user time (SIGVTALRM) and
 * ITIMER_PROF its user and system time (SIGPROF). All three move with the
 * 100 Hz timer tick, so their resolution is 10 ms. A NULL new value
 * disarms, as Linux still allows; another which is EINVAL.
 */
long sys_getitimer(int which, void __user *value)
{
    if (which < ITIMER_REAL || which > ITIMER_PROF)
        return -EINVAL;
    struct itimerval32 v;
    itimer_get(which, &v);
    return copyout(value, &v, sizeof(v)) < 0 ? -EFAULT : 0;
}

static bool timeval_ok(const struct timeval32 *tv)
{
    return tv->tv_sec >= 0 && tv->tv_usec >= 0 && tv->tv_usec < 1000000;
}

/* Linux's order: read and check the new value, check which, set the
 * timer, then write the old value (a bad ovalue: EFAULT, timer set). */
long sys_setitimer(int which, const void __user *value, void __user *ovalue)
{
    struct itimerval32 v = { { 0, 0 }, { 0, 0 } };
    if (value && copyin(&v, value, sizeof(v)) < 0)
        return -EFAULT;
    if (!timeval_ok(&v.it_value) || !timeval_ok(&v.it_interval))
        return -EINVAL;
    if (which < ITIMER_REAL || which > ITIMER_PROF)
        return -EINVAL;
    struct itimerval32 o;
    itimer_get(which, &o);
    itimer_set(which, timeval_to_ns(&v.it_value), timeval_to_ns(&v.it_interval));
    if (ovalue && copyout(ovalue, &o, sizeof(o)) < 0)
        return -EFAULT;
    return 0;
}

/* alarm(seconds): ITIMER_REAL without interval; the seconds that were
 * left of the previous alarm, rounded as Linux (up from half a second, and
 * never 0 for an alarm still pending). alarm(0) cancels. */
long sys_alarm(uint32_t seconds)
{
    int64_t left = itimer_left();
    long old = (long)(left / NSEC_PER_SEC);
    int64_t frac = left % NSEC_PER_SEC;
    if ((old == 0 && frac) || frac >= NSEC_PER_SEC / 2)
        old++;
    if (seconds > 0x7FFFFFFF)
        seconds = 0x7FFFFFFF;
    itimer_set(ITIMER_REAL, (int64_t)seconds * NSEC_PER_SEC, 0);
    return old;
}

/* getrusage(who, usage): RUSAGE_SELF (and RUSAGE_THREAD: agora's processes
 * are single-threaded) or RUSAGE_CHILDREN (the waited-for ones): user and
 * system time from the timer ticks; agora counts nothing else, so the
 * other fields are 0. Another who: EINVAL. */
long sys_getrusage(int who, void __user *usage)
{
    uint32_t ut, st;
    switch (who) {
    case 0:                             /* RUSAGE_SELF */
    case 1:                             /* RUSAGE_THREAD */
        ut = current->utime;
        st = current->stime;
        break;
    case -1:                            /* RUSAGE_CHILDREN */
        ut = current->cutime;
        st = current->cstime;
        break;
    default:
        return -EINVAL;
    }
    uint32_t r[18] = { 0 };             /* struct rusage, i386: 72 bytes */
    r[0] = ut / HZ;
    r[1] = ut % HZ * (1000000 / HZ);
    r[2] = st / HZ;
    r[3] = st % HZ * (1000000 / HZ);
    return copyout(usage, r, sizeof(r)) < 0 ? -EFAULT : 0;
}

/* times(buf): the caller's and its waited-for children's user and system
 * time in clock ticks (USER_HZ, agora's HZ); returns the ticks since boot. */
long sys_times(void __user *buf)
{
    int32_t t[4] = { (int32_t)current->utime, (int32_t)current->stime,
                     (int32_t)current->cutime, (int32_t)current->cstime };
    if (buf && copyout(buf, t, sizeof(t)) < 0)
        return -EFAULT;
    return (long)(uint32_t)sched_ticks();
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

int tls_desc_read(void __user *u_info, bool can_allocate, struct tls_desc *out)
{
    struct user_desc d;
    if (copyin(&d, u_info, sizeof(d)) < 0)
        return -EFAULT;
    if (d.entry_number == (uint32_t)-1 && can_allocate) {
        d.entry_number = GDT_TLS_INDEX; /* the one TLS slot */
        if (copyout(u_info, &d, sizeof(d)) < 0)
            return -EFAULT;
    }
    if (d.entry_number != GDT_TLS_INDEX)
        return -EINVAL;
    bool present = !(d.flags & (1u << 5));
    out->base = d.base_addr;
    out->limit = d.limit;
    out->flags = (present ? 1 : 0) | ((d.flags & (1u << 4)) ? 2 : 0);
    return 0;
}

long sys_set_thread_area(void __user *u_info)
{
    struct tls_desc t;
    int err = tls_desc_read(u_info, true, &t);
    if (err < 0)
        return err;
    current->tls_base = t.base;
    current->tls_limit = t.limit;
    current->tls_flags = t.flags;
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

/* reboot(2)'s magic numbers and commands, as Linux has them. */
#define REBOOT_MAGIC1 0xfee1dead
#define REBOOT_MAGIC2 0x28121969
#define REBOOT_MAGIC2A 0x05121996
#define REBOOT_MAGIC2B 0x16041998
#define REBOOT_MAGIC2C 0x20112000
#define REBOOT_CMD_RESTART 0x01234567
#define REBOOT_CMD_HALT 0xCDEF0123
#define REBOOT_CMD_CAD_ON 0x89ABCDEF
#define REBOOT_CMD_CAD_OFF 0x00000000
#define REBOOT_CMD_POWER_OFF 0x4321FEDC
#define REBOOT_CMD_RESTART2 0xA1B2C3D4

/* Power off: QEMU's debug exit with the "pass" verdict when a test run
 * enabled it, then ACPI S5; if both fail, halt. */
static void __attribute__((noreturn)) power_off(void)
{
    printk("agora: power off\n");
    arch_qemu_exit(QEMU_EXIT_PASS);
    arch_irq_disable();
    int err = acpi_poweroff();
    printk("agora: ACPI power off %s; halted, switch the machine off\n",
           err == -ENODEV ? "not available" : "did not work");
    arch_halt();
}

/* Restart: the FADT reset register, the 8042's reset line, a triple fault. */
static void __attribute__((noreturn)) restart(void)
{
    printk("agora: restarting\n");
    arch_qemu_exit(QEMU_EXIT_FAIL);
    arch_irq_disable();
    /* Each attempt is announced: on a machine that hangs instead, the
     * last line says which one. */
    if (acpi.has_reset) {
        printk("agora: restart through the ACPI reset register\n");
        acpi_reset();
    }
    if (arch_ps2_present()) {
        printk("agora: restart through the 8042\n");
        arch_reset_8042();
    }
    printk("agora: restart by a triple fault\n");
    arch_triple_fault();
}

/* reboot(magic1, magic2, cmd, arg) for root only (EPERM first, then EINVAL
 * for bad magic or an unknown cmd, as Linux checks). Power off, restart,
 * halt do not return. Ctrl-Alt-Del on/off are accepted and change nothing:
 * agora's keyboard driver never sends it to init. Test runs ("test"
 * on the command line) end QEMU with power off as "pass" and halt or
 * restart as "fail", as init uses them. */
long sys_reboot(uint32_t magic1, uint32_t magic2, uint32_t cmd, void __user *arg)
{
    if (!proc_is_root(current))
        return -EPERM;
    if (magic1 != REBOOT_MAGIC1 ||
        (magic2 != REBOOT_MAGIC2 && magic2 != REBOOT_MAGIC2A &&
         magic2 != REBOOT_MAGIC2B && magic2 != REBOOT_MAGIC2C))
        return -EINVAL;
    switch (cmd) {
    case REBOOT_CMD_CAD_ON:
    case REBOOT_CMD_CAD_OFF:
        return 0;
    case REBOOT_CMD_POWER_OFF:
        power_off();
    case REBOOT_CMD_RESTART2: {
        char why[256];                  /* Linux: at most 255 bytes of it */
        if (copyinstr(why, arg, sizeof(why)) == -EFAULT)
            return -EFAULT;
        why[sizeof(why) - 1] = '\0';
        printk("agora: restart command \"%s\"\n", why);
        restart();
    }
    case REBOOT_CMD_RESTART:
        restart();
    case REBOOT_CMD_HALT:
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
