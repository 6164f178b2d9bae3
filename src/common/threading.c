/* The threading model names (see threading.h). */
#include "common/threading.h"

#include <string.h>

static const char *const names[THREADING_MODEL_COUNT] = {"select", "poll", "epoll", "pool",
                                                         "thread-per-conn"};

int threading_parse(const char *name) {
    for (int i = 0; name && i < THREADING_MODEL_COUNT; i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    return -1;
}

const char *threading_name(int m) {
    return names[m];
}

bool threading_one_thread(const char *name) {
    int m = threading_parse(name);
    return m >= 0 && m <= 2; /* select, poll, epoll */
}
