/*
 * procfs.c: /proc, in Linux's formats, for busybox (ps, top, free, uptime)
 * and util-linux (ipcs).
 *
 * Every file of /proc is a node of the ramfs tree whose operations are
 * here; its text is made when it is read, from its start at every read(),
 * straight into the reader's buffer (struct pbuf: only the bytes from the
 * file offset on are kept, and nothing stays in the kernel between
 * reads). Tools read these small files in one piece; one that reads in
 * pieces may see figures that changed in between, where Linux's seq_file
 * would serve its first snapshot.
 *
 * /proc/PID is a directory made when the process is (procfs_proc_new, from
 * proc_alloc) and removed when its slot is freed (procfs_proc_free), so a
 * zombie keeps it until it is reaped, as on Linux. The files in it name
 * their process by pid (the node's priv); a file still open after the
 * process is gone reads -ESRCH.
 *
 * /proc/sys/kernel/shm{max,all,mni,_next_id} read and write the limits of
 * kernel/ipc/shm.c; writes parse a decimal number as Linux's
 * proc_doulongvec_minmax and proc_dointvec_minmax do.
 */
#include <kernel/procfs.h>
#include <kernel/file.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/vm.h>
#include <kernel/pmm.h>
#include <kernel/kheap.h>
#include <kernel/shm.h>
#include <kernel/time.h>
#include <kernel/uaccess.h>
#include <kernel/console.h>
#include <kernel/acpi.h>
#include <arch/memlayout.h>
#include <agora/format.h>
#include <uapi/errno.h>
#include <uapi/signal.h>
#include <stdarg.h>
#include <string.h>
#include "ramfs.h"

#define USER_HZ 100                     /* clock ticks of /proc's times (Linux i386) */
_Static_assert(HZ == USER_HZ, "the times are timer ticks");
#define NSEC_PER_USER_HZ (NSEC_PER_SEC / USER_HZ)
#define KB_PER_PAGE (PAGE_SIZE / 1024)


/* ---- text into a window of the reader's buffer -------------------------- */

/*
 * What a generator writes into: the text is made from its start at every
 * read(), and only the bytes of [skip, skip + n) reach the reader's buffer,
 * gathered in a small chunk and copied out a chunk at a time. Nothing is
 * kept in the kernel heap between reads (a snapshot there, grown while
 * a fork bomb or ps ran, pinned the heap's top: frames the leak checks
 * saw as lost); the price is that a text is made again for each piece a
 * reader asks for.
 */
struct pbuf {
    char __user *ubuf;                  /* the reader's buffer */
    uint64_t skip;                      /* text bytes before the window */
    size_t left;                        /* window bytes still wanted */
    size_t done;                        /* bytes copied out */
    bool fault;                         /* a copy faulted: stop there */
    uint32_t clen;
    char chunk[128];
};

static void pb_flush(struct pbuf *b)
{
    if (b->clen == 0 || b->fault)
        return;
    long got = copyout_partial(b->ubuf + b->done, b->chunk, b->clen);
    if (got > 0)
        b->done += (size_t)got;
    if (got < (long)b->clen) {
        b->fault = true;
        b->left = 0;
    }
    b->clen = 0;
}

static void pb_putc(char c, void *ctx)
{
    struct pbuf *b = ctx;
    if (b->skip > 0) {
        b->skip--;
        return;
    }
    if (b->left == 0)
        return;
    b->chunk[b->clen++] = c;
    b->left--;
    if (b->clen == sizeof(b->chunk))
        pb_flush(b);
}

static void __attribute__((format(printf, 2, 3))) pb_printf(struct pbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    __format(pb_putc, b, fmt, ap);
    va_end(ap);
}

static void pb_write(struct pbuf *b, const char *s, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        pb_putc(s[i], b);
}

/* ---- what exec leaves: the image ------------------------------------------- */

struct procfs_image {
    int refs;
    char *exe;                          /* absolute path of the executable */
    vaddr_t start_stack;                /* the stack pointer exec started it with */
    uint32_t cmdline_len;               /* bytes of argv at cmdline, NULs included */
    char cmdline[];
};

static struct procfs_image *image_get(struct procfs_image *img)
{
    if (img)
        img->refs++;
    return img;
}

void procfs_image_put(struct procfs_image *img)
{
    if (!img)
        return;
    assert(img->refs > 0);
    if (--img->refs == 0) {
        kfree(img->exe);
        kfree(img);
    }
}

/* The absolute path of the file exec found at path, as Linux's d_path
 * gives it (symlinks followed; no ".", "..", "//"), into buf
 * (RAMFS_PATH_MAX bytes): its directory's path and its name. False if
 * that cannot be made. */
