/*
 * cred_uid16: Linux i386's old 16-bit user and group id calls.
 *
 * lchown 16, setuid 23, getuid 24, setgid 46, getgid 47, geteuid 49,
 * getegid 50, setreuid 70, setregid 71, getgroups 80, setgroups 81,
 * fchown 95, setfsuid 138, setfsgid 139, setresuid 164, getresuid 165,
 * setresgid 170, getresgid 171 and chown 182 take and give 16-bit ids
 * (Linux's kernel/uid16.c; libc uses the 32-bit calls 198-216). Linux's
 * rules: an id that does not fit in 16 bits reads as the overflow id 65534;
 * an argument is cut to 16 bits, and 0xFFFF means -1 ("leave unchanged" for
 * setreuid and setresuid, invalid for setuid and setgroups); getresuid,
 * getgroups and setgroups use arrays of 2-byte ids, so every buffer here
 * has a guard after it that must stay untouched.
 *
 * agora has no file-system ids and no chown (its ramfs is read-only): the
 * 16-bit setfsuid, setfsgid, chown, lchown and fchown must answer as their
 * 32-bit forms do. Every case runs in its own child, since ids cannot be
 * given back.
 */
#include <agora_test.h>
#include <stdint.h>

#define GUARD 0xA5A5

static long sys(long nr, long a, long b, long c)
{
    return syscall(nr, a, b, c);
}

static int ids32(uint32_t r, uint32_t e, uint32_t s)
{
    uint32_t a = 99, b = 99, c = 99;
    return sys(SYS_getresuid32, (long)&a, (long)&b, (long)&c) == 0 &&
           a == r && b == e && c == s;
}

static int gids32(uint32_t r, uint32_t e, uint32_t s)
{
    uint32_t a = 99, b = 99, c = 99;
    return sys(SYS_getresgid32, (long)&a, (long)&b, (long)&c) == 0 &&
           a == r && b == e && c == s;
}

/* Run fn in a child; its exit status: 0, the first failing step, or
 * 100 + the signal that killed it. */
static int in_child(int (*fn)(void))
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0)
        _exit(fn());
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st);
}

#define STEP(n, cond) do {                                                  \
        if (!(cond)) {                                                      \
            printf("# step %d: %s\n", (n), #cond);                          \
            return (n);                                                     \
        }                                                                   \
    } while (0)
#define FAILS(call, e) ((call) == -1 && errno == (e))

/* The get calls, table-driven: after the 32-bit ids are set, each 16-bit
 * call must give its id, or 65534 when the id needs more than 16 bits. */
static const struct {
    uint32_t rgid, egid, sgid, ruid, euid, suid;
} id_sets[] = {
    { 4, 5, 6, 1, 2, 3 },
    { 70000, 65535, 65536, 70000, 65535, 0x10000 },
    { 65534, 0, 0xFFFFFFFE, 100000, 1000, 0 },
};

static uint16_t low(uint32_t id)
{
    return id > 0xFFFF ? 65534 : (uint16_t)id;
}

