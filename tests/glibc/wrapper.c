/*
 * wrapper: /tests/glibc.NAME, one page: execs /bin/glibc-tests (multi.c)
 * with this program's own argv and environment, so that argv[0] names the
 * glibc program to run. Freestanding (no libc): a file of a few KiB, where
 * a copy of the glibc program itself would take 670 KiB.
 */
#define NR_write 4
#define NR_execve 11
#define NR_exit 1

static long sys3(long nr, long a, long b, long c)
{
    long ret;
    __asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
    return ret;
}

void wrapper_main(long *sp);

/* The kernel's initial stack: argc, argv[], NULL, envp[], NULL. */
void wrapper_main(long *sp)
{
    static const char path[] = "/bin/glibc-tests";
    static const char msg[] = "glibc wrapper: cannot exec /bin/glibc-tests\n";
    long argc = sp[0];
    char **argv = (char **)(sp + 1);
    char **envp = argv + argc + 1;
    sys3(NR_execve, (long)path, (long)argv, (long)envp);
    sys3(NR_write, 2, (long)msg, sizeof(msg) - 1);
    sys3(NR_exit, 127, 0, 0);
    for (;;)
        ;
}

__asm__(".globl _start\n"
        "_start:\n"
        "    movl %esp, %eax\n"
        "    pushl %eax\n"
        "    call wrapper_main\n");
