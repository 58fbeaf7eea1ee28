/*
 * stdio_impl.h: the FILE structure, shared by libc's stdio sources.
 *
 * A stream is either reading or writing at any moment. When reading,
 * buf[rpos..rend) holds bytes read from the fd but not yet consumed;
 * when writing, buf[0..wpos) holds bytes not yet written. An unbuffered
 * stream still has a one-byte buffer (for reading and ungetc).
 */
#ifndef AGORA_STDIO_IMPL_H
#define AGORA_STDIO_IMPL_H

#include <stdio.h>

#define F_READ    0x01          /* opened for reading */
#define F_WRITE   0x02          /* opened for writing */
#define F_EOF     0x04          /* end-of-file indicator */
#define F_ERR     0x08          /* error indicator */
#define F_LINEBUF 0x10          /* flush output at each newline */
#define F_NOBUF   0x20          /* unbuffered */
#define F_FREEBUF 0x40          /* buf came from malloc */
#define F_FREE    0x80          /* the FILE itself came from malloc */

struct __agora_file {
	int fd;
	int flags;
	unsigned char *buf;
	size_t size;
	size_t rpos, rend;
	size_t wpos;
	unsigned char one;      /* the buffer of an unbuffered stream */
	struct __agora_file *next;      /* all open streams, for fflush(NULL) */
};

/* Write n bytes through f's buffer; returns how many were accepted. */
size_t __stdio_write(FILE *f, const void *p, size_t n);

#endif
