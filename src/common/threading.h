/* benchlab-server's threading models, named once: the server parses its
 * --threading with these names and the lab's plans accept exactly these
 * (docs/server.md says what each one does). The index of a name is the
 * server's enum threading_model (src/server/config.h). */
#ifndef BENCHLAB_COMMON_THREADING_H
#define BENCHLAB_COMMON_THREADING_H

#include <stdbool.h>

#define THREADING_MODEL_COUNT 5
/* For messages. */
#define THREADING_NAMES "select, poll, epoll, pool or thread-per-conn"

/* The model's index, or -1 for a name that is none of them (or NULL). */
int threading_parse(const char *name);

/* The name of model M (0 <= M < THREADING_MODEL_COUNT). */
const char *threading_name(int m);

/* True for the models that serve every connection from one thread (select,
 * poll, epoll): such a server cannot use more than one CPU per worker. */
bool threading_one_thread(const char *name);

#endif
