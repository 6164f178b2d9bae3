/* benchlab-load merge / inspect: summaries combined by adding histograms and counts;
 * every percentile is recomputed from the merged histograms, never averaged. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load/summary.h"

static json_t *load(const char *file) {
    json_error_t e;
    json_t *j = json_load_file(file, 0, &e);
    if (!j)
        fprintf(stderr, "benchlab-load: %s: line %d: %s\n", file, e.line, e.text);
    else if (!json_is_object(json_object_get(j, "metrics")) ||
             !json_is_object(json_object_get(j, "histograms"))) {
        fprintf(stderr, "benchlab-load: %s: not a benchlab-load summary (no metrics/histograms)\n",
                file);
        json_decref(j);
        j = NULL;
    }
    return j;
}

static json_int_t ival(const json_t *o, const char *a, const char *b) {
    return json_integer_value(json_object_get(json_object_get(o, a), b));
}

/* Adds histogram JSON src into *dst (created on first use). */
static int add_hist(json_t **dst, const json_t *src, const char *file, const char *what) {
    hist_t a, b;
    char err[256];
    if (!src)
        return 0;
    if (hist_from_json(&b, src, err, sizeof err)) {
        fprintf(stderr, "benchlab-load: %s: %s: %s\n", file, what, err);
        return -1;
    }
    if (*dst) {
        if (hist_from_json(&a, *dst, err, sizeof err) || hist_merge(&a, &b)) {
            fprintf(stderr, "benchlab-load: %s: %s: histograms with different layouts\n", file,
                    what);
            hist_free(&b);
            return -1;
        }
        json_decref(*dst);
        *dst = hist_to_json(&a);
        hist_free(&a);
    } else {
        *dst = hist_to_json(&b);
    }
    hist_free(&b);
    return 0;
}

/* Adds integer fields of src.<key> into dst.<key> */
static void add_ints(json_t *dst, const json_t *src, const char *const *keys) {
    for (; *keys; keys++) {
        json_int_t v = json_integer_value(json_object_get(dst, *keys)) +
                       json_integer_value(json_object_get(src, *keys));
        json_object_set_new(dst, *keys, json_integer(v));
    }
}

static void fix_rate(json_t *rate_obj) {
    double p = (double)json_integer_value(json_object_get(rate_obj, "passes"));
    double f = (double)json_integer_value(json_object_get(rate_obj, "fails"));
    json_object_set_new(rate_obj, "value", json_real(p + f > 0 ? p / (p + f) : 0));
}

static const char *const rate_keys[] = {"passes", "fails", NULL};

/* Merges a metric block (http_reqs, http_req_failed, checks, iterations) */
static void add_block(json_t *dst, const json_t *src) {
    static const char *const count_keys[] = {"count", NULL};
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)src, k, v) {
        json_t *d = json_object_get(dst, k);
        if (!d) {
            json_object_set_new(dst, k, json_deep_copy(v));
            continue;
        }
        if (strcmp(k, "http_reqs") == 0 || strcmp(k, "iterations") == 0)
            add_ints(d, v, count_keys);
        else if (strcmp(k, "http_req_failed") == 0 || strcmp(k, "checks") == 0)
            add_ints(d, v, rate_keys);
        else if (strcmp(k, "checks_by_name") == 0) {
            const char *n;
            json_t *c;
            json_object_foreach(v, n, c) {
                json_t *dc = json_object_get(d, n);
                if (dc)
                    add_ints(dc, c, rate_keys);
                else
                    json_object_set_new(d, n, json_deep_copy(c));
            }
        } else if (strcmp(k, "requests") == 0) {
            const char *n;
            json_t *c;
            json_object_foreach(v, n, c) {
                json_t *dc = json_object_get(d, n);
                if (dc)
                    add_block(dc, c);
                else
                    json_object_set_new(d, n, json_deep_copy(c));
            }
        }
    }
}

/* Recomputes derived fields of a block from counts, the duration and a histogram. */
static void finish_block(json_t *b, const json_t *hist, double duration_s) {
    const char *k;
    json_t *v;
    json_object_foreach(b, k, v) {
        if (strcmp(k, "http_reqs") == 0 || strcmp(k, "iterations") == 0) {
            double c = (double)json_integer_value(json_object_get(v, "count"));
            json_object_set_new(v, "rate", json_real(duration_s > 0 ? c / duration_s : 0));
        } else if (strcmp(k, "http_req_failed") == 0 || strcmp(k, "checks") == 0) {
            fix_rate(v);
        } else if (strcmp(k, "checks_by_name") == 0) {
            const char *n;
            json_t *c;
            json_object_foreach(v, n, c) fix_rate(c);
        }
    }
    if (hist) {
        hist_t h;
        char err[64];
        if (hist_from_json(&h, hist, err, sizeof err) == 0) {
            json_object_set_new(b, "http_req_duration", summary_duration_json(&h));
            hist_free(&h);
        }
    }
}

