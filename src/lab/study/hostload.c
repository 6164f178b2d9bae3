/* Host CPU and load average around a run (see hostload.h). */
#include "lab/study/hostload.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PF_KTHREAD_FLAG 0x00200000u /* linux/sched.h: the task is a kernel thread */

/* CPU seconds (utime + stime) of every kernel thread, from /proc/PID/stat. */
static double kernel_threads_s(double hz) {
    DIR *d = opendir("/proc");
    if (!d)
        return 0;
    double sum = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        char path[64], line[1024];
        snprintf(path, sizeof path, "/proc/%.20s/stat", e->d_name);
        FILE *f = fopen(path, "r");
        if (!f)
            continue; /* gone meanwhile */
        size_t n = fread(line, 1, sizeof line - 1, f);
        fclose(f);
        line[n] = '\0';
        /* after "pid (comm) ": state ppid pgrp session tty tpgid flags minflt
         * cminflt majflt cmajflt utime stime (fields 3..15; comm may hold
         * spaces and parentheses, so start after the last ')') */
        char *p = strrchr(line, ')');
        unsigned flags;
        unsigned long long ut, st;
        if (p &&
            sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %u %*u %*u %*u %*u %llu %llu", &flags, &ut,
                   &st) == 3 &&
            (flags & PF_KTHREAD_FLAG))
            sum += (double)(ut + st) / hz;
    }
    closedir(d);
    return sum;
}

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
    s->kernel_s = (double)(v[5] + v[6]) / hz + kernel_threads_s(hz);
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
    double kernel = after->kernel_s - before->kernel_s;
    if (kernel < 0)
        kernel = 0; /* a kernel thread that exited took its time with it */
    double outside = busy - kernel - ours_s;
    double load = after->loadavg1 > before->loadavg1 ? after->loadavg1 : before->loadavg1;
    return json_pack("{s:i,s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:b}", "cpus", after->cpus, "wall_s", wall_s,
                     "busy_s", busy, "steal_s", after->steal_s - before->steal_s, "kernel_s",
                     kernel, "ours_s", ours_s, "outside_s", outside > 0 ? outside : 0.0,
                     "loadavg_max", load, "boxed", boxed);
}
