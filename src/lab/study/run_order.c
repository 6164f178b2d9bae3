/* Randomized interleaved run order (see run_order.h). */
#include "lab/study/run_order.h"

#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "lab/results/stats.h"

/* FNV-1a: each scenario's trials get their own stream, so adding a scenario
 * to a plan does not reshuffle the others. */
static uint64_t hash(const char *s) {
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

int run_order_interleaved(const plan_t *p, uint64_t seed, run_slot_t **out, size_t *n) {
    size_t total = 0;
    for (int i = 0; i < p->nunits; i++)
        total += (size_t)p->units[i].runs;
    *out = xmalloc((total ? total : 1) * sizeof **out);
    int *members = xmalloc((p->nunits ? (size_t)p->nunits : 1) * sizeof *members);
    char *done = xcalloc(p->nunits ? (size_t)p->nunits : 1, 1);
    if (!*out || !members || !done) {
        free(*out);
        free(members);
        free(done);
        *out = NULL;
        return -1;
    }
    size_t k = 0;
    for (int i = 0; i < p->nunits; i++) {
        if (done[i])
            continue;
        stats_rng_t rng;
        stats_rng_seed(&rng, seed ^ hash(p->units[i].scenario));
        const char *scenario = p->units[i].scenario;
        /* phase 0: the closed and fixed-rate units; phase 1: the open-model
         * units at a share of the closed capacity (plan key "load"), which
         * need the closed runs on disk (study/openload.h) */
        for (int phase = 0; phase < 2; phase++) {
            /* the scenario's units of this phase, in plan order, and their most runs */
            int m = 0, trials = 0;
            for (int j = i; j < p->nunits; j++)
                if (!done[j] && strcmp(p->units[j].scenario, scenario) == 0 &&
                    (p->units[j].load_pct > 0) == (phase == 1)) {
                    members[m++] = j;
                    done[j] = 1;
                    if (p->units[j].runs > trials)
                        trials = p->units[j].runs;
                }
            for (int t = 1; t <= trials; t++) {
                /* Fisher-Yates over the units of this trial */
                for (int a = m - 1; a > 0; a--) {
                    int b = (int)stats_rng_below(&rng, (size_t)a + 1);
                    int tmp = members[a];
                    members[a] = members[b];
                    members[b] = tmp;
                }
                for (int a = 0; a < m; a++)
                    if (t <= p->units[members[a]].runs)
                        (*out)[k++] = (run_slot_t){members[a], t};
            }
        }
    }
    free(members);
    free(done);
    *n = k;
    return 0;
}

json_t *run_order_json(const plan_t *p, uint64_t seed, const run_slot_t *slots, size_t n) {
    json_t *runs = json_array();
    for (size_t i = 0; i < n; i++) {
        const plan_unit_t *u = &p->units[slots[i].unit];
        json_array_append_new(runs, json_pack("[s,s,i]", u->scenario, u->config, slots[i].run));
    }
    return json_pack("{s:s,s:I,s:o}", "mode", "interleaved", "seed", (json_int_t)seed, "runs",
                     runs);
}
