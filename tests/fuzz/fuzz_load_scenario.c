/* libFuzzer: the scenario loader (JSON → validated scenario) and the request
 * renderer must never crash; a rejected input must come with a message. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "load/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[1024] = "";
    scenario_t *s = scenario_parse("fuzz.json", (const char *)data, size, err, sizeof err);
    if (!s) {
        if (err[0] == '\0')
            __builtin_trap();
        return 0;
    }
    uint64_t rng = 1;
    char *vals[64] = {0};
    render_ctx_t ctx = {1, 2, &rng, s->vars.n <= 64 ? vals : NULL};
    buf_t out = {0}, scratch = {0};
    for (size_t i = 0; i < s->nrequests && i < 16; i++)
        request_render(s, s->reqs[i], &out, &scratch, &ctx);
    buf_free(&out);
    buf_free(&scratch);
    scenario_free(s);
    return 0;
}
