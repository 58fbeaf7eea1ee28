/*
 * echo: print the arguments separated by blanks, then a newline
 * (-n: no newline). The shell has an echo builtin too; this one is for
 * sh -c, exec tests and "echo ... &".
 */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    int i = 1, newline = 1;
    if (argc > 1 && strcmp(argv[1], "-n") == 0) {
        newline = 0;
        i = 2;
    }
    for (int first = i; i < argc; i++)
        printf("%s%s", i > first ? " " : "", argv[i]);
    if (newline)
        printf("\n");
    return 0;
}
