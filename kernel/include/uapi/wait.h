/*
 * uapi/wait.h: wait4/waitpid option bits and the encoding of the status
 * word the kernel hands back (Linux layout: exit code in bits 8-15, the
 * terminating signal in bits 0-6, 0x80 if a core was dumped, 0x7f in the
 * low byte for a stopped child, 0xffff for a continued one).
 */
#ifndef AGORA_UAPI_WAIT_H
#define AGORA_UAPI_WAIT_H

#define WNOHANG    0x00000001
#define WUNTRACED  0x00000002
#define WSTOPPED   WUNTRACED
#define WEXITED    0x00000004
#define WCONTINUED 0x00000008
#define WNOWAIT    0x01000000
#define __WNOTHREAD 0x20000000
#define __WALL      0x40000000  /* wait for every child, whatever its exit signal */
#define __WCLONE    0x80000000  /* only children whose exit signal is not SIGCHLD */

/* waitid's idtype */
#define P_ALL   0
#define P_PID   1
#define P_PGID  2
#define P_PIDFD 3

#define W_EXITCODE(ret, sig) (((ret) << 8) | (sig))
#define W_STOPCODE(sig)      (((sig) << 8) | 0x7f)
#define W_CONTINUED          0xffff
#define WCOREFLAG            0x80

#endif