int summary_merge_files(char **files, int n, const char *out, int parallel) {
    json_t *res = NULL;
    json_t *h_all = NULL, *h_service = NULL, *h_lag = NULL, *h_iter = NULL,
           *h_groups = json_object(), *h_reqs = json_object();
    double duration = 0, start = 0;
    int rc = 1;
    json_t *sources = json_array();
    for (int i = 0; i < n; i++) {
        json_t *j = load(files[i]);
        if (!j)
            goto done;
        json_array_append_new(sources, json_string(files[i]));
        json_t *hs = json_object_get(j, "histograms");
        if (add_hist(&h_all, json_object_get(hs, "http_req_duration"), files[i],
                     "histograms.http_req_duration") ||
            add_hist(&h_service, json_object_get(hs, "service_time"), files[i],
                     "histograms.service_time") ||
            add_hist(&h_lag, json_object_get(hs, "send_lag"), files[i], "histograms.send_lag") ||
            add_hist(&h_iter, json_object_get(hs, "iteration_duration"), files[i],
                     "histograms.iteration_duration")) {
            json_decref(j);
            goto done;
        }
        for (int pass = 0; pass < 2; pass++) {
            json_t *src = json_object_get(hs, pass ? "requests" : "groups");
            json_t *dst = pass ? h_reqs : h_groups;
            const char *k;
            json_t *v;
            json_object_foreach(src, k, v) {
                json_t *cur = json_incref(json_object_get(dst, k));
                if (add_hist(&cur, v, files[i], k)) {
                    json_decref(cur);
                    json_decref(j);
                    goto done;
                }
                json_object_set_new(dst, k, cur);
            }
        }
        double d = json_number_value(json_object_get(json_object_get(j, "timing"), "duration_s"));
        double st = (double)ival(j, "timing", "start_unix_ms");
        duration = parallel ? fmax(duration, d) : duration + d;
        if (i == 0 || st < start)
            start = st;
        if (!res) {
            res = j;
            continue;
        }
        add_block(json_object_get(res, "metrics"), json_object_get(j, "metrics"));
        json_t *rg = json_object_get(json_object_get(res, "root_group"), "groups");
        const char *gname;
        json_t *g;
        json_object_foreach(json_object_get(json_object_get(j, "root_group"), "groups"), gname, g) {
            json_t *dg = json_object_get(rg, gname);
            if (dg)
                add_block(dg, g);
            else
                json_object_set_new(rg, gname, json_deep_copy(g));
        }
        json_t *errs = json_object_get(res, "errors");
        const char *k;
        json_t *v;
        json_object_foreach(json_object_get(j, "errors"), k, v) json_object_set_new(
            errs, k,
            json_integer(json_integer_value(json_object_get(errs, k)) + json_integer_value(v)));
        json_t *om = json_object_get(res, "open_model"), *om2 = json_object_get(j, "open_model");
        if (json_is_object(om) && json_is_object(om2))
            json_object_set_new(
                om, "dropped_iterations",
                json_integer(json_integer_value(json_object_get(om, "dropped_iterations")) +
                             json_integer_value(json_object_get(om2, "dropped_iterations"))));
        json_t *drv = json_object_get(res, "driver"), *drv2 = json_object_get(j, "driver");
        if (drv && drv2) {
            json_object_set_new(drv, "cpu_user_s",
                                json_real(json_number_value(json_object_get(drv, "cpu_user_s")) +
                                          json_number_value(json_object_get(drv2, "cpu_user_s"))));
            json_object_set_new(drv, "cpu_sys_s",
                                json_real(json_number_value(json_object_get(drv, "cpu_sys_s")) +
                                          json_number_value(json_object_get(drv2, "cpu_sys_s"))));
            if (ival(j, "driver", "rss_max_kb") > ival(res, "driver", "rss_max_kb"))
                json_object_set(drv, "rss_max_kb", json_object_get(drv2, "rss_max_kb"));
            if (json_number_value(json_object_get(drv2, "busiest_thread_util")) >
                json_number_value(json_object_get(drv, "busiest_thread_util")))
                json_object_set(drv, "busiest_thread_util",
                                json_object_get(drv2, "busiest_thread_util"));
            if (json_is_true(json_object_get(drv2, "saturated")))
                json_object_set_new(drv, "saturated", json_true());
        }
        json_t *th = json_object_get(res, "thresholds");
        json_object_foreach(json_object_get(j, "thresholds"), k, v) if (!json_object_get(th, k))
            json_object_set_new(th, k, json_pack("{s:b}", "ok", 0));
        json_decref(j);
    }
    if (!res) {
        fprintf(stderr, "benchlab-load merge: no input\n");
        rc = 2;
        goto done;
    }
    json_t *hs = json_object_get(res, "histograms");
    json_object_set(hs, "http_req_duration", h_all);
    json_object_set(hs, "groups", h_groups);
    json_object_set(hs, "requests", h_reqs);
    finish_block(json_object_get(res, "metrics"), h_all, duration);
    const char *gname;
    json_t *g;
    json_object_foreach(json_object_get(json_object_get(res, "root_group"), "groups"), gname, g) {
        finish_block(g, json_object_get(h_groups, gname), duration);
        const char *rn;
        json_t *r;
        json_object_foreach(json_object_get(g, "requests"), rn, r) {
            char key[600];
            snprintf(key, sizeof key, "%.250s/%.300s", gname, rn);
            finish_block(r, json_object_get(h_reqs, key), duration);
        }
    }
    if (h_iter) {
        hist_t h;
        char err[64];
        json_object_set(hs, "iteration_duration", h_iter);
        if (hist_from_json(&h, h_iter, err, sizeof err) == 0) {
            json_object_set_new(json_object_get(res, "metrics"), "iteration_duration",
                                summary_duration_json(&h));
            hist_free(&h);
        }
    }
    json_t *om = json_object_get(res, "open_model");
    if (json_is_object(om)) {
        hist_t h;
        char err[64];
        if (h_service) {
            json_object_set(hs, "service_time", h_service);
            if (hist_from_json(&h, h_service, err, sizeof err) == 0) {
                json_object_set_new(om, "service_time", summary_duration_json(&h));
                hist_free(&h);
            }
        }
        if (h_lag) {
            json_object_set(hs, "send_lag", h_lag);
            if (hist_from_json(&h, h_lag, err, sizeof err) == 0) {
                json_object_set_new(om, "send_lag", summary_duration_json(&h));
                hist_free(&h);
            }
        }
    }
    json_object_set_new(
        res, "timing",
        json_pack("{s:I, s:f}", "start_unix_ms", (json_int_t)start, "duration_s", duration));
    json_object_set_new(res, "merged_from", json_incref(sources));
    json_object_set_new(res, "merge_mode", json_string(parallel ? "parallel" : "sequential"));
    int failed = summary_eval_thresholds(res);
    rc = summary_write(res, out) ? 1 : (failed ? 99 : 0);
done:
    json_decref(res);
    json_decref(h_all);
    json_decref(h_service);
    json_decref(h_lag);
    json_decref(h_iter);
    json_decref(h_groups);
    json_decref(h_reqs);
    json_decref(sources);
    return rc;
}

