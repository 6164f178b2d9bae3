/* Placeholder until its issue lands. */
#include <stdio.h>

#include "lab/commands.h"

int cmd_run(int argc, char **argv) {
    (void)argc;
    (void)argv;
    fprintf(stderr, "benchlab run: not implemented\n");
    return 2;
}
