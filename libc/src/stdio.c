/*
 * stdio.c: buffered streams: the three standard streams, fopen/fdopen/
 * fclose, buffering (setvbuf), reading, writing, seeking, flushing.
 * The printf family is in printf.c; the FILE layout in stdio_impl.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "internal.h"
#include "stdio_impl.h"

static unsigned char stdin_buf[BUFSIZ];
static unsigned char stdout_buf[BUFSIZ];

static FILE stderr_file = {
	.fd = 2, .flags = F_WRITE | F_NOBUF, .buf = &stderr_file.one, .size = 1,
};
static FILE stdout_file = {
	.fd = 1, .flags = F_WRITE | F_LINEBUF, .buf = stdout_buf, .size = BUFSIZ,
	.next = &stderr_file,
};
static FILE stdin_file = {
	.fd = 0, .flags = F_READ, .buf = stdin_buf, .size = BUFSIZ,
	.next = &stdout_file,
};

FILE *stdin = &stdin_file;
FILE *stdout = &stdout_file;
FILE *stderr = &stderr_file;

static FILE *all_files = &stdin_file;

/* Write all n bytes to fd (retrying short writes and EINTR).
 * Returns n, or -1 with errno set. */
long __write_all(int fd, const void *buf, unsigned long n)
{
	const char *p = buf;
	unsigned long left = n;

	while (left) {
		ssize_t w = write(fd, p, left);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		left -= (unsigned long)w;
	}
	return (long)n;
}

/* Write out pending output. 0, or EOF with the error flag set. */
static int flush_out(FILE *f)
{
	size_t n = f->wpos;

	f->wpos = 0;
	if (n && __write_all(f->fd, f->buf, n) < 0) {
		f->flags |= F_ERR;
		return EOF;
	}
	return 0;
}

/* Forget read-ahead, moving the fd back so its offset matches what the
 * program has consumed (where the fd can seek). */
static void drop_input(FILE *f)
{
	if (f->rend > f->rpos)
		lseek(f->fd, -(off_t)(f->rend - f->rpos), SEEK_CUR);
	f->rpos = f->rend = 0;
}

/* Switch a stream to writing. 0, or EOF if it is not writable. */
static int to_write(FILE *f)
{
	if (!(f->flags & F_WRITE)) {
		f->flags |= F_ERR;
		errno = EBADF;
		return EOF;
	}
	if (f->rend)
		drop_input(f);
	return 0;
}

/* Flush the stream f, or every stream if f is NULL. 0, or EOF on error. */
int fflush(FILE *f)
{
	int r = 0;

	if (f == NULL) {
		for (f = all_files; f; f = f->next)
			if (f->wpos && flush_out(f) == EOF)
				r = EOF;
		return r;
	}
	if (f->wpos)
		return flush_out(f);
	if (f->rend)
		drop_input(f);
	return 0;
}

/* Flush all streams at exit (internal.h). */
void __stdio_exit(void)
{
	fflush(NULL);
}

/* Write n bytes through f's buffer, honouring its buffering mode.
 * Returns how many were accepted (n, or less with the error flag set). */
size_t __stdio_write(FILE *f, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t done = 0;

	if (n == 0 || to_write(f) == EOF)
		return 0;
	if (f->flags & F_NOBUF) {
		if (f->wpos && flush_out(f) == EOF)
			return 0;
		if (__write_all(f->fd, s, n) < 0) {
			f->flags |= F_ERR;
			return 0;
		}
		return n;
	}
	while (done < n) {
		size_t room, chunk;

		if (f->wpos == f->size && flush_out(f) == EOF)
			return done;
		/* A big write with an empty buffer goes straight to the fd. */
		if (f->wpos == 0 && n - done >= f->size) {
			if (__write_all(f->fd, s + done, n - done) < 0) {
				f->flags |= F_ERR;
				return done;
			}
			return n;
		}
		room = f->size - f->wpos;
		chunk = n - done < room ? n - done : room;
		memcpy(f->buf + f->wpos, s + done, chunk);
		f->wpos += chunk;
		done += chunk;
	}
	if ((f->flags & F_LINEBUF) && memchr(s, '\n', n) && flush_out(f) == EOF)
		return 0;
	return n;
}

/* Write n items of size bytes. Returns the number of whole items written. */
size_t fwrite(const void *restrict p, size_t size, size_t n, FILE *restrict f)
{
	size_t total;

	if (size == 0 || n == 0)
		return 0;
	if (__builtin_mul_overflow(size, n, &total)) {
		errno = EINVAL;
		f->flags |= F_ERR;
		return 0;
	}
	return __stdio_write(f, p, total) / size;
}

