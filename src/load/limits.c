/* What one benchlab-load process can hold (see limits.h). */
#include "load/limits.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "load/http_resp.h"

/* Per event loop: the worker (its 64 KB read buffer) and its statistics
 * (histograms per group and request). */
#define LOOP_BYTES (4u << 20)

size_t load_vu_bytes(void) {
    /* the VU's state around its response parser (8 KB line buffer), and its
     * request and scratch buffers at their usual size */
    return sizeof(http_resp_t) + 4096;
}

/* MemAvailable from /proc/meminfo in bytes, 0 when unknown. */
static double mem_available(void) {
    FILE *f = fopen("/proc/meminfo", "r");
    if (!f)
        return 0;
    char line[256];
    double kb = 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "MemAvailable: %lf kB", &kb) == 1)
            break;
    fclose(f);
    return kb * 1024;
}

/* This process's address space now (VmSize) in bytes, 0 when unknown. */
static double address_space_used(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f)
        return 0;
    double pages = 0;
    if (fscanf(f, "%lf", &pages) != 1)
        pages = 0;
    fclose(f);
    return pages * (double)sysconf(_SC_PAGESIZE);
}

static void human(double bytes, char *buf, size_t len) {
    if (bytes >= 1 << 30)
        snprintf(buf, len, "%.1f GB", bytes / (1 << 30));
    else
        snprintf(buf, len, "%.0f MB", ceil(bytes / (1 << 20)));
}

int load_check_capacity(long conns, int threads, double rate, double request_timeout_s, char *err,
                        size_t err_len) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_max != RLIM_INFINITY &&
        (double)conns + LOAD_FD_RESERVE > (double)rl.rlim_max) {
        long most = (long)rl.rlim_max - LOAD_FD_RESERVE;
        snprintf(err, err_len,
                 "%ld connections (one per VU) need %ld file descriptors; this process may open "
                 "%llu (RLIMIT_NOFILE hard limit, ulimit -Hn), so at most %ld VUs here",
                 conns, conns + LOAD_FD_RESERVE, (unsigned long long)rl.rlim_max,
                 most > 0 ? most : 0);
        return -1;
    }
    double need = (double)conns * (double)load_vu_bytes() + (double)threads * LOOP_BYTES;
    if (rate > 0) /* each loop's backlog of scheduled starts (engine.c) */
        need += threads * 8.0 * fmax(1000, fmin(1e6, rate / threads * request_timeout_s));
    double avail = mem_available();
    const char *what = "available memory (MemAvailable)";
    if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
        double left = (double)rl.rlim_cur - address_space_used();
        if (avail == 0 || left < avail) {
            avail = left > 1 ? left : 1;
            what = "what is left of the address-space limit (RLIMIT_AS)";
        }
    }
    if (avail > 0 && need > avail) {
        char n[32], a[32];
        human(need, n, sizeof n);
        human(avail, a, sizeof a);
        snprintf(err, err_len,
                 "%ld connections (one per VU, about %zu bytes each) on %d thread(s) need about "
                 "%s; %s is %s",
                 conns, load_vu_bytes(), threads, n, what, a);
        return -1;
    }
    return 0;
}
