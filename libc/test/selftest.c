/*
 * selftest.c: a program that includes every libc header and checks libc
 * behaviour at run time. It is not part of the build; it exists to
 * check libc against a real Linux kernel (an x86_64 host with 32-bit
 * emulation runs it directly) and, later, against agora. Build, from the
 * repository root, after "make build/libc/libc.a build/libc/crt0.o":
 *
 *   G=$(i686-linux-gnu-gcc -print-file-name=include)
 *   i686-linux-gnu-gcc -std=gnu11 -m32 -O2 -fno-pie -nostdinc -Wall -Wextra \
 *       -Werror -isystem libc/include -isystem kernel/include -isystem $G \
 *       -c libc/test/selftest.c -o /tmp/selftest.o
 *   i686-linux-gnu-gcc -m32 -nostdlib -static -no-pie -o /tmp/selftest \
 *       build/libc/crt0.o /tmp/selftest.o build/libc/libc.a \
 *       $(i686-linux-gnu-gcc -print-libgcc-file-name)
 *
 * Prints "PASS name" / "FAIL name (...)" per check, exits 1 on any failure.
 */
#include <alloca.h>
#include <assert.h>
#include <ctype.h>
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <getopt.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <locale.h>
#include <memory.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <agora/format.h>
#include <agora/syscall.h>

static int failures;

static void check(const char *name, int ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void check(const char *name, int ok, const char *fmt, ...)
{
	char why[200] = "";
	va_list ap;

	if (ok) {
		printf("PASS %s\n", name);
		return;
	}
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	printf("FAIL %s (%s)\n", name, why);
	failures++;
}

#define CHECK_STR(name, got, want) do { \
	const char *g_ = (got), *w_ = (want); \
	check(name, strcmp(g_, w_) == 0, "got \"%s\", want \"%s\"", g_, w_); \
} while (0)

#define CHECK_INT(name, got, want) do { \
	long long g_ = (got), w_ = (want); \
	check(name, g_ == w_, "got %lld, want %lld", g_, w_); \
} while (0)

static void test_stdio(void)
{
	char buf[128], *line = NULL;
	size_t cap = 0;
	FILE *f;
	int fds[2];

	snprintf(buf, sizeof(buf), "%d|%5.2f|%-4s|%e|%g|%G", -7, 3.14159, "ab", 1234.5, 0.00001234, 1e-10);
	CHECK_STR("printf floats", buf, "-7| 3.14|ab  |1.234500e+03|1.234e-05|1E-10");
	snprintf(buf, sizeof(buf), "%.0f %.1f %f %g %g %#g", 2.5, 0.05, -0.0, 100000.0, 1000000.0, 1.0);
	CHECK_STR("printf rounding", buf, "3 0.1 -0.000000 100000 1e+06 1.00000");
	snprintf(buf, sizeof(buf), "%010.3f|%+.2e|% f|%8.3g|%-8.2f|", -3.5, 12345.0, 1.0, 3.14159, 2.0);
	CHECK_STR("printf float flags", buf, "-00003.500|+1.23e+04| 1.000000|    3.14|2.00    |");
	snprintf(buf, sizeof(buf), "%f %F %e", 1.0 / 0.0, -1.0 / 0.0, 0.0 / 0.0);
	check("printf inf/nan", strcmp(buf, "inf -INF nan") == 0 || strcmp(buf, "inf -INF -nan") == 0,
	      "got \"%s\"", buf);
	snprintf(buf, sizeof(buf), "%a %A %.2a", 1.5, 0.5, 1.0 / 3);
	CHECK_STR("printf %a", buf, "0x1.8p+0 0X1P-1 0x1.55p-2");
	snprintf(buf, sizeof(buf), "%.3Lf %Lg", 2.0005L, 1e100L);
	CHECK_STR("printf long double", buf, "2.001 1e+100");
	CHECK_INT("sprintf ret", sprintf(buf, "%s-%d", "x", 42), 4);
	char *as = NULL;
	CHECK_INT("asprintf", asprintf(&as, "%05d", 42), 5);
	CHECK_STR("asprintf str", as, "00042");
	free(as);

	f = fopen("/proc/self/stat", "r");
	check("fopen read", f != NULL, "errno %d", errno);
	if (f) {
		int pid;
		check("fscanf-less parse", fgets(buf, sizeof(buf), f) != NULL, "fgets");
		pid = atoi(buf);
		CHECK_INT("pid in /proc/self/stat", pid, getpid());
		fclose(f);
	}
	check("fopen missing", fopen("/nonexistent/x", "r") == NULL && errno == ENOENT, "errno %d", errno);

	/* A pipe through fdopen: write, then read back with getline/fgetc/ungetc. */
	if (pipe(fds) == 0) {
		FILE *w = fdopen(fds[1], "w"), *r = fdopen(fds[0], "r");
		fprintf(w, "line one\nline two\nxyz");
		fclose(w);
		CHECK_INT("getline 1", getline(&line, &cap, r), 9);
		CHECK_STR("getline 1 text", line, "line one\n");
		check("fgets", fgets(buf, sizeof(buf), r) && strcmp(buf, "line two\n") == 0, "got %s", buf);
		CHECK_INT("fgetc", fgetc(r), 'x');
		CHECK_INT("ungetc", ungetc('Q', r), 'Q');
		CHECK_INT("fread after ungetc", (long long)fread(buf, 1, 10, r), 3);
		buf[3] = 0;
		CHECK_STR("fread text", buf, "Qyz");
		check("feof", feof(r) && !ferror(r), "eof %d err %d", feof(r), ferror(r));
		CHECK_INT("getline at eof", getline(&line, &cap, r), -1);
		fclose(r);
		free(line);
	}
	errno = ENOENT;
	perror("perror test (expected on stderr)");
}

