/*
 * ksyms.c: symbolized backtraces. The table is sorted by address; a binary
 * search finds the function that contains a return address. The walk
 * follows saved frame pointers (the kernel is built with
 * -fno-omit-frame-pointer) and stops at a zero ebp (set in boot.S and in
 * every new kernel stack) or when the frame leaves kernel memory.
 */
#include <kernel/ksyms.h>
#include <kernel/console.h>
#include <kernel/vm.h>
#include <arch/memlayout.h>

struct ksym {
    uint32_t addr;
    uint32_t name_off;
};

/* Weak: the first link pass has no table yet. */
extern const uint32_t ksyms_count __attribute__((weak));
extern const struct ksym ksyms_table[] __attribute__((weak));
extern const char ksyms_names[] __attribute__((weak));

const char *ksym_lookup(uint32_t addr, uint32_t *offset)
{
    if (&ksyms_count == NULL || ksyms_count == 0 || addr < ksyms_table[0].addr)
        return NULL;
    uint32_t lo = 0, hi = ksyms_count;     /* find the last entry <= addr */
    while (hi - lo > 1) {
        uint32_t mid = (lo + hi) / 2;
        if (ksyms_table[mid].addr <= addr)
            lo = mid;
        else
            hi = mid;
    }
    *offset = addr - ksyms_table[lo].addr;
    return ksyms_names + ksyms_table[lo].name_off;
}

static void print_frame(uint32_t pc)
{
    uint32_t off;
    const char *name = ksym_lookup(pc, &off);
    if (name)
        printk("  [<%08x>] %s+0x%x\n", pc, name, off);
    else
        printk("  [<%08x>] ?\n", pc);
}

void backtrace_print(uint32_t ebp)
{
    printk("backtrace:\n");
    for (int depth = 0; depth < 32; depth++) {
        if (ebp < KERNEL_BASE || (ebp & 3) || !vm_kernel_mapped(ebp) ||
            !vm_kernel_mapped(ebp + 4))
            break;
        const uint32_t *frame = (const uint32_t *)ebp;
        uint32_t ret = frame[1];
        if (ret < KERNEL_BASE)
            break;
        print_frame(ret - 1);   /* inside the call instruction */
        ebp = frame[0];
    }
}
