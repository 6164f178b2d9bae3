/* Host CPU and load average around a run (see hostload.h). */
#include "lab/study/hostload.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

void host_sample(host_sample_t *s) {
    memset(s, 0, sizeof *s);
    FILE *f = fopen("/proc/stat", "r");
    if (!f)
        return;
    unsigned long long v[10] = {0};
    int got = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1],
                     &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]);
    fclose(f);
    if (got < 8)
        return;
    double hz = (double)sysconf(_SC_CLK_TCK);
    /* user nice system idle iowait irq softirq steal (guest is inside user) */
    s->busy_s = (double)(v[0] + v[1] + v[2] + v[5] + v[6]) / hz;
    s->steal_s = (double)v[7] / hz;
    s->cpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
    f = fopen("/proc/loadavg", "r");
    if (!f || fscanf(f, "%lf", &s->loadavg1) != 1) {
        if (f)
            fclose(f);
        return;
    }
    fclose(f);
    s->ok = true;
}

json_t *host_load_json(const host_sample_t *before, const host_sample_t *after, double wall_s,
                       double ours_s, bool boxed) {
    if (!before->ok || !after->ok)
        return NULL;
    double busy = after->busy_s - before->busy_s;
    double outside = busy - ours_s;
    double load = after->loadavg1 > before->loadavg1 ? after->loadavg1 : before->loadavg1;
    return json_pack("{s:i,s:f,s:f,s:f,s:f,s:f,s:f,s:b}", "cpus", after->cpus, "wall_s", wall_s,
                     "busy_s", busy, "steal_s", after->steal_s - before->steal_s, "ours_s", ours_s,
                     "outside_s", outside > 0 ? outside : 0.0, "loadavg_max", load, "boxed", boxed);
}
