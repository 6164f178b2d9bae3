/* Plans (scenarios/plans/NAME.json): which scenarios, under which server
 * configurations and loads, how many times.
 *
 *   {"description": "...",
 *    "defaults": {"runs": 10, "vus": 10, "duration": "30s", "warmup": "10s"},
 *    "entries": [{"scenarios": ["basic/0[1-4]-*", "server-config/io-sleep"],
 *                 "implementation": ["c-ulfius", "fastapi"],
 *                 "threading": ["epoll", "pool"], "workers": [1, 2],
 *                 "server_cpus": [0.25, 1, 2], "vus": [10, 200]}]}
 *
 * Keys of "defaults" and of an entry: implementation, runs, vus, duration,
 * warmup, rate, max_vus, threading, workers, threads (server threads per
 * process: benchlab-server's --threads, Puma's threads; config "-tN"),
 * server_cpus, db_pool, min_requests
 * (the fewest requests a valid run needs, validity.h), capacity (the first
 * value; docs/stress.md), objective_ms (a list multiplies: a unit with it is a
 * capacity search at that p99 objective, each run one search starting at
 * "rate", steps of "duration"; config "-sloNms"; study/capacity_unit.h),
 * search_steps and search_tolerance (the search's budget; the first value),
 * load (percentages of the closed-model capacity: open-model units whose rate
 * the study sets when they run, study/openload.h). A list in
 * an entry means every value (the entry is the product of its lists).
 * Scenario patterns are shell globs over scenario ids (the file's path under
 * scenarios/ without ".json"). Units are ordered so the server restarts as
 * rarely as possible.
 *
 * "implementation" is c-ulfius (benchlab-server), one of the peers (the
 * peers, docs/peers.md). A peer has one concurrency model of its own: it
 * ignores "threading" (one unit however many models the entry lists; its run
 * files say "epoll", the event loop both peers run on Linux) and its config
 * name leaves the model out ("fastapi-w2-cpu1-vu50"); "workers" applies
 * (uvicorn / gunicorn + uvicorn workers, node cluster). */
#ifndef BENCHLAB_LAB_PLAN_H
#define BENCHLAB_LAB_PLAN_H

#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct plan_unit {
    char scenario[128];           /* "basic/01-lightweight" */
    char scenario_path[PATH_MAX]; /* the file */
    char implementation[32];      /* "c-ulfius" or a peer's name */
    char config[192];             /* "c-ulfius-epoll", "c-ulfius-pool-w2-cpu0.25-vu200" */
    int runs;
    int vus;
    double duration_s;
    double warmup_s; /* 0 = none */
    double rate;     /* 0 = closed model */
    int max_vus;     /* 0 = the driver's default */
    double capacity; /* what a staged scenario's "P%" targets refer to (--capacity); 0 = none */
    double load_pct; /* "load": open model at this % of the closed-model capacity the study
                        measured for the same scenario and config (study/openload.h); 0 = none */
    char threading[32];
    int workers;
    double server_cpus;      /* 0 = the profile's */
    int db_pool;             /* 0 = the server's default */
    int threads;             /* server threads per process (--threads); 0 = the server's default */
    double objective_ms;     /* > 0: a capacity search at this p99 objective (capacity_unit.h) */
    int search_steps;        /* its budget of measurements; 0 = the search's default */
    double search_tolerance; /* its bisection tolerance; 0 = the search's default */
    int min_requests;        /* 0 = the profile's validity rule (validity.h) */
    bool server_flags;       /* threading/workers were given by the plan (pass them on) */
} plan_unit_t;

typedef struct plan {
    char name[64];
    char path[PATH_MAX];
    plan_unit_t *units;
    int nunits;
    json_t *json;
} plan_t;

/* Loads NAME (scenarios_dir/plans/NAME.json) or a path and expands it.
 * Units whose entry (and the plan's defaults) name no implementation get
 * default_impl (the CLI's --implementation, else the profile's, else
 * "c-ulfius"); the config names start with the unit's implementation.
 * only_impl, when not NULL, keeps only that implementation's units (the CLI
 * filter; a plan left with none is an error). 0, or -1 with a message naming
 * the file and field in err. */
int plan_load(const char *name, const char *scenarios_dir, const char *default_impl,
              const char *only_impl, plan_t *out, char *err, size_t err_len);

void plan_free(plan_t *p);

/* "30s", "500ms", "2m", "1h" or a plain number of seconds; -1 when malformed. */
double plan_parse_duration(const char *s);

/* True when two units need the same server (implementation, threading,
 * workers, CPUs, pool). */
bool plan_same_server(const plan_unit_t *a, const plan_unit_t *b);

#endif
