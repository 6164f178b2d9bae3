/* --io: which backend the load phase uses (engine.h). */
#include <stdio.h>
#include <string.h>

#include "load/engine.h"
#include "load/ioring.h"

int engine_io_parse(const char *name) {
    if (!name)
        return -1;
    if (strcmp(name, "auto") == 0)
        return ENGINE_IO_AUTO;
    if (strcmp(name, "epoll") == 0)
        return ENGINE_IO_EPOLL;
    if (strcmp(name, "uring") == 0)
        return ENGINE_IO_URING;
    return -1;
}

int engine_io_resolve(int io) {
    /* auto is epoll: on the loopback benchmarks of bench/driver.sh io_uring
     * cost as much or more CPU per request (docs/scenarios.md, "I/O") */
    if (io != ENGINE_IO_URING)
        return ENGINE_IO_EPOLL;
    if (ioring_available())
        return ENGINE_IO_URING;
    if (io == ENGINE_IO_URING)
        fprintf(stderr, "benchlab-load: --io uring: io_uring is not available here "
                        "(kernel, build or sandbox); using epoll\n");
    return ENGINE_IO_EPOLL;
}

const char *engine_io_name(int io) {
    return io == ENGINE_IO_URING ? "uring" : io == ENGINE_IO_EPOLL ? "epoll" : "auto";
}