static bool exe_path(const char *path, char *buf)
{
    struct ramfs_inode *start = current->cwd, *dir, *ip;
    const char *name;
    size_t len;
    bool trailing;
    char *link = kmalloc(RAMFS_PATH_MAX);
    if (!link)
        return false;
    for (int hops = 0;; hops++) {
        if (ramfs_walk_parent(start, path, &dir, &name, &len, &trailing) < 0 || !len ||
            !(ip = ramfs_find(dir, name, len)))
            goto fail;
        if (!ramfs_is_lnk(ip))
            break;
        if (hops == RAMFS_SYMLOOP_MAX || ramfs_readlink(ip, link, RAMFS_PATH_MAX) < 0)
            goto fail;
        link[RAMFS_PATH_MAX - 1] = '\0';
        strcpy(buf, link);              /* name points into path: keep path stable */
        path = buf;
        start = dir;
    }
    int n = ramfs_path(dir, link, RAMFS_PATH_MAX);
    if (n < 1)
        goto fail;
    size_t at = (size_t)n - 1;          /* n counts the NUL */
    if (at > 0 && link[at - 1] == '/')
        at--;                           /* the directory is "/" */
    if (at + 1 + len + 1 > RAMFS_PATH_MAX)
        goto fail;
    link[at] = '/';
    memmove(link + at + 1, name, len);
    link[at + 1 + len] = '\0';
    strcpy(buf, link);
    kfree(link);
    return true;
fail:
    kfree(link);
    return false;
}

struct procfs_image *procfs_image_new(const char *path, const char *args, int argc)
{
    uint32_t len = 0;
    for (int i = 0; i < argc; i++)
        len += (uint32_t)strlen(args + len) + 1;
    len = MIN(len, (uint32_t)PROCFS_CMDLINE_MAX);
    struct procfs_image *img = kmalloc(sizeof(*img) + len);
    char *buf = kmalloc(RAMFS_PATH_MAX);
    if (!img || !buf)
        goto fail;
    /* The path as Linux's d_path gives it: absolute, without "." or "..";
     * the file exec is about to run, so the walk finds it. */
    if (!exe_path(path, buf))
        strncpy(buf, path, RAMFS_PATH_MAX - 1), buf[RAMFS_PATH_MAX - 1] = '\0';
    img->exe = kmalloc(strlen(buf) + 1);
    if (!img->exe)
        goto fail;
    strcpy(img->exe, buf);
    kfree(buf);
    img->refs = 1;
    img->start_stack = 0;
    img->cmdline_len = len;
    memcpy(img->cmdline, args, len);
    return img;
fail:
    kfree(buf);
    kfree(img);
    return NULL;
}

static void set_owner(const struct proc *p);

void procfs_exec(struct proc *p, struct procfs_image *img, vaddr_t esp)
{
    img->start_stack = esp;
    procfs_image_put(p->image);
    p->image = img;
    set_owner(p);
}

/* ---- per-process files ----------------------------------------------------- */

static int64_t boot_realtime_ns(void)
{
    return time_realtime_ns() - time_monotonic_ns();
}

static char state_letter(const struct proc *p)
{
    switch (p->state) {
    case P_SLEEPING: return 'S';
    case P_ZOMBIE: return 'Z';
    default: return 'R';                /* runnable, running, a fork in progress */
    }
}

static const char *state_name(const struct proc *p)
{
    switch (p->state) {
    case P_SLEEPING: return "S (sleeping)";
    case P_ZOMBIE: return "Z (zombie)";
    default: return "R (running)";
    }
}

/* Linux's comm: at most TASK_COMM_LEN - 1 = 15 bytes of the name. */
static void put_comm(struct pbuf *b, const struct proc *p)
{
    pb_write(b, p->name, (uint32_t)strnlen(p->name, 15));
}

static pid_t ppid_of(const struct proc *p)
{
    return p->parent ? p->parent->pid : 0;
}

/* Memory figures of p's address space, in pages. */
struct vm_figures {
    uint32_t size, rss, stack, exe, data;
    uint32_t rss_anon, rss_file, rss_shmem;     /* rss by what the region maps */
    vaddr_t start_code, end_code, start_data, end_data, start_stack;
};

static void vm_figures(const struct proc *p, struct vm_figures *v)
{
    memset(v, 0, sizeof(*v));
    struct vm_space *vs = p->vm;
    if (!vs)
        return;                         /* a zombie: Linux shows zeros too */
    v->start_stack = p->image ? p->image->start_stack : 0;
    v->size = vs->npages;
    for (struct vm_region *r = vs->regions; r; r = r->next) {
        uint32_t npages = (r->end - r->start) >> PAGE_SHIFT;
        uint32_t present = 0;
        for (vaddr_t va = vm_next_present(vs, r->start, r->end); va < r->end;
             va = vm_next_present(vs, va + PAGE_SIZE, r->end))
            present++;
        v->rss += present;
        enum vm_object_kind kind = r->obj ? r->obj->ops->kind : VMO_ANON;
        if (kind == VMO_SHM || kind == VMO_SHARED_ANON)
            v->rss_shmem += present;
        else if (kind == VMO_FILE)
            v->rss_file += present;
        else
            v->rss_anon += present;
        if (r->flags & VM_STACK) {
            v->stack += npages;
        } else if ((r->prot & VM_EXEC) && !(r->flags & VM_SHARED)) {
            v->exe += npages;
            if (!v->start_code)
                v->start_code = r->start;
            v->end_code = r->end;
        } else if ((r->prot & VM_WRITE) && !(r->flags & VM_SHARED)) {
            v->data += npages;
            if (!v->start_data && !(r->flags & VM_HEAP))
                v->start_data = r->start;
            if (!(r->flags & VM_HEAP) && r->start < vs->heap_start)
                v->end_data = r->end;
        }
    }
}

