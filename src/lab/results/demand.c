/* Service demand per run: box CPU microseconds per completed request. */
#include "lab/results/demand.h"

#include <math.h>
#include <stdio.h>

#include "lab/results/results.h"

const char *const demand_boxes[DEMAND_NBOXES] = {"server", "postgres", "redis"};

double demand_from_boxes(const json_t *run_file, const char *box) {
    json_t *b = json_object_get(json_object_get(run_file, "boxes"), box);
    json_t *avail = json_object_get(b, "available");
    json_t *user = json_object_get(b, "cpu_user_s"), *sys = json_object_get(b, "cpu_sys_s");
    if (!json_is_object(b) || json_is_false(avail) || !json_is_number(user) || !json_is_number(sys))
        return NAN;
    double reqs = results_json_number(json_object_get((json_t *)run_file, "summary"),
                                      "metrics.http_reqs.count");
    double cpu = json_number_value(user) + json_number_value(sys);
    if (!(reqs > 0) || !(cpu >= 0))
        return NAN;
    return cpu * 1e6 / reqs;
}

double demand_of_run(const json_t *run_file, const char *box) {
    char key[64];
    snprintf(key, sizeof key, "%s_cpu_us_per_request", box);
    json_t *v = json_object_get(run_file, key);
    if (json_is_number(v))
        return json_number_value(v);
    if (json_is_null(v))
        return NAN; /* recorded as not available */
    return demand_from_boxes(run_file, box);
}

void demand_annotate(json_t *run_file) {
    for (int i = 0; i < DEMAND_NBOXES; i++) {
        char key[64];
        snprintf(key, sizeof key, "%s_cpu_us_per_request", demand_boxes[i]);
        double x = demand_from_boxes(run_file, demand_boxes[i]);
        json_object_set_new(run_file, key, isfinite(x) ? json_real(x) : json_null());
    }
}
