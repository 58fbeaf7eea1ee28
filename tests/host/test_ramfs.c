/*
 * test_ramfs.c: host-side test of the ramfs tree (kernel/fs/ramfs.c):
 * indexing USTAR archives, path resolution and its errors, directory
 * listings (getdents64 records) and stat attributes.
 *
 * The archives are written here, header by header (tar_add), so every odd
 * case is exact: entries out of order, directories that never get an entry,
 * a name of exactly 100 bytes, the prefix field, a bad checksum, skipped
 * entry types. One more archive comes from GNU tar itself, when `tar` is
 * installed, to check we read what the initrd builder really writes.
 * kmalloc/kfree count their blocks, so the test also checks that
 * ramfs_reset gives every block back.
 *
 * Build and run (from the top of the tree):
 *   gcc -DAGORA_HOST_TEST -Ikernel/include -Iarch/x86/include \
 *       -o build/host/test_ramfs tests/host/test_ramfs.c kernel/fs/ramfs.c \
 *       && build/host/test_ramfs
 * Prints PASS/FAIL per check; exits non-zero if any check failed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <kernel/fs.h>
#include <kernel/kheap.h>
#include <kernel/console.h>
#include <uapi/errno.h>
#include <uapi/stat.h>
#include <uapi/dirent.h>
#include "../../kernel/fs/ramfs.h"

/* ---- kernel shims --------------------------------------------------------- */

static long live_blocks;                /* kmalloc'ed and not yet kfree'd */
static bool quiet = true;               /* hide ramfs's printk unless asked */

void *kmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (p)
        live_blocks++;
    return p;
}

void *kzalloc(size_t size)
{
    void *p = kmalloc(size);
    if (p)
        memset(p, 0, size);
    return p;
}

void kfree(void *p)
{
    if (p)
        live_blocks--;
    free(p);
}

/* The console's file operations live in the kernel; the tree only points at them. */
#include <kernel/file.h>
const struct file_ops console_fops;
const struct file_ops devmem_fops;

/* What ramfs.c asks of the kernel: a clock, search permission (all may
 * search here), and the file pages of mapping.c (no file here has any). */
void ramfs_now(uint32_t *sec, uint32_t *nsec)
{
    *sec = 1234;
    *nsec = 5678;
}

int ramfs_search_ok(const struct ramfs_inode *dir)
{
    (void)dir;
    return 0;
}

void fs_data_free(struct ramfs_inode *ip)
{
    if (ip->pages)
        panic("fs_data_free: pages in a host test");
}

uint32_t fs_data_resident(const struct ramfs_inode *ip)
{
    (void)ip;
    return 0;
}

int printk(const char *fmt, ...)
{
    va_list ap;
    if (quiet)
        return 0;
    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

void panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("panic: ");
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    exit(2);
}

/* ---- reporting ------------------------------------------------------------ */

static int failures;
static char why[512];

static bool fail(const char *fmt, ...)
{
    va_list ap;
    if (!why[0]) {
        va_start(ap, fmt);
        vsnprintf(why, sizeof(why), fmt, ap);
        va_end(ap);
    }
    return false;
}

static void report(const char *check, bool ok)
{
    if (ok && !why[0]) {
        printf("PASS %s\n", check);
    } else {
        printf("FAIL %s (%s)\n", check, why[0] ? why : "no reason given");
        failures++;
    }
    why[0] = 0;
}

/* ---- writing archives ----------------------------------------------------- */

struct tar {
    uint8_t *buf;
    size_t len, cap;
};

static void tar_reserve(struct tar *t, size_t more)
{
    if (t->len + more <= t->cap)
        return;
    while (t->len + more > t->cap)
        t->cap = t->cap ? t->cap * 2 : 8192;
    t->buf = realloc(t->buf, t->cap);
    if (!t->buf) {
        perror("realloc");
        exit(2);
    }
}

/* width - 1 octal digits and a NUL, as GNU tar writes them */
static void octal(char *field, size_t width, unsigned long long v)
{
    field[width - 1] = '\0';
    for (size_t i = width - 1; i-- > 0; v >>= 3)
        field[i] = (char)('0' + (v & 7));
}

/*
 * Append one entry. A path over 100 bytes is split at a '/' into prefix
 * and name, as USTAR requires. Returns the header's offset.
 */
static size_t tar_add(struct tar *t, const char *path, char type, unsigned mode,
                      const char *data, size_t size, unsigned mtime)
{
    uint8_t h[512];
    memset(h, 0, sizeof(h));
    size_t plen = strlen(path);
    if (plen <= 100) {
        memcpy(h, path, plen);
    } else {
        const char *cut = NULL;
        for (const char *s = path; *s; s++)
            if (*s == '/' && (size_t)(s - path) <= 155 && plen - (size_t)(s - path) - 1 <= 100)
                cut = s;
        if (!cut) {
            fprintf(stderr, "tar_add: cannot split %s\n", path);
            exit(2);
        }
        memcpy(h, cut + 1, plen - (size_t)(cut - path) - 1);
        memcpy(h + 345, path, (size_t)(cut - path));
    }
    octal((char *)h + 100, 8, mode);
    octal((char *)h + 108, 8, 0);
    octal((char *)h + 116, 8, 0);
    octal((char *)h + 124, 12, size);
    octal((char *)h + 136, 12, mtime);
    h[156] = (uint8_t)type;
    memcpy(h + 257, "ustar", 6);
    memcpy(h + 263, "00", 2);
    memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (int i = 0; i < 512; i++)
        sum += h[i];
    octal((char *)h + 148, 7, sum);         /* six digits, NUL, then a space */
    h[155] = ' ';

    size_t at = t->len;
    size_t padded = (size + 511) / 512 * 512;
    tar_reserve(t, 512 + padded);
    memcpy(t->buf + t->len, h, 512);
    t->len += 512;
    memset(t->buf + t->len, 0, padded);
    if (size)
        memcpy(t->buf + t->len, data, size);
    t->len += padded;
    return at;
}

