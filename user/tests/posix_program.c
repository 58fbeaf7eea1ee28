/*
 * posix_program: an ordinary portable POSIX program, compiled unmodified on
 * Linux (gcc -Wall -Wextra -Werror posix_program.c) and on agora. It uses
 * fork, waitpid, signals, malloc, qsort and printf only, checks its own
 * results, and prints the same lines on both systems:
 *
 *   children: 3 exited, statuses 0 7 42
 *   killed: child stopped by signal 15 (Terminated)
 *   handler: SIGUSR1 caught 3 times, SIGUSR2 blocked then caught 1 time
 *   sorted: -17 -3 0 5 8 11 23 99
 *   words: apple banana cherry
 *   printf: [   42] [42   ] [002a] [-0000007] [3.14] [x]
 *   result: PASS
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t usr1_count, usr2_count;

static void on_signal(int sig)
{
    if (sig == SIGUSR1)
        usr1_count++;
    else if (sig == SIGUSR2)
        usr2_count++;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
    int ok = 1;

    /* fork and exit statuses */
    static const int codes[3] = { 0, 7, 42 };
    pid_t pids[3];
    for (int i = 0; i < 3; i++) {
        pids[i] = fork();
        if (pids[i] == 0)
            _exit(codes[i]);
    }
    printf("children: 3 exited, statuses");
    for (int i = 0; i < 3; i++) {
        int status;
        if (waitpid(pids[i], &status, 0) != pids[i] || !WIFEXITED(status))
            ok = 0;
        printf(" %d", WEXITSTATUS(status));
        ok &= WEXITSTATUS(status) == codes[i];
    }
    printf("\n");

    /* a child killed by a signal */
    pid_t victim = fork();
    if (victim == 0) {
        for (;;)
            pause();
    }
    kill(victim, SIGTERM);
    int status;
    waitpid(victim, &status, 0);
    ok &= WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM;
    printf("killed: child stopped by signal %d (%s)\n", WTERMSIG(status),
           strsignal(WTERMSIG(status)));

    /* handlers, blocking, delivery on unblock */
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGUSR2, &sa, NULL);
    for (int i = 0; i < 3; i++)
        raise(SIGUSR1);
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR2);
    sigprocmask(SIG_BLOCK, &block, NULL);
    raise(SIGUSR2);
    int held = usr2_count == 0;
    sigprocmask(SIG_UNBLOCK, &block, NULL);
    ok &= usr1_count == 3 && held && usr2_count == 1;
    printf("handler: SIGUSR1 caught %d times, SIGUSR2 %s then caught %d time\n",
           (int)usr1_count, held ? "blocked" : "NOT blocked", (int)usr2_count);

    /* malloc and qsort */
    static const int values[8] = { 23, -3, 99, 0, 8, -17, 11, 5 };
    int *v = malloc(sizeof(values));
    if (!v)
        return 1;
    memcpy(v, values, sizeof(values));
    qsort(v, 8, sizeof(int), cmp_int);
    printf("sorted:");
    for (int i = 0; i < 8; i++) {
        printf(" %d", v[i]);
        ok &= i == 0 || v[i - 1] <= v[i];
    }
    printf("\n");
    free(v);

    char **words = malloc(3 * sizeof(char *));
    const char *src[3] = { "cherry", "apple", "banana" };
    for (int i = 0; i < 3; i++) {
        words[i] = malloc(strlen(src[i]) + 1);
        strcpy(words[i], src[i]);
    }
    qsort(words, 3, sizeof(char *), cmp_str);
    printf("words: %s %s %s\n", words[0], words[1], words[2]);
    ok &= strcmp(words[0], "apple") == 0 && strcmp(words[2], "cherry") == 0;
    for (int i = 0; i < 3; i++)
        free(words[i]);
    free(words);

    /* formatting */
    char buf[80];
    snprintf(buf, sizeof(buf), "[%5d] [%-5d] [%04x] [%08d] [%.2f] [%c]", 42, 42, 42, -7, 3.14159, 'x');
    printf("printf: %s\n", buf);
    ok &= strcmp(buf, "[   42] [42   ] [002a] [-0000007] [3.14] [x]") == 0;

    printf("result: %s\n", ok ? "PASS" : "FAIL");
    return ok ? 0 : 1;
}
