/* `benchlab up` and `benchlab down`: a private stack for a person or a test
 * (stack.h does the work). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "lab/commands.h"
#include "lab/stack/stack.h"
#include "lab/stack/cli.h"

static const char up_usage[] =
    "usage: benchlab up --dir DIR [--port N] [--implementation NAME] [--server-arg ARG]...\n"
    "                   [--upstream-delay-ms N] [--no-seed]\n"
    "Starts PostgreSQL, Redis, the mock upstream and benchlab-server with data in DIR,\n"
    "seeds the data set, prints BENCHLAB_URL=, BENCHLAB_PG=, BENCHLAB_REDIS=,\n"
    "BENCHLAB_UPSTREAM= and returns with everything running (stop: benchlab down).\n"
    "  --port N              server port (default: a free one)\n"
    "  --implementation NAME the server's --name (default c-ulfius)\n"
    "  --server-arg ARG      append ARG to the server's command line (repeatable)\n"
    "  --upstream-delay-ms N the mock upstream's delay (default 100)\n"
    "  --no-seed             leave the database empty (faster; for /health-only use)\n"
    "Environment: BENCHLAB_SEARCH_POSTS=N, the size of scenario 19's search corpus\n"
    "(default 200000; seeding it takes minutes on a small host).\n";

static int usage_error(const char *text) {
    fputs(text, stderr);
    return 2;
}

int cmd_up(int argc, char **argv) {
    const char *dir = NULL;
    long port = 0, delay = 100;
    lab_server_opts_t so = {0};
    bool no_seed = false;
    char **server_args = xcalloc((size_t)argc + 1, sizeof *server_args);
    if (!server_args)
        return 1;
    int rc = 2;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(up_usage, stdout);
            rc = 0;
            goto out;
        }
        if (strcmp(a, "--no-seed") == 0) {
            no_seed = true;
            continue;
        }
        bool known = strcmp(a, "--dir") == 0 || strcmp(a, "--port") == 0 ||
                     strcmp(a, "--implementation") == 0 || strcmp(a, "--server-arg") == 0 ||
                     strcmp(a, "--upstream-delay-ms") == 0;
        if (!known) {
            fprintf(stderr, "benchlab up: unknown flag '%s'\n", a);
            usage_error(up_usage);
            goto out;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "benchlab up: %s needs a value\n", a);
            goto out;
        }
        const char *v = argv[++i];
        if (strcmp(a, "--dir") == 0)
            dir = v;
        else if (strcmp(a, "--port") == 0) {
            if (!stack_cli_int("up", a, v, 1, 65535, &port))
                goto out;
        } else if (strcmp(a, "--implementation") == 0)
            so.implementation = v;
        else if (strcmp(a, "--upstream-delay-ms") == 0) {
            if (!stack_cli_int("up", a, v, 0, 600000, &delay))
                goto out;
        } else
            server_args[so.nargs++] = (char *)v;
    }
    if (!dir || !*dir) {
        fprintf(stderr, "benchlab up: --dir DIR is required\n");
        usage_error(up_usage);
        goto out;
    }
    so.port = (int)port;
    so.args = server_args;

    lab_stack_t *st = xmalloc(sizeof *st);
    if (!st) {
        rc = 1;
        goto out;
    }
    rc = 1;
    if (stack_open(st, dir) == 0) {
        for (int s = 0; s < LAB_SVC_COUNT; s++)
            if (st->pid[s]) {
                fprintf(stderr,
                        "benchlab up: a stack is already running in %s (%s pid %d); "
                        "run `benchlab down --dir %s` first\n",
                        st->dir, lab_service_name(s), (int)st->pid[s], dir);
                free(st);
                goto out;
            }
    }
    if (stack_init(st, dir) != 0) {
        fprintf(stderr, "benchlab up: %s\n", st->err);
        free(st);
        goto out;
    }
    st->upstream_delay_ms = (int)delay;
    st->skip_seed = no_seed;
    /* Ctrl-C or SIGTERM while starting: finish the step, then stop everything
     * (the children unblock these signals before exec). */
    sigset_t stop, pending;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGHUP);
    sigprocmask(SIG_BLOCK, &stop, NULL);
    if (stack_up(st, &so) != 0) {
        fprintf(stderr, "benchlab up: %s\n", st->err);
        /* The data of a failed start is worth nothing (a cluster outside DIR
         * would even outlive an rm -rf DIR); the logs say what went wrong. */
        stack_remove_data(st, true);
        fprintf(stderr, "benchlab up: nothing is left running; the logs stay in %s\n", st->dir);
    } else {
        sigpending(&pending);
        if (sigismember(&pending, SIGINT) || sigismember(&pending, SIGTERM) ||
            sigismember(&pending, SIGHUP)) {
            stack_down(st);
            fprintf(stderr, "benchlab up: interrupted; stack stopped\n");
            rc = 130;
        } else {
            stack_print_env(st, stdout);
            rc = fflush(stdout) == 0 ? 0 : 1;
        }
    }
    free(st);
out:
    free(server_args);
    return rc;
}

int cmd_down(int argc, char **argv) {
    const char *dir = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            printf("usage: benchlab down --dir DIR\nStops the stack started in DIR by "
                   "`benchlab up` and removes its data.\n");
            return 0;
        }
        if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc) {
            dir = argv[++i];
        } else {
            fprintf(stderr, "benchlab down: unknown flag or missing value: '%s'\n", argv[i]);
            fprintf(stderr, "usage: benchlab down --dir DIR\n");
            return 2;
        }
    }
    if (!dir || !*dir) {
        fprintf(stderr, "benchlab down: --dir DIR is required\n");
        return 2;
    }
    lab_stack_t *st = xmalloc(sizeof *st);
    if (!st)
        return 1;
    int rc = 0;
    if (stack_open(st, dir) != 0 && !st->dir[0]) {
        fprintf(stderr, "benchlab down: %s\n", st->err);
        rc = 1;
    } else if (stack_down(st) != 0) {
        /* (Without stack.env nothing runs: this still removes leftover data.) */
        fprintf(stderr, "benchlab down: %s\n", st->err);
        rc = 1;
    }
    free(st);
    return rc;
}