static void tar_end(struct tar *t)
{
    tar_reserve(t, 1024);
    memset(t->buf + t->len, 0, 1024);
    t->len += 1024;
}

/* ---- helpers -------------------------------------------------------------- */

static struct ramfs_inode *must_walk(const char *path)
{
    struct ramfs_inode *ip;
    int err = ramfs_walk(path, &ip, NULL);
    if (err < 0) {
        fail("walk(\"%.60s\") = %d, want 0", path, err);
        return NULL;
    }
    return ip;
}

static bool walk_is(const char *path, struct ramfs_inode *want)
{
    struct ramfs_inode *ip = must_walk(path);
    if (ip && ip != want)
        return fail("walk(\"%.60s\") gave inode %u, want %u", path,
                    ip->ino, want ? want->ino : 0);
    return ip != NULL;
}

static bool walk_err(const char *path, int want)
{
    struct ramfs_inode *ip = (struct ramfs_inode *)1;
    int err = ramfs_walk(path, &ip, NULL);
    if (err != want)
        return fail("walk(\"%.60s\") = %d, want %d", path, err, want);
    if (ip != NULL)
        return fail("walk(\"%.60s\") failed but left *ip set", path);
    return true;
}

/* Every entry of dir, read with a buffer of bufsize bytes per call. */
struct listing {
    int n;
    char names[64][256];
    uint64_t ino[64];
    uint8_t type[64];
    int calls;
};

static bool list_dir(const struct ramfs_inode *dir, size_t bufsize, struct listing *l)
{
    static uint8_t buf[4096];
    int64_t pos = 0;
    memset(l, 0, sizeof(*l));
    if (bufsize > sizeof(buf))
        return fail("list_dir: buffer of %zu bytes is too big", bufsize);
    for (;;) {
        memset(buf, 0xEE, sizeof(buf));
        long n = ramfs_getdents64(dir, &pos, buf, bufsize);
        if (n < 0)
            return fail("getdents64 with %zu bytes returned %ld", bufsize, n);
        if (n == 0)
            return true;
        if ((size_t)n > bufsize)
            return fail("getdents64 returned %ld for a %zu-byte buffer", n, bufsize);
        l->calls++;
        for (long off = 0; off < n;) {
            struct linux_dirent64 d;
            memcpy(&d, buf + off, 19);
            const char *name = (const char *)buf + off + 19;
            size_t len = strnlen(name, (size_t)(n - off - 19));
            size_t want = (19 + len + 1 + 7) / 8 * 8;
            if (d.d_reclen != want || off + d.d_reclen > n)
                return fail("entry %d: d_reclen %u, want %zu", l->n, d.d_reclen, want);
            for (size_t i = 19 + len; i < d.d_reclen; i++)
                if (buf[off + i] != 0)
                    return fail("entry %d: padding byte %zu not zero", l->n, i);
            if (l->n >= 64 || len >= sizeof(l->names[0]))
                return fail("too many entries, or too long a name");
            if (d.d_off != l->n + 1)
                return fail("entry %d: d_off %lld, want %d", l->n, (long long)d.d_off, l->n + 1);
            memcpy(l->names[l->n], name, len + 1);
            l->ino[l->n] = d.d_ino;
            l->type[l->n] = d.d_type;
            l->n++;
            off += d.d_reclen;
        }
    }
}

/* ---- the hand-written archive --------------------------------------------- */

static const char init_data[] = "\177ELF pretend this is init";
static char big_data[1300];
static struct tar main_tar;

static char long_dir[160];              /* a directory name used via the prefix field */
static char name100[101];               /* a file name of exactly 100 bytes */

