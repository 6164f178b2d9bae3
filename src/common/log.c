#include "common/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static enum log_level current = LOG_WARN;
static const char *const names[] = {"off", "error", "warn", "info", "debug"};

void log_set_level(enum log_level level) {
    current = level;
}

enum log_level log_get_level(void) {
    return current;
}

int log_parse_level(const char *name) {
    for (int i = 0; i < (int)(sizeof names / sizeof names[0]); i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    return -1;
}

void log_msg(enum log_level level, const char *fmt, ...) {
    if (level > current || level == LOG_OFF)
        return;
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    /* One write per line so lines from several threads do not interleave. */
    fprintf(stderr, "[%s] %s\n", names[level], line);
}
