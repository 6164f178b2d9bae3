/* Scenario 19 (text search, search.c) and scenario 20 (end-to-end flow,
 * flow.c) handlers. */
#ifndef BENCHLAB_SERVER_HANDLERS_SEARCH_FLOW_H
#define BENCHLAB_SERVER_HANDLERS_SEARCH_FLOW_H

#include <stddef.h>

#include "server/handlers/handlers.h"

/* search.c */
HANDLER(h_search_posts);
/* Characters (UTF-8 code points) of a valid UTF-8 string of n bytes. */
size_t utf8_chars(const char *s, size_t n);
/* '%' + s with \ % _ escaped + '%' into out (LIKE's default escape is \);
 * -1 when it does not fit. */
int like_pattern(const char *s, char *out, size_t outlen);

/* flow.c */
HANDLER(h_flow_login);
HANDLER(h_flow_feed);
HANDLER(h_flow_post_create);
HANDLER(h_flow_post_get);

#endif
