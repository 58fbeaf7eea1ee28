/*
 * posix_shm_program: a portable System V shared memory program. It uses
 * only POSIX headers and compiles unmodified on Linux (glibc) and agora:
 *
 *   gcc -Wall -Wextra -Werror -o /tmp/posix_shm posix_shm_program.c
 *
 * It creates a private segment, forks 3 children that each write a
 * greeting into their own slot, waits for them, prints what they wrote
 * and the IPC_STAT fields that do not depend on the system (segsz,
 * nattch, mode), removes the segment and exits 0 if all was as expected.
 *
 * Expected output, the same on Linux and agora:
 *
 * segment: segsz=3000 nattch=0 mode=0600
 * attached: nattch=1
 * slot 0: hello from child 0
 * slot 1: hello from child 1
 * slot 2: hello from child 2
 * after children: segsz=3000 nattch=1 mode=0600
 * after shmdt: nattch=0
 * removed: yes
 * result: PASS
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#define NCHILDREN 3
#define SLOT_SIZE 64
#define SEG_SIZE 3000

static int stat_segment(int id, struct shmid_ds *ds)
{
    memset(ds, 0, sizeof(*ds));
    return shmctl(id, IPC_STAT, ds);
}

int main(void)
{
    int ok = 1;
    struct shmid_ds ds;
    int id = shmget(IPC_PRIVATE, SEG_SIZE, IPC_CREAT | 0600);
    if (id < 0) {
        perror("shmget");
        return 1;
    }
    if (stat_segment(id, &ds) != 0) {
        perror("shmctl IPC_STAT");
        shmctl(id, IPC_RMID, NULL);
        return 1;
    }
    printf("segment: segsz=%lu nattch=%lu mode=%04o\n", (unsigned long)ds.shm_segsz,
           (unsigned long)ds.shm_nattch, (unsigned)(ds.shm_perm.mode & 0777));
    ok = ok && ds.shm_segsz == SEG_SIZE && ds.shm_nattch == 0 &&
         (ds.shm_perm.mode & 0777) == 0600;

    char *base = shmat(id, NULL, 0);
    if (base == (char *)-1) {
        perror("shmat");
        shmctl(id, IPC_RMID, NULL);
        return 1;
    }
    stat_segment(id, &ds);
    printf("attached: nattch=%lu\n", (unsigned long)ds.shm_nattch);
    ok = ok && ds.shm_nattch == 1;
    fflush(stdout);

    pid_t pids[NCHILDREN];
    for (int i = 0; i < NCHILDREN; i++) {
        pids[i] = fork();
        if (pids[i] == 0) {
            /* The attachment is inherited: write into our own slot. */
            snprintf(base + i * SLOT_SIZE, SLOT_SIZE, "hello from child %d", i);
            _exit(0);
        }
        if (pids[i] < 0) {
            perror("fork");
            ok = 0;
        }
    }
    for (int i = 0; i < NCHILDREN; i++) {
        int status;
        if (pids[i] <= 0)
            continue;
        if (waitpid(pids[i], &status, 0) != pids[i] || !WIFEXITED(status) ||
            WEXITSTATUS(status) != 0)
            ok = 0;
    }

    for (int i = 0; i < NCHILDREN; i++) {
        char want[SLOT_SIZE];
        snprintf(want, sizeof(want), "hello from child %d", i);
        printf("slot %d: %.*s\n", i, SLOT_SIZE, base + i * SLOT_SIZE);
        ok = ok && strcmp(base + i * SLOT_SIZE, want) == 0;
    }

    stat_segment(id, &ds);
    printf("after children: segsz=%lu nattch=%lu mode=%04o\n", (unsigned long)ds.shm_segsz,
           (unsigned long)ds.shm_nattch, (unsigned)(ds.shm_perm.mode & 0777));
    ok = ok && ds.shm_segsz == SEG_SIZE && ds.shm_nattch == 1 &&
         (ds.shm_perm.mode & 0777) == 0600;

    if (shmdt(base) != 0) {
        perror("shmdt");
        ok = 0;
    }
    stat_segment(id, &ds);
    printf("after shmdt: nattch=%lu\n", (unsigned long)ds.shm_nattch);
    ok = ok && ds.shm_nattch == 0;

    int removed = shmctl(id, IPC_RMID, NULL) == 0 && stat_segment(id, &ds) == -1;
    printf("removed: %s\n", removed ? "yes" : "no");
    ok = ok && removed;

    printf("result: %s\n", ok ? "PASS" : "FAIL");
    return ok ? 0 : 1;
}
