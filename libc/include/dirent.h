/*
 * dirent.h: reading directories (opendir/readdir/closedir) on top of
 * getdents64 (220).
 */
#ifndef _DIRENT_H
#define _DIRENT_H

#include <agora/types.h>
#include <uapi/dirent.h>

struct dirent {
	ino_t d_ino;
	off_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;   /* DT_* */
	char d_name[256];
};

typedef struct __agora_dir DIR;

DIR *opendir(const char *path);
DIR *fdopendir(int fd);
struct dirent *readdir(DIR *d);
int closedir(DIR *d);
void rewinddir(DIR *d);
int dirfd(DIR *d);

#endif
