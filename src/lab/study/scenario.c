/* Reading "needs", "dirties", "serial" and "server_bound" from scenario files (see
 * study/scenario.h). */
#include "lab/study/scenario.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "common/jsonconf.h"

/* The keys the study reads; benchlab-load checks the rest of the file. */
static int read_meta(jsonconf_t *c, json_t *root, scenario_meta_t *out) {
    if (jsonconf_object(c, root, "") != 0)
        return -1;
    json_t *needs = json_object_get(root, "needs"), *dirties = json_object_get(root, "dirties");
    json_t *serial = json_object_get(root, "serial");
    char p[64];
    size_t i;
    json_t *v;
    if (needs && jsonconf_array(c, needs, "needs", 0, "service names") != 0)
        return -1;
    json_array_foreach(needs, i, v) {
        int svc = -1;
        for (int s = 0; s < LAB_SVC_COUNT && json_is_string(v); s++)
            if (strcmp(json_string_value(v), lab_service_name((lab_service_t)s)) == 0)
                svc = s;
        jsonconf_index(p, sizeof p, "needs", i);
        if (svc < 0)
            return jsonconf_bad(c, p, "expected postgres, redis or upstream");
        out->needs[svc] = true;
    }
    if (dirties && jsonconf_array(c, dirties, "dirties", 0, "table names") != 0)
        return -1;
    json_array_foreach(dirties, i, v) {
        jsonconf_index(p, sizeof p, "dirties", i);
        if (!json_is_string(v) || json_string_length(v) >= sizeof out->dirties[0] ||
            out->ndirties == SCENARIO_MAX_DIRTIES)
            return jsonconf_bad(c, p, "expected a table name");
        snprintf(out->dirties[out->ndirties++], sizeof out->dirties[0], "%s", json_string_value(v));
    }
    if (serial && jsonconf_bool(c, serial, "serial", &out->serial) != 0)
        return -1;
    json_t *bound = json_object_get(root, "server_bound");
    return bound ? jsonconf_bool(c, bound, "server_bound", &out->server_bound) : 0;
}

int scenario_meta_load(const char *path, scenario_meta_t *out, char *err, size_t err_len) {
    memset(out, 0, sizeof *out);
    out->needs[LAB_SVC_SERVER] = true;
    jsonconf_t c = {.file = path, .err = err, .errlen = err_len};
    json_t *root = jsonconf_load(&c, NULL);
    if (!root)
        return -1;
    int rc = read_meta(&c, root, out);
    /* "cache" lives in Redis: resetting it needs Redis running */
    for (int d = 0; d < out->ndirties; d++)
        if (strcmp(out->dirties[d], "cache") == 0 || strcmp(out->dirties[d], "redis") == 0)
            out->needs[LAB_SVC_REDIS] = true;
        else
            out->needs[LAB_SVC_POSTGRES] = true;
    json_decref(root);
    return rc;
}
