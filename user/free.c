/*
 * free: memory use, in procps's layout (KiB; -m MiB, -b bytes), followed
 * by agora's own counters from AGORA_NR_meminfo: frames, the kernel heap
 * and the frames held by System V shared memory segments.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <uapi/agora.h>

int main(int argc, char **argv)
{
    unsigned long long div = 1024;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-b") == 0)
            div = 1;
        else if (strcmp(argv[i], "-k") == 0)
            div = 1024;
        else if (strcmp(argv[i], "-m") == 0)
            div = 1024 * 1024;
        else {
            fprintf(stderr, "usage: free [-b|-k|-m]\n");
            return 1;
        }
    }
    struct sysinfo si;
    struct agora_meminfo mi;
    memset(&mi, 0, sizeof(mi));
    if (sysinfo(&si) < 0) {
        perror("free: sysinfo");
        return 1;
    }
    if (syscall(AGORA_NR_meminfo, &mi) < 0) {
        perror("free: meminfo");
        return 1;
    }
    unsigned long long unit = si.mem_unit ? si.mem_unit : 1;
    unsigned long long total = si.totalram * unit, freeb = si.freeram * unit;
    unsigned long long shared = (unsigned long long)mi.shm_frames * 4096;
    unsigned long long buff = si.bufferram * unit;
    printf("%20s %11s %11s %11s %11s %11s\n",
           "total", "used", "free", "shared", "buff/cache", "available");
    printf("%-9s%11llu %11llu %11llu %11llu %11llu %11llu\n", "Mem:",
           total / div, (total - freeb - buff) / div, freeb / div,
           shared / div, buff / div, freeb / div);
    printf("%-9s%11llu %11llu %11llu\n", "Swap:",
           (unsigned long long)si.totalswap * unit / div,
           (unsigned long long)(si.totalswap - si.freeswap) * unit / div,
           (unsigned long long)si.freeswap * unit / div);
    printf("\nagora: %u frames of 4K, %u free; kernel heap %u bytes; "
           "%u processes\n       %u shm segments holding %u frames\n",
           mi.total_frames, mi.free_frames, mi.kheap_bytes, mi.nprocs,
           mi.shm_segments, mi.shm_frames);
    return 0;
}
