/* benchlab-load: placeholder until its issue lands. */
#include <stdio.h>

int main(void) {
    fprintf(stderr, "benchlab-load: not implemented\n");
    return 2;
}
