/* Test helper: allocates and touches MEGABYTES of memory (default 256), one
 * megabyte at a time, then exits 0. In a box with a smaller limit it is
 * OOM-killed before it gets there. */
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    long mb = argc > 1 ? atol(argv[1]) : 256;
    for (long i = 0; i < mb; i++) {
        char *p = malloc(1 << 20);
        if (!p)
            return 3;
        memset(p, (int)(i & 0xff) | 1, 1 << 20); /* touch every page */
    }
    return 0;
}
