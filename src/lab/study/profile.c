/* Loading and checking profiles (see profile.h). */
#include "lab/study/profile.h"
#include "lab/study/calibrate.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/jsonconf.h"
#include "lab/impl.h"
#include "lab/study/plan.h"

const char *profile_default_name(int host_cpus) {
    return host_cpus <= 5 ? "local-2core" : "study";
}

long long profile_parse_size(const char *s) {
    if (!s || !isdigit((unsigned char)*s))
        return -1;
    char *end;
    double v = strtod(s, &end);
    double mult = 1;
    switch (toupper((unsigned char)*end)) {
    case '\0':
        break;
    case 'K':
        mult = 1024.0;
        break;
    case 'M':
        mult = 1024.0 * 1024;
        break;
    case 'G':
        mult = 1024.0 * 1024 * 1024;
        break;
    case 'T':
        mult = 1024.0 * 1024 * 1024 * 1024;
        break;
    default:
        return -1;
    }
    if (*end) {
        end++;
        if (toupper((unsigned char)*end) == 'B') /* "512MB" */
            end++;
    }
    if (*end || v <= 0 || !isfinite(v))
        return -1;
    return (long long)(v * mult);
}

static int bad(char *err, size_t len, const char *file, const char *field, const char *what) {
    jsonconf_t c = {.file = file, .err = err, .errlen = len};
    return jsonconf_bad(&c, field, "%s", what);
}

static int load_box(const char *file, const char *svc, json_t *o, profile_box_t *b, int ncpu,
                    char *err, size_t len) {
    char field[96];
    snprintf(field, sizeof field, "boxes.%s", svc);
    jsonconf_t c = {.file = file, .err = err, .errlen = len};
    static const char *const keys[] = {"cpus", "cpuset", "memory", "image", "user", "host", NULL};
    if (jsonconf_object(&c, o, field) != 0 || jsonconf_only_keys(&c, o, field, keys) != 0)
        return -1;
    const char *key;
    json_t *v;
    b->boxed = true;
    json_object_foreach(o, key, v) {
        snprintf(field, sizeof field, "boxes.%s.%s", svc, key);
        if (strcmp(key, "cpus") == 0) {
            if (!json_is_number(v) || json_number_value(v) <= 0)
                return bad(err, len, file, field, "expected a number of CPUs > 0");
            b->cpus = json_number_value(v);
        } else if (strcmp(key, "cpuset") == 0) {
            if (!json_is_string(v) || box_cpulist_count(json_string_value(v)) <= 0)
                return bad(err, len, file, field, "expected a CPU list like \"1\" or \"0-3,6\"");
            if (!box_cpulist_valid(json_string_value(v), ncpu)) {
                char msg[256];
                snprintf(msg, sizeof msg, "CPU list \"%s\" names a CPU this host (%d CPUs) lacks",
                         json_string_value(v), ncpu);
                return bad(err, len, file, field, msg);
            }
            snprintf(b->cpuset, sizeof b->cpuset, "%s", json_string_value(v));
        } else if (strcmp(key, "memory") == 0) {
            if (!json_is_string(v) || (b->mem_bytes = profile_parse_size(json_string_value(v))) < 0)
                return bad(err, len, file, field, "expected a size like \"512M\" or \"2G\"");
        } else if (strcmp(key, "description") != 0) { /* image, user, host */
            const char *s;
            if (jsonconf_string(&c, v, field, &s) != 0)
                return -1;
            if (strcmp(key, "image") == 0)
                snprintf(b->image, sizeof b->image, "%s", s);
            else if (strcmp(key, "user") == 0)
                snprintf(b->user, sizeof b->user, "%s", s);
            else
                snprintf(b->host, sizeof b->host, "%s", s);
        }
    }
    return 0;
}

