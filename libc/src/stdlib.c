/*
 * stdlib.c: integer arithmetic helpers, qsort, bsearch, and the
 * pseudo-random number generator.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Absolute values (undefined for the most negative value, as in C). */
int abs(int x)              { return x < 0 ? -x : x; }
long labs(long x)           { return x < 0 ? -x : x; }
long long llabs(long long x){ return x < 0 ? -x : x; }
intmax_t imaxabs(intmax_t x){ return x < 0 ? -x : x; }

/* Quotient and remainder (truncating toward zero, as C's / and %). */
div_t div(int num, int den)
{
	div_t r = { num / den, num % den };
	return r;
}

/* div for long. */
ldiv_t ldiv(long num, long den)
{
	ldiv_t r = { num / den, num % den };
	return r;
}

/* div for long long. */
lldiv_t lldiv(long long num, long long den)
{
	lldiv_t r = { num / den, num % den };
	return r;
}

/* div for intmax_t. */
imaxdiv_t imaxdiv(intmax_t num, intmax_t den)
{
	imaxdiv_t r = { num / den, num % den };
	return r;
}

static void swap(char *a, char *b, size_t size)
{
	while (size--) {
		char t = *a;
		*a++ = *b;
		*b++ = t;
	}
}

/* Sift element i down within a max-heap of n elements. */
static void sift(char *base, size_t i, size_t n, size_t size,
		 int (*cmp)(const void *, const void *))
{
	for (;;) {
		size_t child = 2 * i + 1, big = i;

		if (child < n && cmp(base + child * size, base + big * size) > 0)
			big = child;
		if (child + 1 < n && cmp(base + (child + 1) * size, base + big * size) > 0)
			big = child + 1;
		if (big == i)
			return;
		swap(base + i * size, base + big * size, size);
		i = big;
	}
}

/*
 * Sort n elements of size bytes in ascending order of cmp. Heapsort:
 * O(n log n) in every case and no extra memory (it is not stable, which
 * qsort need not be).
 */
void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	char *b = base;

	if (n < 2 || size == 0)
		return;
	for (size_t i = n / 2; i-- > 0;)
		sift(b, i, n, size, cmp);
	for (size_t end = n - 1; end > 0; end--) {
		swap(b, b + end * size, size);
		sift(b, 0, end, size, cmp);
	}
}

/* Find key in the sorted array base[n]; NULL if absent. */
void *bsearch(const void *key, const void *base, size_t n, size_t size,
	      int (*cmp)(const void *, const void *))
{
	const char *b = base;

	while (n > 0) {
		const char *mid = b + (n / 2) * size;
		int c = cmp(key, mid);

		if (c == 0)
			return (void *)mid;
		if (c > 0) {
			b = mid + size;
			n -= n / 2 + 1;
		} else {
			n /= 2;
		}
	}
	return NULL;
}

/*
 * rand: a 64-bit linear congruential generator (Knuth's MMIX constants);
 * the result is the top 31 bits, which are the well-mixed ones. The
 * sequence starts as if srand(1) had been called.
 */
static uint64_t rand_state = 1;

static int next_rand(uint64_t *state)
{
	*state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (int)(*state >> 33);
}

/* A pseudo-random number in [0, RAND_MAX]. */
int rand(void)
{
	return next_rand(&rand_state);
}

/* Seed rand(); the same seed gives the same sequence. */
void srand(unsigned int seed)
{
	rand_state = seed;
}

/* rand with the state in *seed (32 bits of it). */
int rand_r(unsigned int *seed)
{
	uint64_t s = *seed;
	int r = next_rand(&s);

	*seed = (unsigned int)(s >> 16);
	return r;
}

/* BSD name for rand. */
long random(void)
{
	return rand();
}

/* BSD name for srand. */
void srandom(unsigned int seed)
{
	srand(seed);
}
