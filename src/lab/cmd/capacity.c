/* `benchlab capacity SCENARIO --url URL`: the highest offered rate whose p99
 * stays within a latency objective with no dropped iterations, by an adaptive
 * open-model sweep (capacity.h) of benchlab-load runs against a running
 * stack. Prints the curve and the knee; --out writes it as JSON. */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab/study/capacity.h"
#include "lab/commands.h"
#include "lab/stack/spawn.h"
#include "lab/stack/stack.h"

typedef struct cap_ctx {
    const char *load_bin, *scenario, *url, *implementation;
    char step[32], max_vus[16], threads[16];
    char dir[PATH_MAX];
    int quiet;
} cap_ctx_t;

static int usage(void) {
    fprintf(stderr,
            "usage: benchlab capacity SCENARIO --url URL [--objective-ms MS] [--start R]\n"
            "                         [--min-rate R] [--max-rate R] [--tolerance F] [--step D]\n"
            "                         [--max-vus N] [--threads N] [--max-steps N] [--confirm N]\n"
            "                         [--implementation NAME] [--out FILE.json] [--quiet]\n"
            "SCENARIO: a scenario file, or an id such as basic/02-json (scenarios/ID.json).\n");
    return 2;
}

static int measure(double rate, void *vctx, capacity_point_t *p) {
    cap_ctx_t *c = vctx;
    char rs[32], sum[PATH_MAX + 32], log[PATH_MAX + 32];
    snprintf(rs, sizeof rs, "%.6g", rate);
    snprintf(sum, sizeof sum, "%s/summary.json", c->dir);
    snprintf(log, sizeof log, "%s/driver.log", c->dir);
    unlink(sum);
    char *argv[] = {(char *)c->load_bin,
                    "run",
                    (char *)c->scenario,
                    "--base-url",
                    (char *)c->url,
                    "--rate",
                    rs,
                    "--duration",
                    c->step,
                    "--max-vus",
                    c->max_vus,
                    "--threads",
                    c->threads,
                    "--summary-export",
                    sum,
                    "--quiet",
                    NULL};
    truncate(log, 0);
    spawn_opts_t so = {.log_path = log};
    int st = spawn_run(argv, &so);
    json_error_t je;
    json_t *j = st == 0 || st == 99 ? json_load_file(sum, 0, &je) : NULL;
    if (!j || capacity_point_from_summary(j, p) != 0) {
        fprintf(stderr, "benchlab capacity: benchlab-load at %s/s exited %d; its output:\n", rs,
                st);
        FILE *f = fopen(log, "r");
        char line[512];
        for (int n = 0; f && n < 20 && fgets(line, sizeof line, f); n++)
            fprintf(stderr, "  %s", line);
        if (f)
            fclose(f);
        json_decref(j);
        return -1;
    }
    json_decref(j);
    p->rate = rate;
    if (!c->quiet) {
        fprintf(stderr, "  %10.1f/s  p50 %8.3f ms  p99 %8.3f ms  dropped %.0f  failed %.2f%%\n",
                rate, p->p50_ms, p->p99_ms, p->dropped, 100 * p->failed);
    }
    return 0;
}

/* "5s", "500ms", "1m" or seconds, > 0. */
static int parse_step(const char *v, double *out) {
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    double mult = strcmp(end, "ms") == 0           ? 0.001
                  : strcmp(end, "s") == 0 || !*end ? 1
                  : strcmp(end, "m") == 0          ? 60
                                                   : -1;
    if (end == v || errno || !(d > 0) || mult < 0 || d * mult > 3600)
        return -1;
    *out = d * mult;
    return 0;
}

static int num_flag(const char *flag, const char *v, double min, double max, double *out) {
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (end == v || *end || errno || !(d >= min) || !(d <= max)) {
        fprintf(stderr, "benchlab capacity: %s: expected a number from %g to %g, got \"%s\"\n",
                flag, min, max, v);
        return -1;
    }
    *out = d;
    return 0;
}

