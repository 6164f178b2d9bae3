/* Command-line helpers of the stack commands (up, down, upstream). */
#ifndef BENCHLAB_LAB_STACK_CLI_H
#define BENCHLAB_LAB_STACK_CLI_H

#include <stdbool.h>

/* Parses a whole decimal integer within [min, max]. On failure prints
 * "benchlab CMD: FLAG wants ..., got 'S'" to stderr and returns false. */
bool stack_cli_int(const char *cmd, const char *flag, const char *s, long min, long max, long *out);

/* Parses "HOST:PORT" (PORT 0..65535) into host (len bytes) and port; same error style. */
bool stack_cli_hostport(const char *cmd, const char *flag, const char *s, char *host, int len,
                        int *port);

#endif