/* Signals ignored and caught, bit n - 1 for signal n. */
static void sig_dispositions(const struct proc *p, uint64_t *ign, uint64_t *cgt)
{
    *ign = *cgt = 0;
    for (int sig = 1; sig <= _NSIG; sig++) {
        uint32_t h = p->sigact[sig].handler;
        if (h == SIG_IGN_VALUE)
            *ign |= 1ull << (sig - 1);
        else if (h != SIG_DFL_VALUE)
            *cgt |= 1ull << (sig - 1);
    }
}

/* May current see p's addresses (Linux's ptrace_may_access, READ mode):
 * p itself, root, or a caller whose effective ids are all of p's ids. */
static bool may_read_mm(const struct proc *p)
{
    if (p == current || proc_is_root(current))
        return true;
    uid_t u = current->euid;
    gid_t g = current->egid;
    return u == p->ruid && u == p->euid && u == p->suid && g == p->rgid && g == p->egid &&
           g == p->sgid;
}

/* /proc/PID/stat: Linux's 52 fields (fs/proc/array.c, do_task_stat); the
 * addresses only for whom may_read_mm (others: code 1 1, the rest 0). */
static void show_stat(struct pbuf *b, const struct proc *p)
{
    struct vm_figures v;
    vm_figures(p, &v);
    vaddr_t brk_start = p->vm ? p->vm->heap_start : 0;
    if (!may_read_mm(p)) {
        v.start_code = v.end_code = p->vm ? 1 : 0;
        v.start_stack = v.start_data = v.end_data = brk_start = 0;
    }
    uint64_t ign, cgt;
    sig_dispositions(p, &ign, &cgt);
    uint64_t start = (uint64_t)p->start_ns / NSEC_PER_USER_HZ;
    uint32_t rsslim = p->rlim[RLIMIT_RSS].rlim_cur;
    pb_printf(b, "%d (", p->pid);
    put_comm(b, p);
    pb_printf(b, ") %c %d %d %d %d %d %u %lu %lu %lu %lu", state_letter(p), ppid_of(p),
              p->pgid, p->sid,
              0, -1,                    /* tty_nr, tpgid: no controlling terminal known */
              0u,                       /* flags (PF_*) */
              0ul, 0ul, 0ul, 0ul);      /* minor and major faults (not counted) */
    pb_printf(b, " %lu %lu %ld %ld", (unsigned long)p->utime, (unsigned long)p->stime,
              (long)p->cutime, (long)p->cstime);
    pb_printf(b, " %d %d %d %d %llu %lu %lu %lu", 20 + p->nice, p->nice,
              1,                        /* threads */
              0,                        /* itrealvalue: always 0 since Linux 2.6.17 */
              (unsigned long long)start, (unsigned long)v.size * PAGE_SIZE,
              (unsigned long)v.rss, (unsigned long)rsslim);
    pb_printf(b, " %lu %lu %lu %lu %lu", (unsigned long)v.start_code, (unsigned long)v.end_code,
              (unsigned long)v.start_stack, 0ul, 0ul);  /* esp, eip: 0 as Linux shows */
    pb_printf(b, " %lu %lu %lu %lu", (unsigned long)(p->sig_pending & 0x7fffffff),
              (unsigned long)(p->sig_blocked & 0x7fffffff),
              (unsigned long)(ign & 0x7fffffff), (unsigned long)(cgt & 0x7fffffff));
    pb_printf(b, " %d 0 0 %d 0 0 0 0 0 0", p->state == P_SLEEPING ? 1 : 0,  /* wchan */
              p->exit_signal);          /* then cpu, rt_priority, policy, blkio,
                                           guest times */
    pb_printf(b, " %lu %lu %lu %lu %lu %lu %lu %d\n", (unsigned long)v.start_data,
              (unsigned long)v.end_data, (unsigned long)brk_start,
              0ul, 0ul, 0ul, 0ul,       /* arg_start..env_end: not recorded */
              p->state == P_ZOMBIE && may_read_mm(p) ? p->exit_status : 0);
}

static void put_kb(struct pbuf *b, const char *label, uint32_t pages)
{
    pb_printf(b, "%s\t%8lu kB\n", label, (unsigned long)pages * KB_PER_PAGE);
}

