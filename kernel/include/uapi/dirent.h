/*
 * uapi/dirent.h: the record getdents64 (220) packs into the user buffer,
 * and the d_type values. A record is offsetof(d_name) (19) + name length +
 * 1 for the NUL, rounded up to 8 bytes (Linux rounds to sizeof(u64));
 * d_reclen holds that rounded size. Note sizeof() is 20 on i386, not 19.
 */
#ifndef AGORA_UAPI_DIRENT_H
#define AGORA_UAPI_DIRENT_H

#include <stdint.h>

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;          /* opaque cookie: where the next record starts */
	uint16_t d_reclen;
	uint8_t d_type;
	char d_name[];
};

#define DT_UNKNOWN 0
#define DT_FIFO    1
#define DT_CHR     2
#define DT_DIR     4
#define DT_BLK     6
#define DT_REG     8
#define DT_LNK     10
#define DT_SOCK    12
#define DT_WHT     14

__extension__ _Static_assert(__builtin_offsetof(struct linux_dirent64, d_name) == 19, "d_name");

#endif
