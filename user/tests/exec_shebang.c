/*
 * exec_shebang: execve of a "#!" script, as Linux's binfmt_script: the
 * interpreter gets argv interpreter, [the one optional argument: the rest
 * of the line, trimmed], the script's path as given, argv[1...]; scripts
 * may name scripts, five deep, a sixth is ELOOP; "#!" without an
 * interpreter, or with one cut by the 255-byte line, is ENOEXEC (a short
 * file with no newline is fine); a CR is not a blank; a
 * missing interpreter ENOENT, a script or interpreter without x EACCES;
 * a file without "#!" and not ELF stays ENOEXEC.
 *
 * The interpreter is this program: run with ES_PRINT=1 in its environment
 * it prints its arguments as [a][b]... and exits.
 */
#include <agora_test.h>
#include <fcntl.h>
#include <sys/stat.h>

#define SELF "/tests/exec_shebang"
/* Its own directory, removed at the end: /tmp's entry table stays grown
 * after many names, and the frame check would count that. */
#define D "/tmp/exec_shebang.d"

static void put(const char *path, const char *text, int mode)
{
    unlink(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) {
        (void)write(fd, text, strlen(text));
        close(fd);
    }
    chmod(path, (mode_t)mode);
}

/* Run path with argv; the output in out, the errno of a failed execve
 * (0 if it ran) returned. */
static int run(const char *path, char *const argv[], char *out, size_t size)
{
    int p[2];
    if (pipe(p) < 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(p[1], 1);
        close(p[0]);
        close(p[1]);
        char *envp[] = { "ES_PRINT=1", NULL };
        execve(path, argv, envp);
        _exit(100 + errno);
    }
    close(p[1]);
    size_t n = 0;
    ssize_t r;
    while (n + 1 < size && (r = read(p[0], out + n, size - 1 - n)) > 0)
        n += (size_t)r;
    out[n] = '\0';
    close(p[0]);
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) && WEXITSTATUS(st) >= 100 ? WEXITSTATUS(st) - 100 : 0;
}

