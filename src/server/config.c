#include "server/config.h"

#include "common/log.h"
#include "common/parse.h"
#include "common/threading.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char config_usage[] =
    "usage: benchlab-server [--listen HOST:PORT] [--name NAME]\n"
    "  [--threading select|poll|epoll|pool|thread-per-conn] [--threads N] [--workers N]\n"
    "  [--db-pool N] [--pg DSN] [--redis redis://HOST:PORT[/DB]] [--upstream URL]\n"
    "  [--max-body BYTES] [--max-header BYTES] [--conn-timeout S] [--log-level "
    "off|error|warn|info|debug]\n"
    "  [--max-conns N] [--max-conns-per-ip N] [--header-timeout S] [--body-timeout S]\n"
    "  [--jwt-secret S] [--fast-routes on|off] [--async-deps on|off] [--db-timeout MS] "
    "[--redis-timeout MS]\n"
    "Environment fallbacks: BENCHLAB_LISTEN, BENCHLAB_NAME, BENCHLAB_THREADING, BENCHLAB_PG,\n"
    "BENCHLAB_REDIS, BENCHLAB_UPSTREAM, BENCHLAB_JWT_SECRET, BENCHLAB_FAST_ROUTES,\n"
    "BENCHLAB_MAX_CONNS, BENCHLAB_MAX_CONNS_PER_IP, BENCHLAB_HEADER_TIMEOUT, "
    "BENCHLAB_BODY_TIMEOUT,\n"
    "BENCHLAB_DB_TIMEOUT, BENCHLAB_REDIS_TIMEOUT, BENCHLAB_ASYNC_DEPS.\n";

/* the names live in common/threading.c, in the enum's order */
_Static_assert(THREADING_THREAD_PER_CONN + 1 == THREADING_MODEL_COUNT,
               "enum threading_model and common/threading.h disagree");

int config_parse_threading(const char *s) {
    return threading_parse(s);
}

const char *config_threading_name(enum threading_model m) {
    return threading_name((int)m);
}

static int parse_long(const char *s, long min, long max, long *out) {
    return parse_long_in(s, min, max, out);
}

static int copy_str(char *dst, size_t len, const char *src) {
    size_t n = strlen(src);
    if (n >= len)
        return -1;
    memcpy(dst, src, n + 1);
    return 0;
}

int config_parse_listen(const char *s, char *host, size_t hostlen, int *port) {
    const char *colon = strrchr(s, ':');
    if (colon == NULL || colon == s)
        return -1;
    size_t hl = (size_t)(colon - s);
    if (hl >= hostlen)
        return -1;
    long p;
    if (parse_long(colon + 1, 0, 65535, &p) != 0)
        return -1;
    memcpy(host, s, hl);
    host[hl] = '\0';
    if (strcmp(host, "localhost") == 0)
        snprintf(host, hostlen, "127.0.0.1");
    *port = (int)p;
    return 0;
}

int config_parse_redis_url(const char *s, char *host, size_t hostlen, int *port, int *db) {
    const char *prefix = "redis://";
    if (strncmp(s, prefix, strlen(prefix)) != 0)
        return -1;
    const char *h = s + strlen(prefix);
    const char *slash = strchr(h, '/');
    char hostport[300];
    size_t hpl = slash ? (size_t)(slash - h) : strlen(h);
    if (hpl == 0 || hpl >= sizeof hostport)
        return -1;
    memcpy(hostport, h, hpl);
    hostport[hpl] = '\0';
    *db = 0;
    if (slash != NULL && slash[1] != '\0') {
        long d;
        if (parse_long(slash + 1, 0, 1000, &d) != 0)
            return -1;
        *db = (int)d;
    }
    if (strchr(hostport, ':') == NULL) {
        if (copy_str(host, hostlen, hostport) != 0)
            return -1;
        *port = 6379;
        return 0;
    }
    return config_parse_listen(hostport, host, hostlen, port);
}

static void defaults(struct server_config *cfg) {
    memset(cfg, 0, sizeof *cfg);
    snprintf(cfg->host, sizeof cfg->host, "127.0.0.1");
    cfg->port = 8080;
    snprintf(cfg->name, sizeof cfg->name, "c-ulfius");
#ifdef __linux__
    cfg->threading = THREADING_EPOLL;
#else
    cfg->threading = THREADING_POLL; /* libmicrohttpd has epoll only on Linux */
#endif
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    cfg->threads = cpus > 0 ? (int)cpus : 1;
    cfg->workers = 1;
    cfg->db_pool = 8;
    snprintf(cfg->pg, sizeof cfg->pg, "host=127.0.0.1 port=5432 dbname=postgres user=postgres");
    snprintf(cfg->redis_host, sizeof cfg->redis_host, "127.0.0.1");
    cfg->redis_port = 6379;
    cfg->redis_db = 0;
    snprintf(cfg->upstream, sizeof cfg->upstream, "http://127.0.0.1:8081");
    cfg->max_body = 10u * 1024 * 1024;
    cfg->max_header = 16u * 1024;
    cfg->conn_timeout = 30;
    cfg->max_conns = 16384;
    cfg->max_conns_per_ip = 4096;
    cfg->header_timeout = 10;
    cfg->body_timeout = 30;
    cfg->db_timeout_ms = 1000;
    cfg->async_deps = 1;
    cfg->redis_timeout_ms = 250;
    cfg->log_level = LOG_OFF;
    snprintf(cfg->jwt_secret, sizeof cfg->jwt_secret, "benchlab-dev-secret-change-me");
}