static int get_calls_for(size_t i)
{
    uint32_t g[3] = { id_sets[i].rgid, id_sets[i].egid, id_sets[i].sgid };
    uint32_t u[3] = { id_sets[i].ruid, id_sets[i].euid, id_sets[i].suid };
    STEP(1, sys(SYS_setresgid32, g[0], g[1], g[2]) == 0);
    STEP(2, sys(SYS_setresuid32, u[0], u[1], u[2]) == 0);
    STEP(3, sys(SYS_getuid, 0, 0, 0) == low(u[0]));
    STEP(4, sys(SYS_geteuid, 0, 0, 0) == low(u[1]));
    STEP(5, sys(SYS_getgid, 0, 0, 0) == low(g[0]));
    STEP(6, sys(SYS_getegid, 0, 0, 0) == low(g[1]));
    /* getresuid/getresgid: 2 bytes each, the guard between them intact */
    uint16_t b[6];
    for (int k = 0; k < 6; k++)
        b[k] = GUARD;
    STEP(7, sys(SYS_getresuid, (long)&b[0], (long)&b[2], (long)&b[4]) == 0);
    STEP(8, b[1] == GUARD && b[3] == GUARD && b[5] == GUARD);
    STEP(9, b[0] == low(u[0]) && b[2] == low(u[1]) && b[4] == low(u[2]));
    for (int k = 0; k < 6; k++)
        b[k] = GUARD;
    STEP(10, sys(SYS_getresgid, (long)&b[0], (long)&b[2], (long)&b[4]) == 0);
    STEP(11, b[1] == GUARD && b[3] == GUARD && b[5] == GUARD);
    STEP(12, b[0] == low(g[0]) && b[2] == low(g[1]) && b[4] == low(g[2]));
    /* the 32-bit calls still see the whole ids */
    STEP(13, ids32(u[0], u[1], u[2]) && gids32(g[0], g[1], g[2]));
    STEP(14, FAILS(sys(SYS_getresuid, 1, (long)&b[0], (long)&b[1]), EFAULT));
    return 0;
}

static int get_calls_0(void) { return get_calls_for(0); }
static int get_calls_1(void) { return get_calls_for(1); }
static int get_calls_2(void) { return get_calls_for(2); }

static int set_uid_gid(void)
{
    STEP(1, FAILS(sys(SYS_setgid, 0xFFFF, 0, 0), EINVAL));     /* 0xFFFF is -1 */
    STEP(2, FAILS(sys(SYS_setuid, 0xFFFF, 0, 0), EINVAL));
    STEP(3, FAILS(sys(SYS_setuid, -1, 0, 0), EINVAL));         /* cut to 0xFFFF */
    STEP(4, ids32(0, 0, 0) && gids32(0, 0, 0));
    STEP(5, sys(SYS_setgid, 0x1F00D, 0, 0) == 0);              /* cut to 0xF00D */
    STEP(6, gids32(0xF00D, 0xF00D, 0xF00D));
    STEP(7, sys(SYS_setgid, 0xFFFE, 0, 0) == 0);
    STEP(8, gids32(0xFFFE, 0xFFFE, 0xFFFE));
    STEP(9, sys(SYS_setuid, 0x10000 + 1234, 0, 0) == 0);       /* cut to 1234 */
    STEP(10, ids32(1234, 1234, 1234));
    STEP(11, FAILS(sys(SYS_setuid, 0, 0, 0), EPERM));
    STEP(12, sys(SYS_setuid, 1234, 0, 0) == 0);
    return 0;
}

static int set_re(void)
{
    STEP(1, sys(SYS_setregid, 0xFFFF, 0xFFFF, 0) == 0);        /* both kept */
    STEP(2, gids32(0, 0, 0));
    STEP(3, sys(SYS_setregid, 0xFFFF, 77, 0) == 0);
    STEP(4, gids32(0, 77, 77));         /* effective != real: saved follows */
    STEP(5, sys(SYS_setregid, 0x10000 + 88, -1, 0) == 0);      /* 88, kept */
    STEP(6, gids32(88, 77, 77));
    STEP(7, sys(SYS_setreuid, -1, -1, 0) == 0);
    STEP(8, ids32(0, 0, 0));
    STEP(9, sys(SYS_setreuid, 600, 0xFFFF, 0) == 0);
    STEP(10, ids32(600, 0, 0));         /* real set: saved follows */
    STEP(11, sys(SYS_setreuid, 0xFFFF, 500, 0) == 0);
    STEP(12, ids32(600, 500, 500));
    STEP(13, FAILS(sys(SYS_setreuid, 0xFFFF, 0, 0), EPERM));
    return 0;
}

