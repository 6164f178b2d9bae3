/* Service demand: a box's CPU time per completed request, in microseconds
 * (docs/results-format.md "Service demand"). Steadier than requests/s on a
 * shared machine, and meaningful whether or not the driver saturates the
 * server: it is what one request costs the server (or PostgreSQL, or Redis).
 *
 * A run file records it as <box>_cpu_us_per_request (box = server, postgres,
 * redis); run files written before that field have the same inputs
 * ("boxes".<box>.cpu_user_s + cpu_sys_s, summary.metrics.http_reqs.count),
 * so the value is derived from them when the field is absent. */
#ifndef BENCHLAB_LAB_RESULTS_DEMAND_H
#define BENCHLAB_LAB_RESULTS_DEMAND_H

#include <jansson.h>

/* The boxes a run file can hold, in this order. */
#define DEMAND_NBOXES 3
extern const char *const demand_boxes[DEMAND_NBOXES]; /* "server", "postgres", "redis" */

/* From the run file's box statistics and request count: NaN when the box has
 * no statistics ("boxes" lacks it, or "available" is false) or no request
 * completed. */
double demand_from_boxes(const json_t *run_file, const char *box);

/* The recorded field when it is a number, else demand_from_boxes. */
double demand_of_run(const json_t *run_file, const char *box);

/* Adds <box>_cpu_us_per_request for every box (null when not available) to a
 * run file being written. */
void demand_annotate(json_t *run_file);

#endif
