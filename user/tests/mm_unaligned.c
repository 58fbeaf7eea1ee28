/*
 * mm_unaligned: files whose data does not start on a page of the initrd.
 *
 * tools/mkinitrd.py puts every file on a page boundary, so that a file's
 * pages are the initrd's own frames, except under /testdata/unaligned/,
 * where it puts the same program (true) and the same data file (pages)
 * off a boundary on purpose. Such pages cannot be mapped in place; the
 * kernel copies each one on its fault (kernel/fs/mapping.c). This test
 * checks that both paths give the file's bytes: exec of the unaligned
 * program runs it; a private mapping of the unaligned file reads what
 * read() reads and its pages are copies (count 1, a frame of their own),
 * while the aligned file's pages are the initrd's frames, shared (count 2
 * with this mapping, the same frame in a second mapping).
 */
#include <agora_test.h>
#include <fcntl.h>
#include <sys/mman.h>

#define PAGES 6                         /* 5 pages and 1234 bytes */
#define SIZE (5 * 4096 + 1234)

static struct agora_page info(const void *va)
{
    struct agora_page pg;
    memset(&pg, 0, sizeof(pg));
    syscall(AGORA_NR_pageinfo, 0, va, &pg);
    return pg;
}

/* Map path privately; compare every byte with read(); NULL on failure. */
static char *map_and_compare(const char *path, int *same)
{
    static char buf[SIZE];
    int fd = open(path, O_RDONLY);
    *same = 0;
    if (fd < 0)
        return NULL;
    int got = 0, n;
    while (got < SIZE && (n = (int)read(fd, buf + got, SIZE - got)) > 0)
        got += n;
    char *m = mmap(NULL, PAGES * 4096, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (m == MAP_FAILED)
        return NULL;
    *same = got == SIZE && memcmp(m, buf, SIZE) == 0;
    for (int i = SIZE; i < PAGES * 4096; i++)
        if (m[i])
            *same = 0;                  /* past the end of file: zero */
    return m;
}

int main(void)
{
    t_begin("mm_unaligned");
    pid_t pid = fork();
    if (pid == 0) {
        char *argv[] = { "true", NULL };
        execv("/testdata/unaligned/true", argv);
        _exit(127);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exec of a program off a page boundary runs it");

    int same = 0;
    char *u = map_and_compare("/testdata/unaligned/pages", &same);
    T_OK(u != NULL, "mmap of the unaligned file");
    T_OK(same, "its mapping holds the file's bytes, zeros past the end");
    char *a = map_and_compare("/testdata/pages", &same);
    T_OK(a != NULL && same, "the aligned file likewise");
    int fd = open("/testdata/pages", O_RDONLY);
    char *a2 = mmap(NULL, PAGES * 4096, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (u && a && a2 != MAP_FAILED) {
        (void)*(volatile char *)a2;
        struct agora_page pu = info(u), pa = info(a), pa2 = info(a2);
        T_EQ(pu.refs, 1, "an unaligned page is a copy of its own (count 1)");
        T_EQ(pa.refs, 3, "an aligned page is the initrd's frame: its own count and two mappings");
        T_OK(pa.frame == pa2.frame, "two mappings of the aligned file share the frame");
        struct agora_page last = info(a + 5 * 4096);
        T_EQ(last.refs, 1, "the aligned file's last, partial page is a copy (zeros after the end)");
    }
    return t_end();
}
