/*
 * fs.h: the ramfs (built from the USTAR initrd, then written in memory) and open files.
 * A struct file is shared by every descriptor that refers to it (dup, fork).
 */
#ifndef KERNEL_FS_H
#define KERNEL_FS_H

#include <kernel/types.h>

struct proc;
struct file;

/* Boot: index the USTAR archive at [start, end) (kernel virtual addresses). */
void ramfs_init(const uint8_t *start, const uint8_t *end);
struct vm_object;

/* exec's lookup: the bytes of the regular file at path and its memory
 * object (a reference the caller drops with vm_object_put), if the current
 * process (its effective ids) may execute it. 0, -ENOENT, -ENOTDIR,
 * -ENAMETOOLONG, -EACCES (not a regular file, or no execute permission),
 * -ENOMEM. */
int fs_lookup_exec(const char *path, const uint8_t **data, uint32_t *size,
                   struct vm_object **obj);
/* Is fd an open descriptor of the current process? 0 or -EBADF. */
int fs_fd_check(int fd);
/* mmap's view of descriptor fd, with Linux's checks in Linux's order:
 * -EBADF; -EACCES (not open for reading; shared with PROT_WRITE through a
 * descriptor not open for writing); -ENODEV (no pages to map: a directory,
 * a device); -ENOMEM. On success the file's object (a reference for the
 * caller; a shared mapping maps the pages write() changes) and in
 * *maxprot what mprotect may grant later. */
int fs_mmap(int fd, bool shared, uint32_t prot, struct vm_object **obj, uint32_t *maxprot);

/* A new open file of the console, read-write (one reference), or NULL. */
struct file *fs_open_console(void);

/* File descriptors of processes. */
int fs_init_console_fds(struct proc *p);                /* fds 0, 1, 2 */
int fs_fork_fds(struct proc *child, struct proc *parent);
void fs_close_all(struct proc *p);
/* exec: close the descriptors marked close-on-exec. */
void fs_exec_close_cloexec(struct proc *p);

/* Working directory and umask (kernel/fs/path.c): init starts in "/" with
 * umask 022; fork copies both (a new reference); exit drops the cwd. */
void fs_proc_init(struct proc *p);
void fs_fork_cwd(struct proc *child, const struct proc *parent);
void fs_exit_cwd(struct proc *p);

#endif
