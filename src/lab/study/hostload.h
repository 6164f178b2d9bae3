/* What the rest of the host did during a run (the host-interference validity
 * rule, validity.h): /proc/stat's CPU times before and after, the 1-minute
 * load average at both ends. Linux only; elsewhere nothing is recorded. */
#ifndef BENCHLAB_LAB_HOSTLOAD_H
#define BENCHLAB_LAB_HOSTLOAD_H

#include <jansson.h>
#include <stdbool.h>

typedef struct host_sample {
    bool ok;
    double busy_s, steal_s; /* all CPUs, since boot */
    /* of busy_s, the kernel's own work: interrupts, softirqs and kernel
     * threads (kworker writeback, ksoftirqd, jbd2). Loopback traffic and
     * PostgreSQL's writes put it there, outside every box, on behalf of the
     * run itself, so it is not interference from another program. */
    double kernel_s;
    double loadavg1;
    int cpus;
} host_sample_t;

/* Reads /proc/stat and /proc/loadavg (ok = false when they cannot be read). */
void host_sample(host_sample_t *s);

/* The run file's "host_load": {"cpus", "wall_s", "busy_s", "steal_s",
 * "kernel_s", "ours_s" (boxes + driver), "outside_s" (busy - kernel - ours:
 * other programs), "loadavg_max", "boxed"}; NULL when either sample failed. ours_s: CPU seconds of
 * every box and the driver over the run; boxed: every service ran in a box (else "outside" includes
 * unboxed services and the rule does not use it). */
json_t *host_load_json(const host_sample_t *before, const host_sample_t *after, double wall_s,
                       double ours_s, bool boxed);

#endif
