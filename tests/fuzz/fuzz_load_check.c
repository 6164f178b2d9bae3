/* libFuzzer, differential: whenever the fast raw-body check answers, it must
 * answer what the jansson evaluation answers.
 * Input: PATH '\n' KIND-byte EXPECTED-JSON '\n' DOCUMENT. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "load/check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *p = (const char *)data, *end = p + size;
    const char *nl = memchr(p, '\n', size);
    if (!nl || nl + 2 > end)
        return 0;
    char *path = strndup(p, (size_t)(nl - p));
    check_t c;
    memset(&c, 0, sizeof c);
    if (jpath_parse(&c.path, path) != 0) {
        free(path);
        return 0;
    }
    free(path);
    unsigned char kind = (unsigned char)nl[1];
    const char *q = nl + 2;
    const char *nl2 = memchr(q, '\n', (size_t)(end - q));
    if (!nl2) {
        jpath_free(&c.path);
        return 0;
    }
    static const int kinds[] = {CK_EQUALS, CK_EXISTS, CK_LENGTH, CK_MIN_LENGTH};
    c.kind = kinds[kind & 3];
    c.exists = (kind >> 2) & 1;
    c.length = kind >> 3;
    c.equals = json_loadb(q, (size_t)(nl2 - q), JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
    if (!c.equals)
        c.equals = json_null();
    const char *doc_text = nl2 + 1;
    size_t doc_len = (size_t)(end - doc_text);
    json_t *doc = json_loadb(doc_text, doc_len, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
    int slow = check_eval_doc(&c, doc);
    int fast = check_eval_fast(&c, doc_text, doc_len);
    if (fast >= 0 && fast != slow)
        __builtin_trap();
    json_decref(doc);
    json_decref(c.equals);
    jpath_free(&c.path);
    return 0;
}
