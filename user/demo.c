/*
 * demo: what init runs at boot before the shell. A short banner, then the
 * two System V shared memory demos, then "ipcs -m" to show that they left
 * no segment behind.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int run(char *const argv[])
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        printf("demo: fork: %s\n", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        execv(argv[0], argv);
        printf("demo: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int status;
    if (waitpid(pid, &status, 0) != pid)
        return -1;
    if (WIFSIGNALED(status))
        printf("demo: %s killed by signal %d\n", argv[0], WTERMSIG(status));
    else if (WEXITSTATUS(status) != 0)
        printf("demo: %s exited with status %d\n", argv[0], WEXITSTATUS(status));
    return status;
}

int main(void)
{
    printf("\n"
           "=== agora: System V shared memory demo ===\n"
           "1. shmdemo_ringbuf: a producer and a consumer process pass 20 messages\n"
           "   through a ring buffer in one segment. Both print the physical frame\n"
           "   behind the segment's first page: it is the same frame.\n"
           "2. shmdemo_parallel: 4 worker processes each compute a quarter of a sum\n"
           "   and of a prime count, and leave their results in a shared segment.\n"
           "3. ipcs -m: the segment table, empty again.\n"
           "Then a shell: try help, ipcmk -M 4096, ipcs -m, shmtool, vmmap, ipcrm.\n\n");
    char *ring[] = { "/bin/shmdemo_ringbuf", NULL };
    char *par[] = { "/bin/shmdemo_parallel", NULL };
    char *ipcs[] = { "/bin/ipcs", "-m", NULL };
    run(ring);
    printf("\n");
    run(par);
    run(ipcs);
    return 0;
}