/* Write the byte c. Returns c as unsigned char, or EOF on error. */
int fputc(int c, FILE *f)
{
	unsigned char ch = (unsigned char)c;

	/* Fast path: room in the buffer of a buffered, writing stream. */
	if (!(f->flags & F_NOBUF) && f->rend == 0 && (f->flags & F_WRITE) &&
	    f->wpos < f->size && !(ch == '\n' && (f->flags & F_LINEBUF))) {
		f->buf[f->wpos++] = ch;
		return ch;
	}
	return __stdio_write(f, &ch, 1) == 1 ? ch : EOF;
}

/* Same as fputc. */
int putc(int c, FILE *f)
{
	return fputc(c, f);
}

/* fputc to stdout. */
int putchar(int c)
{
	return fputc(c, stdout);
}

/* Write the string s (without its NUL). Non-negative, or EOF on error. */
int fputs(const char *restrict s, FILE *restrict f)
{
	size_t n = strlen(s);

	return __stdio_write(f, s, n) == n ? 0 : EOF;
}

/* Write s and a newline to stdout. Non-negative, or EOF on error. */
int puts(const char *s)
{
	if (fputs(s, stdout) == EOF || fputc('\n', stdout) == EOF)
		return EOF;
	return 0;
}

/*
 * Refill the read buffer. Output waiting on stdout is flushed first, so
 * a prompt shows before the program blocks on input. Returns the number
 * of bytes now buffered, or 0 with the EOF or error flag set.
 */
static size_t refill(FILE *f)
{
	ssize_t n;

	if (!(f->flags & F_READ)) {
		f->flags |= F_ERR;
		errno = EBADF;
		return 0;
	}
	if (f->flags & F_EOF)
		return 0;
	if (f->wpos && flush_out(f) == EOF)
		return 0;
	if (stdout->wpos && f != stdout)
		flush_out(stdout);
	n = read(f->fd, f->buf, f->size);
	if (n <= 0) {
		f->flags |= n == 0 ? F_EOF : F_ERR;
		f->rpos = f->rend = 0;
		return 0;
	}
	f->rpos = 0;
	f->rend = (size_t)n;
	return (size_t)n;
}

/* Read one byte. Returns it as unsigned char, or EOF (end or error). */
int fgetc(FILE *f)
{
	if (f->rpos == f->rend && refill(f) == 0)
		return EOF;
	return f->buf[f->rpos++];
}

/* Same as fgetc. */
int getc(FILE *f)
{
	return fgetc(f);
}

/* fgetc from stdin. */
int getchar(void)
{
	return fgetc(stdin);
}

/* Push c back so the next read returns it; clears the EOF flag.
 * Returns c, or EOF if c is EOF or there is no room. */
int ungetc(int c, FILE *f)
{
	if (c == EOF || !(f->flags & F_READ))
		return EOF;
	if (f->wpos && flush_out(f) == EOF)
		return EOF;
	if (f->rpos == 0) {
		if (f->rend == f->size)
			return EOF;
		memmove(f->buf + 1, f->buf, f->rend);
		f->rend++;
		f->rpos = 1;
	}
	f->buf[--f->rpos] = (unsigned char)c;
	f->flags &= ~F_EOF;
	return (unsigned char)c;
}

/* Read a line (up to n - 1 bytes, newline kept) into s and NUL-terminate
 * it. Returns s, or NULL if nothing was read (end of file or error). */
char *fgets(char *restrict s, int n, FILE *restrict f)
{
	int i = 0;

	if (n <= 0)
		return NULL;
	while (i < n - 1) {
		int c = fgetc(f);
		if (c == EOF)
			break;
		s[i++] = (char)c;
		if (c == '\n')
			break;
	}
	if (i == 0 && n > 1)
		return NULL;
	s[i] = 0;
	return s;
}

/* Read up to n items of size bytes. Returns the number of whole items. */
size_t fread(void *restrict p, size_t size, size_t n, FILE *restrict f)
{
	unsigned char *d = p;
	size_t total, done = 0;

	if (size == 0 || n == 0)
		return 0;
	if (__builtin_mul_overflow(size, n, &total)) {
		errno = EINVAL;
		f->flags |= F_ERR;
		return 0;
	}
	while (done < total) {
		size_t avail = f->rend - f->rpos;

		if (avail) {
			size_t chunk = total - done < avail ? total - done : avail;
			memcpy(d + done, f->buf + f->rpos, chunk);
			f->rpos += chunk;
			done += chunk;
			continue;
		}
		/* Large reads skip the buffer. */
		if (total - done >= f->size && (f->flags & F_READ) &&
		    !(f->flags & (F_EOF | F_ERR))) {
			ssize_t r;
			if (f->wpos && flush_out(f) == EOF)
				break;
			if (stdout->wpos && f != stdout)
				flush_out(stdout);
			r = read(f->fd, d + done, total - done);
			if (r <= 0) {
				f->flags |= r == 0 ? F_EOF : F_ERR;
				break;
			}
			done += (size_t)r;
			continue;
		}
		if (refill(f) == 0)
			break;
	}
	return done / size;
}

