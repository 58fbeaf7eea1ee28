/*
 * ramfs.h: the in-memory inode tree of the ramfs, private to kernel/fs/
 * (ramfs.c builds, walks and changes it, file.c and path.c make the system
 * calls of it, mapping.c keeps file data), to procfs (which hangs its
 * nodes in it through ramfs_mknode/ramfs_mklink/ramfs_remove) and to the
 * host test tests/host/test_ramfs.c. The rest of the kernel uses fs.h.
 *
 * Every node is a struct ramfs_inode. A directory keeps its entries (name,
 * inode) in an array, in creation order; names are the entries', so a
 * regular file may have several (hard links, nlink counts them). Regular
 * file data first points into the archive itself (never copied); the
 * first write or truncate gives the file pages of its own (mapping.c),
 * which are also the frames a MAP_SHARED mapping of it maps.
 *
 * Lifetime: an inode lives while a directory entry names it (nlink > 0;
 * a directory: while it is in the tree) or something holds a reference
 * (refs: open files, working directories, memory objects of mappings,
 * walks in progress). ramfs_iput frees it when both are gone.
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
#define RAMFS_SYMLOOP_MAX 40            /* symlinks followed in one walk (Linux's MAXSYMLINKS) */

/* Linux's old device-number encoding, which the new one equals for minors < 256. */
#define RAMFS_MKDEV(major, minor) (((major) << 8) | (minor))

struct ramfs_inode;

/* A computed symbolic link's target (procfs: /proc/self, /proc/PID/exe):
 * write it, NUL-terminated, into buf (n bytes); its length without the
 * NUL, or -errno (-ENOENT: the link leads nowhere now). */
typedef int (*ramfs_target_fn)(struct ramfs_inode *ip, char *buf, size_t n);

struct ramfs_dirent {
    char *name;
    struct ramfs_inode *ip;
};

struct ramfs_inode {
    uint32_t ino;                       /* 1 for "/", then creation order */
    uint32_t mode;                      /* S_IF* type | permission bits */
    uint32_t uid, gid;                  /* owner (the initrd's are root's) */
    uint32_t nlink;                     /* entries naming it (directories: 2 + subdirectories) */
    uint32_t refs;                      /* references besides the names (see above) */
    uint32_t atime, mtime, ctime;       /* seconds since the epoch */
    uint32_t atime_nsec, mtime_nsec, ctime_nsec;
    uint32_t size;                      /* bytes (symlinks: the target's length) */
    uint32_t rdev;                      /* devices only, RAMFS_MKDEV encoding */
    const uint8_t *data;                /* regular files: the bytes inside the archive
                                           while pages is NULL; symlinks: the target */
    paddr_t *pages;                     /* regular files with data of their own:
                                           npages_cap entries, 0 = a hole (reads zero) */
    uint32_t npages_cap;
    uint8_t *flat;                      /* exec's contiguous copy of those pages, or NULL */
    /* A directory whose entries are made on demand (/proc): called before
     * a walk looks a name up in it and before it is listed. */
    void (*refresh)(struct ramfs_inode *dir);
    const struct file_ops *fops;        /* opens use these; NULL: ramfs's own */
    void *priv;                         /* the owner's (procfs) */
    ramfs_target_fn target;             /* computed symlinks (procfs), else NULL */
    struct vm_object *obj;              /* regular files: their memory object while
                                           in use (kernel/fs/mapping.c), else NULL */
    struct ramfs_inode *parent;         /* a reference: the directory holding it ("/": itself;
                                           a file with several names: where it was made
                                           or last renamed to) */
    struct ramfs_dirent *children;      /* directories: nchildren entries */
    uint32_t nchildren, cap;
    bool dead;                          /* directories removed (rmdir, ramfs_remove) */
    bool counted;                       /* made by ramfs.c, freed by the last iput; false:
                                           part of something else (a pipe) that frees it */
};

/* Build the tree from the USTAR archive at [start, end) (either may be NULL
 * for an empty tree), then add /dev with its devices, /tmp and /dev/shm.
 * Replaces any earlier tree. Returns the number of archive entries used,
 * or -ENOMEM. Malformed input is reported and the entries before it are
 * kept. */
int ramfs_build(const uint8_t *start, const uint8_t *end);
/* Free the whole tree (host tests; the kernel keeps its tree for ever). */
void ramfs_reset(void);

struct ramfs_inode *ramfs_root(void);
/* The /dev/console inode (a tree with only /, /dev and the devices is
 * built first if ramfs_build was never called), or NULL if out of memory. */