static void build_main_archive(void)
{
    struct tar *t = &main_tar;
    for (size_t i = 0; i < sizeof(big_data); i++)
        big_data[i] = (char)('a' + i % 26);
    /* "d" * 120: a 120-byte component, so its path must go in the prefix field */
    memset(long_dir, 'd', 120);
    long_dir[120] = 0;
    memset(name100, 'n', 100);
    name100[100] = 0;
    char path[400];

    tar_add(t, "./", '5', 0755, NULL, 0, 1000);                             /* ino 1 */
    tar_add(t, "./bin/", '5', 0755, NULL, 0, 1001);                         /* 2 */
    tar_add(t, "./bin/init", '0', 0755, init_data, sizeof(init_data) - 1, 1002);   /* 3 */
    tar_add(t, "./bin/sh", '0', 0555, "sh", 2, 1003);                       /* 4 */
    tar_add(t, "./etc/", '5', 0755, NULL, 0, 1004);                         /* 5 */
    tar_add(t, "./etc/tests", '0', 0644, big_data, sizeof(big_data), 1005); /* 6 */
    /* a/ never gets an entry; a/b/ gets one later with its own mode */
    tar_add(t, "./a/b/c", '0', 0600, "c", 1, 1006);                         /* a 7, b 8, c 9 */
    tar_add(t, "./a/b/", '5', 0700, NULL, 0, 1007);
    tar_add(t, "./bin/link", '2', 0777, NULL, 0, 1008);                     /* skipped */
    tar_add(t, "./bin/fifo", '6', 0644, NULL, 0, 1008);                     /* skipped */
    tar_add(t, "./bin/zz", 'x', 0644, "17 path=whatever\n", 17, 1008);      /* pax: data skipped */
    tar_add(t, "./etc/dup", '0', 0644, "first", 5, 1009);                   /* 10 */
    tar_add(t, "./etc/dup", '0', 0640, "second!", 7, 1010);                 /* replaces, still 10 */
    snprintf(path, sizeof(path), "./%s/file", long_dir);                    /* dir 11, file 12 */
    tar_add(t, path, '0', 0644, "long", 4, 1011);
    snprintf(path, sizeof(path), "%s", name100);                            /* 13 */
    tar_add(t, path, '0', 0644, "hundred", 7, 1012);
    tar_add(t, "./bin/../evil", '0', 0644, "x", 1, 1013);                   /* refused */
    tar_add(t, "./etc/tests/x", '0', 0644, "x", 1, 1013);                   /* file as a dir: refused */
    tar_add(t, "./empty/", '5', 0755, NULL, 0, 1014);                       /* 14 */
    tar_end(t);
}

static void check_build(void)
{
    bool ok = true;
    int n = ramfs_build(main_tar.buf, main_tar.buf + main_tar.len);
    /* 18 headers: 3 skipped types and 2 refused entries are not used */
    if (n != 13)
        ok = fail("ramfs_build used %d entries, want 13", n);
    report("build: entries used, odd types skipped, bad names refused", ok);

    ok = true;
    struct ramfs_inode *r = ramfs_root();
    if (!r || r->ino != 1 || !ramfs_is_dir(r) || r->mode != (S_IFDIR | 0755) || r->mtime != 1000)
        ok = fail("root: ino %u mode %o mtime %u", r ? r->ino : 0, r ? r->mode : 0, r ? r->mtime : 0);
    static const struct { const char *path; uint32_t ino, mode; } inos[] = {
        { "/bin", 2, S_IFDIR | 0755 }, { "/bin/init", 3, S_IFREG | 0755 },
        { "/bin/sh", 4, S_IFREG | 0555 }, { "/etc", 5, S_IFDIR | 0755 },
        { "/etc/tests", 6, S_IFREG | 0644 }, { "/a", 7, S_IFDIR | 0755 },
        { "/a/b", 8, S_IFDIR | 0700 }, { "/a/b/c", 9, S_IFREG | 0600 },
        { "/etc/dup", 10, S_IFREG | 0640 }, { "/empty", 14, S_IFDIR | 0755 },
    };
    for (size_t i = 0; ok && i < sizeof(inos) / sizeof(inos[0]); i++) {
        struct ramfs_inode *ip = must_walk(inos[i].path);
        if (!ip)
            ok = false;
        else if (ip->ino != inos[i].ino || ip->mode != inos[i].mode)
            ok = fail("%s: ino %u mode 0%o, want %u 0%o", inos[i].path, ip->ino, ip->mode,
                      inos[i].ino, inos[i].mode);
    }
    report("build: inode numbers in archive order, modes from headers", ok);

    ok = true;
    struct ramfs_inode *ip = must_walk("/bin/init");
    if (ip && (ip->size != sizeof(init_data) - 1 || memcmp(ip->data, init_data, ip->size) != 0))
        ok = fail("/bin/init: size %u or bytes differ", ip->size);
    if (ip && (ip->data < main_tar.buf || ip->data >= main_tar.buf + main_tar.len))
        ok = fail("/bin/init: data not inside the archive");
    ip = must_walk("/etc/tests");
    if (ip && (ip->size != sizeof(big_data) || memcmp(ip->data, big_data, sizeof(big_data)) != 0))
        ok = fail("/etc/tests: size %u or bytes differ", ip->size);
    ip = must_walk("/etc/dup");
    if (ip && (ip->size != 7 || memcmp(ip->data, "second!", 7) != 0 || ip->mtime != 1010))
        ok = fail("/etc/dup: the later entry did not replace the earlier one");
    if (!ip)
        ok = false;
    report("build: file data points into the archive; later entry wins", ok);

    ok = true;
    char path[400];
    snprintf(path, sizeof(path), "/%s/file", long_dir);
    ip = must_walk(path);
    if (!ip || ip->size != 4 || memcmp(ip->data, "long", 4) != 0)
        ok = ip ? fail("prefix-field path: wrong file") : false;
    snprintf(path, sizeof(path), "/%s", name100);
    ip = must_walk(path);
    if (!ip || ip->size != 7 || memcmp(ip->data, "hundred", 7) != 0)
        ok = ip ? fail("100-byte name: wrong file") : false;
    report("build: prefix field and an unterminated 100-byte name", ok);

    ok = walk_err("/bin/link", -ENOENT) && walk_err("/bin/fifo", -ENOENT) &&
         walk_err("/bin/zz", -ENOENT) && walk_err("/evil", -ENOENT) &&
         walk_err("/etc/tests/x", -ENOTDIR);
    report("build: skipped and refused entries are absent", ok);

    ok = true;
    ip = must_walk("/dev/console");
    if (!ip || !ramfs_is_chr(ip) || ip->rdev != 0x501 || ip->mode != (S_IFCHR | 0620))
        ok = ip ? fail("/dev/console: mode 0%o rdev 0x%x", ip->mode, ip->rdev) : false;
    if (ip && ramfs_console() != ip)
        ok = fail("ramfs_console() is not /dev/console");
    ip = must_walk("/dev/tty");
    if (!ip || !ramfs_is_chr(ip) || ip->rdev != 0x500)
        ok = ip ? fail("/dev/tty: mode 0%o rdev 0x%x", ip->mode, ip->rdev) : false;
    report("build: /dev/console and /dev/tty added", ok);
}

