/* prose/<id> macros: a direction word per comparison, from its interval (prose.h). */
#include "lab/report/prose.h"

#include <math.h>
#include <string.h>

#include "lab/report/latex.h"

const char *report_prose_choice(double lo, double hi, const char *above, const char *below,
                                const char *neither) {
    if (isfinite(lo) && isfinite(hi) && lo > 1)
        return above;
    if (isfinite(lo) && isfinite(hi) && hi < 1)
        return below;
    return neither;
}

static const report_ratio_t *find_ratio(const report_t *rep, const char *id) {
    for (size_t i = 0; i < rep->nratios; i++)
        if (!strcmp(rep->ratios[i].id, id))
            return &rep->ratios[i];
    return NULL;
}

void report_prose_keys(FILE *f, const report_t *rep) {
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(rep->cfg.root, "prose"), i, p) {
        json_t *id = json_object_get(p, "id"), *cmp = json_object_get(p, "comparison"),
               *above = json_object_get(p, "above"), *below = json_object_get(p, "below"),
               *neither = json_object_get(p, "neither");
        if (!json_is_string(id) || !json_is_string(cmp) || !json_is_string(above) ||
            !json_is_string(below) || !json_is_string(neither))
            continue;
        const report_ratio_t *r = find_ratio(rep, json_string_value(cmp));
        if (!r || !isfinite(r->ratio))
            continue; /* not measured: the text prints the missing-key mark */
        const char *w = report_prose_choice(r->ci.lo, r->ci.hi, json_string_value(above),
                                            json_string_value(below), json_string_value(neither));
        fprintf(f, "\\blset{prose/%s}{", json_string_value(id));
        latex_escape(f, w);
        fputs("}\n", f);
    }
}
