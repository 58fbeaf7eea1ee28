/*
 * ipcrm: remove System V IPC resources, with util-linux's options and
 * messages.
 *
 *   ipcrm -m ID     remove the shared memory segment with this id
 *   ipcrm -M KEY    ... the one with this key (decimal, or hex with 0x)
 *   ipcrm -a [shm]  every segment this user may remove
 *   ipcrm shm ID... the old syntax
 *
 * Options may be repeated and mixed; every failure is reported
 * ("ipcrm: invalid id (5)") and makes the exit status 1. Removing an
 * attached segment only marks it (SHM_DEST, "dest" in ipcs); it goes
 * away at the last detach. agora has no message queues or semaphores:
 * -q/-Q/-s/-S fail as util-linux does on a kernel without them.
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

static int verbose;

/* Remove segment id; iskey says whether the user named it by key. */
static int remove_shm(int id, int iskey)
{
    if (verbose)
        printf("removing shared memory segment id `%d'\n", id);
    if (shmctl(id, IPC_RMID, NULL) == 0)
        return 0;
    const char *msg;
    switch (errno) {
    case EACCES:
    case EPERM:
        msg = iskey ? "permission denied for key" : "permission denied for id";
        break;
    case EINVAL:
        msg = iskey ? "invalid key" : "invalid id";
        break;
    case EIDRM:
        msg = iskey ? "already removed key" : "already removed id";
        break;
    default:
        err(EXIT_FAILURE, "%s", iskey ? "key failed" : "id failed");
    }
    warnx("%s (%d)", msg, id);
    return 1;
}

/* The id of the segment with the key in s, or -1 after a message. */
static int shm_key_to_id(const char *s)
{
    unsigned long v;
    if (at_parse_ulong(s, 0, &v) < 0 || v > UINT32_MAX)
        errx(EXIT_FAILURE, "failed to parse argument: '%s'", s);
    key_t key = (key_t)(uint32_t)v;
    if (key == IPC_PRIVATE) {
        warnx("illegal key (%s)", s);
        return -1;
    }
    int id = shmget(key, 0, 0);
    if (id >= 0)
        return id;
    const char *msg;
    switch (errno) {
    case EACCES: msg = "permission denied for key"; break;
    case EIDRM:  msg = "already removed key"; break;
    case ENOENT: msg = "invalid key"; break;
    default:     err(EXIT_FAILURE, "key failed");
    }
    warnx("%s (%s)", msg, s);
    return -1;
}

static int parse_id(const char *s)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < INT32_MIN || v > INT32_MAX)
        errx(EXIT_FAILURE, "failed to parse argument: '%s'", s);
    return (int)v;
}

/* Remove every segment SHM_STAT lets us see; returns 1 if any failed. */
static int remove_all_shm(void)
{
    struct shm_info info;
    int maxid = shmctl(0, SHM_INFO, (struct shmid_ds *)(void *)&info);
    if (maxid < 0)
        errx(EXIT_FAILURE, "kernel not configured for shared memory");
    int ret = 0;
    for (int slot = 0; slot <= maxid; slot++) {
        struct shmid_ds ds;
        int id = shmctl(slot, SHM_STAT, &ds);
        if (id < 0)
            continue;
        ret |= remove_shm(id, 0);
    }
    return ret;
}

/* msgctl/semctl do not exist in agora: what util-linux's err() prints. */
static __attribute__((noreturn)) void no_such_facility(int iskey)
{
    errno = ENOSYS;
    err(EXIT_FAILURE, "%s", iskey ? "key failed" : "id failed");
}

