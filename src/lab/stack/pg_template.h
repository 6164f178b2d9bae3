/* A seeded cluster template (opt-in, docs/stack.md "Seeded cluster template"):
 * with BENCHLAB_PG_TEMPLATE=DIR, the first stack that wants a seeded cluster
 * builds one in a throw-away cluster of its own (initdb, start, seed, clean
 * stop) and keeps its data directory as DIR/<key>; every stack with the same
 * key copies that directory (cp -a --reflink=auto) instead of running initdb
 * and the seed. The key is the SHA-256 of everything that decides the files:
 * the PostgreSQL binaries (path, size, mtime), initdb's options, whether
 * pg_stat_statements is there, the seed's parameters (BENCHLAB_SEARCH_POSTS)
 * and the name and bytes of every file in the SQL directory.
 *
 * DIR/<key> is only ever made by renaming a finished build into place (built
 * in DIR/.build-XXXXXX, its marker DIR/<key>/complete written last); builds
 * hold an flock on DIR, so two stacks starting together build once. A
 * directory without a valid marker is never used (it is replaced). */
#ifndef BENCHLAB_LAB_STACK_PG_TEMPLATE_H
#define BENCHLAB_LAB_STACK_PG_TEMPLATE_H

#include <stddef.h>

#include "lab/stack/stack.h"

/* The file in a copied cluster's data directory that names its template:
 * "<key> <DIR>\n" (removed with the cluster). */
#define PG_TEMPLATE_MARKER "benchlab_template"

/* Called by stack_start_postgres before initdb, with the directory chosen
 * for the cluster in st->pg_data. Returns 1 when st->pg_data now holds a copy
 * of the template for bindir (owned by user when root; st->pg_template_key
 * set), 0 when initdb must run as usual: st->pg_use_template unset,
 * BENCHLAB_PG_TEMPLATE unset or empty, PostgreSQL in a container, a cluster
 * already there, or the template could not be built or copied (a line on
 * stderr says why; nothing of the attempt is left in st->pg_data). */
int stack_pg_template_restore(lab_stack_t *st, const char *bindir, const char *user);

/* The key for bindir and the SQL files of today into key (65 bytes), with
 * DIR's scratch files in tdir. 0, or -1 with a message in err. */
int stack_pg_template_key(const char *tdir, const char *bindir, char *key, char *err,
                          size_t errlen);

#endif
