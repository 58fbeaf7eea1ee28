/*
 * sh: agora's small interactive shell.
 *
 *   sh               prompt "agora# " (root) or "agora$ ", run each line
 *   sh -c "CMD"      run one command line and exit with its status
 *   sh FILE          run the lines of FILE
 *
 * A line is split on blanks; "..." groups words (no escapes, no
 * variables, but a word "$?" becomes the last exit status). A line
 * starting with # is a comment. A trailing & runs the command
 * in the background. Builtins: cd (only to "/"), echo, exit [N], help.
 * Anything else is fork + execv("/bin/NAME", or NAME if it has a '/')
 * + waitpid. EOF (Ctrl-D on an empty line) leaves the shell.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_LINE 1024
#define MAX_ARGS 64

static int last_status;

/*
 * Split line in place into argv (NULL-terminated). Returns the count, or
 * -1 after a message for an unterminated quote or too many words.
 */
static int split(char *line, char **argv)
{
    int argc = 0;
    char *p = line;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            p++;
        if (!*p || (*p == '#' && argc == 0))
            break;
        if (argc == MAX_ARGS - 1) {
            fprintf(stderr, "sh: too many words\n");
            return -1;
        }
        /* Build the word in place: quoted parts are copied without quotes. */
        char *out = p;
        argv[argc++] = out;
        while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') {
            if (*p == '"') {
                char *close = strchr(p + 1, '"');
                if (!close) {
                    fprintf(stderr, "sh: unterminated \"\n");
                    return -1;
                }
                size_t n = (size_t)(close - p - 1);
                memmove(out, p + 1, n);
                out += n;
                p = close + 1;
            } else {
                *out++ = *p++;
            }
        }
        int at_end = !*p;
        *out = '\0';
        if (at_end)
            break;
        p++;
    }
    argv[argc] = NULL;
    return argc;
}

static const char *signal_name(int sig)
{
    switch (sig) {
    case SIGINT:  return "Interrupt";
    case SIGQUIT: return "Quit";
    case SIGILL:  return "Illegal instruction";
    case SIGABRT: return "Aborted";
    case SIGFPE:  return "Floating point exception";
    case SIGKILL: return "Killed";
    case SIGSEGV: return "Segmentation fault";
    case SIGPIPE: return "Broken pipe";
    case SIGALRM: return "Alarm clock";
    case SIGTERM: return "Terminated";
    case SIGBUS:  return "Bus error";
    default:      return NULL;
    }
}

/* Turn a wait status into $?-style status, telling about signals. */
static int report(int status)
{
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        const char *name = signal_name(sig);
        if (name)
            fprintf(stderr, "%s\n", name);
        else
            fprintf(stderr, "killed by signal %d\n", sig);
        return 128 + sig;
    }
    return WEXITSTATUS(status);
}

/* Collect background children that have finished. */
static void reap_background(void)
{
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        if (WIFSIGNALED(status))
            printf("[%d] %s\n", pid, signal_name(WTERMSIG(status)) ?
                   signal_name(WTERMSIG(status)) : "killed");
        else
            printf("[%d] done, exit %d\n", pid, WEXITSTATUS(status));
    }
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* help: the builtins, then the programs in /bin in sorted columns. */
static int builtin_help(void)
{
    printf("builtins: cd / | echo [WORD...] | exit [N] | help\n"
           "CMD & runs CMD in the background; $? is the last exit status.\n"
           "Commands in /bin:\n");
    DIR *d = opendir("/bin");
    if (!d) {
        perror("sh: /bin");
        return 1;
    }
    char *names[128];
    int n = 0;
    size_t width = 0;
    struct dirent *e;
    while (n < 128 && (e = readdir(d))) {
        if (e->d_name[0] == '.' || !(names[n] = strdup(e->d_name)))
            continue;
        if (strlen(names[n]) > width)
            width = strlen(names[n]);
        n++;
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof(names[0]), cmp_names);
    width += 2;
    int cols = (int)(76 / width) > 0 ? (int)(76 / width) : 1;
    int rows = (n + cols - 1) / cols;
    for (int r = 0; r < rows; r++) {
        printf("  ");
        for (int c = 0; c < cols; c++) {
            int i = c * rows + r;
            if (i >= n)
                break;
            if (c == cols - 1 || i + rows >= n)
                printf("%s", names[i]);
            else
                printf("%-*s", (int)width, names[i]);
        }
        printf("\n");
    }
    for (int i = 0; i < n; i++)
        free(names[i]);
    return 0;
}

