/* Evaluating the study's claims against a computed report. */
#include "lab/report/claims.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "lab/report/latex.h"

const char *claim_status_name(claim_status_t s) {
    return s == CLAIM_HOLDS          ? "holds"
           : s == CLAIM_FAILS        ? "fails"
           : s == CLAIM_INCONCLUSIVE ? "inconclusive"
                                     : "not measured";
}

static int compare(double x, const char *op, double t, bool *ok) {
    if (!strcmp(op, ">="))
        *ok = x >= t;
    else if (!strcmp(op, ">"))
        *ok = x > t;
    else if (!strcmp(op, "<="))
        *ok = x <= t;
    else if (!strcmp(op, "<"))
        *ok = x < t;
    else if (!strcmp(op, "=="))
        *ok = x == t;
    else
        return -1;
    return 0;
}

/* The rule on an estimate: three-valued on its interval (both ends on the
 * claimed side: holds; both on the other side: fails; else, or without an
 * interval, inconclusive), or (point_only) two-valued on the point estimate. */
static int judge(double point, stats_interval_t ci, const char *op, double t, bool point_only,
                 claim_status_t *st) {
    bool ok;
    if (point_only) {
        if (compare(point, op, t, &ok) != 0)
            return -1;
        *st = ok ? CLAIM_HOLDS : CLAIM_FAILS;
        return 0;
    }
    if (compare(point, op, t, &ok) != 0)
        return -1; /* checks the operator */
    if (isnan(ci.lo) || isnan(ci.hi)) {
        *st = CLAIM_INCONCLUSIVE;
        return 0;
    }
    bool lo_ok, hi_ok;
    compare(ci.lo, op, t, &lo_ok);
    compare(ci.hi, op, t, &hi_ok);
    if (lo_ok && hi_ok)
        *st = CLAIM_HOLDS;
    else if (!lo_ok && !hi_ok && (op[0] != '=' || ci.hi < t || ci.lo > t))
        *st = CLAIM_FAILS;
    else
        *st = CLAIM_INCONCLUSIVE;
    return 0;
}

/* The worse of two verdicts: fails > inconclusive > holds (not measured is
 * handled by the caller). */
static claim_status_t worse(claim_status_t a, claim_status_t b) {
    if (a == CLAIM_FAILS || b == CLAIM_FAILS)
        return CLAIM_FAILS;
    if (a == CLAIM_INCONCLUSIVE || b == CLAIM_INCONCLUSIVE)
        return CLAIM_INCONCLUSIVE;
    return CLAIM_HOLDS;
}

/* " (96.8 %, 5/5 runs)", " (too few runs, 2/5 runs)" */
static void cov_text(char *buf, size_t len, const stats_interval_t *ci, size_t na, size_t nb,
                     bool ratio) {
    char runs[48];
    if (ratio)
        snprintf(runs, sizeof runs, "%zu/%zu runs", na, nb);
    else
        snprintf(runs, sizeof runs, "%zu runs", na);
    if (ci->coverage > 0)
        snprintf(buf, len, " (%.3g %%, %s)", ci->coverage * 100, runs);
    else
        snprintf(buf, len, " (%s, %s)", ci->method ? ci->method : "no interval", runs);
}

