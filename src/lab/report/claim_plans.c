/* A plan per claim from the run files of the cells it reads (claim_plans.h). */
#include "lab/report/claim_plans.h"

#include <errno.h>
#include <glob.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/fs.h"
#include "lab/report/report.h"
#include "lab/results/results.h"

/* The first run of a cell (valid ones first): its run file holds the
 * parameters every run of the cell shared. */
static const results_run_t *first_run(const results_cell_t *cell) {
    return cell->nvalid ? cell->valid[0] : cell->ninvalid ? cell->invalid[0] : NULL;
}

/* Copies params.<from> into entry.<to> when it is set (not null). */
static void copy_param(json_t *entry, const json_t *params, const char *from, const char *to) {
    json_t *v = json_object_get(params, from);
    if (v && !json_is_null(v))
        json_object_set(entry, to, v);
}

/* Does the configuration name carry its VU count ("...-vu200")? The plan
 * names a unit that way only when its entry gives "vus" (plan.c), so the
 * re-measured cell keeps its name only if the VUs go where they went. */
static bool config_names_vus(const char *config) {
    const char *p = strstr(config, "-vu");
    return p && p[3] >= '0' && p[3] <= '9';
}

/* The scenario id a plan should name for a cell: the cell's own when its file
 * exists; for results measured before a scenario was cut into one file per
 * variant (09, 11, 12, 13: "S@variant"), every variant, "S@*". */
static void plan_scenario(const char *scenarios_dir, const char *scenario, char *out, size_t len) {
    snprintf(out, len, "%s", scenario);
    if (!scenarios_dir || strchr(scenario, '@'))
        return;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.json", scenarios_dir, scenario);
    FILE *f = fopen(path, "r");
    if (f) {
        fclose(f);
        return;
    }
    snprintf(path, sizeof path, "%s/%s@*.json", scenarios_dir, scenario);
    glob_t g;
    if (glob(path, 0, NULL, &g) == 0 && g.gl_pathc > 0)
        snprintf(out, len, "%s@*", scenario);
    globfree(&g);
}

static json_t *cell_entry(const results_cell_t *cell, const char *scenarios_dir, json_t *defaults) {
    const results_run_t *run = first_run(cell);
    if (!run)
        return NULL;
    const json_t *params = json_object_get(run->root, "params");
    json_t *vus = json_object_get(params, "vus");
    bool vus_in_entry = config_names_vus(cell->config);
    if (!vus_in_entry && json_is_integer(vus)) {
        json_t *d = json_object_get(defaults, "vus");
        if (!d)
            json_object_set(defaults, "vus", vus);
        else if (!json_equal(d, vus))
            vus_in_entry = true; /* cells at other default loads: rare; names then differ */
    }
    const char *impl = json_string_value(json_object_get(run->root, "implementation"));
    char scenario[512];
    plan_scenario(scenarios_dir, cell->scenario, scenario, sizeof scenario);
    json_t *e =
        json_pack("{s:[s],s:s,s:i}", "scenarios", scenario, "implementation",
                  impl ? impl : "c-ulfius", "runs", (json_int_t)(cell->nvalid + cell->ninvalid));
    if (vus_in_entry)
        copy_param(e, params, "vus", "vus");
    copy_param(e, params, "duration_s", "duration");
    copy_param(e, params, "warmup_s", "warmup");
    copy_param(e, params, "rate", "rate");
    copy_param(e, params, "max_vus", "max_vus");
    copy_param(e, params, "threading", "threading");
    copy_param(e, params, "workers", "workers");
    if (strstr(cell->config, "-cpu")) /* named only when the plan set it (plan.c) */
        copy_param(e, params, "server_cpus", "server_cpus");
    copy_param(e, params, "db_pool", "db_pool");
    copy_param(e, params, "min_requests", "min_requests");
    return e;
}

json_t *claim_plan_json(const claim_result_t *c, const char *results_dir,
                        const char *scenarios_dir) {
    json_t *entries = json_array(), *defaults = json_object();
    for (size_t k = 0; k < c->ncells; k++) {
        json_t *e = cell_entry(c->cells[k], scenarios_dir, defaults);
        if (e)
            json_array_append_new(entries, e);
    }
    if (json_array_size(entries) == 0) {
        json_decref(entries);
        json_decref(defaults);
        return NULL;
    }
    char desc[2048];
    snprintf(desc, sizeof desc,
             "Re-measures the claim '%s' (%s): the %zu cell(s) its rules read in %s, each with "
             "the parameters and the number of runs it had there. Written by `benchlab claims "
             "--plans`.",
             c->id, c->claim, json_array_size(entries), results_dir);
    return json_pack("{s:s,s:o,s:o}", "description", desc, "defaults", defaults, "entries",
                     entries);
}

int claim_plans_write(const claims_t *claims, const char *results_dir, const char *scenarios_dir,
                      const char *dir, char *err, size_t errlen) {
    if (fs_mkdirs(dir, 0755) != 0) {
        snprintf(err, errlen, "%s: cannot create: %s", dir, strerror(errno));
        return -1;
    }
    int written = 0;
    for (size_t i = 0; claims && i < claims->n; i++) {
        json_t *plan = claim_plan_json(&claims->items[i], results_dir, scenarios_dir);
        if (!plan)
            continue;
        char slug[256], path[4096];
        report_slug(claims->items[i].id, slug, sizeof slug);
        snprintf(path, sizeof path, "%s/claim-%s.json", dir, slug);
        int rc = json_dump_file(plan, path, JSON_INDENT(2)) == 0 ? 0 : -1;
        json_decref(plan);
        if (rc != 0) {
            snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
            return -1;
        }
        written++;
    }
    return written;
}
