/*
 * shm.h: System V shared memory, the policy half (keys, ids, permissions,
 * lifetime). The mechanism (frames, regions, faults) is kernel/mm; the two
 * meet only in the three calls below.
 */
#ifndef KERNEL_SHM_H
#define KERNEL_SHM_H

#include <kernel/types.h>

struct shm_segment;

/* A region mapping seg came into being (shmat, fork): nattch + 1. */
void shm_region_open(struct shm_segment *seg);
/* A region mapping seg went away (shmdt, exit, exec, SHM_REMAP): nattch - 1;
 * the last close of a segment marked SHM_DEST destroys it. */
void shm_region_close(struct shm_segment *seg);
/* The frame holding page idx of seg, allocated and zeroed on first use;
 * 0 when out of memory. */
paddr_t shm_frame(struct shm_segment *seg, uint32_t idx);

void shm_init(void);
/* The id of seg as shmget returned it (for vmmap). */
int shm_segment_id(const struct shm_segment *seg);
/* Segments in existence and frames they hold (meminfo). */
void shm_counts(uint32_t *segments, uint32_t *frames);

#endif
