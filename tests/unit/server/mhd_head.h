/* A request head parsed in place the way libmicrohttpd 0.9.75 does it
 * (connection.c: get_next_header_line, parse_initial_message_line,
 * process_header_line, process_broken_line), for the unit test and the
 * fuzz target of http/request_check.c: line ends (CRLF or a bare LF) and the
 * colon become NUL bytes, names and values are NUL-terminated strings in the
 * buffer (a NUL inside a value cuts it short), leading empty lines are
 * skipped, a continuation line moves the value to another buffer. Header
 * only: each test is linked on its own. */
#ifndef BENCHLAB_TESTS_MHD_HEAD_H
#define BENCHLAB_TESTS_MHD_HEAD_H

#include "server/http/request_check.h"

#include <stdlib.h>
#include <string.h>

#define MHD_HEAD_MAX_FIELDS 64

struct mhd_head {
    char *buf; /* the copy parsed in place (4 spare NUL bytes at the end) */
    char *folded[MHD_HEAD_MAX_FIELDS];
    struct rc_field fields[MHD_HEAD_MAX_FIELDS];
    struct rc_head head;
};

/* Next line from *pos (CRLF or bare LF, both made NUL); NULL without one. */
static inline char *mhd_head_line(char *buf, size_t len, size_t *pos) {
    for (size_t i = *pos; i < len; i++) {
        if (buf[i] == '\r' && i + 1 < len && buf[i + 1] == '\n') {
            char *line = buf + *pos;
            buf[i] = buf[i + 1] = '\0';
            *pos = i + 2;
            return line;
        }
        if (buf[i] == '\n') {
            char *line = buf + *pos;
            buf[i] = '\0';
            *pos = i + 1;
            return line;
        }
    }
    return NULL;
}

/* 0 and h->head filled when libmicrohttpd would hand the request to the
 * access handler; -1 when it would refuse it itself (or the head is
 * incomplete, or has more fields than this keeps). */
static inline int mhd_head_parse(struct mhd_head *h, const char *data, size_t len) {
    memset(h, 0, sizeof *h);
    h->buf = malloc(len + 4);
    if (h->buf == NULL)
        return -1;
    memcpy(h->buf, data, len);
    memset(h->buf + len, 0, 4);
    size_t pos = 0, n = 0;
    char *line;
    while ((line = mhd_head_line(h->buf, len, &pos)) != NULL && line[0] == '\0')
        ;
    if (line == NULL)
        return -1;
    char *sp = strchr(line, ' '); /* the request line, as far as the version */
    char *version = strrchr(line, ' ');
    if (sp == NULL || version == sp ||
        (strcmp(version + 1, "HTTP/1.1") != 0 && strcmp(version + 1, "HTTP/1.0") != 0))
        return -1;
    *sp = '\0';
    *version = '\0';
    h->head.version = version + 1;
    for (;;) {
        line = mhd_head_line(h->buf, len, &pos);
        if (line == NULL)
            return -1;
        if (line[0] == '\0')
            break;
        if (line[0] == ' ' || line[0] == '\t') { /* obs-fold: the value moves */
            if (n == 0)
                return -1;
            struct rc_field *f = &h->fields[n - 1];
            char *w = line;
            while (*w == ' ' || *w == '\t')
                w++;
            size_t wl = strlen(w);
            char *moved = malloc(f->value_len + wl + 1);
            if (moved == NULL)
                return -1;
            memcpy(moved, f->value, f->value_len);
            memcpy(moved + f->value_len, w, wl + 1);
            free(h->folded[n - 1]);
            h->folded[n - 1] = moved;
            f->value = moved;
            f->value_len += wl;
            continue;
        }
        char *colon = strchr(line, ':');
        if (colon == NULL || n == MHD_HEAD_MAX_FIELDS)
            return -1;
        *colon++ = '\0';
        while (*colon == ' ' || *colon == '\t')
            colon++;
        h->fields[n] = (struct rc_field){line, colon, strlen(line), strlen(colon)};
        n++;
    }
    h->head.fields = h->fields;
    h->head.n_fields = n;
    h->head.end = h->buf + pos;
    return 0;
}

static inline void mhd_head_free(struct mhd_head *h) {
    for (int i = 0; i < MHD_HEAD_MAX_FIELDS; i++)
        free(h->folded[i]);
    free(h->buf);
    h->buf = NULL;
}

#endif
