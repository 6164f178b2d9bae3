/* A growable byte buffer. */
#ifndef BENCHLAB_LOAD_BUF_H
#define BENCHLAB_LOAD_BUF_H

#include <stddef.h>

typedef struct buf {
    char *p;
    size_t len, cap;
} buf_t;

void buf_free(buf_t *b);
/* Aborts the program when out of memory (the driver cannot continue anyway). */
void buf_reserve(buf_t *b, size_t extra);
void buf_add(buf_t *b, const void *data, size_t n);
void buf_adds(buf_t *b, const char *s);
void buf_addu(buf_t *b, unsigned long long v);
void buf_addi(buf_t *b, long long v);

#endif
