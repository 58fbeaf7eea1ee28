/*
 * ipcmk: create a System V shared memory segment, as util-linux's ipcmk.
 *
 *   ipcmk -M SIZE [-p MODE]
 *
 * The segment is IPC_PRIVATE; SIZE is bytes, or a number with a suffix:
 * K, M, G (KiB, MiB, GiB also; KB, MB, GB are powers of 1000). MODE is
 * octal, 0644 by default. Prints "Shared memory id: N".
 * agora has no message queues or semaphores, so -Q and -S fail.
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
#include "agora_tools.h"

/* "4096", "64K", "1MiB", "2MB" -> bytes; -1 if malformed or too large. */
static int parse_size(const char *s, size_t *out)
{
    char *end;
    if (!*s || *s == '-')
        return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || end == s)
        return -1;
    unsigned long long mult = 1;
    if (*end) {
        static const char letters[] = "KMGT";
        const char *p = strchr(letters, end[0] & ~0x20);   /* upper case */
        if (!p || !*p)
            return -1;
        unsigned long long base = 1024;
        const char *rest = end + 1;
        if (strcmp(rest, "B") == 0 || strcmp(rest, "b") == 0)
            base = 1000;
        else if (*rest && strcmp(rest, "iB") != 0 && strcmp(rest, "ib") != 0)
            return -1;
        for (long i = 0; i <= p - letters; i++)
            mult *= base;
    }
    if (v > SIZE_MAX / mult)
        return -1;
    *out = (size_t)(v * mult);
    return 0;
}

static void usage(FILE *out, int status)
{
    fprintf(out,
        "\nUsage:\n"
        " ipcmk [options]\n"
        "\nCreate various IPC resources.\n"
        "\nOptions:\n"
        " -M, --shmem <size>       create shared memory segment of size <size>\n"
        " -S, --semaphore <number> create semaphore array (not in agora)\n"
        " -Q, --queue              create message queue (not in agora)\n"
        " -p, --mode <mode>        permission for the resource (default is 0644)\n"
        "\n -h, --help               display this help\n"
        "\n<size> may be followed by the suffixes K, M, G (KiB...) or KB, MB, GB.\n");
    exit(status);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "shmem", required_argument, NULL, 'M' },
        { "semaphore", required_argument, NULL, 'S' },
        { "queue", no_argument, NULL, 'Q' },
        { "mode", required_argument, NULL, 'p' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int ask_shm = 0, ask_other = 0;
    size_t size = 0;
    unsigned long mode = 0644;
    int c;

    while ((c = getopt_long(argc, argv, "M:QS:p:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'M':
            if (parse_size(optarg, &size) < 0)
                errx(EXIT_FAILURE, "failed to parse size: '%s'", optarg);
            ask_shm = 1;
            break;
        case 'Q':
        case 'S':
            ask_other = 1;
            break;
        case 'p':
            if (at_parse_ulong(optarg, 8, &mode) < 0 || mode > 0777)
                errx(EXIT_FAILURE, "failed to parse mode: '%s'", optarg);
            break;
        case 'h':
            usage(stdout, EXIT_SUCCESS);
            break;
        default:
            fprintf(stderr, "Try 'ipcmk --help' for more information.\n");
            return EXIT_FAILURE;
        }
    }
    if (!ask_shm && !ask_other) {
        warnx("bad usage");
        fprintf(stderr, "Try 'ipcmk --help' for more information.\n");
        return EXIT_FAILURE;
    }
    if (ask_shm) {
        int id = shmget(IPC_PRIVATE, size, (int)mode | IPC_CREAT);
        if (id < 0)
            err(EXIT_FAILURE, "create share memory failed");
        printf("Shared memory id: %d\n", id);
    }
    if (ask_other) {
        errno = ENOSYS;
        err(EXIT_FAILURE, "agora has no message queues or semaphores");
    }
    return EXIT_SUCCESS;
}
