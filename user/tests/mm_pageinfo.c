/*
 * mm_pageinfo: agora's pageinfo call (502), which vmmap uses for pages past
 * a region's first 16: the frame behind any page, its reference count and
 * whether its entry allows writing, watched through a fork (the page is
 * shared read-only, then copied by the child's write), and its errors.
 */
#include <agora_test.h>
#include <sys/mman.h>

static char page[4096] __attribute__((aligned(4096)));

static struct agora_page info(pid_t pid, const void *va)
{
    struct agora_page pg;
    memset(&pg, 0xff, sizeof(pg));
    if (syscall(AGORA_NR_pageinfo, pid, va, &pg) < 0)
        memset(&pg, 0, sizeof(pg));
    return pg;
}

int main(void)
{
    t_begin("mm_pageinfo");
    page[0] = 1;
    struct agora_page pg = info(0, page);
    T_EQ(pg.flags, AGORA_PAGE_PRESENT | AGORA_PAGE_WRITABLE | AGORA_PAGE_USER,
         "a written page: present, writable, user");
    T_EQ(pg.refs, 1, "and its frame is this process's alone");
    uint32_t before = pg.frame;

    int local = 0;
    pg = info(0, &local);
    T_OK(pg.flags & AGORA_PAGE_PRESENT, "the stack page at the top of the 8 MiB stack");

    int fds[2] = { -1, -1 };
    pid_t pid = fork();
    if (pid == 0) {
        /* Before any write to page: shared with the parent, read-only. */
        struct agora_page c = info(0, page);
        int bad = 0;
        bad |= (c.frame != before) << 0;
        bad |= (c.refs != 2) << 1;
        bad |= ((c.flags & AGORA_PAGE_WRITABLE) != 0) << 2;
        page[0] = 2;                    /* the copy */
        c = info(0, page);
        bad |= (c.frame == before) << 3;
        bad |= (c.refs != 1) << 4;
        bad |= !(c.flags & AGORA_PAGE_WRITABLE) << 5;
        struct agora_page p = info(getppid(), page);
        bad |= (p.frame != before || p.refs != 1) << 6;
        _exit(bad);
    }
    (void)fds;
    int st = 0;
    waitpid(pid, &st, 0);
    T_OK(WIFEXITED(st), "the child exited");
    int bits = WIFEXITED(st) ? WEXITSTATUS(st) : 0x7f;
    T_OK(!(bits & 7), "after fork: the child maps the parent's frame, refs 2, read-only");
    T_OK(!(bits & 0x38), "after the child's write: its own frame, refs 1, writable");
    T_OK(!(bits & 0x40), "and the parent keeps its frame, now refs 1");
    T_EQ(page[0], 1, "the parent still reads its own value");

    char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    pg = info(0, m);
    T_OK(m != MAP_FAILED && pg.frame == 0 && pg.flags == 0, "an untouched page: not present");
    mprotect(m, 4096, PROT_NONE);
    mprotect(m, 4096, PROT_READ);
    (void)*(volatile char *)m;
    mprotect(m, 4096, PROT_NONE);
    pg = info(0, m);
    T_OK((pg.flags & AGORA_PAGE_PRESENT) && !(pg.flags & AGORA_PAGE_USER),
         "PROT_NONE keeps the frame but not the user bit");
    munmap(m, 4096);

    struct agora_page dummy;
    T_ERRNO(syscall(AGORA_NR_pageinfo, 0, 0xC0000000u, &dummy), EINVAL, "a kernel address: EINVAL");
    T_ERRNO(syscall(AGORA_NR_pageinfo, 32767, page, &dummy), ESRCH, "no such process: ESRCH");
    T_ERRNO(syscall(AGORA_NR_pageinfo, 0, page, (void *)0xC0000000u), EFAULT,
            "a bad buffer: EFAULT");
    return t_end();
}
