/*
 * ksyms.h: the kernel's own symbol table (generated at link time by
 * tools/gen-ksyms.sh) and the frame-pointer backtrace that uses it.
 */
#ifndef KERNEL_KSYMS_H
#define KERNEL_KSYMS_H

#include <kernel/types.h>

/* Name of the function containing addr, or NULL; *offset gets addr - start. */
const char *ksym_lookup(uint32_t addr, uint32_t *offset);
/* Print "  [<addr>] name+0xoff" for each frame, starting at frame pointer ebp. */
void backtrace_print(uint32_t ebp);

#endif
