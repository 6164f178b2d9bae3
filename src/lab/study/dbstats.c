/* pg_stat_statements around a run (see study/dbstats.h). */
#include "lab/study/dbstats.h"

#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

static void quiet(void *arg, const char *msg) {
    (void)arg;
    (void)msg;
}

static PGconn *connect(const char *dsn) {
    PGconn *c = PQconnectdb(dsn);
    if (PQstatus(c) != CONNECTION_OK) {
        PQfinish(c);
        return NULL;
    }
    PQsetNoticeProcessor(c, quiet, NULL);
    return c;
}

int dbstats_reset(const char *dsn) {
    PGconn *c = connect(dsn);
    if (!c)
        return -1;
    PGresult *r = PQexec(c, "SELECT pg_stat_statements_reset()");
    int rc = PQresultStatus(r) == PGRES_TUPLES_OK ? 0 : -1;
    PQclear(r);
    PQfinish(c);
    return rc;
}

json_t *dbstats_collect(const char *dsn) {
    PGconn *c = connect(dsn);
    if (!c)
        return NULL;
    PGresult *r = PQexec(c, "SELECT query, calls, total_exec_time, rows FROM pg_stat_statements "
                            "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = "
                            "current_database()) AND query NOT LIKE '%pg_stat_statements%' "
                            "ORDER BY total_exec_time DESC");
    json_t *out = NULL;
    if (PQresultStatus(r) == PGRES_TUPLES_OK) {
        json_t *list = json_array();
        double calls = 0, ms = 0, rows = 0;
        for (int i = 0; i < PQntuples(r); i++) {
            double ci = strtod(PQgetvalue(r, i, 1), NULL), mi = strtod(PQgetvalue(r, i, 2), NULL),
                   ri = strtod(PQgetvalue(r, i, 3), NULL);
            calls += ci;
            ms += mi;
            rows += ri;
            json_array_append_new(list, json_pack("{s:s,s:f,s:f,s:f}", "query", PQgetvalue(r, i, 0),
                                                  "calls", ci, "exec_ms", mi, "rows", ri));
        }
        out = json_pack("{s:f,s:f,s:f,s:o}", "calls", calls, "exec_ms", ms, "rows", rows,
                        "statements", list);
    }
    PQclear(r);
    PQfinish(c);
    return out;
}