static int set_res(void)
{
    STEP(1, sys(SYS_setresgid, 0xFFFF, 0xFFFF, 0xFFFF) == 0);
    STEP(2, gids32(0, 0, 0));
    STEP(3, sys(SYS_setresgid, 7, 0xFFFF, 0xFFFE) == 0);
    STEP(4, gids32(7, 0, 0xFFFE));
    STEP(5, sys(SYS_setresgid, -1, 0x20009, -1) == 0);         /* cut to 9 */
    STEP(6, gids32(7, 9, 0xFFFE));
    STEP(7, sys(SYS_setresuid, 0xFFFF, 0xFFFF, 0xFFFF) == 0);
    STEP(8, ids32(0, 0, 0));
    STEP(9, sys(SYS_setresuid, 1, 0xFFFF, 3) == 0);
    STEP(10, ids32(1, 0, 3));
    STEP(11, sys(SYS_setresuid, 0xFFFF, 3, 0xFFFF) == 0);
    STEP(12, ids32(1, 3, 3));
    STEP(13, FAILS(sys(SYS_setresuid, 0xFFFF, 0, 0xFFFF), EPERM));
    STEP(14, ids32(1, 3, 3));
    return 0;
}

static int get_groups(void)
{
    uint32_t set[4] = { 1, 3, 65535, 70000 };
    STEP(1, sys(SYS_setgroups32, 4, (long)set, 0) == 0);
    STEP(2, sys(SYS_getgroups, 0, 0, 0) == 4);                 /* just the count */
    uint16_t b[8];
    for (int k = 0; k < 8; k++)
        b[k] = GUARD;
    STEP(3, sys(SYS_getgroups, 4, (long)b, 0) == 4);
    STEP(4, b[4] == GUARD && b[5] == GUARD && b[6] == GUARD && b[7] == GUARD);
    STEP(5, b[0] == 1 && b[1] == 3 && b[2] == 65535 && b[3] == 65534);
    for (int k = 0; k < 8; k++)
        b[k] = GUARD;
    STEP(6, FAILS(sys(SYS_getgroups, 3, (long)b, 0), EINVAL));  /* too small */
    STEP(7, FAILS(sys(SYS_getgroups, -1, (long)b, 0), EINVAL));
    STEP(8, b[0] == GUARD);
    STEP(9, FAILS(sys(SYS_getgroups, 4, 1, 0), EFAULT));
    /* the 32-bit call still sees 70000 */
    uint32_t g[4] = { 0 };
    STEP(10, sys(SYS_getgroups32, 4, (long)g, 0) == 4 && g[3] == 70000);
    return 0;
}

static int set_groups(void)
{
    struct { uint16_t g[3]; uint16_t after[3]; } in = {
        { 10, 20, 65534 }, { 0x1111, 0x2222, 0x3333 } };
    STEP(1, sys(SYS_setgroups, 3, (long)in.g, 0) == 0);
    uint32_t g[8] = { 0 };
    STEP(2, sys(SYS_getgroups32, 8, (long)g, 0) == 3);
    STEP(3, g[0] == 10 && g[1] == 20 && g[2] == 65534);
    uint16_t bad[2] = { 5, 0xFFFF };    /* 0xFFFF is gid -1: invalid */
    STEP(4, FAILS(sys(SYS_setgroups, 2, (long)bad, 0), EINVAL));
    STEP(5, sys(SYS_getgroups32, 8, (long)g, 0) == 3 && g[0] == 10);
    uint32_t bad32[2] = { 5, 0xFFFFFFFF };      /* so is -1 to setgroups32 */
    STEP(12, FAILS(sys(SYS_setgroups32, 2, (long)bad32, 0), EINVAL));
    STEP(13, sys(SYS_getgroups32, 8, (long)g, 0) == 3 && g[0] == 10);
    long max = sysconf(_SC_NGROUPS_MAX);
    static uint16_t many[70000];
    STEP(6, FAILS(sys(SYS_setgroups, max + 1, (long)many, 0), EINVAL));
    STEP(7, FAILS(sys(SYS_setgroups, -1, (long)many, 0), EINVAL));
    STEP(8, FAILS(sys(SYS_setgroups, 2, 1, 0), EFAULT));
    STEP(9, sys(SYS_setgroups, 0, 0, 0) == 0 && sys(SYS_getgroups, 0, 0, 0) == 0);
    STEP(10, sys(SYS_setresuid32, 1000, 1000, 1000) == 0);
    STEP(11, FAILS(sys(SYS_setgroups, 1, (long)in.g, 0), EPERM));
    return 0;
}

