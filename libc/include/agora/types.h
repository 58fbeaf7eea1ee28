/*
 * agora/types.h: the basic POSIX types, defined once for every libc header
 * that needs them (<sys/types.h>, <unistd.h>, <signal.h>, ...).
 * i386 sizes follow glibc's defaults: 32-bit off_t, 32-bit ids, and a
 * 64-bit time_t (as glibc with _TIME_BITS=64).
 */
#ifndef _AGORA_TYPES_H
#define _AGORA_TYPES_H

#define __need_size_t
#define __need_NULL
#include <stddef.h>

typedef int pid_t;
typedef unsigned int uid_t;
typedef unsigned int gid_t;
typedef unsigned int id_t;
typedef unsigned int mode_t;
typedef unsigned int nlink_t;
typedef long off_t;
typedef long long off64_t;
typedef long long loff_t;
typedef __PTRDIFF_TYPE__ ssize_t;
typedef unsigned long long dev_t;
typedef unsigned long long ino_t;
typedef long blksize_t;
typedef long blkcnt_t;
typedef long long time_t;
typedef long suseconds_t;
typedef unsigned int useconds_t;
typedef long clock_t;
typedef int clockid_t;
typedef void *timer_t;
typedef int key_t;

#endif
