/*
 * fault_kinds: every way a user program can fault, each in its own child.
 *
 * A table of small functions: bad memory accesses (NULL, read-only pages,
 * kernel space, unmapped holes, the stack guard), bad jumps, undefined and
 * privileged instructions, traps (int3, single-step, into), division
 * faults, stack overflow. Each child must die by exactly the signal Linux
 * sends (WTERMSIG), and the parent carries on to the next.
 */
#include <agora_test.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>

static const char ro_page[4096] __attribute__((aligned(4096))) = "constant";

#define NOINLINE __attribute__((noinline))

/* A pointer to a fixed address that the compiler cannot reason about. */
static inline volatile char *at(uintptr_t a)
{
    __asm__("" : "+r"(a));
    return (volatile char *)a;
}
#define AT_INT(a) ((volatile int *)at(a))
static volatile int recursion_limit = 0x7fffffff;

static NOINLINE void null_read(void) { (void)*AT_INT(0); }
static NOINLINE void null_write(void) { *AT_INT(0) = 1; }
static NOINLINE void page0_end_read(void) { (void)*at(0xFFF); }
static NOINLINE void rodata_write(void) { *at((uintptr_t)&ro_page[8]) = 'x'; }
static NOINLINE void literal_write(void)
{
    static const char *volatile lit = "a string literal";
    *at((uintptr_t)lit) = 'A';
}
static NOINLINE void text_write(void) { *at((uintptr_t)&null_read) = (char)0xC3; }
static NOINLINE void kernel_read(void) { (void)*AT_INT(0xC0000000); }
static NOINLINE void kernel_write(void) { *AT_INT(0xC0000000) = 1; }
static NOINLINE void kernel_top_write(void) { *AT_INT(0xFFFFF000) = 1; }
static NOINLINE void kernel_last_read(void) { (void)*AT_INT(0xFFFFFFFC); }
static NOINLINE void kernel_text_write(void) { *AT_INT(0xC0100000) = 1; }
static NOINLINE void unmapped_write(void) { *AT_INT(0x50000000) = 1; }
static NOINLINE void above_brk_write(void)
{
    uintptr_t b = ((uintptr_t)sbrk(0) + 0x10000 + 4095) & ~(uintptr_t)4095;
    *AT_INT(b) = 1;
}
static NOINLINE void stack_guard_write(void) { *AT_INT(0xC0000000 - 0x800000 - 0x1000) = 1; }
static NOINLINE void straddle_write(void)
{
    /* the last 2 bytes of user space and the first 2 of the kernel's */
    *AT_INT(0xBFFFFFFE) = 0;
}

static NOINLINE void jump_unmapped(void) { ((void (*)(void))0x50000000)(); }
static NOINLINE void jump_null(void) { ((void (*)(void))0)(); }
static NOINLINE void jump_kernel(void) { ((void (*)(void))0xC0100000)(); }

static NOINLINE void op_ud2(void) { __asm__ volatile("ud2"); }
static NOINLINE void op_lock_nop(void) { __asm__ volatile(".byte 0xf0, 0x90"); }

static NOINLINE void div_zero(void)
{
    volatile int a = 1, b = 0;
    a = a / b;
}
static NOINLINE void div_overflow(void)
{
    volatile int a = INT_MIN, b = -1;
    a = a / b;
}
static NOINLINE void udiv_zero(void)
{
    volatile unsigned long long a = 1, b = 0;
    a = a / b;
}

static NOINLINE int recurse(int n)
{
    volatile char buf[512];
    buf[0] = (char)n;
    if (n < recursion_limit)
        return recurse(n + 1) + buf[0];
    return buf[0];
}
static NOINLINE void stack_overflow(void) { (void)recurse(0); }

static NOINLINE void op_int3(void) { __asm__ volatile("int3"); }
static NOINLINE void op_int_3(void) { __asm__ volatile(".byte 0xcd, 0x03"); }   /* int $3, 2-byte form */
static NOINLINE void single_step(void)
{
    __asm__ volatile("pushfl\n\t"
                     "orl $0x100, (%%esp)\n\t"
                     "popfl\n\t"
                     "nop\n\t"
                     "nop\n\t" ::: "cc", "memory");
}
static NOINLINE void op_into(void)
{
    __asm__ volatile("movl $0x7fffffff, %%eax\n\t"
                     "addl $1, %%eax\n\t"
                     "into\n\t" ::: "eax", "cc");
}