/* Run a builtin if argv[0] names one; returns 1 and sets *status if so. */
static int run_builtin(int argc, char **argv, int *status)
{
    const char *cmd = argv[0];
    if (strcmp(cmd, "exit") == 0) {
        fflush(stdout);
        exit(argc > 1 ? atoi(argv[1]) : last_status);
    }
    if (strcmp(cmd, "cd") == 0) {
        if (argc > 1 && strcmp(argv[1], "/") != 0) {
            fprintf(stderr, "sh: cd: %s: agora has only /\n", argv[1]);
            *status = 1;
        } else {
            *status = chdir("/") < 0 ? 1 : 0;
        }
        return 1;
    }
    if (strcmp(cmd, "echo") == 0) {
        for (int i = 1; i < argc; i++)
            printf("%s%s", argv[i], i + 1 < argc ? " " : "");
        printf("\n");
        *status = 0;
        return 1;
    }
    if (strcmp(cmd, "help") == 0) {
        *status = builtin_help();
        return 1;
    }
    return 0;
}

/* Run one command line; returns its status. */
static int run_line(char *line)
{
    char *argv[MAX_ARGS];
    int argc = split(line, argv);
    if (argc <= 0)
        return argc < 0 ? 2 : last_status;
    char status_word[16];
    snprintf(status_word, sizeof(status_word), "%d", last_status);
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "$?") == 0)
            argv[i] = status_word;
    int background = 0;
    if (strcmp(argv[argc - 1], "&") == 0) {
        background = 1;
        argv[--argc] = NULL;
        if (argc == 0)
            return last_status;
    }
    int status;
    if (!background && run_builtin(argc, argv, &status))
        return status;

    char path[256];
    if (strchr(argv[0], '/'))
        snprintf(path, sizeof(path), "%s", argv[0]);
    else
        snprintf(path, sizeof(path), "/bin/%s", argv[0]);

    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        perror("sh: fork");
        return 1;
    }
    if (pid == 0) {
        setpgid(0, 0);                  /* a job is its own process group */
        signal(SIGINT, SIG_DFL);
        signal(SIGQUIT, SIG_DFL);
        if (background && run_builtin(argc, argv, &status)) {
            fflush(stdout);
            _exit(status);
        }
        execv(path, argv);
        if (errno == ENOENT)
            fprintf(stderr, "sh: %s: not found\n", argv[0]);
        else
            fprintf(stderr, "sh: %s: %s\n", argv[0], strerror(errno));
        _exit(errno == ENOENT ? 127 : 126);
    }
    setpgid(pid, pid);                  /* both sides, so neither races the other */
    if (background) {
        printf("[%d]\n", pid);
        return 0;
    }
    int tty = isatty(0);
    if (tty)
        tcsetpgrp(0, pid);              /* Ctrl-C now goes to the job */
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            perror("sh: waitpid");
            break;
        }
    }
    if (tty)
        tcsetpgrp(0, getpgrp());
    return report(status);
}

static int run_stream(FILE *in, int interactive)
{
    char line[MAX_LINE];
    for (;;) {
        if (interactive) {
            reap_background();
            printf("%s", geteuid() == 0 ? "agora# " : "agora$ ");
            fflush(stdout);
        }
        if (!fgets(line, sizeof(line), in)) {
            if (interactive)
                printf("\n");
            return last_status;
        }
        last_status = run_line(line);
    }
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "-c") == 0) {
        if (argc < 3) {
            fprintf(stderr, "sh: -c: option requires an argument\n");
            return 2;
        }
        char line[MAX_LINE];
        snprintf(line, sizeof(line), "%s", argv[2]);
        int status = run_line(line);
        /* A background job started by -c is left to init to reap. */
        return status;
    }
    if (argc >= 2) {
        FILE *f = fopen(argv[1], "r");
        if (!f) {
            fprintf(stderr, "sh: %s: %s\n", argv[1], strerror(errno));
            return 127;
        }
        int status = run_stream(f, 0);
        fclose(f);
        return status;
    }
    signal(SIGINT, SIG_IGN);
    signal(SIGQUIT, SIG_IGN);
    return run_stream(stdin, 1);
}
