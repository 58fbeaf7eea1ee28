/*
 * sigframe.h: the signal frames a handler finds on its stack, laid out as
 * Linux i386 does (arch/x86/signal.c pushes and pops them), with the flags
 * sigreturn lets a frame change and the return trampolines.
 */
#ifndef ARCH_SIGFRAME_H
#define ARCH_SIGFRAME_H

#include <arch/arch.h>
#include <arch/x86.h>
#include <uapi/signal.h>
#include <uapi/unistd.h>

/* A handler without SA_SIGINFO: handler(sig). */
struct sigframe {
    uint32_t pretcode;                  /* the handler's return address */
    int32_t sig;
    struct sigcontext_i386 sc;
    uint32_t extramask;                 /* the mask's high word */
    uint8_t retcode[8];
    uint8_t fpstate[FPU_AREA_SIZE];     /* sc.fpstate points here */
};

/* SA_SIGINFO: handler(sig, &info, &uc). */
struct rt_sigframe {
    uint32_t pretcode;
    int32_t sig;
    uint32_t pinfo;
    uint32_t puc;
    struct siginfo_i386 info;
    struct ucontext_i386 uc;
    uint8_t retcode[8];
    uint8_t fpstate[FPU_AREA_SIZE];     /* uc.uc_mcontext.fpstate points here */
};

#define EFLAGS_CF 0x00001
#define EFLAGS_PF 0x00004
#define EFLAGS_AF 0x00010
#define EFLAGS_ZF 0x00040
#define EFLAGS_SF 0x00080
#define EFLAGS_TF 0x00100
#define EFLAGS_DF 0x00400
#define EFLAGS_OF 0x00800
#define EFLAGS_AC 0x40000

/* The flags sigreturn takes from a frame (Linux's FIX_EFLAGS); IF, IOPL, VM
 * and the rest stay as they were. */
#define SIGRETURN_EFLAGS (EFLAGS_CF | EFLAGS_PF | EFLAGS_AF | EFLAGS_ZF | EFLAGS_SF | \
                          EFLAGS_TF | EFLAGS_DF | EFLAGS_OF | EFLAGS_AC)

/* The trampolines in the frame, used when the handler has no SA_RESTORER:
 * "pop %eax; mov $__NR_sigreturn, %eax; int $0x80" (the pop drops sig) and
 * "mov $__NR_rt_sigreturn, %eax; int $0x80", the bytes Linux writes. */
#define SIGFRAME_RETCODE { 0x58, 0xB8, __NR_sigreturn, 0, 0, 0, 0xCD, 0x80 }
#define RT_SIGFRAME_RETCODE { 0xB8, __NR_rt_sigreturn, 0, 0, 0, 0xCD, 0x80, 0 }

#endif
