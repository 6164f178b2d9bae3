/* What each implementation of a study runs on, read from the running server
 * when the study starts it (docs/peers.md): the peers send an
 * X-Benchlab-Framework header on GET /health ("Django/3.2.25 DRF/3.14.0
 * gunicorn/20.1.0 Python/3.11.2"); benchlab-server's are the libraries the
 * lab was built with. Recorded in RESULTS/manifest.json under
 * "implementations": {"NAME": {"framework": "...", "source": "...", "read_at": "..."}}. */
#ifndef BENCHLAB_LAB_IMPL_VERSIONS_H
#define BENCHLAB_LAB_IMPL_VERSIONS_H

#include <jansson.h>
#include <stddef.h>

/* GET health_url; the X-Benchlab-Framework header's value into out ("" when
 * absent). 0 when the server answered 200, -1 otherwise. */
int impl_versions_probe(const char *health_url, char *out, size_t len);

/* The record of one implementation: framework is the header's value (NULL or
 * "" = not sent), implementation "c-ulfius" gets the lab's own library versions. */
json_t *impl_versions_record(const char *implementation, const char *framework);

/* Sets manifest.implementations[implementation] = record in DIR/manifest.json
 * (the record is stolen). 0 or -1. */
int impl_versions_save(const char *dir, const char *implementation, json_t *record);

#endif