/* /proc/PID/status (fs/proc/array.c, proc_pid_status), the fields agora has. */
static void show_status(struct pbuf *b, const struct proc *p)
{
    struct vm_figures v;
    vm_figures(p, &v);
    uint64_t ign, cgt;
    sig_dispositions(p, &ign, &cgt);
    pb_printf(b, "Name:\t");
    for (int i = 0; i < 15 && p->name[i]; i++) {
        char c = p->name[i];
        if (c == '\\' || c == '\n')
            pb_printf(b, "\\%c", c == '\n' ? 'n' : '\\');
        else
            pb_putc(c, b);
    }
    pb_printf(b, "\nUmask:\t%04o\n", p->umask);
    pb_printf(b, "State:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n",
              state_name(p), p->pid, p->pid, ppid_of(p));
    pb_printf(b, "Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\n", p->ruid, p->euid, p->suid,
              p->euid, p->rgid, p->egid, p->sgid, p->egid);
    pb_printf(b, "FDSize:\t%d\nGroups:\t", NOFILE);
    for (int i = 0; i < p->ngroups; i++)
        pb_printf(b, i ? " %u" : "%u", p->groups[i]);
    pb_printf(b, " \nNStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n", p->pid, p->pid,
              p->pgid, p->sid);
    if (p->vm) {
        put_kb(b, "VmPeak:", v.size);
        put_kb(b, "VmSize:", v.size);
        put_kb(b, "VmLck:", 0);
        put_kb(b, "VmPin:", 0);
        put_kb(b, "VmHWM:", v.rss);
        put_kb(b, "VmRSS:", v.rss);
        put_kb(b, "RssAnon:", v.rss_anon);
        put_kb(b, "RssFile:", v.rss_file);
        put_kb(b, "RssShmem:", v.rss_shmem);
        put_kb(b, "VmData:", v.data);
        put_kb(b, "VmStk:", v.stack);
        put_kb(b, "VmExe:", v.exe);
        put_kb(b, "VmLib:", 0);
        put_kb(b, "VmPTE:", 0);
        put_kb(b, "VmSwap:", 0);
        pb_printf(b, "HugetlbPages:\t%8u kB\nCoreDumping:\t0\nTHP_enabled:\t0\n", 0u);
    }
    pb_printf(b, "Threads:\t1\nSigQ:\t0/%lu\n", (unsigned long)p->rlim[RLIMIT_SIGPENDING].rlim_cur);
    pb_printf(b, "SigPnd:\t%016llx\nShdPnd:\t%016llx\nSigBlk:\t%016llx\n",
              (unsigned long long)p->sig_pending, 0ull, (unsigned long long)p->sig_blocked);
    pb_printf(b, "SigIgn:\t%016llx\nSigCgt:\t%016llx\n", (unsigned long long)ign,
              (unsigned long long)cgt);
    uint64_t caps = proc_is_root(p) ? 0x000001ffffffffffull : 0;
    pb_printf(b, "CapInh:\t%016llx\nCapPrm:\t%016llx\nCapEff:\t%016llx\n", 0ull,
              (unsigned long long)caps, (unsigned long long)caps);
    pb_printf(b, "CapBnd:\t%016llx\nCapAmb:\t%016llx\n", 0x000001ffffffffffull, 0ull);
    pb_printf(b, "NoNewPrivs:\t0\nSeccomp:\t0\n");
    pb_printf(b, "Cpus_allowed:\t1\nCpus_allowed_list:\t0\n");
    pb_printf(b, "voluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n");
}

/* /proc/PID/cmdline: argv, each string NUL-terminated; empty for a zombie. */
static void show_cmdline(struct pbuf *b, const struct proc *p)
{
    if (p->image && p->state != P_ZOMBIE)
        pb_write(b, p->image->cmdline, p->image->cmdline_len);
}

static void show_comm(struct pbuf *b, const struct proc *p)
{
    put_comm(b, p);
    pb_putc('\n', b);
}

/* ---- files about the whole system ------------------------------------------ */

static void put_meminfo(struct pbuf *b, const char *label, uint32_t pages)
{
    pb_printf(b, "%-15s %8lu kB\n", label, (unsigned long)pages * KB_PER_PAGE);
}

/* /proc/meminfo (fs/proc/meminfo.c): what busybox free and top read. There
 * is no page cache, swap or high memory; the initrd's pages are counted in
 * MemTotal as used. */
static void show_meminfo(struct pbuf *b)
{
    uint32_t total = pmm_total_frames(), free = pmm_free_frames();
    uint32_t segments, shm_frames;
    shm_counts(&segments, &shm_frames);
    uint32_t heap = (uint32_t)(kheap_used() >> PAGE_SHIFT);
    put_meminfo(b, "MemTotal:", total);
    put_meminfo(b, "MemFree:", free);
    put_meminfo(b, "MemAvailable:", free);
    put_meminfo(b, "Buffers:", 0);
    put_meminfo(b, "Cached:", shm_frames);      /* Linux counts shmem in Cached */
    put_meminfo(b, "SwapCached:", 0);
    put_meminfo(b, "Active:", 0);
    put_meminfo(b, "Inactive:", 0);
    put_meminfo(b, "Unevictable:", 0);
    put_meminfo(b, "Mlocked:", 0);
    put_meminfo(b, "SwapTotal:", 0);
    put_meminfo(b, "SwapFree:", 0);
    put_meminfo(b, "Dirty:", 0);
    put_meminfo(b, "Writeback:", 0);
    put_meminfo(b, "AnonPages:", total - free - shm_frames - heap > total ? 0 :
                total - free - shm_frames - heap);
    put_meminfo(b, "Mapped:", 0);
    put_meminfo(b, "Shmem:", shm_frames);
    put_meminfo(b, "KReclaimable:", 0);
    put_meminfo(b, "Slab:", heap);
    put_meminfo(b, "SReclaimable:", 0);
    put_meminfo(b, "SUnreclaim:", heap);
    put_meminfo(b, "KernelStack:", (uint32_t)proc_count() * 2);   /* 8 KiB each */
    put_meminfo(b, "PageTables:", 0);
    put_meminfo(b, "CommitLimit:", total);
    put_meminfo(b, "Committed_AS:", total - free);
}

