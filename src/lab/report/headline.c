/* The headline comparison: the implementations measured here side by side per
 * scenario, their ranking, and whether the order of the rank pair agrees with
 * the study's published numbers (comparisons.json "headline", docs/report.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "lab/report/report.h"

const char *report_hl_agree_name(hl_agree_t a) {
    switch (a) {
    case HL_AGREE:
        return "yes";
    case HL_DISAGREE:
        return "no";
    case HL_NOT_MEASURED:
        return "not measured";
    case HL_NOT_PUBLISHED:
        return "not published";
    case HL_SPLIT:
        return "split";
    }
    return "?";
}

static int impl_index(const report_headline_t *hl, const json_t *id) {
    for (size_t i = 0; json_is_string(id) && i < hl->nimpls; i++)
        if (!strcmp(hl->impls[i].id, json_string_value(id)))
            return (int)i;
    return -1;
}

static int parse_impls(report_headline_t *hl, const json_t *list, const char *path, char *err,
                       size_t errlen) {
    if (json_array_size(list) > REPORT_HL_MAX_IMPL) {
        snprintf(err, errlen, "%s: headline.implementations: at most %d", path, REPORT_HL_MAX_IMPL);
        return -1;
    }
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e) {
        json_t *id = json_object_get(e, "id"), *cf = json_object_get(e, "config"),
               *label = json_object_get(e, "label"), *pub = json_object_get(e, "published");
        if (!json_is_string(id) || !json_is_string(cf) || (label && !json_is_string(label)) ||
            (pub && !json_is_array(pub)) || json_array_size(pub) > REPORT_HL_MAX_PUB) {
            snprintf(err, errlen,
                     "%s: headline.implementations[%zu]: needs \"id\" and \"config\" strings "
                     "(\"label\" a string, \"published\" an array of at most %d names)",
                     path, i, REPORT_HL_MAX_PUB);
            return -1;
        }
        if (impl_index(hl, id) >= 0) {
            snprintf(err, errlen, "%s: headline.implementations[%zu]: duplicate id \"%s\"", path, i,
                     json_string_value(id));
            return -1;
        }
        report_hl_impl_t *im = &hl->impls[hl->nimpls++];
        im->id = json_string_value(id);
        im->config = json_string_value(cf);
        im->label = label ? json_string_value(label) : im->id;
        for (size_t k = 0; k < json_array_size(pub); k++) {
            json_t *n = json_array_get(pub, k);
            if (!json_is_string(n)) {
                snprintf(err, errlen,
                         "%s: headline.implementations[%zu].published[%zu]: not a "
                         "string",
                         path, i, k);
                return -1;
            }
            im->pub[im->npub++] = json_string_value(n);
        }
    }
    return 0;
}

/* Reads the config part (no statistics): implementations, rows, rank pair,
 * and checks the ratios name known implementations. */
static int parse(const report_t *rep, report_headline_t *hl, char *err, size_t errlen) {
    memset(hl, 0, sizeof *hl);
    hl->pair_a = hl->pair_b = -1;
    const char *path = rep->cfg.path ? rep->cfg.path : "config";
    json_t *h = json_object_get(rep->cfg.root, "headline");
    if (!h)
        return 0;
    if (parse_impls(hl, json_object_get(h, "implementations"), path, err, errlen) != 0)
        return -1;
    json_t *list = json_object_get(h, "scenarios");
    hl->rows = json_array_size(list) ? xcalloc(json_array_size(list), sizeof *hl->rows) : NULL;
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e) {
        json_t *id = json_object_get(e, "id"), *sc = json_object_get(e, "scenario"),
               *label = json_object_get(e, "label"), *pub = json_object_get(e, "published");
        if (!json_is_string(id) || !json_is_string(sc) || (label && !json_is_string(label)) ||
            (pub && !json_is_string(pub))) {
            snprintf(err, errlen,
                     "%s: headline.scenarios[%zu]: needs \"id\" and \"scenario\" strings "
                     "(\"label\" and \"published\" strings)",
                     path, i);
            return -1;
        }
        report_hl_row_t *r = &hl->rows[hl->nrows++];
        r->id = json_string_value(id);
        r->scenario = json_string_value(sc);
        r->label = label ? json_string_value(label) : r->scenario;
        r->published = pub ? json_string_value(pub) : NULL;
    }
    json_array_foreach(json_object_get(h, "ratios"), i, e) {
        if (impl_index(hl, json_object_get(e, "num")) < 0 ||
            impl_index(hl, json_object_get(e, "den")) < 0) {
            snprintf(err, errlen,
                     "%s: headline.ratios[%zu]: \"num\" and \"den\" must name implementations",
                     path, i);
            return -1;
        }
    }
    json_t *pair = json_object_get(h, "rank_pair");
    if (pair) {
        hl->pair_a = impl_index(hl, json_object_get(pair, "a"));
        hl->pair_b = impl_index(hl, json_object_get(pair, "b"));
        if (hl->pair_a < 0 || hl->pair_b < 0 || hl->pair_a == hl->pair_b ||
            !hl->impls[hl->pair_a].npub || !hl->impls[hl->pair_b].npub) {
            snprintf(err, errlen,
                     "%s: headline.rank_pair: \"a\" and \"b\" must name two different "
                     "implementations that have \"published\" names",
                     path);
            return -1;
        }
    }
    return 0;
}

