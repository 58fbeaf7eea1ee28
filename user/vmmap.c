/*
 * vmmap: show a process's address space, region by region, down to the
 * physical frames, so that one can watch fork share a page and the first
 * write copy it.
 *
 *   vmmap [-s]          the caller (vmmap itself)
 *   vmmap [-s] PID...   those processes
 *   vmmap [-s] -a       every process (pids probed with AGORA_NR_vmmap;
 *                       ESRCH means no such process)
 *   -s                  regions only, no page lines
 *
 * One line per region: start-end, size, rwx, kind, private or shared,
 * pages present / pages in the region, and the object behind it:
 *
 *   kind    object column          what it is
 *   anon    -                      private anonymous memory (mmap, bss)
 *   heap    -                      the brk heap
 *   stack   -                      the user stack
 *   file    PATH, file page N      pages of a ramfs file (the program's
 *                                  own image, or mmap of a file); N is the
 *                                  file page mapped at the region's start
 *   shm     shm id ID [page N]     a System V segment (its page N at start)
 *   shared  -                      MAP_SHARED|MAP_ANONYMOUS memory
 *
 * "private" regions are copy-on-write across fork; "shared" ones (shm,
 * MAP_SHARED) are the same frames in every process that maps them.
 *
 * Under each region, one line per present page (up to 32; the first 16
 * pages come with the region, the others from AGORA_NR_pageinfo, so the
 * top of the stack shows too): the page's index in the region, the physical
 * frame, the frame's reference count (the mappings and the objects, such as
 * a shm segment, that hold it) and what a write would do now:
 *
 *   writable   the entry allows writing: the write just happens
 *   cow        private page mapped read-only although the region is
 *              writable: the first write faults and copies the frame (refs
 *              above 1) or takes it over when no one else holds it
 *              ("cow, last owner": refs 1, no copy needed)
 *   read-only  the region is not writable (or the page is not, for now)
 *
 * After fork, parent and child show the same frame with refs 2 and "cow";
 * after the child writes, the child shows a new frame with refs 1,
 * writable, and the parent its old frame with refs 1, "cow, last owner".
 * Two processes that attached the same shm segment show the same frames,
 * writable in both: the memory is shared, not copied.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "agora_tools.h"

#define MAX_PID 32768
#define PAGE_SIZE 4096

static int regions_only;                /* -s */

/* "16K", "2M", "4096" style sizes, as pmap prints them. */
static void format_size(uint32_t bytes, char *buf, size_t len)
{
    if (bytes >= (1u << 20) && bytes % (1u << 20) == 0)
        snprintf(buf, len, "%uM", bytes >> 20);
    else
        snprintf(buf, len, "%uK", bytes >> 10);
}

/* The object column: what the region maps. */
static void format_object(const struct agora_region *r, char *buf, size_t len)
{
    switch (r->kind) {
    case AGORA_REGION_FILE:
        snprintf(buf, len, "%.*s, file page %u", (int)sizeof(r->name), r->name, r->offset);
        break;
    case AGORA_REGION_SHM:
        if (r->offset)
            snprintf(buf, len, "shm id %d page %u", r->id, r->offset);
        else
            snprintf(buf, len, "shm id %d", r->id);
        break;
    default:
        snprintf(buf, len, "-");
        break;
    }
}

/* What a write to present page i of r would do now (see the header). */
static const char *page_state(const struct agora_region *r, uint32_t i)
{
    if (r->writable & (1u << i))
        return "writable";
    if ((r->flags & AGORA_REGION_PRIVATE) && (r->prot & PROT_WRITE))
        return r->refs[i] == 1 ? "cow, last owner" : "cow";
    return "read-only";
}

/* The same for a page past the first 16, from its own pageinfo. */
static const char *probed_state(const struct agora_region *r, const struct agora_page *pg)
{
    if (pg->flags & AGORA_PAGE_WRITABLE)
        return "writable";
    if ((r->flags & AGORA_REGION_PRIVATE) && (r->prot & PROT_WRITE))
        return pg->refs == 1 ? "cow, last owner" : "cow";
    return "read-only";
}

#define MAX_PAGE_LINES 32               /* per region; the rest are counted */

