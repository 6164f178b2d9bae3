/* `benchlab upstream --listen HOST:PORT [--delay-ms N]`: runs the mock upstream
 * (upstream.h) in the foreground until SIGTERM or SIGINT, then exits 0. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "lab/commands.h"
#include "lab/stack/cli.h"
#include "lab/stack/upstream.h"

static int usage(void) {
    fprintf(stderr, "usage: benchlab upstream --listen HOST:PORT [--delay-ms N]\n");
    return 2;
}

int cmd_upstream(int argc, char **argv) {
    char host[64] = "";
    int port = -1;
    long delay_ms = 100;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            printf("usage: benchlab upstream --listen HOST:PORT [--delay-ms N]\n"
                   "Answers every GET with {\"source\":\"mock_upstream\",\"delay_ms\":N} "
                   "after N ms (default 100).\n");
            return 0;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "benchlab upstream: unknown flag or missing value: '%s'\n", a);
            return usage();
        }
        if (strcmp(a, "--listen") == 0) {
            if (!stack_cli_hostport("upstream", a, argv[++i], host, sizeof host, &port))
                return 2;
        } else if (strcmp(a, "--delay-ms") == 0) {
            if (!stack_cli_int("upstream", a, argv[++i], 0, 600000, &delay_ms))
                return 2;
        } else {
            fprintf(stderr, "benchlab upstream: unknown flag '%s'\n", a);
            return usage();
        }
    }
    if (port < 0) {
        fprintf(stderr, "benchlab upstream: --listen HOST:PORT is required\n");
        return usage();
    }
    /* Block the stop signals before MHD starts its threads, so they inherit
     * the mask and sigwait below is the only place they arrive. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    upstream_t *up = upstream_start(host, port, (int)delay_ms);
    if (!up)
        return 1;
    int sig = 0;
    sigwait(&stop, &sig);
    upstream_stop(up);
    return 0;
}