/* ---- path resolution ------------------------------------------------------ */

static void check_walk(void)
{
    struct ramfs_inode *root = ramfs_root();
    struct ramfs_inode *init = must_walk("/bin/init");
    struct ramfs_inode *bin = must_walk("/bin");
    struct ramfs_inode *c = must_walk("/a/b/c");
    bool ok = init && bin && c;
    report("walk: nested paths", ok);
    if (!ok)
        return;

    ok = walk_is("/", root) && walk_is("//", root) && walk_is(".", root) &&
         walk_is("/.", root) && walk_is("..", root) && walk_is("/..", root) &&
         walk_is("/../..", root) && walk_is("bin/init", init) &&
         walk_is("./bin/init", init) && walk_is("//bin///init", init) &&
         walk_is("/bin/./init", init) && walk_is("/bin/../bin/init", init) &&
         walk_is("/../../bin/init", init) && walk_is("/a/b/../../bin/init", init) &&
         walk_is("/a/./b/c", c) && walk_is("/bin/..", root) && walk_is("/a/b/..", must_walk("/a"));
    report("walk: \"//\", \".\", \"..\" (and \"..\" at the root), relative paths", ok);

    ok = walk_is("/bin/", bin) && walk_is("/bin//", bin) && walk_is("/bin/.", bin) &&
         walk_err("/bin/init/", -ENOTDIR) && walk_err("/bin/init/.", -ENOTDIR) &&
         walk_err("/bin/init/..", -ENOTDIR) && walk_err("/bin/init//", -ENOTDIR);
    report("walk: trailing \"/\" needs a directory", ok);

    ok = walk_err("/bin/init/x", -ENOTDIR) && walk_err("/etc/tests/a/b", -ENOTDIR) &&
         walk_err("/dev/console/x", -ENOTDIR);
    report("walk: a file in the middle is ENOTDIR", ok);

    ok = walk_err("/nope", -ENOENT) && walk_err("/nope/x", -ENOENT) &&
         walk_err("/bin/nope", -ENOENT) && walk_err("", -ENOENT) &&
         walk_err("/BIN/init", -ENOENT) && walk_err("/bin/ini", -ENOENT) &&
         walk_err("/bin/initt", -ENOENT) && walk_err("/nope/../bin", -ENOENT);
    report("walk: missing names are ENOENT", ok);

    ok = true;
    struct ramfs_inode *ip, *parent = (struct ramfs_inode *)1;
    int err = ramfs_walk("/bin/newfile", &ip, &parent);
    if (err != -ENOENT || parent != bin)
        ok = fail("/bin/newfile: err %d, parent %p, want -ENOENT and /bin", err, (void *)parent);
    err = ramfs_walk("/nope/newfile", &ip, &parent);
    if (err != -ENOENT || parent != NULL)
        ok = fail("/nope/newfile: parent should be NULL");
    err = ramfs_walk("/bin/newdir/", &ip, &parent);
    if (err != -ENOENT || parent != NULL)
        ok = fail("/bin/newdir/: parent should be NULL (trailing slash)");
    err = ramfs_walk("/bin/init", &ip, &parent);
    if (err != 0 || parent != NULL)
        ok = fail("/bin/init: parent should be NULL on success");
    report("walk: parent of a missing last component (for O_CREAT)", ok);

    ok = true;
    char *path = malloc(8192);
    memset(path, 'x', 255);
    path[255] = 0;
    ok = ok && walk_err(path, -ENOENT);             /* 255: fine, just absent */
    memset(path, 'x', 256);
    path[256] = 0;
    ok = ok && walk_err(path, -ENAMETOOLONG);
    strcpy(path, "/bin/");
    memset(path + 5, 'y', 256);
    strcpy(path + 5 + 256, "/z");
    ok = ok && walk_err(path, -ENAMETOOLONG);
    strcpy(path, "/bin/init/");                     /* a file before the long name */
    memset(path + 10, 'y', 256);
    path[10 + 256] = 0;
    ok = ok && walk_err(path, -ENOTDIR);
    /* 4095 bytes is a valid path, 4096 is not */
    memset(path, '/', 4095);
    strcpy(path + 4095 - 8, "bin/init");
    ok = ok && walk_is(path, init);
    memset(path, '/', 4096);
    strcpy(path + 4096 - 8, "bin/init");
    ok = ok && walk_err(path, -ENAMETOOLONG);
    memset(path, '/', 8000);
    path[8000] = 0;
    ok = ok && walk_err(path, -ENAMETOOLONG);
    free(path);
    report("walk: ENAMETOOLONG for a 256-byte component and a 4096-byte path", ok);
}

