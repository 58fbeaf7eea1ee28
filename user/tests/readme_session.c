/*
 * readme_session: the shell session printed in README.md works as
 * written. The Makefile copies the session (the ```console block after
 * "## The shell") into the image as /etc/readme-session.txt: lines
 * "agora:DIR# COMMAND" are typed commands, the lines after one, up to the
 * next prompt, its output. This test feeds every command to one busybox
 * sh (so `cd` carries over, as at the prompt) and checks, command by
 * command, that the working directory matches the prompt's DIR and that
 * the output is exactly the lines the README shows.
 */
#include <agora_test.h>
#include <fcntl.h>
#include <sys/wait.h>

#define SESSION "/etc/readme-session.txt"
#define PROMPT "agora:"
#define MARK "@@readme@@"
#define MAXCMDS 64

struct step {
    char dir[64];
    char cmd[256];
    char want[1024];
};

static struct step steps[MAXCMDS];
static int nsteps;

static char text[16384], out[32768];

/* Split the session into steps. 0, or -1 if it is malformed. */
static int parse(char *s)
{
    char *line = s;
    while (line && *line) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        if (strncmp(line, PROMPT, strlen(PROMPT)) == 0) {
            char *hash = strstr(line, "# ");
            if (!hash || nsteps == MAXCMDS)
                return -1;
            struct step *st = &steps[nsteps++];
            *hash = '\0';
            snprintf(st->dir, sizeof(st->dir), "%s", line + strlen(PROMPT));
            snprintf(st->cmd, sizeof(st->cmd), "%s", hash + 2);
        } else if (nsteps > 0) {
            struct step *st = &steps[nsteps - 1];
            size_t n = strlen(st->want);
            snprintf(st->want + n, sizeof(st->want) - n, "%s\n", line);
        }
        line = nl ? nl + 1 : NULL;
    }
    return nsteps > 0 ? 0 : -1;
}

int main(void)
{
    t_begin("readme_session");
    int fd = open(SESSION, O_RDONLY);
    T_OK(fd >= 0, "the session is in the image");
    if (fd < 0)
        return t_end();
    ssize_t n = read(fd, text, sizeof(text) - 1);
    close(fd);
    text[n > 0 ? n : 0] = '\0';
    T_EQ(parse(text), 0, "the session parses");

    /* The script: before each command its marker and the working
     * directory, as the prompt shows it (the session never visits HOME,
     * /root, which the prompt would show as "~"). */
    static char script[16384];
    size_t len = 0;
    for (int i = 0; i < nsteps; i++)
        len += (size_t)snprintf(script + len, sizeof(script) - len,
                                "echo \"" MARK " $(pwd)\"\n%s\n", steps[i].cmd);
    len += (size_t)snprintf(script + len, sizeof(script) - len, "echo \"" MARK " end\"\n");

    int in[2], outp[2];
    pipe(in);
    pipe(outp);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(outp[1], 1);
        dup2(outp[1], 2);
        close(in[1]);
        close(outp[0]);
        chdir("/");
        /* As init starts the shell (user/init.c), with its environment. */
        char *argv[] = { "sh", NULL };
        char *envp[] = { "PATH=/usr/bin:/bin", "HOME=/root", "TERM=vt100", NULL };
        execve("/bin/busybox", argv, envp);
        _exit(127);
    }
    close(in[0]);
    close(outp[1]);
    /* The whole script fits in the pipe, so this write cannot wait for a
     * shell that waits for us to read its output. */
    T_OK(len < 4096, "the session fits in a pipe");
    write(in[1], script, len);
    close(in[1]);
    size_t got = 0;
    while (got < sizeof(out) - 1 && (n = read(outp[0], out + got, sizeof(out) - 1 - got)) > 0)
        got += (size_t)n;
    out[got] = '\0';
    close(outp[0]);
    int st;
    waitpid(pid, &st, 0);
    T_OK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the shell ran the whole session");

    /* Walk the output: each marker line gives the directory, then the
     * command's output up to the next marker. */
    char *p = out;
    for (int i = 0; i < nsteps; i++) {
        char *m = strstr(p, MARK " ");
        char what[320];
        if (!m) {
            snprintf(what, sizeof(what), "step %d (%s) ran", i + 1, steps[i].cmd);
            t_check(0, what, "no marker in the output");
            break;
        }
        char *eol = strchr(m, '\n');
        if (!eol)
            break;
        *eol = '\0';
        const char *dir = m + strlen(MARK) + 1;
        snprintf(what, sizeof(what), "\"%s\" runs in %s", steps[i].cmd, steps[i].dir);
        t_check(strcmp(dir, steps[i].dir) == 0, what, dir);
        char *body = eol + 1;
        char *next = strstr(body, MARK " ");
        char saved = next ? *next : '\0';
        if (next)
            *next = '\0';
        snprintf(what, sizeof(what), "\"%s\" prints what the README shows", steps[i].cmd);
        if (!t_check(strcmp(body, steps[i].want) == 0, what, "output differs (below)"))
            printf("# README:\n%s# agora:\n%s", steps[i].want, body);
        if (next)
            *next = saved;
        p = next ? next : body + strlen(body);
    }
    return t_end();
}
