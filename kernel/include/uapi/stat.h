/*
 * uapi/stat.h: file type and permission bits, and the two Linux i386 stat
 * layouts the kernel writes: struct linux_stat (stat/fstat/lstat 106-108)
 * and struct linux_stat64 (stat64/lstat64/fstat64 195-197).
 * libc's <sys/stat.h> includes this for the S_* bits and converts
 * struct linux_stat64 into its own struct stat.
 */
#ifndef AGORA_UAPI_STAT_H
#define AGORA_UAPI_STAT_H

#include <stdint.h>

#define S_IFMT   0170000
#define S_IFSOCK 0140000
#define S_IFLNK  0120000
#define S_IFREG  0100000
#define S_IFBLK  0060000
#define S_IFDIR  0040000
#define S_IFCHR  0020000
#define S_IFIFO  0010000

#define S_ISUID  04000
#define S_ISGID  02000
#define S_ISVTX  01000

#define S_IRWXU  00700
#define S_IRUSR  00400
#define S_IWUSR  00200
#define S_IXUSR  00100
#define S_IRWXG  00070
#define S_IRGRP  00040
#define S_IWGRP  00020
#define S_IXGRP  00010
#define S_IRWXO  00007
#define S_IROTH  00004
#define S_IWOTH  00002
#define S_IXOTH  00001

#define S_ISLNK(m)  (((m) & S_IFMT) == S_IFLNK)
#define S_ISREG(m)  (((m) & S_IFMT) == S_IFREG)
#define S_ISDIR(m)  (((m) & S_IFMT) == S_IFDIR)
#define S_ISCHR(m)  (((m) & S_IFMT) == S_IFCHR)
#define S_ISBLK(m)  (((m) & S_IFMT) == S_IFBLK)
#define S_ISFIFO(m) (((m) & S_IFMT) == S_IFIFO)
#define S_ISSOCK(m) (((m) & S_IFMT) == S_IFSOCK)

/* Linux i386 "struct stat" (the old, 32-bit one): 64 bytes. */
struct linux_stat {
	uint32_t st_dev;
	uint32_t st_ino;
	uint16_t st_mode;
	uint16_t st_nlink;
	uint16_t st_uid;
	uint16_t st_gid;
	uint32_t st_rdev;
	uint32_t st_size;
	uint32_t st_blksize;
	uint32_t st_blocks;
	uint32_t st_atime;
	uint32_t st_atime_nsec;
	uint32_t st_mtime;
	uint32_t st_mtime_nsec;
	uint32_t st_ctime;
	uint32_t st_ctime_nsec;
	uint32_t __unused4;
	uint32_t __unused5;
};

/*
 * Linux i386 "struct stat64": 96 bytes. The i386 ABI aligns 64-bit members
 * to 4 inside structures; packed + aligned(4) gives Linux's offsets on any
 * compiler (host tests too), and the asserts below pin them. Assign the
 * fields, don't take their addresses. __st_ino is the low 32 bits of st_ino.
 */
struct linux_stat64 {
	uint64_t st_dev;                /*  0 */
	uint8_t  __pad0[4];             /*  8 */
	uint32_t __st_ino;              /* 12 */
	uint32_t st_mode;               /* 16 */
	uint32_t st_nlink;              /* 20 */
	uint32_t st_uid;                /* 24 */
	uint32_t st_gid;                /* 28 */
	uint64_t st_rdev;               /* 32 */
	uint8_t  __pad3[4];             /* 40 */
	int64_t  st_size;               /* 44 */
	uint32_t st_blksize;            /* 52 */
	uint64_t st_blocks;             /* 56: in 512-byte units */
	uint32_t st_atime;              /* 64 */
	uint32_t st_atime_nsec;
	uint32_t st_mtime;              /* 72 */
	uint32_t st_mtime_nsec;
	uint32_t st_ctime;              /* 80 */
	uint32_t st_ctime_nsec;
	uint64_t st_ino;                /* 88 */
} __attribute__((packed, aligned(4)));

__extension__ _Static_assert(sizeof(struct linux_stat) == 64, "linux_stat");
__extension__ _Static_assert(sizeof(struct linux_stat64) == 96, "linux_stat64");
__extension__ _Static_assert(__builtin_offsetof(struct linux_stat64, st_rdev) == 32, "st_rdev");
__extension__ _Static_assert(__builtin_offsetof(struct linux_stat64, st_size) == 44, "st_size");
__extension__ _Static_assert(__builtin_offsetof(struct linux_stat64, st_blocks) == 56, "st_blocks");
__extension__ _Static_assert(__builtin_offsetof(struct linux_stat64, st_atime) == 64, "st_atime");
__extension__ _Static_assert(__builtin_offsetof(struct linux_stat64, st_ino) == 88, "st_ino");

#endif
