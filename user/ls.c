/*
 * ls: list directory contents.
 *
 *   ls [-l] [-a] [PATH...]
 *
 * Names are sorted; without -l they are printed in columns, with -l one
 * per line with mode, links, owner, group, size and modification time
 * (UTC). Owners and groups come from /etc/passwd and /etc/group.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "agora_tools.h"

#define WIDTH 80

static int opt_long, opt_all;

static void mode_string(mode_t m, char *s)
{
    switch (m & S_IFMT) {
    case S_IFDIR:  s[0] = 'd'; break;
    case S_IFLNK:  s[0] = 'l'; break;
    case S_IFCHR:  s[0] = 'c'; break;
    case S_IFBLK:  s[0] = 'b'; break;
    case S_IFIFO:  s[0] = 'p'; break;
    case S_IFSOCK: s[0] = 's'; break;
    default:       s[0] = '-'; break;
    }
    const char *rwx = "rwxrwxrwx";
    for (int i = 0; i < 9; i++)
        s[1 + i] = (m & (0400 >> i)) ? rwx[i] : '-';
    if (m & S_ISUID)
        s[3] = (m & 0100) ? 's' : 'S';
    if (m & S_ISGID)
        s[6] = (m & 0010) ? 's' : 'S';
    s[10] = '\0';
}

/* One -l line for path (stat'ed) shown as name. */
static int long_line(const char *path, const char *name)
{
    struct stat st;
    if (lstat(path, &st) < 0) {
        fprintf(stderr, "ls: cannot access '%s': %s\n", path, strerror(errno));
        return 1;
    }
    char mode[11], user[32], group[32], when[32];
    mode_string(st.st_mode, mode);
    if (!at_user_name(st.st_uid, user, sizeof(user)))
        snprintf(user, sizeof(user), "%u", st.st_uid);
    if (!at_group_name(st.st_gid, group, sizeof(group)))
        snprintf(group, sizeof(group), "%u", st.st_gid);
    /* "Thu Jan  1 00:00:00 1970": recent files show the time, old the year */
    char full[32];
    long long mtime = st.st_mtime;
    at_ctime(mtime, full);
    long long now = time(NULL);
    if (now - mtime < 182LL * 86400 && mtime <= now + 3600)
        snprintf(when, sizeof(when), "%.12s", full + 4);
    else
        snprintf(when, sizeof(when), "%.7s %s", full + 4, full + 20);
    printf("%s %2u %-8s %-8s %8lld %s %s\n", mode, (unsigned)st.st_nlink,
           user, group, (long long)st.st_size, when, name);
    return 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void print_columns(char **names, int n)
{
    size_t w = 1;
    for (int i = 0; i < n; i++)
        if (strlen(names[i]) + 2 > w)
            w = strlen(names[i]) + 2;
    int cols = (int)(WIDTH / w);
    if (cols < 1)
        cols = 1;
    int rows = (n + cols - 1) / cols;
    for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
            int i = c * rows + r;
            if (i >= n)
                break;
            if (c == cols - 1 || i + rows >= n)
                printf("%s", names[i]);         /* no trailing blanks */
            else
                printf("%-*s", (int)w, names[i]);
        }
        printf("\n");
    }
}

static int list_dir(const char *path)
{
    DIR *d = opendir(path);
    if (!d) {
        fprintf(stderr, "ls: cannot open directory '%s': %s\n", path, strerror(errno));
        return 1;
    }
    int n = 0, cap = 64;
    char **names = malloc((size_t)cap * sizeof(*names));
    struct dirent *e;
    while (names && (e = readdir(d))) {
        if (e->d_name[0] == '.' && !opt_all)
            continue;
        if (n == cap) {
            cap *= 2;
            char **bigger = realloc(names, (size_t)cap * sizeof(*names));
            if (!bigger)
                break;
            names = bigger;
        }
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    if (!names) {
        fprintf(stderr, "ls: out of memory\n");
        return 1;
    }
    qsort(names, (size_t)n, sizeof(*names), cmp_names);
    int status = 0;
    if (opt_long) {
        for (int i = 0; i < n; i++) {
            char full[512];
            snprintf(full, sizeof(full), "%s%s%s", path,
                     path[strlen(path) - 1] == '/' ? "" : "/", names[i]);
            status |= long_line(full, names[i]);
        }
    } else {
        print_columns(names, n);
    }
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return status;
}

static int list(const char *path, int header)
{
    struct stat st;
    if (stat(path, &st) < 0) {
        fprintf(stderr, "ls: cannot access '%s': %s\n", path, strerror(errno));
        return 1;
    }
    if (!S_ISDIR(st.st_mode)) {
        if (opt_long)
            return long_line(path, path);
        printf("%s\n", path);
        return 0;
    }
    if (header)
        printf("%s:\n", path);
    return list_dir(path);
}

int main(int argc, char **argv)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        for (const char *c = argv[i] + 1; *c; c++) {
            if (*c == 'l')
                opt_long = 1;
            else if (*c == 'a')
                opt_all = 1;
            else {
                fprintf(stderr, "ls: invalid option -- '%c'\nusage: ls [-la] [PATH...]\n", *c);
                return 2;
            }
        }
    }
    if (i == argc)
        return list(".", 0);
    int status = 0, many = argc - i > 1;
    for (int first = i; i < argc; i++) {
        if (many && i > first)
            printf("\n");
        status |= list(argv[i], many);
    }
    return status;
}
