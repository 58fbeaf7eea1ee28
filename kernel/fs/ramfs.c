/*
 * ramfs.c: the root filesystem, an inode tree in memory. It starts as an
 * index of the USTAR initrd that GRUB loads as a module (file data stays
 * in the archive until a file is first written, see mapping.c), and the
 * system calls then change it: create, link, unlink, rename, symlinks.
 * Nothing is ever written back: there is no disk.
 *
 * The tree (struct ramfs_inode, kernel/fs/ramfs.h): "/" is inode 1 and the
 * other inodes are numbered in creation order. A directory that appears in
 * a path before its own archive entry (or never has one) is created with
 * mode 0755 and gets its real mode and mtime when its entry comes. After
 * the archive, /dev gets its devices (/dev/console and /dev/tty are the
 * console, file.c opens them as such; null, zero, full, random, urandom),
 * and /tmp and /dev/shm are made, mode 01777.
 *
 * Called by: main.c (ramfs_init), file.c and path.c (the system calls,
 * exec's lookup), procfs (ramfs_mknode...). Nothing here touches user
 * memory or processes (the search permission and the clock come through
 * ramfs_search_ok and ramfs_now, which the kernel defines in file.c), so
 * the host test tests/host/test_ramfs.c builds this file as it is.
 */
#include <kernel/fs.h>
#include <kernel/kheap.h>
#include <kernel/console.h>
#include <uapi/errno.h>
#include <uapi/stat.h>
#include <uapi/dirent.h>
#include <string.h>
#include "ramfs.h"

#define BLOCK 512

/* A USTAR header block. Numeric fields are octal text, NUL or space ended. */
struct ustar_hdr {
    char name[100];
    char mode[8];
    char uid[8];
    char gid[8];
    char size[12];
    char mtime[12];
    char chksum[8];
    char typeflag;
    char linkname[100];
    char magic[6];                      /* "ustar\0" (POSIX) or "ustar " (GNU) */
    char version[2];
    char uname[32];
    char gname[32];
    char devmajor[8];
    char devminor[8];
    char prefix[155];                   /* if set, the path is prefix "/" name */
    char pad[12];
};

_Static_assert(sizeof(struct ustar_hdr) == BLOCK, "ustar header");

static struct ramfs_inode *root;
static struct ramfs_inode *console_ip;
static bool console_detached;           /* console_ip is outside the tree */
static uint32_t next_ino;

struct ramfs_inode *ramfs_root(void)
{
    return root;
}

/* ---- inodes and entries --------------------------------------------------- */

static int find_index(const struct ramfs_inode *dir, const char *name, size_t len)
{
    for (uint32_t i = 0; i < dir->nchildren; i++) {
        const char *n = dir->children[i].name;
        if (strncmp(n, name, len) == 0 && n[len] == '\0')
            return (int)i;
    }
    return -1;
}

struct ramfs_inode *ramfs_find(const struct ramfs_inode *dir, const char *name, size_t len)
{
    int i = find_index(dir, name, len);
    return i < 0 ? NULL : dir->children[i].ip;
}

struct ramfs_inode *ramfs_lookup(struct ramfs_inode *dir, const char *name)
{
    return ramfs_find(dir, name, strlen(name));
}

/* Append entry name[0..len) -> ip to dir. 0 or -ENOMEM. */
static int dir_add(struct ramfs_inode *dir, const char *name, size_t len, struct ramfs_inode *ip)
{
    if (dir->nchildren == dir->cap) {
        uint32_t cap = dir->cap ? dir->cap * 2 : 8;
        struct ramfs_dirent *c = kmalloc(cap * sizeof(*c));
        if (!c)
            return -ENOMEM;
        if (dir->nchildren)
            memcpy(c, dir->children, dir->nchildren * sizeof(*c));
        kfree(dir->children);
        dir->children = c;
        dir->cap = cap;
    }
    char *copy = kmalloc(len + 1);
    if (!copy)
        return -ENOMEM;
    memcpy(copy, name, len);
    copy[len] = '\0';
    dir->children[dir->nchildren].name = copy;
    dir->children[dir->nchildren].ip = ip;
    dir->nchildren++;
    return 0;
}

/* Drop entry i of dir (order kept: getdents offsets of later entries move
 * down by one, as a readdir racing an unlink may see on Linux too). */
static void dir_del(struct ramfs_inode *dir, uint32_t i)
{
    kfree(dir->children[i].name);
    memmove(&dir->children[i], &dir->children[i + 1],
            (dir->nchildren - i - 1) * sizeof(dir->children[0]));
    dir->nchildren--;
    if (dir->nchildren == 0) {
        /* An emptied directory keeps no array: what a test (or a user)
         * made and removed leaves the heap as it was. */
        kfree(dir->children);
        dir->children = NULL;
        dir->cap = 0;
    }
}

