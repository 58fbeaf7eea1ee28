/*
 * uapi/agora.h: agora's own system calls, numbered above Linux's range so
 * they never collide with a Linux call. Used by /bin/vmmap and the tests.
 */
#ifndef AGORA_UAPI_AGORA_H
#define AGORA_UAPI_AGORA_H

#include <stdint.h>

#define AGORA_NR_meminfo 500    /* meminfo(struct agora_meminfo *) */
#define AGORA_NR_vmmap   501    /* vmmap(pid, struct agora_region *buf, count) -> n */
#define AGORA_NR_pageinfo 502   /* pageinfo(pid, va, struct agora_page *) -> 0 */

struct agora_meminfo {
    uint32_t total_frames;      /* frames the allocator manages */
    uint32_t free_frames;
    uint32_t kheap_bytes;       /* bytes in allocated kernel-heap blocks */
    uint32_t nprocs;
    uint32_t shm_segments;      /* segments that exist (ids in use) */
    uint32_t shm_frames;        /* frames held by segments */
    uint32_t cow_copies;        /* copy-on-write faults that copied the page (since boot) */
    uint32_t cow_reuses;        /* copy-on-write faults that took the page over without
                                   a copy: no other mapping held it any more */
};

/* Regions one process may have: agora's vm.max_map_count (Linux: 65530;
 * lower here so that every process at the limit still fits in the kernel
 * heap). An mmap, mprotect, munmap, brk or shmat that would pass it fails
 * with ENOMEM. */
#define AGORA_MAX_MAP_COUNT 4096

#define AGORA_REGION_ANON  0
#define AGORA_REGION_HEAP  1
#define AGORA_REGION_STACK 2
#define AGORA_REGION_SHM   3
#define AGORA_REGION_SHARED 4   /* MAP_SHARED|MAP_ANONYMOUS memory */
#define AGORA_REGION_FILE  5    /* pages of a ramfs file (exec's image, mmap of a file) */
#define AGORA_REGION_FRAMES 16

#define AGORA_REGION_PRIVATE 0x1    /* flags: private (copy-on-write), else shared */

struct agora_region {
    uint32_t start, end;        /* [start, end), page aligned */
    uint32_t prot;              /* PROT_READ | PROT_WRITE | PROT_EXEC */
    uint32_t kind;              /* AGORA_REGION_* */
    union {
        int32_t id;             /* the object's id: a shm segment's, else -1 */
        int32_t shmid;          /* the same, under its old name */
    };
    uint32_t pages_present;     /* pages with a page-table entry now */
    uint32_t frames[AGORA_REGION_FRAMES];   /* physical address of the first pages, 0 if absent */
    uint32_t refs[AGORA_REGION_FRAMES];     /* each of those frames' reference count */
    uint32_t writable;          /* bit i: page i's entry allows writing now (a private
                                   page without it while prot has write is copy-on-write) */
    uint32_t flags;             /* AGORA_REGION_PRIVATE */
    uint32_t offset;            /* the object's page mapped at start (file, shm) */
    char name[32];              /* file regions: the file's path, maybe cut short */
};

/* One page of a process, any page (vmmap's regions describe their first
 * 16 only): pageinfo(pid or 0, va, &page) gives 0, or ESRCH (no such
 * process), EINVAL (va not below 0xC0000000), EFAULT. */
#define AGORA_PAGE_PRESENT  0x1
#define AGORA_PAGE_WRITABLE 0x2 /* the entry allows writing now */
#define AGORA_PAGE_USER     0x4 /* user mode may touch it (not PROT_NONE) */

struct agora_page {
    uint32_t frame;             /* physical address, 0 if not present */
    uint32_t refs;              /* the frame's reference count */
    uint32_t flags;             /* AGORA_PAGE_* */
};

#endif
