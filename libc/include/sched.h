/*
 * sched.h: sched_yield.
 */
#ifndef _SCHED_H
#define _SCHED_H

#include <agora/types.h>

int sched_yield(void);

#endif
