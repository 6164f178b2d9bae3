/* PGresult rows as JSON values, typed by column OID (ints, floats, booleans,
 * json/jsonb as objects, timestamps as ISO-8601 strings, the rest as strings). */
#ifndef BENCHLAB_SERVER_DB_ROWS_H
#define BENCHLAB_SERVER_DB_ROWS_H

#include <jansson.h>
#include <libpq-fe.h>

json_t *db_value(const PGresult *r, int row, int col);
/* Columns [first, last) of one row as an object keyed by column name. */
json_t *db_row_range(const PGresult *r, int row, int first, int last);
json_t *db_row(const PGresult *r, int row);
/* Every row as an array of objects. */
json_t *db_rows(const PGresult *r);
long long db_ll(const PGresult *r, int row, int col);

#endif