static void free_inode(struct ramfs_inode *ip)
{
    struct ramfs_inode *parent = ip->parent;
    assert(ip->nchildren == 0);
    if (ramfs_is_reg(ip))
        fs_data_free(ip);
    if (ramfs_is_lnk(ip))
        kfree((void *)ip->data);
    kfree(ip->children);
    kfree(ip);
    if (parent && parent != ip)
        ramfs_iput(parent);             /* every inode holds its parent */
}

/* Free ip if nothing names or holds it. */
static void maybe_free(struct ramfs_inode *ip)
{
    if (ip->refs > 0 || !ip->counted || ip == root || ip == console_ip)
        return;
    if (ramfs_is_dir(ip) ? ip->dead : ip->nlink == 0)
        free_inode(ip);
}

struct ramfs_inode *ramfs_iget(struct ramfs_inode *ip)
{
    ip->refs++;
    return ip;
}

void ramfs_iput(struct ramfs_inode *ip)
{
    assert(ip->refs > 0);
    ip->refs--;
    maybe_free(ip);
}

/* A new unnamed inode (nlink 0); NULL if out of memory. */
static struct ramfs_inode *alloc_inode(uint32_t mode, uint32_t mtime)
{
    struct ramfs_inode *ip = kzalloc(sizeof(*ip));
    if (!ip)
        return NULL;
    ip->ino = next_ino++;
    ip->mode = mode;
    ip->atime = ip->mtime = ip->ctime = mtime;
    ip->counted = true;
    return ip;
}

/* Give a new inode its first name: dir name[0..len). Directories hold
 * their parent and count in its nlink. 0 or -ENOMEM (ip untouched). */
static int first_name(struct ramfs_inode *dir, const char *name, size_t len, struct ramfs_inode *ip)
{
    int err = dir_add(dir, name, len, ip);
    if (err < 0)
        return err;
    ip->parent = ramfs_iget(dir);
    if (ramfs_is_dir(ip)) {
        ip->nlink = 2;
        dir->nlink++;
    } else {
        ip->nlink = 1;
    }
    return 0;
}

/* A new inode named name[0..len) in dir (archive indexing); NULL if out of memory. */
static struct ramfs_inode *new_inode(struct ramfs_inode *dir, const char *name, size_t len,
                                     uint32_t mode, uint32_t mtime)
{
    struct ramfs_inode *ip = alloc_inode(mode, mtime);
    if (!ip)
        return NULL;
    if (first_name(dir, name, len, ip) < 0) {
        kfree(ip);
        next_ino--;
        return NULL;
    }
    return ip;
}

struct ramfs_inode *ramfs_create(struct ramfs_inode *dir, const char *name, size_t len,
                                 uint32_t mode, uint32_t uid, uint32_t gid, const char *target)
{
    uint32_t sec, nsec;
    ramfs_now(&sec, &nsec);
    struct ramfs_inode *ip = alloc_inode(mode, sec);
    if (!ip)
        return NULL;
    ip->atime_nsec = ip->mtime_nsec = ip->ctime_nsec = nsec;
    ip->uid = uid;
    ip->gid = gid;
    if (target) {
        size_t n = strlen(target);
        char *copy = kmalloc(n + 1);
        if (!copy) {
            kfree(ip);
            return NULL;
        }
        memcpy(copy, target, n + 1);
        ip->data = (const uint8_t *)copy;
        ip->size = (uint32_t)n;
    }
    if (first_name(dir, name, len, ip) < 0) {
        kfree((void *)ip->data);
        kfree(ip);
        return NULL;
    }
    ramfs_touch(dir, RAMFS_MTIME | RAMFS_CTIME);
    return ip;
}

int ramfs_link(struct ramfs_inode *dir, const char *name, size_t len, struct ramfs_inode *ip)
{
    assert(!ramfs_is_dir(ip));
    int err = dir_add(dir, name, len, ip);
    if (err < 0)
        return err;
    ip->nlink++;
    ramfs_touch(ip, RAMFS_CTIME);
    ramfs_touch(dir, RAMFS_MTIME | RAMFS_CTIME);
    return 0;
}

/* Mark directory ip and everything under it removed; free what nothing holds. */
static void kill_tree(struct ramfs_inode *ip)
{
    if (ramfs_is_dir(ip)) {
        while (ip->nchildren > 0) {
            struct ramfs_inode *c = ip->children[ip->nchildren - 1].ip;
            dir_del(ip, ip->nchildren - 1);
            if (ramfs_is_dir(c)) {
                ip->nlink--;
                kill_tree(c);
            } else {
                c->nlink--;
                maybe_free(c);
            }
        }
        ip->dead = true;
        ip->nlink = 0;
    }
    maybe_free(ip);
}

