/* Placeholder until its issue lands. */
#include <stdio.h>

#include "lab/commands.h"

int cmd_up(int argc, char **argv) {
    (void)argc;
    (void)argv;
    fprintf(stderr, "benchlab up: not implemented\n");
    return 2;
}

int cmd_down(int argc, char **argv) {
    (void)argc;
    (void)argv;
    fprintf(stderr, "benchlab down: not implemented\n");
    return 2;
}
