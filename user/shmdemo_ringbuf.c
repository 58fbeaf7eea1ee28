/*
 * shmdemo_ringbuf: a producer and a consumer passing 20 messages through
 * a ring buffer in one System V shared memory segment.
 *
 * The parent creates the segment and forks. Each process then attaches it
 * on its own (shmat) and prints where it landed and which physical frame
 * backs its page 0: the virtual addresses may differ, the frame is the
 * same, because both page tables point at the segment's one frame.
 *
 * The ring: head (next slot to write, producer only) and tail (next slot
 * to read, consumer only) count messages forever; head - tail is the fill
 * level. Each side writes only its own index, so on one CPU the only
 * ordering needed is "slot contents before the index that publishes
 * them", which a compiler barrier gives. A full or empty ring is waited
 * out with sched_yield(), never with sleep.
 *
 * As soon as both sides are attached the parent marks the segment for
 * removal (IPC_RMID): it stays usable by the attached processes and is
 * freed at the last detach, so nothing leaks even if the demo is killed.
 */
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>
#include "agora_tools.h"

#define NMESSAGES 20
#define NSLOTS 4                /* small, so the producer really waits */
#define SLOT_SIZE 48

struct ring {
    volatile uint32_t head;             /* written by the producer only */
    volatile uint32_t tail;             /* written by the consumer only */
    volatile uint32_t consumer_ready;   /* consumer attached and printed */
    char slot[NSLOTS][SLOT_SIZE];
};

#define barrier() __asm__ __volatile__("" ::: "memory")

static struct ring *attach(int id, const char *who)
{
    struct ring *r = shmat(id, NULL, 0);
    if (r == (void *)-1) {
        printf("ringbuf: %s: shmat: %s\n", who, strerror(errno));
        exit(1);
    }
    (void)r->head;                      /* touch page 0 so it is mapped */
    printf("ringbuf: %-8s pid %-3d attached shmid %d at %p, page 0 -> frame 0x%08x\n",
           who, getpid(), id, (void *)r, at_frame_of(r));
    fflush(stdout);
    return r;
}

static void consumer(int id)
{
    struct ring *r = attach(id, "consumer");
    r->consumer_ready = 1;
    for (int n = 0; n < NMESSAGES; n++) {
        while (r->tail == r->head)
            sched_yield();                      /* empty: let the producer run */
        barrier();
        printf("ringbuf: consumer got [%2u] %s\n", r->tail % NSLOTS,
               r->slot[r->tail % NSLOTS]);
        barrier();
        r->tail = r->tail + 1;
    }
    fflush(stdout);
    shmdt(r);
    _exit(0);
}

static int producer(int id, pid_t child)
{
    struct ring *r = attach(id, "producer");
    int status;
    while (!r->consumer_ready) {
        if (waitpid(child, &status, WNOHANG) == child) {    /* it failed */
            shmdt(r);
            shmctl(id, IPC_RMID, NULL);
            return 1;
        }
        sched_yield();
    }
    /* Both are attached: remove the id now, the memory lives on. */
    if (shmctl(id, IPC_RMID, NULL) < 0)
        printf("ringbuf: IPC_RMID: %s\n", strerror(errno));
    else
        printf("ringbuf: shmid %d marked for removal (freed at the last detach)\n", id);
    fflush(stdout);

    uint32_t waits = 0;
    for (int n = 0; n < NMESSAGES; n++) {
        while (r->head - r->tail == NSLOTS) {
            waits++;
            sched_yield();                      /* full: let the consumer run */
        }
        snprintf(r->slot[r->head % NSLOTS], SLOT_SIZE,
                 "message %2d from pid %d", n + 1, getpid());
        barrier();
        r->head = r->head + 1;
    }
    waitpid(child, &status, 0);
    printf("ringbuf: %d messages through %d slots; the producer found the ring "
           "full %u times\n", NMESSAGES, NSLOTS, waits);
    shmdt(r);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

int main(void)
{
    int id = shmget(IPC_PRIVATE, sizeof(struct ring), IPC_CREAT | 0600);
    if (id < 0) {
        printf("ringbuf: shmget: %s\n", strerror(errno));
        return 1;
    }
    printf("ringbuf: created shmid %d, %u bytes: head, tail and %d slots of %d bytes\n",
           id, (unsigned)sizeof(struct ring), NSLOTS, SLOT_SIZE);
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        printf("ringbuf: fork: %s\n", strerror(errno));
        shmctl(id, IPC_RMID, NULL);
        return 1;
    }
    if (pid == 0)
        consumer(id);
    return producer(id, pid);
}
