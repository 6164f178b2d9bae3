#include "load/check_var.h"

#include <stdlib.h>
#include <string.h>

int check_eval_var(const check_t *c, json_t *doc, const char *want) {
    if (doc == NULL || want == NULL)
        return 0;
    json_t *val = jpath_get(&c->path, doc);
    if (val == NULL)
        return 0;
    if (json_is_string(val))
        return json_string_length(val) == strlen(want) &&
               memcmp(json_string_value(val), want, json_string_length(val)) == 0;
    char *txt = json_dumps(val, JSON_ENCODE_ANY | JSON_COMPACT);
    int ok = txt != NULL && strcmp(txt, want) == 0;
    free(txt);
    return ok;
}
