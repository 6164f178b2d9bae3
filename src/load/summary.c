#include "load/summary.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "load/threshold.h"
#include "common/fs.h"
#include "common/xalloc.h"

static double ms(uint64_t us) {
    return (double)us / 1000.0;
}

json_t *summary_duration_json(const hist_t *h) {
    json_t *j = json_object();
    json_object_set_new(j, "avg", json_real(hist_mean(h) / 1000.0));
    json_object_set_new(j, "min", json_real(ms(h->count ? h->min : 0)));
    json_object_set_new(j, "med", json_real(ms(hist_percentile(h, 50))));
    json_object_set_new(j, "max", json_real(ms(h->max)));
    json_object_set_new(j, "p(90)", json_real(ms(hist_percentile(h, 90))));
    json_object_set_new(j, "p(95)", json_real(ms(hist_percentile(h, 95))));
    json_object_set_new(j, "p(99)", json_real(ms(hist_percentile(h, 99))));
    json_object_set_new(j, "p(99.9)", json_real(ms(hist_percentile(h, 99.9))));
    return j;
}

static json_t *rate_json(uint64_t passes, uint64_t fails) {
    uint64_t n = passes + fails;
    return json_pack("{s:I, s:I, s:f}", "passes", (json_int_t)passes, "fails", (json_int_t)fails,
                     "value", n ? (double)passes / (double)n : 0.0);
}

static json_t *count_json(uint64_t count, double duration_s) {
    return json_pack("{s:I, s:f}", "count", (json_int_t)count, "rate",
                     duration_s > 0 ? (double)count / duration_s : 0.0);
}

/* The metric block of a group or request. */
static json_t *block(const hist_t *h, uint64_t reqs, uint64_t failed, uint64_t cpass,
                     uint64_t cfail, double duration_s) {
    json_t *j = json_object();
    json_object_set_new(j, "http_reqs", count_json(reqs, duration_s));
    json_object_set_new(j, "http_req_duration", summary_duration_json(h));
    json_object_set_new(j, "http_req_failed", rate_json(failed, reqs - failed));
    json_object_set_new(j, "checks", rate_json(cpass, cfail));
    return j;
}

/* Unique key within obj: name, or "name #2", ... */
static void set_unique(json_t *obj, const char *name, json_t *v) {
    if (!json_object_get(obj, name)) {
        json_object_set_new(obj, name, v);
        return;
    }
    char key[600];
    for (int i = 2;; i++) {
        snprintf(key, sizeof key, "%.500s #%d", name, i);
        if (!json_object_get(obj, key)) {
            json_object_set_new(obj, key, v);
            return;
        }
    }
}