static NOINLINE void op_hlt(void) { __asm__ volatile("hlt"); }
static NOINLINE void op_cli(void) { __asm__ volatile("cli"); }
static NOINLINE void op_sti(void) { __asm__ volatile("sti"); }
static NOINLINE void op_in(void) { __asm__ volatile("inb $0x60, %%al" ::: "eax"); }
static NOINLINE void op_out(void) { __asm__ volatile("movb $0, %%al\n\toutb %%al, $0x80" ::: "eax"); }
static NOINLINE void op_out_dx(void)
{
    /* the QEMU exit port: must not end the run */
    __asm__ volatile("movw $0xf4, %%dx\n\tmovb $0, %%al\n\toutb %%al, %%dx" ::: "eax", "edx");
}
static NOINLINE void op_read_cr0(void) { __asm__ volatile("movl %%cr0, %%eax" ::: "eax"); }
static NOINLINE void op_write_cr3(void) { __asm__ volatile("xorl %%eax, %%eax\n\tmovl %%eax, %%cr3" ::: "eax"); }
static NOINLINE void op_wbinvd(void) { __asm__ volatile("wbinvd"); }
static NOINLINE void op_rdmsr(void) { __asm__ volatile("movl $0x10, %%ecx\n\trdmsr" ::: "eax", "ecx", "edx"); }
static NOINLINE void op_invlpg(void) { __asm__ volatile("invlpg (0)"); }
static NOINLINE void op_lidt(void)
{
    static const struct { uint16_t lim; uint32_t base; } __attribute__((packed)) idt = { 0, 0 };
    __asm__ volatile("lidt %0" :: "m"(idt));
}
static NOINLINE void op_clts(void) { __asm__ volatile("clts"); }
static NOINLINE void op_int_0e(void) { __asm__ volatile("int $0x0e"); }
static NOINLINE void op_int_08(void) { __asm__ volatile("int $0x08"); }
static NOINLINE void op_int_0d(void) { __asm__ volatile("int $0x0d"); }
static NOINLINE void op_int_20(void) { __asm__ volatile("int $0x20"); }
static NOINLINE void op_int_21(void) { __asm__ volatile("int $0x21"); }
static NOINLINE void op_int_2f(void) { __asm__ volatile("int $0x2f"); }
static NOINLINE void op_int_ff(void) { __asm__ volatile("int $0xff"); }
static NOINLINE void kernel_ds(void)
{
    /* load the kernel data selector (0x10, GDT slot 2) into %ds */
    __asm__ volatile("movw $0x10, %%ax\n\tmovw %%ax, %%ds\n\t"
                     "movw %%ss, %%ax\n\tmovw %%ax, %%ds" ::: "eax");
}
static NOINLINE void far_jump_kernel_cs(void) { __asm__ volatile("ljmp $0x08, $0xC0100000"); }

/* Faults whose signal frame cannot be written: esp points nowhere. With
 * or without a handler the process must die by SIGSEGV. */
static NOINLINE void bad_esp(void)
{
    __asm__ volatile("movl $0x100, %%esp\n\tpushl $0" ::: "memory");
}
static void segv_handler(int sig) { (void)sig; _exit(50); }
static NOINLINE void bad_esp_with_handler(void)
{
    signal(SIGSEGV, segv_handler);
    bad_esp();
}
static NOINLINE void bad_esp_syscall(void)
{
    /* a system call with a bogus esp works; the fault comes after */
    __asm__ volatile("movl %%esp, %%esi\n\t"
                     "movl $0x100, %%esp\n\t"
                     "movl $20, %%eax\n\t"      /* getpid */
                     "int $0x80\n\t"
                     "movl %%esi, %%esp\n\t" ::: "eax", "esi", "memory");
    null_write();
}

static NOINLINE void do_abort(void) { abort(); }

