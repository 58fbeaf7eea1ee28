/*
 * exec.c: execve. Maps a static ELF32 i386 executable from the ramfs into
 * a new address space, builds the System V process stack (argc, argv,
 * envp, auxv) and switches the process over. Everything that can fail
 * happens before the old address space is dropped, so a bad executable
 * costs the caller -ENOEXEC (or -ENOMEM...) and nothing else.
 *
 * Demand paging: exec copies no page of the file. Each segment's pages are
 * a private mapping of the file's memory object (kernel/fs/mapping.c), so
 * text and read-only data are the initrd's own frames, mapped read-only,
 * data pages are copied on their first write, and the bss is zero-fill
 * memory made on first touch. Only a page that no single file page can
 * stand for (one shared by two segments, or a segment whose file offset
 * and address disagree modulo the page size) is assembled at exec.
 */
#include <kernel/syscall.h>
#include <kernel/proc.h>
#include <kernel/vm.h>
#include <kernel/pmm.h>
#include <kernel/fs.h>
#include <kernel/kheap.h>
#include <kernel/uaccess.h>
#include <kernel/console.h>
#include <kernel/devmem.h>
#include <kernel/procfs.h>
#include <arch/arch.h>
#include <arch/mmu.h>
#include <uapi/errno.h>
#include <uapi/auxvec.h>
#include <string.h>

#define ARG_MAX 131072
#define MAX_ARGS 4096
#define PATH_MAX 4096

