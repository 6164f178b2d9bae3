/* Topology profiles: hosts and where each role runs (see topology.h). */
#include "lab/study/topology.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/box/box.h"

#define TOPO_MAX_CPU 1024

static const char *const role_names[TOPO_ROLES] = {"postgres", "redis", "upstream", "server",
                                                   "driver"};

const char *topology_role_name(int role) {
    return role >= 0 && role < TOPO_ROLES ? role_names[role] : "?";
}

static int bad(char *err, size_t len, const char *file, const char *field, const char *what) {
    snprintf(err, len, "%s: %s: %s", file, field, what);
    return -1;
}

/* A CPU list into a bitmap; -1 when malformed or past TOPO_MAX_CPU. */
static int cpu_bits(const char *list, bool bits[TOPO_MAX_CPU]) {
    memset(bits, 0, TOPO_MAX_CPU * sizeof *bits);
    if (box_cpulist_count(list) <= 0)
        return -1;
    const char *l = list;
    while (*l) {
        char *end;
        long a = strtol(l, &end, 10), b = a;
        if (*end == '-')
            b = strtol(end + 1, &end, 10);
        if (a < 0 || b >= TOPO_MAX_CPU || b < a)
            return -1;
        for (long c = a; c <= b; c++)
            bits[c] = true;
        l = *end == ',' ? end + 1 : end;
    }
    return 0;
}

