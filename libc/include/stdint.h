/*
 * stdint.h: fixed-width integer types. gcc's <stdint-gcc.h> defines them
 * from the compiler's own knowledge of the target, which is exactly right;
 * gcc's <stdint.h> would instead look for a C library one (include_next).
 */
#ifndef _STDINT_H
#define _STDINT_H

#include <stdint-gcc.h>

#endif
