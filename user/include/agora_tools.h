/*
 * agora_tools.h: small helpers shared by the user-space tools in user/
 * (ipcs, ipcrm, ipcmk, shmtool, vmmap, ps, ls, the shm demos). Every
 * function is static inline, so a tool pays only for what it calls.
 *
 *   at_user_name / at_group_name   uid/gid -> name from /etc/passwd, /etc/group
 *   at_ctime                       time_t -> "Sun Nov 22 22:03:44 2026" (UTC)
 *   at_parse_ulong                 whole-string number parse (0x.., decimal)
 *   at_regions                     AGORA_NR_vmmap into a malloc'd array
 *   at_kind_name, at_prot_string   the words vmmap prints for a region
 *
 * There is no <pwd.h> and no /proc in agora: names come straight from the
 * files, and process data comes from agora's own system calls.
 */
#ifndef AGORA_TOOLS_H
#define AGORA_TOOLS_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <uapi/agora.h>

/*
 * Look up id in a colon-separated database whose lines are
 * "name:password:id:...". Copies the name into buf and returns buf, or
 * returns NULL if the file or the id is missing.
 */
static inline char *at_db_name(const char *path, unsigned int id, char *buf,
                               size_t len)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char line[256];
    char *found = NULL;
    while (!found && fgets(line, sizeof(line), f)) {
        char *name = line;
        char *colon = strchr(name, ':');
        if (!colon)
            continue;
        *colon = '\0';
        char *pass_end = strchr(colon + 1, ':');
        if (!pass_end)
            continue;
        char *end;
        unsigned long v = strtoul(pass_end + 1, &end, 10);
        if (end == pass_end + 1 || (*end != ':' && *end != '\n' && *end))
            continue;
        if (v == id) {
            strlcpy(buf, name, len);
            found = buf;
        }
    }
    fclose(f);
    return found;
}

static inline char *at_user_name(unsigned int uid, char *buf, size_t len)
{
    return at_db_name("/etc/passwd", uid, buf, len);
}

static inline char *at_group_name(unsigned int gid, char *buf, size_t len)
{
    return at_db_name("/etc/group", gid, buf, len);
}

/*
 * Days since 1970-01-01 -> civil year, month (1..12), day (1..31), for the
 * proleptic Gregorian calendar. Works in 400-year eras of 146097 days.
 */
static inline void at_civil_from_days(long long days, long long *year,
                                      int *month, int *day)
{
    days += 719468;                     /* shift the epoch to 0000-03-01 */
    long long era = (days >= 0 ? days : days - 146096) / 146097;
    long long doe = days - era * 146097;                    /* [0, 146096] */
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);   /* [0, 365] */
    long long mp = (5 * doy + 2) / 153;                 /* March = 0 */
    *day = (int)(doy - (153 * mp + 2) / 5 + 1);
    *month = (int)(mp < 10 ? mp + 3 : mp - 9);
    *year = yoe + era * 400 + (*month <= 2);
}

/*
 * Format t as ctime(3) does in UTC, without the newline:
 * "Sun Nov 22 22:03:44 2026" (24 characters for 4-digit years).
 * buf must hold at least 32 bytes. Returns buf.
 */
static inline char *at_ctime(long long t, char *buf)
{
    static const char wdays[] = "SunMonTueWedThuFriSat";
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    long long days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    long long secs = t - days * 86400;
    long long year;
    int month, day;
    at_civil_from_days(days, &year, &month, &day);
    int wday = (int)(((days % 7) + 7 + 4) % 7);      /* 1970-01-01: Thursday */
    char tmp[64];
    snprintf(tmp, sizeof(tmp), "%.3s %.3s %2d %02d:%02d:%02d %lld",
             wdays + 3 * wday, months + 3 * (month - 1), day,
             (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60), year);
    strlcpy(buf, tmp, 32);
    return buf;
}

/*
 * Parse all of s as an unsigned number in base (0: "0x" hex, "0" octal,
 * else decimal). Returns 0 and sets *out, or -1 if s is empty, has junk
 * after the number, or overflows.
 */
static inline int at_parse_ulong(const char *s, int base, unsigned long *out)
{
    if (!s || !*s || *s == '-')
        return -1;
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, base);
    if (errno || end == s || *end)
        return -1;
    *out = v;
    return 0;
}

/*
 * Fetch the regions of process pid (0: the caller) with AGORA_NR_vmmap.
 * Returns the count and a malloc'd array in *out (free it), or -1 with
 * errno set (ESRCH: no such process).
 * One call usually does: the first buffer has room for 32 regions.
 */
static inline int at_regions(int pid, struct agora_region **out)
{
    size_t cap = 32;
    *out = NULL;
    for (;;) {
        struct agora_region *r = calloc(cap, sizeof(*r));
        if (!r) {
            errno = ENOMEM;
            return -1;
        }
        long got = syscall(AGORA_NR_vmmap, pid, r, cap);
        if (got < 0) {
            free(r);
            return -1;
        }
        if ((size_t)got <= cap) {
            *out = r;
            return (int)got;
        }
        free(r);
        cap = (size_t)got + 4;              /* room if the map grows */
    }
}

/* Whether process pid exists and has an address space (vmmap's ESRCH). */
static inline int at_pid_alive(int pid, int *nregions)
{
    struct agora_region one;
    long n = syscall(AGORA_NR_vmmap, pid, &one, 1);
    if (n < 0)
        return 0;
    if (nregions)
        *nregions = (int)n;
    return 1;
}

static inline const char *at_kind_name(uint32_t kind)
{
    switch (kind) {
    case AGORA_REGION_ANON:  return "anon";
    case AGORA_REGION_HEAP:  return "heap";
    case AGORA_REGION_STACK: return "stack";
    case AGORA_REGION_SHM:   return "shm";
    case AGORA_REGION_SHARED: return "shared";     /* MAP_SHARED|MAP_ANONYMOUS */
    case AGORA_REGION_FILE:  return "file";
    default:                 return "?";
    }
}

/* "rwx" with '-' for a missing bit; buf must hold 4 bytes. */
static inline char *at_prot_string(uint32_t prot, char *buf)
{
    buf[0] = (prot & PROT_READ) ? 'r' : '-';
    buf[1] = (prot & PROT_WRITE) ? 'w' : '-';
    buf[2] = (prot & PROT_EXEC) ? 'x' : '-';
    buf[3] = '\0';
    return buf;
}

/* The physical address of the page at va in the caller, or 0 if absent. */
static inline uint32_t at_frame_of(const void *va)
{
    struct agora_region *r;
    int n = at_regions(0, &r);
    uint32_t pa = 0;
    uint32_t a = (uint32_t)(uintptr_t)va;
    for (int i = 0; i < n; i++) {
        if (a >= r[i].start && a < r[i].end) {
            uint32_t page = (a - r[i].start) / 4096;
            if (page < AGORA_REGION_FRAMES)
                pa = r[i].frames[page];
            break;
        }
    }
    free(r);
    return pa;
}

#endif