/* ---- directory listings --------------------------------------------------- */

static bool listing_is(const struct listing *l, const char *const *names, int n)
{
    if (l->n != n)
        return fail("%d entries, want %d (first extra: %s)", l->n, n,
                    l->n > n ? l->names[n] : "-");
    for (int i = 0; i < n; i++)
        if (strcmp(l->names[i], names[i]) != 0)
            return fail("entry %d is \"%s\", want \"%s\"", i, l->names[i], names[i]);
    return true;
}

static void check_getdents(void)
{
    struct listing l;
    struct ramfs_inode *root = ramfs_root(), *bin = must_walk("/bin");
    static const char *const root_names[] = {
        ".", "..", "bin", "etc", "a", NULL /* long_dir */, NULL /* name100 */, "empty", "dev", "tmp",
    };
    const char *names[10];
    memcpy(names, root_names, sizeof(names));
    names[5] = long_dir;
    names[6] = name100;

    bool ok = list_dir(root, 4096, &l) && listing_is(&l, names, 10);
    if (ok && (l.ino[0] != 1 || l.ino[1] != 1 || l.type[0] != DT_DIR || l.type[2] != DT_DIR ||
               l.type[6] != DT_REG))
        ok = fail("root: . and .. should be inode 1, types DT_DIR/DT_REG");
    report("getdents64: \"/\" lists ., .., then children in archive order", ok);

    static const char *const bin_names[] = { ".", "..", "init", "sh" };
    ok = list_dir(bin, 4096, &l) && listing_is(&l, bin_names, 4);
    if (ok && (l.ino[0] != 2 || l.ino[1] != 1 || l.ino[2] != 3 || l.type[2] != DT_REG))
        ok = fail("/bin: inode numbers %llu %llu %llu", (unsigned long long)l.ino[0],
                  (unsigned long long)l.ino[1], (unsigned long long)l.ino[2]);
    report("getdents64: /bin, with .. the root", ok);

    static const char *const dev_names[] = {
        ".", "..", "console", "tty", "null", "zero", "full", "random", "urandom", "shm",
    };
    ok = list_dir(must_walk("/dev"), 4096, &l) && listing_is(&l, dev_names, 10);
    if (ok && l.type[2] != DT_CHR)
        ok = fail("console d_type %u, want DT_CHR", l.type[2]);
    static const char *const empty_names[] = { ".", "..", };
    ok = ok && list_dir(must_walk("/empty"), 4096, &l) && listing_is(&l, empty_names, 2);
    report("getdents64: /dev and an empty directory", ok);

    /* 24 bytes hold exactly one short record: every call returns one entry. */
    ok = list_dir(bin, 24, &l) && listing_is(&l, bin_names, 4);
    if (ok && l.calls != 4)
        ok = fail("%d calls with a 24-byte buffer, want 4", l.calls);
    report("getdents64: resumes where the last call stopped", ok);

    ok = true;
    uint8_t buf[512];
    int64_t pos = 0;
    long n = ramfs_getdents64(bin, &pos, buf, 23);
    if (n != -EINVAL || pos != 0)
        ok = fail("23-byte buffer: %ld, pos %lld; want -EINVAL, pos 0", n, (long long)pos);
    pos = 2;                                        /* "init" needs 24 bytes */
    if ((n = ramfs_getdents64(bin, &pos, buf, 0)) != -EINVAL)
        ok = fail("0-byte buffer: %ld, want -EINVAL", n);
    pos = 4;
    if ((n = ramfs_getdents64(bin, &pos, buf, 0)) != 0)
        ok = fail("at the end with a 0-byte buffer: %ld, want 0", n);
    pos = 1000;
    if ((n = ramfs_getdents64(bin, &pos, buf, sizeof(buf))) != 0)
        ok = fail("past the end: %ld, want 0", n);
    pos = 0;
    n = ramfs_getdents64(root, &pos, buf, 24 + 24 + 24);
    if (n != 72 || pos != 3)
        ok = fail("72 bytes for . .. bin: got %ld, pos %lld", n, (long long)pos);
    report("getdents64: too small a buffer is EINVAL, the end is 0", ok);
}

/* ---- attributes ----------------------------------------------------------- */

