/*
 * repro_v86_iret: found by fuzz_syscalls (seed 1, child 252, step "fault
 * iret"); for the kernel fix, to become a test in user/tests.
 *
 * Under QEMU's TCG (make test, make run) an iret at CPL 3 whose popped
 * eflags has VM set enters virtual-8086 mode: QEMU goes to return_to_vm86
 * without the CPL 0 check real CPUs make (target/i386/tcg/seg_helper.c,
 * helper_ret_protected). The next fault comes from v86 mode with cs =
 * 0x4798, whose low bits are not 3, so trap() takes it for a kernel fault
 * and panics ("page fault (vector 14) in kernel mode", eflags with VM).
 * With cs 0x1b it is taken as a user fault, but the v86 frame (4 more words
 * pushed) is misread and the process is sent back to v86 mode by iret.
 * Linux counts a trap with EFLAGS.VM as from user mode (user_mode()).
 * Want: the child dies by SIGSEGV (or SIGILL), the kernel lives.
 */
#include <agora_test.h>
#include <signal.h>
#include <stdint.h>

static unsigned char stack2[8192] __attribute__((aligned(16)));

static void landed(void) { _exit(0); }

static void on_segv(int sig) { (void)sig; _exit(3); }

static int iret_vm(uint32_t cs, int handler)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        if (handler)
            signal(SIGSEGV, on_segv);
        static uint32_t frs[12];
        uint32_t *fr = &frs[2];
        fr[0] = (uint32_t)(uintptr_t)landed;                    /* eip */
        fr[1] = cs;
        fr[2] = 0x20202;                                        /* eflags: VM, IF */
        fr[3] = (uint32_t)(uintptr_t)(stack2 + sizeof(stack2) - 16);   /* esp */
        fr[4] = 0x23;                                           /* ss */
        __asm__ volatile("movl %0, %%esp\n\tiret" :: "r"(fr) : "memory");
        _exit(9);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return st;
}

int main(void)
{
    t_begin("repro_v86_iret");
    int st = iret_vm(0x1b, 1);
    T_OK(WIFSIGNALED(st) || (WIFEXITED(st) && WEXITSTATUS(st) == 3),
         "iret with VM set, cs 0x1b, a SIGSEGV handler: the process gets a signal");
    st = iret_vm(0x4798, 0);
    T_OK(WIFSIGNALED(st), "iret with VM set, cs 0x4798: the process dies by a signal, no panic");
    return t_end();
}
