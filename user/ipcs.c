/*
 * ipcs: show System V IPC facilities, in util-linux's layout.
 *
 *   ipcs [-m|-q|-s|-a] [-t|-p|-c|-l|-u] [-b]    tables, limits, summary
 *   ipcs -m -i ID                              one segment in detail
 *
 * agora has no /proc, so the segment list comes the way util-linux gets it
 * without /proc/sysvipc/shm: shmctl(0, SHM_INFO) gives the highest slot in
 * use, then shmctl(slot, SHM_STAT) for each slot 0..max returns the id and
 * the shmid_ds of the segment in it (EINVAL for an empty slot). Limits come
 * from shmctl(0, IPC_INFO).
 *
 * agora implements shared memory only. For message queues and semaphores
 * ipcs prints what util-linux prints on a kernel built without them: empty
 * tables, "unable to fetch ... limits", "kernel not configured for ...".
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>
#include "agora_tools.h"

enum format { DEFAULT, LIMITS, STATUS, CREATOR, TIME, PID };

/* One segment as SHM_STAT reported it, with its id. */
struct seg {
    int id;
    struct shmid_ds ds;
};

static int unit_bytes;                  /* -b: sizes in bytes, not kbytes */

/* Every segment this caller may read, in slot order; *nsegs gets the count. */
static struct seg *list_segments(int *nsegs)
{
    struct shm_info info;
    *nsegs = 0;
    int maxid = shmctl(0, SHM_INFO, (struct shmid_ds *)(void *)&info);
    if (maxid < 0)
        return NULL;
    struct seg *segs = calloc((size_t)maxid + 1, sizeof(*segs));
    if (!segs)
        err(EXIT_FAILURE, "cannot allocate memory");
    for (int slot = 0; slot <= maxid; slot++) {
        struct shmid_ds ds;
        int id = shmctl(slot, SHM_STAT, &ds);
        if (id < 0)
            continue;                   /* empty slot, or no read permission */
        segs[*nsegs].id = id;
        segs[*nsegs].ds = ds;
        (*nsegs)++;
    }
    return segs;
}

/* "%-10d %-10.10s": the id, then the owner's name or numeric uid. */
static void print_id_owner(int id, unsigned int uid)
{
    char name[64];
    if (at_user_name(uid, name, sizeof(name)))
        printf("%-10d %-10.10s", id, name);
    else
        printf("%-10d %-10u", id, uid);
}

/* " %-10s" with a name, or " %-10u" with the number when it has none. */
static void print_name_field(const char *name, unsigned int num)
{
    if (name)
        printf(" %-10s", name);
    else
        printf(" %-10u", num);
}

/* The creator/owner columns of -c. */
static void print_perms(int id, const struct ipc_perm *p, int last_newline)
{
    char buf[64];
    printf("%-10d %-10o", id, p->mode & 0777);
    print_name_field(at_user_name(p->cuid, buf, sizeof(buf)), p->cuid);
    print_name_field(at_group_name(p->cgid, buf, sizeof(buf)), p->cgid);
    print_name_field(at_user_name(p->uid, buf, sizeof(buf)), p->uid);
    print_name_field(at_group_name(p->gid, buf, sizeof(buf)), p->gid);
    if (last_newline)
        printf("\n");
}

/* ctime()+4 truncated to 16 characters, or "Not set", in a 20-wide field. */
static void print_short_time(long long t, const char *sep)
{
    char buf[32];
    printf(" %-20.16s%s", t ? at_ctime(t, buf) + 4 : "Not set", sep);
}

static void shm_limits(void)
{
    struct shminfo lim;
    if (shmctl(0, IPC_INFO, (struct shmid_ds *)(void *)&lim) < 0) {
        printf("unable to fetch shared memory limits\n");
        return;
    }
    uint64_t pgsz = (uint64_t)getpagesize();
    printf("------ Shared Memory Limits --------\n");
    printf("max number of segments = %lu\n", lim.shmmni);
    if (unit_bytes) {
        printf("max seg size (bytes) = %llu\n", (unsigned long long)lim.shmmax);
        printf("max total shared memory (bytes) = %llu\n",
               (unsigned long long)((uint64_t)lim.shmall * pgsz));
    } else {
        printf("max seg size (kbytes) = %llu\n",
               (unsigned long long)(lim.shmmax / 1024));
        printf("max total shared memory (kbytes) = %llu\n",
               (unsigned long long)((uint64_t)lim.shmall * (pgsz / 1024)));
    }
    printf("min seg size (bytes) = %lu\n", lim.shmmin);
}

static void shm_status(void)
{
    struct shm_info info;
    if (shmctl(0, SHM_INFO, (struct shmid_ds *)(void *)&info) < 0) {
        printf("kernel not configured for shared memory\n");
        return;
    }
    printf("------ Shared Memory Status --------\n");
    printf("segments allocated %d\n"
           "pages allocated %ld\n"
           "pages resident  %ld\n"
           "pages swapped   %ld\n"
           "Swap performance: %ld attempts\t %ld successes\n",
           info.used_ids, (long)info.shm_tot, (long)info.shm_rss,
           (long)info.shm_swp, (long)info.swap_attempts,
           (long)info.swap_successes);
}

