/*
 * mm_mmap: anonymous private mmap (mmap2 192 through libc, and the old
 * mmap 90): zero-filled pages, placement, MAP_FIXED replacing what was
 * there, protections, fork keeping private mappings private, and the
 * errors. Files and shared anonymous memory map too (once EINVAL and
 * ENODEV here); mm_mmap_file and mm_shared_anon test them in depth.
 */
#include <agora_test.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define PG 4096

static int write_faults(volatile char *p)
{
    pid_t pid = fork();
    if (pid == 0) {
        *p = 1;
        _exit(0);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV;
}

int main(void)
{
    t_begin("mm_mmap");
    char *p = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    T_OK(p != MAP_FAILED, "mmap of 8 anonymous pages");
    T_OK(((uintptr_t)p & (PG - 1)) == 0 && (uintptr_t)p < 0xC0000000u, "page aligned, in user space");
    int zero = 1;
    for (int i = 0; i < 8 * PG; i++)
        zero &= p[i] == 0;
    T_OK(zero, "the pages read as zero");
    p[0] = 'a';
    p[8 * PG - 1] = 'z';
    T_OK(p[0] == 'a' && p[8 * PG - 1] == 'z', "and are writable");

    pid_t pid = fork();
    if (pid == 0) {
        p[0] = 'c';                     /* a private copy: the parent must not see it */
        _exit(p[8 * PG - 1] == 'z' ? 0 : 1);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a child sees the mapping's contents");
    T_EQ(p[0], 'a', "and its writes stay its own (MAP_PRIVATE)");

    char *q = mmap(p + 2 * PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    T_OK(q == p + 2 * PG, "MAP_FIXED over the third page returns that address");
    T_EQ(q[0], 0, "the new page is zero");
    T_EQ(write_faults(q), 1, "and read-only");
    T_EQ(p[0], 'a', "the pages around it are untouched");

    char *n = mmap(NULL, PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    T_OK(n != MAP_FAILED, "PROT_NONE mapping");
    T_EQ(write_faults(n), 1, "faults when touched");

    int fd = open("/etc/tests", O_RDONLY);
    char head[64];
    memset(head, 0, sizeof(head));
    ssize_t got = read(fd, head, sizeof(head));
    char *f = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 0);
    T_OK(got > 0 && f != MAP_FAILED && memcmp(f, head, (size_t)got) == 0,
         "a private file mapping holds the file's bytes");
    if (f != MAP_FAILED)
        munmap(f, PG);
    close(fd);
    char *s = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    T_OK(s != MAP_FAILED && s[0] == 0, "shared anonymous memory maps, zero-filled");
    if (s != MAP_FAILED)
        munmap(s, PG);
    T_ERRNO(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), EINVAL, "length 0");
    T_ERRNO(mmap((void *)(p + 1), PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0),
            EINVAL, "MAP_FIXED at an unaligned address");
    T_ERRNO(mmap(NULL, 0xF0000000u, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), ENOMEM,
            "more than the address space");

    uint32_t args[6] = { 0, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, (uint32_t)-1, 0 };
    long r = syscall(SYS_mmap, args);
    T_OK(r != -1 && (r & (PG - 1)) == 0, "the old mmap (90) with its argument block");
    if (r != -1) {
        ((char *)r)[5] = 7;
        T_EQ(munmap((void *)r, PG), 0, "munmap it");
    }

    T_EQ(munmap(p, 8 * PG), 0, "munmap the 8 pages (the MAP_FIXED piece too)");
    T_EQ(munmap(n, PG), 0, "munmap the PROT_NONE page");
    return t_end();
}
