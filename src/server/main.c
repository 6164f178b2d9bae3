/* benchlab-server: placeholder until its issue lands. */
#include <stdio.h>

int main(void) {
    fprintf(stderr, "benchlab-server: not implemented\n");
    return 2;
}
