/*
 * uapi/ipc.h: System V IPC keys, flags, control commands and the i386
 * struct ipc64_perm (36 bytes; mode is 16 bits on i386, followed by pad).
 * Values and layout are Linux's (include/uapi/linux/ipc.h, i386).
 */
#ifndef AGORA_UAPI_IPC_H
#define AGORA_UAPI_IPC_H

#include <stdint.h>

#define IPC_PRIVATE 0

/* get flags (octal) */
#define IPC_CREAT  01000
#define IPC_EXCL   02000
#define IPC_NOWAIT 04000

/* control commands */
#define IPC_RMID 0
#define IPC_SET  1
#define IPC_STAT 2
#define IPC_INFO 3

/* Version flag the ipc(117) multiplexer accepts in cmd; not on 395-398. */
#define IPC_OLD 0
#define IPC_64  0x0100

#ifdef AGORA_KERNEL
/* The ipc(117) multiplexer's call numbers (low 16 bits of its first
 * argument; the high 16 bits are a version). agora has shm only. Kernel
 * only: glibc does not give them to programs either. */
#define SEMOP       1
#define SEMGET      2
#define SEMCTL      3
#define SEMTIMEDOP  4
#define MSGSND     11
#define MSGRCV     12
#define MSGGET     13
#define MSGCTL     14
#define SHMAT      21
#define SHMDT      22
#define SHMGET     23
#define SHMCTL     24
#endif

/* The old (IPC_OLD) struct ipc_perm of i386, 16 bytes: 16-bit ids and
 * mode (__kernel_uid_t is unsigned short on i386). Only shmctl through
 * ipc(117) without IPC_64 uses it. */
struct ipc_perm_old {
	int32_t key;            /*  0 */
	uint16_t uid;           /*  4 */
	uint16_t gid;           /*  6 */
	uint16_t cuid;          /*  8 */
	uint16_t cgid;          /* 10 */
	uint16_t mode;          /* 12 */
	uint16_t seq;           /* 14 */
};

__extension__ _Static_assert(sizeof(struct ipc_perm_old) == 16, "ipc_perm_old");

struct ipc64_perm {
	int32_t key;            /*  0 */
	uint32_t uid;           /*  4 */
	uint32_t gid;           /*  8 */
	uint32_t cuid;          /* 12 */
	uint32_t cgid;          /* 16 */
	uint16_t mode;          /* 20: permission bits, SHM_DEST, SHM_LOCKED */
	uint16_t __pad1;
	uint16_t seq;           /* 24 */
	uint16_t __pad2;
	uint32_t __unused1;
	uint32_t __unused2;
};

__extension__ _Static_assert(sizeof(struct ipc64_perm) == 36, "ipc64_perm");
__extension__ _Static_assert(__builtin_offsetof(struct ipc64_perm, mode) == 20, "mode");
__extension__ _Static_assert(__builtin_offsetof(struct ipc64_perm, seq) == 24, "seq");

#endif