static void test_strings(void)
{
	char buf[64], *save, *tok;

	strcpy(buf, "a,b,,c");
	tok = strtok(buf, ",");
	CHECK_STR("strtok 1", tok, "a");
	tok = strtok(NULL, ",");
	CHECK_STR("strtok 2", tok, "b");
	tok = strtok(NULL, ",");
	CHECK_STR("strtok 3", tok, "c");
	check("strtok end", strtok(NULL, ",") == NULL, "not NULL");
	strcpy(buf, "x y");
	CHECK_STR("strtok_r", strtok_r(buf, " ", &save), "x");
	char *d = strdup("dup"), *n = strndup("abcdef", 3);
	CHECK_STR("strdup", d, "dup");
	CHECK_STR("strndup", n, "abc");
	free(d);
	free(n);
	CHECK_STR("strerror", strerror(ENOENT), "No such file or directory");
	CHECK_STR("strerror unknown", strerror(9999), "Unknown error 9999");
	CHECK_STR("strsignal", strsignal(SIGSEGV), "Segmentation fault");
	CHECK_INT("strcasecmp", strcasecmp("HeLLo", "hello"), 0);
	CHECK_INT("strtol hex", strtol("0x1f", NULL, 0), 31);
	errno = 0;
	CHECK_INT("strtol overflow", strtol("99999999999", NULL, 10), LONG_MAX);
	CHECK_INT("strtol ERANGE", errno, ERANGE);
	CHECK_INT("strtoull", (long long)strtoull("18446744073709551615", NULL, 10), -1);
	CHECK_INT("isalpha", !!isalpha('q') + !!isdigit('7') + !!isspace('\n') + !isalpha(EOF), 4);
	char path[] = "/usr/lib/", path2[] = "/usr/lib/";
	CHECK_STR("basename", basename(path), "lib");
	CHECK_STR("dirname", dirname(path2), "/usr");
	CHECK_STR("PRId64", PRId64, "lld");
	snprintf(buf, sizeof(buf), "%" PRId64 " %" PRIuPTR " %" PRIx32, (int64_t)-5, (uintptr_t)7, (uint32_t)255);
	CHECK_STR("inttypes printf", buf, "-5 7 ff");
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static void test_stdlib(void)
{
	int v[] = { 5, 3, 9, 1, 7, 3, 0, -2 }, key = 7;
	void *ps[64];
	int ok = 1;

	qsort(v, 8, sizeof(int), cmp_int);
	for (int i = 1; i < 8; i++)
		ok &= v[i - 1] <= v[i];
	check("qsort", ok, "not sorted");
	int *hit = bsearch(&key, v, 8, sizeof(int), cmp_int);
	check("bsearch", hit && *hit == 7, "miss");

	for (int i = 0; i < 64; i++) {
		ps[i] = malloc((size_t)(i * 37 % 500 + 1));
		memset(ps[i], i, (size_t)(i * 37 % 500 + 1));
		ok &= ((uintptr_t)ps[i] & 7) == 0;
	}
	check("malloc aligned", ok, "misaligned");
	for (int i = 0; i < 64; i += 2)
		free(ps[i]);
	for (int i = 1; i < 64; i += 2) {
		unsigned char *p = ps[i];
		for (int j = 0; j < i * 37 % 500 + 1; j++)
			ok &= p[j] == (unsigned char)i;
		ps[i] = realloc(ps[i], 1000);
		p = ps[i];
		for (int j = 0; j < i * 37 % 500 + 1; j++)
			ok &= p[j] == (unsigned char)i;
	}
	check("malloc/realloc contents", ok, "corrupted");
	for (int i = 1; i < 64; i += 2)
		free(ps[i]);
	volatile size_t huge = 0xFFFFFFF0u, big = 0xC0000000u, n64k = 0x10000;
	errno = 0;
	check("malloc huge", malloc(huge) == NULL && errno == ENOMEM, "errno %d", errno);
	errno = 0;
	check("malloc 3GB", malloc(big) == NULL && errno == ENOMEM, "errno %d", errno);
	check("calloc overflow", calloc(n64k, n64k + 1) == NULL, "not NULL");
	int *z = calloc(100, sizeof(int));
	ok = z != NULL;
	for (int i = 0; z && i < 100; i++)
		ok &= z[i] == 0;
	check("calloc zeroed", ok, "not zero");
	free(z);
	void *al = NULL;
	CHECK_INT("posix_memalign", posix_memalign(&al, 4096, 100), 0);
	check("posix_memalign aligned", ((uintptr_t)al & 4095) == 0, "%p", al);
	free(al);
	free(NULL);

	setenv("AGORA_X", "1", 1);
	CHECK_STR("setenv/getenv", getenv("AGORA_X"), "1");
	setenv("AGORA_X", "2", 0);
	CHECK_STR("setenv no overwrite", getenv("AGORA_X"), "1");
	unsetenv("AGORA_X");
	check("unsetenv", getenv("AGORA_X") == NULL, "still set");
	srand(42);
	int r1 = rand(), r2 = rand();
	srand(42);
	check("srand repeatable", rand() == r1 && rand() == r2 && r1 >= 0 && r1 <= RAND_MAX, "r1 %d", r1);
	CHECK_INT("abs", abs(-4) + labs(-5L) + div(7, 2).quot + div(7, 2).rem, 13);
	CHECK_INT("atoi", atoi("  -123abc"), -123);
}

static volatile sig_atomic_t got_sig;
static volatile int got_code;
static sigjmp_buf jb;

static void on_usr1(int sig)
{
	got_sig = sig;
}

static void on_info(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_sig = sig;
	got_code = si->si_pid == getpid() && si->si_code == SI_USER;
}

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_sig = sig;
	got_code = si->si_addr == (void *)16;
	siglongjmp(jb, 5);
}

