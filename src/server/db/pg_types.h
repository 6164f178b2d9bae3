/* PostgreSQL type OIDs the server types its JSON by (db/rows.c, the jansson
 * values; db/rows_json.c, the direct writer). From PostgreSQL's pg_type.h;
 * they are stable across versions. */
#ifndef BENCHLAB_SERVER_DB_PG_TYPES_H
#define BENCHLAB_SERVER_DB_PG_TYPES_H

enum pg_type_oid {
    OID_BOOL = 16,
    OID_INT8 = 20,
    OID_INT2 = 21,
    OID_INT4 = 23,
    OID_JSON = 114,
    OID_FLOAT4 = 700,
    OID_FLOAT8 = 701,
    OID_TIMESTAMP = 1114,
    OID_TIMESTAMPTZ = 1184,
    OID_NUMERIC = 1700,
    OID_JSONB = 3802,
};

#endif
