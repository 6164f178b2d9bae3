/* Open model at a share of the measured capacity (plan key "load", docs/study.md
 * "Open model at a share of capacity"): a unit "<config>-load<P>" runs the open
 * model at P % of the closed-model capacity this study measured for the same
 * scenario and server configuration, the median requests/s of the valid run
 * files of "<config>" (the plan's closed units, which the run order puts
 * before the open ones). The rate is set when the run starts and recorded in
 * the run file (params.rate, params.load_pct, params.capacity_rps,
 * params.capacity_valid_runs). */
#ifndef BENCHLAB_LAB_STUDY_OPENLOAD_H
#define BENCHLAB_LAB_STUDY_OPENLOAD_H

#include <stddef.h>

/* "c-ulfius-epoll-load80" -> "c-ulfius-epoll". 0, or -1 when the name has
 * no "-load<P>" suffix. */
int openload_base_config(const char *config, char *base, size_t len);

/* The median requests/s over the valid run files of
 * RESULTS/raw/<scenario>/<config>/run-*.json, or, when none is valid, over
 * all of them (a host too busy for any valid run still gives the scale of the
 * rate; the run file says so: params.capacity_valid_runs 0); 0 when there is
 * no run file with a rate. *nvalid (may be NULL) gets the valid runs it
 * used, 0 when it used invalid ones. */
double openload_capacity(const char *results, const char *scenario, const char *config,
                         int *nvalid);

#endif
