/* Placeholder until its issue lands. */
#include <stdio.h>

#include "lab/commands.h"

int cmd_claims(int argc, char **argv) {
    (void)argc;
    (void)argv;
    fprintf(stderr, "benchlab claims: not implemented\n");
    return 2;
}
