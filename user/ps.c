/*
 * ps: the live processes. agora has no /proc, so ps asks AGORA_NR_vmmap
 * about each pid in turn (ESRCH: no such process) and prints how many
 * regions and how much memory each one maps. The kernel keeps no command
 * names for user space to read, so there is no CMD column; ps marks
 * itself with "(ps)".
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "agora_tools.h"

#define MAX_PID 32768

int main(void)
{
    struct agora_meminfo mi;
    memset(&mi, 0, sizeof(mi));
    syscall(AGORA_NR_meminfo, &mi);
    printf("%5s %7s %8s %8s %5s\n", "PID", "REGIONS", "VSZ(K)", "RSS(K)", "SHM");
    uint32_t found = 0;
    pid_t self = getpid();
    for (int pid = 1; pid <= MAX_PID && (mi.nprocs == 0 || found < mi.nprocs); pid++) {
        struct agora_region *r;
        int n = at_regions(pid, &r);
        if (n < 0)
            continue;
        found++;
        uint32_t vsz = 0, rss = 0, shm = 0;
        for (int i = 0; i < n; i++) {
            vsz += (r[i].end - r[i].start) / 1024;
            rss += r[i].pages_present * 4;
            if (r[i].kind == AGORA_REGION_SHM)
                shm++;
        }
        free(r);
        printf("%5d %7d %8u %8u %5u%s\n", pid, n, vsz, rss, shm,
               pid == self ? "  (ps)" : "");
    }
    return 0;
}
