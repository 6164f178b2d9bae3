#include "server/db/rows.h"

#include "server/db/pg_types.h"

#include <stdlib.h>
#include <string.h>

json_t *db_value(const PGresult *r, int row, int col) {
    if (PQgetisnull(r, row, col))
        return json_null();
    const char *v = PQgetvalue(r, row, col);
    switch (PQftype(r, col)) {
    case OID_BOOL:
        return json_boolean(v[0] == 't');
    case OID_INT2:
    case OID_INT4:
    case OID_INT8:
        return json_integer(strtoll(v, NULL, 10));
    case OID_FLOAT4:
    case OID_FLOAT8:
    case OID_NUMERIC:
        return json_real(strtod(v, NULL));
    case OID_JSON:
    case OID_JSONB: {
        json_t *j = json_loads(v, JSON_DECODE_ANY, NULL);
        return j ? j : json_string(v);
    }
    case OID_TIMESTAMP:
    case OID_TIMESTAMPTZ: {
        /* "2026-11-27 19:51:11.123456" -> "2026-11-27T19:51:11.123456" */
        char buf[64];
        size_t n = strlen(v);
        if (n < sizeof buf) {
            memcpy(buf, v, n + 1);
            char *sp = strchr(buf, ' ');
            if (sp != NULL)
                *sp = 'T';
            return json_stringn(buf, n);
        }
        return json_string(v);
    }
    default:
        return json_stringn(v, (size_t)PQgetlength(r, row, col));
    }
}

json_t *db_row_range(const PGresult *r, int row, int first, int last) {
    json_t *o = json_object();
    for (int c = first; c < last; c++)
        json_object_set_new(o, PQfname(r, c), db_value(r, row, c));
    return o;
}

json_t *db_row(const PGresult *r, int row) {
    return db_row_range(r, row, 0, PQnfields(r));
}

json_t *db_rows(const PGresult *r) {
    json_t *a = json_array();
    int n = PQntuples(r);
    for (int i = 0; i < n; i++)
        json_array_append_new(a, db_row(r, i));
    return a;
}

long long db_ll(const PGresult *r, int row, int col) {
    return strtoll(PQgetvalue(r, row, col), NULL, 10);
}
