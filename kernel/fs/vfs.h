/*
 * vfs.h: what the file system calls in kernel/fs/file.c (open, read,
 * write, seek, truncate) and kernel/fs/path.c (names, attributes, working
 * directories) share: permission checks and resolving a user's path
 * relative to a directory descriptor.
 */
#ifndef KERNEL_FS_VFS_H
#define KERNEL_FS_VFS_H

#include <kernel/types.h>

struct ramfs_inode;
struct proc;
struct file_ops;

/* Permission bits asked of an inode (Linux MAY_*, also the access() bits). */
#define MAY_EXEC 1
#define MAY_WRITE 2
#define MAY_READ 4

#define AT_NO_AUTOMOUNT 0x800

/* Linux's inode_permission for mask on ip, with p's effective ids (real
 * ids for access(2)): owner, group or other bits; root may read and write
 * anything, and execute what has an x bit (or is a directory). 0 or -EACCES. */
int fs_permission(const struct ramfs_inode *ip, const struct proc *p, bool real, int mask);

/* Copy a user path into a new kernel buffer (caller kfrees *out): 0,
 * -EFAULT, -ENAMETOOLONG, -ENOMEM. An empty path is returned as it is. */
int fs_get_path(const char __user *upath, char **out);

/* Where a relative path starts for dirfd (AT_FDCWD: the working
 * directory): 0, -EBADF, -ENOTDIR. An absolute path needs no dirfd. */
int fs_at_start(int dirfd, const char *path, struct ramfs_inode **start);

/* Resolve path (kernel copy) relative to dirfd; nofollow leaves a last
 * symlink as it is; empty_ok (AT_EMPTY_PATH) makes "" the dirfd's own
 * inode. *parentp as for ramfs_walk_from (may be NULL). */
int fs_resolve(int dirfd, const char *path, bool nofollow, bool empty_ok,
               struct ramfs_inode **ip, struct ramfs_inode **parentp);

/* fs_resolve of a user path (copied first). */
int fs_lookup_at(int dirfd, const char __user *upath, bool nofollow, bool empty_ok,
                 struct ramfs_inode **ip);
/* The inode behind descriptor fd for the f* calls: 0, -EBADF. */
int fs_fd_inode(int fd, struct ramfs_inode **ip);

/* The operations of a file opened from ip. */
const struct file_ops *fs_inode_fops(const struct ramfs_inode *ip);

#endif