/*
 * Read up to and including delim into *line (grown with realloc as
 * needed; *cap is its size) and NUL-terminate it. Returns the length, or
 * -1 at end of file or on error.
 */
ssize_t getdelim(char **restrict line, size_t *restrict cap, int delim, FILE *restrict f)
{
	size_t len = 0;
	int c;

	if (line == NULL || cap == NULL) {
		errno = EINVAL;
		return -1;
	}
	for (;;) {
		if (*line == NULL || len + 1 >= *cap) {
			size_t ncap = *cap < 64 ? 128 : *cap * 2;
			char *p = realloc(*line, ncap);
			if (p == NULL) {
				f->flags |= F_ERR;
				return -1;
			}
			*line = p;
			*cap = ncap;
		}
		c = fgetc(f);
		if (c == EOF)
			break;
		(*line)[len++] = (char)c;
		if (c == delim)
			break;
	}
	(*line)[len] = 0;
	return len ? (ssize_t)len : -1;
}

/* getdelim with '\n'. */
ssize_t getline(char **restrict line, size_t *restrict cap, FILE *restrict f)
{
	return getdelim(line, cap, '\n', f);
}

/* Parse an fopen mode ("r", "w+", "ab", "re", ...) into open flags and
 * stream flags. Returns -1 (EINVAL) for an invalid mode. */
static int parse_mode(const char *mode, int *oflags, int *fflags)
{
	switch (*mode) {
	case 'r': *oflags = O_RDONLY; *fflags = F_READ; break;
	case 'w': *oflags = O_WRONLY | O_CREAT | O_TRUNC; *fflags = F_WRITE; break;
	case 'a': *oflags = O_WRONLY | O_CREAT | O_APPEND; *fflags = F_WRITE; break;
	default:
		errno = EINVAL;
		return -1;
	}
	for (mode++; *mode; mode++) {
		if (*mode == '+') {
			*oflags = (*oflags & ~O_ACCMODE) | O_RDWR;
			*fflags = F_READ | F_WRITE;
		} else if (*mode == 'e') {
			*oflags |= O_CLOEXEC;
		} else if (*mode == 'x') {
			*oflags |= O_EXCL;
		}
	}
	return 0;
}

/* Wrap fd in a new FILE with stream flags fflags. NULL on ENOMEM. */
static FILE *new_file(int fd, int fflags)
{
	FILE *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return NULL;
	f->fd = fd;
	f->flags = fflags | F_FREE;
	f->buf = malloc(BUFSIZ);
	if (f->buf) {
		f->size = BUFSIZ;
		f->flags |= F_FREEBUF;
	} else {
		f->buf = &f->one;
		f->size = 1;
		f->flags |= F_NOBUF;
	}
	f->next = all_files;
	all_files = f;
	return f;
}

/* Open path with an fopen mode. Returns the stream, or NULL with errno. */
FILE *fopen(const char *restrict path, const char *restrict mode)
{
	int oflags, fflags, fd;
	FILE *f;

	if (parse_mode(mode, &oflags, &fflags) < 0)
		return NULL;
	fd = open(path, oflags, 0666);
	if (fd < 0)
		return NULL;
	f = new_file(fd, fflags);
	if (f == NULL)
		close(fd);
	return f;
}

/* A stream on an already open fd. Returns NULL with errno on failure. */
FILE *fdopen(int fd, const char *mode)
{
	int oflags, fflags;

	if (parse_mode(mode, &oflags, &fflags) < 0)
		return NULL;
	if (fcntl(fd, F_GETFD) < 0)
		return NULL;
	return new_file(fd, fflags);
}

/* Reopen stream f on path (path NULL is not supported: EINVAL). */
FILE *freopen(const char *restrict path, const char *restrict mode, FILE *restrict f)
{
	int oflags, fflags, fd;

	fflush(f);
	if (path == NULL || parse_mode(mode, &oflags, &fflags) < 0) {
		errno = EINVAL;
		return NULL;
	}
	close(f->fd);
	fd = open(path, oflags, 0666);
	if (fd < 0)
		return NULL;
	/* Put the new file on the old descriptor number where possible. */
	if (fd != f->fd && dup2(fd, f->fd) >= 0) {
		close(fd);
		fd = f->fd;
	}
	f->fd = fd;
	f->flags = (f->flags & (F_LINEBUF | F_NOBUF | F_FREEBUF | F_FREE)) | fflags;
	f->rpos = f->rend = f->wpos = 0;
	return f;
}

