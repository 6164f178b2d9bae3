/* Versions of the running implementations (impl_versions.h). */
#include "lab/study/impl_versions.h"

#include <ctype.h>
#include <curl/curl.h>
#include <limits.h>
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <ulfius.h>

#include "lab/study/runfile.h"

#define HEADER "X-Benchlab-Framework:"

typedef struct {
    char *out;
    size_t len;
} hdr_ctx_t;

static size_t on_header(char *buf, size_t size, size_t n, void *vctx) {
    hdr_ctx_t *c = vctx;
    size_t total = size * n, k = strlen(HEADER);
    if (total > k && strncasecmp(buf, HEADER, k) == 0) {
        const char *v = buf + k;
        size_t vl = total - k;
        while (vl && isspace((unsigned char)*v))
            v++, vl--;
        while (vl && isspace((unsigned char)v[vl - 1]))
            vl--;
        snprintf(c->out, c->len, "%.*s", (int)vl, v);
    }
    return total;
}

static size_t discard(char *p, size_t size, size_t n, void *u) {
    (void)p;
    (void)u;
    return size * n;
}

int impl_versions_probe(const char *health_url, char *out, size_t len) {
    out[0] = '\0';
    CURL *h = curl_easy_init();
    if (!h)
        return -1;
    hdr_ctx_t c = {out, len};
    curl_easy_setopt(h, CURLOPT_URL, health_url);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 3000L);
    curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &c);
    long status = 0;
    CURLcode rc = curl_easy_perform(h);
    if (rc == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(h);
    return rc == CURLE_OK && status == 200 ? 0 : -1;
}

json_t *impl_versions_record(const char *implementation, const char *framework) {
    char fw[256], now[32];
    const char *source = "X-Benchlab-Framework header of GET /health";
    if (framework && *framework) {
        snprintf(fw, sizeof fw, "%s", framework);
    } else if (strcmp(implementation, "c-ulfius") == 0) {
        /* benchlab-server is built from this tree with the lab's libraries */
        snprintf(fw, sizeof fw, "benchlab-server ulfius/%s libmicrohttpd/%s", ULFIUS_VERSION_STR,
                 MHD_get_version());
        source = "the libraries benchlab was built with";
    } else {
        fw[0] = '\0';
        source = "not sent by the server";
    }
    study_iso_time((long long)time(NULL) * 1000, now, sizeof now);
    return json_pack("{s:o,s:s,s:s}", "framework", *fw ? json_string(fw) : json_null(), "source",
                     source, "read_at", now);
}

int impl_versions_save(const char *dir, const char *implementation, json_t *record) {
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    json_t *m = json_load_file(path, 0, NULL);
    if (!json_is_object(m)) {
        json_decref(m);
        json_decref(record);
        return -1;
    }
    json_t *all = json_object_get(m, "implementations");
    if (!json_is_object(all)) {
        all = json_object();
        json_object_set_new(m, "implementations", all);
    }
    json_object_set_new(all, implementation, record);
    int rc = study_write_json(path, m);
    json_decref(m);
    return rc;
}