/* Applies one named setting; returns 0 or -1 with a message in err. */
static int apply(struct server_config *cfg, const char *flag, const char *v, char *err,
                 size_t errlen) {
    long n;
    int bad = 0;
    if (strcmp(flag, "listen") == 0)
        bad = config_parse_listen(v, cfg->host, sizeof cfg->host, &cfg->port);
    else if (strcmp(flag, "name") == 0)
        bad = *v == '\0' || copy_str(cfg->name, sizeof cfg->name, v);
    else if (strcmp(flag, "threading") == 0) {
        int t = config_parse_threading(v);
        bad = t < 0;
        if (!bad)
            cfg->threading = (enum threading_model)t;
    } else if (strcmp(flag, "threads") == 0) {
        bad = parse_long(v, 1, 1024, &n);
        if (!bad)
            cfg->threads = (int)n;
    } else if (strcmp(flag, "workers") == 0) {
        bad = parse_long(v, 1, 256, &n);
        if (!bad)
            cfg->workers = (int)n;
    } else if (strcmp(flag, "db-pool") == 0) {
        bad = parse_long(v, 1, 1024, &n);
        if (!bad)
            cfg->db_pool = (int)n;
    } else if (strcmp(flag, "pg") == 0)
        bad = copy_str(cfg->pg, sizeof cfg->pg, v);
    else if (strcmp(flag, "redis") == 0)
        bad = config_parse_redis_url(v, cfg->redis_host, sizeof cfg->redis_host, &cfg->redis_port,
                                     &cfg->redis_db);
    else if (strcmp(flag, "upstream") == 0)
        bad = (strncmp(v, "http://", 7) != 0 && strncmp(v, "https://", 8) != 0) ||
              copy_str(cfg->upstream, sizeof cfg->upstream, v);
    else if (strcmp(flag, "max-body") == 0) {
        bad = parse_long(v, 1, LONG_MAX / 2, &n);
        if (!bad)
            cfg->max_body = (size_t)n;
    } else if (strcmp(flag, "max-header") == 0) {
        bad = parse_long(v, 1024, 1024L * 1024, &n);
        if (!bad)
            cfg->max_header = (size_t)n;
    } else if (strcmp(flag, "conn-timeout") == 0) {
        bad = parse_long(v, 0, 86400, &n);
        if (!bad)
            cfg->conn_timeout = (int)n;
    } else if (strcmp(flag, "max-conns") == 0) {
        bad = parse_long(v, 16, 1000000, &n);
        if (!bad)
            cfg->max_conns = (int)n;
    } else if (strcmp(flag, "max-conns-per-ip") == 0) {
        bad = parse_long(v, 0, 1000000, &n);
        if (!bad)
            cfg->max_conns_per_ip = (int)n;
    } else if (strcmp(flag, "header-timeout") == 0) {
        bad = parse_long(v, 0, 86400, &n);
        if (!bad)
            cfg->header_timeout = (int)n;
    } else if (strcmp(flag, "body-timeout") == 0) {
        bad = parse_long(v, 0, 86400, &n);
        if (!bad)
            cfg->body_timeout = (int)n;
    } else if (strcmp(flag, "db-timeout") == 0) {
        bad = parse_long(v, 10, 600000, &n);
        if (!bad)
            cfg->db_timeout_ms = (int)n;
    } else if (strcmp(flag, "redis-timeout") == 0) {
        bad = parse_long(v, 10, 600000, &n);
        if (!bad)
            cfg->redis_timeout_ms = (int)n;
    } else if (strcmp(flag, "log-level") == 0) {
        int l = log_parse_level(v);
        bad = l < 0;
        if (!bad)
            cfg->log_level = l;
    } else if (strcmp(flag, "jwt-secret") == 0)
        bad = *v == '\0' || copy_str(cfg->jwt_secret, sizeof cfg->jwt_secret, v);
    else if (strcmp(flag, "fast-routes") == 0) {
        bad = strcmp(v, "on") != 0 && strcmp(v, "off") != 0;
        cfg->fast_routes = strcmp(v, "on") == 0;
    } else if (strcmp(flag, "async-deps") == 0) {
        bad = strcmp(v, "on") != 0 && strcmp(v, "off") != 0;
        cfg->async_deps = strcmp(v, "on") == 0;
    } else {
        snprintf(err, errlen, "unknown flag --%s (see --help)", flag);
        return -1;
    }
    if (bad) {
        snprintf(err, errlen, "bad value for --%s: '%s'", flag, v);
        return -1;
    }
    return 0;
}