/* Flush and close f; the FILE is invalid afterwards. 0, or EOF on error. */
int fclose(FILE *f)
{
	int r = fflush(f);
	FILE **pp;

	if (close(f->fd) < 0)
		r = EOF;
	for (pp = &all_files; *pp; pp = &(*pp)->next) {
		if (*pp == f) {
			*pp = f->next;
			break;
		}
	}
	if (f->flags & F_FREEBUF)
		free(f->buf);
	if (f->flags & F_FREE)
		free(f);
	else
		f->flags = 0;   /* a standard stream: leave the object, closed */
	return r;
}

/* The descriptor under f. */
int fileno(FILE *f)
{
	return f->fd;
}

/* Choose buffering (_IOFBF, _IOLBF, _IONBF) and optionally the buffer.
 * Call before any I/O on f. Returns 0, or -1 for a bad mode. */
int setvbuf(FILE *restrict f, char *restrict buf, int mode, size_t size)
{
	if (mode != _IOFBF && mode != _IOLBF && mode != _IONBF) {
		errno = EINVAL;
		return -1;
	}
	fflush(f);
	f->flags &= ~(F_LINEBUF | F_NOBUF);
	if (mode == _IONBF) {
		if (f->flags & F_FREEBUF)
			free(f->buf);
		f->flags &= ~F_FREEBUF;
		f->flags |= F_NOBUF;
		f->buf = &f->one;
		f->size = 1;
		return 0;
	}
	if (mode == _IOLBF)
		f->flags |= F_LINEBUF;
	if (buf && size) {
		if (f->flags & F_FREEBUF)
			free(f->buf);
		f->flags &= ~F_FREEBUF;
		f->buf = (unsigned char *)buf;
		f->size = size;
	} else if (f->size <= 1) {
		unsigned char *b = malloc(BUFSIZ);
		if (b) {
			f->buf = b;
			f->size = BUFSIZ;
			f->flags |= F_FREEBUF;
		} else {
			f->flags |= F_NOBUF;
		}
	}
	return 0;
}

/* setvbuf(f, buf, buf ? _IOFBF : _IONBF, BUFSIZ). */
void setbuf(FILE *restrict f, char *restrict buf)
{
	setvbuf(f, buf, buf ? _IOFBF : _IONBF, BUFSIZ);
}

/* Make f line buffered. */
void setlinebuf(FILE *f)
{
	setvbuf(f, NULL, _IOLBF, 0);
}

/* Move the position of f (flushing output, dropping read-ahead and the
 * EOF flag). 0, or -1 with errno. */
int fseek(FILE *f, long off, int whence)
{
	if (f->wpos && flush_out(f) == EOF)
		return -1;
	if (whence == SEEK_CUR)
		off -= (long)(f->rend - f->rpos);
	if (lseek(f->fd, off, whence) < 0)
		return -1;
	f->rpos = f->rend = 0;
	f->flags &= ~F_EOF;
	return 0;
}

/* The current position of f as the program sees it, or -1 with errno. */
long ftell(FILE *f)
{
	off_t pos = lseek(f->fd, 0, SEEK_CUR);

	if (pos < 0)
		return -1;
	return pos - (long)(f->rend - f->rpos) + (long)f->wpos;
}

/* fseek to the start and clear the error flag. */
void rewind(FILE *f)
{
	fseek(f, 0, SEEK_SET);
	f->flags &= ~F_ERR;
}

/* ftell into *pos. */
int fgetpos(FILE *restrict f, fpos_t *restrict pos)
{
	long p = ftell(f);

	if (p < 0)
		return -1;
	*pos = p;
	return 0;
}

/* fseek to a position from fgetpos. */
int fsetpos(FILE *f, const fpos_t *pos)
{
	return fseek(f, *pos, SEEK_SET);
}

/* Non-zero if the end-of-file indicator of f is set. */
int feof(FILE *f)
{
	return (f->flags & F_EOF) != 0;
}

/* Non-zero if the error indicator of f is set. */
int ferror(FILE *f)
{
	return (f->flags & F_ERR) != 0;
}

/* Clear the end-of-file and error indicators. */
void clearerr(FILE *f)
{
	f->flags &= ~(F_EOF | F_ERR);
}

/* Print "s: strerror(errno)\n" (or just the message) on stderr. */
void perror(const char *s)
{
	int e = errno;

	/* One fprintf, so the line reaches the fd in a single write. */
	if (s && *s)
		fprintf(stderr, "%s: %s\n", s, strerror(e));
	else
		fprintf(stderr, "%s\n", strerror(e));
	errno = e;
}

/* Remove a file (unlink) or, failing that with EISDIR, an empty directory. */
int remove(const char *path)
{
	if (unlink(path) == 0)
		return 0;
	if (errno == EISDIR)
		return rmdir(path);
	return -1;
}