static uint64_t dead_user, dead_sys;    /* ticks of the processes reaped so far */

/* CPU time since boot in timer ticks (HZ = USER_HZ): user and system time
 * of every process there has been (the live ones', plus what the reaped
 * ones had), and idle, the ticks that found no process running. Each
 * figure only grows. */
static void cpu_times(uint64_t *user, uint64_t *sys, uint64_t *idle)
{
    *user = dead_user;
    *sys = dead_sys;
    for (int i = 0; i < NPROC; i++) {
        const struct proc *p = proc_table(i);
        if (p->state != P_UNUSED) {
            *user += p->utime;
            *sys += p->stime;
        }
    }
    uint64_t ticks = sched_ticks();
    *idle = ticks > *user + *sys ? ticks - *user - *sys : 0;
}

/* /proc/uptime: seconds since boot and seconds idle, two decimals. */
static void show_uptime(struct pbuf *b)
{
    uint64_t cs = (uint64_t)time_monotonic_ns() / (NSEC_PER_SEC / 100);
    uint64_t user, sys, idle;
    cpu_times(&user, &sys, &idle);
    idle = idle * 100 / HZ;
    pb_printf(b, "%llu.%02u %llu.%02u\n", (unsigned long long)(cs / 100), (unsigned)(cs % 100),
              (unsigned long long)(idle / 100), (unsigned)(idle % 100));
}

static pid_t last_pid;                  /* the newest process's pid (loadavg) */
static uint32_t forks;                  /* processes made since boot (stat) */

/* /proc/loadavg: agora computes no load average, so the three averages are
 * 0.00; then runnable/all processes and the newest pid, as Linux. */
static void show_loadavg(struct pbuf *b)
{
    int running = 0, all = 0;
    for (int i = 0; i < NPROC; i++) {
        const struct proc *p = proc_table(i);
        if (p->state == P_UNUSED)
            continue;
        all++;
        running += p->state == P_RUNNABLE || p->state == P_RUNNING;
    }
    pb_printf(b, "0.00 0.00 0.00 %d/%d %d\n", running, all, last_pid);
}

static void show_mounts(struct pbuf *b)
{
    pb_printf(b, "rootfs / rootfs rw 0 0\n");
    pb_printf(b, "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n");
}

/* /proc/stat: one CPU, its times as cpu_times counts them. */
static void show_stat_global(struct pbuf *b)
{
    uint64_t user, sys, idle;
    cpu_times(&user, &sys, &idle);
    int running = 0;
    for (int i = 0; i < NPROC; i++) {
        const struct proc *p = proc_table(i);
        running += p->state == P_RUNNABLE || p->state == P_RUNNING;
    }
    for (int cpu = -1; cpu < 1; cpu++) {
        if (cpu < 0)
            pb_printf(b, "cpu ");
        else
            pb_printf(b, "cpu%d", cpu);
        pb_printf(b, " %llu 0 %llu %llu 0 0 0 0 0 0\n", (unsigned long long)user,
                  (unsigned long long)sys, (unsigned long long)idle);
    }
    pb_printf(b, "intr %llu\nctxt 0\nbtime %llu\nprocesses %lu\n",
              (unsigned long long)sched_ticks(),
              (unsigned long long)(boot_realtime_ns() / NSEC_PER_SEC), (unsigned long)forks);
    pb_printf(b, "procs_running %d\nprocs_blocked 0\n", running);
}

static void show_version(struct pbuf *b)
{
    pb_printf(b, "agora version 0.1 (agora@agora) (i686-linux-gnu-gcc) agora teaching kernel\n");
}

static void show_cpuinfo(struct pbuf *b)
{
    pb_printf(b, "processor\t: 0\nvendor_id\t: %s\nmodel name\t: %s\n\n", "unknown", "i686");
}

static void platform_line(void *ctx, const char *text)
{
    pb_printf(ctx, "%s", text);
}

/* /proc/agora/platform: agora's own, what the boot probes found
 * (kernel/dev/acpi.c). */
static void show_platform(struct pbuf *b)
{
    acpi_describe(platform_line, b);
}

static void shm_row(const struct shm_proc_row *r, void *arg)
{
    struct pbuf *b = arg;
    pb_printf(b, "%10d %10d  %4o %10lu %5u %5u  %5lu %5u %5u %5u %5u %10llu %10llu %10llu "
                 "%10lu %10lu\n",
              r->key, r->id, r->mode, (unsigned long)r->segsz, (unsigned)r->cpid,
              (unsigned)r->lpid, (unsigned long)r->nattch, r->uid, r->gid, r->cuid, r->cgid,
              (unsigned long long)r->atime, (unsigned long long)r->dtime,
              (unsigned long long)r->ctime, (unsigned long)r->rss_pages * PAGE_SIZE, 0ul);
}

/* /proc/sysvipc/shm: Linux 6.1's header and columns for a 32-bit kernel
 * (ipc/shm.c, sysvipc_shm_proc_show). */
static void show_sysvipc_shm(struct pbuf *b)
{
    pb_printf(b, "       key      shmid perms       size  cpid  lpid nattch   uid   gid  cuid  "
                 "cgid      atime      dtime      ctime        rss       swap\n");
    shm_for_each(shm_row, b);
}