static void print_pages(int pid, const struct agora_region *r)
{
    uint32_t npages = (r->end - r->start) / PAGE_SIZE;
    uint32_t shown = npages < AGORA_REGION_FRAMES ? npages : AGORA_REGION_FRAMES;
    uint32_t listed = 0;
    for (uint32_t i = 0; i < shown; i++) {
        if (!r->frames[i])
            continue;
        printf("    page %4u  frame %08x  refs %u  %s\n", i, r->frames[i], r->refs[i],
               page_state(r, i));
        listed++;
    }
    /* Pages past the first 16 (the top of the stack, a big mapping): ask
     * for each until every present one is found or enough are listed. */
    for (uint32_t i = shown; i < npages && listed < r->pages_present &&
         listed < MAX_PAGE_LINES; i++) {
        struct agora_page pg;
        if (syscall(AGORA_NR_pageinfo, pid, r->start + i * PAGE_SIZE, &pg) < 0 ||
            !(pg.flags & AGORA_PAGE_PRESENT))
            continue;
        printf("    page %4u  frame %08x  refs %u  %s\n", i, pg.frame, pg.refs,
               probed_state(r, &pg));
        listed++;
    }
    if (r->pages_present > listed)
        printf("    (%u more present page%s not listed)\n", r->pages_present - listed,
               r->pages_present - listed == 1 ? "" : "s");
}

/* Print the map of pid; returns 0, or -1 (errno) if it cannot be read. */
static int show(int pid)
{
    struct agora_region *r;
    int n = at_regions(pid, &r);
    if (n < 0)
        return -1;
    uint32_t total = 0, present = 0;
    printf("pid %d: %d regions\n", pid ? pid : getpid(), n);
    printf("%-17s %6s %-4s %-6s %-7s %9s %s\n",
           "start-end", "size", "prot", "kind", "map", "present", "object");
    for (int i = 0; i < n; i++) {
        char size[16], prot[4], pages[24], object[64];
        uint32_t npages = (r[i].end - r[i].start) / PAGE_SIZE;
        format_size(r[i].end - r[i].start, size, sizeof(size));
        snprintf(pages, sizeof(pages), "%u/%u", r[i].pages_present, npages);
        format_object(&r[i], object, sizeof(object));
        printf("%08x-%08x %6s %-4s %-6s %-7s %9s %s\n", r[i].start, r[i].end, size,
               at_prot_string(r[i].prot, prot), at_kind_name(r[i].kind),
               (r[i].flags & AGORA_REGION_PRIVATE) ? "private" : "shared", pages, object);
        if (!regions_only)
            print_pages(pid, &r[i]);
        total += npages;
        present += r[i].pages_present;
    }
    printf("total %uK mapped, %uK present\n", total * 4, present * 4);
    free(r);
    return 0;
}

static int show_all(void)
{
    struct agora_meminfo mi;
    memset(&mi, 0, sizeof(mi));
    syscall(AGORA_NR_meminfo, &mi);
    uint32_t found = 0;
    for (int pid = 1; pid <= MAX_PID && (mi.nprocs == 0 || found < mi.nprocs); pid++) {
        if (!at_pid_alive(pid, NULL))
            continue;
        found++;
        if (found > 1)
            printf("\n");
        if (show(pid) < 0 && errno != ESRCH)    /* it may have just exited */
            fprintf(stderr, "vmmap: %d: %s\n", pid, strerror(errno));
    }
    return 0;
}

int main(int argc, char **argv)
{
    int first = 1;
    if (argc > 1 && strcmp(argv[1], "-s") == 0) {
        regions_only = 1;
        first = 2;
    }
    if (argc == first + 1 && strcmp(argv[first], "-a") == 0)
        return show_all();
    if (argc == first + 1 && (strcmp(argv[first], "-h") == 0 ||
                              strcmp(argv[first], "--help") == 0)) {
        printf("usage: vmmap [-s] [-a | PID...]\n"
               "  one line per region (kind, private/shared, the object mapped), then\n"
               "  each present page of its first 16: frame, reference count, and\n"
               "  writable / cow (copy-on-write) / read-only; -s: regions only\n");
        return 0;
    }
    if (argc == first)
        return show(0) < 0 ? 1 : 0;
    int status = 0;
    for (int i = first; i < argc; i++) {
        unsigned long pid;
        if (at_parse_ulong(argv[i], 10, &pid) < 0 || pid == 0 || pid > 0x7fffffff) {
            fprintf(stderr, "vmmap: bad pid '%s'\n", argv[i]);
            status = 1;
            continue;
        }
        if (i > first)
            printf("\n");
        if (show((int)pid) < 0) {
            fprintf(stderr, "vmmap: %lu: %s\n", pid,
                    errno == ESRCH ? "no such process" : strerror(errno));
            status = 1;
        }
    }
    return status;
}
