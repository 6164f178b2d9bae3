/* Checked allocation for benchlab-load: every allocation of the driver goes
 * through these (and jansson's, once xalloc_init has run). Out of memory, the
 * driver cannot go on: they print "benchlab-load: out of memory (N bytes)"
 * and exit with status 1. They never return NULL. */
#ifndef BENCHLAB_LOAD_XALLOC_H
#define BENCHLAB_LOAD_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Makes jansson allocate through xmalloc (call first thing in main). */
void xalloc_init(void);

#endif
