/*
 * shmtool: attach-copy-detach in one command, the shared-memory helper
 * that scripting languages offer (PHP's shmop, Perl's shmread/shmwrite).
 *
 *   shmtool write KEY|PATH STRING   create if needed, copy STRING and its NUL
 *   shmtool read  KEY|PATH          print the string stored there
 *   shmtool info  KEY|PATH          key, id, size, nattch
 *   shmtool rm    KEY|PATH          remove the segment
 *   shmtool attach KEY|PATH [SECS]  stay attached SECS seconds (default 60),
 *                                   e.g. in the background, to watch the
 *                                   mapping with vmmap or nattch with ipcs
 *
 * KEY is a number (0x... hex or decimal); anything else is a path turned
 * into a key with ftok(PATH, 'A'), as two programs sharing a file would.
 * A new segment is IPC_CREAT|0666, max(4096, strlen+1) bytes. Errors go
 * to stderr with exit status 1.
 */
#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>
#include "agora_tools.h"

static __attribute__((noreturn, format(printf, 1, 2))) void die(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "shmtool: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    exit(1);
}

/* KEY or PATH -> key. A string of digits or 0x... is a key, else a path. */
static key_t to_key(const char *arg)
{
    unsigned long v;
    int numeric = isdigit((unsigned char)arg[0]) &&
                  at_parse_ulong(arg, 0, &v) == 0;
    if (numeric) {
        if (v > UINT32_MAX)
            die("key %s out of range", arg);
        if (v == IPC_PRIVATE)
            die("key 0 is IPC_PRIVATE: every shmget would make a new segment");
        return (key_t)(uint32_t)v;
    }
    key_t key = ftok(arg, 'A');
    if (key == (key_t)-1)
        die("ftok %s: %s", arg, strerror(errno));
    return key;
}

/* The id of the segment with this key; dies if there is none. */
static int find(key_t key)
{
    int id = shmget(key, 0, 0);
    if (id < 0) {
        if (errno == ENOENT)
            die("no segment with key 0x%08x", (unsigned int)key);
        die("shmget key 0x%08x: %s", (unsigned int)key, strerror(errno));
    }
    return id;
}

static void stat_or_die(int id, struct shmid_ds *ds)
{
    if (shmctl(id, IPC_STAT, ds) < 0)
        die("shmctl(%d, IPC_STAT): %s", id, strerror(errno));
}

static int cmd_write(key_t key, const char *text)
{
    size_t need = strlen(text) + 1;
    size_t size = need > 4096 ? need : 4096;
    int id = shmget(key, 0, 0);
    if (id < 0 && errno != ENOENT)
        die("shmget key 0x%08x: %s", (unsigned int)key, strerror(errno));
    if (id < 0)
        id = shmget(key, size, IPC_CREAT | 0666);
    if (id < 0)
        die("shmget key 0x%08x, %zu bytes: %s", (unsigned int)key, size,
            strerror(errno));
    struct shmid_ds ds;
    stat_or_die(id, &ds);
    if (ds.shm_segsz < need)
        die("segment %d has %zu bytes, the string needs %zu", id,
            (size_t)ds.shm_segsz, need);
    char *p = shmat(id, NULL, 0);
    if (p == (void *)-1)
        die("shmat(%d): %s", id, strerror(errno));
    memcpy(p, text, need);
    shmdt(p);
    return 0;
}

static int cmd_read(key_t key)
{
    int id = find(key);
    struct shmid_ds ds;
    stat_or_die(id, &ds);
    const char *p = shmat(id, NULL, SHM_RDONLY);
    if (p == (void *)-1)
        die("shmat(%d): %s", id, strerror(errno));
    size_t len = strnlen(p, ds.shm_segsz);    /* no NUL: stop at the end */
    fwrite(p, 1, len, stdout);
    putchar('\n');
    shmdt(p);
    return 0;
}

static int cmd_info(key_t key)
{
    int id = find(key);
    struct shmid_ds ds;
    stat_or_die(id, &ds);
    printf("key 0x%08x id %d size %lu nattch %lu mode %03o%s\n",
           (unsigned int)key, id, (unsigned long)ds.shm_segsz,
           (unsigned long)ds.shm_nattch, ds.shm_perm.mode & 0777,
           (ds.shm_perm.mode & SHM_DEST) ? " dest" : "");
    return 0;
}

static int cmd_attach(key_t key, const char *secs_arg)
{
    unsigned long secs = 60;
    if (secs_arg && at_parse_ulong(secs_arg, 10, &secs) < 0)
        die("bad number of seconds '%s'", secs_arg);
    int id = find(key);
    volatile char *p = shmat(id, NULL, 0);
    if (p == (void *)-1)
        die("shmat(%d): %s", id, strerror(errno));
    (void)p[0];                         /* fault page 0 in, so vmmap shows it */
    printf("shmtool: pid %d attached shmid %d at %p, page 0 -> frame 0x%08x, "
           "for %lu s\n", getpid(), id, (void *)p, at_frame_of((void *)p), secs);
    fflush(stdout);
    sleep((unsigned)secs);
    shmdt((void *)p);
    return 0;
}

static int cmd_rm(key_t key)
{
    int id = find(key);
    if (shmctl(id, IPC_RMID, NULL) < 0)
        die("shmctl(%d, IPC_RMID): %s", id, strerror(errno));
    return 0;
}

static __attribute__((noreturn)) void usage(void)
{
    fprintf(stderr,
            "usage: shmtool write KEY|PATH STRING\n"
            "       shmtool read KEY|PATH\n"
            "       shmtool info KEY|PATH\n"
            "       shmtool rm KEY|PATH\n"
            "       shmtool attach KEY|PATH [SECONDS]\n"
            "KEY is 0x... or decimal; anything else is a path for ftok(PATH, 'A').\n");
    exit(1);
}

int main(int argc, char **argv)
{
    if (argc < 3)
        usage();
    const char *cmd = argv[1];
    if (strcmp(cmd, "write") == 0) {
        if (argc != 4)
            usage();
        return cmd_write(to_key(argv[2]), argv[3]);
    }
    if (strcmp(cmd, "attach") == 0) {
        if (argc > 4)
            usage();
        return cmd_attach(to_key(argv[2]), argc == 4 ? argv[3] : NULL);
    }
    if (argc != 3)
        usage();
    key_t key = to_key(argv[2]);
    if (strcmp(cmd, "read") == 0)
        return cmd_read(key);
    if (strcmp(cmd, "info") == 0)
        return cmd_info(key);
    if (strcmp(cmd, "rm") == 0)
        return cmd_rm(key);
    usage();
}