struct elf_ehdr {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version, entry, phoff, shoff, flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf_phdr {
    uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

#define PT_LOAD 1
#define PT_INTERP 3
#define PF_X 1
#define PF_W 2
#define PF_R 4

/* Arguments gathered in kernel memory: argc + envc NUL-terminated strings
 * in one ARG_MAX buffer. */
struct exec_args {
    char *buf;
    uint32_t len;
    int argc, envc;
};

static int args_init(struct exec_args *a)
{
    a->buf = kmalloc(ARG_MAX);
    a->len = 0;
    a->argc = a->envc = 0;
    return a->buf ? 0 : -ENOMEM;
}

static int args_add(struct exec_args *a, const char *s, uint32_t n)
{
    if (a->len + n + 1 > ARG_MAX || a->argc + a->envc >= MAX_ARGS)
        return -E2BIG;
    memcpy(a->buf + a->len, s, n);
    a->buf[a->len + n] = '\0';
    a->len += n + 1;
    return 0;
}

/*
 * Segments and pages. A loadable segment covers the pages from the one
 * holding p_vaddr to the one holding its last byte. A page covered by
 * several segments (the last text page that the data starts in, or
 * segments that overlap) gets the union of their protections; every other
 * page gets exactly its own segment's, so text pages shared with nothing
 * stay read-only. Linux maps each segment over the last (MAP_FIXED), so
 * there a shared page gets the later segment's protection instead; agora
 * assembles such a page from the bytes of both, and it must let both be
 * used. Segments may come in any order and may overlap, as on Linux: an
 * assembled page gets the file bytes in program-header order, so where two
 * segments give bytes for one address the later one's win, and memory no
 * file byte lands on reads zero. A page that maps the file shows, as on
 * Linux, the whole file page, bytes before p_vaddr included.
 */
static bool is_load(const struct elf_phdr *ph)
{
    return ph->type == PT_LOAD && ph->memsz != 0;
}

static vaddr_t seg_start(const struct elf_phdr *ph)
{
    return ALIGN_DOWN(ph->vaddr, PAGE_SIZE);
}

static vaddr_t seg_end(const struct elf_phdr *ph)
{
    return ALIGN_UP(ph->vaddr + ph->memsz, PAGE_SIZE);
}

static uint32_t seg_prot(const struct elf_phdr *ph)
{
    return VM_READ | ((ph->flags & PF_W) ? VM_WRITE : 0) | ((ph->flags & PF_X) ? VM_EXEC : 0);
}

/* Check the ELF header and program headers against the file. */
static int elf_check(const uint8_t *data, uint32_t size, const struct elf_ehdr **eh_out)
{
    const struct elf_ehdr *eh = (const struct elf_ehdr *)data;
    if (size < sizeof(*eh) || memcmp(eh->ident, "\x7f" "ELF", 4) != 0 ||
        eh->ident[4] != 1 || eh->ident[5] != 1 || eh->type != 2 || eh->machine != 3 ||
        eh->phentsize != sizeof(struct elf_phdr) || eh->phnum == 0 || eh->phnum > 64 ||
        eh->phoff > size || size - eh->phoff < eh->phnum * sizeof(struct elf_phdr))
        return -ENOEXEC;
    const struct elf_phdr *ph = (const struct elf_phdr *)(data + eh->phoff);
    int nload = 0;
    for (int i = 0; i < eh->phnum; i++) {
        if (ph[i].type == PT_INTERP)
            return -ENOEXEC;            /* dynamic executables are not supported */
        if (!is_load(&ph[i]))
            continue;
        uint32_t end = ph[i].vaddr + ph[i].memsz;
        if (ph[i].filesz > ph[i].memsz || ph[i].offset > size ||
            size - ph[i].offset < ph[i].filesz || end < ph[i].vaddr ||
            ph[i].vaddr < USER_BASE || end > SHM_AREA_TOP)
            return -ENOEXEC;
        nload++;
    }
    if (!nload || eh->entry < USER_BASE || eh->entry >= SHM_AREA_TOP)
        return -ENOEXEC;
    *eh_out = eh;
    return 0;
}

/* Does ph's file offset agree with its address within a page, so that
 * its pages can be the file's pages? (Linkers make it so; Linux's mmap
 * of the segment requires it.) */
static bool congruent(const struct elf_phdr *ph)
{
    return ((ph->offset ^ ph->vaddr) & (PAGE_SIZE - 1)) == 0;
}

/* Map piece [lo, hi) that lies in segment ph alone, congruent: the pages
 * holding file bytes map the file, the rest are bss. */
static int map_file_piece(struct vm_space *vs, struct vm_object *obj, const struct elf_phdr *ph,
                          vaddr_t lo, vaddr_t hi, uint32_t prot)
{
    vaddr_t file_end = ph->vaddr + ph->filesz;          /* where the file bytes stop */
    vaddr_t file_hi = ph->filesz ? MIN(hi, ALIGN_UP(file_end, PAGE_SIZE)) : lo;
    int err = 0;
    if (lo < file_hi) {
        uint32_t pgoff = (ph->offset - (ph->vaddr - lo)) >> PAGE_SHIFT;
        vaddr_t zero_from = ph->memsz > ph->filesz && file_end < file_hi ? file_end : 0;
        err = vm_map_image(vs, lo, file_hi, prot, obj, pgoff, zero_from);
    }
    if (!err && MAX(lo, file_hi) < hi)
        err = vm_map_anon(vs, MAX(lo, file_hi), hi, prot, 0);
    return err;
}

/*
 * Add the regions of the image: cut the address space at every segment's
 * page bounds; each piece between two cuts lies wholly inside or outside
 * each segment and gets the union of the protections of those it is in.
 * A piece in one congruent segment maps the file; any other is zero-fill
 * memory that load_pieces fills: their bounds go to piece[], their number
 * to *npieces. cut[] has room for 2 * phnum bounds, piece[] for 4 * phnum.
 */
static int map_segments(struct vm_space *vs, struct vm_object *obj, const struct elf_phdr *ph,
                        int phnum, vaddr_t *cut, vaddr_t *piece, int *npieces)
{
    int n = 0;
    for (int i = 0; i < phnum; i++) {
        if (!is_load(&ph[i]))
            continue;
        cut[n++] = seg_start(&ph[i]);
        cut[n++] = seg_end(&ph[i]);
    }
    for (int i = 1; i < n; i++) {       /* insertion sort: n <= 128 */
        vaddr_t v = cut[i];
        int j = i;
        for (; j > 0 && cut[j - 1] > v; j--)
            cut[j] = cut[j - 1];
        cut[j] = v;
    }
    int err = 0, copies = 0;
    for (int k = 0; k + 1 < n && !err; k++) {
        vaddr_t lo = cut[k], hi = cut[k + 1];
        uint32_t prot = 0;
        int nsegs = 0, only = -1;
        for (int i = 0; i < phnum && lo < hi; i++) {
            if (is_load(&ph[i]) && seg_start(&ph[i]) <= lo && hi <= seg_end(&ph[i])) {
                prot |= seg_prot(&ph[i]);
                nsegs++;
                only = i;
            }
        }
        if (!prot)
            continue;                   /* an empty piece, or a hole between segments */
        if (nsegs == 1 && congruent(&ph[only])) {
            err = map_file_piece(vs, obj, &ph[only], lo, hi, prot);
        } else {
            err = vm_map_anon(vs, lo, hi, prot, 0);
            piece[2 * copies] = lo;
            piece[2 * copies + 1] = hi;
            copies++;
        }
    }
    *npieces = copies;
    return err;
}

/* Fill the assembled pieces: the file bytes of every segment that lands in
 * them, in program-header order, so where two segments give bytes for one
 * address the later one's win. */
static int load_pieces(struct vm_space *vs, const uint8_t *data, const struct elf_phdr *ph,
                       int phnum, const vaddr_t *piece, int npieces)
{
    for (int i = 0; i < phnum; i++) {
        if (!is_load(&ph[i]))
            continue;
        for (int k = 0; k < npieces; k++) {
            vaddr_t lo = MAX(piece[2 * k], ph[i].vaddr);
            vaddr_t hi = MIN(piece[2 * k + 1], ph[i].vaddr + ph[i].filesz);
            if (lo >= hi)
                continue;
            /* LOAD writes even into pages the program may only read. */
            int err = vm_load(vs, lo, data + ph[i].offset + (lo - ph[i].vaddr), hi - lo);
            if (err < 0)
                return err;
        }
    }
    return 0;
}

/* Build argc/argv/envp/auxv at the top of the new stack; returns the new esp. */
static int build_stack(struct vm_space *vs, const struct exec_args *a, uint32_t entry,
                       const struct elf_ehdr *eh, uint32_t phdr_va, uint32_t *esp_out)
{
    int err = vm_map_anon(vs, USER_STACK_TOP - USER_STACK_MAX, USER_STACK_TOP,
                          VM_READ | VM_WRITE, VM_STACK);
    if (err < 0)
        return err;
    uint32_t strings = USER_STACK_TOP - 16 - ALIGN_UP(a->len, 4u);
    uint32_t random_va = USER_STACK_TOP - 16;
    int nptr = 1 + a->argc + 1 + a->envc + 1 + 2 * 12;
    uint32_t sp = ALIGN_DOWN(strings - nptr * 4, 16u);
    uint32_t *v = kmalloc(nptr * 4);
    if (!v)
        return -ENOMEM;
    int k = 0;
    uint32_t off = 0;
    v[k++] = (uint32_t)a->argc;
    for (int i = 0; i < a->argc; i++) {
        v[k++] = strings + off;
        off += strlen(a->buf + off) + 1;
    }
    v[k++] = 0;
    for (int i = 0; i < a->envc; i++) {
        v[k++] = strings + off;
        off += strlen(a->buf + off) + 1;
    }
    v[k++] = 0;
    const uint32_t aux[][2] = {
        { AT_PHDR, phdr_va }, { AT_PHENT, sizeof(struct elf_phdr) }, { AT_PHNUM, eh->phnum },
        { AT_PAGESZ, PAGE_SIZE }, { AT_ENTRY, entry },
        { AT_UID, current->ruid }, { AT_EUID, current->euid },
        { AT_GID, current->rgid }, { AT_EGID, current->egid },
        { AT_SECURE, 0 }, { AT_RANDOM, random_va }, { AT_NULL, 0 },
    };
    for (size_t i = 0; i < ARRAY_SIZE(aux); i++) {
        v[k++] = aux[i][0];
        v[k++] = aux[i][1];
    }
    uint8_t rnd[16];                    /* AT_RANDOM: glibc's stack guard and pointer guard */
    random_bytes(rnd, sizeof(rnd));
    err = vm_copyout(vs, sp, v, k * 4);
    if (!err)
        err = vm_copyout(vs, strings, a->buf, a->len);
    if (!err)
        err = vm_copyout(vs, random_va, rnd, sizeof(rnd));
    kfree(v);
    *esp_out = sp;
    return err;
}

/*
 * Scripts. A file that starts with "#!" names its interpreter on its first
 * line: "#!/bin/sh" or "#!/usr/bin/awk -f" (one optional argument, the
 * rest of the line). exec then runs the interpreter with the arguments
 * interpreter, [argument,] path, argv[1], ... as Linux's binfmt_script
 * does; the interpreter may itself be a script, 5 levels deep at most
 * (ELOOP beyond, as on Linux).
 */
#define SCRIPT_LINE_MAX 256             /* Linux's BINPRM_BUF_SIZE */
#define SCRIPT_DEPTH_MAX 5

static bool is_blank(char c) { return c == ' ' || c == '\t'; }

/* Rebuild a for the interpreter: interp, [arg,] path, then a's argv[1..]
 * and its environment. 0 or -E2BIG, -ENOMEM. */
static int script_args(struct exec_args *a, const char *interp, const char *arg,
                       const char *path)
{
    struct exec_args n;
    int err = args_init(&n);
    if (err < 0)
        return err;
    const char *s = a->buf;
    if (!(err = args_add(&n, interp, strlen(interp))))
        n.argc++;
    if (!err && arg && !(err = args_add(&n, arg, strlen(arg))))
        n.argc++;
    if (!err && !(err = args_add(&n, path, strlen(path))))
        n.argc++;
    for (int i = 0; i < a->argc + a->envc && !err; i++) {
        size_t len = strlen(s);
        if (i > 0 || a->argc == 0) {    /* argv[0] gives way to the path */
            err = args_add(&n, s, len);
            if (i < a->argc)
                n.argc++;
            else
                n.envc++;
        }
        s += len + 1;
    }
    if (err < 0) {
        kfree(n.buf);
        return err;
    }
    kfree(a->buf);
    *a = n;
    return 0;
}

static int exec_depth(const char *path, const char *name, struct exec_args *a, int depth);

/* data (size bytes) starts with "#!": run its interpreter instead. */
static int exec_script(const char *path, const char *name, const uint8_t *data,
                       uint32_t size, struct exec_args *a, int depth)
{
    /* Linux reads 256 bytes and looks for the newline in all of them, but
     * keeps the last byte for a NUL: the line is at most 255 bytes. A
     * file shorter than that ends in NULs, which end the name too. */
    char line[SCRIPT_LINE_MAX];
    uint32_t got = MIN(size, (uint32_t)SCRIPT_LINE_MAX);
    const uint8_t *nl = memchr(data, '\n', got);
    uint32_t n = nl ? (uint32_t)(nl - data) : MIN(got, (uint32_t)SCRIPT_LINE_MAX - 1);
    memcpy(line, data, n);
    line[n] = '\0';
    bool cut = !nl && size >= SCRIPT_LINE_MAX - 1;
    char *interp = line + 2;
    while (is_blank(*interp))
        interp++;
    char *p = interp;
    while (*p && !is_blank(*p))
        p++;
    /* A first line longer than the buffer may only cut the argument. */
    if (cut && !*p)
        return -ENOEXEC;
    char *arg = NULL;
    if (*p) {
        *p++ = '\0';
        while (is_blank(*p))
            p++;
        char *q = p + strlen(p);
        while (q > p && is_blank(q[-1]))
            *--q = '\0';
        if (*p)
            arg = p;
    }
    if (!*interp)
        return -ENOEXEC;
    if (depth >= SCRIPT_DEPTH_MAX)
        return -ELOOP;
    int err = script_args(a, interp, arg, path);
    if (err < 0)
        return err;
    char interp_path[SCRIPT_LINE_MAX];
    strcpy(interp_path, interp);        /* line's storage is ours alone */
    return exec_depth(interp_path, name, a, depth + 1);
}

static int exec_core(const char *path, struct exec_args *a)
{
    return exec_depth(path, path, a, 0);
}

/* exec of path, depth scripts down; name is the file the caller named
 * (the process's name: a script's, not its interpreter's, as on Linux). */
static int exec_depth(const char *path, const char *name, struct exec_args *a, int depth)
{
    const uint8_t *data;
    uint32_t size;
    struct vm_object *obj;
    int err = fs_lookup_exec(path, &data, &size, &obj);
    if (err < 0)
        return err;
    if (size >= 2 && data[0] == '#' && data[1] == '!') {
        vm_object_put(obj);
        return exec_script(path, name, data, size, a, depth);
    }
    const struct elf_ehdr *eh;
    struct vm_space *vs = NULL;
    vaddr_t *cut = NULL;
    struct procfs_image *img = NULL;
    if ((err = elf_check(data, size, &eh)) < 0)
        goto fail;
    err = -ENOMEM;
    if (!(vs = vm_space_create()) || !(cut = kmalloc(6 * eh->phnum * sizeof(*cut))) ||
        !(img = procfs_image_new(path, a->buf, a->argc)))
        goto fail;
    const struct elf_phdr *ph = (const struct elf_phdr *)(data + eh->phoff);
    vaddr_t top = 0;
    uint32_t phdr_va = 0;
    vaddr_t *piece = cut + 2 * eh->phnum;
    int npieces;
    if ((err = map_segments(vs, obj, ph, eh->phnum, cut, piece, &npieces)) < 0 ||
        (err = load_pieces(vs, data, ph, eh->phnum, piece, npieces)) < 0)
        goto fail;
    for (int i = 0; i < eh->phnum; i++) {
        if (!is_load(&ph[i]))
            continue;
        top = MAX(top, seg_end(&ph[i]));
        if (ph[i].offset <= eh->phoff && eh->phoff < ph[i].offset + ph[i].filesz)
            phdr_va = ph[i].vaddr + (eh->phoff - ph[i].offset);
    }
    uint32_t esp = 0;
    if ((err = build_stack(vs, a, eh->entry, eh, phdr_va, &esp)) < 0)
        goto fail;
    kfree(cut);
    vm_object_put(obj);                 /* the regions hold the file now */

    /* Point of no return: drop the old image. */
    struct vm_space *old = current->vm;
    vs->heap_start = vs->brk = top;
    current->vm = vs;
    vm_space_activate(vs);
    if (old)
        vm_space_destroy(old);          /* detaches shm attachments */
    fs_exec_close_cloexec(current);
    proc_exec_reset(current);           /* robust list, rseq; a vfork parent runs */
    for (int sig = 1; sig <= _NSIG; sig++) {
        struct kernel_sigaction *act = &current->sigact[sig];
        if (act->handler != SIG_IGN_VALUE)
            *act = (struct kernel_sigaction){0};
    }
    arch_fpu_reset(current->fpu);
    arch_fpu_restore(current->fpu);
    current->tls_base = current->tls_limit = 0;
    current->tls_flags = 0;
    arch_set_tls(0, 0, 0);
    const char *base = strrchr(name, '/');
    strncpy(current->name, base ? base + 1 : name, sizeof(current->name) - 1);
    procfs_exec(current, img, esp);
    arch_init_user_frame(current->tf, eh->entry, esp);
    return 0;
fail:
    procfs_image_put(img);
    kfree(cut);
    if (vs)
        vm_space_destroy(vs);
    vm_object_put(obj);
    return err;
}

int proc_exec_kernel(const char *path, const char *const argv[])
{
    struct exec_args a;
    int err = args_init(&a);
    for (int i = 0; argv[i] && !err; i++, a.argc++)
        err = args_add(&a, argv[i], strlen(argv[i]));
    if (!err)
        err = exec_core(path, &a);
    kfree(a.buf);
    return err;
}

/* Copy a NULL-terminated user vector of strings into a. */
static int copy_vector(struct exec_args *a, const uint32_t __user *vec, int *count)
{
    if (!vec)
        return 0;
    for (int i = 0;; i++) {
        uint32_t p;
        if (copyin(&p, vec + i, sizeof(p)) < 0)
            return -EFAULT;
        if (!p)
            return 0;
        if (a->argc + a->envc >= MAX_ARGS)
            return -E2BIG;
        int n = copyinstr(a->buf + a->len, (const char __user *)p, ARG_MAX - a->len);
        if (n < 0)
            return n == -ENAMETOOLONG ? -E2BIG : n;
        a->len += (uint32_t)n + 1;
        (*count)++;
    }
}

long sys_execve(const char __user *upath, const uint32_t __user *argv,
                const uint32_t __user *envp)
{
    char *path = kmalloc(PATH_MAX);
    struct exec_args a;
    int err = args_init(&a);
    if (!path)
        err = -ENOMEM;
    if (err >= 0)
        err = copyinstr(path, upath, PATH_MAX);
    if (err >= 0)
        err = copy_vector(&a, argv, &a.argc);
    if (err >= 0)
        err = copy_vector(&a, envp, &a.envc);
    if (err >= 0)
        err = exec_core(path, &a);
    kfree(a.buf);
    kfree(path);
    return err < 0 ? err : 0;
}
