/*
 * shmdemo_parallel: four worker processes share the work of two
 * computations and hand their partial results back through one System V
 * shared memory segment.
 *
 *   1. the sum 1 + 2 + ... + N, N = 4,000,000: worker k sums the k-th
 *      quarter; the parent checks the total against N(N+1)/2.
 *   2. the primes below 200,000: the odd numbers are dealt round-robin to
 *      the workers (trial division); the parent checks pi(200000) = 17984.
 *
 * The parent attaches the segment before forking, so every worker
 * inherits the attachment at the same address (fork shares shm, it does
 * not copy it). Each worker writes only its own slot; the parent reads
 * the slots after waitpid has seen every worker exit, so no locking is
 * needed. The parent removes the segment at the end.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>
#include "agora_tools.h"

#define NWORKERS 4
#define SUM_N 4000000u
#define PRIME_LIMIT 200000u
#define PRIMES_BELOW_LIMIT 17984u      /* pi(200000) */

struct results {
    uint64_t sum[NWORKERS];
    uint32_t primes[NWORKERS];
    int32_t pid[NWORKERS];
};

static int is_prime(uint32_t n)
{
    if (n < 2)
        return 0;
    if (n % 2 == 0)
        return n == 2;
    for (uint32_t d = 3; d * d <= n; d += 2)
        if (n % d == 0)
            return 0;
    return 1;
}

static void worker(int k, struct results *res)
{
    uint32_t lo = k * (SUM_N / NWORKERS) + 1, hi = (k + 1) * (SUM_N / NWORKERS);
    uint64_t sum = 0;
    for (uint32_t i = lo; i <= hi; i++)
        sum += i;
    uint32_t primes = (k == 0);             /* 2, the one even prime */
    for (uint32_t n = 3 + 2 * k; n < PRIME_LIMIT; n += 2 * NWORKERS)
        primes += is_prime(n);
    res->sum[k] = sum;
    res->primes[k] = primes;
    res->pid[k] = getpid();
    printf("parallel: worker %d (pid %d): sum %u..%u = %llu, %u primes\n",
           k, getpid(), lo, hi, (unsigned long long)sum, primes);
    fflush(stdout);
    _exit(0);
}

int main(void)
{
    int id = shmget(IPC_PRIVATE, sizeof(struct results), IPC_CREAT | 0600);
    if (id < 0) {
        printf("parallel: shmget: %s\n", strerror(errno));
        return 1;
    }
    struct results *res = shmat(id, NULL, 0);
    if (res == (void *)-1) {
        printf("parallel: shmat: %s\n", strerror(errno));
        shmctl(id, IPC_RMID, NULL);
        return 1;
    }
    memset(res, 0, sizeof(*res));
    printf("parallel: shmid %d at %p (frame 0x%08x), %d workers inherit it by fork\n",
           id, (void *)res, at_frame_of(res), NWORKERS);
    fflush(stdout);

    pid_t pids[NWORKERS];
    int failed = 0;
    for (int k = 0; k < NWORKERS; k++) {
        pids[k] = fork();
        if (pids[k] == 0)
            worker(k, res);
        if (pids[k] < 0) {
            printf("parallel: fork: %s\n", strerror(errno));
            failed = 1;
        }
    }
    for (int k = 0; k < NWORKERS; k++) {
        int status;
        if (pids[k] > 0 && (waitpid(pids[k], &status, 0) != pids[k] ||
                            !WIFEXITED(status) || WEXITSTATUS(status) != 0))
            failed = 1;
    }

    uint64_t sum = 0;
    uint32_t primes = 0;
    for (int k = 0; k < NWORKERS; k++) {
        sum += res->sum[k];
        primes += res->primes[k];
    }
    uint64_t want = (uint64_t)SUM_N * (SUM_N + 1) / 2;
    int ok = !failed && sum == want && primes == PRIMES_BELOW_LIMIT;
    printf("parallel: sum 1..%u = %llu (N(N+1)/2 = %llu) %s\n", SUM_N,
           (unsigned long long)sum, (unsigned long long)want,
           sum == want ? "ok" : "WRONG");
    printf("parallel: primes below %u = %u (expected %u) %s\n", PRIME_LIMIT,
           primes, PRIMES_BELOW_LIMIT, primes == PRIMES_BELOW_LIMIT ? "ok" : "WRONG");
    shmdt(res);
    if (shmctl(id, IPC_RMID, NULL) < 0)
        printf("parallel: IPC_RMID: %s\n", strerror(errno));
    else
        printf("parallel: shmid %d removed\n", id);
    return ok ? 0 : 1;
}
