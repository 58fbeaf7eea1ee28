/*
 * fs_pipe: pipe, pipe2 and dup3 as Linux has them. Bytes come out in
 * order; end of file once the last writer is gone; SIGPIPE and EPIPE once
 * the last reader is; O_NONBLOCK gives EAGAIN; writes of up to PIPE_BUF
 * bytes are atomic; a long write flows through a small pipe to a reader in
 * another process; a signal interrupts a blocked read (EINTR, or a restart
 * under SA_RESTART); fstat says FIFO and
 * lseek ESPIPE; a bad fds pointer leaves no descriptor behind.
 */
#include <agora_test.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define PIPE_BUF 4096

static int open_fds(void)
{
    int n = 0;
    for (int fd = 0; fd < 64; fd++)
        if (fcntl(fd, F_GETFD) != -1)
            n++;
    return n;
}

static void test_basics(void)
{
    int p[2];
    char buf[32];
    T_EQ(pipe(p), 0, "pipe");
    T_EQ(write(p[1], "hello", 5), 5, "write 5 bytes");
    T_EQ(write(p[1], " world", 6), 6, "and 6 more");
    T_EQ(read(p[0], buf, 3), 3, "a short read takes 3");
    T_OK(memcmp(buf, "hel", 3) == 0, "in order");
    T_EQ(read(p[0], buf, sizeof(buf)), 8, "the rest in one read");
    T_OK(memcmp(buf, "lo world", 8) == 0, "in order");
    T_EQ(read(p[0], buf, 0), 0, "a read of 0 bytes returns 0");
    T_ERRNO(write(p[0], "x", 1), EBADF, "the read end cannot write");
    T_ERRNO(read(p[1], buf, 1), EBADF, "the write end cannot read");
    T_ERRNO(lseek(p[0], 0, SEEK_SET), ESPIPE, "lseek: ESPIPE");
    struct stat st;
    T_EQ(fstat(p[0], &st), 0, "fstat");
    T_OK(S_ISFIFO(st.st_mode), "a pipe is a FIFO");
    T_EQ(fcntl(p[0], F_GETFL) & O_ACCMODE, O_RDONLY, "read end O_RDONLY");
    T_EQ(fcntl(p[1], F_GETFL) & O_ACCMODE, O_WRONLY, "write end O_WRONLY");
    close(p[1]);
    T_EQ(read(p[0], buf, sizeof(buf)), 0, "no writer, empty: end of file");
    close(p[0]);
}

static volatile sig_atomic_t got_sig;
static void on_sig(int sig) { got_sig = sig; }

static void test_epipe(void)
{
    int p[2];
    T_EQ(pipe(p), 0, "pipe");
    close(p[0]);
    signal(SIGPIPE, on_sig);
    got_sig = 0;
    T_ERRNO(write(p[1], "x", 1), EPIPE, "no reader: EPIPE");
    T_EQ(got_sig, SIGPIPE, "and SIGPIPE");
    signal(SIGPIPE, SIG_DFL);
    close(p[1]);

    /* By default SIGPIPE kills the writer. */
    T_EQ(pipe(p), 0, "pipe");
    close(p[0]);
    pid_t pid = fork();
    if (pid == 0) {
        write(p[1], "x", 1);
        _exit(0);
    }
    close(p[1]);
    int st;
    waitpid(pid, &st, 0);
    T_OK(WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE, "a writer without a handler dies of SIGPIPE");
}

static void test_pipe2(void)
{
    int p[2];
    char c;
    T_ERRNO(pipe2(p, O_APPEND), EINVAL, "pipe2 with another flag: EINVAL");
    T_EQ(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0, "pipe2(O_NONBLOCK | O_CLOEXEC)");
    T_EQ(fcntl(p[0], F_GETFD), FD_CLOEXEC, "read end close-on-exec");
    T_EQ(fcntl(p[1], F_GETFD), FD_CLOEXEC, "write end close-on-exec");
    T_OK(fcntl(p[0], F_GETFL) & O_NONBLOCK, "O_NONBLOCK in F_GETFL");
    T_ERRNO(read(p[0], &c, 1), EAGAIN, "empty non-blocking read: EAGAIN");
    static char big[PIPE_BUF];
    memset(big, 'a', sizeof(big));
    T_EQ(write(p[1], big, sizeof(big)), PIPE_BUF, "fill the pipe");
    T_ERRNO(write(p[1], "x", 1), EAGAIN, "full non-blocking write: EAGAIN");
    T_EQ(read(p[0], big, 10), 10, "take 10 bytes");
    T_ERRNO(write(p[1], big, 11), EAGAIN, "an atomic write of 11 does not fit in 10: EAGAIN");
    T_EQ(write(p[1], big, 10), 10, "10 fit");
    close(p[0]);
    close(p[1]);
}

