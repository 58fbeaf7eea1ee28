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
struct linux_statx;
struct linux_statfs;
struct linux_statfs64;
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
/* Names and attributes (kernel/fs/path.c), reads and writes at offsets
 * and truncation (kernel/fs/file.c). */
long sys_creat(const char __user *path, int mode);                              /*   8 */
long sys_link(const char __user *oldpath, const char __user *newpath);          /*   9 */
long sys_unlink(const char __user *path);                                       /*  10 */
long sys_mknod(const char __user *path, uint32_t mode, uint32_t dev);           /*  14 */
long sys_chmod(const char __user *path, uint32_t mode);                         /*  15 */
long sys_lchown16(const char __user *path, uint32_t uid, uint32_t gid);         /*  16 */
long sys_utime(const char __user *path, const int32_t __user *times);           /*  30 */
long sys_rename(const char __user *oldpath, const char __user *newpath);        /*  38 */
long sys_mkdir(const char __user *path, uint32_t mode);                         /*  39 */
long sys_rmdir(const char __user *path);                                        /*  40 */
long sys_symlink(const char __user *target, const char __user *path);           /*  83 */
long sys_readlink(const char __user *path, char __user *buf, int bufsiz);       /*  85 */
long sys_truncate(const char __user *path, int32_t len);                        /*  92 */
long sys_ftruncate(int fd, int32_t len);                                        /*  93 */
long sys_fchmod(int fd, uint32_t mode);                                         /*  94 */
long sys_fchown16(int fd, uint32_t uid, uint32_t gid);                          /*  95 */
long sys_statfs(const char __user *path, struct linux_statfs __user *buf);      /*  99 */
long sys_fstatfs(int fd, struct linux_statfs __user *buf);                      /* 100 */
long sys_fsync(int fd);                                                         /* 118, 148 */
long sys_fchdir(int fd);                                                        /* 133 */
long sys_pread64(int fd, void __user *buf, size_t count, uint32_t off_lo, uint32_t off_hi);        /* 180 */
long sys_pwrite64(int fd, const void __user *buf, size_t count, uint32_t off_lo, uint32_t off_hi); /* 181 */
long sys_chown16(const char __user *path, uint32_t uid, uint32_t gid);          /* 182 */
long sys_truncate64(const char __user *path, uint32_t lo, uint32_t hi);         /* 193 */
long sys_ftruncate64(int fd, uint32_t lo, uint32_t hi);                         /* 194 */
long sys_lchown32(const char __user *path, uint32_t uid, uint32_t gid);         /* 198 */
long sys_fchown32(int fd, uint32_t uid, uint32_t gid);                          /* 207 */
long sys_chown32(const char __user *path, uint32_t uid, uint32_t gid);          /* 212 */
long sys_statfs64(const char __user *path, uint32_t size, struct linux_statfs64 __user *buf); /* 268 */
long sys_fstatfs64(int fd, uint32_t size, struct linux_statfs64 __user *buf);   /* 269 */
long sys_utimes(const char __user *path, const struct timeval32 __user *tv);    /* 271 */
long sys_openat(int dirfd, const char __user *path, int flags, int mode);       /* 295 */
long sys_mkdirat(int dirfd, const char __user *path, uint32_t mode);            /* 296 */
long sys_mknodat(int dirfd, const char __user *path, uint32_t mode, uint32_t dev);            /* 297 */
long sys_fchownat(int dirfd, const char __user *path, uint32_t uid, uint32_t gid, uint32_t flags); /* 298 */
long sys_futimesat(int dirfd, const char __user *path, const struct timeval32 __user *tv);    /* 299 */
long sys_fstatat64(int dirfd, const char __user *path, struct linux_stat64 __user *st, uint32_t flags); /* 300 */
long sys_unlinkat(int dirfd, const char __user *path, uint32_t flags);          /* 301 */
long sys_renameat(int olddirfd, const char __user *oldpath, int newdirfd,
                  const char __user *newpath);                                  /* 302 */
long sys_linkat(int olddirfd, const char __user *oldpath, int newdirfd,
                const char __user *newpath, uint32_t flags);                    /* 303 */
long sys_symlinkat(const char __user *target, int dirfd, const char __user *path);            /* 304 */
long sys_readlinkat(int dirfd, const char __user *path, char __user *buf, int bufsiz);        /* 305 */
long sys_fchmodat(int dirfd, const char __user *path, uint32_t mode);           /* 306 */
long sys_faccessat(int dirfd, const char __user *path, int mode);               /* 307 */
long sys_utimensat(int dirfd, const char __user *path, const struct timespec32 __user *times,
                   uint32_t flags);                                             /* 320 */
long sys_renameat2(int olddirfd, const char __user *oldpath, int newdirfd,
                   const char __user *newpath, uint32_t flags);                 /* 353 */
long sys_statx(int dirfd, const char __user *path, uint32_t flags, uint32_t mask,
               struct linux_statx __user *buf);                                 /* 383 */
long sys_utimensat_time64(int dirfd, const char __user *path,
                          const struct timespec64_k __user *times, uint32_t flags); /* 412 */
long sys_faccessat2(int dirfd, const char __user *path, int mode, uint32_t flags);            /* 439 */

#endif
