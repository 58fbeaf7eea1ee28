/*
 * dirent.c: directory streams. A DIR holds the descriptor and a buffer
 * of linux_dirent64 records from getdents64 (220); readdir hands them out
 * one at a time as struct dirent.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <agora/syscall.h>

#define DIRBUF 2048

struct __agora_dir {
	int fd;
	size_t pos, len;        /* unread records are buf[pos..len) */
	struct dirent ent;
	char buf[DIRBUF] __attribute__((aligned(8)));
};

/* A stream for the directory open on fd (which it then owns). */
DIR *fdopendir(int fd)
{
	DIR *d = malloc(sizeof(*d));

	if (d == NULL)
		return NULL;
	d->fd = fd;
	d->pos = d->len = 0;
	return d;
}

/* Open the directory at path. NULL with errno on failure. */
DIR *opendir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d;

	if (fd < 0)
		return NULL;
	d = fdopendir(fd);
	if (d == NULL)
		close(fd);
	return d;
}

/* The next entry, or NULL at the end (errno unchanged) or on error
 * (errno set). The entry is overwritten by the next call. */
struct dirent *readdir(DIR *d)
{
	const struct linux_dirent64 *k;
	size_t n;

	if (d->pos >= d->len) {
		long r = __syscall3(__NR_getdents64, d->fd, d->buf, sizeof(d->buf));
		if (r <= 0) {
			if (r < 0)
				__syscall_ret(r);
			return NULL;
		}
		d->pos = 0;
		d->len = (size_t)r;
	}
	k = (const struct linux_dirent64 *)(d->buf + d->pos);
	d->pos += k->d_reclen;
	d->ent.d_ino = k->d_ino;
	d->ent.d_off = (off_t)k->d_off;
	d->ent.d_reclen = sizeof(d->ent);
	d->ent.d_type = k->d_type;
	n = strnlen(k->d_name, sizeof(d->ent.d_name) - 1);
	memcpy(d->ent.d_name, k->d_name, n);
	d->ent.d_name[n] = 0;
	return &d->ent;
}

/* Start again from the first entry. */
void rewinddir(DIR *d)
{
	lseek(d->fd, 0, SEEK_SET);
	d->pos = d->len = 0;
}

/* The descriptor under d. */
int dirfd(DIR *d)
{
	return d->fd;
}

/* Close the stream and its descriptor. */
int closedir(DIR *d)
{
	int r = close(d->fd);

	free(d);
	return r;
}
