/*
 * selftest.h: in-kernel tests of the memory manager, run at boot when the
 * command line says "selftest". They print PASS/FAIL lines in the same
 * format as the user-space tests.
 */
#ifndef KERNEL_SELFTEST_H
#define KERNEL_SELFTEST_H

void selftest_run(void);

#endif
