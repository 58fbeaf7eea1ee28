/*
 * procfs.h: /proc (kernel/fs/procfs.c). What the rest of the kernel calls:
 * the process hooks (a new process gets /proc/PID, a reaped one loses it),
 * exec's record of the image (/proc/PID/exe and cmdline), and boot.
 *
 * struct procfs_image is what exec leaves for /proc: the executable's path
 * and a bounded copy of argv. A forked child shares its parent's (counted
 * references), as it shares the parent's memory where Linux reads them.
 */
#ifndef KERNEL_PROCFS_H
#define KERNEL_PROCFS_H

#include <kernel/types.h>

struct proc;
struct procfs_image;

#define PROCFS_CMDLINE_MAX 4096         /* bytes of argv kept for cmdline */

/* Boot, after the ramfs: make /proc and its fixed entries. */
void procfs_init(void);

/* A new process (proc_alloc): its start time, the image of creator
 * (current, NULL for init) and /proc/PID. 0 or -ENOMEM. */
int procfs_proc_new(struct proc *p, const struct proc *creator);
/* p's slot is freed (reaped, or a fork that failed): /proc/PID goes, and
 * its reference on the image. */
void procfs_proc_free(struct proc *p);

/* exec, before its point of no return: a new image for path with the
 * argc strings at args (NUL-terminated, back to back). NULL: no memory. */
struct procfs_image *procfs_image_new(const char *path, const char *args, int argc);
/* exec, after it: p runs img now, from stack pointer esp (takes over the
 * caller's reference). */
void procfs_exec(struct proc *p, struct procfs_image *img, vaddr_t esp);
/* Drop a reference (exec's failure path). NULL is fine. */
void procfs_image_put(struct procfs_image *img);

#endif
