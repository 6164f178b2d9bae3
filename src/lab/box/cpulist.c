/* CPU lists ("0-2,5") as cgroups and taskset write them, and pinning to one.
 * The parser allocates nothing so box_pin_self can run between fork and exec.
 * Pinning is sched_setaffinity, so Linux only: macOS has no way to bind a
 * process to CPUs (there, boxes and pinning live in the docker backend's VM). */
#include <errno.h>
#include <sched.h>
#include <stddef.h>

#include "lab/box/box.h"

#define MAX_CPUS 1024 /* glibc's CPU_SETSIZE: the most a list may name */
#define WORD_BITS (8 * sizeof(unsigned long))

typedef struct {
    unsigned long w[MAX_CPUS / (8 * sizeof(unsigned long))];
} cpu_bits_t;

/* Parses list into set (when not NULL) and counts its CPUs; -1 when malformed. */
static int walk(const char *list, cpu_bits_t *set, int *count) {
    const char *p = list;
    if (!p || !*p)
        return -1;
    *count = 0;
    for (;;) {
        if (*p < '0' || *p > '9')
            return -1;
        long a = 0;
        while (*p >= '0' && *p <= '9')
            if ((a = a * 10 + (*p++ - '0')) >= MAX_CPUS)
                return -1;
        long b = a;
        if (*p == '-') {
            p++;
            if (*p < '0' || *p > '9')
                return -1;
            b = 0;
            while (*p >= '0' && *p <= '9')
                if ((b = b * 10 + (*p++ - '0')) >= MAX_CPUS)
                    return -1;
            if (b < a)
                return -1;
        }
        for (long c = a; c <= b; c++) {
            if (set)
                set->w[c / WORD_BITS] |= 1UL << (c % WORD_BITS);
            (*count)++;
        }
        if (*p == '\0')
            return 0;
        if (*p++ != ',')
            return -1;
    }
}

static int has(const cpu_bits_t *set, int c) {
    return (set->w[c / WORD_BITS] >> (c % WORD_BITS)) & 1;
}

int box_cpulist_count(const char *list) {
    int n;
    return walk(list, NULL, &n) == 0 ? n : -1;
}

int box_cpulist_valid(const char *list, int ncpu) {
    cpu_bits_t set = {{0}};
    int n;
    if (walk(list, &set, &n) != 0)
        return 0;
    for (int c = ncpu < 0 ? 0 : ncpu; c < MAX_CPUS; c++)
        if (has(&set, c))
            return 0;
    return 1;
}

int box_pin_self(const char *list) {
    cpu_bits_t set = {{0}};
    int n;
    if (walk(list, &set, &n) != 0)
        return -1;
#ifdef __linux__
    cpu_set_t cpus;
    CPU_ZERO(&cpus);
    for (int c = 0; c < MAX_CPUS && c < CPU_SETSIZE; c++)
        if (has(&set, c))
            CPU_SET(c, &cpus);
    return sched_setaffinity(0, sizeof cpus, &cpus);
#else
    errno = ENOTSUP;
    return -1;
#endif
}

int box_pin_hook(void *cpulist) {
    const char *list = cpulist;
    if (!list || !*list)
        return 0;
    return box_pin_self(list);
}
