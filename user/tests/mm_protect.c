/*
 * mm_protect: munmap(2) and mprotect(2) on private memory and on shm
 * attachments: protections take effect at once, data survives PROT_NONE,
 * a read-only attachment cannot be made writable, bad arguments fail as on
 * Linux.
 */
#include <agora_test.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/wait.h>

#define PG 4096

static char area[4 * PG] __attribute__((aligned(PG)));

/* Does touching p (write or read) kill a child with SIGSEGV? */
static int faults(volatile char *p, int write)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (write)
            *p = 1;
        else
            (void)*p;
        _exit(0);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV;
}

int main(void)
{
    t_begin("mm_protect");
    char *p = area + PG;
    memset(area, 'a', sizeof(area));

    T_EQ(mprotect(p, PG, PROT_READ), 0, "mprotect a data page read-only");
    T_EQ(faults(p, 1), 1, "a write to it faults");
    T_EQ(faults(p, 0), 0, "a read does not");
    T_EQ(faults(p + PG, 1), 0, "the next page is still writable");
    T_EQ(mprotect(p, PG, PROT_NONE), 0, "mprotect PROT_NONE");
    T_EQ(faults(p, 0), 1, "now even a read faults");
    T_EQ(mprotect(p, PG, PROT_READ | PROT_WRITE), 0, "back to read-write");
    T_EQ(p[100], 'a', "the data survived PROT_NONE");
    p[100] = 'b';
    T_EQ(p[100], 'b', "and the page is writable again");

    T_ERRNO(mprotect(p + 1, PG, PROT_READ), EINVAL, "mprotect of an unaligned address");
    T_ERRNO(mprotect(p, PG, 0x100), EINVAL, "mprotect with an unknown bit");
    T_ERRNO(munmap(p + 1, PG), EINVAL, "munmap of an unaligned address");
    T_ERRNO(munmap(p, 0), EINVAL, "munmap of length 0");
    T_ERRNO(munmap((void *)0xBFFFF000, 2 * PG), EINVAL, "munmap reaching kernel space");
    T_ERRNO(mprotect((void *)0x50000000, PG, PROT_READ), ENOMEM, "mprotect of unmapped memory");

    T_EQ(munmap(area + 3 * PG, PG), 0, "munmap a data page");
    T_EQ(faults(area + 3 * PG, 0), 1, "reading it faults");
    T_EQ(area[2 * PG], 'a', "its neighbour is intact");

    int id = shmget(IPC_PRIVATE, 2 * PG, 0600);
    char *rw = shmat(id, NULL, 0);
    char *ro = shmat(id, NULL, SHM_RDONLY);
    T_OK(id >= 0 && rw != (void *)-1 && ro != (void *)-1, "set up: two attachments");
    T_ERRNO(mprotect(ro, PG, PROT_READ | PROT_WRITE), EACCES,
            "a SHM_RDONLY attachment cannot be made writable");
    T_EQ(mprotect(rw, PG, PROT_READ), 0, "a read-write one can be made read-only");
    T_EQ(faults(rw, 1), 1, "and then a write faults");
    rw[PG] = 'x';
    T_EQ(ro[PG], 'x', "its other piece still shares the frame");
    struct shmid_ds ds;
    shmctl(id, IPC_STAT, &ds);
    T_EQ(ds.shm_nattch, 3, "nattch counts pieces: 2 for the split attachment, 1 for the other");
    T_EQ(munmap(rw, 2 * PG), 0, "munmap of the whole split attachment");
    shmctl(id, IPC_STAT, &ds);
    T_EQ(ds.shm_nattch, 1, "detaches both pieces");
    T_EQ(shmdt(ro), 0, "shmdt the read-only one");
    shmctl(id, IPC_RMID, NULL);

    /* brk after munmap: the heap grows again, and never over an attachment. */
    char *base = sbrk(0);
    T_OK(sbrk(4 * PG) != (void *)-1, "sbrk 4 pages");
    char *top = sbrk(0);
    T_EQ(munmap((void *)(((uintptr_t)top - PG) & ~(uintptr_t)(PG - 1)), PG), 0,
         "munmap the heap's last page");
    T_OK(sbrk(PG) != (void *)-1, "sbrk grows again over the unmapped page");
    id = shmget(IPC_PRIVATE, PG, 0600);
    uintptr_t next = ((uintptr_t)sbrk(0) + PG - 1) & ~(uintptr_t)(PG - 1);
    char *at = shmat(id, (void *)(next + PG), 0);
    T_OK(at != (void *)-1, "attach a page just above the break");
    T_ERRNO(sbrk(8 * PG), ENOMEM, "sbrk cannot grow into the attachment");
    T_EQ(brk(base), 0, "brk back to where the heap started");
    T_EQ(shmdt(at), 0, "the attachment survived the shrink");
    shmctl(id, IPC_RMID, NULL);
    return t_end();
}
