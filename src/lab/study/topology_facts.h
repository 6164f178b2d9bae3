/* What a study over several hosts (topology.h) measures and records about
 * its hosts, through each host's engine (docs/multi-host.md):
 *  - before it starts: `ENGINE info --format '{{json .}}'` (kernel, OS,
 *    architecture, CPUs, memory), the CPU model (a benchlab-load container
 *    reading /proc/cpuinfo), and the host's clock offset: `ENGINE info
 *    --format '{{.SystemTime}}'` three times, each bracketed by two reads of
 *    our clock; the offset of the tightest bracket (host - ours) and its
 *    half-width as the uncertainty;
 *  - once the server is up, before the first run: the round trip time from
 *    the (first) driver host to the server's address, as TCP connects timed
 *    in a benchlab-load container there (bash's /dev/tcp, $EPOCHREALTIME);
 *  - after each run: does every engine still answer?
 * The manifest's topology.hosts.NAME gets these facts, topology.rtt the RTT. */
#ifndef BENCHLAB_LAB_STUDY_TOPOLOGY_FACTS_H
#define BENCHLAB_LAB_STUDY_TOPOLOGY_FACTS_H

#include <jansson.h>
#include <stddef.h>

#include "lab/box/box.h"
#include "lab/study/profile.h"

/* Seconds an engine command may take before the host counts as gone. */
#define TOPO_ENGINE_TIMEOUT_S 20

/* Runs argv with its stdout (up to len - 1 bytes) in out, stderr in errout
 * (may be NULL), killed after timeout_s. Its exit status, 128+signal, -1 when
 * it could not start, -3 on timeout. */
int topo_run_capture(char *const argv[], double timeout_s, char *out, size_t len, char *errout,
                     size_t errlen);

/* Host i's facts and clock offset (before the study; after the engine answered). */
void topo_facts_probe(const profile_t *p, box_backend_t backend, int i);
/* Host i's clock offset in seconds (host - ours; 0 when unmeasured). */
double topo_facts_clock_offset(int i);
/* The RTT from the first driver host to addr:port (the server), once per
 * study; recorded into RESULTS/manifest.json's topology.rtt. */
void topo_facts_rtt(const profile_t *p, box_backend_t backend, const char *results,
                    const char *server_url);
/* Adds the facts to the manifest's topology.hosts (and topology.rtt). */
void topo_facts_json(const profile_t *p, json_t *topology);
/* Does every host's engine still answer `version`? 0, or -1 with
 * "host NAME: the engine E stopped answering: `CMD` exited N" in err. */
int topo_hosts_alive(const profile_t *p, box_backend_t backend, char *err, size_t len);

#endif
