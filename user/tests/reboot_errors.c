/*
 * reboot_errors: reboot(2)'s checks, the ones that can run inside the
 * suite (power off, restart and halt end the machine, so they are only
 * tried where a check must stop them first).
 *
 * As Linux: the caller must be privileged (EPERM, checked before
 * anything else, so even bad magic gives EPERM to uid 65534); magic1 must
 * be 0xfee1dead and magic2 one of the four dates (EINVAL); an unknown
 * command is EINVAL; Ctrl-Alt-Del on/off succeed; RESTART2's argument
 * string is copied in first (EFAULT for a bad pointer, before restarting).
 */
#include <agora_test.h>

#define MAGIC1 0xfee1deadu
#define MAGIC2 672274793u               /* 0x28121969 */
#define MAGIC2A 85072278u               /* 0x05121996 */
#define MAGIC2B 369367448u              /* 0x16041998 */
#define MAGIC2C 537993216u              /* 0x20112000 */
#define CMD_CAD_ON 0x89ABCDEFu
#define CMD_CAD_OFF 0x00000000u
#define CMD_POWER_OFF 0x4321FEDCu
#define CMD_RESTART2 0xA1B2C3D4u

static long sys_reboot(unsigned m1, unsigned m2, unsigned cmd, const void *arg)
{
    return syscall(SYS_reboot, m1, m2, cmd, arg);
}

/* In a child that gave up root: every call is EPERM, whatever its
 * arguments. Returns 0 or the number of the first failed step. */
static int as_nobody(void)
{
    if (setuid(65534) != 0)
        return 1;
    errno = 0;
    if (sys_reboot(MAGIC1, MAGIC2, CMD_CAD_ON, NULL) != -1 || errno != EPERM)
        return 2;
    errno = 0;
    if (sys_reboot(1, 2, 3, NULL) != -1 || errno != EPERM)
        return 3;                       /* EPERM before EINVAL */
    errno = 0;
    if (sys_reboot(MAGIC1, MAGIC2, CMD_POWER_OFF, NULL) != -1 || errno != EPERM)
        return 4;                       /* (if this failed, the machine is off) */
    return 0;
}

int main(void)
{
    t_begin("reboot_errors");

    static const struct { const char *what; unsigned m1, m2, cmd; } bad[] = {
        { "magic1 wrong", 0xfee1deaf, MAGIC2, CMD_CAD_ON },
        { "magic1 0", 0, MAGIC2, CMD_CAD_OFF },
        { "magic2 wrong", MAGIC1, 0x28121970, CMD_CAD_ON },
        { "magic2 0", MAGIC1, 0, CMD_CAD_OFF },
        { "magic1 and magic2 swapped", MAGIC2, MAGIC1, CMD_CAD_ON },
        { "unknown command", MAGIC1, MAGIC2, 0x12345678 },
        { "kexec (not configured)", MAGIC1, MAGIC2, 0x45584543 },
    };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        T_ERRNO(sys_reboot(bad[i].m1, bad[i].m2, bad[i].cmd, NULL), EINVAL, bad[i].what);

    static const unsigned magic2s[] = { MAGIC2, MAGIC2A, MAGIC2B, MAGIC2C };
    static const char *const names[] = { "CAD_OFF with magic2", "CAD_OFF with magic2a",
                                         "CAD_OFF with magic2b", "CAD_OFF with magic2c" };
    for (unsigned i = 0; i < 4; i++)
        T_EQ(sys_reboot(MAGIC1, magic2s[i], CMD_CAD_OFF, NULL), 0, names[i]);
    T_EQ(sys_reboot(MAGIC1, MAGIC2, CMD_CAD_ON, NULL), 0, "CAD_ON");
    T_EQ(sys_reboot(MAGIC1, MAGIC2, CMD_CAD_OFF, NULL), 0, "CAD_OFF again");

    T_ERRNO(sys_reboot(MAGIC1, MAGIC2, CMD_RESTART2, NULL), EFAULT,
            "RESTART2 with a NULL string: EFAULT, no restart");
    T_ERRNO(sys_reboot(MAGIC1, MAGIC2, CMD_RESTART2, (const void *)0xC0001000), EFAULT,
            "RESTART2 with a kernel address: EFAULT");

    pid_t pid = fork();
    if (pid == 0)
        _exit(as_nobody());
    int st = 0;
    waitpid(pid, &st, 0);
    T_EQ(WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st), 0,
         "uid 65534: EPERM for good and bad arguments alike (0 = every step)");

    /* Last: a kernel that ignored magic2 would power off here. */
    T_ERRNO(sys_reboot(MAGIC1, 0x12345678, CMD_POWER_OFF, NULL), EINVAL,
            "magic2 wrong with power off: EINVAL, still running");
    return t_end();
}
