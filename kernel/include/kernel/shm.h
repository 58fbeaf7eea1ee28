/*
 * shm.h: System V shared memory, the policy half (keys, ids, permissions,
 * lifetime). A segment is a memory object (kernel/vm_object.h): kernel/mm
 * maps it and faults its pages in without knowing what it is for.
 */
#ifndef KERNEL_SHM_H
#define KERNEL_SHM_H

#include <kernel/types.h>

void shm_init(void);
/* Segments in existence and frames they hold (meminfo). */
void shm_counts(uint32_t *segments, uint32_t *frames);

/* One segment as /proc/sysvipc/shm shows it. */
struct shm_proc_row {
    int32_t key;
    int id;
    uint16_t mode;                      /* permission bits, SHM_DEST, SHM_LOCKED */
    uint32_t segsz, nattch, rss_pages;
    pid_t cpid, lpid;
    uid_t uid, cuid;
    gid_t gid, cgid;
    int64_t atime, dtime, ctime;
};
/* Call fn for every segment, in slot order. fn may not create or remove
 * segments. */
void shm_for_each(void (*fn)(const struct shm_proc_row *row, void *arg), void *arg);

/* The limits /proc/sys/kernel shows: shmmax (bytes), shmall (pages),
 * shmmni (ids; agora never has more than SHMMNI whatever it says) and
 * shm_next_id (the id the next segment gets, -1: any; used once). */
enum shm_limit { SHM_LIMIT_MAX, SHM_LIMIT_ALL, SHM_LIMIT_MNI, SHM_LIMIT_NEXT_ID };
int64_t shm_limit_get(enum shm_limit which);
/* Set one (root's write to its file): 0, or -EINVAL out of Linux's range
 * (shmmax, shmall: an unsigned long; shmmni 0..32768; shm_next_id
 * 0..INT_MAX). */
int shm_limit_set(enum shm_limit which, int64_t value);

#endif