json_t *summary_build(const scenario_t *s, const engine_result_t *r, const run_info_t *info) {
    const stats_t *st = &r->st;
    double d = r->duration_s;
    uint64_t cpass = 0, cfail = 0;
    for (size_t i = 0; i < st->nchecks; i++) {
        cpass += st->check_pass[i];
        cfail += st->check_fail[i];
    }
    json_t *root = json_object();
    json_t *metrics = json_object();
    json_object_set_new(metrics, "http_reqs", count_json(st->reqs, d));
    json_object_set_new(metrics, "http_req_duration", summary_duration_json(&st->dur));
    json_object_set_new(metrics, "http_req_failed", rate_json(st->failed, st->reqs - st->failed));
    json_object_set_new(metrics, "checks", rate_json(cpass, cfail));
    json_object_set_new(metrics, "iterations", count_json(st->iterations, d));
    json_object_set_new(metrics, "iteration_duration", summary_duration_json(&st->iter_dur));
    json_object_set_new(root, "metrics", metrics);

    json_t *groups = json_object(), *hgroups = json_object(), *hreqs = json_object();
    for (size_t g = 0; g < s->ngroups; g++) {
        const group_t *G = &s->groups[g];
        uint64_t gp = 0, gf = 0;
        json_t *by_name = json_object(), *reqs = json_object();
        for (size_t k = 0; k < G->nrequests; k++) {
            const request_t *R = &G->requests[k];
            uint64_t rp = 0, rf = 0;
            for (size_t c = 0; c < R->nchecks; c++) {
                const check_t *C = &R->checks[c];
                rp += st->check_pass[C->id];
                rf += st->check_fail[C->id];
                json_t *prev = json_object_get(by_name, C->name);
                uint64_t pp =
                    prev ? (uint64_t)json_integer_value(json_object_get(prev, "passes")) : 0;
                uint64_t pf =
                    prev ? (uint64_t)json_integer_value(json_object_get(prev, "fails")) : 0;
                json_object_set_new(
                    by_name, C->name,
                    rate_json(pp + st->check_pass[C->id], pf + st->check_fail[C->id]));
            }
            gp += rp;
            gf += rf;
            set_unique(
                reqs, R->name,
                block(&st->req_dur[R->id], st->req_reqs[R->id], st->req_failed[R->id], rp, rf, d));
            char key[600];
            snprintf(key, sizeof key, "%.250s/%.300s", G->name, R->name);
            set_unique(hreqs, key, hist_to_json(&st->req_dur[R->id]));
        }
        json_t *gb = block(&st->group_dur[g], st->group_reqs[g], st->group_failed[g], gp, gf, d);
        json_object_set_new(gb, "checks_by_name", by_name);
        json_object_set_new(gb, "requests", reqs);
        json_object_set_new(groups, G->name, gb);
        json_object_set_new(hgroups, G->name, hist_to_json(&st->group_dur[g]));
    }
    json_object_set_new(root, "root_group", json_pack("{s:o}", "groups", groups));

    json_t *th = json_object();
    for (size_t i = 0; i < s->nthresholds; i++)
        json_object_set_new(th, s->thresholds[i].label, json_pack("{s:b}", "ok", 0));
    json_object_set_new(root, "thresholds", th);

    json_t *errors = json_object();
    for (int k = 0; k < ERR_KINDS; k++)
        json_object_set_new(errors, err_kind_names[k], json_integer((json_int_t)st->err[k]));
    json_object_set_new(root, "errors", errors);

    json_t *hists = json_object();
    json_object_set_new(hists, "http_req_duration", hist_to_json(&st->dur));
    json_object_set_new(hists, "iteration_duration", hist_to_json(&st->iter_dur));
    json_object_set_new(hists, "groups", hgroups);
    json_object_set_new(hists, "requests", hreqs);
    if (s->rate > 0) {
        json_object_set_new(root, "open_model",
                            json_pack("{s:f, s:i, s:o, s:o, s:I}", "rate", s->rate, "max_vus",
                                      s->max_vus, "service_time",
                                      summary_duration_json(&st->service), "send_lag",
                                      summary_duration_json(&st->lag), "dropped_iterations",
                                      (json_int_t)st->dropped));
        json_object_set_new(hists, "service_time", hist_to_json(&st->service));
        json_object_set_new(hists, "send_lag", hist_to_json(&st->lag));
    } else {
        json_object_set_new(root, "open_model", json_null());
    }
    json_object_set_new(root, "histograms", hists);
    json_object_set_new(root, "timing",
                        json_pack("{s:I, s:f, s:b}", "start_unix_ms", (json_int_t)r->start_unix_ms,
                                  "duration_s", d, "interrupted", r->interrupted));
    double util = st->wall_s > 0 ? st->cpu_s / st->wall_s : 0;
    json_t *drv =
        json_pack("{s:f, s:f, s:I, s:i, s:f, s:b}", "cpu_user_s", info->cpu_user_s, "cpu_sys_s",
                  info->cpu_sys_s, "rss_max_kb", (json_int_t)info->rss_max_kb, "threads",
                  r->threads, "busiest_thread_util", util, "saturated", util > 0.9);
    if (r->io != ENGINE_IO_AUTO)
        json_object_set_new(drv, "io", json_string(engine_io_name(r->io)));
    json_object_set_new(root, "driver", drv);
    json_t *cfg = json_pack("{s:s, s:s, s:i, s:f, s:i, s:i}", "scenario", info->scenario_file,
                            "base_url", s->base_url, "vus", s->vus, "duration_s", s->duration_s,
                            "max_vus", s->max_vus, "threads", info->threads);
    json_object_set_new(cfg, "iterations",
                        s->iterations > 0 ? json_integer(s->iterations) : json_null());
    json_object_set_new(cfg, "rate", s->rate > 0 ? json_real(s->rate) : json_null());
    if (s->stages.n) { /* resolved: targets in VUs or iterations/s, the rate above is the peak */
        json_t *sl = json_array();
        for (size_t i = 0; i < s->stages.n; i++)
            json_array_append_new(sl,
                                  json_pack("{s:f, s:f}", "duration_s", s->stages.st[i].duration_s,
                                            "target", s->stages.st[i].target));
        json_object_set_new(cfg, "stages",
                            json_pack("{s:s, s:f, s:o}", "executor",
                                      s->stages.open ? "ramping-arrival-rate" : "ramping-vus",
                                      "start", s->stages.start, "stages", sl));
    }
    json_object_set_new(cfg, "timeouts",
                        json_pack("{s:f, s:f}", "connect_s", s->connect_timeout_s, "request_s",
                                  s->request_timeout_s));
    json_object_set(cfg, "scenario_doc", s->doc); /* the file as loaded, for reproduction */
    json_object_set_new(root, "config", cfg);
    json_t *td = json_object();
    if (info->teardown_ran && info->teardown_vals) {
        /* the variables some teardown request extracts */
        for (size_t i = 0; i < s->nteardown; i++)
            for (size_t x = 0; x < s->teardown[i].nextract; x++) {
                int var = s->teardown[i].extract_var[x];
                const char *val = info->teardown_vals[var];
                json_object_set_new(td, s->vars.names[var], val ? json_string(val) : json_null());
            }
    }
    json_object_set_new(root, "teardown", td);
    return root;
}

