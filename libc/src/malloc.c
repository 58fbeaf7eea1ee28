/*
 * malloc.c: the heap allocator (malloc, calloc, realloc, free,
 * posix_memalign, aligned_alloc) over sbrk.
 *
 * Every block starts with an 8-byte header: its size in 8-byte units
 * (header included) and a link. Free blocks sit on one list sorted by
 * address, so free() can merge a block with both neighbours; allocation
 * takes the first block that is big enough and splits off the tail. A
 * block in use has MAGIC in its link, which lets free() catch bad or
 * double frees. Payloads are 8-byte aligned. Memory is never given back
 * to the kernel; it is all released at exit.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "internal.h"

struct header {
	struct header *next;    /* next free block (by address), or MAGIC */
	size_t units;           /* block size in units, header included */
};

#define UNIT        sizeof(struct header)
#define MAGIC       ((struct header *)0xA110C8EDu)
#define GROW_UNITS  (16384 / UNIT)      /* ask sbrk for at least 16 KiB */
/* Largest request we attempt: sbrk takes a signed increment. */
#define MAX_REQUEST ((size_t)PTRDIFF_MAX - 2 * GROW_UNITS * UNIT)

_Static_assert(sizeof(struct header) == 8 || sizeof(struct header) == 16, "header");

static struct header *free_list;        /* lowest free block, or NULL */

static __attribute__((noreturn)) void heap_panic(const char *what)
{
	static const char msg[] = "malloc: ";
	__write_all(2, msg, sizeof(msg) - 1);
	__write_all(2, what, strlen(what));
	__write_all(2, "\n", 1);
	abort();
}

/* Put block b on the free list, merging it with adjacent free blocks. */
static void insert_free(struct header *b)
{
	struct header *prev = NULL, *next = free_list;

	while (next && next < b) {
		prev = next;
		next = next->next;
	}
	if (next && b + b->units == next) {
		b->units += next->units;
		b->next = next->next;
	} else {
		b->next = next;
	}
	if (prev && prev + prev->units == b) {
		prev->units += b->units;
		prev->next = b->next;
	} else if (prev) {
		prev->next = b;
	} else {
		free_list = b;
	}
}

/* Get at least nunits more from the kernel onto the free list. */
static int grow(size_t nunits)
{
	uintptr_t brk_now = (uintptr_t)sbrk(0);
	size_t pad = (UNIT - brk_now % UNIT) % UNIT;
	struct header *b;
	char *p;

	if (nunits < GROW_UNITS)
		nunits = GROW_UNITS;
	p = sbrk((intptr_t)(nunits * UNIT + pad));
	if (p == (void *)-1)
		return -1;              /* errno is ENOMEM */
	b = (struct header *)(p + pad);
	b->units = nunits;
	insert_free(b);
	return 0;
}

/* Units needed for a payload of size bytes, or 0 if it is too large. */
static size_t units_for(size_t size)
{
	if (size > MAX_REQUEST)
		return 0;
	if (size == 0)
		size = 1;               /* malloc(0): a unique, usable pointer */
	return (size + UNIT - 1) / UNIT + 1;
}

/* First fit: take nunits from the first free block that is large enough. */
static void *alloc_units(size_t nunits)
{
	for (;;) {
		struct header *prev = NULL, *b;

		for (b = free_list; b; prev = b, b = b->next) {
			if (b->units < nunits)
				continue;
			if (b->units == nunits) {
				if (prev)
					prev->next = b->next;
				else
					free_list = b->next;
			} else {
				/* Hand out the tail; the head stays on the list. */
				b->units -= nunits;
				b += b->units;
				b->units = nunits;
			}
			b->next = MAGIC;
			return b + 1;
		}
		if (grow(nunits) < 0)
			return NULL;
	}
}

static struct header *header_of(void *p)
{
	struct header *b = (struct header *)p - 1;

	if (b->next != MAGIC)
		heap_panic("free(): invalid pointer or double free");
	return b;
}

