/* manifest.json's "pg_template": the sessions whose data came from a seeded
 * cluster template instead of their own seed (see manifest.h). */
#include <limits.h>
#include <stdio.h>
#include <time.h>

#include "lab/study/manifest.h"
#include "lab/study/runfile.h"

int manifest_note_pg_template(const char *dir, const char *key) {
    char path[PATH_MAX + 16], now[32];
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    json_t *m = json_load_file(path, 0, NULL);
    if (!m)
        return -1;
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_t *list = json_object_get(m, "pg_template");
    if (!json_is_array(list)) {
        list = json_array();
        json_object_set_new(m, "pg_template", list);
    }
    json_array_append_new(list, json_pack("{s:s, s:s}", "key", key, "at", now));
    int rc = study_write_json(path, m);
    json_decref(m);
    return rc;
}
