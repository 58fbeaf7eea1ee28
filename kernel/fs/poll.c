/*
 * poll.c: waiting for files to become ready (poll, ppoll, select,
 * pselect6). See file.h for the one wake-up channel they share.
 */
#include <kernel/file.h>
#include <kernel/sched.h>

/* Every process in poll or select sleeps on this. */
static char poll_chan;

void file_poll_wakeup(void)
{
    sched_wakeup(&poll_chan);
}