/* Remove entry i of dir and what it named (if nothing else names it). */
static void remove_entry(struct ramfs_inode *dir, uint32_t i)
{
    struct ramfs_inode *ip = dir->children[i].ip;
    dir_del(dir, i);
    if (ramfs_is_dir(ip)) {
        dir->nlink--;
        kill_tree(ip);
    } else {
        ip->nlink--;
        ramfs_touch(ip, RAMFS_CTIME);
        maybe_free(ip);
    }
}

void ramfs_unlink(struct ramfs_inode *dir, const char *name, size_t len)
{
    int i = find_index(dir, name, len);
    assert(i >= 0);
    remove_entry(dir, (uint32_t)i);
    ramfs_touch(dir, RAMFS_MTIME | RAMFS_CTIME);
}

int ramfs_rename(struct ramfs_inode *odir, const char *oname, size_t olen,
                 struct ramfs_inode *ndir, const char *nname, size_t nlen)
{
    int oi = find_index(odir, oname, olen);
    assert(oi >= 0);
    struct ramfs_inode *ip = odir->children[oi].ip;
    int ni = find_index(ndir, nname, nlen);
    if (ni >= 0 && ndir->children[ni].ip == ip)
        return 0;                       /* two names of one file: nothing to do */
    if (ni < 0) {
        /* A new entry, made first, so that nothing fails past here. */
        if (dir_add(ndir, nname, nlen, ip) < 0)
            return -ENOMEM;
        ni = (int)ndir->nchildren - 1;
    } else {
        char *copy = kmalloc(nlen + 1);
        if (!copy)
            return -ENOMEM;
        memcpy(copy, nname, nlen);
        copy[nlen] = '\0';
        struct ramfs_inode *old = ndir->children[ni].ip;
        ndir->children[ni].ip = ip;
        kfree(ndir->children[ni].name);
        ndir->children[ni].name = copy;
        if (ramfs_is_dir(old)) {
            ndir->nlink--;
            kill_tree(old);
        } else {
            old->nlink--;
            ramfs_touch(old, RAMFS_CTIME);
            maybe_free(old);
        }
    }
    /* The old entry, found again: a removal above may have moved it. */
    for (uint32_t i = 0; i < odir->nchildren; i++) {
        if (odir->children[i].ip == ip && !(odir == ndir && (int)i == ni) &&
            strncmp(odir->children[i].name, oname, olen) == 0 && odir->children[i].name[olen] == '\0') {
            dir_del(odir, i);
            break;
        }
    }
    if (ramfs_is_dir(ip) && odir != ndir) {
        odir->nlink--;
        ndir->nlink++;
    }
    if (ip->parent == odir && odir != ndir) {
        ip->parent = ramfs_iget(ndir);
        ramfs_iput(odir);               /* still in the tree: not freed */
    }
    ramfs_touch(ip, RAMFS_CTIME);
    ramfs_touch(odir, RAMFS_MTIME | RAMFS_CTIME);
    ramfs_touch(ndir, RAMFS_MTIME | RAMFS_CTIME);
    return 0;
}

void ramfs_touch(struct ramfs_inode *ip, int which)
{
    uint32_t sec, nsec;
    ramfs_now(&sec, &nsec);
    if (which & RAMFS_ATIME) {
        ip->atime = sec;
        ip->atime_nsec = nsec;
    }
    if (which & RAMFS_MTIME) {
        ip->mtime = sec;
        ip->mtime_nsec = nsec;
    }
    if (which & RAMFS_CTIME) {
        ip->ctime = sec;
        ip->ctime_nsec = nsec;
    }
}

static void free_tree(struct ramfs_inode *ip)
{
    for (uint32_t i = 0; i < ip->nchildren; i++) {
        struct ramfs_inode *c = ip->children[i].ip;
        kfree(ip->children[i].name);
        if (ramfs_is_dir(c) || --c->nlink == 0)
            free_tree(c);
    }
    if (ramfs_is_reg(ip))
        fs_data_free(ip);
    if (ramfs_is_lnk(ip))
        kfree((void *)ip->data);
    kfree(ip->children);
    kfree(ip);
}

void ramfs_reset(void)
{
    if (root)
        free_tree(root);
    if (console_detached)
        free_tree(console_ip);
    root = NULL;
    console_ip = NULL;
    console_detached = false;
    next_ino = 1;
}

/* A fresh tree holding only "/" (inode 1). 0 or -ENOMEM. */
static int make_root(void)
{
    ramfs_reset();
    root = alloc_inode(S_IFDIR | 0755, 0);
    if (!root)
        return -ENOMEM;
    root->parent = root;
    root->nlink = 2;
    return 0;
}

/* ---- the API for procfs --------------------------------------------------- */