/* ---- the files: a table, and one set of operations for all --------------- */

enum pf_kind { PF_GLOBAL, PF_PID, PF_SYSCTL };

struct pf_entry {
    const char *path;                   /* under /proc (PF_PID: under /proc/PID) */
    uint32_t mode;
    enum pf_kind kind;
    union {
        void (*show)(struct pbuf *b);
        void (*show_pid)(struct pbuf *b, const struct proc *p);
        enum shm_limit limit;
    };
};

static const struct pf_entry entries[] = {
    { "meminfo", 0100444, PF_GLOBAL, .show = show_meminfo },
    { "uptime", 0100444, PF_GLOBAL, .show = show_uptime },
    { "loadavg", 0100444, PF_GLOBAL, .show = show_loadavg },
    { "mounts", 0100444, PF_GLOBAL, .show = show_mounts },
    { "stat", 0100444, PF_GLOBAL, .show = show_stat_global },
    { "version", 0100444, PF_GLOBAL, .show = show_version },
    { "cpuinfo", 0100444, PF_GLOBAL, .show = show_cpuinfo },
    { "agora/platform", 0100444, PF_GLOBAL, .show = show_platform },
    { "sysvipc/shm", 0100444, PF_GLOBAL, .show = show_sysvipc_shm },
    { "sys/kernel/shmmax", 0100644, PF_SYSCTL, .limit = SHM_LIMIT_MAX },
    { "sys/kernel/shmall", 0100644, PF_SYSCTL, .limit = SHM_LIMIT_ALL },
    { "sys/kernel/shmmni", 0100644, PF_SYSCTL, .limit = SHM_LIMIT_MNI },
    { "sys/kernel/shm_next_id", 0100644, PF_SYSCTL, .limit = SHM_LIMIT_NEXT_ID },
    { "stat", 0100444, PF_PID, .show_pid = show_stat },
    { "status", 0100444, PF_PID, .show_pid = show_status },
    { "cmdline", 0100444, PF_PID, .show_pid = show_cmdline },
    { "comm", 0100444, PF_PID, .show_pid = show_comm },
};

/* A node's priv: which entry, for which pid. A number, not a pointer, so
 * that a file left open after its process (and node) went stays safe. */
#define PRIV(entry, pid) ((void *)(uintptr_t)(((uint32_t)(pid) << 8) | (entry)))
#define PRIV_ENTRY(priv) (&entries[(uintptr_t)(priv) & 0xFF])
#define PRIV_PID(priv) ((pid_t)((uintptr_t)(priv) >> 8))
_Static_assert(ARRAY_SIZE(entries) < 256, "entry index in 8 bits");

/* The text of the file f is open on, made now into b. 0 or -ESRCH (its
 * process is gone). */
static int pf_generate(struct file *f, struct pbuf *b)
{
    const struct pf_entry *e = PRIV_ENTRY(f->ip->priv);
    switch (e->kind) {
    case PF_GLOBAL:
        e->show(b);
        return 0;
    case PF_PID: {
        struct proc *p = proc_find(PRIV_PID(f->ip->priv));
        if (!p)
            return -ESRCH;
        e->show_pid(b, p);
        return 0;
    }
    case PF_SYSCTL:
        pb_printf(b, "%lld\n", (long long)shm_limit_get(e->limit));
        return 0;
    }
    return 0;
}

static long pf_read(struct file *f, char __user *buf, size_t n)
{
    struct pbuf b = { .ubuf = buf, .skip = (uint64_t)f->off, .left = n };
    int err = pf_generate(f, &b);
    if (err < 0)
        return err;
    pb_flush(&b);
    if (b.done == 0 && b.fault)
        return -EFAULT;
    f->off += b.done;
    return (long)b.done;
}

/* Linux's proc_get_long: optional blanks, an optional '-', a number in C
 * notation (strtoul base 0), then a blank or the end. 0 (*empty if there
 * was nothing but blanks) or -EINVAL. */
static int parse_number(const char *s, int64_t *val, bool *empty)
{
    while (*s == ' ' || *s == '\t' || *s == '\n')
        s++;
    *empty = *s == '\0';
    if (*empty)
        return 0;
    bool neg = *s == '-';
    if (neg)
        s++;
    uint32_t base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
        ((s[2] >= '0' && s[2] <= '9') || (s[2] >= 'a' && s[2] <= 'f') || (s[2] >= 'A' && s[2] <= 'F'))) {
        base = 16;
        s += 2;
    } else if (s[0] == '0') {
        base = 8;
    }
    uint64_t v = 0;
    int digits = 0;
    for (;; s++, digits++) {
        uint32_t d;
        if (*s >= '0' && *s <= '9')
            d = (uint32_t)(*s - '0');
        else if (*s >= 'a' && *s <= 'f')
            d = (uint32_t)(*s - 'a' + 10);
        else if (*s >= 'A' && *s <= 'F')
            d = (uint32_t)(*s - 'A' + 10);
        else
            break;
        if (d >= base)
            break;
        v = v * base + d;
        if (v > 0xFFFFFFFFull)          /* past an i386 unsigned long */
            return -EINVAL;
    }
    if (!digits || (*s && *s != ' ' && *s != '\t' && *s != '\n'))
        return -EINVAL;
    *val = neg ? -(int64_t)v : (int64_t)v;
    return 0;
}

