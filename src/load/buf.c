#include "load/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"

void buf_free(buf_t *b) {
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

void buf_reserve(buf_t *b, size_t extra) {
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1)
        cap *= 2;
    b->p = xrealloc(b->p, cap);
    b->cap = cap;
}

void buf_add(buf_t *b, const void *data, size_t n) {
    buf_reserve(b, n);
    if (n)
        memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void buf_adds(buf_t *b, const char *s) {
    buf_add(b, s, strlen(s));
}

void buf_addu(buf_t *b, unsigned long long v) {
    char tmp[24];
    int i = 24;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    buf_add(b, tmp + i, (size_t)(24 - i));
}

void buf_addi(buf_t *b, long long v) {
    if (v < 0) {
        buf_add(b, "-", 1);
        buf_addu(b, 0ull - (unsigned long long)v);
    } else {
        buf_addu(b, (unsigned long long)v);
    }
}