static void check_stat(void)
{
    struct linux_stat st;
    struct linux_stat64 st64;
    bool ok = true;

    struct ramfs_inode *ip = must_walk("/etc/tests");
    if (!ip) {
        report("stat: regular file", false);
        return;
    }
    memset(&st, 0xAB, sizeof(st));
    ramfs_stat(ip, &st);
    if (st.st_dev != 1 || st.st_ino != 6 || st.st_mode != (S_IFREG | 0644) || st.st_nlink != 1 ||
        st.st_uid != 0 || st.st_gid != 0 || st.st_rdev != 0 || st.st_size != 1300 ||
        st.st_blksize != 4096 || st.st_blocks != 3 || st.st_atime != 1005 ||
        st.st_mtime != 1005 || st.st_ctime != 1005 || st.st_mtime_nsec != 0 || st.__unused4 != 0)
        ok = fail("stat: dev %u ino %u mode 0%o nlink %u size %u blocks %u mtime %u",
                  st.st_dev, st.st_ino, st.st_mode, st.st_nlink, st.st_size, st.st_blocks, st.st_mtime);
    memset(&st64, 0xAB, sizeof(st64));
    ramfs_stat64(ip, &st64);
    if (st64.st_dev != 1 || st64.st_ino != 6 || st64.__st_ino != 6 ||
        st64.st_mode != (S_IFREG | 0644) || st64.st_nlink != 1 || st64.st_uid != 0 ||
        st64.st_size != 1300 || st64.st_blksize != 4096 || st64.st_blocks != 3 ||
        st64.st_mtime != 1005 || st64.st_atime != 1005 || st64.st_ctime != 1005 ||
        st64.__pad0[0] != 0 || st64.__pad3[0] != 0 || st64.st_rdev != 0)
        ok = fail("stat64: ino %llu/%u mode 0%o size %lld blocks %llu",
                  (unsigned long long)st64.st_ino, st64.__st_ino, st64.st_mode,
                  (long long)st64.st_size, (unsigned long long)st64.st_blocks);
    report("stat: regular file, both layouts", ok);

    ok = true;
    ramfs_stat64(ramfs_root(), &st64);
    /* "/" has bin, etc, a, long_dir, empty, dev, tmp as subdirectories */
    if (st64.st_mode != (S_IFDIR | 0755) || st64.st_nlink != 9 || st64.st_ino != 1)
        ok = fail("/: mode 0%o nlink %u ino %llu", st64.st_mode, st64.st_nlink,
                  (unsigned long long)st64.st_ino);
    ramfs_stat(must_walk("/bin"), &st);
    if (st.st_nlink != 2 || st.st_size != 0 || st.st_blocks != 0)
        ok = fail("/bin: nlink %u size %u", st.st_nlink, st.st_size);
    ramfs_stat(must_walk("/a/b/c"), &st);
    if (st.st_size != 1 || st.st_blocks != 1)
        ok = fail("/a/b/c: blocks %u, want 1", st.st_blocks);
    ramfs_stat64(must_walk("/dev/console"), &st64);
    if (st64.st_mode != (S_IFCHR | 0620) || st64.st_rdev != 0x501 || st64.st_size != 0)
        ok = fail("/dev/console: mode 0%o rdev 0x%llx", st64.st_mode,
                  (unsigned long long)st64.st_rdev);
    report("stat: directories (nlink), a one-byte file, the console", ok);
}

/* ---- other archives ------------------------------------------------------- */

static void check_other_archives(void)
{
    bool ok = true;

    /* No archive at all: "/", /dev and the devices. */
    int n = ramfs_build(NULL, NULL);
    struct ramfs_inode *r = ramfs_root();
    if (n != 0 || !r || r->ino != 1 || r->nchildren != 2 || !ramfs_console())
        ok = fail("empty: n %d, root children %u", n, r ? r->nchildren : 0);
    else
        ok = walk_is("/dev/console", ramfs_console()) && walk_err("/bin", -ENOENT);
    report("archives: no archive still gives / and /dev/console", ok);

    /* A corrupt header ends the archive; the entries before it stay. */
    ok = true;
    struct tar t = { 0 };
    tar_add(&t, "./", '5', 0755, NULL, 0, 1);
    tar_add(&t, "./good", '0', 0644, "g", 1, 1);
    size_t bad = tar_add(&t, "./bad", '0', 0644, "b", 1, 1);
    tar_add(&t, "./after", '0', 0644, "a", 1, 1);
    tar_end(&t);
    t.buf[bad + 130] ^= 1;                          /* flip a size digit */
    n = ramfs_build(t.buf, t.buf + t.len);
    ok = n == 2 ? walk_err("/bad", -ENOENT) && walk_err("/after", -ENOENT) &&
                  must_walk("/good") != NULL
                : fail("bad checksum: used %d entries, want 2", n);
    report("archives: a bad checksum stops indexing", ok);

    /* Data running past the end stops indexing too (no read past end). */
    t.len = 0;
    tar_add(&t, "./one", '0', 0644, "1", 1, 1);
    tar_add(&t, "./big", '0', 0644, big_data, sizeof(big_data), 1);
    n = ramfs_build(t.buf, t.buf + t.len - 512);
    ok = n == 1 ? walk_err("/big", -ENOENT) && must_walk("/one") != NULL
                : fail("truncated: used %d entries, want 1", n);
    /* and no end-of-archive blocks at all is fine */
    n = ramfs_build(t.buf, t.buf + t.len);
    if (ok && n != 2)
        ok = fail("no end blocks: used %d entries, want 2", n);
    report("archives: an entry past the end stops indexing", ok);

    /* The archive's own /dev is used; a non-device /dev/console is left alone. */
    t.len = 0;
    tar_add(&t, "dev/", '5', 0700, NULL, 0, 5);
    tar_add(&t, "dev/console", '0', 0644, "nope", 4, 5);
    tar_end(&t);
    n = ramfs_build(t.buf, t.buf + t.len);
    struct ramfs_inode *dev = must_walk("/dev"), *con = must_walk("/dev/console");
    ok = n == 2 && dev && con && dev->mode == (S_IFDIR | 0700) && ramfs_is_reg(con) &&
         ramfs_console() && ramfs_console() != con && ramfs_is_chr(ramfs_console()) &&
         must_walk("/dev/tty") != NULL;
    if (!ok)
        fail("n %d; /dev/console should stay the archive's file", n);
    report("archives: an archive's /dev/console file is left alone", ok);
    free(t.buf);
}

