/*
 * unistd.c: thin wrappers over Linux i386 system calls for <unistd.h>,
 * <fcntl.h>, <sys/stat.h>-style path calls, <sys/uio.h>, <sys/ioctl.h>,
 * <sys/resource.h> and <sys/times.h>. Each passes its arguments through
 * and converts the result with __syscall_ret (errno, -1).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/times.h>
#include <sys/uio.h>
#include <unistd.h>
#include <agora/syscall.h>
#include <uapi/limits.h>

#define RET(x) __syscall_ret(x)

/* Process creation and identity */

/*
 * One-line wrappers: each passes its arguments to the system call of the
 * same name and returns its result, or -1 with errno set. getpid and
 * friends cannot fail.
 */
pid_t fork(void)                { return (pid_t)RET(__syscall0(__NR_fork)); }
/* vfork is fork here: the child gets its own copy, which is always safe. */
pid_t vfork(void)               { return fork(); }
pid_t getpid(void)              { return (pid_t)__syscall0(__NR_getpid); }
pid_t getppid(void)             { return (pid_t)__syscall0(__NR_getppid); }
pid_t gettid(void)              { return (pid_t)__syscall0(__NR_gettid); }
pid_t getpgrp(void)             { return (pid_t)RET(__syscall0(__NR_getpgrp)); }
pid_t getpgid(pid_t pid)        { return (pid_t)RET(__syscall1(__NR_getpgid, pid)); }
int setpgid(pid_t pid, pid_t pg){ return (int)RET(__syscall2(__NR_setpgid, pid, pg)); }
pid_t getsid(pid_t pid)         { return (pid_t)RET(__syscall1(__NR_getsid, pid)); }
pid_t setsid(void)              { return (pid_t)RET(__syscall0(__NR_setsid)); }

/* Execute path with argv and envp; returns only on failure (-1, errno). */
int execve(const char *path, char *const argv[], char *const envp[])
{
	return (int)RET(__syscall3(__NR_execve, path, argv, envp));
}

/* The 32-bit-id system calls (the 16-bit originals truncate ids). */
/* The 32-bit-id system calls (the 16-bit originals truncate ids); the
 * getters cannot fail, the setters return 0 or -1 with errno. */
uid_t getuid(void)  { return (uid_t)__syscall0(__NR_getuid32); }
uid_t geteuid(void) { return (uid_t)__syscall0(__NR_geteuid32); }
gid_t getgid(void)  { return (gid_t)__syscall0(__NR_getgid32); }
gid_t getegid(void) { return (gid_t)__syscall0(__NR_getegid32); }
int setuid(uid_t uid) { return (int)RET(__syscall1(__NR_setuid32, uid)); }
int setgid(gid_t gid) { return (int)RET(__syscall1(__NR_setgid32, gid)); }

/* Set only the effective id: setresuid(-1, uid, -1). As in glibc,
 * uid -1 (which would mean "unchanged") is EINVAL. */
int seteuid(uid_t uid)
{
	if (uid == (uid_t)-1) {
		errno = EINVAL;
		return -1;
	}
	return (int)RET(__syscall3(__NR_setresuid32, -1, uid, -1));
}

/* Set only the effective group id: setresgid(-1, gid, -1); -1 is EINVAL. */
int setegid(gid_t gid)
{
	if (gid == (gid_t)-1) {
		errno = EINVAL;
		return -1;
	}
	return (int)RET(__syscall3(__NR_setresgid32, -1, gid, -1));
}

/* Set real and effective ids (-1 leaves one unchanged). 0 or -1/errno. */
int setreuid(uid_t r, uid_t e) { return (int)RET(__syscall2(__NR_setreuid32, r, e)); }
int setregid(gid_t r, gid_t e) { return (int)RET(__syscall2(__NR_setregid32, r, e)); }

/* Set real, effective and saved user ids (-1: unchanged). */
int setresuid(uid_t r, uid_t e, uid_t s)
{
	return (int)RET(__syscall3(__NR_setresuid32, r, e, s));
}

/* Set real, effective and saved group ids (-1: unchanged). */
int setresgid(gid_t r, gid_t e, gid_t s)
{
	return (int)RET(__syscall3(__NR_setresgid32, r, e, s));
}

/* Read real, effective and saved user ids. */
int getresuid(uid_t *r, uid_t *e, uid_t *s)
{
	return (int)RET(__syscall3(__NR_getresuid32, r, e, s));
}

/* Read real, effective and saved group ids. */
int getresgid(gid_t *r, gid_t *e, gid_t *s)
{
	return (int)RET(__syscall3(__NR_getresgid32, r, e, s));
}

/* Supplementary groups into list[size]; returns how many there are. */
int getgroups(int size, gid_t list[])
{
	return (int)RET(__syscall2(__NR_getgroups32, size, list));
}

