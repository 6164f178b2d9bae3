/* Reading "needs", "dirties", "serial" and "server_bound" from scenario files (see
 * study/scenario.h). */
#include "lab/study/scenario.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

int scenario_meta_load(const char *path, scenario_meta_t *out, char *err, size_t err_len) {
    memset(out, 0, sizeof *out);
    out->needs[LAB_SVC_SERVER] = true;
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    if (!root) {
        snprintf(err, err_len, "%s: line %d: %s", path, je.line, je.text);
        return -1;
    }
    int rc = 0;
    json_t *needs = json_object_get(root, "needs"), *dirties = json_object_get(root, "dirties");
    size_t i;
    json_t *v;
    if (needs && !json_is_array(needs)) {
        snprintf(err, err_len, "%s: needs: expected an array of service names", path);
        rc = -1;
    } else if (needs) {
        json_array_foreach(needs, i, v) {
            int svc = -1;
            for (int s = 0; s < LAB_SVC_COUNT && json_is_string(v); s++)
                if (strcmp(json_string_value(v), lab_service_name((lab_service_t)s)) == 0)
                    svc = s;
            if (svc < 0) {
                snprintf(err, err_len, "%s: needs[%zu]: expected postgres, redis or upstream", path,
                         i);
                rc = -1;
                break;
            }
            out->needs[svc] = true;
        }
    }
    if (!rc && dirties && !json_is_array(dirties)) {
        snprintf(err, err_len, "%s: dirties: expected an array of table names", path);
        rc = -1;
    } else if (!rc && dirties) {
        json_array_foreach(dirties, i, v) {
            if (!json_is_string(v) || json_string_length(v) >= sizeof out->dirties[0] ||
                out->ndirties == SCENARIO_MAX_DIRTIES) {
                snprintf(err, err_len, "%s: dirties[%zu]: expected a table name", path, i);
                rc = -1;
                break;
            }
            snprintf(out->dirties[out->ndirties++], sizeof out->dirties[0], "%s",
                     json_string_value(v));
        }
    }
    json_t *serial = json_object_get(root, "serial");
    if (!rc && serial && !json_is_boolean(serial)) {
        snprintf(err, err_len, "%s: serial: expected true or false", path);
        rc = -1;
    }
    out->serial = json_is_true(serial);
    json_t *bound = json_object_get(root, "server_bound");
    if (!rc && bound && !json_is_boolean(bound)) {
        snprintf(err, err_len, "%s: server_bound: expected true or false", path);
        rc = -1;
    }
    out->server_bound = json_is_true(bound);
    /* "cache" lives in Redis: resetting it needs Redis running */
    for (int d = 0; d < out->ndirties; d++)
        if (strcmp(out->dirties[d], "cache") == 0 || strcmp(out->dirties[d], "redis") == 0)
            out->needs[LAB_SVC_REDIS] = true;
        else
            out->needs[LAB_SVC_POSTGRES] = true;
    json_decref(root);
    return rc;
}
