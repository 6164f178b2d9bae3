/* The paper's host table (Table 1, report/tables.c) for a study over several
 * hosts: a row per host of the manifest's topology (roles, CPU model, CPUs,
 * memory, kernel, engine version, measured clock offset) and the client ->
 * server round trip time. Nothing for a one-host manifest. */
#ifndef BENCHLAB_LAB_REPORT_HOST_TOPOLOGY_H
#define BENCHLAB_LAB_REPORT_HOST_TOPOLOGY_H

#include <jansson.h>
#include <stdio.h>

/* Appends the rows (after a \midrule) to a two-column tabular; returns how many. */
int report_host_topology_rows(FILE *f, json_t *manifest);

#endif
