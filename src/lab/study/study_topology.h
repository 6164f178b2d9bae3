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
 * --rm --init --name benchlab-PID-driver-N --network host --cpuset-cpus L
 * -v ... benchlab-load ARGS`, its scenario file's and output files'
 * directories mounted at their own paths. NULL without a topology (the
 * driver runs here as before) or on an error (in err, *box NULL). The box
 * (*box) is destroyed by the caller after the run. */
char **study_topology_driver(const profile_t *p, box_backend_t backend, char *const argv[],
                             const char *const paths[], box_t **box, char *err, size_t len);

/* Driver i of n (a "driver.host" array) on its host: as study_topology_driver
 * with the load split (--vus, --rate and --max-vus divided by n, the first
 * ones taking the remainder), the summary written to SUMMARY.dI (merged
 * afterwards with `benchlab-load merge ... --parallel`) and the per-second
 * file kept by driver 0 only. */
char **study_topology_driver_i(const profile_t *p, box_backend_t backend, char *const argv[],
                               const char *const paths[], int i, box_t **box, char *err,
                               size_t len);

/* The manifest's "topology": hosts with engine, engine_version, address,
 * cpuset and roles; NULL without one. */
json_t *study_topology_json(const profile_t *p);

#endif