struct ramfs_inode *ramfs_console(void);

/* Take and drop a reference; the last put of an inode no entry names
 * frees it (with its pages). Inodes not made by ramfs.c (counted false:
 * a pipe's) are only counted, never freed here. */
struct ramfs_inode *ramfs_iget(struct ramfs_inode *ip);
void ramfs_iput(struct ramfs_inode *ip);

/* ---- for procfs (and any kernel part that makes nodes) ----------------- */

/*
 * Create the node name (no '/', 1..255 bytes) in directory dir: mode is an
 * S_IF* type (S_IFDIR, S_IFREG, S_IFCHR...) with permission bits, owner
 * root. Opening it makes a struct file with fops (NULL: ramfs's own, so a
 * directory lists its entries) whose f->ip is this inode; fops find priv
 * in f->ip->priv. Stat shows size 0 (set ip->size to show more). The tree
 * names the node (nlink 1) until ramfs_remove; the pointer stays valid
 * while the caller holds that name. NULL if dir is not a live directory,
 * the name is taken, or the heap is out.
 */
struct ramfs_inode *ramfs_mknode(struct ramfs_inode *dir, const char *name, uint32_t mode,
                                 const struct file_ops *fops, void *priv);
/*
 * Create a symbolic link name in dir (mode S_IFLNK | 0777, owner root)
 * whose target is computed by target at each readlink and each walk
 * through it. NULL as for ramfs_mknode.
 */
struct ramfs_inode *ramfs_mklink(struct ramfs_inode *dir, const char *name,
                                 ramfs_target_fn target, void *priv);
/*
 * Unhook ip and, for a directory, everything under it from the tree: each
 * node is no longer found by any walk and is freed once nothing holds it.
 * An open file of one stays valid (its fops and priv) until closed; a
 * working directory inside becomes one whose getcwd says -ENOENT. Not for
 * "/".
 */
void ramfs_remove(struct ramfs_inode *ip);
/* The entry name in dir, or NULL (no walk: no "..", no symlinks). */
struct ramfs_inode *ramfs_lookup(struct ramfs_inode *dir, const char *name);

/* ---- paths ------------------------------------------------------------- */

/* Walk flag: the last component is not followed if it is a symlink. */
#define RAMFS_NOFOLLOW  1

/*
 * Resolve path starting at start (for a relative path; NULL: "/"),
 * following symlinks (RAMFS_SYMLOOP_MAX in all, then -ELOOP), except the
 * last component's with RAMFS_NOFOLLOW. Handles "//", ".", "..", and a
 * trailing "/" (the result must then be a directory, and a symlink there
 * is followed). Returns 0 and sets *ip, or -ENOENT, -ENOTDIR,
 * -ENAMETOOLONG, -ELOOP. If only the last component is missing, -ENOENT
 * comes with *parentp set to the directory it would live in (open(O_CREAT)
 * needs this); otherwise *parentp is NULL. parentp may be NULL. No
 * reference is taken: the tree does not change during a system call.
 */
int ramfs_walk_from(struct ramfs_inode *start, const char *path, int flags,
                    struct ramfs_inode **ip, struct ramfs_inode **parentp);
/* ramfs_walk_from(NULL, path, 0, ...). */
int ramfs_walk(const char *path, struct ramfs_inode **ip, struct ramfs_inode **parentp);
/*
 * Split path for the calls that make or remove a name: resolve all but the
 * last component from start into *dirp and point *name and *len at the last
 * one (len 0 for "/"; "." and ".." are returned as they are for the caller
 * to refuse). A trailing "/" sets *trailing. 0 or the walk's errors.
 */
int ramfs_walk_parent(struct ramfs_inode *start, const char *path, struct ramfs_inode **dirp,
                      const char **name, size_t *len, bool *trailing);
/* The entry name[0..len) of dir, or NULL. */
struct ramfs_inode *ramfs_find(const struct ramfs_inode *dir, const char *name, size_t len);
/* A symlink's target into buf (n bytes, NUL-terminated if it fits); the
 * target's length, or -errno from a computed link. */
int ramfs_readlink(struct ramfs_inode *ip, char *buf, size_t n);
/* The path of directory dir from "/" into buf (n bytes, with the NUL):
 * its length with the NUL, -ENOENT if dir was removed, -ERANGE if too long. */
int ramfs_path(const struct ramfs_inode *dir, char *buf, size_t n);

