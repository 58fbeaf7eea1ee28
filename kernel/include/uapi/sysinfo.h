/*
 * uapi/sysinfo.h: the Linux i386 struct sysinfo filled by sysinfo (116).
 * libc's <sys/sysinfo.h> exposes the same layout as struct sysinfo.
 */
#ifndef AGORA_UAPI_SYSINFO_H
#define AGORA_UAPI_SYSINFO_H

#include <stdint.h>

/* loads[] are fixed point with this many fraction bits. */
#define SI_LOAD_SHIFT 16

struct linux_sysinfo {
	int32_t uptime;         /* seconds since boot */
	uint32_t loads[3];      /* 1, 5, 15 minute load averages */
	uint32_t totalram;      /* all sizes in units of mem_unit bytes */
	uint32_t freeram;
	uint32_t sharedram;
	uint32_t bufferram;
	uint32_t totalswap;
	uint32_t freeswap;
	uint16_t procs;
	uint16_t pad;
	uint32_t totalhigh;
	uint32_t freehigh;
	uint32_t mem_unit;
	char _f[8];
};

__extension__ _Static_assert(sizeof(struct linux_sysinfo) == 64, "linux_sysinfo");

#endif