/* name is one valid component, not yet in dir, and dir is live. */
static bool can_add(struct ramfs_inode *dir, const char *name, size_t *len)
{
    *len = strlen(name);
    return dir && ramfs_is_dir(dir) && !dir->dead && *len > 0 && *len <= RAMFS_NAME_MAX &&
           !strchr(name, '/') && strcmp(name, ".") != 0 && strcmp(name, "..") != 0 &&
           !ramfs_find(dir, name, *len);
}

struct ramfs_inode *ramfs_mknode(struct ramfs_inode *dir, const char *name, uint32_t mode,
                                 const struct file_ops *fops, void *priv)
{
    size_t len;
    if (!can_add(dir, name, &len))
        return NULL;
    struct ramfs_inode *ip = ramfs_create(dir, name, len, mode, 0, 0, NULL);
    if (ip) {
        ip->fops = fops;
        ip->priv = priv;
    }
    return ip;
}

struct ramfs_inode *ramfs_mklink(struct ramfs_inode *dir, const char *name,
                                 ramfs_target_fn target, void *priv)
{
    size_t len;
    if (!can_add(dir, name, &len) || !target)
        return NULL;
    struct ramfs_inode *ip = ramfs_create(dir, name, len, S_IFLNK | 0777, 0, 0, NULL);
    if (ip) {
        ip->target = target;
        ip->priv = priv;
    }
    return ip;
}

void ramfs_remove(struct ramfs_inode *ip)
{
    struct ramfs_inode *dir = ip->parent;
    assert(ip != root && dir);
    if (ramfs_is_dir(ip) && ip->dead)
        return;
    /* Every entry of its directory naming it (procfs's nodes have one). */
    for (uint32_t i = dir->nchildren; i-- > 0;) {
        if (dir->children[i].ip != ip)
            continue;
        if (ramfs_is_dir(ip)) {
            dir_del(dir, i);
            dir->nlink--;
            kill_tree(ip);
            return;
        }
        bool last = ip->nlink == 1;
        remove_entry(dir, i);
        if (last)
            return;                     /* ip may be freed */
    }
}

/* ---- path resolution ------------------------------------------------------ */

int ramfs_readlink(struct ramfs_inode *ip, char *buf, size_t n)
{
    assert(ramfs_is_lnk(ip));
    if (ip->target)
        return ip->target(ip, buf, n);
    size_t len = ip->size;
    if (n > 0) {
        size_t c = MIN(len, n - 1);
        memcpy(buf, ip->data, c);
        buf[c] = '\0';
    }
    return (int)len;
}

struct walk {
    int links;                          /* symlinks followed so far */
};

static int walk_len(struct walk *w, struct ramfs_inode *start, const char *path, size_t plen,
                    int flags, struct ramfs_inode **ip, struct ramfs_inode **parentp);

/* Follow symlink link found in directory dir: the inode its target names. */
static int follow(struct walk *w, struct ramfs_inode *dir, struct ramfs_inode *link,
                  struct ramfs_inode **ip, struct ramfs_inode **parentp)
{
    if (++w->links > RAMFS_SYMLOOP_MAX)
        return -ELOOP;
    char *buf = kmalloc(RAMFS_PATH_MAX);
    if (!buf)
        return -ENOMEM;
    int n = ramfs_readlink(link, buf, RAMFS_PATH_MAX);
    int err;
    if (n < 0)
        err = n;
    else if (n >= RAMFS_PATH_MAX)
        err = -ENAMETOOLONG;
    else
        err = walk_len(w, dir, buf, (size_t)n, 0, ip, parentp);
    kfree(buf);
    return err;
}

/*
 * The walk itself, over path[0..plen) (which need not end with a NUL).
 * An empty target of a symlink is -ENOENT, as on Linux.
 */
static int walk_len(struct walk *w, struct ramfs_inode *start, const char *path, size_t plen,
                    int flags, struct ramfs_inode **ip, struct ramfs_inode **parentp)
{
    *ip = NULL;
    if (parentp)
        *parentp = NULL;
    if (plen == 0 || !root)
        return -ENOENT;
    struct ramfs_inode *cur = path[0] == '/' || !start ? root : start;
    const char *p = path, *end = path + plen;
    bool trailing = path[plen - 1] == '/';
    for (;;) {
        while (p < end && *p == '/')
            p++;
        if (p == end)
            break;
        const char *name = p;
        while (p < end && *p != '/')
            p++;
        size_t len = (size_t)(p - name);
        const char *rest = p;
        while (rest < end && *rest == '/')
            rest++;
        bool last = rest == end;
        if (!ramfs_is_dir(cur))
            return -ENOTDIR;
        int err = ramfs_search_ok(cur);
        if (err < 0)
            return err;
        if (len > RAMFS_NAME_MAX)
            return -ENAMETOOLONG;
        if (len == 1 && name[0] == '.')
            continue;
        if (len == 2 && name[0] == '.' && name[1] == '.') {
            cur = cur->parent;
            continue;
        }
        if (cur->refresh)
            cur->refresh(cur);
        struct ramfs_inode *next = cur->dead ? NULL : ramfs_find(cur, name, len);
        if (!next) {
            /* Only the last component missing (and no trailing "/"): tell open(O_CREAT). */
            if (last && !trailing && parentp)
                *parentp = cur;
            return -ENOENT;
        }
        if (ramfs_is_lnk(next) && (!last || trailing || !(flags & RAMFS_NOFOLLOW))) {
            struct ramfs_inode *to;
            err = follow(w, cur, next, &to, last && !trailing ? parentp : NULL);
            if (err < 0)
                return err;
            next = to;
        }
        cur = next;
    }
    if (trailing && !ramfs_is_dir(cur))
        return -ENOTDIR;
    *ip = cur;
    return 0;
}

