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

#endif
