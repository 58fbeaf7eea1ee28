/*
 * alloca.h: stack allocation, freed when the calling function returns.
 */
#ifndef _ALLOCA_H
#define _ALLOCA_H

#define alloca(n) __builtin_alloca(n)

#endif