int ramfs_walk_from(struct ramfs_inode *start, const char *path, int flags,
                    struct ramfs_inode **ip, struct ramfs_inode **parentp)
{
    struct walk w = { 0 };
    size_t plen = strnlen(path, RAMFS_PATH_MAX);
    *ip = NULL;
    if (parentp)
        *parentp = NULL;
    if (plen >= RAMFS_PATH_MAX)
        return -ENAMETOOLONG;
    return walk_len(&w, start, path, plen, flags, ip, parentp);
}

int ramfs_walk(const char *path, struct ramfs_inode **ip, struct ramfs_inode **parentp)
{
    return ramfs_walk_from(NULL, path, 0, ip, parentp);
}

int ramfs_walk_parent(struct ramfs_inode *start, const char *path, struct ramfs_inode **dirp,
                      const char **name, size_t *len, bool *trailing)
{
    struct walk w = { 0 };
    size_t plen = strnlen(path, RAMFS_PATH_MAX);
    *dirp = NULL;
    if (plen >= RAMFS_PATH_MAX)
        return -ENAMETOOLONG;
    if (plen == 0 || !root)
        return -ENOENT;
    size_t e = plen;
    while (e > 0 && path[e - 1] == '/')
        e--;
    *trailing = e < plen;
    size_t s = e;
    while (s > 0 && path[s - 1] != '/')
        s--;
    *name = path + s;
    *len = e - s;
    struct ramfs_inode *dir = path[0] == '/' || !start ? root : start;
    if (s > 0) {
        int err = walk_len(&w, start, path, s, 0, &dir, NULL);
        if (err < 0)
            return err;
    }
    if (!ramfs_is_dir(dir))
        return -ENOTDIR;
    if (*len > RAMFS_NAME_MAX)
        return -ENAMETOOLONG;
    *dirp = dir;
    return 0;
}

/* The name under which dir's parent lists dir (a directory has one). */
static const char *dir_name(const struct ramfs_inode *dir)
{
    const struct ramfs_inode *p = dir->parent;
    for (uint32_t i = 0; i < p->nchildren; i++)
        if (p->children[i].ip == dir)
            return p->children[i].name;
    return NULL;
}

int ramfs_path(const struct ramfs_inode *dir, char *buf, size_t n)
{
    if (n == 0)
        return -ERANGE;
    size_t at = n - 1;
    buf[at] = '\0';
    for (const struct ramfs_inode *d = dir; d != root; d = d->parent) {
        const char *name = d->dead ? NULL : dir_name(d);
        if (!name)
            return -ENOENT;
        size_t len = strlen(name);
        if (len + 1 > at)
            return -ERANGE;
        at -= len;
        memcpy(buf + at, name, len);
        buf[--at] = '/';
    }
    if (dir == root) {
        if (at < 1)
            return -ERANGE;
        buf[--at] = '/';
    }
    size_t total = n - at;
    memmove(buf, buf + at, total);
    return (int)total;
}

/* ---- indexing the archive ------------------------------------------------- */

/* Parse an octal field; false if it holds anything else (e.g. GNU base-256). */
static bool parse_octal(const char *f, size_t n, uint64_t *out)
{
    size_t i = 0;
    uint64_t v = 0;
    while (i < n && f[i] == ' ')
        i++;
    for (; i < n && f[i] >= '0' && f[i] <= '7'; i++)
        v = v * 8 + (uint64_t)(f[i] - '0');
    for (; i < n; i++)
        if (f[i] != ' ' && f[i] != '\0')
            return false;
    *out = v;
    return true;
}

static bool zero_block(const uint8_t *b)
{
    for (int i = 0; i < BLOCK; i++)
        if (b[i])
            return false;
    return true;
}

/* The stored checksum is the byte sum with the checksum field read as spaces;
 * old tars summed signed chars, so accept that sum too. */
