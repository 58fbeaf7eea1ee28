/*
 * exec_script: "#!" scripts as Linux's binfmt_script runs them. The
 * interpreter (this program itself, in helper mode) gets the arguments
 * interpreter, [one optional argument: the rest of the line, trimmed],
 * script path, argv[1]...; an empty interpreter is ENOEXEC, a missing one
 * ENOENT, a script without x permission EACCES, and a chain of more than
 * 5 scripts ELOOP.
 */
#include <agora_test.h>
#include <fcntl.h>
#include <sys/wait.h>

#define SELF "/tests/exec_script"

/* Helper mode: write argv (joined by '|') and the process name to fd 3. */
static int helper(int argc, char **argv)
{
    char out[512] = "";
    for (int i = 0; i < argc; i++) {
        strcat(out, argv[i]);
        strcat(out, i + 1 < argc ? "|" : "");
    }
    write(3, out, strlen(out));
    return 0;
}

static void put(const char *path, const char *text, int mode)
{
    unlink(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    write(fd, text, strlen(text));
    close(fd);
}

/* Run path with args through a child; its helper output into got, the
 * execve errno (0 if it ran) returned. */
static int run(const char *path, char *const argv[], char *got, size_t size)
{
    int p[2];
    pipe(p);
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        dup2(p[1], 3);
        char *envp[] = { "EXEC_SCRIPT_HELPER=1", NULL };
        execve(path, argv, envp);
        _exit(100 + errno);
    }
    close(p[1]);
    ssize_t n = read(p[0], got, size - 1);
    got[n > 0 ? n : 0] = '\0';
    close(p[0]);
    int st;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) && WEXITSTATUS(st) >= 100 ? WEXITSTATUS(st) - 100 : 0;
}

int main(int argc, char **argv)
{
    if (getenv("EXEC_SCRIPT_HELPER"))
        return helper(argc, argv);
    t_begin("exec_script");
    char got[512];
    char *args[] = { "name-ignored", "x", "y z", NULL };

    put("/tmp/s1", "#!" SELF "\necho not reached\n", 0755);
    T_EQ(run("/tmp/s1", args, got, sizeof(got)), 0, "#!interpreter: runs");
    T_OK(strcmp(got, SELF "|/tmp/s1|x|y z") == 0, "argv: interpreter, script path, argv[1..]");

    put("/tmp/s2", "#!  " SELF "   one  two \t\nrest\n", 0755);
    T_EQ(run("/tmp/s2", args, got, sizeof(got)), 0, "with an argument");
    T_OK(strcmp(got, SELF "|one  two|/tmp/s2|x|y z") == 0,
         "the rest of the line is one argument, blanks around it trimmed");

    char *none[] = { NULL };
    T_EQ(run("/tmp/s1", none, got, sizeof(got)), 0, "with an empty argv");
    T_OK(strcmp(got, SELF "|/tmp/s1") == 0, "argv: interpreter, script path");

    put("/tmp/s3", "#!\n", 0755);
    T_EQ(run("/tmp/s3", args, got, sizeof(got)), ENOEXEC, "#! with no interpreter: ENOEXEC");
    put("/tmp/s4", "#!/nonexistent/interp\n", 0755);
    T_EQ(run("/tmp/s4", args, got, sizeof(got)), ENOENT, "a missing interpreter: ENOENT");
    put("/tmp/s5", "#!" SELF "\n", 0644);
    T_EQ(run("/tmp/s5", args, got, sizeof(got)), EACCES, "a script without x: EACCES");

    /* A chain: c1 runs through c2 ... c5 to SELF (5 scripts: fine); c0 adds a sixth. */
    put("/tmp/c5", "#!" SELF "\n", 0755);
    for (int i = 4; i >= 0; i--) {
        char name[16], text[32];
        snprintf(name, sizeof(name), "/tmp/c%d", i);
        snprintf(text, sizeof(text), "#!/tmp/c%d\n", i + 1);
        put(name, text, 0755);
    }
    T_EQ(run("/tmp/c1", args, got, sizeof(got)), 0, "5 scripts deep: runs");
    T_OK(strncmp(got, SELF "|/tmp/c5|/tmp/c4|/tmp/c3|/tmp/c2|/tmp/c1|x", 47) == 0,
         "each level puts its script before the arguments");
    T_EQ(run("/tmp/c0", args, got, sizeof(got)), ELOOP, "6 scripts deep: ELOOP");

    for (int i = 0; i <= 5; i++) {
        char name[16];
        snprintf(name, sizeof(name), "/tmp/c%d", i);
        unlink(name);
    }
    unlink("/tmp/s1"), unlink("/tmp/s2"), unlink("/tmp/s3"), unlink("/tmp/s4"), unlink("/tmp/s5");
    return t_end();
}