int topology_load_hosts(topology_t *t, const char *file, json_t *hosts, char *err, size_t len) {
    memset(t, 0, sizeof *t);
    for (int r = 0; r < TOPO_ROLES; r++)
        t->role_host[r] = -1;
    char field[160];
    if (!json_is_object(hosts) || json_object_size(hosts) == 0)
        return bad(err, len, file, "hosts",
                   "expected an object of hosts (name -> {engine, "
                   "address, cpuset})");
    if (json_object_size(hosts) > TOPO_MAX_HOSTS)
        return bad(err, len, file, "hosts", "at most 8 hosts");
    const char *name, *key;
    json_t *h, *v;
    json_object_foreach(hosts, name, h) {
        topo_host_t *th = &t->hosts[t->nhosts];
        snprintf(field, sizeof field, "hosts.%s", name);
        if (!*name || strlen(name) >= sizeof th->name ||
            strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-_") != strlen(name))
            return bad(err, len, file, field, "a host name is 1-31 of a-z 0-9 - _");
        if (!json_is_object(h))
            return bad(err, len, file, field, "expected an object {engine, address, cpuset}");
        snprintf(th->name, sizeof th->name, "%s", name);
        json_object_foreach(h, key, v) {
            snprintf(field, sizeof field, "hosts.%s.%s", name, key);
            const char *s = json_is_string(v) ? json_string_value(v) : NULL;
            if (strcmp(key, "engine") == 0) {
                if (!s || !*s || strlen(s) >= sizeof th->engine || strchr(s, ' '))
                    return bad(err, len, file, field,
                               "expected a Docker context name or a DOCKER_HOST URL "
                               "(ssh://user@host, tcp://host:2376, unix:///path)");
                snprintf(th->engine, sizeof th->engine, "%s", s);
            } else if (strcmp(key, "address") == 0) {
                struct in_addr a;
                if (!s || inet_pton(AF_INET, s, &a) != 1)
                    return bad(err, len, file, field,
                               "expected the IPv4 address services on this host are reached at");
                snprintf(th->address, sizeof th->address, "%s", s);
            } else if (strcmp(key, "cpuset") == 0) {
                bool bits[TOPO_MAX_CPU];
                if (!s || strlen(s) >= sizeof th->cpuset || cpu_bits(s, bits) != 0)
                    return bad(err, len, file, field,
                               "expected the host's CPU list like \"0-15\" or \"0-3,8\"");
                snprintf(th->cpuset, sizeof th->cpuset, "%s", s);
            } else if (strcmp(key, "description") == 0 && s) {
            } else {
                return bad(err, len, file, field,
                           "unknown key or wrong type (engine, address, cpuset, description)");
            }
        }
        static const char *const need[] = {"engine", "address", "cpuset"};
        const char *have[] = {th->engine, th->address, th->cpuset};
        for (int i = 0; i < 3; i++)
            if (!*have[i]) {
                snprintf(field, sizeof field, "hosts.%s.%s", name, need[i]);
                return bad(err, len, file, field, "missing");
            }
        for (int o = 0; o < t->nhosts; o++)
            if (strcmp(t->hosts[o].address, th->address) == 0) {
                snprintf(field, sizeof field, "hosts.%s.address", name);
                char msg[160];
                snprintf(msg, sizeof msg, "%s is host %s's address too", th->address,
                         t->hosts[o].name);
                return bad(err, len, file, field, msg);
            }
        t->nhosts++;
    }
    return 0;
}

int topology_place(topology_t *t, const char *file, const char *field, int role, const char *host,
                   char *err, size_t len) {
    for (int i = 0; i < t->nhosts; i++)
        if (strcmp(t->hosts[i].name, host) == 0) {
            t->role_host[role] = i;
            return 0;
        }
    char msg[512];
    int n = snprintf(msg, sizeof msg, "unknown host '%s' (hosts:", host);
    for (int i = 0; i < t->nhosts && n > 0 && (size_t)n < sizeof msg; i++)
        n += snprintf(msg + n, sizeof msg - (size_t)n, " %s", t->hosts[i].name);
    if (n > 0 && (size_t)n < sizeof msg - 2)
        snprintf(msg + n, sizeof msg - (size_t)n, ")");
    return bad(err, len, file, field, msg);
}

int topology_place_extra_driver(topology_t *t, const char *file, const char *field,
                                const char *host, char *err, size_t len) {
    int keep = t->role_host[TOPO_DRIVER];
    if (topology_place(t, file, field, TOPO_DRIVER, host, err, len) != 0)
        return -1;
    int h = t->role_host[TOPO_DRIVER];
    t->role_host[TOPO_DRIVER] = keep;
    bool dup = h == keep;
    for (int i = 0; i < t->ndriver_extra; i++)
        dup |= t->driver_extra[i] == h;
    if (dup)
        return bad(err, len, file, field, "a host is named twice (one driver per host)");
    t->driver_extra[t->ndriver_extra++] = h;
    return 0;
}

int topology_ndrivers(const topology_t *t) {
    return t && t->nhosts && t->role_host[TOPO_DRIVER] >= 0 ? 1 + t->ndriver_extra : 0;
}

const topo_host_t *topology_driver_host(const topology_t *t, int i) {
    if (i < 0 || i >= topology_ndrivers(t))
        return NULL;
    return &t->hosts[i == 0 ? t->role_host[TOPO_DRIVER] : t->driver_extra[i - 1]];
}

int topology_check(topology_t *t, const char *file, const int placed[TOPO_ROLES],
                   char *cpusets[TOPO_ROLES], char *err, size_t len) {
    char field[96], msg[512];
    for (int r = 0; r < TOPO_ROLES; r++)
        if (placed[r] && t->role_host[r] < 0) {
            snprintf(field, sizeof field, r == TOPO_DRIVER ? "driver.host" : "boxes.%s.host",
                     role_names[r]);
            return bad(err, len, file, field, "missing (a profile with hosts places every role)");
        }
    if (!placed[TOPO_DRIVER])
        return bad(err, len, file, "driver.host",
                   "missing (a profile with hosts places every role)");
    static bool used[TOPO_MAX_HOSTS][TOPO_MAX_CPU];
    static int owner[TOPO_MAX_HOSTS][TOPO_MAX_CPU];
    memset(used, 0, sizeof used);
    /* the driver last: "rest" is what the others leave on its host */
    for (int k = 0; k < TOPO_ROLES; k++) {
        int r = k; /* TOPO_DRIVER is the last index */
        if (!placed[r])
            continue;
        int h = t->role_host[r];
        const topo_host_t *th = &t->hosts[h];
        snprintf(field, sizeof field, r == TOPO_DRIVER ? "driver.cpuset" : "boxes.%s.cpuset",
                 role_names[r]);
        bool host_bits[TOPO_MAX_CPU], bits[TOPO_MAX_CPU];
        cpu_bits(th->cpuset, host_bits);
        if (r == TOPO_DRIVER && strcmp(cpusets[r], "rest") == 0) {
            size_t n = 0;
            cpusets[r][0] = '\0';
            for (int c = 0; c < TOPO_MAX_CPU && n + 8 < 256; c++)
                if (host_bits[c] && !used[h][c])
                    n += (size_t)snprintf(cpusets[r] + n, 256 - n, "%s%d", n ? "," : "", c);
            if (!n) {
                snprintf(msg, sizeof msg, "\"rest\" leaves no CPU of host %s for the driver",
                         th->name);
                return bad(err, len, file, field, msg);
            }
        }
        if (!*cpusets[r])
            continue; /* not pinned: shares the host's CPUs */
        if (cpu_bits(cpusets[r], bits) != 0)
            return bad(err, len, file, field, "expected a CPU list like \"1\" or \"0-3,6\"");
        for (int c = 0; c < TOPO_MAX_CPU; c++) {
            if (!bits[c])
                continue;
            if (!host_bits[c]) {
                snprintf(msg, sizeof msg, "CPU %d is not in host %s's cpuset \"%s\"", c, th->name,
                         th->cpuset);
                return bad(err, len, file, field, msg);
            }
            if (used[h][c]) {
                snprintf(msg, sizeof msg,
                         "CPU %d of host %s is %s's too (roles on one host need CPU sets of "
                         "their own)",
                         c, th->name, role_names[owner[h][c]]);
                return bad(err, len, file, field, msg);
            }
            used[h][c] = true;
            owner[h][c] = r;
        }
    }
    /* the other drivers: the same CPU list on their own hosts */
    for (int i = 0; i < t->ndriver_extra && *cpusets[TOPO_DRIVER]; i++) {
        int h = t->driver_extra[i];
        bool host_bits[TOPO_MAX_CPU], bits[TOPO_MAX_CPU];
        cpu_bits(t->hosts[h].cpuset, host_bits);
        cpu_bits(cpusets[TOPO_DRIVER], bits);
        for (int c = 0; c < TOPO_MAX_CPU; c++) {
            if (!bits[c])
                continue;
            if (!host_bits[c] || used[h][c]) {
                snprintf(msg, sizeof msg,
                         "CPU %d is not free on driver host %s (its cpuset \"%s\"%s%s)", c,
                         t->hosts[h].name, t->hosts[h].cpuset, host_bits[c] ? ", used by " : "",
                         host_bits[c] ? role_names[owner[h][c]] : "");
                return bad(err, len, file, "driver.cpuset", msg);
            }
        }
    }
    return 0;
}

const topo_host_t *topology_host_of(const topology_t *t, int role) {
    if (!t || t->nhosts == 0 || role < 0 || role >= TOPO_ROLES || t->role_host[role] < 0)
        return NULL;
    return &t->hosts[t->role_host[role]];
}

json_t *topology_json(const topology_t *t) {
    if (!t || t->nhosts == 0)
        return NULL;
    json_t *hosts = json_object();
    for (int i = 0; i < t->nhosts; i++) {
        json_t *roles = json_array();
        for (int r = 0; r < TOPO_ROLES; r++)
            if (t->role_host[r] == i)
                json_array_append_new(roles, json_string(role_names[r]));
        for (int d = 0; d < t->ndriver_extra; d++)
            if (t->driver_extra[d] == i)
                json_array_append_new(roles, json_string("driver"));
        json_object_set_new(hosts, t->hosts[i].name,
                            json_pack("{s:s,s:s,s:s,s:o}", "engine", t->hosts[i].engine, "address",
                                      t->hosts[i].address, "cpuset", t->hosts[i].cpuset, "roles",
                                      roles));
    }
    return json_pack("{s:o}", "hosts", hosts);
}