static inline bool ramfs_is_dir(const struct ramfs_inode *ip) { return (ip->mode & 0170000) == 0040000; }
static inline bool ramfs_is_reg(const struct ramfs_inode *ip) { return (ip->mode & 0170000) == 0100000; }
static inline bool ramfs_is_chr(const struct ramfs_inode *ip) { return (ip->mode & 0170000) == 0020000; }
static inline bool ramfs_is_lnk(const struct ramfs_inode *ip) { return (ip->mode & 0170000) == 0120000; }

/* ---- changing the tree (the system calls check permissions first) ------ */

/* A new inode of mode (type | bits), owner uid/gid, named name[0..len) in
 * dir (which has no such entry); symlinks get target (copied). The inode,
 * or NULL when the heap is out. */
struct ramfs_inode *ramfs_create(struct ramfs_inode *dir, const char *name, size_t len,
                                 uint32_t mode, uint32_t uid, uint32_t gid, const char *target);
/* A new entry name[0..len) in dir for ip (not a directory). 0 or -ENOMEM. */
int ramfs_link(struct ramfs_inode *dir, const char *name, size_t len, struct ramfs_inode *ip);
/* Remove entry name[0..len) of dir (present; a directory must be empty). */
void ramfs_unlink(struct ramfs_inode *dir, const char *name, size_t len);
/* Move entry oname of odir to nname of ndir, replacing what nname named
 * (checked by the caller: same kind, an empty directory). 0 or -ENOMEM. */
int ramfs_rename(struct ramfs_inode *odir, const char *oname, size_t olen,
                 struct ramfs_inode *ndir, const char *nname, size_t nlen);
/* Set ip's [amc]time to now, as the caller says (bits 1 a, 2 m, 4 c). */
#define RAMFS_ATIME 1
#define RAMFS_MTIME 2
#define RAMFS_CTIME 4
void ramfs_touch(struct ramfs_inode *ip, int which);
/* Defined outside ramfs.c (file.c in the kernel, the host test's own):
 * the current time for inode stamps, and whether the current process may
 * search directory dir (0 or -EACCES). */
void ramfs_now(uint32_t *sec, uint32_t *nsec);
int ramfs_search_ok(const struct ramfs_inode *dir);
/* The operations of /dev/null, zero, full, random, urandom (by minor). */
extern const struct file_ops devmem_fops;

/*
 * Pack linux_dirent64 records of dir's entries (".", "..", then the
 * entries in creation order) into buf, starting with entry *pos. Each
 * record's d_off is the index of the entry after it. Advances *pos.
 * Returns the bytes used, 0 at the end, or -EINVAL if the first record
 * does not fit in size bytes.
 */
long ramfs_getdents64(const struct ramfs_inode *dir, int64_t *pos, void *buf, size_t size);

/* ---- file data (kernel/fs/mapping.c) ----------------------------------- */

/* The memory object of regular file ip, made if need be, with a reference
 * for the caller (drop it with vm_object_put); NULL when the heap is out. */
struct vm_object *fs_file_object(struct ramfs_inode *ip);
/* Give ip pages of its own (copying the archive's bytes) if it has none.
 * 0 or -ENOSPC (frames out) / -ENOMEM. */
int fs_data_own(struct ramfs_inode *ip);
/* Copy up to n bytes at off out to user buf / in from user buf (the
 * file grows on a write); bytes moved, or -EFAULT (none moved), -ENOSPC,
 * -EFBIG. Write's caller sets the times. */
long fs_data_read(struct ramfs_inode *ip, uint64_t off, char __user *buf, size_t n);
long fs_data_write(struct ramfs_inode *ip, uint64_t off, const char __user *buf, size_t n);
/* Set the size: frames past it are freed, the last page's tail zeroed.
 * 0, -ENOSPC, -ENOMEM, -EFBIG. */
int fs_data_truncate(struct ramfs_inode *ip, uint64_t size);
/* The file's bytes in one run of kernel memory, for exec: the archive's,
 * or a copy of its own pages kept until the next change. NULL if out of
 * memory. */
const uint8_t *fs_data_flat(struct ramfs_inode *ip);
/* Free the pages (the inode is going). */
void fs_data_free(struct ramfs_inode *ip);
/* Pages a file's data holds, for st_blocks. */
uint32_t fs_data_resident(const struct ramfs_inode *ip);

/* Fill the two Linux i386 stat layouts (every byte written). */
void ramfs_stat(const struct ramfs_inode *ip, struct linux_stat *st);
void ramfs_stat64(const struct ramfs_inode *ip, struct linux_stat64 *st);

#endif