static void do_shm(enum format format)
{
    switch (format) {
    case LIMITS:
        shm_limits();
        return;
    case STATUS:
        shm_status();
        return;
    case CREATOR:
        printf("------ Shared Memory Segment Creators/Owners --------\n");
        printf("%-10s %-10s %-10s %-10s %-10s %-10s\n",
               "shmid", "perms", "cuid", "cgid", "uid", "gid");
        break;
    case TIME:
        printf("------ Shared Memory Attach/Detach/Change Times --------\n");
        printf("%-10s %-10s %-20s %-20s %-20s\n",
               "shmid", "owner", "attached", "detached", "changed");
        break;
    case PID:
        printf("------ Shared Memory Creator/Last-op PIDs --------\n");
        printf("%-10s %-10s %-10s %-10s\n", "shmid", "owner", "cpid", "lpid");
        break;
    default:
        printf("------ Shared Memory Segments --------\n");
        printf("%-10s %-10s %-10s %-10s %-10s %-10s %-12s\n",
               "key", "shmid", "owner", "perms", "bytes", "nattch", "status");
        break;
    }

    int n;
    struct seg *segs = list_segments(&n);
    for (int i = 0; i < n; i++) {
        const struct shmid_ds *ds = &segs[i].ds;
        const struct ipc_perm *p = &ds->shm_perm;
        int id = segs[i].id;
        switch (format) {
        case CREATOR:
            print_perms(id, p, 1);
            break;
        case TIME:
            print_id_owner(id, p->uid);
            print_short_time(ds->shm_atime, "");
            print_short_time(ds->shm_dtime, "");
            print_short_time(ds->shm_ctime, "\n");
            break;
        case PID:
            print_id_owner(id, p->uid);
            printf(" %-10u %-10u\n", (unsigned)ds->shm_cpid,
                   (unsigned)ds->shm_lpid);
            break;
        default:
            printf("0x%08x ", (unsigned int)p->__key);
            print_id_owner(id, p->uid);
            printf(" %-10o %-10lu %-10lu %-6s %-6s\n", p->mode & 0777,
                   (unsigned long)ds->shm_segsz, (unsigned long)ds->shm_nattch,
                   (p->mode & SHM_DEST) ? "dest" : " ",
                   (p->mode & SHM_LOCKED) ? "locked" : " ");
            break;
        }
    }
    free(segs);
}

/* Message queues: agora has none, so msgctl would fail with ENOSYS. */
static void do_msg(enum format format)
{
    switch (format) {
    case LIMITS:
        printf("unable to fetch message limits\n");
        return;
    case STATUS:
        printf("kernel not configured for message queues\n");
        return;
    case CREATOR:
        printf("------ Message Queues Creators/Owners --------\n");
        printf("%-10s %-10s %-10s %-10s %-10s %-10s\n",
               "msqid", "perms", "cuid", "cgid", "uid", "gid");
        return;
    case TIME:
        printf("------ Message Queues Send/Recv/Change Times --------\n");
        printf("%-8s %-10s %-20s %-20s %-20s\n",
               "msqid", "owner", "send", "recv", "change");
        return;
    case PID:
        printf("------ Message Queues PIDs --------\n");
        printf("%-10s %-10s %-10s %-10s\n", "msqid", "owner", "lspid", "lrpid");
        return;
    default:
        printf("------ Message Queues --------\n");
        printf("%-10s %-10s %-10s %-10s %-12s %-12s\n",
               "key", "msqid", "owner", "perms", "used-bytes", "messages");
        return;
    }
}

/* Semaphores: likewise absent from agora. */
static void do_sem(enum format format)
{
    switch (format) {
    case LIMITS:
        printf("unable to fetch semaphore limits\n");
        return;
    case STATUS:
        printf("kernel not configured for semaphores\n");
        return;
    case CREATOR:
        printf("------ Semaphore Arrays Creators/Owners --------\n");
        printf("%-10s %-10s %-10s %-10s %-10s %-10s\n",
               "semid", "perms", "cuid", "cgid", "uid", "gid");
        return;
    case TIME:
        printf("------ Semaphore Operation/Change Times --------\n");
        printf("%-8s %-10s %-26.24s %-26.24s\n",
               "semid", "owner", "last-op", "last-changed");
        return;
    case PID:
        return;
    default:
        printf("------ Semaphore Arrays --------\n");
        printf("%-10s %-10s %-10s %-10s %-10s\n",
               "key", "semid", "owner", "perms", "nsems");
        return;
    }
}

