/*
 * sys/sysinfo.h: sysinfo(2). struct sysinfo is Linux's i386 layout
 * (the same bytes as <uapi/sysinfo.h> struct linux_sysinfo).
 */
#ifndef _SYS_SYSINFO_H
#define _SYS_SYSINFO_H

#include <uapi/sysinfo.h>

struct sysinfo {
	long uptime;
	unsigned long loads[3];
	unsigned long totalram;
	unsigned long freeram;
	unsigned long sharedram;
	unsigned long bufferram;
	unsigned long totalswap;
	unsigned long freeswap;
	unsigned short procs;
	unsigned short pad;
	unsigned long totalhigh;
	unsigned long freehigh;
	unsigned int mem_unit;
	char _f[20 - 2 * sizeof(long) - sizeof(int)];
};

#ifdef __i386__
__extension__ _Static_assert(sizeof(struct sysinfo) == sizeof(struct linux_sysinfo), "sysinfo");
#endif

int sysinfo(struct sysinfo *info);
int get_nprocs(void);
int get_nprocs_conf(void);

#endif
