/*
 * ramfs.h: the in-memory inode tree of the read-only ramfs, private to
 * kernel/fs/ (ramfs.c builds and walks it, file.c opens and reads it) and to
 * the host test tests/host/test_ramfs.c. The rest of the kernel uses fs.h.
 *
 * Every node is a struct ramfs_inode: directories keep their children in an
 * array in archive order; regular files point into the archive itself (the
 * data is never copied); the console devices /dev/console and /dev/tty are
 * character-device inodes added after the archive is indexed.
 */
#ifndef KERNEL_FS_RAMFS_H
#define KERNEL_FS_RAMFS_H

#include <kernel/types.h>

struct linux_stat;
struct vm_object;
struct file_ops;
struct linux_stat64;

#define RAMFS_NAME_MAX 255              /* longest path component */
#define RAMFS_PATH_MAX 4096             /* longest path, NUL included */
#define RAMFS_DEV 1                     /* st_dev of every inode: makedev(0, 1) */

/* Linux's old device-number encoding, which the new one equals for minors < 256. */
#define RAMFS_MKDEV(major, minor) (((major) << 8) | (minor))

struct ramfs_inode {
    uint32_t ino;                       /* 1 for "/", then archive order */
    uint32_t mode;                      /* S_IFDIR, S_IFREG or S_IFCHR | permissions */
    uint32_t mtime;                     /* seconds since the epoch; also atime and ctime */
    uint32_t size;                      /* bytes (0 for directories and devices) */
    uint32_t rdev;                      /* devices only, RAMFS_MKDEV encoding */
    const uint8_t *data;                /* regular files: the bytes inside the archive */
    const struct file_ops *fops;        /* devices: their operations; NULL: ramfs's own */
    struct vm_object *obj;              /* regular files: their memory object while
                                           in use (kernel/fs/mapping.c), else NULL */
    char *name;                         /* component name ("" for the root) */
    struct ramfs_inode *parent;         /* the root is its own parent */
    struct ramfs_inode **children;      /* directories: nchildren entries, archive order */
    uint32_t nchildren, cap;
};

/* Build the tree from the USTAR archive at [start, end) (either may be NULL
 * for an empty tree). Replaces any earlier tree. Returns the number of
 * archive entries used, or -ENOMEM. Malformed input is reported and the
 * entries before it are kept. */
int ramfs_build(const uint8_t *start, const uint8_t *end);
/* Free the whole tree (host tests; the kernel keeps its tree for ever). */
void ramfs_reset(void);

struct ramfs_inode *ramfs_root(void);
/* The /dev/console inode (a tree with only /, /dev and the devices is
 * built first if ramfs_build was never called), or NULL if out of memory. */
struct ramfs_inode *ramfs_console(void);

/*
 * Resolve path from the root (a relative path is taken relative to "/").
 * Handles "//", ".", "..", and a trailing "/" (the result must then be a
 * directory). Returns 0 and sets *ip, or -ENOENT, -ENOTDIR, -ENAMETOOLONG.
 * If only the last component is missing, -ENOENT comes with *parentp set to
 * the directory it would live in (open(O_CREAT) needs this); otherwise
 * *parentp is NULL. parentp may be NULL.
 */
int ramfs_walk(const char *path, struct ramfs_inode **ip, struct ramfs_inode **parentp);

static inline bool ramfs_is_dir(const struct ramfs_inode *ip) { return (ip->mode & 0170000) == 0040000; }
static inline bool ramfs_is_reg(const struct ramfs_inode *ip) { return (ip->mode & 0170000) == 0100000; }
static inline bool ramfs_is_chr(const struct ramfs_inode *ip) { return (ip->mode & 0170000) == 0020000; }

/*
 * Pack linux_dirent64 records of dir's entries (".", "..", then the
 * children in archive order) into buf, starting with entry *pos. Each
 * record's d_off is the index of the entry after it. Advances *pos.
 * Returns the bytes used, 0 at the end, or -EINVAL if the first record
 * does not fit in size bytes.
 */
long ramfs_getdents64(const struct ramfs_inode *dir, int64_t *pos, void *buf, size_t size);

/* The memory object of regular file ip (kernel/fs/mapping.c), made if
 * need be, with a reference for the caller (drop it with vm_object_put);
 * NULL when the heap is out. */
struct vm_object *fs_file_object(struct ramfs_inode *ip);

/* Fill the two Linux i386 stat layouts (every byte written). */
void ramfs_stat(const struct ramfs_inode *ip, struct linux_stat *st);
void ramfs_stat64(const struct ramfs_inode *ip, struct linux_stat64 *st);

#endif
