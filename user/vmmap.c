/*
 * vmmap: show a process's address space, region by region.
 *
 *   vmmap          the caller (vmmap itself)
 *   vmmap PID...   those processes
 *   vmmap -a       every process (pids probed with AGORA_NR_vmmap; ESRCH
 *                  means no such process)
 *
 * Each line: start-end, size, rwx, kind (anon/heap/stack/shm), the segment
 * id for shm, pages present / pages in the region, and for shm regions the
 * physical address of each of the first 16 pages ('-' if not present).
 * Two processes that attached the same segment show the same frames: the
 * memory is shared, not copied.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "agora_tools.h"

#define MAX_PID 32768

/* "16K", "2M", "4096" style sizes, as pmap prints them. */
static void format_size(uint32_t bytes, char *buf, size_t len)
{
    if (bytes >= (1u << 20) && bytes % (1u << 20) == 0)
        snprintf(buf, len, "%uM", bytes >> 20);
    else
        snprintf(buf, len, "%uK", bytes >> 10);
}

static void print_frames(const struct agora_region *r)
{
    uint32_t npages = (r->end - r->start) / 4096;
    uint32_t shown = npages < AGORA_REGION_FRAMES ? npages : AGORA_REGION_FRAMES;
    for (uint32_t i = 0; i < shown; i++) {
        if (r->frames[i])
            printf(" %08x", r->frames[i]);
        else
            printf(" -");
    }
    if (npages > shown)
        printf(" ...");
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
    printf("%-17s %6s %-4s %-5s %5s %9s %s\n",
           "start-end", "size", "prot", "kind", "shmid", "present", "frames (shm)");
    for (int i = 0; i < n; i++) {
        char size[16], prot[4], id[12];
        uint32_t npages = (r[i].end - r[i].start) / 4096;
        format_size(r[i].end - r[i].start, size, sizeof(size));
        if (r[i].shmid >= 0)
            snprintf(id, sizeof(id), "%d", r[i].shmid);
        else
            snprintf(id, sizeof(id), "-");
        char pages[24];
        snprintf(pages, sizeof(pages), "%u/%u", r[i].pages_present, npages);
        printf("%08x-%08x %6s %-4s %-5s %5s %9s", r[i].start, r[i].end, size,
               at_prot_string(r[i].prot, prot), at_kind_name(r[i].kind), id, pages);
        if (r[i].kind == AGORA_REGION_SHM)
            print_frames(&r[i]);
        printf("\n");
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
    if (argc == 2 && strcmp(argv[1], "-a") == 0)
        return show_all();
    if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        printf("usage: vmmap [-a | PID...]\n");
        return 0;
    }
    if (argc == 1)
        return show(0) < 0 ? 1 : 0;
    int status = 0;
    for (int i = 1; i < argc; i++) {
        unsigned long pid;
        if (at_parse_ulong(argv[i], 10, &pid) < 0 || pid == 0 || pid > 0x7fffffff) {
            fprintf(stderr, "vmmap: bad pid '%s'\n", argv[i]);
            status = 1;
            continue;
        }
        if (i > 1)
            printf("\n");
        if (show((int)pid) < 0) {
            fprintf(stderr, "vmmap: %lu: %s\n", pid,
                    errno == ESRCH ? "no such process" : strerror(errno));
            status = 1;
        }
    }
    return status;
}
