/* Small fast PRNG (splitmix64) for template values and weighted picks; one per thread. */
#ifndef BENCHLAB_LOAD_RNG_H
#define BENCHLAB_LOAD_RNG_H

#include <stdint.h>

static inline uint64_t rng_next(uint64_t *s) {
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Uniform integer in [a, b] (a <= b). */
static inline int64_t rng_range(uint64_t *s, int64_t a, int64_t b) {
    uint64_t span = (uint64_t)(b - a) + 1;
    if (span == 0) /* full 64-bit range */
        return (int64_t)rng_next(s);
    return a + (int64_t)(rng_next(s) % span);
}

/* Uniform double in [0, 1). */
static inline double rng_unit(uint64_t *s) {
    return (double)(rng_next(s) >> 11) * (1.0 / 9007199254740992.0);
}

#endif
