/*
 * cred_rules: user and group ids, the POSIX/Linux rules.
 *
 * Root may set any id; a process that gave up root with setresuid cannot
 * get it back (EPERM); an unprivileged process may set an id only to one of
 * its real, effective or saved ids; setuid/seteuid/setreuid follow Linux's
 * saved-id rules; fork (and exec) keep all six ids; setgroups needs root.
 * Every case runs in its own child, since ids cannot be given back.
 */
#include <agora_test.h>
#include <signal.h>

#define SELF "/tests/cred_rules"

static int ids_are(uid_t r, uid_t e, uid_t s)
{
    uid_t a = 99, b = 99, c = 99;
    if (getresuid(&a, &b, &c) != 0)
        return 0;
    return a == r && b == e && c == s && getuid() == r && geteuid() == e;
}

static int gids_are(gid_t r, gid_t e, gid_t s)
{
    gid_t a = 99, b = 99, c = 99;
    if (getresgid(&a, &b, &c) != 0)
        return 0;
    return a == r && b == e && c == s && getgid() == r && getegid() == e;
}

/* Run fn in a child; returns its exit status (0 = all good, else the
 * number of the first failed step), or 100 + signal. */
static int in_child(int (*fn)(void))
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(fn());
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st);
}

#define STEP(n, cond) do { if (!(cond)) return (n); } while (0)
#define FAILS_EPERM(call) ((call) == -1 && errno == EPERM)

static int root_sets_anything(void)
{
    STEP(1, ids_are(0, 0, 0));
    STEP(2, setresuid(5, 6, 7) == 0 && ids_are(5, 6, 7));
    STEP(3, FAILS_EPERM(setresuid(0, 0, 0)));  /* euid 6: root is gone */
    STEP(4, setresuid(7, 5, 6) == 0 && ids_are(7, 5, 6));   /* any permutation */
    STEP(5, setresuid(-1, 7, -1) == 0 && ids_are(7, 7, 6));
    return 0;
}

static int root_setuid(void)
{
    STEP(1, setuid(1234) == 0);         /* root: all three */
    STEP(2, ids_are(1234, 1234, 1234));
    STEP(3, FAILS_EPERM(setuid(0)));
    STEP(4, FAILS_EPERM(seteuid(0)));
    STEP(5, FAILS_EPERM(setresuid(-1, 0, -1)));
    STEP(6, FAILS_EPERM(setreuid(0, -1)));
    STEP(7, ids_are(1234, 1234, 1234));
    return 0;
}

static int root_setgid(void)
{
    STEP(1, setgid(4321) == 0);
    STEP(2, gids_are(4321, 4321, 4321));
    STEP(3, setgid(0) == 0);            /* still root (euid 0): allowed */
    STEP(4, gids_are(0, 0, 0));
    STEP(5, setresgid(1, 2, 3) == 0 && gids_are(1, 2, 3));
    STEP(6, setregid(7, 8) == 0);
    /* setregid with the real id set: saved := new effective */
    STEP(7, gids_are(7, 8, 8));
    return 0;
}

static int drop_for_good(void)
{
    STEP(1, setresuid(1000, 1000, 1000) == 0);
    STEP(2, ids_are(1000, 1000, 1000));
    STEP(3, FAILS_EPERM(setresuid(0, 0, 0)));
    STEP(4, FAILS_EPERM(setresuid(-1, 0, -1)));
    STEP(5, FAILS_EPERM(setuid(0)));
    STEP(6, FAILS_EPERM(seteuid(0)));
    STEP(7, FAILS_EPERM(setreuid(0, 0)));
    STEP(8, FAILS_EPERM(setresuid(1001, -1, -1)));
    STEP(9, FAILS_EPERM(setresgid(5, 5, 5)));   /* no longer root: gids fixed too */
    STEP(10, FAILS_EPERM(setgid(5)));
    STEP(11, ids_are(1000, 1000, 1000));
    STEP(12, setresuid(-1, -1, -1) == 0);      /* all "keep": fine */
    STEP(13, setresuid(1000, 1000, 1000) == 0); /* to its own ids: fine */
    STEP(14, setuid(1000) == 0);
    return 0;
}