/* Calls agora does not have in either width must agree with their 32-bit
 * forms, whatever that answer is: same result, same errno. */
static const struct {
    const char *what;
    long nr16, nr32;
    long a16, b16, c16, a32, b32, c32;
} same_as_32[] = {
    { "setfsuid(keep)", SYS_setfsuid, SYS_setfsuid32, 0xFFFF, 0, 0, -1, 0, 0 },
    { "setfsuid(0)", SYS_setfsuid, SYS_setfsuid32, 0, 0, 0, 0, 0, 0 },
    { "setfsgid(keep)", SYS_setfsgid, SYS_setfsgid32, 0xFFFF, 0, 0, -1, 0, 0 },
    { "setfsgid(0)", SYS_setfsgid, SYS_setfsgid32, 0, 0, 0, 0, 0, 0 },
    { "chown(\"/\", keep, keep)", SYS_chown, SYS_chown32,
      (long)"/", 0xFFFF, 0xFFFF, (long)"/", -1, -1 },
    { "lchown(\"/\", 0, 0)", SYS_lchown, SYS_lchown32, (long)"/", 0, 0, (long)"/", 0, 0 },
    { "fchown(0, keep, keep)", SYS_fchown, SYS_fchown32, 0, 0xFFFF, 0xFFFF, 0, -1, -1 },
    { "fchown(-1, 0, 0)", SYS_fchown, SYS_fchown32, -1, 0, 0, -1, 0, 0 },
};

static void check_same_as_32(void)
{
    for (size_t i = 0; i < sizeof(same_as_32) / sizeof(same_as_32[0]); i++) {
        errno = 0;
        long r16 = sys(same_as_32[i].nr16, same_as_32[i].a16, same_as_32[i].b16,
                       same_as_32[i].c16);
        int e16 = errno;
        errno = 0;
        long r32 = sys(same_as_32[i].nr32, same_as_32[i].a32, same_as_32[i].b32,
                       same_as_32[i].c32);
        int e32 = errno;
        char what[96];
        snprintf(what, sizeof(what), "%s: 16-bit call answers as the 32-bit one",
                 same_as_32[i].what);
        T_EQ(r16 == -1 ? -e16 : r16, r32 == -1 ? -e32 : r32, what);
    }
}

static const struct {
    const char *what;
    int (*fn)(void);
} cases[] = {
    { "small ids read back as they are; getresuid16 writes 2 bytes each", get_calls_0 },
    { "ids above 65535 read as 65534 (65535 fits)", get_calls_1 },
    { "more ids above 65535, and 65534 itself", get_calls_2 },
    { "setuid16/setgid16: 0xFFFF is -1 (EINVAL), other values cut to 16 bits",
      set_uid_gid },
    { "setreuid16/setregid16: 0xFFFF leaves an id unchanged", set_re },
    { "setresuid16/setresgid16: 0xFFFF leaves an id unchanged", set_res },
    { "getgroups16 fills 2-byte gids and no more; 70000 reads 65534", get_groups },
    { "setgroups16 reads 2-byte gids; 0xFFFF (and -1 to setgroups32) is EINVAL; root only",
      set_groups },
};

int main(void)
{
    t_begin("cred_uid16");
    T_EQ(sys(SYS_getuid, 0, 0, 0), 0, "getuid16 of root is 0");
    T_EQ(sys(SYS_getegid, 0, 0, 0), 0, "getegid16 of root is 0");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char what[160];
        snprintf(what, sizeof(what), "%s (first failing step)", cases[i].what);
        T_EQ(in_child(cases[i].fn), 0, what);
    }
    check_same_as_32();
    T_OK(ids32(0, 0, 0) && gids32(0, 0, 0), "the test's own ids are untouched");
    return t_end();
}
