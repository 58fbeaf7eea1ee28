/*
 * stat.c: stat, fstat and lstat via stat64 (195), fstat64 (197) and
 * lstat64 (196), converting the kernel's struct linux_stat64 into
 * libc's struct stat.
 */
#include <errno.h>
#include <sys/stat.h>
#include <agora/syscall.h>

/* <sys/stat.h> maps st_atime & co. to st_atim.tv_sec; here they must
 * name the kernel structure's plain fields. */
#undef st_atime
#undef st_mtime
#undef st_ctime

static int convert(long r, const struct linux_stat64 *k, struct stat *st)
{
	if (__syscall_ret(r) < 0)
		return -1;
	st->st_dev = k->st_dev;
	st->st_ino = k->st_ino;
	st->st_mode = k->st_mode;
	st->st_nlink = k->st_nlink;
	st->st_uid = k->st_uid;
	st->st_gid = k->st_gid;
	st->st_rdev = k->st_rdev;
	if (k->st_size > 0x7fffffffLL) {
		errno = EOVERFLOW;      /* off_t is 32 bits */
		return -1;
	}
	st->st_size = (off_t)k->st_size;
	st->st_blksize = (blksize_t)k->st_blksize;
	st->st_blocks = (blkcnt_t)k->st_blocks;
	st->st_atim.tv_sec = k->st_atime;
	st->st_atim.tv_nsec = (long)k->st_atime_nsec;
	st->st_mtim.tv_sec = k->st_mtime;
	st->st_mtim.tv_nsec = (long)k->st_mtime_nsec;
	st->st_ctim.tv_sec = k->st_ctime;
	st->st_ctim.tv_nsec = (long)k->st_ctime_nsec;
	return 0;
}

/* Status of the file at path (following symbolic links). 0 or -1/errno. */
int stat(const char *restrict path, struct stat *restrict st)
{
	struct linux_stat64 k;

	return convert(__syscall2(__NR_stat64, path, &k), &k, st);
}

/* Status of the open file fd. */
int fstat(int fd, struct stat *st)
{
	struct linux_stat64 k;

	return convert(__syscall2(__NR_fstat64, fd, &k), &k, st);
}

/* Status of path itself, not of what a symbolic link points to. */
int lstat(const char *restrict path, struct stat *restrict st)
{
	struct linux_stat64 k;

	return convert(__syscall2(__NR_lstat64, path, &k), &k, st);
}