static int saved_id_dance(void)
{
    /* Keep root in the saved id: euid 1000, and back. */
    STEP(1, setresuid(1000, 1000, 0) == 0);
    STEP(2, ids_are(1000, 1000, 0));
    STEP(3, seteuid(0) == 0);           /* to the saved id */
    STEP(4, ids_are(1000, 0, 0));
    STEP(5, seteuid(1000) == 0);        /* root again, so anything */
    STEP(6, ids_are(1000, 1000, 0));
    /* non-root setuid: only the effective id changes, to real or saved */
    STEP(7, setuid(0) == 0);
    STEP(8, ids_are(1000, 0, 0));
    STEP(9, setresuid(1000, 1000, 2000) == 0);
    STEP(10, setuid(2000) == 0);        /* the saved id */
    STEP(11, ids_are(1000, 2000, 2000));
    STEP(12, setuid(1000) == 0);        /* the real id */
    STEP(13, ids_are(1000, 1000, 2000));
    STEP(14, FAILS_EPERM(setuid(3000)));
    /* setresuid by non-root: any permutation of the current three */
    STEP(15, setresuid(2000, 1000, 1000) == 0);
    STEP(16, ids_are(2000, 1000, 1000));
    STEP(17, FAILS_EPERM(setresuid(-1, -1, 0)));
    return 0;
}

static int setreuid_rules(void)
{
    /* Linux: non-root may set real to real or effective, effective to
     * real, effective or saved; the saved id becomes the new effective id
     * when the real id is set or the effective id != the old real id. */
    STEP(1, setresuid(1000, 2000, 3000) == 0);
    STEP(2, setreuid(2000, -1) == 0);   /* real := effective */
    STEP(3, ids_are(2000, 2000, 2000));
    STEP(4, FAILS_EPERM(setreuid(3000, -1)));
    /* fresh child state for the rest */
    return 0;
}

static int setreuid_rules2(void)
{
    STEP(1, setresuid(1000, 2000, 3000) == 0);
    STEP(2, setreuid(-1, 3000) == 0);   /* effective := saved; != real: saved := 3000 */
    STEP(3, ids_are(1000, 3000, 3000));
    STEP(4, setreuid(-1, 1000) == 0);   /* effective := real: saved kept */
    STEP(5, ids_are(1000, 1000, 3000));
    STEP(6, FAILS_EPERM(setreuid(3000, -1)));   /* real may not become the saved id */
    STEP(7, FAILS_EPERM(setreuid(-1, 4000)));
    return 0;
}