static void table_row(const char *label, const json_t *hist) {
    hist_t h;
    char err[256];
    if (hist_from_json(&h, hist, err, sizeof err)) {
        printf("%-28s (%s)\n", label, err);
        return;
    }
    static const double ps[] = {50, 90, 95, 99, 99.9, 99.99};
    printf("%-28s %10llu %9.3f", label, (unsigned long long)h.count, hist_mean(&h) / 1000);
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++)
        printf(" %9.3f", (double)hist_percentile(&h, ps[i]) / 1000);
    printf(" %9.3f\n", (double)h.max / 1000);
    hist_free(&h);
}

int summary_inspect_file(const char *file) {
    json_t *j = load(file);
    if (!j)
        return 1;
    json_t *hs = json_object_get(j, "histograms");
    printf("%-28s %10s %9s %9s %9s %9s %9s %9s %9s %9s\n", "latency (ms)", "count", "mean", "p50",
           "p90", "p95", "p99", "p99.9", "p99.99", "max");
    table_row("http_req_duration", json_object_get(hs, "http_req_duration"));
    if (json_object_get(hs, "iteration_duration"))
        table_row("iteration_duration", json_object_get(hs, "iteration_duration"));
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(hs, "groups"), k, v) {
        char label[64];
        snprintf(label, sizeof label, "{group:%.40s}", k);
        table_row(label, v);
    }
    json_object_foreach(json_object_get(hs, "requests"), k, v) {
        char label[64];
        snprintf(label, sizeof label, "  %.50s", k);
        table_row(label, v);
    }
    if (json_object_get(hs, "service_time"))
        table_row("service_time", json_object_get(hs, "service_time"));
    if (json_object_get(hs, "send_lag"))
        table_row("send_lag", json_object_get(hs, "send_lag"));
    printf("\n");
    summary_print(j, stdout);
    json_decref(j);
    return 0;
}
