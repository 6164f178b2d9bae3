/* --start-at (see start_at.h). */
#include "load/start_at.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double wall_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int start_at_parse(const char *v, double *out) {
    char *end;
    errno = 0;
    double t = v ? strtod(v, &end) : 0;
    if (!v || end == v || *end || errno || !(t > 978307200.0) || !(t < 4102444800.0)) {
        fprintf(stderr,
                "benchlab-load: --start-at: expected Unix seconds (e.g. 1796212800.25), got "
                "\"%s\"\n",
                v ? v : "");
        return -1;
    }
    *out = t;
    return 0;
}

double start_at_wait(double t, volatile sig_atomic_t *stop) {
    double now = wall_now();
    if (now > t) {
        fprintf(stderr, "benchlab-load: --start-at: %.3f s late, starting now\n", now - t);
        return now - t;
    }
    while (!(stop && *stop) && (now = wall_now()) < t) {
        double left = t - now;
        if (left > 0.2)
            left = 0.2; /* look at *stop now and then */
        struct timespec d = {(time_t)left, (long)((left - (double)(time_t)left) * 1e9)};
        nanosleep(&d, NULL);
    }
    return 0;
}
