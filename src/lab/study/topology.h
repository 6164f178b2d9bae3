/* Topologies: the services and the driver spread over several hosts, each
 * reached through its own container engine (docs/multi-host.md).
 *
 * A profile with a "hosts" map is a topology profile:
 *
 *   "backend": "docker",
 *   "hosts": {"client": {"engine": "ssh://lab@client", "address": "10.0.0.1", "cpuset": "0-15"},
 *             "app":    {"engine": "app-ctx", "address": "10.0.0.2", "cpuset": "0-15"}, ...},
 *   "driver": {"host": "client", "cpuset": "0-3"},
 *   "boxes": {"server": {"host": "app", "cpus": 2, "cpuset": "0-1", "memory": "2G"}, ...}
 *
 * engine: a Docker context name, or a DOCKER_HOST URL (anything with "://":
 * ssh://user@host, tcp://host:2376, unix:///path); the engine client is then
 * called as `docker -H URL ...` or `docker --context NAME ...`.
 * address: the IPv4 address services on that host listen on and are reached
 * at. cpuset: the host's CPUs the lab may use; every role's cpuset must lie in
 * its host's and no two roles on one host may share a CPU. Every role needs a
 * "host". A profile without "hosts" is the one-host case of today (nothing
 * here applies, run files unchanged). */
#ifndef BENCHLAB_LAB_TOPOLOGY_H
#define BENCHLAB_LAB_TOPOLOGY_H

#include <jansson.h>
#include <stddef.h>

#define TOPO_MAX_HOSTS 8
#define TOPO_DRIVER 4 /* the role index after the LAB_SVC_* services */
#define TOPO_ROLES 5

typedef struct topo_host {
    char name[32];
    char engine[256];
    char address[64];
    char cpuset[128];
} topo_host_t;

typedef struct topology {
    int nhosts; /* 0: no topology (one host, today's behaviour) */
    topo_host_t hosts[TOPO_MAX_HOSTS];
    int role_host[TOPO_ROLES]; /* index into hosts; -1 = the role is not placed */
    /* "driver": {"host": ["c1", "c2"]}: the drivers after the first (which is
     * role_host[TOPO_DRIVER]); they split the VUs or the rate and their
     * summaries are merged (study/study_topology.h). */
    int ndriver_extra;
    int driver_extra[TOPO_MAX_HOSTS];
} topology_t;

/* "postgres", "redis", "upstream", "server", "driver". */
const char *topology_role_name(int role);

/* Reads the "hosts" object of the profile file `file` into t (the roles'
 * hosts are set with topology_place). 0, or -1 with "FILE: FIELD: what" in err. */
int topology_load_hosts(topology_t *t, const char *file, json_t *hosts, char *err, size_t len);

/* Places role on the host named host (field names the profile field for the
 * message). 0, or -1 when there is no such host. */
int topology_place(topology_t *t, const char *file, const char *field, int role, const char *host,
                   char *err, size_t len);

/* One more driver host (a "driver.host" array after its first). */
int topology_place_extra_driver(topology_t *t, const char *file, const char *field,
                                const char *host, char *err, size_t len);

/* After every role is placed: each listed role (placed[role] true) has a host,
 * its cpuset (cpusets[role], "" = none, "rest" for the driver = the host's
 * CPUs no other role on it uses, resolved in place, cpusets[role] holding at
 * least 256 bytes) lies in its host's CPUs, and no two roles on one host
 * share a CPU. 0, or -1 with a message naming the file and field. */
int topology_check(topology_t *t, const char *file, const int placed[TOPO_ROLES],
                   char *cpusets[TOPO_ROLES], char *err, size_t len);

/* How many drivers (0 without a topology), and the host of driver i. */
int topology_ndrivers(const topology_t *t);
const topo_host_t *topology_driver_host(const topology_t *t, int i);

/* The host of a role, or NULL (no topology, or the role is not placed). */
const topo_host_t *topology_host_of(const topology_t *t, int role);

/* {"hosts": {NAME: {"engine", "address", "cpuset", "roles": [...]}}} for the
 * manifest; NULL without a topology. */
json_t *topology_json(const topology_t *t);

#endif