/* Allocate size bytes (8-byte aligned). NULL with errno ENOMEM on failure. */
void *malloc(size_t size)
{
	size_t n = units_for(size);

	if (n == 0) {
		errno = ENOMEM;
		return NULL;
	}
	return alloc_units(n);
}

/* Release a block from malloc/calloc/realloc. free(NULL) does nothing. */
void free(void *p)
{
	if (p)
		insert_free(header_of(p));
}

/* Allocate n * size zeroed bytes; NULL (ENOMEM) if that overflows. */
void *calloc(size_t n, size_t size)
{
	size_t total, units;
	void *p;

	if (__builtin_mul_overflow(n, size, &total) || (units = units_for(total)) == 0) {
		errno = ENOMEM;
		return NULL;
	}
	p = alloc_units(units);
	if (p)
		memset(p, 0, total);
	return p;
}

/*
 * Resize the block at p to size bytes, keeping its contents. Grows in
 * place when the next block is free and large enough, else moves. NULL p
 * acts as malloc; size 0 frees p and returns NULL (as glibc). On failure
 * returns NULL and leaves p untouched.
 */
void *realloc(void *p, size_t size)
{
	struct header *b, *prev = NULL, *f;
	size_t n = units_for(size);
	void *q;

	if (p == NULL)
		return malloc(size);
	if (size == 0) {
		free(p);
		return NULL;
	}
	if (n == 0) {
		errno = ENOMEM;
		return NULL;
	}
	b = header_of(p);
	if (n <= b->units)
		return p;
	/* Is the block right after b free and big enough to absorb? */
	for (f = free_list; f && f < b + b->units; prev = f, f = f->next)
		;
	if (f == b + b->units && b->units + f->units >= n) {
		size_t need = n - b->units;
		if (f->units == need) {
			if (prev)
				prev->next = f->next;
			else
				free_list = f->next;
		} else {
			struct header *rest = f + need;
			rest->units = f->units - need;
			rest->next = f->next;
			if (prev)
				prev->next = rest;
			else
				free_list = rest;
		}
		b->units = n;
		return p;
	}
	q = alloc_units(n);
	if (q == NULL)
		return NULL;
	memcpy(q, p, (b->units - 1) * UNIT);
	free(p);
	return q;
}

/* realloc for an array of n elements of size bytes, checking overflow. */
void *reallocarray(void *p, size_t n, size_t size)
{
	size_t total;

	if (__builtin_mul_overflow(n, size, &total)) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(p, total);
}

/*
 * Allocate size bytes aligned to align (a power of two, multiple of
 * sizeof(void *)). Returns 0 and sets *out, or EINVAL / ENOMEM.
 */
int posix_memalign(void **out, size_t align, size_t size)
{
	struct header *b, *a;
	uintptr_t p, target;
	size_t lead;

	if (align < sizeof(void *) || (align & (align - 1)))
		return EINVAL;
	if (align <= UNIT) {
		void *m = malloc(size);
		if (m == NULL)
			return ENOMEM;
		*out = m;
		return 0;
	}
	if (size > MAX_REQUEST - align || units_for(size + align) == 0)
		return ENOMEM;
	p = (uintptr_t)alloc_units(units_for(size + align));
	if (p == 0)
		return ENOMEM;
	target = (p + align - 1) & ~(uintptr_t)(align - 1);
	if (target != p) {
		/* Split off the unaligned head as a block of its own and free it. */
		b = (struct header *)p - 1;
		lead = (target - p) / UNIT;
		a = b + lead;
		a->units = b->units - lead;
		a->next = MAGIC;
		b->units = lead;
		insert_free(b);
	}
	*out = (void *)target;
	return 0;
}

/* C11 aligned allocation; NULL with errno on failure. */
void *aligned_alloc(size_t align, size_t size)
{
	void *p = NULL;
	int err;

	if (align < sizeof(void *))
		align = sizeof(void *);
	err = posix_memalign(&p, align, size);
	if (err) {
		errno = err;
		return NULL;
	}
	return p;
}
