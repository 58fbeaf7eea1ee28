/*
 * fs.h: the read-only ramfs (built from the USTAR initrd) and open files.
 * A struct file is shared by every descriptor that refers to it (dup, fork).
 */
#ifndef KERNEL_FS_H
#define KERNEL_FS_H

#include <kernel/types.h>

struct proc;
struct file;

/* Boot: index the USTAR archive at [start, end) (kernel virtual addresses). */
void ramfs_init(const uint8_t *start, const uint8_t *end);
/* exec's lookup: the bytes of the regular file at path, if the current
 * process (its effective ids) may execute it. 0, -ENOENT, -ENOTDIR,
 * -ENAMETOOLONG, -EACCES (not a regular file, or no execute permission). */
int fs_lookup_exec(const char *path, const uint8_t **data, uint32_t *size);

/* File descriptors of processes. */
int fs_init_console_fds(struct proc *p);                /* fds 0, 1, 2 */
int fs_fork_fds(struct proc *child, struct proc *parent);
void fs_close_all(struct proc *p);
/* exec: close the descriptors marked close-on-exec. */
void fs_exec_close_cloexec(struct proc *p);

#endif