static bool checksum_ok(const struct ustar_hdr *h)
{
    uint64_t stored;
    if (!parse_octal(h->chksum, sizeof(h->chksum), &stored))
        return false;
    const uint8_t *b = (const uint8_t *)h;
    uint32_t usum = 0;
    int32_t ssum = 0;
    for (int i = 0; i < BLOCK; i++) {
        bool in_field = i >= 148 && i < 156;
        usum += in_field ? ' ' : b[i];
        ssum += in_field ? ' ' : (int8_t)b[i];
    }
    return stored == usum || (int64_t)stored == ssum;
}

/*
 * Enter one archive entry: the directory, regular file or symlink (type,
 * with target for a symlink; a hard link is link, an existing file) at
 * path (relative to "/", "." components and repeated slashes allowed). A
 * later entry for the same path replaces the earlier one, as extracting
 * would. 0, -ENOMEM, or -EINVAL (bad name, or a file where a directory
 * is needed).
 */
static int add_entry(const char *path, uint32_t type, uint32_t mode, uint32_t mtime,
                     const uint8_t *data, uint32_t size, const char *target,
                     struct ramfs_inode *link)
{
    struct ramfs_inode *cur = root;
    const char *p = path;
    mode = type | (mode & 07777);
    for (;;) {
        while (*p == '/')
            p++;
        const char *name = p;
        while (*p && *p != '/')
            p++;
        size_t len = (size_t)(p - name);
        const char *rest = p;
        while (*rest == '/')
            rest++;
        bool last = *rest == '\0';

        if (len == 0 || (len == 1 && name[0] == '.')) {
            if (!last)
                continue;
            if (cur != root || type != S_IFDIR)
                return -EINVAL;
            root->mode = mode;          /* the "./" entry: the root's own */
            root->atime = root->mtime = root->ctime = mtime;
            return 0;
        }
        if (len > RAMFS_NAME_MAX || (len == 2 && name[0] == '.' && name[1] == '.'))
            return -EINVAL;

        struct ramfs_inode *next = ramfs_find(cur, name, len);
        if (!last) {
            if (!next)
                next = new_inode(cur, name, len, S_IFDIR | 0755, mtime);
            if (!next)
                return -ENOMEM;
            if (!ramfs_is_dir(next))
                return -EINVAL;
            cur = next;
            continue;
        }
        if (link) {
            if (next)
                return -EINVAL;
            if (dir_add(cur, name, len, link) < 0)
                return -ENOMEM;
            link->nlink++;
            return 0;
        }
        if (next && ((next->mode & S_IFMT) != type || ramfs_is_lnk(next)))
            return -EINVAL;
        if (!next) {
            next = new_inode(cur, name, len, mode, mtime);
            if (!next)
                return -ENOMEM;
        }
        if (target) {
            size_t n = strlen(target);
            char *copy = kmalloc(n + 1);
            if (!copy)
                return -ENOMEM;
            memcpy(copy, target, n + 1);
            data = (const uint8_t *)copy;
            size = (uint32_t)n;
        }
        next->mode = mode;
        next->atime = next->mtime = next->ctime = mtime;
        next->data = data;
        next->size = size;
        return 0;
    }
}

