/*
 * sys/wait.h: waiting for children (wait, waitpid via wait4 114) and
 * decoding the status word (layout in <uapi/wait.h>).
 */
#ifndef _SYS_WAIT_H
#define _SYS_WAIT_H

#include <agora/types.h>
#include <uapi/wait.h>

#define WEXITSTATUS(s)  (((s) >> 8) & 0xff)
#define WTERMSIG(s)     ((s) & 0x7f)
#define WSTOPSIG(s)     WEXITSTATUS(s)
#define WIFEXITED(s)    (WTERMSIG(s) == 0)
#define WIFSIGNALED(s)  (WTERMSIG(s) != 0 && WTERMSIG(s) != 0x7f)
#define WIFSTOPPED(s)   (((s) & 0xff) == 0x7f)
#define WIFCONTINUED(s) ((s) == W_CONTINUED)
#define WCOREDUMP(s)    ((s) & WCOREFLAG)

struct rusage;

pid_t wait(int *status);
pid_t waitpid(pid_t pid, int *status, int options);
pid_t wait3(int *status, int options, struct rusage *ru);
pid_t wait4(pid_t pid, int *status, int options, struct rusage *ru);

#endif