/* A write to a /proc/sys file: one number (see parse_number); nothing
 * but blanks is EINVAL, as in Linux's __do_proc_dointvec. Linux
 * (sysctl_writes_strict) ignores a write that does not start at offset 0. */
static long pf_write(struct file *f, const char __user *buf, size_t n)
{
    const struct pf_entry *e = PRIV_ENTRY(f->ip->priv);
    if (e->kind != PF_SYSCTL)
        return -EINVAL;
    if (f->off != 0) {
        f->off += n;
        return (long)n;
    }
    char text[24];                      /* Linux's TMPBUFLEN is 22 */
    size_t len = MIN(n, sizeof(text) - 1);
    if (copyin(text, buf, len) < 0)
        return -EFAULT;
    text[len] = '\0';
    int64_t v;
    bool empty;
    int err = parse_number(text, &v, &empty);
    if (err == 0 && (empty || (len == sizeof(text) - 1 && n > len)))
        err = -EINVAL;                  /* no number (Linux: EINVAL), or one too long */
    if (err == 0) {
        bool ulong = e->limit == SHM_LIMIT_MAX || e->limit == SHM_LIMIT_ALL;
        if (ulong && text[strspn(text, " \t\n")] == '-')
            err = -EINVAL;              /* proc_doulongvec_minmax takes no sign */
        else
            err = shm_limit_set(e->limit, v);
    }
    if (err < 0)
        return err;
    f->off += n;
    return (long)n;
}

static int64_t pf_seek(struct file *f, int64_t off, uint32_t whence)
{
    (void)f;
    if (whence != 0 /* SEEK_SET */ && whence != 1 /* SEEK_CUR */)
        return -EINVAL;
    if (whence == 1)
        off += f->off;
    return off < 0 ? -EINVAL : off;
}

static const struct file_ops pf_fops = {
    .read = pf_read,
    .write = pf_write,
    .seek = pf_seek,
};

/* ---- symbolic links -------------------------------------------------------- */

/* pid in decimal into buf (n bytes); its length, or -ENAMETOOLONG. */
static int pid_name(char *buf, size_t n, pid_t pid)
{
    char tmp[12];
    int len = 0;
    uint32_t v = (uint32_t)pid;
    do
        tmp[len++] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    if ((size_t)len >= n)
        return -ENAMETOOLONG;
    for (int i = 0; i < len; i++)
        buf[i] = tmp[len - 1 - i];
    buf[len] = '\0';
    return len;
}

/* /proc/self: the caller's pid. */
static int self_target(struct ramfs_inode *ip, char *buf, size_t n)
{
    (void)ip;
    return pid_name(buf, n, current->pid);
}

/* /proc/PID/exe: the path exec recorded; -ENOENT for a zombie (no image),
 * -EACCES for a caller who may not look into p. */
static int exe_target(struct ramfs_inode *ip, char *buf, size_t n)
{
    struct proc *p = proc_find(PRIV_PID(ip->priv));
    if (!p || !p->image || p->state == P_ZOMBIE)
        return -ENOENT;
    if (!may_read_mm(p))
        return -EACCES;                 /* Linux: proc_exe_link's ptrace check */
    size_t len = strlen(p->image->exe);
    if (len >= n)
        return -ENAMETOOLONG;
    memcpy(buf, p->image->exe, len + 1);
    return (int)len;
}

/* ---- the tree -------------------------------------------------------------- */

static struct ramfs_inode *proc_dir;    /* /proc */

/* The directory dir/path's parent, made as needed (0555); *last points at
 * the last component. NULL when the heap is out. */
static struct ramfs_inode *make_parents(struct ramfs_inode *dir, const char *path,
                                        const char **last)
{
    char name[RAMFS_NAME_MAX + 1];
    const char *slash;
    while ((slash = strchr(path, '/'))) {
        size_t len = (size_t)(slash - path);
        memcpy(name, path, len);
        name[len] = '\0';
        struct ramfs_inode *sub = ramfs_lookup(dir, name);
        if (!sub)
            sub = ramfs_mknode(dir, name, 0040555, NULL, NULL);
        if (!sub)
            return NULL;
        dir = sub;
        path = slash + 1;
    }
    *last = path;
    return dir;
}

/*
 * Grow /proc's entry array now to hold a directory for every process slot.
 * The ramfs grows a directory's array by doubling and never shrinks it, so
 * left to the first fork bomb the array would be reallocated then, at the
 * top of the kernel heap, and stay there: heap bytes and frames that a
 * test sees as leaked. Made at boot, it sits low in the heap for good.
 * 0 or -ENOMEM.
 */
static int reserve_pid_entries(void)
{
    struct ramfs_inode *made[NPROC];
    int n = 0, err = 0;
    for (; n < NPROC; n++) {
        char name[16] = "reserve-";
        pid_name(name + 8, sizeof(name) - 8, n);
        if (!(made[n] = ramfs_mknode(proc_dir, name, 0100000, NULL, NULL))) {
            err = -ENOMEM;
            break;
        }
    }
    while (n > 0)
        ramfs_remove(made[--n]);
    return err;
}

static int make_pid_dir(const struct proc *p, uid_t uid, gid_t gid);

