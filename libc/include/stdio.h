/*
 * stdio.h: buffered streams over file descriptors. stdout is line
 * buffered, stderr unbuffered, other streams fully buffered (BUFSIZ).
 * The printf family formats with the shared engine (<agora/format.h>).
 * FILE is opaque; its layout is in libc/src/stdio_impl.h.
 */
#ifndef _STDIO_H
#define _STDIO_H

#include <stdarg.h>
#define __need_size_t
#define __need_NULL
#include <stddef.h>
#include <agora/types.h>

typedef struct __agora_file FILE;
typedef long fpos_t;

#define BUFSIZ       1024
#define EOF          (-1)
#define FOPEN_MAX    16
#define FILENAME_MAX 4096
#define L_tmpnam     20
#define TMP_MAX      238328

#define _IOFBF 0
#define _IOLBF 1
#define _IONBF 2

#ifndef SEEK_SET
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#endif

extern FILE *stdin;
extern FILE *stdout;
extern FILE *stderr;
#define stdin  stdin
#define stdout stdout
#define stderr stderr

#define __printf_like(f, a) __attribute__((format(printf, f, a)))

int printf(const char *restrict fmt, ...) __printf_like(1, 2);
int fprintf(FILE *restrict f, const char *restrict fmt, ...) __printf_like(2, 3);
int sprintf(char *restrict buf, const char *restrict fmt, ...) __printf_like(2, 3);
int snprintf(char *restrict buf, size_t n, const char *restrict fmt, ...) __printf_like(3, 4);
int dprintf(int fd, const char *restrict fmt, ...) __printf_like(2, 3);
int asprintf(char **restrict out, const char *restrict fmt, ...) __printf_like(2, 3);
int vprintf(const char *restrict fmt, va_list ap) __printf_like(1, 0);
int vfprintf(FILE *restrict f, const char *restrict fmt, va_list ap) __printf_like(2, 0);
int vsprintf(char *restrict buf, const char *restrict fmt, va_list ap) __printf_like(2, 0);
int vsnprintf(char *restrict buf, size_t n, const char *restrict fmt, va_list ap) __printf_like(3, 0);
int vdprintf(int fd, const char *restrict fmt, va_list ap) __printf_like(2, 0);
int vasprintf(char **restrict out, const char *restrict fmt, va_list ap) __printf_like(2, 0);

FILE *fopen(const char *restrict path, const char *restrict mode);
FILE *fdopen(int fd, const char *mode);
FILE *freopen(const char *restrict path, const char *restrict mode, FILE *restrict f);
int fclose(FILE *f);
int fflush(FILE *f);
int fileno(FILE *f);
int setvbuf(FILE *restrict f, char *restrict buf, int mode, size_t size);
void setbuf(FILE *restrict f, char *restrict buf);
void setlinebuf(FILE *f);

int fputc(int c, FILE *f);
int putc(int c, FILE *f);
int putchar(int c);
int fputs(const char *restrict s, FILE *restrict f);
int puts(const char *s);
size_t fwrite(const void *restrict p, size_t size, size_t n, FILE *restrict f);

int fgetc(FILE *f);
int getc(FILE *f);
int getchar(void);
int ungetc(int c, FILE *f);
char *fgets(char *restrict s, int n, FILE *restrict f);
size_t fread(void *restrict p, size_t size, size_t n, FILE *restrict f);
ssize_t getline(char **restrict line, size_t *restrict cap, FILE *restrict f);
ssize_t getdelim(char **restrict line, size_t *restrict cap, int delim, FILE *restrict f);

int fseek(FILE *f, long off, int whence);
long ftell(FILE *f);
void rewind(FILE *f);
int fgetpos(FILE *restrict f, fpos_t *restrict pos);
int fsetpos(FILE *f, const fpos_t *pos);

int feof(FILE *f);
int ferror(FILE *f);
void clearerr(FILE *f);
void perror(const char *s);

int remove(const char *path);
int rename(const char *from, const char *to);

#undef __printf_like

#endif
