/*
 * uapi/shm.h: System V shared memory constants and the i386 structures
 * shmctl (396) copies: struct shmid64_ds (84 bytes), struct shminfo64
 * (IPC_INFO, 36 bytes), struct shm_info (SHM_INFO, 24 bytes).
 * Values and layouts are Linux's (include/uapi/linux/shm.h, i386).
 *
 * struct shm_info is declared here for the kernel only (AGORA_KERNEL):
 * libc's <sys/shm.h> declares it itself with glibc's field types
 * (unsigned long), same layout, so user programs see one definition.
 */
#ifndef AGORA_UAPI_SHM_H
#define AGORA_UAPI_SHM_H

#include <stdint.h>
#include <uapi/ipc.h>

/* permission bits for shmget */
#define SHM_R 0400
#define SHM_W 0200

/* shmget flags */
#define SHM_HUGETLB    04000
#define SHM_NORESERVE  010000
#define SHM_HUGE_SHIFT 26
#define SHM_HUGE_MASK  0x3f

/* shmat flags */
#define SHM_RDONLY 010000
#define SHM_RND    020000
#define SHM_REMAP  040000
#define SHM_EXEC   0100000

/* shmctl commands beyond IPC_* */
#define SHM_LOCK     11
#define SHM_UNLOCK   12
#define SHM_STAT     13
#define SHM_INFO     14
#define SHM_STAT_ANY 15

/* mode bits reported by IPC_STAT */
#define SHM_DEST   01000
#define SHM_LOCKED 02000

/* attach addresses are multiples of this (the x86 page size) */
#define SHMLBA 4096

/* Linux's default limits (>= 3.16); a kernel may enforce smaller ones. */
#define SHMMIN 1
#define SHMMNI 4096
#define SHMSEG SHMMNI
#define SHMMAX (0xFFFFFFFFu - (1u << 24))
#define SHMALL (0xFFFFFFFFu - (1u << 24))

/* IPC_STAT / SHM_STAT / IPC_SET buffer; times are split low/high words. */
struct shmid64_ds {
	struct ipc64_perm shm_perm;     /*  0 */
	uint32_t shm_segsz;             /* 36: bytes, as requested (not rounded) */
	uint32_t shm_atime;             /* 40 */
	uint32_t shm_atime_high;        /* 44 */
	uint32_t shm_dtime;             /* 48 */
	uint32_t shm_dtime_high;        /* 52 */
	uint32_t shm_ctime;             /* 56 */
	uint32_t shm_ctime_high;        /* 60 */
	int32_t shm_cpid;               /* 64 */
	int32_t shm_lpid;               /* 68 */
	uint32_t shm_nattch;            /* 72 */
	uint32_t __unused4;
	uint32_t __unused5;
};

/* IPC_INFO buffer */
struct shminfo64 {
	uint32_t shmmax;
	uint32_t shmmin;
	uint32_t shmmni;
	uint32_t shmseg;
	uint32_t shmall;
	uint32_t __unused1;
	uint32_t __unused2;
	uint32_t __unused3;
	uint32_t __unused4;
};

/* The old (IPC_OLD) layouts, for shmctl through ipc(117) without IPC_64:
 * Linux's "obsolete" struct shmid_ds (48 bytes: 32-bit times, 16-bit
 * pids, 16-bit nattch) and struct shminfo (5 ints). */
struct shmid_ds_old {
	struct ipc_perm_old shm_perm;   /*  0 */
	int32_t shm_segsz;              /* 16 */
	int32_t shm_atime;              /* 20 */
	int32_t shm_dtime;              /* 24 */
	int32_t shm_ctime;              /* 28 */
	uint16_t shm_cpid;              /* 32: __kernel_ipc_pid_t */
	uint16_t shm_lpid;              /* 34 */
	uint16_t shm_nattch;            /* 36 */
	uint16_t shm_unused;            /* 38 */
	uint32_t shm_unused2;           /* 40: pointers in Linux's header */
	uint32_t shm_unused3;           /* 44 */
};

struct shminfo_old {
	int32_t shmmax;                 /* clamped to INT_MAX */
	int32_t shmmin;
	int32_t shmmni;
	int32_t shmseg;
	int32_t shmall;
};

__extension__ _Static_assert(sizeof(struct shmid_ds_old) == 48, "shmid_ds_old");
__extension__ _Static_assert(__builtin_offsetof(struct shmid_ds_old, shm_cpid) == 32, "cpid");
__extension__ _Static_assert(sizeof(struct shminfo_old) == 20, "shminfo_old");

#ifdef AGORA_KERNEL
/* SHM_INFO buffer */
struct shm_info {
	int32_t used_ids;
	uint32_t shm_tot;               /* pages in use */
	uint32_t shm_rss;
	uint32_t shm_swp;
	uint32_t swap_attempts;
	uint32_t swap_successes;
};

__extension__ _Static_assert(sizeof(struct shm_info) == 24, "shm_info");
#endif

__extension__ _Static_assert(sizeof(struct shmid64_ds) == 84, "shmid64_ds");
__extension__ _Static_assert(__builtin_offsetof(struct shmid64_ds, shm_segsz) == 36, "shm_segsz");
__extension__ _Static_assert(__builtin_offsetof(struct shmid64_ds, shm_atime) == 40, "shm_atime");
__extension__ _Static_assert(__builtin_offsetof(struct shmid64_ds, shm_cpid) == 64, "shm_cpid");
__extension__ _Static_assert(__builtin_offsetof(struct shmid64_ds, shm_nattch) == 72, "shm_nattch");
__extension__ _Static_assert(sizeof(struct shminfo64) == 36, "shminfo64");

#endif
