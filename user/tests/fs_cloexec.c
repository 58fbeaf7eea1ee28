/*
 * fs_cloexec: the close-on-exec flag belongs to the descriptor (POSIX):
 * O_CLOEXEC and FD_CLOEXEC set it, dup/dup2/F_DUPFD give a new descriptor
 * without it while the old one keeps it, fork copies it, and exec closes
 * exactly the marked descriptors. The exec'd copy of this program reports
 * which descriptors survived through its exit status.
 */
#include <agora_test.h>
#include <fcntl.h>
#include <sys/wait.h>

/* In the exec'd helper: bit i of the status is set if argv[2 + i] is open. */
static int helper(int argc, char **argv)
{
    int status = 0;
    for (int i = 2; i < argc; i++)
        if (fcntl(atoi(argv[i]), F_GETFD) != -1)
            status |= 1 << (i - 2);
    return status;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "helper") == 0)
        return helper(argc, argv);
    t_begin("fs_cloexec");
    int a = open("/etc/tests", O_RDONLY | O_CLOEXEC);
    T_EQ(fcntl(a, F_GETFD), FD_CLOEXEC, "O_CLOEXEC sets FD_CLOEXEC");
    int b = dup(a);
    T_EQ(fcntl(b, F_GETFD), 0, "dup gives a descriptor without it");
    T_EQ(fcntl(a, F_GETFD), FD_CLOEXEC, "and the original keeps it");
    int c = fcntl(a, F_DUPFD_CLOEXEC, 20);
    T_OK(c >= 20 && fcntl(c, F_GETFD) == FD_CLOEXEC, "F_DUPFD_CLOEXEC: a marked copy at >= 20");
    int d = open("/etc/tests", O_RDONLY);
    T_EQ(fcntl(d, F_SETFD, FD_CLOEXEC), 0, "F_SETFD marks a plain descriptor");
    T_EQ(dup2(d, 30), 30, "dup2 to 30");
    T_EQ(fcntl(30, F_GETFD), 0, "dup2's target is not marked");
    close(a);
    int e = open("/etc/tests", O_RDONLY);
    T_EQ(e, a, "a closed marked slot is reused");
    T_EQ(fcntl(e, F_GETFD), 0, "and the new descriptor there is not marked");

    /* Expected survivors: b, e, 30; closed by exec: c, d. */
    pid_t pid = fork();
    if (pid == 0) {
        char s[5][12];
        int fds[5] = { b, e, 30, c, d };
        for (int i = 0; i < 5; i++)
            snprintf(s[i], sizeof(s[i]), "%d", fds[i]);
        execl("/tests/fs_cloexec", "fs_cloexec", "helper", s[0], s[1], s[2], s[3], s[4], (char *)NULL);
        _exit(255);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    T_OK(WIFEXITED(st), "the exec'd helper exited");
    T_EQ(WEXITSTATUS(st), 0x07, "exec kept b, e and 30 (bits 0-2) and closed c and d");
    return t_end();
}