/* ipcs -m -i ID: look the id up among the slots, as util-linux does. */
static void print_shm(int shmid)
{
    int n;
    struct seg *segs = list_segments(&n);
    const struct seg *s = NULL;
    for (int i = 0; i < n && !s; i++)
        if (segs[i].id == shmid)
            s = &segs[i];
    if (!s) {
        warnx("id %d not found", shmid);
        free(segs);
        return;
    }
    const struct shmid_ds *ds = &s->ds;
    const struct ipc_perm *p = &ds->shm_perm;
    char t[32];
    printf("\nShared memory Segment shmid=%d\n", shmid);
    printf("uid=%u\tgid=%u\tcuid=%u\tcgid=%u\n", p->uid, p->gid, p->cuid, p->cgid);
    printf("mode=%#o\taccess_perms=%#o\n", p->mode, p->mode & 0777);
    printf("bytes=%lu\t", (unsigned long)ds->shm_segsz);
    printf("lpid=%u\tcpid=%u\tnattch=%lu\n", (unsigned)ds->shm_lpid,
           (unsigned)ds->shm_cpid, (unsigned long)ds->shm_nattch);
    printf("att_time=%-26.24s\n", ds->shm_atime ? at_ctime(ds->shm_atime, t) : "Not set");
    printf("det_time=%-26.24s\n", ds->shm_dtime ? at_ctime(ds->shm_dtime, t) : "Not set");
    printf("change_time=%-26.24s\n", at_ctime(ds->shm_ctime, t));
    printf("\n");
    free(segs);
}

static void usage(FILE *out, int status)
{
    fprintf(out,
        "\nUsage:\n"
        " ipcs [resource-option...] [output-option]\n"
        " ipcs -m|-q|-s -i <id>\n"
        "\nShow information on IPC facilities.\n"
        "\nOptions:\n"
        " -i, --id <id>  print details on resource identified by <id>\n"
        " -h, --help     display this help\n"
        "\nResource options:\n"
        " -m, --shmems      shared memory segments\n"
        " -q, --queues      message queues (none in agora)\n"
        " -s, --semaphores  semaphores (none in agora)\n"
        " -a, --all         all (default)\n"
        "\nOutput options:\n"
        " -t, --time        show attach, detach and change times\n"
        " -p, --pid         show PIDs of creator and last operator\n"
        " -c, --creator     show creator and owner\n"
        " -l, --limits      show resource limits\n"
        " -u, --summary     show status summary\n"
        " -b, --bytes       show sizes in bytes\n");
    exit(status);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "id", required_argument, NULL, 'i' },
        { "queues", no_argument, NULL, 'q' },
        { "shmems", no_argument, NULL, 'm' },
        { "semaphores", no_argument, NULL, 's' },
        { "all", no_argument, NULL, 'a' },
        { "time", no_argument, NULL, 't' },
        { "pid", no_argument, NULL, 'p' },
        { "creator", no_argument, NULL, 'c' },
        { "limits", no_argument, NULL, 'l' },
        { "summary", no_argument, NULL, 'u' },
        { "bytes", no_argument, NULL, 'b' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int msg = 0, shm = 0, sem = 0, specific = 0, id = 0;
    enum format format = DEFAULT;
    int opt;

    while ((opt = getopt_long(argc, argv, "i:qmsatpclubh", longopts, NULL)) != -1) {
        switch (opt) {
        case 'i': {
            char *end;
            errno = 0;
            long v = strtol(optarg, &end, 10);
            if (errno || end == optarg || *end || v < INT32_MIN || v > INT32_MAX)
                errx(EXIT_FAILURE, "failed to parse id argument: '%s'", optarg);
            id = (int)v;
            specific = 1;
            break;
        }
        case 'a': msg = shm = sem = 1; break;
        case 'q': msg = 1; break;
        case 'm': shm = 1; break;
        case 's': sem = 1; break;
        case 't': format = TIME; break;
        case 'c': format = CREATOR; break;
        case 'p': format = PID; break;
        case 'l': format = LIMITS; break;
        case 'u': format = STATUS; break;
        case 'b': unit_bytes = 1; break;
        case 'h': usage(stdout, EXIT_SUCCESS); break;
        default:
            fprintf(stderr, "Try 'ipcs --help' for more information.\n");
            return EXIT_FAILURE;
        }
    }
    if (optind < argc)
        usage(stderr, EXIT_FAILURE);

    if (specific && msg + shm + sem != 1)
        errx(EXIT_FAILURE, "when using an ID, a single resource must be specified");
    if (specific) {
        if (shm)
            print_shm(id);
        else
            warnx("id %d not found", id);       /* no queues or semaphores */
        return EXIT_SUCCESS;
    }

    if (!msg && !shm && !sem)
        msg = shm = sem = 1;
    printf("\n");
    if (msg) {
        do_msg(format);
        printf("\n");
    }
    if (shm) {
        do_shm(format);
        printf("\n");
    }
    if (sem) {
        do_sem(format);
        printf("\n");
    }
    return EXIT_SUCCESS;
}
