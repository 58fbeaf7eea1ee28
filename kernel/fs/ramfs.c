/*
 * ramfs.c: the read-only root filesystem, an inode tree indexed from the
 * USTAR initrd that GRUB loads as a module. File data stays in the archive;
 * only inodes, names and child arrays are allocated.
 *
 * The tree (struct ramfs_inode, kernel/fs/ramfs.h): "/" is inode 1 and the
 * other inodes are numbered in archive order. A directory that appears in a
 * path before its own archive entry (or never has one) is created with mode
 * 0755 and gets its real mode and mtime when its entry comes. After the
 * archive, /dev/console and /dev/tty are added as character devices: both
 * are the console, and file.c opens them as such.
 *
 * Called by: main.c (ramfs_init), file.c (the rest, exec's lookup
 * included). Nothing here touches user memory or processes, so the host test
 * tests/host/test_ramfs.c builds this file as it is.
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

/* ---- the tree ------------------------------------------------------------- */

static struct ramfs_inode *find_child(const struct ramfs_inode *dir, const char *name, size_t len)
{
    for (uint32_t i = 0; i < dir->nchildren; i++) {
        struct ramfs_inode *c = dir->children[i];
        if (strncmp(c->name, name, len) == 0 && c->name[len] == '\0')
            return c;
    }
    return NULL;
}

/* A new inode named name[0..len) appended to dir's children; NULL if out of memory. */
static struct ramfs_inode *new_inode(struct ramfs_inode *dir, const char *name, size_t len,
                                     uint32_t mode, uint32_t mtime)
{
    if (dir->nchildren == dir->cap) {
        uint32_t cap = dir->cap ? dir->cap * 2 : 8;
        struct ramfs_inode **c = kmalloc(cap * sizeof(*c));
        if (!c)
            return NULL;
        if (dir->nchildren)
            memcpy(c, dir->children, dir->nchildren * sizeof(*c));
        kfree(dir->children);
        dir->children = c;
        dir->cap = cap;
    }
    struct ramfs_inode *ip = kzalloc(sizeof(*ip));
    char *copy = kmalloc(len + 1);
    if (!ip || !copy) {
        kfree(ip);
        kfree(copy);
        return NULL;
    }
    memcpy(copy, name, len);
    copy[len] = '\0';
    ip->name = copy;
    ip->ino = next_ino++;
    ip->mode = mode;
    ip->mtime = mtime;
    ip->parent = dir;
    dir->children[dir->nchildren++] = ip;
    return ip;
}

static void free_tree(struct ramfs_inode *ip)
{
    for (uint32_t i = 0; i < ip->nchildren; i++)
        free_tree(ip->children[i]);
    kfree(ip->children);
    kfree(ip->name);
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
    root = kzalloc(sizeof(*root));
    if (!root)
        return -ENOMEM;
    root->name = kzalloc(1);
    if (!root->name) {
        kfree(root);
        root = NULL;
        return -ENOMEM;
    }
    root->ino = next_ino++;
    root->mode = S_IFDIR | 0755;
    root->parent = root;
    return 0;
}

/* ---- path resolution ------------------------------------------------------ */

int ramfs_walk(const char *path, struct ramfs_inode **ip, struct ramfs_inode **parentp)
{
    *ip = NULL;
    if (parentp)
        *parentp = NULL;
    size_t plen = strnlen(path, RAMFS_PATH_MAX);
    if (plen >= RAMFS_PATH_MAX)
        return -ENAMETOOLONG;
    if (plen == 0)
        return -ENOENT;
    if (!root)
        return -ENOENT;

    struct ramfs_inode *cur = root;
    const char *p = path;
    for (;;) {
        while (*p == '/')
            p++;
        if (*p == '\0')
            break;
        const char *name = p;
        while (*p && *p != '/')
            p++;
        size_t len = (size_t)(p - name);
        if (!ramfs_is_dir(cur))
            return -ENOTDIR;
        if (len > RAMFS_NAME_MAX)
            return -ENAMETOOLONG;
        if (len == 1 && name[0] == '.')
            continue;
        if (len == 2 && name[0] == '.' && name[1] == '.') {
            cur = cur->parent;
            continue;
        }
        struct ramfs_inode *next = find_child(cur, name, len);
        if (!next) {
            /* Only the last component missing (and no trailing "/"): tell open(O_CREAT). */
            if (*p == '\0' && parentp)
                *parentp = cur;
            return -ENOENT;
        }
        cur = next;
    }
    if (path[plen - 1] == '/' && !ramfs_is_dir(cur))
        return -ENOTDIR;
    *ip = cur;
    return 0;
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
 * Enter one archive entry: the directory or regular file at path (relative
 * to "/", "." components and repeated slashes allowed). A later entry for
 * the same path replaces the earlier one, as extracting would. 0, -ENOMEM,
 * or -EINVAL (bad name, or a file where a directory is needed).
 */
static int add_entry(const char *path, bool is_dir, uint32_t mode, uint32_t mtime,
                     const uint8_t *data, uint32_t size)
{
    struct ramfs_inode *cur = root;
    const char *p = path;
    uint32_t type = is_dir ? S_IFDIR : S_IFREG;
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
            if (cur != root || !is_dir)
                return -EINVAL;
            root->mode = mode;          /* the "./" entry: the root's own */
            root->mtime = mtime;
            return 0;
        }
        if (len > RAMFS_NAME_MAX || (len == 2 && name[0] == '.' && name[1] == '.'))
            return -EINVAL;

        struct ramfs_inode *next = find_child(cur, name, len);
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
        if (next && (next->mode & S_IFMT) != type)
            return -EINVAL;
        if (!next)
            next = new_inode(cur, name, len, mode, mtime);
        if (!next)
            return -ENOMEM;
        next->mode = mode;
        next->mtime = mtime;
        next->data = data;
        next->size = size;
        return 0;
    }
}

