/* benchlab: the orchestrator. Dispatches to one subcommand per file. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "common/xalloc.h"
#include "lab/cmd/cli_paths.h"
#include "lab/commands.h"

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *help;
} commands[] = {
    {"up", cmd_up, "up --dir DIR [--port N]      start a private stack and return"},
    {"down", cmd_down, "down --dir DIR               stop a stack and remove its data"},
    {"run", cmd_run, "run PLAN [--profile P] ...   run a study"},
    {"report", cmd_report, "report RESULTS_DIR           statistics, tables, figure data"},
    {"claims", cmd_claims, "claims RESULTS_DIR           which claims hold"},
    {"validity", cmd_validity,
     "validity RESULTS_DIR         the validity rules over the runs on disk"},
    {"upstream", cmd_upstream, "upstream --listen H:P ...    the mock upstream (foreground)"},
    {"capacity", cmd_capacity, "capacity SCENARIO --url URL  highest rate within a p99 objective"},
    {"stress", cmd_stress, "stress RUN.json              spike recovery or soak drift of a run"},
};

static void usage(FILE *out) {
    fprintf(out, "usage: benchlab COMMAND [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %s\n", commands[i].help);
}

int main(int argc, char **argv) {
    xalloc_init("benchlab");
    if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0) {
            /* Relative paths mean the caller's directory, whatever a service
             * is started in later (cli_paths.h). */
            char err[PATH_MAX + 128];
            if (lab_paths_resolve(argc - 1, argv + 1, err, sizeof err) != 0) {
                fprintf(stderr, "benchlab %s: %s\n", argv[1], err);
                return 2;
            }
            return commands[i].fn(argc - 1, argv + 1);
        }
    fprintf(stderr, "benchlab: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