/* Replace the supplementary groups. */
int setgroups(size_t size, const gid_t *list)
{
	return (int)RET(__syscall2(__NR_setgroups32, size, list));
}

/* File descriptors */

/* Read up to n bytes. Returns the count (0 at end of file) or -1/errno. */
ssize_t read(int fd, void *buf, size_t n)
{
	return (ssize_t)RET(__syscall3(__NR_read, fd, buf, n));
}

/* Write up to n bytes. Returns the count written or -1/errno. */
ssize_t write(int fd, const void *buf, size_t n)
{
	return (ssize_t)RET(__syscall3(__NR_write, fd, buf, n));
}

/* pread64/pwrite64 take the 64-bit offset as two words, low first. */
ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
	long long o = off;

	return (ssize_t)RET(__syscall5(__NR_pread64, fd, buf, n, (unsigned long)o,
				       (unsigned long)(o >> 32)));
}

/* write at offset off without moving the file offset. */
ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	long long o = off;

	return (ssize_t)RET(__syscall5(__NR_pwrite64, fd, buf, n, (unsigned long)o,
				       (unsigned long)(o >> 32)));
}

/* read into n buffers in turn. */
ssize_t readv(int fd, const struct iovec *iov, int n)
{
	return (ssize_t)RET(__syscall3(__NR_readv, fd, iov, n));
}

/* write from n buffers in turn, as one write. */
ssize_t writev(int fd, const struct iovec *iov, int n)
{
	return (ssize_t)RET(__syscall3(__NR_writev, fd, iov, n));
}

/* Descriptor operations: 0 (or the new descriptor) or -1/errno. */
int close(int fd)               { return (int)RET(__syscall1(__NR_close, fd)); }
int dup(int fd)                 { return (int)RET(__syscall1(__NR_dup, fd)); }
int dup2(int fd, int nfd)       { return (int)RET(__syscall2(__NR_dup2, fd, nfd)); }
int dup3(int fd, int nfd, int fl){ return (int)RET(__syscall3(__NR_dup3, fd, nfd, fl)); }
int pipe(int fds[2])            { return (int)RET(__syscall1(__NR_pipe, fds)); }
int pipe2(int fds[2], int fl)   { return (int)RET(__syscall2(__NR_pipe2, fds, fl)); }
int fsync(int fd)               { return (int)RET(__syscall1(__NR_fsync, fd)); }
void sync(void)                 { __syscall0(__NR_sync); }

/* Move the file offset. Returns the new offset or -1/errno. */
off_t lseek(int fd, off_t off, int whence)
{
	return (off_t)RET(__syscall3(__NR_lseek, fd, off, whence));
}

/* Set the size of the open file fd. */
int ftruncate(int fd, off_t len)
{
	return (int)RET(__syscall2(__NR_ftruncate, fd, len));
}

/* Set the size of the file at path. */
int truncate(const char *path, off_t len)
{
	return (int)RET(__syscall2(__NR_truncate, path, len));
}

/* open(path, flags[, mode]): the mode is read only with O_CREAT/O_TMPFILE. */
int open(const char *path, int flags, ...)
{
	mode_t mode = 0;

	if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) {
		va_list ap;
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return (int)RET(__syscall3(__NR_open, path, flags, mode));
}

/* openat(dirfd, path, flags[, mode]). */
int openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;

	if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) {
		va_list ap;
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return (int)RET(__syscall4(__NR_openat, dirfd, path, flags, mode));
}

/* open(path, O_WRONLY | O_CREAT | O_TRUNC, mode). */
int creat(const char *path, mode_t mode)
{
	return open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
}

/* fcntl(fd, cmd[, arg]) via fcntl64; the optional argument is one word. */
int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	long arg;

	va_start(ap, cmd);
	arg = va_arg(ap, long);
	va_end(ap);
	return (int)RET(__syscall3(__NR_fcntl64, fd, cmd, arg));
}

/* ioctl(fd, req[, arg]). */
int ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	long arg;

	va_start(ap, req);
	arg = va_arg(ap, long);
	va_end(ap);
	return (int)RET(__syscall3(__NR_ioctl, fd, req, arg));
}

/* 1 if fd is a terminal (TCGETS succeeds), else 0 with errno ENOTTY. */
/* The terminal's foreground process group (Ctrl-C goes to it). */
pid_t tcgetpgrp(int fd)
{
	pid_t pgid;
	long r = __syscall3(__NR_ioctl, fd, TIOCGPGRP, &pgid);
	return __syscall_is_error(r) ? (pid_t)RET(r) : pgid;
}

int tcsetpgrp(int fd, pid_t pgid)
{
	return (int)RET(__syscall3(__NR_ioctl, fd, TIOCSPGRP, &pgid));
}