static void test_scripts(void)
{
    char out[1024];
    T_EQ(mkdir(D, 0755), 0, "a directory for the scripts");
    put(D "/es1", "#!" SELF " --opt x y\necho not for the shell\n", 0755);
    int e = run(D "/es1", (char *[]){ "whatever", "a", "b", NULL }, out, sizeof(out));
    T_EQ(e, 0, "a #! script runs");
    T_OK(strcmp(out, "[" SELF "][--opt x y][" D "/es1][a][b]\n") == 0,
         "argv: interpreter, one argument (the rest of the line), the path, argv[1...]");
    printf("# got %s", out);

    put(D "/es2", "#! \t" SELF " \t \n", 0755);
    e = run(D "/es2", (char *[]){ "x", "a", NULL }, out, sizeof(out));
    T_OK(e == 0 && strcmp(out, "[" SELF "][" D "/es2][a]\n") == 0,
         "blanks around the interpreter, none after it: no optional argument");
    put(D "/es2", "#!" SELF " \r\n", 0755);
    e = run(D "/es2", (char *[]){ "x", NULL }, out, sizeof(out));
    T_OK(e == 0 && strcmp(out, "[" SELF "][\r][" D "/es2]\n") == 0,
         "a CR before the newline is the argument (Linux trims blanks only)");

    put(D "/es3", "#!" SELF, 0755);
    e = run(D "/es3", (char *[]){ "x", NULL }, out, sizeof(out));
    T_OK(e == 0 && strcmp(out, "[" SELF "][" D "/es3]\n") == 0, "a file that is only the #! line");

    put(D "/es4", "#!" D "/es1\n", 0755);
    e = run(D "/es4", (char *[]){ "x", "z", NULL }, out, sizeof(out));
    T_OK(e == 0 && strcmp(out, "[" SELF "][--opt x y][" D "/es1][" D "/es4][z]\n") == 0,
         "a script whose interpreter is a script");

    /* A chain: lN names lN-1, l0 names the program. */
    put(D "/esl0", "#!" SELF "\n", 0755);
    for (int i = 1; i <= 5; i++) {
        char name[32], text[48];
        snprintf(name, sizeof(name), D "/esl%d", i);
        snprintf(text, sizeof(text), "#!" D "/esl%d\n", i - 1);
        put(name, text, 0755);
    }
    e = run(D "/esl4", (char *[]){ "x", NULL }, out, sizeof(out));
    T_EQ(e, 0, "five scripts deep: runs");
    static const char want5[] = "[" SELF "][" D "/esl0][" D "/esl1][" D "/esl2][" D "/esl3][" D "/esl4]\n";
    T_OK(strcmp(out, want5) == 0, "through all five");
    T_EQ(run(D "/esl5", (char *[]){ "x", NULL }, out, sizeof(out)), ELOOP, "six scripts deep: ELOOP");

    put(D "/es5", "#!\n", 0755);
    T_EQ(run(D "/es5", (char *[]){ "x", NULL }, out, sizeof(out)), ENOEXEC, "#! with no interpreter: ENOEXEC");
    put(D "/es6", "#!   \t  \nxx\n", 0755);
    T_EQ(run(D "/es6", (char *[]){ "x", NULL }, out, sizeof(out)), ENOEXEC, "#! and blanks only: ENOEXEC");
    put(D "/es7", "#!/no/such/interpreter\n", 0755);
    T_EQ(run(D "/es7", (char *[]){ "x", NULL }, out, sizeof(out)), ENOENT, "a missing interpreter: ENOENT");
    put(D "/es8", "#!" SELF "\n", 0644);
    T_EQ(run(D "/es8", (char *[]){ "x", NULL }, out, sizeof(out)), EACCES, "a script without x: EACCES");
    put(D "/es9-interp", "#!" SELF "\n", 0644);
    put(D "/es9", "#!" D "/es9-interp\n", 0755);
    T_EQ(run(D "/es9", (char *[]){ "x", NULL }, out, sizeof(out)), EACCES,
         "an interpreter without x: EACCES");
    put(D "/es10", "echo no #! line\n", 0755);
    T_EQ(run(D "/es10", (char *[]){ "x", NULL }, out, sizeof(out)), ENOEXEC,
         "no #! and not ELF: ENOEXEC (the shell's business)");

    /* The 256-byte buffer: an interpreter name running past it is
     * ENOEXEC; an argument running past it is cut. */
    char big[600];
    strcpy(big, "#!/");
    memset(big + 3, 'a', 400);
    strcpy(big + 403, " arg\n");
    put(D "/es11", big, 0755);
    T_EQ(run(D "/es11", (char *[]){ "x", NULL }, out, sizeof(out)), ENOEXEC,
         "an interpreter name cut by the buffer: ENOEXEC");
    snprintf(big, sizeof(big), "#!%s ", SELF);
    size_t l = strlen(big);
    memset(big + l, 'b', 400);
    strcpy(big + l + 400, "\n");
    put(D "/es12", big, 0755);
    e = run(D "/es12", (char *[]){ "x", NULL }, out, sizeof(out));
    size_t bs = strspn(out + strlen(SELF) + 3, "b");
    T_OK(e == 0 && bs == 255 - l, "an argument cut to what fits in the 255 bytes");
    for (int i = 1; i <= 12; i++) {
        char name[32];
        snprintf(name, sizeof(name), D "/es%d", i);
        unlink(name);
    }
    unlink(D "/es9-interp");
    for (int i = 0; i <= 5; i++) {
        char name[32];
        snprintf(name, sizeof(name), D "/esl%d", i);
        unlink(name);
    }
    T_EQ(rmdir(D), 0, "every script removed");
}

int main(int argc, char **argv)
{
    if (getenv("ES_PRINT")) {
        for (int i = 0; i < argc; i++)
            printf("[%s]", argv[i]);
        printf("\n");
        return 0;
    }
    t_begin("exec_shebang");
    test_scripts();
    return t_end();
}
