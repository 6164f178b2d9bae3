/* The implementations benchlab measures, named once: its own server
 * (c-ulfius, benchlab-server) and the peers of peers/ (the same contract in
 * other frameworks). The runner (plan, profile, study, stack) and the
 * analysis (report) both ask here; nothing else spells the names. */
#ifndef BENCHLAB_LAB_IMPL_H
#define BENCHLAB_LAB_IMPL_H

#include <stdbool.h>
#include <stddef.h>

/* benchlab-server's name: the implementation where a plan, profile or flag
 * names none. */
#define IMPL_DEFAULT "c-ulfius"

/* Every name impl_known() accepts, for messages. */
#define IMPL_NAMES "c-ulfius, fastapi, fastapi-strict, express, django or rails"

/* c-ulfius or a peer. */
bool impl_known(const char *name);

/* A peer (peers/NAME/start): fastapi, fastapi-strict, express, django,
 * rails. Everything else takes benchlab-server's flags (its threading model
 * is in the config name). False for NULL. */
bool impl_is_peer(const char *name);

/* NAME, or IMPL_DEFAULT when NAME is NULL or empty. */
const char *impl_or_default(const char *name);

/* The container image a peer's server runs from (docker/podman boxes):
 * "benchlab-NAME". Writes it into buf; 0, or -1 when it does not fit. */
int impl_peer_image(const char *name, char *buf, size_t len);

#endif
