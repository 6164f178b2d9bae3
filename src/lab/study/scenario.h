/* What the study reads from a scenario file beyond what the driver does:
 * the services it "needs", the tables it "dirties", whether it is "serial"
 * (its iterations share state, so it runs with exactly one VU) and whether
 * it is "server_bound". */
#ifndef BENCHLAB_LAB_STUDY_SCENARIO_H
#define BENCHLAB_LAB_STUDY_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>

#include "lab/stack/stack.h"

#define SCENARIO_MAX_DIRTIES 8

typedef struct scenario_meta {
    bool needs[LAB_SVC_COUNT]; /* the server is always needed */
    char dirties[SCENARIO_MAX_DIRTIES][32];
    int ndirties;
    bool serial; /* run with one VU whatever the plan says (e.g. 12: every operation TRUNCATEs) */
    bool server_bound; /* "server_bound" (default false): the server, not PostgreSQL, Redis or
                          a wait, is the bottleneck, so its box must be busy (the
                          server-below-quota rule, results/validity.h); recorded in the run file */
} scenario_meta_t;

/* 0, or -1 with a message naming the file and field. */
int scenario_meta_load(const char *path, scenario_meta_t *out, char *err, size_t err_len);

#endif