int cmd_capacity(int argc, char **argv) {
    capacity_opts_t o = {0};
    cap_ctx_t c = {0};
    const char *scen = NULL, *out = NULL, *step = "5s";
    double max_vus = 200, threads = 1, max_steps = 0, confirm = 1;
    c.implementation = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage();
            return 0;
        }
        if (a[0] != '-') {
            if (scen) {
                fprintf(stderr, "benchlab capacity: unexpected argument \"%s\"\n", a);
                return usage();
            }
            scen = a;
            continue;
        }
        if (strcmp(a, "--quiet") == 0) {
            c.quiet = 1;
            continue;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "benchlab capacity: %s needs a value\n", a);
            return usage();
        }
        const char *v = argv[++i];
        int bad = 0;
        if (strcmp(a, "--url") == 0)
            c.url = v;
        else if (strcmp(a, "--out") == 0)
            out = v;
        else if (strcmp(a, "--step") == 0)
            step = v;
        else if (strcmp(a, "--implementation") == 0)
            c.implementation = v;
        else if (strcmp(a, "--objective-ms") == 0)
            bad = num_flag(a, v, 0.001, 60000, &o.objective_ms);
        else if (strcmp(a, "--start") == 0)
            bad = num_flag(a, v, 0.01, 1e6, &o.start);
        else if (strcmp(a, "--min-rate") == 0)
            bad = num_flag(a, v, 0.01, 1e6, &o.min_rate);
        else if (strcmp(a, "--max-rate") == 0)
            bad = num_flag(a, v, 0.01, 1e6, &o.max_rate);
        else if (strcmp(a, "--tolerance") == 0)
            bad = num_flag(a, v, 0.001, 1, &o.tolerance);
        else if (strcmp(a, "--max-vus") == 0)
            bad = num_flag(a, v, 1, 100000, &max_vus);
        else if (strcmp(a, "--threads") == 0)
            bad = num_flag(a, v, 1, 256, &threads);
        else if (strcmp(a, "--confirm") == 0)
            bad = num_flag(a, v, 0, 5, &confirm);
        else if (strcmp(a, "--max-steps") == 0)
            bad = num_flag(a, v, 2, 200, &max_steps);
        else {
            fprintf(stderr, "benchlab capacity: unknown flag \"%s\"\n", a);
            return usage();
        }
        if (bad)
            return 2;
    }
    if (!scen || !c.url) {
        fprintf(stderr, "benchlab capacity: %s is required\n", !scen ? "SCENARIO" : "--url URL");
        return usage();
    }
    o.max_steps = (int)max_steps;
    o.confirm = (int)confirm;
    double step_s;
    if (parse_step(step, &step_s)) {
        fprintf(stderr, "benchlab capacity: --step: expected e.g. 5s, 500ms, 1m; got \"%s\"\n",
                step);
        return 2;
    }
    if (!(o.min_rate > 0)) /* a p99 needs samples: at least 100 per step */
        o.min_rate = 100 / step_s;
    capacity_defaults(&o);
    /* a scenario id: scenarios/ID.json ($BENCHLAB_SCENARIOS_DIR or ./scenarios) */
    char path[PATH_MAX];
    if (access(scen, R_OK) == 0) {
        snprintf(path, sizeof path, "%s", scen);
    } else {
        const char *dir = getenv("BENCHLAB_SCENARIOS_DIR");
        snprintf(path, sizeof path, "%s/%s.json", dir && *dir ? dir : "scenarios", scen);
        if (access(path, R_OK) != 0) {
            fprintf(stderr, "benchlab capacity: %s: no such scenario file (nor %s)\n", scen, path);
            return 2;
        }
    }
    c.scenario = path;
    char load_bin[PATH_MAX];
    if (stack_find_program("benchlab-load", "BENCHLAB_LOAD_BIN", load_bin, sizeof load_bin)) {
        fprintf(stderr, "benchlab capacity: benchlab-load not found (BENCHLAB_LOAD_BIN)\n");
        return 1;
    }
    c.load_bin = load_bin;
    snprintf(c.step, sizeof c.step, "%s", step);
    snprintf(c.max_vus, sizeof c.max_vus, "%.0f", max_vus);
    snprintf(c.threads, sizeof c.threads, "%.0f", threads);
    const char *tmp = getenv("TMPDIR");
    snprintf(c.dir, sizeof c.dir, "%s/benchlab-capacity.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(c.dir)) {
        fprintf(stderr, "benchlab capacity: cannot create %s: %s\n", c.dir, strerror(errno));
        return 1;
    }
    if (!c.quiet)
        fprintf(stderr, "capacity of %s at p99 <= %g ms, no dropped iterations (%s steps):\n", path,
                o.objective_ms, step);
    capacity_result_t res;
    int rc = capacity_search(&o, measure, &c, &res);
    char sum[PATH_MAX + 32];
    snprintf(sum, sizeof sum, "%s/summary.json", c.dir);
    unlink(sum);
    snprintf(sum, sizeof sum, "%s/driver.log", c.dir);
    unlink(sum);
    rmdir(c.dir);
    json_t *j = capacity_to_json(&o, &res);
    json_object_set_new(j, "scenario", json_string(path));
    json_object_set_new(j, "url", json_string(c.url));
    json_object_set_new(j, "step_duration", json_string(step));
    json_object_set_new(j, "implementation",
                        c.implementation ? json_string(c.implementation) : json_null());
    json_object_set_new(j, "complete", json_boolean(rc == 0));
    printf("%12s %12s %10s %10s %8s %8s\n", "rate/s", "achieved/s", "p50 ms", "p99 ms", "dropped",
           "failed");
    size_t i;
    json_t *pt;
    json_array_foreach(json_object_get(j, "curve"), i, pt) {
        double rate = json_number_value(json_object_get(pt, "rate"));
        printf("%12.1f %12.1f %10.3f %10.3f %8.0f %7.2f%%%s\n", rate,
               json_number_value(json_object_get(pt, "achieved")),
               json_number_value(json_object_get(pt, "p50_ms")),
               json_number_value(json_object_get(pt, "p99_ms")),
               json_number_value(json_object_get(pt, "dropped")),
               100 * json_number_value(json_object_get(pt, "failed")),
               rate == res.capacity && json_is_true(json_object_get(pt, "ok")) ? "  <- knee" : "");
    }
    if (res.capacity > 0)
        printf("capacity: %.1f iterations/s at p99 <= %g ms (%s; next failing rate %s)\n",
               res.capacity, o.objective_ms, res.bounded ? "within the tolerance" : "not bounded",
               res.upper > 0 ? "measured" : "not found below --max-rate");
    else
        printf("capacity: none: every rate tried down to %g/s misses p99 <= %g ms\n", o.min_rate,
               o.objective_ms);
    if (out && json_dump_file(j, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0) {
        fprintf(stderr, "benchlab capacity: cannot write %s\n", out);
        rc = -1;
    }
    json_decref(j);
    capacity_result_free(&res);
    return rc == 0 ? 0 : 1;
}
