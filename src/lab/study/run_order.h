/* The order of a study's runs. "grouped" (the default so far): unit after
 * unit, a unit's runs back to back after one warm-up. "interleaved":
 * randomized multiple interleaved trials (Abedi & Brecht, "Conducting
 * repeatable experiments in highly variable cloud computing environments",
 * ICPE 2017): the units of one scenario (its implementations and server
 * configurations) take turns, trial by trial: trial t runs the t-th run of
 * every unit of the scenario, in an order shuffled for that trial with a
 * seeded generator; the study restarts the server (and its box) and warms up
 * before every run. Scenarios follow each other in plan order, so the data a
 * scenario dirties is reset as before. */
#ifndef BENCHLAB_LAB_RUN_ORDER_H
#define BENCHLAB_LAB_RUN_ORDER_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "lab/study/plan.h"

typedef struct run_slot {
    int unit; /* index into plan->units */
    int run;  /* 1-based */
} run_slot_t;

/* Every run of the plan in interleaved order (malloc'd, *n = the total).
 * Deterministic for a plan and a seed. 0 or -1 (out of memory). */
int run_order_interleaved(const plan_t *p, uint64_t seed, run_slot_t **out, size_t *n);

/* The order as JSON for the manifest: {"mode": "interleaved", "seed": N,
 * "runs": [["scenario", "config", run], ...]}. */
json_t *run_order_json(const plan_t *p, uint64_t seed, const run_slot_t *slots, size_t n);

#endif
