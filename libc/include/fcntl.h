/*
 * fcntl.h: open(2), creat, fcntl(2) and the O_/F_/AT_ constants
 * (Linux values from <uapi/fcntl.h>).
 */
#ifndef _FCNTL_H
#define _FCNTL_H

#include <agora/types.h>
#include <uapi/fcntl.h>
#include <uapi/stat.h>

/* open(path, flags) or open(path, flags, mode) with O_CREAT/O_TMPFILE. */
int open(const char *path, int flags, ...);
int openat(int dirfd, const char *path, int flags, ...);
int creat(const char *path, mode_t mode);
int fcntl(int fd, int cmd, ...);

#endif
