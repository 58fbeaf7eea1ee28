/*
 * fs_syscalls.h: the file system calls (kernel/fs/file.c), for the syscall
 * table. Each takes its arguments in Linux i386 order, every one a 32-bit
 * value, and returns a result or -errno. The number in each comment is the
 * __NR_ value (uapi/unistd.h).
 */
#ifndef KERNEL_FS_SYSCALLS_H
#define KERNEL_FS_SYSCALLS_H

#include <kernel/types.h>

struct linux_stat;
struct linux_stat64;
struct linux_iovec;
struct linux_pollfd;
struct timespec32;
struct timespec64_k;
struct timeval32;

long sys_read(int fd, void __user *buf, size_t count);                          /*   3 */
long sys_write(int fd, const void __user *buf, size_t count);                   /*   4 */
long sys_open(const char __user *path, int flags, int mode);                    /*   5 */
long sys_close(int fd);                                                         /*   6 */
long sys_chdir(const char __user *path);                                        /*  12 */
long sys_lseek(int fd, int32_t offset, uint32_t whence);                        /*  19 */
long sys_access(const char __user *path, int mode);                             /*  33 */
long sys_dup(int fd);                                                           /*  41 */
long sys_ioctl(int fd, uint32_t cmd, uint32_t arg);                             /*  54 */
long sys_dup2(int oldfd, int newfd);                                            /*  63 */
long sys_stat(const char __user *path, struct linux_stat __user *st);           /* 106 */
long sys_lstat(const char __user *path, struct linux_stat __user *st);          /* 107 */
long sys_fstat(int fd, struct linux_stat __user *st);                           /* 108 */
long sys__llseek(int fd, uint32_t offset_high, uint32_t offset_low,
                 int64_t __user *result, uint32_t whence);                      /* 140 */
long sys_readv(int fd, const struct linux_iovec __user *iov, uint32_t iovcnt);  /* 145 */
long sys_writev(int fd, const struct linux_iovec __user *iov, uint32_t iovcnt); /* 146 */
long sys_getcwd(char __user *buf, size_t size);                                 /* 183 */
long sys_stat64(const char __user *path, struct linux_stat64 __user *st);       /* 195 */
long sys_lstat64(const char __user *path, struct linux_stat64 __user *st);      /* 196 */
long sys_fstat64(int fd, struct linux_stat64 __user *st);                       /* 197 */
long sys_getdents64(int fd, void __user *dirp, uint32_t count);                 /* 220 */
long sys_fcntl64(int fd, uint32_t cmd, uint32_t arg);                           /* 221 (and 55) */
long sys_dup3(int oldfd, int newfd, uint32_t flags);                            /* 330 */

/* pipe.c */
long sys_pipe(int __user *fds);                                                 /*  42 */
long sys_pipe2(int __user *fds, uint32_t flags);                                /* 331 */

/* poll.c */
long sys_old_select(const uint32_t __user *args);                               /*  82 */
long sys_select(int n, uint32_t __user *in, uint32_t __user *out, uint32_t __user *ex,
                struct timeval32 __user *tv);                                   /* 142 */
long sys_poll(struct linux_pollfd __user *fds, uint32_t nfds, int32_t timeout_ms); /* 168 */
long sys_pselect6(int n, uint32_t __user *in, uint32_t __user *out, uint32_t __user *ex,
                  struct timespec32 __user *ts, const uint32_t __user *sig);    /* 308 */
long sys_ppoll(struct linux_pollfd __user *fds, uint32_t nfds, struct timespec32 __user *ts,
               const uint64_t __user *mask, uint32_t masksize);                 /* 309 */
long sys_pselect6_time64(int n, uint32_t __user *in, uint32_t __user *out,
                         uint32_t __user *ex, struct timespec64_k __user *ts,
                         const uint32_t __user *sig);                           /* 413 */
long sys_ppoll_time64(struct linux_pollfd __user *fds, uint32_t nfds,
                      struct timespec64_k __user *ts, const uint64_t __user *mask,
                      uint32_t masksize);                                       /* 414 */

#endif