/* Appends printf-style text to a growing string. */
static void appendf(char **s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void appendf(char **s, const char *fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    size_t old = *s ? strlen(*s) : 0;
    char *grown = xrealloc(*s, old + strlen(buf) + 1);
    if (!grown)
        return;
    memcpy(grown + old, buf, strlen(buf) + 1);
    *s = grown;
}

/* Records that a claim reads the cell a metric spec resolves to. */
static void add_cell(claim_result_t *c, const report_t *rep, const metric_spec_t *m) {
    const results_cell_t *cell = metric_cell(m, rep->results, rep->cfg.default_config);
    if (!cell)
        return;
    for (size_t i = 0; i < c->ncells; i++)
        if (c->cells[i] == cell)
            return;
    const results_cell_t **grown = xrealloc(c->cells, (c->ncells + 1) * sizeof *grown);
    if (!grown)
        return;
    c->cells = grown;
    c->cells[c->ncells++] = cell;
}

/* Evaluates one rule: returns its status and appends our number to claim->ours. */
static int eval_rule(const json_t *rule, const char *where, const report_t *rep, claim_status_t *st,
                     claim_result_t *claim, bool point_only, claims_metric_t metric, char *err,
                     size_t errlen) {
    char **ours = &claim->ours;
    json_t *op = json_object_get(rule, "op"), *th = json_object_get(rule, "threshold");
    if (!json_is_string(op) || !json_is_number(th)) {
        snprintf(err, errlen, "%s: needs \"op\" (>=, >, <=, <, ==) and a number \"threshold\"",
                 where);
        return -1;
    }
    double t = json_number_value(th);
    const char *o = json_string_value(op);
    claim_status_t v = CLAIM_HOLDS;
    char a[64], b[64], c[64], cov[96];
    json_t *cmp = json_object_get(rule, "comparison"), *val = json_object_get(rule, "value"),
           *pre = json_object_get(rule, "comparisons_prefix");
    if (json_is_string(cmp)) {
        const report_ratio_t *r = report_find_ratio(rep, json_string_value(cmp));
        if (!r) {
            snprintf(err, errlen, "%s.comparison: no comparison \"%s\" in %s", where,
                     json_string_value(cmp), rep->cfg.path);
            return -1;
        }
        report_ratio_t twin;
        if (metric == CLAIMS_METRIC_CPU && report_demand_ratio(rep, r, &twin))
            r = &twin; /* judged by CPU us per request; ours says "(cpu)" */
        add_cell(claim, rep, &r->num);
        add_cell(claim, rep, &r->den);
        const char *by = r == &twin ? " (cpu)" : "";
        if (isnan(r->ratio)) {
            *st = CLAIM_NOT_MEASURED;
            appendf(ours, "%s%s: not measured%s", *ours ? "; " : "", r->id,
                    *by ? " (cpu: no box statistics?)" : "");
            return 0;
        }
        if (judge(r->ratio, r->ci, o, t, point_only, &v) != 0)
            goto bad_op;
        cov_text(cov, sizeof cov, &r->ci, r->nnum, r->nden, true);
        appendf(ours, "%s%sx [%s, %s]%s%s", *ours ? "; " : "", latex_sig3(r->ratio, a, sizeof a),
                latex_sig3(r->ci.lo, b, sizeof b), latex_sig3(r->ci.hi, c, sizeof c), cov, by);
    } else if (json_is_string(val)) {
        const report_value_t *x = report_find_value(rep, json_string_value(val));
        if (!x) {
            snprintf(err, errlen, "%s.value: no value \"%s\" in %s", where, json_string_value(val),
                     rep->cfg.path);
            return -1;
        }
        add_cell(claim, rep, &x->spec);
        if (x->s.n == 0) {
            *st = CLAIM_NOT_MEASURED;
            appendf(ours, "%s%s: not measured", *ours ? "; " : "", x->id);
            return 0;
        }
        if (judge(x->s.median, x->s.median_ci, o, t, point_only, &v) != 0)
            goto bad_op;
        const char *unit = metric_unit(&x->spec);
        cov_text(cov, sizeof cov, &x->s.median_ci, x->s.n, 0, false);
        appendf(ours, "%s%s%s%s [%s, %s]%s", *ours ? "; " : "",
                latex_sig3(x->s.median, a, sizeof a), *unit ? " " : "", unit,
                latex_sig3(x->s.median_ci.lo, b, sizeof b),
                latex_sig3(x->s.median_ci.hi, c, sizeof c), cov);
    } else if (json_is_string(pre)) {
        size_t plen = strlen(json_string_value(pre)), n = 0, passing = 0, failing = 0;
        bool cpu_used = false;
        double worst = NAN;
        report_ratio_t worst_r = {0}; /* a copy: r may point at the loop's CPU twin */
        for (size_t i = 0; i < rep->nratios; i++) {
            const report_ratio_t *r = &rep->ratios[i];
            if (strncmp(r->id, json_string_value(pre), plen) != 0)
                continue;
            report_ratio_t twin;
            if (metric == CLAIMS_METRIC_CPU && report_demand_ratio(rep, r, &twin))
                r = &twin, cpu_used = true;
            if (isnan(r->ratio))
                continue;
            add_cell(claim, rep, &r->num);
            add_cell(claim, rep, &r->den);
            claim_status_t one;
            if (judge(r->ratio, r->ci, o, t, point_only, &one) != 0)
                goto bad_op;
            n++;
            passing += one == CLAIM_HOLDS;
            failing += one == CLAIM_FAILS;
            v = worse(v, one);
            /* the ratio closest to breaking the rule */
            bool upper = o[0] == '<';
            if (isnan(worst) || (upper ? r->ratio > worst : r->ratio < worst)) {
                worst = r->ratio;
                worst_r = *r;
            }
        }
        if (n == 0) {
            *st = CLAIM_NOT_MEASURED;
            appendf(ours, "%s%s*: not measured", *ours ? "; " : "", json_string_value(pre));
            return 0;
        }
        cov_text(cov, sizeof cov, &worst_r.ci, worst_r.nnum, worst_r.nden, true);
        appendf(ours, "%s%zu of %zu hold, %zu fail; worst %sx [%s, %s]%s%s", *ours ? "; " : "",
                passing, n, failing, latex_sig3(worst, a, sizeof a),
                latex_sig3(worst_r.ci.lo, b, sizeof b), latex_sig3(worst_r.ci.hi, c, sizeof c), cov,
                cpu_used ? " (cpu)" : "");
    } else {
        snprintf(err, errlen, "%s: needs \"comparison\", \"value\" or \"comparisons_prefix\"",
                 where);
        return -1;
    }
    if (*st != CLAIM_NOT_MEASURED)
        *st = worse(*st, v);
    return 0;
bad_op:
    snprintf(err, errlen, "%s.op: \"%s\" is not one of >=, >, <=, <, ==", where, o);
    return -1;
}

/* "min-max" of the study's numbers (ratios num/den across implementations, or
 * one row's values); NULL when the published data lacks them. */
static char *their_from_published(const report_t *rep, const json_t *spec) {
    json_t *num = json_object_get(spec, "num"), *den = json_object_get(spec, "den"),
           *val = json_object_get(spec, "value");
    const json_t *rn = json_is_string(num)   ? report_published_row(rep, json_string_value(num))
                       : json_is_string(val) ? report_published_row(rep, json_string_value(val))
                                             : NULL;
    const json_t *rd =
        json_is_string(den) ? report_published_row(rep, json_string_value(den)) : NULL;
    if (!rn || (json_is_string(den) && !rd))
        return NULL;
    json_t *an = json_object_get(rn, "rps"), *ad = rd ? json_object_get(rd, "rps") : NULL;
    double lo = INFINITY, hi = -INFINITY;
    size_t n = json_array_size(an);
    for (size_t i = 0; i < n; i++) {
        double x = json_number_value(json_array_get(an, i));
        if (ad) {
            double d = json_number_value(json_array_get(ad, i));
            x = d != 0 ? x / d : NAN;
        }
        if (isfinite(x)) {
            lo = x < lo ? x : lo;
            hi = x > hi ? x : hi;
        }
    }
    if (!(lo <= hi))
        return NULL;
    char a[64], b[64], *out = NULL;
    if (ad) {
        appendf(&out, "%s-%sx (%zu frameworks)", latex_sig3(lo, a, sizeof a),
                latex_sig3(hi, b, sizeof b), n);
    } else {
        /* published values are whole requests per second */
        appendf(&out, "%.0f-%.0f RPS (%zu frameworks)", lo, hi, n);
    }
    return out;
}

int claims_evaluate(claims_t *out, const json_t *root, const char *path, const report_t *rep,
                    char *err, size_t errlen) {
    return claims_evaluate_opts(out, root, path, rep, false, err, errlen);
}

int claims_evaluate_opts(claims_t *out, const json_t *root, const char *path, const report_t *rep,
                         bool point_only, char *err, size_t errlen) {
    return claims_evaluate_metric(out, root, path, rep, point_only, CLAIMS_METRIC_RPS, err, errlen);
}

const char *claims_metric_name(claims_metric_t m) {
    return m == CLAIMS_METRIC_CPU ? "cpu" : "rps";
}

int claims_metric_parse(const char *s, claims_metric_t *m) {
    if (!strcmp(s, "rps"))
        *m = CLAIMS_METRIC_RPS;
    else if (!strcmp(s, "cpu"))
        *m = CLAIMS_METRIC_CPU;
    else
        return -1;
    return 0;
}

int claims_evaluate_metric(claims_t *out, const json_t *root, const char *path, const report_t *rep,
                           bool point_only, claims_metric_t metric, char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    json_t *list = json_object_get(root, "claims");
    if (!json_is_array(list)) {
        snprintf(err, errlen, "%s: needs a \"claims\" array", path);
        return -1;
    }
    size_t n = json_array_size(list), i;
    out->items = n ? xcalloc(n, sizeof *out->items) : NULL;
    json_t *c;
    json_array_foreach(list, i, c) {
        char where[256];
        snprintf(where, sizeof where, "%s: claims[%zu]", path, i);
        json_t *id = json_object_get(c, "id"), *text = json_object_get(c, "claim"),
               *their = json_object_get(c, "their"), *tp = json_object_get(c, "their_published"),
               *rules = json_object_get(c, "rules");
        if (!json_is_string(id) || !json_is_string(text) || !json_is_array(rules) ||
            json_array_size(rules) == 0 || (!json_is_string(their) && !json_is_object(tp))) {
            snprintf(err, errlen,
                     "%s: needs \"id\", \"claim\", \"their\" (or \"their_published\") and a "
                     "non-empty \"rules\" array",
                     where);
            claims_free(out);
            return -1;
        }
        claim_result_t *r = &out->items[out->n++];
        r->id = xstrdup(json_string_value(id));
        r->claim = xstrdup(json_string_value(text));
        r->their = json_is_object(tp) ? their_from_published(rep, tp) : NULL;
        if (!r->their)
            r->their = xstrdup(json_is_string(their) ? json_string_value(their) : "n/a");
        r->status = CLAIM_HOLDS;
        size_t k;
        json_t *rule;
        json_array_foreach(rules, k, rule) {
            char w2[300];
            snprintf(w2, sizeof w2, "%s.rules[%zu]", where, k);
            claim_status_t st = CLAIM_HOLDS;
            if (eval_rule(rule, w2, rep, &st, r, point_only, metric, err, errlen) != 0) {
                claims_free(out);
                return -1;
            }
            if (st == CLAIM_NOT_MEASURED || r->status == CLAIM_NOT_MEASURED)
                r->status = CLAIM_NOT_MEASURED;
            else
                r->status = worse(r->status, st);
        }
        if (!r->ours)
            r->ours = xstrdup("");
        if (r->status == CLAIM_HOLDS)
            out->holds++;
        else if (r->status == CLAIM_FAILS)
            out->fails++;
        else if (r->status == CLAIM_INCONCLUSIVE)
            out->inconclusive++;
        else
            out->not_measured++;
    }
    return 0;
}

void claims_free(claims_t *c) {
    for (size_t i = 0; i < c->n; i++) {
        free(c->items[i].id);
        free(c->items[i].claim);
        free(c->items[i].their);
        free(c->items[i].ours);
        free(c->items[i].cells);
    }
    free(c->items);
    memset(c, 0, sizeof *c);
}