/* --- thresholds over a summary document ------------------------------------------------ */

static double num(const json_t *obj, const char *a, const char *b) {
    json_t *v = json_object_get(json_object_get(obj, a), b);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static int observed(const json_t *sum, const threshold_t *t, double *out) {
    const json_t *scope = json_object_get(sum, "metrics");
    const json_t *hj = json_object_get(json_object_get(sum, "histograms"), "http_req_duration");
    if (t->group) {
        scope = json_object_get(json_object_get(json_object_get(sum, "root_group"), "groups"),
                                t->group);
        hj = json_object_get(json_object_get(json_object_get(sum, "histograms"), "groups"),
                             t->group);
        if (!scope)
            return -1;
    }
    switch (t->metric) {
    case TM_DURATION: {
        hist_t h;
        char err[256];
        if (hist_from_json(&h, hj, err, sizeof err))
            return -1;
        switch (t->agg) {
        case TA_AVG:
            *out = hist_mean(&h) / 1000.0;
            break;
        case TA_MIN:
            *out = ms(h.count ? h.min : 0);
            break;
        case TA_MAX:
            *out = ms(h.max);
            break;
        case TA_MED:
            *out = ms(hist_percentile(&h, 50));
            break;
        default:
            *out = ms(hist_percentile(&h, t->p));
        }
        hist_free(&h);
        return 0;
    }
    case TM_CHECKS:
        *out = num(scope, "checks", "value");
        break;
    case TM_FAILED:
        *out = num(scope, "http_req_failed", "value");
        break;
    case TM_REQS:
        *out = num(scope, "http_reqs", t->agg == TA_COUNT ? "count" : "rate");
        break;
    default:
        *out = num(json_object_get(sum, "metrics"), "iterations",
                   t->agg == TA_COUNT ? "count" : "rate");
    }
    return isnan(*out) ? -1 : 0;
}

int summary_eval_thresholds(json_t *sum) {
    json_t *th = json_object_get(sum, "thresholds");
    const char *label;
    json_t *v;
    int failed = 0;
    json_object_foreach(th, label, v) {
        const char *sep = strstr(label, ": ");
        int ok = 0;
        if (sep) {
            char *key = xstrndup(label, (size_t)(sep - label));
            threshold_t t;
            char err[256];
            double val;
            if (threshold_parse(&t, key, sep + 2, err, sizeof err) == 0) {
                ok = observed(sum, &t, &val) == 0 && threshold_compare(&t, val);
                threshold_free(&t);
            }
            free(key);
        }
        json_object_set_new(v, "ok", json_boolean(ok));
        failed += !ok;
    }
    return failed;
}

/* Output files are written atomically (common/fs.h: PATH.tmp.PID renamed over
 * PATH; /dev/null, /dev/stdout or a FIFO in place). Commits and reports a
 * failure; 0 or -1. */
static int output_commit(fs_atomic_t *a, int ok) {
    if (fs_atomic_commit(a, ok) == 0)
        return 0;
    fprintf(stderr, "benchlab-load: cannot write %s: %s\n", a->path, strerror(errno));
    return -1;
}

int summary_write(const json_t *j, const char *path) {
    fs_atomic_t a;
    FILE *f = fs_atomic_open(&a, path);
    if (!f) {
        fprintf(stderr, "benchlab-load: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    /* into memory, then one write: json_dumpf's fwrite per token cost about a
     * third of the dump (callgrind), which `make bench-driver` counts per request */
    char *text = json_dumps(j, JSON_INDENT(1) | JSON_REAL_PRECISION(10));
    int ok = text && fwrite(text, 1, strlen(text), f) == strlen(text);
    free(text);
    return output_commit(&a, ok);
}

int summary_write_timeseries(const stats_t *st, const char *path) {
    fs_atomic_t a;
    FILE *f = fs_atomic_open(&a, path);
    if (!f) {
        fprintf(stderr, "benchlab-load: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    for (size_t i = 0; i < st->nsec; i++) {
        const ts_sec_t *s = &st->sec[i];
        uint64_t p50, p99;
        stats_ts_percentiles(st, i, &p50, &p99);
        fprintf(f, "{\"t\":%zu,\"requests\":%llu,\"errors\":%llu,\"p50_ms\":%.3f,\"p99_ms\":%.3f",
                i, (unsigned long long)s->reqs, (unsigned long long)s->errors, ms(p50), ms(p99));
        if (s->dropped || s->late) /* open model only */
            fprintf(f, ",\"dropped\":%llu,\"late\":%llu", (unsigned long long)s->dropped,
                    (unsigned long long)s->late);
        fputs("}\n", f);
    }
    return output_commit(&a, 1);
}

/* --- text output --------------------------------------------------------------------- */

static void print_dur(FILE *out, const char *label, const json_t *d) {
    fprintf(out,
            "  %-22s avg=%.3fms min=%.3fms med=%.3fms p(90)=%.3fms p(95)=%.3fms p(99)=%.3fms "
            "p(99.9)=%.3fms max=%.3fms\n",
            label, json_number_value(json_object_get(d, "avg")),
            json_number_value(json_object_get(d, "min")),
            json_number_value(json_object_get(d, "med")),
            json_number_value(json_object_get(d, "p(90)")),
            json_number_value(json_object_get(d, "p(95)")),
            json_number_value(json_object_get(d, "p(99)")),
            json_number_value(json_object_get(d, "p(99.9)")),
            json_number_value(json_object_get(d, "max")));
}

void summary_print(const json_t *sum, FILE *out) {
    const json_t *m = json_object_get(sum, "metrics");
    fprintf(
        out, "  %-22s %lld  %.1f/s\n", "http_reqs",
        (long long)json_integer_value(json_object_get(json_object_get(m, "http_reqs"), "count")),
        num(m, "http_reqs", "rate"));
    print_dur(out, "http_req_duration", json_object_get(m, "http_req_duration"));
    fprintf(
        out, "  %-22s %.2f%%  (%lld of %lld)\n", "http_req_failed",
        100 * num(m, "http_req_failed", "value"),
        (long long)json_integer_value(
            json_object_get(json_object_get(m, "http_req_failed"), "passes")),
        (long long)json_integer_value(json_object_get(json_object_get(m, "http_reqs"), "count")));
    fprintf(out, "  %-22s %.2f%%  (%lld passed, %lld failed)\n", "checks",
            100 * num(m, "checks", "value"),
            (long long)json_integer_value(json_object_get(json_object_get(m, "checks"), "passes")),
            (long long)json_integer_value(json_object_get(json_object_get(m, "checks"), "fails")));
    fprintf(
        out, "  %-22s %lld  %.1f/s\n", "iterations",
        (long long)json_integer_value(json_object_get(json_object_get(m, "iterations"), "count")),
        num(m, "iterations", "rate"));
    const json_t *groups = json_object_get(json_object_get(sum, "root_group"), "groups");
    if (json_object_get(m, "iteration_duration") && json_object_size(groups) > 1)
        print_dur(out, "iteration_duration", json_object_get(m, "iteration_duration"));
    if (json_object_size(groups) > 1) {
        const char *name;
        json_t *g;
        json_object_foreach((json_t *)groups, name, g) {
            char label[64];
            snprintf(label, sizeof label, "{group:%.40s}", name);
            print_dur(out, label, json_object_get(g, "http_req_duration"));
        }
    }
    const json_t *om = json_object_get(sum, "open_model");
    if (json_is_object(om)) {
        print_dur(out, "service_time", json_object_get(om, "service_time"));
        print_dur(out, "send_lag", json_object_get(om, "send_lag"));
        fprintf(out, "  %-22s %lld\n", "dropped_iterations",
                (long long)json_integer_value(json_object_get(om, "dropped_iterations")));
    }
    const json_t *errs = json_object_get(sum, "errors");
    const char *k;
    json_t *v;
    fprintf(out, "  %-22s", "errors");
    json_object_foreach((json_t *)errs, k, v)
        fprintf(out, " %s=%lld", k, (long long)json_integer_value(v));
    fprintf(out, "\n");
    const json_t *drv = json_object_get(sum, "driver");
    if (drv)
        fprintf(out, "  %-22s cpu user %.2fs sys %.2fs, rss %lld kB, busiest thread %.0f%%%s\n",
                "driver", num(sum, "driver", "cpu_user_s"), num(sum, "driver", "cpu_sys_s"),
                (long long)json_integer_value(json_object_get(drv, "rss_max_kb")),
                100 * num(sum, "driver", "busiest_thread_util"),
                json_is_true(json_object_get(drv, "saturated")) ? " (SATURATED)" : "");
    const json_t *td = json_object_get(sum, "teardown");
    if (json_object_size(td)) {
        fprintf(out, "  %-22s", "teardown");
        json_object_foreach((json_t *)td, k, v)
            fprintf(out, " %s=%s", k, json_is_string(v) ? json_string_value(v) : "null");
        fprintf(out, "\n");
    }
    const json_t *th = json_object_get(sum, "thresholds");
    json_object_foreach((json_t *)th, k, v)
        fprintf(out, "  %s %s\n", json_is_true(json_object_get(v, "ok")) ? "ok  " : "FAIL", k);
}