int isatty(int fd)
{
	unsigned char termios[64];
	long r = __syscall3(__NR_ioctl, fd, TCGETS, termios);

	if (__syscall_is_error(r)) {
		errno = r == -EBADF ? EBADF : ENOTTY;
		return 0;
	}
	return 1;
}

/* Paths */

int access(const char *p, int mode) { return (int)RET(__syscall2(__NR_access, p, mode)); }
/* Path operations: 0 or -1/errno (umask returns the old mask). */
int chdir(const char *path)         { return (int)RET(__syscall1(__NR_chdir, path)); }
int fchdir(int fd)                  { return (int)RET(__syscall1(__NR_fchdir, fd)); }
int unlink(const char *path)        { return (int)RET(__syscall1(__NR_unlink, path)); }
int rmdir(const char *path)         { return (int)RET(__syscall1(__NR_rmdir, path)); }
int link(const char *a, const char *b)    { return (int)RET(__syscall2(__NR_link, a, b)); }
int symlink(const char *a, const char *b) { return (int)RET(__syscall2(__NR_symlink, a, b)); }
int rename(const char *a, const char *b)  { return (int)RET(__syscall2(__NR_rename, a, b)); }
int mkdir(const char *path, mode_t m)     { return (int)RET(__syscall2(__NR_mkdir, path, m)); }
int chmod(const char *path, mode_t m)     { return (int)RET(__syscall2(__NR_chmod, path, m)); }
int fchmod(int fd, mode_t m)              { return (int)RET(__syscall2(__NR_fchmod, fd, m)); }
mode_t umask(mode_t m)                    { return (mode_t)__syscall1(__NR_umask, m); }

/* Create a file node (the kernel may refuse with ENOSYS or EPERM). */
int mknod(const char *path, mode_t mode, dev_t dev)
{
	return (int)RET(__syscall3(__NR_mknod, path, mode, (unsigned long)dev));
}

/* Create a named pipe: mknod with S_IFIFO. */
int mkfifo(const char *path, mode_t mode)
{
	return mknod(path, (mode & 07777) | S_IFIFO, 0);
}

/* A symbolic link's target into buf (not NUL-terminated); its length. */
ssize_t readlink(const char *restrict path, char *restrict buf, size_t size)
{
	return (ssize_t)RET(__syscall3(__NR_readlink, path, buf, size));
}

/* Change owner and group (the 32-bit-id calls). 0 or -1/errno. */
int chown(const char *p, uid_t u, gid_t g)  { return (int)RET(__syscall3(__NR_chown32, p, u, g)); }
int lchown(const char *p, uid_t u, gid_t g) { return (int)RET(__syscall3(__NR_lchown32, p, u, g)); }
int fchown(int fd, uid_t u, gid_t g)        { return (int)RET(__syscall3(__NR_fchown32, fd, u, g)); }

/*
 * The current directory into buf[size] (a malloc'd buffer if buf is NULL).
 * If the kernel has no getcwd, every process is taken to be at "/".
 */
char *getcwd(char *buf, size_t size)
{
	char tmp[PATH_MAX];
	long r = __syscall2(__NR_getcwd, tmp, sizeof(tmp));
	size_t len;

	if (r == -ENOSYS) {
		strcpy(tmp, "/");
	} else if (__syscall_is_error(r)) {
		errno = (int)-r;
		return NULL;
	}
	len = strlen(tmp) + 1;
	if (buf == NULL) {
		buf = size ? malloc(size) : strdup(tmp);
		if (buf == NULL)
			return NULL;
		if (size == 0)
			return buf;
	}
	if (len > size) {
		errno = size ? ERANGE : EINVAL;
		return NULL;
	}
	return memcpy(buf, tmp, len);
}

