/* Profiles (scenarios/profiles/NAME.json): how much CPU and memory each
 * service's box gets, which CPUs it is pinned to, and where the driver runs.
 *
 *   {"description": "...", "min_cpus": 2, "backend": "native", "implementation": "c-ulfius",
 *    "driver": {"cpuset": "0" | "rest", "threads": 1, "calibrate_s": 3, "bound_fraction": 0.8},
 *    "boxes": {"server": {"cpus": 1, "cpuset": "1", "memory": "2G", "image": "...", "user": "..."},
 *              "postgres": {...}, "redis": {...}, "upstream": {...}},
 *    "validity": {"max_overrun": 0.1, "min_requests": 1000, ...}}
 *
 * "rest" means every CPU of the host that no box is pinned to.
 * With a "hosts" map, each box and the driver also name their "host"
 * (topology.h, docs/multi-host.md); CPU lists are then checked against that
 * host's cpuset, not this machine's.
 * "implementation" (c-ulfius or a peer) is the server of the plan
 * units that name none; a plan's own "implementation" wins, and the CLI's
 * --implementation wins over both (see plan.h). */
#ifndef BENCHLAB_LAB_PROFILE_H
#define BENCHLAB_LAB_PROFILE_H

#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "lab/box/box.h"
#include "lab/stack/stack.h"
#include "lab/results/validity.h"
#include "lab/study/topology.h"

typedef struct profile_box {
    bool boxed; /* listed in "boxes" */
    double cpus;
    char cpuset[128];
    long long mem_bytes;
    char image[128];
    char user[64];
    char host[32]; /* a topology profile's host of this box ("" = none) */
} profile_box_t;

typedef struct profile {
    char name[64];
    char path[PATH_MAX];
    int min_cpus;
    box_backend_t backend;
    char implementation[32];      /* "" = not set */
    char driver_cpuset[256];      /* resolved; "" = not pinned */
    int driver_threads;           /* 0 = the driver's default */
    double driver_calibrate_s;    /* the calibration's length; 0 = no calibration */
    double driver_bound_fraction; /* of the calibrated ceiling: above it a run is driver-bound */
    profile_box_t boxes[LAB_SVC_COUNT];
    char driver_host[32]; /* a topology profile's host of the driver */
    topology_t topo;      /* "hosts": topo.nhosts > 0 (topology.h); else 0 */
    json_t *json;         /* the file as loaded, for the manifest */
    /* "validity": the run validity rules (validity.h), defaults where absent */
    validity_rules_t validity;
} profile_t;

/* The profile used without --profile: local-2core up to 5 CPUs, study above. */
const char *profile_default_name(int host_cpus);

/* Loads NAME (scenarios_dir/profiles/NAME.json) or a path (contains '/' or
 * ends in .json) and checks it against a host with host_cpus CPUs. 0, or -1
 * with a message naming the file and field (or the CPU shortfall) in err. */
int profile_load(const char *name, const char *scenarios_dir, int host_cpus, profile_t *out,
                 char *err, size_t err_len);
void profile_free(profile_t *p);

/* "512M", "2G", "1.5G", "1048576" (bytes; K/M/G/T are powers of 1024).
 * -1 when malformed. */
long long profile_parse_size(const char *s);

#endif