/* An archive made by GNU tar, as the initrd is. */
static void check_gnu_tar(void)
{
    char dir[] = "/tmp/agora-ramfs-XXXXXX";
    char cmd[1024], tarfile[64];
    if (system("tar --version >/dev/null 2>&1") != 0) {
        printf("SKIP gnu tar (no tar on this host)\n");
        return;
    }
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        exit(2);
    }
    snprintf(tarfile, sizeof(tarfile), "%s.tar", dir);
    /* A 173-byte path: GNU tar's ustar format puts part of it in prefix. */
    static const char deep[] =
        "deep/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/"
        "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    snprintf(cmd, sizeof(cmd),
             "set -e; cd %s; mkdir -p bin tests etc %s; "
             "printf 'init!' > bin/init; chmod 755 bin/init; "
             "printf 'fork' > tests/fork_basic; chmod 755 tests/fork_basic; "
             "printf 'fork_basic\\n' > etc/tests; chmod 644 etc/tests; "
             "printf 'deep' > %s/file_with_a_longish_name; "
             "touch -d @1700000000 bin/init; "
             "tar --format=ustar --sort=name --owner=0 --group=0 -cf %s .",
             dir, deep, deep, tarfile);
    if (system(cmd) != 0) {
        printf("FAIL gnu tar (could not make the archive)\n");
        failures++;
        return;
    }
    FILE *fp = fopen(tarfile, "rb");
    static uint8_t buf[1 << 16];
    size_t len = fp ? fread(buf, 1, sizeof(buf), fp) : 0;
    if (fp)
        fclose(fp);
    snprintf(cmd, sizeof(cmd), "rm -rf %s %s", dir, tarfile);
    if (system(cmd) != 0)
        fprintf(stderr, "warning: could not remove %s\n", dir);

    bool ok = true;
    int n = ramfs_build(buf, buf + len);
    /* ./ bin/ bin/init deep/ deep/a/ deep/a/b/ deep/a/b/file etc/ etc/tests tests/ tests/fork_basic */
    if (n != 11)
        ok = fail("used %d entries, want 11", n);
    struct ramfs_inode *ip = must_walk("/bin/init");
    if (!ip || ip->size != 5 || memcmp(ip->data, "init!", 5) != 0 ||
        ip->mode != (S_IFREG | 0755) || ip->mtime != 1700000000)
        ok = ip ? fail("/bin/init: size %u mode 0%o mtime %u", ip->size, ip->mode, ip->mtime)
                      : false;
    snprintf(cmd, sizeof(cmd), "/%s/file_with_a_longish_name", deep);
    ip = must_walk(cmd);
    if (!ip || ip->size != 4 || memcmp(ip->data, "deep", 4) != 0)
        ok = ip ? fail("deep file: wrong contents") : false;
    ip = must_walk("tests/fork_basic");
    if (!ip || ip->ino != 11)
        ok = ip ? fail("tests/fork_basic: ino %u, want 11", ip->ino) : false;
    struct listing l;
    static const char *const names[] = { ".", "..", "bin", "deep", "etc", "tests", "dev", "tmp" };
    ok = ok && list_dir(ramfs_root(), 4096, &l) && listing_is(&l, names, 8);
    ip = ok ? must_walk("/etc/tests") : NULL;
    if (ok && (!ip || (ip->mode & 07777) != 0644))
        ok = fail("/etc/tests: mode %o, want 0644", ip ? ip->mode & 07777 : 0);
    report("gnu tar: a real ustar archive with a prefix-field path", ok);
}

/* ---- changing the tree, and the API procfs uses ------------------------- */

static int pid_target(struct ramfs_inode *ip, char *buf, size_t n)
{
    return snprintf(buf, n, "%d", *(int *)ip->priv);
}

