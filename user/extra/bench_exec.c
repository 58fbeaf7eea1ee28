/*
 * bench_exec: the program /bin/bench execs to time an exec "to the first
 * instruction" (user/bench.c, docs/performance.md). Built into /bin/bench_exec
 * with its own entry point and no libc, so that its first instruction is
 * the rdtsc that ends the measurement.
 *
 * The file is about 100 KiB, laid out as a C program is: the little code
 * there is, 84 KiB of read-only data, 4 KiB of initialised writable data
 * and 4 KiB of bss. The data are nonzero, so their bytes are really in the
 * file, not zero-fill. bench checks the file's size and prints it.
 *
 *   bench_exec SHMID T0
 *
 * T0 is the low 32 bits of the rdtsc that bench's child read just before
 * execve, as 8 hex digits. bench_exec attaches segment SHMID, stores
 * rdtsc - T0 (mod 2^32) in its first word and the marker BENCH_EXEC_DONE in
 * the second, a word read from the blob, the data and the bss (0x5a5a5ab4)
 * in the third, detaches and exits 0. With bad arguments it says so on
 * stderr and exits 2; if the segment cannot be attached, exits 3.
 */
#include <stdint.h>
#include <uapi/unistd.h>

#define BLOB_SIZE (84 * 1024)
#define DATA_WORDS 1024                 /* 4 KiB of initialised data, 4 KiB of bss */
#define BENCH_EXEC_DONE 0xbe4c0de5u     /* must match user/bench.c */
#define STR(x) #x
#define XSTR(x) STR(x)

/* The first instruction: rdtsc, then the C code with (tsc low, sp). */
__asm__(".text\n"
        ".globl _start\n"
        "_start:\n"
        "\trdtsc\n"
        "\tmovl %esp, %ecx\n"           /* argc, argv[], NULL, envp[] */
        "\tandl $-16, %esp\n"
        "\tsubl $8, %esp\n"
        "\tpushl %ecx\n"
        "\tpushl %eax\n"
        "\tcall bench_exec_main\n"
        "\thlt\n"
        ".pushsection .rodata.blob, \"a\", @progbits\n"
        ".globl bench_exec_blob\n"
        "bench_exec_blob: .fill " XSTR(BLOB_SIZE) ", 1, 0x5a\n"
        ".popsection\n");
extern const unsigned char bench_exec_blob[BLOB_SIZE];

/* Writable data from the file and bss, as a C program has. */
static volatile uint32_t data_words[DATA_WORDS] = { [0 ... DATA_WORDS - 1] = 0x5a5a5a5a };
static volatile uint32_t bss_words[DATA_WORDS];

void bench_exec_main(uint32_t tsc, uint32_t *sp) __attribute__((noreturn, used));

static long sys3(long nr, long a, long b, long c)
{
    long r;
    __asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
    return r;
}

static __attribute__((noreturn)) void sys_exit(int code)
{
    for (;;)
        sys3(__NR_exit, code, 0, 0);
}

static void say(const char *s)
{
    long n = 0;
    while (s[n])
        n++;
    sys3(__NR_write, 2, (long)s, n);
}

/* Whole-string number in base 10 or 16; -1 if s is empty or has junk. */
static int parse(const char *s, uint32_t base, uint32_t *out)
{
    uint32_t v = 0;
    if (!*s)
        return -1;
    for (; *s; s++) {
        uint32_t d;
        if (*s >= '0' && *s <= '9')
            d = (uint32_t)(*s - '0');
        else if (base == 16 && *s >= 'a' && *s <= 'f')
            d = (uint32_t)(*s - 'a' + 10);
        else
            return -1;
        v = v * base + d;
    }
    *out = v;
    return 0;
}

void bench_exec_main(uint32_t tsc, uint32_t *sp)
{
    uint32_t argc = sp[0];
    char **argv = (char **)(sp + 1);
    uint32_t shmid, t0;
    if (argc != 3 || parse(argv[1], 10, &shmid) < 0 || parse(argv[2], 16, &t0) < 0) {
        say("usage: bench_exec SHMID T0 (run by /bin/bench, not by hand)\n");
        sys_exit(2);
    }
    long addr = sys3(__NR_shmat, (long)shmid, 0, 0);
    if ((unsigned long)addr > -4096UL)
        sys_exit(3);
    volatile uint32_t *slot = (volatile uint32_t *)addr;
    slot[0] = tsc - t0;
    slot[1] = BENCH_EXEC_DONE;
    bss_words[0] = data_words[DATA_WORDS - 1];
    slot[2] = bench_exec_blob[BLOB_SIZE - 1] + bss_words[0];    /* 0x5a5a5ab4 */
    sys3(__NR_shmdt, addr, 0, 0);
    sys_exit(0);
}
