/*
 * uapi/limits.h: agora's per-process kernel limits that user space can
 * query (libc's sysconf reports them). The kernel should size its tables
 * with these (or assert that its own constants equal them), so the two
 * sides cannot drift apart.
 */
#ifndef AGORA_UAPI_LIMITS_H
#define AGORA_UAPI_LIMITS_H

#define AGORA_OPEN_MAX    64    /* descriptors per process: fds 0..63 */
#define AGORA_NGROUPS_MAX 32    /* supplementary groups per process */

#endif