static void check_changes(void)
{
    bool ok = true;
    int n = ramfs_build(NULL, NULL);
    struct ramfs_inode *root = ramfs_root(), *ip, *parent;
    long blocks0 = live_blocks;

    /* procfs's nodes: a directory, a file with priv, a computed link. */
    static int pid = 42;
    static const struct file_ops procfs_fops;
    struct ramfs_inode *proc = ramfs_mknode(root, "proc", S_IFDIR | 0555, NULL, NULL);
    struct ramfs_inode *piddir = proc ? ramfs_mknode(proc, "42", S_IFDIR | 0555, NULL, NULL) : NULL;
    struct ramfs_inode *stat = piddir ? ramfs_mknode(piddir, "stat", S_IFREG | 0444, &procfs_fops, &pid) : NULL;
    struct ramfs_inode *self = proc ? ramfs_mklink(proc, "self", pid_target, &pid) : NULL;
    if (n != 0 || !proc || !piddir || !stat || !self)
        ok = fail("mknode/mklink failed");
    if (ok && (ramfs_mknode(proc, "42", S_IFDIR | 0555, NULL, NULL) || ramfs_mknode(proc, "a/b", S_IFREG, NULL, NULL) ||
               ramfs_mknode(stat, "x", S_IFREG, NULL, NULL)))
        ok = fail("mknode accepted a taken name, a slash, or a file as the directory");
    if (ok && (stat->fops != &procfs_fops || stat->priv != &pid || ramfs_lookup(piddir, "stat") != stat))
        ok = fail("the node's fops, priv, or lookup");
    if (ok && (ramfs_walk("/proc/self/stat", &ip, NULL) != 0 || ip != stat))
        ok = fail("/proc/self/stat does not walk through the computed link to /proc/42/stat");
    char buf[64];
    if (ok && (ramfs_readlink(self, buf, sizeof(buf)) != 2 || strcmp(buf, "42") != 0))
        ok = fail("readlink of /proc/self: \"%s\"", buf);
    pid = 7;
    if (ok && ramfs_walk("/proc/self", &ip, NULL) != -ENOENT)
        ok = fail("/proc/self -> 7, which does not exist: want ENOENT");
    if (ok && (ramfs_walk_from(NULL, "/proc/self", RAMFS_NOFOLLOW, &ip, NULL) != 0 || ip != self))
        ok = fail("NOFOLLOW stops at the link");
    /* Removal: an open file (a reference) keeps its node. */
    ramfs_iget(stat);
    ramfs_remove(piddir);
    if (ok && (ramfs_walk("/proc/42", &ip, NULL) != -ENOENT || proc->nlink != 2 || !piddir->dead))
        ok = fail("/proc/42 still found after ramfs_remove (nlink %u)", proc->nlink);
    if (ok && stat->priv != &pid)
        ok = fail("the open node lost its priv");
    ramfs_iput(stat);                   /* frees stat, then the dead directory */
    ramfs_remove(self);
    ramfs_remove(proc);
    if (ok && live_blocks != blocks0)
        ok = fail("%ld blocks left after removing the procfs nodes", live_blocks - blocks0);
    report("procfs API: mknode, computed links, remove with an open node", ok);

    /* Names: create, link, rename, unlink; symlinks in walks. */
    ok = true;
    struct ramfs_inode *tmp = must_walk("/tmp");
    struct ramfs_inode *d = tmp ? ramfs_create(tmp, "d", 1, S_IFDIR | 0755, 5, 6, NULL) : NULL;
    struct ramfs_inode *f = d ? ramfs_create(d, "f", 1, S_IFREG | 0644, 5, 6, NULL) : NULL;
    struct ramfs_inode *l = d ? ramfs_create(d, "l", 1, S_IFLNK | 0777, 0, 0, "../d/f") : NULL;
    if (!d || !f || !l || d->nlink != 2 || tmp->nlink != 3 || f->uid != 5 || f->mtime != 1234)
        ok = fail("create: nlinks, owner or time wrong");
    if (ok && (ramfs_walk("/tmp/d/l", &ip, NULL) != 0 || ip != f))
        ok = fail("a relative symlink is followed");
    if (ok && (ramfs_walk_from(d, "l/", 0, &ip, NULL) != -ENOTDIR))
        ok = fail("l/ (a file behind it) should be ENOTDIR");
    if (ok && (ramfs_walk_from(d, "missing", 0, &ip, &parent) != -ENOENT || parent != d))
        ok = fail("a relative walk from d names d as the parent");
    if (ok && ramfs_link(tmp, "f2", 2, f) == 0 && f->nlink != 2)
        ok = fail("link: nlink %u", f->nlink);
    if (ok && (ramfs_rename(tmp, "f2", 2, d, "g", 1) != 0 || ramfs_lookup(d, "g") != f || ramfs_lookup(tmp, "f2")))
        ok = fail("rename f2 -> d/g");
    if (ok && (ramfs_rename(d, "g", 1, d, "f", 1) != 0 || f->nlink != 2))
        ok = fail("rename onto another name of the same file changes nothing");
    char path[64];
    if (ok && (ramfs_path(d, path, sizeof(path)) != 7 || strcmp(path, "/tmp/d") != 0))
        ok = fail("ramfs_path: \"%s\"", path);
    if (ok && ramfs_path(d, path, 4) != -ERANGE)
        ok = fail("ramfs_path with a short buffer");
    ramfs_iget(d);                      /* a working directory */
    ramfs_unlink(d, "f", 1);
    ramfs_unlink(d, "g", 1);
    ramfs_unlink(d, "l", 1);
    ramfs_unlink(tmp, "d", 1);
    if (ok && (ramfs_path(d, path, sizeof(path)) != -ENOENT || tmp->nlink != 2))
        ok = fail("a removed directory's path: want ENOENT");
    if (ok && ramfs_walk_from(d, "..", 0, &ip, NULL) == 0 && ip != tmp)
        ok = fail(".. of a removed directory is still its old parent");
    ramfs_iput(d);
    if (ok && live_blocks != blocks0)
        ok = fail("%ld blocks left after unlinking everything", live_blocks - blocks0);
    report("names: create, link, rename, unlink, symlink walks, path of a removed directory", ok);
}

static void check_leaks(void)
{
    ramfs_reset();
    bool ok = live_blocks == 0 ? true : fail("%ld blocks still allocated after ramfs_reset", live_blocks);
    report("memory: ramfs_reset frees every block", ok);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "-v") == 0)
        quiet = false;
    build_main_archive();
    check_build();
    check_walk();
    check_getdents();
    check_stat();
    check_other_archives();
    check_gnu_tar();
    check_changes();
    check_leaks();
    free(main_tar.buf);
    printf("%s: %d failed\n", failures ? "FAIL" : "PASS", failures);
    return failures ? 1 : 0;
}