static int fork_inherits(void)
{
    STEP(1, setresgid(11, 12, 13) == 0);
    gid_t g[3] = { 21, 22, 23 };
    STEP(2, setgroups(3, g) == 0);
    STEP(3, setresuid(1, 2, 3) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        if (!ids_are(1, 2, 3))
            _exit(1);
        if (!gids_are(11, 12, 13))
            _exit(2);
        gid_t got[8];
        int n = getgroups(8, got);
        if (n != 3 || got[0] != 21 || got[1] != 22 || got[2] != 23)
            _exit(3);
        _exit(0);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    STEP(4, WIFEXITED(st));
    if (WEXITSTATUS(st))
        return 10 + WEXITSTATUS(st);
    /* exec keeps them too (no set-id bits in agora's fs) */
    pid = fork();
    if (pid == 0) {
        char *argv[] = { SELF, "helper", NULL };
        char *envp[] = { NULL };
        execve(SELF, argv, envp);
        _exit(99);
    }
    waitpid(pid, &st, 0);
    STEP(5, WIFEXITED(st));
    if (WEXITSTATUS(st))
        return 20 + WEXITSTATUS(st);
    return 0;
}

static int helper_ids(void)
{
    if (!ids_are(1, 2, 3))
        return 1;
    if (!gids_are(11, 12, 13))
        return 2;
    gid_t got[8];
    int n = getgroups(8, got);
    if (n != 3 || got[0] != 21 || got[2] != 23)
        return 3;
    return 0;
}

static int groups_rules(void)
{
    gid_t g[4] = { 100, 200, 300, 400 }, got[8];
    STEP(1, setgroups(4, g) == 0);
    STEP(2, getgroups(0, NULL) == 4);   /* size 0: just the count */
    STEP(3, getgroups(8, got) == 4 && got[0] == 100 && got[3] == 400);
    errno = 0;
    STEP(4, getgroups(2, got) == -1 && errno == EINVAL);    /* too small */
    errno = 0;
    STEP(5, getgroups(-1, got) == -1 && errno == EINVAL);
    STEP(6, setgroups(0, NULL) == 0 && getgroups(0, NULL) == 0);
    static gid_t many[70000];    /* all gid 0 */
    errno = 0;
    STEP(7, setgroups(70000, many) == -1 && errno == EINVAL);   /* > NGROUPS_MAX (65536) */
    long max = sysconf(_SC_NGROUPS_MAX);
    STEP(8, max >= 16 && max <= 65536);
    errno = 0;
    STEP(9, setgroups((size_t)max + 1, many) == -1 && errno == EINVAL);
    STEP(10, setgroups((size_t)max, many) == 0 && getgroups(0, NULL) == max);
    STEP(11, setgroups(4, g) == 0);
    STEP(19, setresuid(1000, 1000, 1000) == 0);
    errno = 0;
    STEP(20, setgroups(1, g) == -1 && errno == EPERM);
    errno = 0;
    STEP(21, setgroups(0, NULL) == -1 && errno == EPERM);
    STEP(22, getgroups(8, got) == 4);   /* unchanged, and still readable */
    return 0;
}

static int kill_rules(void)
{
    /* A non-root process may signal processes with its uid. */
    STEP(1, setresuid(1000, 1000, 1000) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        for (;;)
            pause();
    }
    STEP(2, kill(pid, 0) == 0);
    STEP(3, kill(pid, SIGKILL) == 0);
    int st;
    waitpid(pid, &st, 0);
    STEP(4, WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    errno = 0;
    STEP(5, kill(1, 0) == -1 && errno == EPERM);
    return 0;
}

static const struct {
    const char *what;
    int (*fn)(void);
    int want;
} cases[] = {
    { "root may setresuid(5, 6, 7); then 0 is out of reach, permutations are not",
      root_sets_anything, 0 },
    { "root setuid(1234) sets all three; then nothing gets root back", root_setuid, 0 },
    { "root setgid/setresgid/setregid", root_setgid, 0 },
    { "after setresuid(1000,1000,1000) root is gone for good (EPERM)", drop_for_good, 0 },
    { "saved-id dance: seteuid/setuid to the real or saved id", saved_id_dance, 0 },
    { "setreuid(euid, -1) as non-root", setreuid_rules, 0 },
    { "setreuid: saved id follows the new effective id (Linux rule)", setreuid_rules2, 0 },
    { "fork and exec keep all six ids and the groups", fork_inherits, 0 },
    { "setgroups/getgroups rules; setgroups as non-root is EPERM", groups_rules, 0 },
    { "a non-root process can kill its own but not init", kill_rules, 0 },
};

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "helper") == 0)
        return helper_ids();
    t_begin("cred_rules");
    T_EQ(getuid(), 0, "tests run as root (uid 0)");
    T_EQ(geteuid(), 0, "euid 0");
    T_EQ(getgid(), 0, "gid 0");
    T_EQ(getegid(), 0, "egid 0");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int got = in_child(cases[i].fn);
        char what[160];
        snprintf(what, sizeof(what), "%s (first failing step)", cases[i].what);
        T_EQ(got, cases[i].want, what);
    }
    T_ERRNO(setuid(-1), EINVAL, "setuid(-1) is EINVAL");
    T_ERRNO(setgid(-1), EINVAL, "setgid(-1) is EINVAL");
    T_ERRNO(seteuid(-1), EINVAL, "seteuid(-1) is EINVAL");
    T_OK(ids_are(0, 0, 0), "the test's own ids are untouched");
    return t_end();
}