/* A child writes 64 KiB in chunks of odd sizes; the parent checks it all. */
static void test_flow(void)
{
    int p[2];
    T_EQ(pipe(p), 0, "pipe");
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        static unsigned char out[65536];
        for (unsigned i = 0; i < sizeof(out); i++)
            out[i] = (unsigned char)(i * 7 + (i >> 8));
        unsigned done = 0;
        while (done < sizeof(out)) {
            unsigned n = 1000 + done % 5000;
            if (n > sizeof(out) - done)
                n = sizeof(out) - done;
            if (write(p[1], out + done, n) != (ssize_t)n)
                _exit(1);
            done += n;
        }
        _exit(0);
    }
    close(p[1]);
    static unsigned char in[65536 + 1];
    size_t got = 0;
    ssize_t r;
    while ((r = read(p[0], in + got, sizeof(in) - got)) > 0)
        got += (size_t)r;
    T_EQ(got, 65536, "64 KiB through a 4 KiB pipe, then end of file");
    int bad = 0;
    for (unsigned i = 0; i < 65536; i++)
        bad += in[i] != (unsigned char)(i * 7 + (i >> 8));
    T_EQ(bad, 0, "every byte in order");
    close(p[0]);
    int st;
    waitpid(pid, &st, 0);
    T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the writer saw only full writes");
}

/* Atomic writes from two processes never interleave. */
static void test_atomic(void)
{
    int p[2];
    T_EQ(pipe(p), 0, "pipe");
    pid_t kids[2];
    for (int k = 0; k < 2; k++) {
        kids[k] = fork();
        if (kids[k] == 0) {
            close(p[0]);
            char rec[1000];
            memset(rec, 'A' + k, sizeof(rec));
            for (int i = 0; i < 20; i++)
                write(p[1], rec, sizeof(rec));
            _exit(0);
        }
    }
    close(p[1]);
    char rec[1000];
    int whole = 0, records = 0;
    for (;;) {
        size_t got = 0;
        ssize_t r = 1;
        while (got < sizeof(rec) && (r = read(p[0], rec + got, sizeof(rec) - got)) > 0)
            got += (size_t)r;
        if (got == 0)
            break;
        records++;
        int same = got == sizeof(rec);
        for (size_t i = 1; i < got; i++)
            same &= rec[i] == rec[0];
        whole += same;
    }
    T_EQ(records, 40, "40 records of 1000 bytes");
    T_EQ(whole, 40, "none interleaved with another");
    close(p[0]);
    for (int k = 0; k < 2; k++)
        waitpid(kids[k], NULL, 0);
}

static void test_eintr(void)
{
    int p[2];
    char c;
    T_EQ(pipe(p), 0, "pipe");
    struct sigaction sa = { 0 };
    sa.sa_handler = on_sig;
    sigaction(SIGUSR1, &sa, NULL);      /* no SA_RESTART */
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        struct timespec ts = { 0, 50 * 1000 * 1000 };
        nanosleep(&ts, NULL);
        kill(parent, SIGUSR1);
        _exit(0);
    }
    got_sig = 0;
    T_ERRNO(read(p[0], &c, 1), EINTR, "a blocked read is interrupted: EINTR");
    T_EQ(got_sig, SIGUSR1, "after the handler ran");
    waitpid(pid, NULL, 0);

    /* With SA_RESTART the read goes on after the handler and gets the byte. */
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &sa, NULL);
    pid = fork();
    if (pid == 0) {
        struct timespec ts = { 0, 50 * 1000 * 1000 };
        nanosleep(&ts, NULL);
        kill(parent, SIGUSR1);
        nanosleep(&ts, NULL);
        write(p[1], "r", 1);
        _exit(0);
    }
    got_sig = 0;
    c = 0;
    T_EQ(read(p[0], &c, 1), 1, "SA_RESTART: the read restarts after the handler");
    T_OK(got_sig == SIGUSR1 && c == 'r', "the handler ran, then the byte came");
    waitpid(pid, NULL, 0);
    signal(SIGUSR1, SIG_DFL);
    close(p[0]);
    close(p[1]);
}

static void test_bad_fds(void)
{
    int before = open_fds();
    T_ERRNO(syscall(SYS_pipe, (void *)0xC0000000), EFAULT, "pipe into the kernel: EFAULT");
    T_ERRNO(syscall(SYS_pipe2, NULL, 0), EFAULT, "pipe2(NULL): EFAULT");
    T_EQ(open_fds(), before, "no descriptor left behind");
}

static void test_dup3(void)
{
    int p[2];
    T_EQ(pipe(p), 0, "pipe");
    T_ERRNO(dup3(p[0], p[0], 0), EINVAL, "dup3 onto itself: EINVAL");
    T_ERRNO(dup3(p[0], 40, O_NONBLOCK), EINVAL, "dup3 with a flag other than O_CLOEXEC: EINVAL");
    T_ERRNO(dup3(63, 40, 0), EBADF, "dup3 of a closed descriptor: EBADF");
    T_EQ(dup3(p[1], 40, O_CLOEXEC), 40, "dup3 to 40 with O_CLOEXEC");
    T_EQ(fcntl(40, F_GETFD), FD_CLOEXEC, "40 is close-on-exec");
    T_EQ(dup3(p[1], 40, 0), 40, "dup3 again without: replaces");
    T_EQ(fcntl(40, F_GETFD), 0, "and clears the flag");
    close(p[1]);
    T_EQ(write(40, "z", 1), 1, "the copy still writes");
    close(40);
    char c;
    T_EQ(read(p[0], &c, 1), 1, "the byte arrived");
    T_EQ(read(p[0], &c, 1), 0, "then end of file: the last writer went with 40");
    close(p[0]);
}

int main(void)
{
    t_begin("fs_pipe");
    test_basics();
    test_epipe();
    test_pipe2();
    test_flow();
    test_atomic();
    test_eintr();
    test_bad_fds();
    test_dup3();
    return t_end();
}