static void test_signals(void)
{
	struct sigaction sa;
	sigset_t set, old;

	check("signal()", signal(SIGUSR1, on_usr1) != SIG_ERR, "SIG_ERR");
	raise(SIGUSR1);
	CHECK_INT("raise handler", got_sig, SIGUSR1);
	got_sig = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_info;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR2, &sa, NULL);
	kill(getpid(), SIGUSR2);
	CHECK_INT("SA_SIGINFO handler", got_sig, SIGUSR2);
	CHECK_INT("siginfo pid/code", got_code, 1);

	/* Blocked signals stay pending until unblocked. */
	got_sig = 0;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &old);
	raise(SIGUSR1);
	CHECK_INT("blocked", got_sig, 0);
	sigpending(&set);
	CHECK_INT("sigpending", sigismember(&set, SIGUSR1), 1);
	sigprocmask(SIG_SETMASK, &old, NULL);
	CHECK_INT("unblocked delivery", got_sig, SIGUSR1);

	/* A fault, recovered with siglongjmp (which must restore the mask). */
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	got_sig = 0;
	volatile uintptr_t bad = 16;
	int r = sigsetjmp(jb, 1);
	if (r == 0)
		*(volatile int *)bad = 1;
	CHECK_INT("SIGSEGV + siglongjmp", r, 5);
	CHECK_INT("si_addr", got_code, 1);
	sigprocmask(SIG_BLOCK, NULL, &set);
	CHECK_INT("mask restored", sigismember(&set, SIGSEGV), 0);
	signal(SIGSEGV, SIG_DFL);

	struct sigaction cur;
	sigaction(SIGUSR1, NULL, &cur);
	check("sigaction query", cur.sa_handler == on_usr1 && (cur.sa_flags & SA_RESTART), "flags %x",
	      cur.sa_flags);
	CHECK_INT("sigaddset EINVAL", sigaddset(&set, 65), -1);
}