/* What a "driver" key takes, for the message when its value does not fit. */
static const char *driver_expects(const char *key) {
    static const char *const what[][2] = {
        {"cpuset", "expected \"rest\" or a CPU list"},
        {"threads", "expected an integer >= 1"},
        {"calibrate_s", "expected a number of seconds in 0..600"},
        {"bound_fraction", "expected a number in (0, 1]"},
        {"host", "expected a host name or a non-empty list of them"},
    };
    for (size_t i = 0; i < sizeof what / sizeof what[0]; i++)
        if (strcmp(key, what[i][0]) == 0)
            return what[i][1];
    return "unknown key";
}

/* Every CPU below ncpu that no box is pinned to, as a CPU list. */
static void rest_cpus(const profile_t *p, int ncpu, char *out, size_t len) {
    char used[1024] = {0};
    for (int s = 0; s < LAB_SVC_COUNT; s++) {
        const char *l = p->boxes[s].cpuset;
        while (*l) {
            long a = strtol(l, (char **)&l, 10), b = a;
            if (*l == '-')
                b = strtol(l + 1, (char **)&l, 10);
            for (long c = a; c <= b && c < 1024; c++)
                used[c] = 1;
            if (*l == ',')
                l++;
        }
    }
    size_t n = 0;
    out[0] = '\0';
    for (int c = 0; c < ncpu && c < 1024; c++)
        if (!used[c] && n + 8 < len)
            n += (size_t)snprintf(out + n, len - n, "%s%d", n ? "," : "", c);
}

/* A topology profile: every box and the driver on a known host, their CPU
 * lists in that host's and apart; a "host" without "hosts" is refused. */
static int place_roles(profile_t *p, json_t *hosts, char *err, size_t len) {
    const char *file = p->path;
    char field[96];
    if (!hosts) {
        for (int s = 0; s < LAB_SVC_COUNT; s++)
            if (*p->boxes[s].host) {
                snprintf(field, sizeof field, "boxes.%s.host", lab_service_name((lab_service_t)s));
                return bad(err, len, file, field, "a host needs a \"hosts\" map in the profile");
            }
        if (*p->driver_host)
            return bad(err, len, file, "driver.host",
                       "a host needs a \"hosts\" map in the profile");
        return 0;
    }
    if (p->backend != BOX_DOCKER && p->backend != BOX_PODMAN)
        return bad(err, len, file, "backend",
                   "a profile with hosts runs every service through its host's engine: docker or "
                   "podman");
    int placed[TOPO_ROLES] = {0};
    char *cpusets[TOPO_ROLES];
    for (int s = 0; s < LAB_SVC_COUNT; s++) {
        placed[s] = p->boxes[s].boxed;
        cpusets[s] = p->boxes[s].cpuset;
        snprintf(field, sizeof field, "boxes.%s.host", lab_service_name((lab_service_t)s));
        if (*p->boxes[s].host &&
            topology_place(&p->topo, file, field, s, p->boxes[s].host, err, len) != 0)
            return -1;
    }
    /* the calibration runs the driver here, pinned: not across hosts (yet) */
    p->driver_calibrate_s = 0;
    placed[TOPO_DRIVER] = *p->driver_host != '\0';
    cpusets[TOPO_DRIVER] = p->driver_cpuset;
    if (*p->driver_host &&
        topology_place(&p->topo, file, "driver.host", TOPO_DRIVER, p->driver_host, err, len) != 0)
        return -1;
    return topology_check(&p->topo, file, placed, cpusets, err, len);
}