/* Add /dev (if missing) and the console devices. 0 or -ENOMEM. */
static int add_devices(void)
{
    struct ramfs_inode *dev = find_child(root, "dev", 3);
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
    };
    for (size_t i = 0; dev && i < ARRAY_SIZE(devs); i++) {
        size_t len = strlen(devs[i].name);
        struct ramfs_inode *ip = find_child(dev, devs[i].name, len);
        if (ip && !ramfs_is_chr(ip)) {
            printk("ramfs: /dev/%s in the archive is not a device; left as it is\n", devs[i].name);
            continue;
        }
        if (!ip)
            ip = new_inode(dev, devs[i].name, len, devs[i].mode, root->mtime);
        if (!ip)
            return -ENOMEM;
        ip->rdev = devs[i].rdev;
        ip->fops = &console_fops;
        if (i == 0)
            console_ip = ip;
    }
    if (!console_ip) {
        /* The archive took the name: file.c still needs a console inode. */
        console_ip = kzalloc(sizeof(*console_ip));
        char *name = kzalloc(1);
        if (!console_ip || !name) {
            kfree(console_ip);
            kfree(name);
            console_ip = NULL;
            return -ENOMEM;
        }
        console_ip->name = name;
        console_ip->ino = next_ino++;
        console_ip->mode = devs[0].mode;
        console_ip->rdev = devs[0].rdev;
        console_ip->fops = &console_fops;
        console_ip->parent = root;
        console_detached = true;
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
        bool is_reg = h->typeflag == '0' || h->typeflag == '\0' || h->typeflag == '7';
        if (is_reg || h->typeflag == '5') {
            err = add_entry(name, !is_reg, (uint32_t)mode, (uint32_t)mtime,
                            is_reg ? data : NULL, is_reg ? (uint32_t)size : 0);
            if (err == -ENOMEM)
                return err;
            if (err < 0)
                printk("ramfs: skipped entry \"%s\"\n", name);
            else
                used++;
        }
        /* Other types (links, devices, fifos, pax headers) are skipped. */
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
    if (ramfs_is_dir(ip))
        return DT_DIR;
    if (ramfs_is_chr(ip))
        return DT_CHR;
    return DT_REG;
}

long ramfs_getdents64(const struct ramfs_inode *dir, int64_t *pos, void *buf, size_t size)
{
    const size_t hdr = offsetof(struct linux_dirent64, d_name);
    uint64_t nentries = (uint64_t)dir->nchildren + 2;
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
            ip = dir->children[i - 2];
            name = ip->name;
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

/* Directories: 2 + one ".." link from each subdirectory, as Linux counts. */
static uint32_t nlink(const struct ramfs_inode *ip)
{
    if (!ramfs_is_dir(ip))
        return 1;
    uint32_t n = 2;
    for (uint32_t i = 0; i < ip->nchildren; i++)
        n += ramfs_is_dir(ip->children[i]);
    return n;
}

void ramfs_stat(const struct ramfs_inode *ip, struct linux_stat *st)
{
    memset(st, 0, sizeof(*st));
    st->st_dev = RAMFS_DEV;
    st->st_ino = ip->ino;
    st->st_mode = (uint16_t)ip->mode;
    st->st_nlink = (uint16_t)nlink(ip);
    st->st_rdev = ip->rdev;
    st->st_size = ip->size;
    st->st_blksize = 4096;
    st->st_blocks = (ip->size + 511) / 512;
    st->st_atime = st->st_mtime = st->st_ctime = ip->mtime;
}

void ramfs_stat64(const struct ramfs_inode *ip, struct linux_stat64 *st)
{
    memset(st, 0, sizeof(*st));
    st->st_dev = RAMFS_DEV;
    st->__st_ino = ip->ino;
    st->st_ino = ip->ino;
    st->st_mode = ip->mode;
    st->st_nlink = nlink(ip);
    st->st_rdev = ip->rdev;
    st->st_size = ip->size;
    st->st_blksize = 4096;
    st->st_blocks = ((uint64_t)ip->size + 511) / 512;
    st->st_atime = ip->mtime;
    st->st_mtime = ip->mtime;
    st->st_ctime = ip->mtime;
}