/* Add /dev (if missing) with its devices, /tmp and /dev/shm. 0 or -ENOMEM. */
static int add_devices(void)
{
    struct ramfs_inode *dev = ramfs_find(root, "dev", 3);
    if (!dev)
        dev = new_inode(root, "dev", 3, S_IFDIR | 0755, root->mtime);
    if (!dev)
        return -ENOMEM;
    if (!ramfs_is_dir(dev)) {
        printk("ramfs: /dev is not a directory; no /dev/console\n");
        dev = NULL;
    }
    static const struct { const char *name; uint32_t mode, rdev; } devs[] = {
        { "console", S_IFCHR | 0620, RAMFS_MKDEV(5, 1) },
        { "tty",     S_IFCHR | 0666, RAMFS_MKDEV(5, 0) },
        { "null",    S_IFCHR | 0666, RAMFS_MKDEV(1, 3) },
        { "zero",    S_IFCHR | 0666, RAMFS_MKDEV(1, 5) },
        { "full",    S_IFCHR | 0666, RAMFS_MKDEV(1, 7) },
        { "random",  S_IFCHR | 0666, RAMFS_MKDEV(1, 8) },
        { "urandom", S_IFCHR | 0666, RAMFS_MKDEV(1, 9) },
    };
    for (size_t i = 0; dev && i < ARRAY_SIZE(devs); i++) {
        size_t len = strlen(devs[i].name);
        struct ramfs_inode *ip = ramfs_find(dev, devs[i].name, len);
        if (ip && !ramfs_is_chr(ip)) {
            printk("ramfs: /dev/%s in the archive is not a device; left as it is\n", devs[i].name);
            continue;
        }
        if (!ip)
            ip = new_inode(dev, devs[i].name, len, devs[i].mode, root->mtime);
        if (!ip)
            return -ENOMEM;
        ip->rdev = devs[i].rdev;
        ip->fops = i < 2 ? &console_fops : &devmem_fops;
        if (i == 0)
            console_ip = ip;
    }
    if (!console_ip) {
        /* The archive took the name: file.c still needs a console inode. */
        console_ip = alloc_inode(devs[0].mode, 0);
        if (!console_ip)
            return -ENOMEM;
        console_ip->rdev = devs[0].rdev;
        console_ip->fops = &console_fops;
        console_ip->parent = root;
        console_ip->nlink = 1;
        console_detached = true;
    }
    /* Scratch space every user may write, as tmpfs mounts give Linux. */
    struct { struct ramfs_inode *dir; const char *name; } tmps[] = {
        { root, "tmp" }, { dev, "shm" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(tmps); i++) {
        if (!tmps[i].dir)
            continue;
        size_t len = strlen(tmps[i].name);
        struct ramfs_inode *ip = ramfs_find(tmps[i].dir, tmps[i].name, len);
        if (!ip)
            ip = new_inode(tmps[i].dir, tmps[i].name, len, S_IFDIR | 01777, root->mtime);
        if (!ip)
            return -ENOMEM;
        if (ramfs_is_dir(ip))
            ip->mode = S_IFDIR | 01777;
    }
    return 0;
}

/* The full name of an entry: prefix "/" name (each field maybe unterminated). */
static void entry_name(const struct ustar_hdr *h, char *buf)
{
    size_t plen = strnlen(h->prefix, sizeof(h->prefix));
    size_t nlen = strnlen(h->name, sizeof(h->name));
    size_t n = 0;
    if (plen) {
        memcpy(buf, h->prefix, plen);
        n = plen;
        buf[n++] = '/';
    }
    memcpy(buf + n, h->name, nlen);
    buf[n + nlen] = '\0';
}

int ramfs_build(const uint8_t *start, const uint8_t *end)
{
    char name[sizeof(((struct ustar_hdr *)0)->prefix) + 1 + sizeof(((struct ustar_hdr *)0)->name) + 1];
    char target[sizeof(((struct ustar_hdr *)0)->linkname) + 1];
    int used = 0, err;

    if ((err = make_root()) < 0)
        return err;
    const uint8_t *p = start;
    while (start && end && end - p >= BLOCK) {
        const struct ustar_hdr *h = (const struct ustar_hdr *)p;
        if (zero_block(p))
            break;                      /* end of archive */
        uint64_t mode, size, mtime;
        if (memcmp(h->magic, "ustar", 5) != 0 || !checksum_ok(h) ||
            !parse_octal(h->mode, sizeof(h->mode), &mode) ||
            !parse_octal(h->size, sizeof(h->size), &size) ||
            !parse_octal(h->mtime, sizeof(h->mtime), &mtime)) {
            printk("ramfs: bad header at offset %u; archive truncated here\n",
                   (unsigned)(p - start));
            break;
        }
        const uint8_t *data = p + BLOCK;
        bool has_data = !(h->typeflag >= '1' && h->typeflag <= '6');
        uint64_t space = (uint64_t)(end - data);
        if (has_data && size > space) {
            printk("ramfs: entry at offset %u runs past the end; archive truncated here\n",
                   (unsigned)(p - start));
            break;
        }
        entry_name(h, name);
        memcpy(target, h->linkname, sizeof(h->linkname));
        target[sizeof(h->linkname)] = '\0';
        bool is_reg = h->typeflag == '0' || h->typeflag == '\0' || h->typeflag == '7';
        err = 1;
        if (is_reg || h->typeflag == '5') {
            err = add_entry(name, is_reg ? S_IFREG : S_IFDIR, (uint32_t)mode, (uint32_t)mtime,
                            is_reg ? data : NULL, is_reg ? (uint32_t)size : 0, NULL, NULL);
        } else if (h->typeflag == '2') {
            err = target[0] ? add_entry(name, S_IFLNK, 0777, (uint32_t)mtime, NULL, 0, target, NULL)
                            : -EINVAL;
        } else if (h->typeflag == '1') {
            struct ramfs_inode *to;
            err = ramfs_walk_from(root, target, RAMFS_NOFOLLOW, &to, NULL);
            if (err == 0 && ramfs_is_dir(to))
                err = -EINVAL;
            if (err == 0)
                err = add_entry(name, to->mode & S_IFMT, 0, 0, NULL, 0, NULL, to);
            else if (err != -ENOMEM)
                err = -EINVAL;
        }
        /* Other types (devices, fifos, pax headers) are skipped. */
        if (err == -ENOMEM)
            return err;
        if (err < 0)
            printk("ramfs: skipped entry \"%s\"\n", name);
        else if (err == 0)
            used++;
        p = data;
        if (has_data)
            p += ALIGN_UP(size, BLOCK);
    }
    if ((err = add_devices()) < 0)
        return err;
    return used;
}

struct ramfs_inode *ramfs_console(void)
{
    if (!root && ramfs_build(NULL, NULL) < 0)
        return NULL;
    return console_ip;
}

void ramfs_init(const uint8_t *start, const uint8_t *end)
{
    int n = ramfs_build(start, end);
    if (n < 0)
        panic("ramfs: out of memory indexing the initrd");
    printk("ramfs: %d archive entries, %u KiB initrd, %u inodes\n", n,
           start && end ? (unsigned)((end - start) / 1024) : 0, (unsigned)(next_ino - 1));
}

/* ---- directory listing and attributes ------------------------------------- */

static uint8_t dirent_type(const struct ramfs_inode *ip)
{
    switch (ip->mode & S_IFMT) {
    case S_IFDIR: return DT_DIR;
    case S_IFCHR: return DT_CHR;
    case S_IFLNK: return DT_LNK;
    case S_IFIFO: return DT_FIFO;
    case S_IFBLK: return DT_BLK;
    case S_IFSOCK: return DT_SOCK;
    default: return DT_REG;
    }
}

long ramfs_getdents64(const struct ramfs_inode *dir, int64_t *pos, void *buf, size_t size)
{
    const size_t hdr = offsetof(struct linux_dirent64, d_name);
    uint64_t nentries = dir->dead ? 0 : (uint64_t)dir->nchildren + 2;
    int64_t i = *pos;
    size_t used = 0;

    for (; i >= 0 && (uint64_t)i < nentries; i++) {
        const struct ramfs_inode *ip;
        const char *name;
        if (i == 0) {
            ip = dir;
            name = ".";
        } else if (i == 1) {
            ip = dir->parent;
            name = "..";
        } else {
            ip = dir->children[i - 2].ip;
            name = dir->children[i - 2].name;
        }
        size_t len = strlen(name);
        size_t reclen = ALIGN_UP(hdr + len + 1, 8);
        if (reclen > size - used) {
            if (used == 0)
                return -EINVAL;
            break;
        }
        struct linux_dirent64 d;
        d.d_ino = ip->ino;
        d.d_off = i + 1;
        d.d_reclen = (uint16_t)reclen;
        d.d_type = dirent_type(ip);
        char *rec = (char *)buf + used;
        memset(rec, 0, reclen);         /* padding: no stale kernel bytes */
        memcpy(rec, &d, hdr);
        memcpy(rec + hdr, name, len);
        used += reclen;
    }
    *pos = i;
    return (long)used;
}

/* 512-byte blocks: the pages a file's data holds (its own, or the
 * archive's it still reads), as tmpfs counts. */
static uint32_t blocks(const struct ramfs_inode *ip)
{
    if (ramfs_is_reg(ip))
        return ip->pages ? fs_data_resident(ip) * 8 : (ip->size + 511) / 512;
    return 0;
}

void ramfs_stat(const struct ramfs_inode *ip, struct linux_stat *st)
{
    memset(st, 0, sizeof(*st));
    st->st_dev = RAMFS_DEV;
    st->st_ino = ip->ino;
    st->st_mode = (uint16_t)ip->mode;
    st->st_nlink = (uint16_t)ip->nlink;
    st->st_uid = (uint16_t)ip->uid;
    st->st_gid = (uint16_t)ip->gid;
    st->st_rdev = ip->rdev;
    st->st_size = ip->size;
    st->st_blksize = 4096;
    st->st_blocks = blocks(ip);
    st->st_atime = ip->atime;
    st->st_atime_nsec = ip->atime_nsec;
    st->st_mtime = ip->mtime;
    st->st_mtime_nsec = ip->mtime_nsec;
    st->st_ctime = ip->ctime;
    st->st_ctime_nsec = ip->ctime_nsec;
}

void ramfs_stat64(const struct ramfs_inode *ip, struct linux_stat64 *st)
{
    memset(st, 0, sizeof(*st));
    st->st_dev = RAMFS_DEV;
    st->__st_ino = ip->ino;
    st->st_ino = ip->ino;
    st->st_mode = ip->mode;
    st->st_nlink = ip->nlink;
    st->st_uid = ip->uid;
    st->st_gid = ip->gid;
    st->st_rdev = ip->rdev;
    st->st_size = ip->size;
    st->st_blksize = 4096;
    st->st_blocks = blocks(ip);
    st->st_atime = ip->atime;
    st->st_atime_nsec = ip->atime_nsec;
    st->st_mtime = ip->mtime;
    st->st_mtime_nsec = ip->mtime_nsec;
    st->st_ctime = ip->ctime;
    st->st_ctime_nsec = ip->ctime_nsec;
}
