/*
 * sys/ipc.h: System V IPC common definitions: key_t, struct ipc_perm
 * (glibc's i386 layout, byte for byte the kernel's struct ipc64_perm),
 * the IPC_* constants (<uapi/ipc.h>) and ftok.
 */
#ifndef _SYS_IPC_H
#define _SYS_IPC_H

#include <agora/types.h>
#include <uapi/ipc.h>

/*
 * mode is a 32-bit mode_t over offsets 20-23; the kernel only fills the
 * low 16 bits (its field is 16 bits plus padding), and shmctl masks the
 * rest off after IPC_STAT.
 */
struct ipc_perm {
	key_t __key;
	uid_t uid;
	gid_t gid;
	uid_t cuid;
	gid_t cgid;
	mode_t mode;
	unsigned short __seq;
	unsigned short __pad2;
	unsigned long __unused1;
	unsigned long __unused2;
};

__extension__ _Static_assert(sizeof(struct ipc_perm) == 36, "ipc_perm");
__extension__ _Static_assert(__builtin_offsetof(struct ipc_perm, mode) == 20, "ipc_perm.mode");
__extension__ _Static_assert(__builtin_offsetof(struct ipc_perm, __seq) == 24, "ipc_perm.__seq");

key_t ftok(const char *path, int proj_id);

#endif
