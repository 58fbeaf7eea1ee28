/*
 * shm.c: System V shared memory wrappers (direct system calls shmget 395,
 * shmctl 396, shmat 397, shmdt 398) and ftok. struct shmid_ds and its
 * friends are byte-for-byte the kernel's structures, so buffers pass
 * straight through; see <sys/shm.h>.
 */
#include <errno.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <agora/syscall.h>

/* Get (or create, with IPC_CREAT) the segment for key. Returns its id. */
int shmget(key_t key, size_t size, int flags)
{
	return (int)__syscall_ret(__syscall3(__NR_shmget, key, size, flags));
}

/*
 * Attach segment id at addr (NULL: the kernel chooses). Returns the
 * address, or (void *)-1 with errno. Any other value, 0 included, is an
 * address: only [-4095, -1] encodes an error.
 */
void *shmat(int id, const void *addr, int flags)
{
	long r = __syscall3(__NR_shmat, id, addr, flags);

	if (__syscall_is_error(r)) {
		errno = (int)-r;
		return (void *)-1;
	}
	return (void *)r;
}

/* Detach the segment attached at addr. */
int shmdt(const void *addr)
{
	return (int)__syscall_ret(__syscall1(__NR_shmdt, addr));
}

/*
 * Control operation cmd on segment id (cmd is passed unchanged, without
 * IPC_64). After IPC_STAT, SHM_STAT and SHM_STAT_ANY the mode is masked
 * to the 16 bits the kernel fills, as glibc does on i386.
 */
int shmctl(int id, int cmd, struct shmid_ds *buf)
{
	int r = (int)__syscall_ret(__syscall3(__NR_shmctl, id, cmd, buf));

	if (r >= 0 && buf &&
	    (cmd == IPC_STAT || cmd == SHM_STAT || cmd == SHM_STAT_ANY))
		buf->shm_perm.mode &= 0xFFFF;
	return r;
}

/*
 * A System V IPC key from a file and a project id, glibc's formula:
 * the low 16 bits of the inode, the low 8 of the device, the low 8 of
 * proj_id. Returns (key_t)-1 if path cannot be stat()ed.
 */
key_t ftok(const char *path, int proj_id)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return (key_t)-1;
	return (key_t)((st.st_ino & 0xffff) | ((st.st_dev & 0xff) << 16) |
		       ((unsigned int)(proj_id & 0xff) << 24));
}
