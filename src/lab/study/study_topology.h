/* A study over several hosts (a topology profile, topology.h): the checks
 * before it starts, the services' addresses, and the driver run as a
 * container on its host's engine. Nothing here applies without "hosts". */
#ifndef BENCHLAB_LAB_STUDY_TOPOLOGY_H
#define BENCHLAB_LAB_STUDY_TOPOLOGY_H

#include <stddef.h>

#include "lab/box/box.h"
#include "lab/study/profile.h"
#include "lab/stack/stack.h"

/* Before anything starts: each host's engine answers
 * `ENGINE [-H URL|--context NAME] version --format {{.Server.Version}}`
 * (its version is kept for the manifest), and stale benchlab containers of
 * dead benchlab processes are removed there. 0, or -1 with a message naming
 * the host, its engine and the command that failed. */
int study_topology_preflight(profile_t *p, box_backend_t backend, char *err, size_t len);

/* The engine endpoint of a service's box ("" without a topology). */
const char *study_topology_endpoint(const profile_t *p, int role);

/* Each service listens on, and is reached at, its host's address. */
void study_topology_addresses(const profile_t *p, lab_stack_t *st);

/* The driver's argv as a container on the client host: `ENGINE -H ... run
 * --init --name benchlab-PID-driver-N --network host --cpuset-cpus L -v ...
 * benchlab-load ARGS` (no --rm), its scenario file's directory and our cwd
 * mounted at their own paths, the scenario given by its absolute path and
 * --summary-export/--timeseries rewritten to STUDY_TOPO_SUMMARY and
 * STUDY_TOPO_TIMESERIES in the container's /tmp. NULL without a topology
 * (the driver runs here as before) or on an error (in err, *box NULL). The
 * caller fetches the outputs (study_topology_fetch), then destroys the box
 * (*box, which removes the container). */
char **study_topology_driver(const profile_t *p, box_backend_t backend, char *const argv[],
                             const char *const paths[], box_t **box, char *err, size_t len);

/* Driver i of n (a "driver.host" array) on its host: as study_topology_driver
 * with --start-at START_AT (its host's clock; none when 0) and the load split (--vus, --rate and
 * --max-vus divided by n, the first ones taking the remainder), its summary fetched to SUMMARY.dI
 * (merged afterwards with `benchlab-load merge ... --parallel`) and the per-second file kept by
 * driver 0 only. */
char **study_topology_driver_i(const profile_t *p, box_backend_t backend, char *const argv[],
                               const char *const paths[], int i, double start_at, box_t **box,
                               char *err, size_t len);

/* The driver's outputs stay in its container (run without --rm), in the
 * image's working directory: the summary and per-second file are written
 * there under these names and fetched with study_topology_fetch before the
 * box is destroyed (docs/multi-host.md). */
#define STUDY_TOPO_OUTDIR "/tmp"
#define STUDY_TOPO_SUMMARY "benchlab-summary.json"
#define STUDY_TOPO_TIMESERIES "benchlab-timeseries.jsonl"

/* `ENGINE -H URL cp NAME:/tmp/FILE DEST`: a driver's output fetched from its
 * container on its host. 0, or -1 with the command and its error in err. */
int study_topology_fetch(const box_t *box, box_backend_t backend, const char *file,
                         const char *dest, char *err, size_t len);

/* The manifest's "topology": hosts with engine, engine_version, address,
 * cpuset and roles; NULL without one. */
json_t *study_topology_json(const profile_t *p);

#endif
