/*
 * exec_perm: execve needs execute permission for the caller, as on Linux
 * (execve(2): EACCES when "execute permission is denied for the file" or
 * "the file is not a regular file"). Every ramfs file belongs to uid 0 and
 * gid 0, so an unprivileged caller is judged by the group bits if gid 0 is
 * its effective or a supplementary group and by the other bits otherwise
 * (only one class counts: group x without other x is enough, other x
 * without group x is not); root may execute a file with any x bit.
 *
 * The fixtures /testdata/true-MODE are /bin/true with that exact mode (the
 * Makefile sets it: git keeps only the x bit). Each case runs in a forked
 * child that takes the identity, then calls execve: exit 0 means /bin/true
 * ran, 100 + errno means execve failed.
 */
#include <agora_test.h>

#define ROOT   0
#define NOBODY 65534

static const struct {
    const char *path;
    uid_t uid;
    gid_t gid;
    int err;                            /* 0: the program runs */
    const char *what;
} cases[] = {
    { "/bin/true", ROOT, ROOT, 0, "root, 0755" },
    { "/testdata/true-0744", ROOT, ROOT, 0, "root, 0744: an x bit is enough" },
    { "/testdata/true-0701", ROOT, ROOT, 0, "root, 0701" },
    { "/testdata/true-0644", ROOT, ROOT, EACCES, "root, 0644: no x bit at all" },
    { "/testdata", ROOT, ROOT, EACCES, "root, a directory" },
    { "/dev/console", ROOT, ROOT, EACCES, "root, a character device" },
    { "/bin/true", NOBODY, NOBODY, 0, "uid 65534, 0755" },
    { "/testdata/true-0744", NOBODY, NOBODY, EACCES, "uid 65534, 0744: x for the owner only" },
    { "/testdata/true-0710", NOBODY, NOBODY, EACCES, "uid 65534 gid 65534, 0710: x for the group only" },
    { "/testdata/true-0701", NOBODY, NOBODY, 0, "uid 65534 gid 65534, 0701: x for others" },
    { "/testdata/true-0644", NOBODY, NOBODY, EACCES, "uid 65534, 0644" },
    { "/testdata", NOBODY, NOBODY, EACCES, "uid 65534, a directory" },
    { "/testdata/true-0710", NOBODY, ROOT, 0, "uid 65534 gid 0, 0710: the group's x" },
    { "/testdata/true-0701", NOBODY, ROOT, EACCES, "uid 65534 gid 0, 0701: the group class has no x" },
    { "/testdata/true-0744", NOBODY, ROOT, EACCES, "uid 65534 gid 0, 0744" },
};

/* The wait status of a child that takes uid/gid and execs path. */
static int run_as(const char *path, uid_t uid, gid_t gid)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        if (setgroups(0, NULL) < 0 || setgid(gid) < 0 || setuid(uid) < 0)
            _exit(99);
        char *argv[] = { (char *)path, NULL };
        char *envp[] = { NULL };
        execve(path, argv, envp);
        _exit(100 + errno);
    }
    int status;
    if (waitpid(pid, &status, 0) != pid)
        return -1;
    return status;
}

int main(void)
{
    t_begin("exec_perm");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int status = run_as(cases[i].path, cases[i].uid, cases[i].gid);
        int want = cases[i].err ? 100 + cases[i].err : 0;
        char d[128];
        if (status == -1 || !WIFEXITED(status))
            snprintf(d, sizeof(d), "fork, wait or the child failed (status %#x)", status);
        else if (WEXITSTATUS(status) == 99)
            snprintf(d, sizeof(d), "could not take uid %u gid %u", cases[i].uid, cases[i].gid);
        else if (WEXITSTATUS(status) > 100)
            snprintf(d, sizeof(d), "execve failed with %s, want %s",
                     strerror(WEXITSTATUS(status) - 100), cases[i].err ? strerror(cases[i].err) : "success");
        else
            snprintf(d, sizeof(d), "the program ran (exit %d), want %s", WEXITSTATUS(status),
                     strerror(cases[i].err));
        t_check(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == want, cases[i].what, d);
    }
    return t_end();
}