/*
 * /proc/PID is made when someone looks: a walk into /proc or a listing of
 * it first gives every process that has none its directory, as Linux
 * makes a /proc/PID dentry only on lookup. Making its seven nodes at every
 * fork made fork + exit + wait cost half as much again (make bench: 19425
 * without, 29131 with); a process nobody looks at now costs nothing here.
 * The directory goes when the process is reaped (procfs_proc_free). Out
 * of memory, a process just has no directory until the next lookup.
 */
static void refresh_pid_dirs(struct ramfs_inode *dir)
{
    (void)dir;
    for (int i = 0; i < NPROC; i++) {
        struct proc *p = proc_table(i);
        if (p->state == P_UNUSED || p->state == P_EMBRYO)
            continue;
        (void)make_pid_dir(p, p->euid, p->egid);
    }
}

void procfs_init(void)
{
    struct ramfs_inode *root = ramfs_root();
    proc_dir = ramfs_lookup(root, "proc");
    if (!proc_dir)
        proc_dir = ramfs_mknode(root, "proc", 0040555, NULL, NULL);
    if (!proc_dir || !ramfs_mklink(proc_dir, "self", self_target, NULL))
        goto oom;
    for (uint32_t i = 0; i < ARRAY_SIZE(entries); i++) {
        if (entries[i].kind == PF_PID)
            continue;
        const char *last;
        struct ramfs_inode *dir = make_parents(proc_dir, entries[i].path, &last);
        if (!dir || !ramfs_mknode(dir, last, entries[i].mode, &pf_fops, PRIV(i, 0)))
            goto oom;
    }
    if (reserve_pid_entries() < 0)
        goto oom;
    /* Processes made before /proc was (init) get their directories now. */
    for (int i = 0; i < NPROC; i++) {
        struct proc *p = proc_table(i);
        if (p->state != P_UNUSED && procfs_proc_new(p, NULL) < 0)
            goto oom;
    }
    refresh_pid_dirs(proc_dir);
    proc_dir->refresh = refresh_pid_dirs;
    return;
oom:
    panic("procfs: out of memory at boot");
}

/* /proc/PID with its files, owned by the process's effective ids as on
 * Linux (ps shows a process's user from them): p's, or for a new process
 * its creator's, which fork is about to copy. 0 or -ENOMEM (nothing left
 * behind). */
static int make_pid_dir(const struct proc *p, uid_t uid, gid_t gid)
{
    char name[12];
    pid_name(name, sizeof(name), p->pid);
    if (ramfs_lookup(proc_dir, name))
        return 0;                       /* procfs_init made it already */
    struct ramfs_inode *dir = ramfs_mknode(proc_dir, name, 0040555, NULL, PRIV(0, p->pid));
    if (!dir)
        return -ENOMEM;
    struct ramfs_inode *ip = ramfs_mklink(dir, "exe", exe_target, PRIV(0, p->pid));
    if (!ip)
        goto oom;
    dir->uid = ip->uid = uid;
    dir->gid = ip->gid = gid;
    for (uint32_t i = 0; i < ARRAY_SIZE(entries); i++) {
        if (entries[i].kind != PF_PID)
            continue;
        ip = ramfs_mknode(dir, entries[i].path, entries[i].mode, &pf_fops, PRIV(i, p->pid));
        if (!ip)
            goto oom;
        ip->uid = uid;
        ip->gid = gid;
    }
    return 0;
oom:
    ramfs_remove(dir);
    return -ENOMEM;
}

/* /proc/PID and its entries owned by p's effective ids again. Linux does
 * it at every lookup; agora at fork and exec, which covers a program that
 * changes its ids and then execs (login, su), not one that only changes
 * them. */
static void set_owner(const struct proc *p)
{
    char name[12];
    pid_name(name, sizeof(name), p->pid);
    struct ramfs_inode *dir = proc_dir ? ramfs_lookup(proc_dir, name) : NULL;
    if (!dir)
        return;
    dir->uid = p->euid;
    dir->gid = p->egid;
    for (uint32_t i = 0; i < dir->nchildren; i++) {
        dir->children[i].ip->uid = p->euid;
        dir->children[i].ip->gid = p->egid;
    }
}

int procfs_proc_new(struct proc *p, const struct proc *creator)
{
    if (!p->start_ns)
        p->start_ns = time_monotonic_ns();
    if (!p->image && creator)
        p->image = image_get(creator->image);
    if (!proc_dir)
        return 0;                       /* boot: procfs_init makes init's later */
    /* init's directory is made now: it lives for ever, and one made on a
     * later lookup would look like memory the looking program kept. */
    if (!creator) {
        int err = make_pid_dir(p, p->euid, p->egid);
        if (err < 0)
            return err;
    }
    last_pid = p->pid;
    forks++;
    return 0;
}

void procfs_proc_free(struct proc *p)
{
    dead_user += p->utime;
    dead_sys += p->stime;
    procfs_image_put(p->image);
    p->image = NULL;
    if (!proc_dir)
        return;
    char name[12];
    pid_name(name, sizeof(name), p->pid);
    struct ramfs_inode *dir = ramfs_lookup(proc_dir, name);
    if (dir)
        ramfs_remove(dir);
}
