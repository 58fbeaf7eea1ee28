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
