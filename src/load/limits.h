/* What one benchlab-load process can hold (docs/scenarios.md, "Limits"):
 * documented maxima of the load flags and file fields, and a check that the
 * connections a run needs fit the descriptors and memory it has. */
#ifndef BENCHLAB_LOAD_LIMITS_H
#define BENCHLAB_LOAD_LIMITS_H

#include <stddef.h>

#define LOAD_MAX_VUS 100000            /* vus / max_vus: connections of one process */
#define LOAD_MAX_RATE 1000000.0        /* rate: iterations started per second */
#define LOAD_MAX_THREADS 256           /* --threads */
#define LOAD_MAX_DURATION_S 604800.0   /* duration and timeouts: 7 days */
#define LOAD_MAX_ITERATIONS 1000000000 /* iterations */
#define LOAD_FD_RESERVE 64             /* descriptors besides the connections */

/* Memory a VU holds whatever it sends: its state with the response line
 * buffer, and its request and scratch buffers (a body a check keeps comes
 * on top). */
size_t load_vu_bytes(void);

/* Can this process hold `conns` connections (one per VU) on `threads` event
 * loops, with an open-model backlog for `rate` iterations/s over
 * `request_timeout_s` (rate 0: closed model)? Descriptors: conns +
 * LOAD_FD_RESERVE within RLIMIT_NOFILE's hard limit (run raises the soft
 * one to it). Memory: conns x load_vu_bytes() plus the loops and backlog
 * within what the system has available (MemAvailable) and RLIMIT_AS. 0, or
 * -1 with a message in err saying what is needed and what there is. */
int load_check_capacity(long conns, int threads, double rate, double request_timeout_s, char *err,
                        size_t err_len);

#endif