/* Host name: the nodename field of uname(). */
int gethostname(char *name, size_t len)
{
	struct { char f[6][65]; } u;
	size_t n;

	if ((int)RET(__syscall1(__NR_uname, &u)) < 0)
		return -1;
	n = strlen(u.f[1]) + 1;
	if (n > len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(name, u.f[1], n);
	return 0;
}

/* Memory: the program break */

static char *cur_brk;

/* Set the break to addr. 0, or -1 with ENOMEM. */
int brk(void *addr)
{
	char *r = (char *)__syscall1(__NR_brk, addr);

	if (r != addr) {
		errno = ENOMEM;
		return -1;
	}
	cur_brk = r;
	return 0;
}

/*
 * Move the break by incr bytes; returns the old break (the start of the
 * new memory), or (void *)-1 with ENOMEM. The kernel's brk returns the
 * new break on success and the unchanged one on failure.
 */
void *sbrk(intptr_t incr)
{
	char *old, *want, *got;

	if (cur_brk == NULL)
		cur_brk = (char *)__syscall1(__NR_brk, 0);
	old = cur_brk;
	if (incr == 0)
		return old;
	if ((incr > 0 && (uintptr_t)old + (uintptr_t)incr < (uintptr_t)old) ||
	    (incr < 0 && (uintptr_t)-incr > (uintptr_t)old)) {
		errno = ENOMEM;
		return (void *)-1;
	}
	want = old + incr;
	got = (char *)__syscall1(__NR_brk, want);
	if (got != want) {
		errno = ENOMEM;
		return (void *)-1;
	}
	cur_brk = got;
	return old;
}

/* Time-related process calls */

/* alarm: SIGALRM after s seconds; returns the seconds left on the old
 * alarm. pause: wait for a signal; always -1 (EINTR). */
unsigned int alarm(unsigned int s) { return (unsigned int)__syscall1(__NR_alarm, s); }
int pause(void)                    { return (int)RET(__syscall0(__NR_pause)); }

/* Process times in ticks; returns ticks since an arbitrary point. */
clock_t times(struct tms *buf)
{
	return (clock_t)RET(__syscall1(__NR_times, buf));
}

/* Limits and configuration */

/* Read resource limit res (ugetrlimit 191). */
int getrlimit(int res, struct rlimit *rl)
{
	return (int)RET(__syscall2(__NR_ugetrlimit, res, rl));
}

/* Change resource limit res. */
int setrlimit(int res, const struct rlimit *rl)
{
	return (int)RET(__syscall2(__NR_setrlimit, res, rl));
}

/* prlimit through prlimit64 (340), whose limits are 64-bit: infinity is
 * ~0 in both widths, and a 64-bit limit too big for rlim_t reads as
 * infinity, as glibc does on i386. */
int prlimit(pid_t pid, int res, const struct rlimit *new, struct rlimit *old)
{
	struct rlimit64_k n, o;

	if (new) {
		n.rlim_cur = new->rlim_cur == RLIM_INFINITY ? RLIM64_INFINITY_K : new->rlim_cur;
		n.rlim_max = new->rlim_max == RLIM_INFINITY ? RLIM64_INFINITY_K : new->rlim_max;
	}
	if (RET(__syscall4(__NR_prlimit64, pid, res, new ? &n : NULL, old ? &o : NULL)) < 0)
		return -1;
	if (old) {
		old->rlim_cur = o.rlim_cur >= RLIM_INFINITY ? RLIM_INFINITY : (rlim_t)o.rlim_cur;
		old->rlim_max = o.rlim_max >= RLIM_INFINITY ? RLIM_INFINITY : (rlim_t)o.rlim_max;
	}
	return 0;
}

/* The page size: 4096 on i386. */
int getpagesize(void)
{
	return 4096;
}

/* A number from a one-line /proc file (Linux), or -1 if there is none.
 * errno is left as it was. */
static long proc_number(const char *path)
{
	int saved = errno, fd = open(path, O_RDONLY | O_CLOEXEC);
	char buf[32];
	ssize_t n;

	if (fd < 0) {
		errno = saved;
		return -1;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	errno = saved;
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return strtol(buf, NULL, 10);
}

/*
 * Run-time configuration values; -1 with EINVAL for unknown names. Limits
 * come from the kernel where it reports them (getrlimit, Linux's /proc),
 * else from agora's <uapi/limits.h>.
 */
long sysconf(int name)
{
	struct rlimit rl;
	struct sysinfo si;
	long v;
	int saved = errno;

	switch (name) {
	case _SC_PAGESIZE:
		return 4096;
	case _SC_CLK_TCK:
		return 100;
	case _SC_ARG_MAX:
		return ARG_MAX;
	case _SC_CHILD_MAX:
		if (getrlimit(RLIMIT_NPROC, &rl) == 0)
			return rl.rlim_cur == RLIM_INFINITY ? -1 : (long)rl.rlim_cur;
		errno = saved;
		return 1024;
	case _SC_NGROUPS_MAX:
		v = proc_number("/proc/sys/kernel/ngroups_max");
		return v > 0 ? v : AGORA_NGROUPS_MAX;
	case _SC_STREAM_MAX:
		return FOPEN_MAX;
	case _SC_HOST_NAME_MAX:
		return HOST_NAME_MAX;
	case _SC_OPEN_MAX:
		if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
			return (long)rl.rlim_cur;
		errno = saved;
		return AGORA_OPEN_MAX;
	case _SC_NPROCESSORS_CONF:
	case _SC_NPROCESSORS_ONLN:
		return 1;
	case _SC_PHYS_PAGES:
	case _SC_AVPHYS_PAGES:
		if (sysinfo(&si) < 0)
			return -1;
		return (long)((unsigned long long)(name == _SC_PHYS_PAGES ? si.totalram : si.freeram) *
			      si.mem_unit / 4096);
	default:
		errno = EINVAL;
		return -1;
	}
}
