/*
 * exec_bad: execve of files that are not runnable i386 executables fails
 * with ENOEXEC (or EACCES, ENOENT, ENOTDIR, EFAULT as on Linux), and the
 * caller keeps running with its memory intact. The files are fixtures in
 * rootfs/testdata/: plain text, a truncated ELF header, a 64-bit ELF, and
 * an ELF whose segment reaches kernel space. agora checks every header
 * before the point of no return, so each malformed ELF is ENOEXEC; Linux
 * says EIO for the truncated one, and may kill the caller when a segment
 * cannot be mapped after the old image is gone.
 */
#include <agora_test.h>
#include <sys/stat.h>

static const struct {
    const char *path;
    int err;
    const char *what;
} cases[] = {
    { "/testdata/not-elf", ENOEXEC, "plain text with the x bit" },
    { "/testdata/truncated-elf", ENOEXEC, "ELF header whose program headers are missing" },
    { "/testdata/elf64", ENOEXEC, "a 64-bit ELF" },
    { "/testdata/kernel-elf", ENOEXEC, "an ELF segment reaching 0xC0000000" },
    { "/testdata/missing", ENOENT, "a missing file" },
    { "/testdata", EACCES, "a directory" },
    { "/etc/tests", EACCES, "a file without any x bit" },
    { "/etc/tests/x", ENOTDIR, "a file used as a directory" },
};

int main(void)
{
    t_begin("exec_bad");
    static char canary[3 * 4096];
    memset(canary, 0x5A, sizeof(canary));
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *argv[] = { (char *)cases[i].path, NULL };
        char *envp[] = { NULL };
        T_ERRNO(execve(cases[i].path, argv, envp), cases[i].err, cases[i].what);
    }
    char *argv[] = { "x", NULL };
    /* Raw calls: the compiler rightly refuses such pointers to execve(). */
    T_ERRNO(syscall(SYS_execve, 1, argv, 0), EFAULT, "a path pointer of 1");
    T_ERRNO(syscall(SYS_execve, "/tests/exec_bad", 1, 0), EFAULT, "an argv pointer of 1");
    size_t bad = 0;
    for (size_t i = 0; i < sizeof(canary); i++)
        bad += canary[i] != 0x5A;
    T_EQ(bad, 0, "the caller's memory is intact after the failed execs");
    struct stat st;
    T_OK(stat("/testdata/not-elf", &st) == 0 && (st.st_mode & 0111), "the fixture is executable");
    return t_end();
}
