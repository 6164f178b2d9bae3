/* The `none` backend: no limits (e.g. not root). It still pins to the cpuset
 * and reports the tracked process's own CPU time and peak RSS from /proc, so
 * a run without cgroups records something and says which backend it had. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lab/box/internal.h"

static int none_create(box_t *b, char *err, size_t err_len) {
    (void)b;
    (void)err;
    (void)err_len;
    return 0;
}

static int none_enter(box_t *b) {
    return *b->cpuset ? box_pin_self(b->cpuset) : 0;
}

static int none_stats(box_t *b, box_stats_t *out) {
    if (b->tracked <= 0)
        return -1;
    char path[64], buf[2048];
    snprintf(path, sizeof path, "/proc/%ld", (long)b->tracked);
    if (box_read_file(path, "stat", buf, sizeof buf) != 0)
        return -1;
    /* fields after the ")" of the command name: utime is field 14, stime 15 */
    char *p = strrchr(buf, ')');
    unsigned long long ut = 0, st = 0;
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
        return -1;
    double hz = (double)sysconf(_SC_CLK_TCK);
    out->cpu_user_s = (double)ut / hz;
    out->cpu_sys_s = (double)st / hz;
    long long kb;
    if (box_read_keyed(path, "status", "VmHWM:", &kb) == 0)
        out->memory_peak_bytes = kb * 1024;
    return 0;
}

static void none_destroy(box_t *b) {
    (void)b;
}

const struct box_ops box_ops_none = {none_create, none_enter, none_stats, NULL, none_destroy};