static const struct {
    const char *flag, *env;
} env_map[] = {
    {"listen", "BENCHLAB_LISTEN"},
    {"name", "BENCHLAB_NAME"},
    {"threading", "BENCHLAB_THREADING"},
    {"pg", "BENCHLAB_PG"},
    {"redis", "BENCHLAB_REDIS"},
    {"upstream", "BENCHLAB_UPSTREAM"},
    {"jwt-secret", "BENCHLAB_JWT_SECRET"},
    {"fast-routes", "BENCHLAB_FAST_ROUTES"},
    {"async-deps", "BENCHLAB_ASYNC_DEPS"},
    {"max-conns", "BENCHLAB_MAX_CONNS"},
    {"max-conns-per-ip", "BENCHLAB_MAX_CONNS_PER_IP"},
    {"header-timeout", "BENCHLAB_HEADER_TIMEOUT"},
    {"body-timeout", "BENCHLAB_BODY_TIMEOUT"},
    {"db-timeout", "BENCHLAB_DB_TIMEOUT"},
    {"redis-timeout", "BENCHLAB_REDIS_TIMEOUT"},
};

static int known_flag(const char *flag) {
    static const char *const flags[] = {
        "listen",           "name",           "threading",    "threads",
        "workers",          "db-pool",        "pg",           "redis",
        "upstream",         "max-body",       "max-header",   "conn-timeout",
        "log-level",        "jwt-secret",     "fast-routes",  "max-conns",
        "max-conns-per-ip", "header-timeout", "body-timeout", "db-timeout",
        "redis-timeout",    "async-deps"};
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        if (strcmp(flag, flags[i]) == 0)
            return 1;
    return 0;
}

int config_parse(struct server_config *cfg, int argc, char *const argv[], char *err,
                 size_t errlen) {
    defaults(cfg);
    err[0] = '\0';
    char given[sizeof env_map / sizeof env_map[0]] = {0};
    /* First pass: remember which env-backed flags were given on the command line. */
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) != 0)
            continue;
        for (size_t k = 0; k < sizeof env_map / sizeof env_map[0]; k++) {
            size_t fl = strlen(env_map[k].flag);
            if (strncmp(a + 2, env_map[k].flag, fl) == 0 && (a[2 + fl] == '\0' || a[2 + fl] == '='))
                given[k] = 1;
        }
    }
    for (size_t k = 0; k < sizeof env_map / sizeof env_map[0]; k++) {
        const char *v = getenv(env_map[k].env);
        if (!given[k] && v != NULL && *v != '\0') {
            char e[256];
            if (apply(cfg, env_map[k].flag, v, e, sizeof e) != 0) {
                snprintf(err, errlen, "%s (from %s)", e, env_map[k].env);
                return -1;
            }
        }
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            snprintf(err, errlen, "%s", config_usage);
            return 1;
        }
        if (strncmp(a, "--", 2) != 0) {
            snprintf(err, errlen, "unexpected argument '%s' (see --help)", a);
            return -1;
        }
        char flag[64];
        const char *val;
        const char *eq = strchr(a + 2, '=');
        if (eq != NULL) {
            size_t fl = (size_t)(eq - (a + 2));
            if (fl >= sizeof flag) {
                snprintf(err, errlen, "unknown flag '%s' (see --help)", a);
                return -1;
            }
            memcpy(flag, a + 2, fl);
            flag[fl] = '\0';
            val = eq + 1;
        } else {
            if (strlen(a + 2) >= sizeof flag) {
                snprintf(err, errlen, "unknown flag '%s' (see --help)", a);
                return -1;
            }
            snprintf(flag, sizeof flag, "%s", a + 2);
            if (!known_flag(flag)) {
                snprintf(err, errlen, "unknown flag --%s (see --help)", flag);
                return -1;
            }
            if (i + 1 >= argc) {
                snprintf(err, errlen, "--%s needs a value", flag);
                return -1;
            }
            val = argv[++i];
        }
        if (apply(cfg, flag, val, err, errlen) != 0)
            return -1;
    }
    if (cfg->threading == THREADING_POOL && cfg->threads < 2) {
        /* libmicrohttpd ignores a pool of one thread; say so instead of surprising. */
        snprintf(err, errlen, "--threads must be >= 2 with --threading pool");
        return -1;
    }
    return 0;
}
