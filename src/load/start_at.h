/* --start-at T: several drivers on several hosts start their load together
 * at a time agreed in advance (the lab gives each T in its own host's clock,
 * docs/multi-host.md). T is Unix seconds (fractions allowed). */
#ifndef BENCHLAB_LOAD_START_AT_H
#define BENCHLAB_LOAD_START_AT_H

#include <signal.h>

/* Parses T: a number of Unix seconds after 2001 and before 2100. 0, or -1
 * with a message on stderr naming the flag. */
int start_at_parse(const char *v, double *out);

/* After the setup, before the load: sleeps until the wall clock reads t
 * (returns early when *stop is set). A start already past is said on stderr
 * ("N s late") and the load starts at once. Returns the seconds late (0 on
 * time). */
double start_at_wait(double t, volatile sig_atomic_t *stop);

#endif
