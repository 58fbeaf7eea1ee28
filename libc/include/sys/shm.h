/*
 * sys/shm.h: System V shared memory. The structures are glibc's i386
 * ones and match the kernel's byte for byte (see <uapi/shm.h>): in
 * struct shmid_ds each 64-bit time_t covers the kernel's low/high words,
 * since x86 is little-endian. Wrappers use the direct system calls
 * shmget 395, shmctl 396, shmat 397, shmdt 398.
 */
#ifndef _SYS_SHM_H
#define _SYS_SHM_H

#include <agora/types.h>
#include <sys/ipc.h>
#include <uapi/shm.h>

typedef unsigned long shmatt_t;

struct shmid_ds {
	struct ipc_perm shm_perm;
	size_t shm_segsz;
	time_t shm_atime;
	time_t shm_dtime;
	time_t shm_ctime;
	pid_t shm_cpid;
	pid_t shm_lpid;
	shmatt_t shm_nattch;
	unsigned long __unused4;
	unsigned long __unused5;
};

/* IPC_INFO result (pass a struct shminfo * cast to struct shmid_ds *). */
struct shminfo {
	unsigned long shmmax;
	unsigned long shmmin;
	unsigned long shmmni;
	unsigned long shmseg;
	unsigned long shmall;
	unsigned long __unused1;
	unsigned long __unused2;
	unsigned long __unused3;
	unsigned long __unused4;
};

/* SHM_INFO result. */
struct shm_info {
	int used_ids;
	unsigned long shm_tot;          /* pages in use */
	unsigned long shm_rss;
	unsigned long shm_swp;
	unsigned long swap_attempts;
	unsigned long swap_successes;
};

#define __shm_off(f) __builtin_offsetof(struct shmid_ds, f)
__extension__ _Static_assert(sizeof(struct shmid_ds) == 84, "shmid_ds");
__extension__ _Static_assert(__shm_off(shm_perm) == 0, "shm_perm");
__extension__ _Static_assert(__shm_off(shm_segsz) == 36, "shm_segsz");
__extension__ _Static_assert(__shm_off(shm_atime) == 40, "shm_atime");
__extension__ _Static_assert(__shm_off(shm_dtime) == 48, "shm_dtime");
__extension__ _Static_assert(__shm_off(shm_ctime) == 56, "shm_ctime");
__extension__ _Static_assert(__shm_off(shm_cpid) == 64, "shm_cpid");
__extension__ _Static_assert(__shm_off(shm_lpid) == 68, "shm_lpid");
__extension__ _Static_assert(__shm_off(shm_nattch) == 72, "shm_nattch");
__extension__ _Static_assert(__shm_off(__unused4) == 76, "__unused4");
__extension__ _Static_assert(__shm_off(__unused5) == 80, "__unused5");
__extension__ _Static_assert(sizeof(struct shminfo) == 36, "shminfo");
__extension__ _Static_assert(sizeof(struct shm_info) == 24, "shm_info");
#undef __shm_off

int shmget(key_t key, size_t size, int flags);
void *shmat(int id, const void *addr, int flags);
int shmdt(const void *addr);
int shmctl(int id, int cmd, struct shmid_ds *buf);

#endif