int report_headline_parse(const report_t *rep, report_headline_t *hl, char *err, size_t errlen) {
    if (parse(rep, hl, err, errlen) == 0)
        return 0;
    report_headline_free(hl);
    return -1;
}

/* The study's number for column `name` of row `row_id` (NaN when absent). */
static double published_value(const json_t *published, const char *row_id, const char *name) {
    json_t *impls = json_object_get(published, "implementations");
    size_t col = (size_t)-1, i;
    json_t *e;
    json_array_foreach(impls, i, e) {
        if (json_is_string(e) && !strcmp(json_string_value(e), name))
            col = i;
    }
    json_array_foreach(json_object_get(published, "rows"), i, e) {
        json_t *id = json_object_get(e, "id");
        if (json_is_string(id) && !strcmp(json_string_value(id), row_id)) {
            json_t *v = json_array_get(json_object_get(e, "rps"), col);
            return json_is_number(v) ? json_number_value(v) : NAN;
        }
    }
    return NAN;
}

typedef struct {
    const char *name;
    double v;
    size_t idx;
} named_t;

static int by_value_desc(const void *a, const void *b) {
    const named_t *x = a, *y = b;
    if (x->v != y->v)
        return x->v < y->v ? 1 : -1;
    return strcmp(x->name, y->name);
}

static void append(char *buf, size_t len, const char *s) {
    size_t k = strlen(buf);
    snprintf(buf + k, len - k, "%s", s);
}

/* The study's order of the rank pair: +1 a ahead of b in every published
 * variant, -1 b ahead, 0 split; NaN-free values only. Writes its text. */
static int study_order(const report_t *rep, const report_headline_t *hl, report_hl_row_t *r) {
    const report_hl_impl_t *a = &hl->impls[hl->pair_a], *b = &hl->impls[hl->pair_b];
    named_t v[2 * REPORT_HL_MAX_PUB];
    size_t n = 0;
    double amin = INFINITY, amax = -INFINITY, bmin = INFINITY, bmax = -INFINITY;
    for (size_t k = 0; k < a->npub; k++) {
        double x = published_value(rep->published, r->published, a->pub[k]);
        if (isnan(x))
            return 2;
        v[n++] = (named_t){a->pub[k], x, 0};
        amin = fmin(amin, x), amax = fmax(amax, x);
    }
    for (size_t k = 0; k < b->npub; k++) {
        double x = published_value(rep->published, r->published, b->pub[k]);
        if (isnan(x))
            return 2;
        v[n++] = (named_t){b->pub[k], x, 0};
        bmin = fmin(bmin, x), bmax = fmax(bmax, x);
    }
    int order = amin > bmax ? 1 : bmin > amax ? -1 : 0;
    r->study[0] = '\0';
    if (order != 0) {
        snprintf(r->study, sizeof r->study, "%s > %s", order > 0 ? a->label : b->label,
                 order > 0 ? b->label : a->label);
        return order;
    }
    /* split: the variants in the study's order, e.g. "split: FastAPI-P > Express > FastAPI-S" */
    qsort(v, n, sizeof v[0], by_value_desc);
    append(r->study, sizeof r->study, "split: ");
    for (size_t k = 0; k < n; k++) {
        append(r->study, sizeof r->study, k ? " > " : "");
        append(r->study, sizeof r->study, v[k].name);
    }
    return 0;
}