static jmp_buf plain;
static volatile int jump_now = 1;

static int depth(int n)
{
	if (n == 0 && jump_now)
		longjmp(plain, 0);
	return n == 0 ? 0 : depth(n - 1) + 1;
}

static void test_process(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(42);
	CHECK_INT("waitpid", waitpid(pid, &status, 0), pid);
	check("WEXITSTATUS", WIFEXITED(status) && WEXITSTATUS(status) == 42, "status %#x", status);

	pid = fork();
	if (pid == 0) {
		abort();
	}
	wait(&status);
	check("abort -> SIGABRT", WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT, "status %#x", status);

	pid = fork();
	if (pid == 0) {
		char *argv[] = { "true", NULL };
		execvp("true", argv);   /* PATH search */
		_exit(99);
	}
	waitpid(pid, &status, 0);
	check("execvp", WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x", status);

	pid = fork();
	if (pid == 0) {
		assert(1 + 1 == 3);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	check("assert aborts", WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT, "status %#x", status);
	CHECK_INT("waitpid ECHILD", waitpid(-1, &status, WNOHANG) == -1 && errno == ECHILD, 1);

	int r = setjmp(plain);
	if (r == 0)
		depth(10);
	CHECK_INT("longjmp 0 -> 1", r, 1);

	uid_t ru, eu, su;
	CHECK_INT("getresuid", getresuid(&ru, &eu, &su), 0);
	check("ids", ru == getuid() && eu == geteuid(), "uid %u", ru);
	CHECK_INT("getppid > 0", getppid() > 0, 1);
	CHECK_INT("sysconf page", sysconf(_SC_PAGESIZE), 4096);
	check("sysconf ngroups", sysconf(_SC_NGROUPS_MAX) >= 32, "%ld", sysconf(_SC_NGROUPS_MAX));
	check("sysconf open max", sysconf(_SC_OPEN_MAX) >= 64, "%ld", sysconf(_SC_OPEN_MAX));
	errno = 0;
	CHECK_INT("seteuid(-1) EINVAL", seteuid((uid_t)-1) == -1 && errno == EINVAL, 1);

	void *b0 = sbrk(0);
	check("sbrk grow", sbrk(8192) == b0 && sbrk(0) == (char *)b0 + 8192, "%p", b0);
	check("sbrk shrink", sbrk(-8192) == (char *)b0 + 8192 && sbrk(0) == b0, "-");
	/* 2 GiB may even succeed (a 32-bit process on a 64-bit Linux has
	 * 4 GiB); if it fails it must fail with ENOMEM. */
	errno = 0;
	void *big = sbrk(0x7ff00000);
	check("sbrk huge", big == (void *)-1 ? errno == ENOMEM : sbrk(-0x7ff00000) == (char *)big + 0x7ff00000,
	      "errno %d", errno);
}

static void test_files(void)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	int found = 0, fd;
	char buf[32];

	CHECK_INT("stat /", stat("/", &st), 0);
	check("S_ISDIR", S_ISDIR(st.st_mode), "mode %o", st.st_mode);
	CHECK_INT("stat ENOENT", stat("/no/such", &st) == -1 && errno == ENOENT, 1);
	fd = open("/proc/self/cmdline", O_RDONLY);
	check("open", fd >= 0, "errno %d", errno);
	CHECK_INT("fstat", fstat(fd, &st), 0);
	check("read", read(fd, buf, sizeof(buf)) > 0, "-");
	CHECK_INT("lseek", lseek(fd, 0, SEEK_SET), 0);
	int fd2 = dup(fd);
	check("dup/dup2", fd2 > fd && dup2(fd, 20) == 20, "-");
	close(fd);
	close(fd2);
	close(20);
	CHECK_INT("close EBADF", close(20) == -1 && errno == EBADF, 1);
	d = opendir("/");
	check("opendir", d != NULL, "errno %d", errno);
	while (d && (e = readdir(d)) != NULL)
		if (strcmp(e->d_name, "proc") == 0 && e->d_type == DT_DIR)
			found = 1;
	if (d)
		closedir(d);
	check("readdir finds /proc", found, "-");
	key_t k = ftok("/", 'A');
	check("ftok", k != (key_t)-1 && ((unsigned)k >> 24) == 'A', "key %#x", (unsigned)k);
	CHECK_INT("ftok missing", ftok("/no/such", 1), -1);
	check("getcwd", getcwd(buf, sizeof(buf)) != NULL && buf[0] == '/', "-");
	struct iovec iov[2] = { { "wr", 2 }, { "itev\n", 5 } };
	CHECK_INT("writev", writev(1, iov, 2), 7);
}

static void test_shm(void)
{
	struct shmid_ds ds;
	struct shminfo info;
	struct shm_info sinfo;
	int id = shmget(IPC_PRIVATE, 10000, IPC_CREAT | 0600);
	char *p;

	if (id < 0 && errno == ENOSYS) {
		printf("SKIP shm (ENOSYS)\n");
		return;
	}
	check("shmget", id >= 0, "errno %d", errno);
	p = shmat(id, NULL, 0);
	check("shmat", p != (void *)-1, "errno %d", errno);
	strcpy(p, "shared");
	pid_t pid = fork();
	if (pid == 0) {
		strcpy(p, "child!");
		shmdt(p);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	CHECK_STR("shm shared with child", p, "child!");
	CHECK_INT("IPC_STAT", shmctl(id, IPC_STAT, &ds), 0);
	CHECK_INT("shm_segsz", (long long)ds.shm_segsz, 10000);
	CHECK_INT("shm_nattch", (long long)ds.shm_nattch, 1);
	CHECK_INT("shm mode", ds.shm_perm.mode, 0600);
	CHECK_INT("shm cpid", ds.shm_cpid, getpid());
	check("shm ctime", ds.shm_ctime > 1600000000 && ds.shm_atime >= ds.shm_ctime, "ctime %lld",
	      (long long)ds.shm_ctime);
	check("IPC_INFO", shmctl(0, IPC_INFO, (struct shmid_ds *)&info) >= 0 && info.shmmin == 1, "-");
	check("SHM_INFO", shmctl(0, SHM_INFO, (struct shmid_ds *)&sinfo) >= 0 && sinfo.used_ids >= 1, "-");
	CHECK_INT("shmdt", shmdt(p), 0);
	CHECK_INT("shmdt again", shmdt(p) == -1 && errno == EINVAL, 1);
	CHECK_INT("IPC_RMID", shmctl(id, IPC_RMID, NULL), 0);
	CHECK_INT("IPC_STAT removed", shmctl(id, IPC_STAT, &ds) == -1 && errno == EINVAL, 1);
	check("shmat bad id", shmat(-1, NULL, 0) == (void *)-1 && errno == EINVAL, "errno %d", errno);
	/* cmd with IPC_64 on the direct syscall is an unknown command */
	CHECK_INT("raw IPC_64", __syscall3(__NR_shmctl, 0, IPC_STAT | IPC_64, &ds), -EINVAL);
}

static void test_time(void)
{
	struct timespec ts, t2;
	struct timeval tv;
	struct tm tm;
	time_t t = 0, now;
	char buf[64];

	CHECK_INT("clock_gettime", clock_gettime(CLOCK_REALTIME, &ts), 0);
	now = time(NULL);
	check("time", now >= ts.tv_sec && now - ts.tv_sec < 5 && now > 1600000000, "%lld", (long long)now);
	gettimeofday(&tv, NULL);
	check("gettimeofday", tv.tv_sec >= ts.tv_sec && tv.tv_usec < 1000000, "-");
	clock_gettime(CLOCK_MONOTONIC, &ts);
	struct timespec req = { 0, 20 * 1000 * 1000 };
	CHECK_INT("nanosleep", nanosleep(&req, NULL), 0);
	usleep(1000);
	clock_gettime(CLOCK_MONOTONIC, &t2);
	long long ns = (t2.tv_sec - ts.tv_sec) * 1000000000LL + (t2.tv_nsec - ts.tv_nsec);
	check("slept >= 21ms", ns >= 21000000, "%lld ns", ns);
	gmtime_r(&t, &tm);
	CHECK_STR("asctime epoch", asctime(&tm), "Thu Jan  1 00:00:00 1970\n");
	t = 951782400;          /* 2000-02-29 */
	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S %a %j", &tm);
	CHECK_STR("strftime leap day", buf, "2000-02-29 00:00:00 Tue 060");
	t = 4102444800LL;       /* 2100-01-01: needs 64-bit time_t */
	gmtime_r(&t, &tm);
	CHECK_INT("gmtime 2100", tm.tm_year + 1900, 2100);
	CHECK_INT("timegm roundtrip", timegm(&tm), 4102444800LL);
	t = -86400;
	gmtime_r(&t, &tm);
	CHECK_INT("gmtime before epoch", tm.tm_mday * 100 + tm.tm_mon, 3111);
	CHECK_INT("sizeof time_t", sizeof(time_t), 8);
	struct tms tms;
	check("times", times(&tms) != (clock_t)-1, "-");
}

static void test_misc(void)
{
	struct utsname u;
	struct sysinfo si;
	struct rlimit rl;
	int argc = 5;
	char *argv[] = { "prog", "-ab", "-c", "val", "file", NULL };
	int a = 0, b = 0;
	char *c = NULL;
	int opt;

	CHECK_INT("uname", uname(&u), 0);
	CHECK_STR("uname sysname", u.sysname, "Linux");
	CHECK_INT("sysinfo", sysinfo(&si), 0);
	check("sysinfo totalram", si.totalram > 0 && si.mem_unit > 0, "-");
	CHECK_INT("sched_yield", sched_yield(), 0);
	CHECK_INT("getrlimit", getrlimit(RLIMIT_NOFILE, &rl), 0);
	optind = 1;
	while ((opt = getopt(argc, argv, "abc:")) != -1) {
		if (opt == 'a') a = 1;
		else if (opt == 'b') b = 1;
		else if (opt == 'c') c = optarg;
	}
	check("getopt", a && b && c && strcmp(c, "val") == 0 && optind == 4, "optind %d", optind);
	static struct option lo[] = { { "verbose", no_argument, NULL, 'v' },
				      { "out", required_argument, NULL, 'o' }, { 0, 0, 0, 0 } };
	char *argv2[] = { "prog", "--verb", "--out=x", "-v", NULL };
	int v = 0;
	char *o = NULL;
	optind = 1;
	while ((opt = getopt_long(4, argv2, "vo:", lo, NULL)) != -1) {
		if (opt == 'v') v++;
		if (opt == 'o') o = optarg;
	}
	check("getopt_long", v == 2 && o && strcmp(o, "x") == 0, "v %d", v);
	void *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check("mmap", m != MAP_FAILED, "errno %d", errno);
	if (m != MAP_FAILED) {
		memset(m, 1, 8192);
		CHECK_INT("munmap", munmap(m, 8192), 0);
	}
	CHECK_STR("setlocale", setlocale(LC_ALL, ""), "C");
	CHECK_INT("syscall()", syscall(SYS_getpid), getpid());
	CHECK_INT("syscall() error", syscall(SYS_close, -1) == -1 && errno == EBADF, 1);
	char *stack = alloca(16);
	stack[0] = 1;
	CHECK_INT("limits", INT_MAX == 2147483647 && LONG_MAX == 2147483647L && CHAR_BIT == 8, 1);
	CHECK_INT("sizeof jmp_buf", sizeof(jmp_buf) >= 24, 1);
}

int main(void)
{
	test_stdio();
	test_strings();
	test_stdlib();
	test_signals();
	test_process();
	test_files();
	test_shm();
	test_time();
	test_misc();
	printf("%s: %d failure(s)\n", failures ? "FAILED" : "ALL PASSED", failures);
	return failures != 0;
}
