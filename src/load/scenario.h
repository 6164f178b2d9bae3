/* Scenario files (docs/scenarios.md): loading, validation, resolved form. */
#ifndef BENCHLAB_LOAD_SCENARIO_H
#define BENCHLAB_LOAD_SCENARIO_H

#include <jansson.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/parse.h" /* parse_duration, for the scenario's callers */
#include "load/jsonpath.h"
#include "load/stages.h"
#include "load/template.h"
#include "load/threshold.h"

enum check_kind {
    CK_STATUS,
    CK_EQUALS,
    CK_EXISTS,
    CK_LENGTH,
    CK_MIN_LENGTH,
    CK_CONTAINS,
    CK_EQUALS_VAR /* load/check_var.h */
};

typedef struct check {
    int kind;
    char *name;
    int id; /* index among all iteration checks (or among setup/teardown's) */
    int *statuses;
    size_t nstatus;
    jpath_t path;
    json_t *equals;
    int var; /* CK_EQUALS_VAR: the variable's index */
    int exists;
    int64_t length;
    char *text;
} check_t;

enum body_kind { BODY_NONE, BODY_TEXT, BODY_JSON, BODY_MULTIPART };

typedef struct header {
    char *name;
    tmpl_t value;
} header_t;

typedef struct request {
    char *name;
    char *method;
    int head; /* HEAD: no response body */
    tmpl_t path;
    header_t *headers;
    size_t nheaders;
    int body_kind;
    tmpl_t body;
    char *content_type; /* added automatically unless a header gives one */
    int *expected;      /* NULL = 200..399 */
    size_t nexpected;
    check_t *checks;
    size_t nchecks;
    int *extract_var;
    jpath_t *extract_path;
    size_t nextract;
    int keep_body;  /* a check or extraction reads the body */
    int needs_json; /* ... as JSON */
    int id;         /* index among the iteration's requests */
    int group;
    /* Wire bytes when nothing is templated (built by scenario_set_base_url, render.c). */
    char *wire;
    size_t wire_len;
} request_t;

typedef struct group {
    char *name;
    double weight;
    request_t *requests;
    size_t nrequests;
} group_t;

typedef struct scenario {
    char *file;
    json_t *doc; /* the parsed file */
    char *base_url;
    char host[256]; /* Host header value */
    char addr[256];
    char port[8];
    int vus;
    bool serial; /* "serial": iterations share state; exactly one VU, closed model */
    double duration_s;
    int64_t iterations; /* 0 = by duration */
    double rate;        /* 0 = closed model */
    int max_vus;
    double connect_timeout_s, request_timeout_s;
    varnames_t vars;
    char **var_init; /* initial values (NULL = unset) */
    request_t *setup, *teardown;
    size_t nsetup, nteardown;
    group_t *groups;
    size_t ngroups;
    int weighted;
    double think_time_s; /* closed model: pause after each iteration */
    double total_weight;
    int *let_var; /* iteration.let: variables set at the start of each iteration */
    tmpl_t *let_val;
    size_t nlet;
    size_t nrequests; /* all iteration requests */
    request_t **reqs; /* by id */
    size_t nchecks;   /* all iteration checks */
    check_t **checks; /* by id */
    threshold_t *thresholds;
    size_t nthresholds;
    stages_t stages; /* stages.n > 0: ramping-vus / ramping-arrival-rate (stages.h) */
    double capacity; /* what "P%" stage targets refer to (0: none given) */
    int executor;    /* "executor": 0 unset, 1 ramping-vus, 2 ramping-arrival-rate */
} scenario_t;

/* Loads and validates; returns NULL with "FILE: path: what" in err. */
scenario_t *scenario_load(const char *file, char *err, size_t errlen);
/* Same from a string (fuzzing, tests); name is used in messages. */
scenario_t *scenario_parse(const char *name, const char *text, size_t len, char *err,
                           size_t errlen);
/* Sets/validates the base URL (http://host:port) and builds static wire bytes. */
int scenario_set_base_url(scenario_t *s, const char *url, char *err, size_t errlen);
void scenario_free(scenario_t *s);

/* Renders a request's wire bytes (status line, headers, body). */
struct render_ctx;
void request_render(const scenario_t *s, const request_t *r, buf_t *out, buf_t *scratch,
                    const struct render_ctx *ctx);

#endif
