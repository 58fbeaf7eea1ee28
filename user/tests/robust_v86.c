/*
 * robust_v86: a process that finds its way into virtual-8086 mode dies,
 * the kernel lives. On a real CPU an iret at CPL 3 cannot set EFLAGS.VM,
 * but QEMU's TCG (which runs make test) lets it: the process then runs in
 * v86 mode, and its next trap arrives with a v86 frame (segment registers
 * pushed by the CPU, cs whatever the process chose). agora has no v86
 * support, so a trap from v86 mode ends the process with SIGSEGV.
 *
 * Found by fuzz_syscalls. Before the fix the trap was taken for a kernel
 * fault (cs with low bits not 3) and panicked, or misread as a user fault
 * and sent the process straight back to v86 mode. On a CPU that ignores
 * the VM bit the iret simply lands in landed(): that passes too.
 */
#include <agora_test.h>
#include <signal.h>
#include <stdint.h>

static unsigned char stack2[8192] __attribute__((aligned(16)));

static void landed(void) { _exit(0); }

static void on_segv(int sig) { (void)sig; _exit(3); }

/* In a child: iret to landed() with cs and eflags VM|IF; the status. */
static int iret_vm(uint32_t cs, int handler)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        if (handler)
            signal(SIGSEGV, on_segv);
        static uint32_t frame[5];
        frame[0] = (uint32_t)(uintptr_t)landed;                         /* eip */
        frame[1] = cs;
        frame[2] = 0x20202;                                             /* eflags: VM, IF */
        frame[3] = (uint32_t)(uintptr_t)(stack2 + sizeof(stack2) - 16); /* esp */
        frame[4] = 0x23;                                                /* ss */
        __asm__ volatile("movl %0, %%esp\n\tiret" :: "r"(frame) : "memory");
        _exit(9);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return st;
}

/* SIGSEGV by the kernel, or a normal landing where the CPU ignores VM. */
static int died_or_landed(int st)
{
    return (WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV) || (WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

int main(void)
{
    t_begin("robust_v86");
    T_OK(died_or_landed(iret_vm(0x1b, 1)),
         "iret with VM set, cs 0x1b, a SIGSEGV handler: the process dies by SIGSEGV");
    T_OK(died_or_landed(iret_vm(0x4798, 0)),
         "iret with VM set, cs 0x4798: the process dies by SIGSEGV");
    T_OK(died_or_landed(iret_vm(0x0, 0)),
         "iret with VM set, cs 0: the process dies by SIGSEGV");
    return t_end();
}
