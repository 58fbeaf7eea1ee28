/*
 * uapi/auxvec.h: the keys of the ELF auxiliary vector, the (key, value)
 * pairs that execve puts above envp on the new stack (Linux values).
 */
#ifndef AGORA_UAPI_AUXVEC_H
#define AGORA_UAPI_AUXVEC_H

#define AT_NULL    0    /* ends the vector */
#define AT_PHDR    3    /* address of the program headers */
#define AT_PHENT   4    /* size of one program header */
#define AT_PHNUM   5    /* number of program headers */
#define AT_PAGESZ  6    /* page size */
#define AT_ENTRY   9    /* the program's entry point */
#define AT_UID     11
#define AT_EUID    12
#define AT_GID     13
#define AT_EGID    14
#define AT_SECURE  23   /* nonzero: run with privileges it was not started with */
#define AT_RANDOM  25   /* address of 16 random bytes */

#endif