static int load(const char *name, const char *scenarios_dir, int host_cpus, profile_t *out,
                char *err, size_t err_len) {
    memset(out, 0, sizeof *out);
    if (strchr(name, '/') || strstr(name, ".json"))
        snprintf(out->path, sizeof out->path, "%s", name);
    else
        snprintf(out->path, sizeof out->path, "%s/profiles/%s.json", scenarios_dir, name);
    const char *base = strrchr(out->path, '/') ? strrchr(out->path, '/') + 1 : out->path;
    snprintf(out->name, sizeof out->name, "%.*s", (int)strcspn(base, "."), base);
    jsonconf_t c = {.file = out->path, .err = err, .errlen = err_len};
    bool unreadable;
    json_t *root = jsonconf_load(&c, &unreadable);
    if (!root && unreadable)
        snprintf(err, err_len, "no profile '%s' (%s: cannot read it)", name, out->path);
    if (!root)
        return -1;
    out->json = root;
    out->backend = BOX_NATIVE;
    out->min_cpus = 1;
    validity_defaults(&out->validity);
    out->driver_calibrate_s = CALIBRATE_DEFAULT_S;
    out->driver_bound_fraction = DRIVER_BOUND_DEFAULT_FRACTION;
    const char *file = out->path, *key;
    json_t *v;
    static const char *const top[] = {"min_cpus", "backend",  "implementation", "driver",
                                      "boxes",    "validity", "hosts",          NULL};
    if (jsonconf_object(&c, root, "") != 0 || jsonconf_only_keys(&c, root, "", top) != 0)
        return -1;
    json_t *driver = NULL, *boxes = NULL, *hosts = NULL, *driver_hosts = NULL;
    json_object_foreach(root, key, v) {
        long long n;
        if (strcmp(key, "description") == 0) {
        } else if (strcmp(key, "min_cpus") == 0) {
            if (jsonconf_int(&c, v, key, 1, 4096, &n) != 0)
                return -1;
            out->min_cpus = (int)n;
        } else if (strcmp(key, "backend") == 0) {
            if (!json_is_string(v) || box_backend_parse(json_string_value(v), &out->backend) != 0)
                return bad(err, err_len, file, "backend",
                           "expected native, cgroup-v1, cgroup-v2, docker, podman or none");
        } else if (strcmp(key, "implementation") == 0) {
            if (!json_is_string(v) || !impl_known(json_string_value(v)))
                return bad(err, err_len, file, "implementation", "expected " IMPL_NAMES);
            snprintf(out->implementation, sizeof out->implementation, "%s", json_string_value(v));
        } else if (strcmp(key, "driver") == 0) {
            driver = v;
            static const char *const dkeys[] = {"cpuset",         "threads", "calibrate_s",
                                                "bound_fraction", "host",    NULL};
            if (jsonconf_object(&c, v, key) != 0 || jsonconf_only_keys(&c, v, key, dkeys) != 0)
                return -1;
        } else if (strcmp(key, "boxes") == 0) {
            boxes = v;
            if (jsonconf_object(&c, v, key) != 0)
                return -1;
        } else if (strcmp(key, "validity") == 0) {
            if (validity_parse(&out->validity, v, file, err, err_len) != 0)
                return -1;
        } else { /* hosts */
            hosts = v;
            if (topology_load_hosts(&out->topo, file, v, err, err_len) != 0)
                return -1;
        }
    }
    /* a topology's CPU lists are its hosts' (checked in topology_check) */
    int ncpu = hosts ? 1024 : host_cpus;
    if (!hosts && host_cpus < out->min_cpus) {
        snprintf(err, err_len,
                 "profile '%s' needs at least %d CPUs; this host has %d (try --profile "
                 "local-2core)",
                 out->name, out->min_cpus, host_cpus);
        return -1;
    }
    if (boxes) {
        json_object_foreach(boxes, key, v) {
            if (strcmp(key, "description") == 0)
                continue;
            int svc = -1;
            for (int s = 0; s < LAB_SVC_COUNT; s++)
                if (strcmp(key, lab_service_name((lab_service_t)s)) == 0)
                    svc = s;
            if (svc < 0) {
                char field[96];
                snprintf(field, sizeof field, "boxes.%s", key);
                return bad(err, err_len, file, field,
                           "unknown service (postgres, redis, upstream, server)");
            }
            if (load_box(file, key, v, &out->boxes[svc], ncpu, err, err_len) != 0)
                return -1;
        }
    }
    if (driver) {
        json_object_foreach(driver, key, v) {
            if (strcmp(key, "description") == 0)
                continue;
            if (strcmp(key, "cpuset") == 0 && json_is_string(v)) {
                const char *cs = json_string_value(v);
                if (strcmp(cs, "rest") == 0 && hosts) {
                    snprintf(out->driver_cpuset, sizeof out->driver_cpuset, "rest");
                } else if (strcmp(cs, "rest") == 0) {
                    rest_cpus(out, host_cpus, out->driver_cpuset, sizeof out->driver_cpuset);
                    if (!*out->driver_cpuset)
                        return bad(err, err_len, file, "driver.cpuset",
                                   "\"rest\" leaves no CPU for the driver on this host");
                } else if (box_cpulist_count(cs) > 0 && box_cpulist_valid(cs, ncpu)) {
                    snprintf(out->driver_cpuset, sizeof out->driver_cpuset, "%s", cs);
                } else {
                    return bad(err, err_len, file, "driver.cpuset",
                               "expected \"rest\" or a CPU list of this host");
                }
            } else if (strcmp(key, "host") == 0 && json_is_string(v)) {
                snprintf(out->driver_host, sizeof out->driver_host, "%s", json_string_value(v));
            } else if (strcmp(key, "host") == 0 && json_is_array(v) && json_array_size(v) > 0 &&
                       json_array_size(v) <= TOPO_MAX_HOSTS) {
                driver_hosts = v; /* several drivers: checked in place_roles */
                snprintf(out->driver_host, sizeof out->driver_host, "%s",
                         json_string_value(json_array_get(v, 0))
                             ? json_string_value(json_array_get(v, 0))
                             : "?");
            } else if (strcmp(key, "threads") == 0 && json_is_integer(v) &&
                       json_integer_value(v) > 0) {
                out->driver_threads = (int)json_integer_value(v);
            } else if (strcmp(key, "calibrate_s") == 0 && json_is_number(v) &&
                       json_number_value(v) >= 0 && json_number_value(v) <= 600) {
                out->driver_calibrate_s = json_number_value(v);
            } else if (strcmp(key, "bound_fraction") == 0 && json_is_number(v) &&
                       json_number_value(v) > 0 && json_number_value(v) <= 1) {
                out->driver_bound_fraction = json_number_value(v);
            } else {
                char field[96];
                snprintf(field, sizeof field, "driver.%s", key);
                return bad(err, err_len, file, field, driver_expects(key));
            }
        }
    }
    if (place_roles(out, hosts, err, err_len) != 0)
        return -1;
    for (size_t i = 1; hosts && driver_hosts && i < json_array_size(driver_hosts); i++) {
        const char *h = json_string_value(json_array_get(driver_hosts, i));
        char field[64];
        snprintf(field, sizeof field, "driver.host[%zu]", i);
        if (!h)
            return bad(err, err_len, file, field, "expected a host name");
        if (topology_place_extra_driver(&out->topo, file, field, h, err, err_len) != 0)
            return -1;
    }
    /* the other drivers' CPUs, now that they are placed */
    if (out->topo.ndriver_extra > 0) {
        int placed[TOPO_ROLES] = {0};
        char *cpusets[TOPO_ROLES];
        for (int s = 0; s < LAB_SVC_COUNT; s++) {
            placed[s] = out->boxes[s].boxed;
            cpusets[s] = out->boxes[s].cpuset;
        }
        placed[TOPO_DRIVER] = 1;
        cpusets[TOPO_DRIVER] = out->driver_cpuset;
        if (topology_check(&out->topo, file, placed, cpusets, err, err_len) != 0)
            return -1;
    }
    /* a driver on several CPUs gets a thread per CPU unless told otherwise */
    if (out->driver_threads == 0 && *out->driver_cpuset &&
        box_cpulist_count(out->driver_cpuset) > 1)
        out->driver_threads = box_cpulist_count(out->driver_cpuset);
    return 0;
}

int profile_load(const char *name, const char *scenarios_dir, int host_cpus, profile_t *out,
                 char *err, size_t err_len) {
    if (load(name, scenarios_dir, host_cpus, out, err, err_len) == 0)
        return 0;
    profile_free(out);
    return -1;
}

void profile_free(profile_t *p) {
    if (p->json)
        json_decref(p->json);
    p->json = NULL;
}