static const struct {
    const char *what;
    void (*fn)(void);
    int sig;
} cases[] = {
    { "read NULL", null_read, SIGSEGV },
    { "write NULL", null_write, SIGSEGV },
    { "read 0xFFF (end of page 0)", page0_end_read, SIGSEGV },
    { "write a const page in .rodata", rodata_write, SIGSEGV },
    { "write a string literal", literal_write, SIGSEGV },
    { "write our own .text", text_write, SIGSEGV },
    { "read 0xC0000000 (kernel)", kernel_read, SIGSEGV },
    { "write 0xC0000000 (kernel)", kernel_write, SIGSEGV },
    { "write 0xFFFFF000", kernel_top_write, SIGSEGV },
    { "read 0xFFFFFFFC", kernel_last_read, SIGSEGV },
    { "write 0xC0100000 (kernel text)", kernel_text_write, SIGSEGV },
    { "write 0x50000000 (unmapped)", unmapped_write, SIGSEGV },
    { "write 64 KiB above the break", above_brk_write, SIGSEGV },
    { "write the guard page below the stack region", stack_guard_write, SIGSEGV },
    { "write 4 bytes straddling 0xC0000000", straddle_write, SIGSEGV },
    { "jump to 0x50000000", jump_unmapped, SIGSEGV },
    { "jump to NULL", jump_null, SIGSEGV },
    { "jump into the kernel (0xC0100000)", jump_kernel, SIGSEGV },
    { "ud2", op_ud2, SIGILL },
    { "lock nop (invalid lock prefix)", op_lock_nop, SIGILL },
    { "integer division by zero", div_zero, SIGFPE },
    { "INT_MIN / -1", div_overflow, SIGFPE },
    { "64-bit division by zero (libgcc)", udiv_zero, SIGFPE },
    { "stack overflow by unbounded recursion", stack_overflow, SIGSEGV },
    { "int3", op_int3, SIGTRAP },
    { "int $3 (two-byte form)", op_int_3, SIGTRAP },
    { "single-step trap (TF set by popf)", single_step, SIGTRAP },
    { "into with OF set", op_into, SIGSEGV },
    { "hlt", op_hlt, SIGSEGV },
    { "cli", op_cli, SIGSEGV },
    { "sti", op_sti, SIGSEGV },
    { "inb $0x60", op_in, SIGSEGV },
    { "outb $0x80", op_out, SIGSEGV },
    { "outb to port 0xf4 (QEMU exit)", op_out_dx, SIGSEGV },
    { "mov %cr0, %eax", op_read_cr0, SIGSEGV },
    { "mov %eax, %cr3", op_write_cr3, SIGSEGV },
    { "wbinvd", op_wbinvd, SIGSEGV },
    { "rdmsr", op_rdmsr, SIGSEGV },
    { "invlpg", op_invlpg, SIGSEGV },
    { "lidt", op_lidt, SIGSEGV },
    { "clts", op_clts, SIGSEGV },
    { "int $0x0e (page-fault vector)", op_int_0e, SIGSEGV },
    { "int $0x08 (double-fault vector)", op_int_08, SIGSEGV },
    { "int $0x0d (GP vector)", op_int_0d, SIGSEGV },
    { "int $0x20 (timer IRQ vector)", op_int_20, SIGSEGV },
    { "int $0x21 (keyboard IRQ vector)", op_int_21, SIGSEGV },
    { "int $0x2f", op_int_2f, SIGSEGV },
    { "int $0xff", op_int_ff, SIGSEGV },
    { "load the kernel data selector into %ds", kernel_ds, SIGSEGV },
    { "far jump to the kernel code selector", far_jump_kernel_cs, SIGSEGV },
    { "fault with esp = 0x100 (no room for a frame)", bad_esp, SIGSEGV },
    { "same, with a SIGSEGV handler installed", bad_esp_with_handler, SIGSEGV },
    { "int $0x80 with esp = 0x100, then a fault", bad_esp_syscall, SIGSEGV },
    { "abort()", do_abort, SIGABRT },
};

int main(void)
{
    t_begin("fault_kinds");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            cases[i].fn();
            _exit(77);                  /* it did not fault */
        }
        int st = 0;
        pid_t got = waitpid(pid, &st, 0);
        char what[128];
        snprintf(what, sizeof(what), "%s -> %s", cases[i].what, strsignal(cases[i].sig));
        if (got == pid && WIFSIGNALED(st) && WTERMSIG(st) == cases[i].sig) {
            t_check(1, what, NULL);
        } else {
            char d[96];
            if (got != pid)
                snprintf(d, sizeof(d), "waitpid returned %d", (int)got);
            else if (WIFSIGNALED(st))
                snprintf(d, sizeof(d), "got signal %d, want %d", WTERMSIG(st), cases[i].sig);
            else
                snprintf(d, sizeof(d), "exited %d (77: no fault), want signal %d",
                         WEXITSTATUS(st), cases[i].sig);
            t_check(0, what, d);
        }
    }
    T_OK(getpid() > 0, "the parent is still running after every fault");
    return t_end();
}
