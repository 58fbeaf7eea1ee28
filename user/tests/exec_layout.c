/*
 * exec_layout: exec loads segments with page-exact protections. The
 * fixtures /testdata/elf-* are one freestanding program
 * (user/fixtures/elf_layout.c) linked in three layouts:
 *   elf-shared-page  text (r-x, 3 pages) and data (rw-) sharing one page
 *   elf-reversed     the same with the program headers in descending order
 *   elf-overlap      text and data segments overlapping by three pages
 * Run without arguments, a fixture checks its bytes, its zeroed bss, that
 * its data can be written, and the protection vmmap reports for its first,
 * a middle and the last text page and its last data page (each layout's
 * linker script says what they must be), then exits 42. Only a page that
 * two segments share gets both protections: a store into the first text
 * page must still kill the program with SIGSEGV, in a forked child too.
 */
#include <agora_test.h>
#include <signal.h>

#define OK_EXIT 42

static const char *const fixture_errors[] = {
    [1] = "text pattern wrong", [2] = "text marker wrong", [3] = "data word not loaded",
    [4] = "bss not zero", [5] = "data not writable", [6] = "a data write changed the text",
    [7] = "first text page protection", [8] = "middle text page protection",
    [9] = "last text page protection", [10] = "last data page protection",
    [11] = "fork or wait failed", [12] = "the forked child's store into the text succeeded",
    [13] = "the store into the text succeeded",
};

/* Run path with argument arg (or none); returns the wait status, or -1. */
static int run(const char *path, const char *arg)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        char *argv[] = { (char *)path, (char *)arg, NULL };
        char *envp[] = { NULL };
        execve(path, argv, envp);
        _exit(100 + errno);
    }
    int status;
    if (waitpid(pid, &status, 0) != pid)
        return -1;
    return status;
}

/* Describe a wait status for a failure message. */
static void describe(int status, char *buf, size_t n)
{
    if (status == -1)
        snprintf(buf, n, "fork or wait failed");
    else if (WIFSIGNALED(status))
        snprintf(buf, n, "killed by signal %d", WTERMSIG(status));
    else if (WEXITSTATUS(status) > 100)
        snprintf(buf, n, "execve failed: %s", strerror(WEXITSTATUS(status) - 100));
    else if (WEXITSTATUS(status) < (int)(sizeof(fixture_errors) / sizeof(fixture_errors[0])) &&
             fixture_errors[WEXITSTATUS(status)])
        snprintf(buf, n, "fixture check failed: %s", fixture_errors[WEXITSTATUS(status)]);
    else
        snprintf(buf, n, "exit %d", WEXITSTATUS(status));
}

static void expect_exit(const char *path, const char *arg, const char *what)
{
    char d[96];
    int status = run(path, arg);
    describe(status, d, sizeof(d));
    t_check(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == OK_EXIT, what, d);
}

static void expect_segv(const char *path, const char *arg, const char *what)
{
    char d[96];
    int status = run(path, arg);
    describe(status, d, sizeof(d));
    t_check(status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV, what, d);
}

int main(void)
{
    t_begin("exec_layout");
    expect_exit("/testdata/elf-shared-page", NULL,
                "text and data sharing a page: runs, only the shared page is rwx");
    expect_segv("/testdata/elf-shared-page", "write-text",
                "a store into the first text page is SIGSEGV");
    expect_exit("/testdata/elf-shared-page", "fork-write-text",
                "in a forked child too (the child's text stays read-only)");
    expect_exit("/testdata/elf-reversed", NULL,
                "program headers in descending address order are loaded (as Linux does)");
    expect_segv("/testdata/elf-reversed", "write-text",
                "and their text is read-only");
    expect_exit("/testdata/elf-overlap", NULL,
                "overlapping segments are loaded, the later one's bytes win (as Linux does)");
    expect_segv("/testdata/elf-overlap", "write-text",
                "and the text page outside the overlap is read-only");
    return t_end();
}
