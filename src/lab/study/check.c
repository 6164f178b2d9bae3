/* Checking every scenario of a study before its first run (see study/check.h). */
#include "lab/study/check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "lab/stack/spawn.h"

/* The driver's flags for unit u, as run_driver (study.c) passes them to
 * `benchlab-load run`; key gets the same as one line, to skip repeats. */
static int unit_argv(const plan_unit_t *u, const char *load_bin, int threads, char *bufs[6],
                     char **argv, char *key, size_t key_len) {
    int n = 0;
    argv[n++] = (char *)load_bin;
    argv[n++] = "check";
    argv[n++] = (char *)u->scenario_path;
    argv[n++] = "--quiet";
    snprintf(bufs[0], 32, "%d", u->vus);
    argv[n++] = "--vus";
    argv[n++] = bufs[0];
    snprintf(bufs[1], 32, "%gs", u->duration_s);
    argv[n++] = "--duration";
    argv[n++] = bufs[1];
    if (u->rate > 0 || u->load_pct > 0) { /* a "load" unit's rate is known when it runs */
        snprintf(bufs[2], 32, "%g", u->rate > 0 ? u->rate : 1.0);
        argv[n++] = "--rate";
        argv[n++] = bufs[2];
    }
    if (u->max_vus > 0) {
        snprintf(bufs[3], 32, "%d", u->max_vus);
        argv[n++] = "--max-vus";
        argv[n++] = bufs[3];
    }
    if (threads > 0) {
        snprintf(bufs[4], 32, "%d", threads);
        argv[n++] = "--threads";
        argv[n++] = bufs[4];
    }
    if (u->capacity > 0) { /* staged scenarios' "P%" targets */
        snprintf(bufs[5], 32, "%g", u->capacity);
        argv[n++] = "--capacity";
        argv[n++] = bufs[5];
    }
    argv[n] = NULL;
    /* the file, then the load flags (after --quiet) */
    size_t off = (size_t)snprintf(key, key_len, "%s", u->scenario_path);
    for (int i = 4; i < n && off < key_len; i++)
        off += (size_t)snprintf(key + off, key_len - off, " %s", argv[i]);
    return n;
}

int study_check_scenarios(const plan_t *plan, const char *load_bin, int driver_threads) {
    size_t key_len = PATH_MAX + 256;
    char *keys = xcalloc((size_t)plan->nunits + 1, key_len);
    if (!keys)
        return -1;
    int nkeys = 0, failed = 0;
    for (int i = 0; i < plan->nunits; i++) {
        const plan_unit_t *u = &plan->units[i];
        char b0[32], b1[32], b2[32], b3[32], b4[32], b5[32];
        char *bufs[6] = {b0, b1, b2, b3, b4, b5};
        char *argv[20];
        char *key = keys + (size_t)nkeys * key_len;
        unit_argv(u, load_bin, driver_threads, bufs, argv, key, key_len);
        bool seen = false;
        for (int k = 0; k < nkeys && !seen; k++)
            seen = strcmp(keys + (size_t)k * key_len, key) == 0;
        if (seen)
            continue;
        nkeys++;
        spawn_opts_t so = {0}; /* its message to our stderr */
        int rc = spawn_run(argv, &so);
        if (rc < 0 || rc == 126 || rc == 127) {
            fprintf(stderr, "benchlab run: cannot run %s check\n", load_bin);
            free(keys);
            return -1;
        }
        if (rc != 0) {
            fprintf(stderr,
                    "benchlab run: scenario %s (unit %s, load%s): refused by benchlab-load check "
                    "(above)\n",
                    u->scenario, u->config, key + strlen(u->scenario_path));
            failed++;
        }
    }
    free(keys);
    return failed;
}
