/* Checked allocation for the command-line programs (benchlab-load, benchlab):
 * their allocations go through these (and jansson's, once xalloc_init has
 * run). Out of memory, a command cannot go on: they print
 * "<program>: out of memory (N bytes)" and exit with status 1. They never
 * return NULL. (The server answers 500/503 on a failed allocation instead.) */
#ifndef BENCHLAB_COMMON_XALLOC_H
#define BENCHLAB_COMMON_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Names the program in the message and makes jansson allocate through
 * xmalloc (call first thing in main). */
void xalloc_init(const char *program_name);

#endif