/* Whether our interval of median(a)/median(b) lies on one side of 1. */
static bool pair_sure(const report_t *rep, const report_headline_t *hl, const report_hl_row_t *r) {
    const report_hl_impl_t *a = &hl->impls[hl->pair_a], *b = &hl->impls[hl->pair_b];
    char id[512];
    snprintf(id, sizeof id, "hl/%s/%s-%s", r->id, a->id, b->id);
    const report_ratio_t *x = report_find_ratio(rep, id);
    if (!x) { /* an interval of b/a excluding 1 answers the same question */
        snprintf(id, sizeof id, "hl/%s/%s-%s", r->id, b->id, a->id);
        x = report_find_ratio(rep, id);
    }
    return x && isfinite(x->ci.lo) && isfinite(x->ci.hi) && (x->ci.lo > 1 || x->ci.hi < 1);
}

static void rank_row(const report_t *rep, report_headline_t *hl, report_hl_row_t *r) {
    named_t v[REPORT_HL_MAX_IMPL];
    size_t n = 0;
    for (size_t k = 0; k < hl->nimpls; k++) {
        r->cells[k] = report_find_cell(rep, r->scenario, hl->impls[k].config);
        if (r->cells[k] && r->cells[k]->rps.n == 0)
            r->cells[k] = NULL; /* only invalid runs: not measured */
        if (r->cells[k])
            v[n++] = (named_t){hl->impls[k].label, r->cells[k]->rps.median, k};
    }
    r->nmeasured = n;
    qsort(v, n, sizeof v[0], by_value_desc);
    r->ours[0] = '\0';
    for (size_t j = 0; j < n; j++) {
        append(r->ours, sizeof r->ours, j ? " > " : "");
        append(r->ours, sizeof r->ours, v[j].name);
        r->pos[v[j].idx] = (int)j + 1;
    }
    if (n == 0)
        snprintf(r->ours, sizeof r->ours, "not measured");
    for (size_t k = 0; k < hl->nimpls; k++)
        hl->first[k] += n > 0 && r->pos[k] == 1;

    if (hl->pair_a < 0)
        return;
    int study = r->published && rep->published ? study_order(rep, hl, r) : 2;
    if (study == 2)
        snprintf(r->study, sizeof r->study, "not published");
    const report_cell_t *ca = r->cells[hl->pair_a], *cb = r->cells[hl->pair_b];
    if (study == 2)
        r->agree = HL_NOT_PUBLISHED;
    else if (!ca || !cb)
        r->agree = HL_NOT_MEASURED;
    else if (study == 0)
        r->agree = HL_SPLIT;
    else {
        int ours = ca->rps.median > cb->rps.median ? 1 : ca->rps.median < cb->rps.median ? -1 : 0;
        r->agree = ours == study ? HL_AGREE : HL_DISAGREE;
        r->sure = pair_sure(rep, hl, r);
        hl->compared++;
        hl->agree += r->agree == HL_AGREE;
        hl->disagree += r->agree == HL_DISAGREE;
        hl->agree_sure += r->agree == HL_AGREE && r->sure;
        hl->disagree_sure += r->agree == HL_DISAGREE && r->sure;
    }
}

int report_headline_compute(const report_t *rep, report_headline_t *hl, char *err, size_t errlen) {
    if (report_headline_parse(rep, hl, err, errlen) != 0)
        return -1;
    for (size_t i = 0; i < hl->nrows; i++)
        rank_row(rep, hl, &hl->rows[i]);
    return 0;
}

void report_headline_free(report_headline_t *hl) {
    free(hl->rows);
    memset(hl, 0, sizeof *hl);
    hl->pair_a = hl->pair_b = -1;
}
