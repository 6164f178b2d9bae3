/* Placeholder until its issue lands. */
#include <stdio.h>

#include "lab/commands.h"

int cmd_report(int argc, char **argv) {
    (void)argc;
    (void)argv;
    fprintf(stderr, "benchlab report: not implemented\n");
    return 2;
}