/* "ipcrm shm|msg|sem ID...": returns 1 if argv used it, else 0. */
static int old_syntax(int argc, char **argv)
{
    int type;
    if (strcmp(argv[1], "shm") == 0)
        type = 0;
    else if (strcmp(argv[1], "msg") == 0 || strcmp(argv[1], "sem") == 0)
        type = 1;
    else
        return 0;
    if (argc < 3) {
        warnx("not enough arguments");
        fprintf(stderr, "Try 'ipcrm --help' for more information.\n");
        exit(EXIT_FAILURE);
    }
    int errors = 0;
    for (int i = 2; i < argc; i++) {
        unsigned long v;
        if (at_parse_ulong(argv[i], 10, &v) < 0 || v > INT32_MAX) {
            warnx("invalid id: %s", argv[i]);
            errors++;
        } else if (type == 1) {
            no_such_facility(0);
        } else if (remove_shm((int)v, 0)) {
            errors++;
        }
    }
    if (errors)
        exit(EXIT_FAILURE);
    printf("resource(s) deleted\n");
    return 1;
}

static void usage(void)
{
    printf("\nUsage:\n"
           " ipcrm [options]\n"
           " ipcrm shm|msg|sem <id>...\n"
           "\nRemove certain IPC resources.\n"
           "\nOptions:\n"
           " -m, --shmem-id <id>        remove shared memory segment by id\n"
           " -M, --shmem-key <key>      remove shared memory segment by key\n"
           " -q, --queue-id <id>        remove message queue by id\n"
           " -Q, --queue-key <key>      remove message queue by key\n"
           " -s, --semaphore-id <id>    remove semaphore by id\n"
           " -S, --semaphore-key <key>  remove semaphore by key\n"
           " -a, --all[=shm|msg|sem]    remove all (in the specified category)\n"
           " -v, --verbose              explain what is being done\n"
           "\n -h, --help                 display this help\n");
    exit(EXIT_SUCCESS);
}

static __attribute__((noreturn)) void try_help(void)
{
    fprintf(stderr, "Try 'ipcrm --help' for more information.\n");
    exit(EXIT_FAILURE);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "shmem-id", required_argument, NULL, 'm' },
        { "shmem-key", required_argument, NULL, 'M' },
        { "queue-id", required_argument, NULL, 'q' },
        { "queue-key", required_argument, NULL, 'Q' },
        { "semaphore-id", required_argument, NULL, 's' },
        { "semaphore-key", required_argument, NULL, 'S' },
        { "all", optional_argument, NULL, 'a' },
        { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int ret = 0, rm_all = 0, all_shm = 1;
    int c;

    if (argc == 1) {
        warnx("bad usage");
        try_help();
    }
    if (old_syntax(argc, argv))
        return EXIT_SUCCESS;

    while ((c = getopt_long(argc, argv, "q:m:s:Q:M:S:a::vh", longopts, NULL)) != -1) {
        int id;
        switch (c) {
        case 'M':
            id = shm_key_to_id(optarg);
            if (id < 0 || remove_shm(id, 1))
                ret++;
            break;
        case 'm':
            if (remove_shm(parse_id(optarg), 0))
                ret++;
            break;
        case 'q':
        case 's':
            parse_id(optarg);
            no_such_facility(0);
        case 'Q':
        case 'S':
            no_such_facility(1);
        case 'a':
            rm_all = 1;
            if (!optarg || strcmp(optarg, "shm") == 0)
                all_shm = 1;
            else if (strcmp(optarg, "msg") == 0)
                errx(EXIT_FAILURE, "kernel not configured for message queues");
            else if (strcmp(optarg, "sem") == 0)
                errx(EXIT_FAILURE, "kernel not configured for semaphores");
            else
                errx(EXIT_FAILURE, "unknown argument: %s", optarg);
            break;
        case 'v':
            verbose = 1;
            break;
        case 'h':
            usage();
            break;
        default:
            try_help();
        }
    }
    /* -a alone means all kinds; agora has only shared memory to remove. */
    if (rm_all && all_shm && remove_all_shm())
        ret++;
    if (optind < argc) {
        warnx("unknown argument: %s", argv[optind]);
        try_help();
    }
    return ret == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
