/* CPU lists ("0-2,5") as cgroups and taskset write them, and pinning to one.
 * The parser allocates nothing so box_pin_self can run between fork and exec. */
#include <sched.h>
#include <stddef.h>

#include "lab/box.h"

/* Calls add(cpu) for each CPU of list; -1 when malformed. */
static int walk(const char *list, cpu_set_t *set, int *count) {
    const char *p = list;
    if (!p || !*p)
        return -1;
    *count = 0;
    for (;;) {
        if (*p < '0' || *p > '9')
            return -1;
        long a = 0;
        while (*p >= '0' && *p <= '9')
            if ((a = a * 10 + (*p++ - '0')) >= CPU_SETSIZE)
                return -1;
        long b = a;
        if (*p == '-') {
            p++;
            if (*p < '0' || *p > '9')
                return -1;
            b = 0;
            while (*p >= '0' && *p <= '9')
                if ((b = b * 10 + (*p++ - '0')) >= CPU_SETSIZE)
                    return -1;
            if (b < a)
                return -1;
        }
        for (long c = a; c <= b; c++) {
            if (set)
                CPU_SET((int)c, set);
            (*count)++;
        }
        if (*p == '\0')
            return 0;
        if (*p++ != ',')
            return -1;
    }
}

int box_cpulist_count(const char *list) {
    int n;
    return walk(list, NULL, &n) == 0 ? n : -1;
}

int box_cpulist_valid(const char *list, int ncpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    int n;
    if (walk(list, &set, &n) != 0)
        return 0;
    for (int c = ncpu; c < CPU_SETSIZE; c++)
        if (CPU_ISSET(c, &set))
            return 0;
    return 1;
}

int box_pin_self(const char *list) {
    cpu_set_t set;
    CPU_ZERO(&set);
    int n;
    if (walk(list, &set, &n) != 0)
        return -1;
    return sched_setaffinity(0, sizeof set, &set);
}

int box_pin_hook(void *cpulist) {
    const char *list = cpulist;
    if (!list || !*list)
        return 0;
    return box_pin_self(list);
}
