/* What each implementation runs on (study/impl_versions.h): the
 * X-Benchlab-Framework header of GET /health read from a one-shot HTTP
 * responder, the record for a peer and for benchlab-server, and the
 * manifest's "implementations" written next to what is there. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lab/study/impl_versions.h"

typedef struct {
    int fd;
    const char *reply;
} responder_t;

/* Accepts one connection, reads the request head, writes the reply. */
static void *respond_once(void *arg) {
    responder_t *r = arg;
    int c = accept(r->fd, NULL, NULL);
    if (c >= 0) {
        char buf[2048];
        ssize_t n = read(c, buf, sizeof buf);
        (void)n;
        ssize_t w = write(c, r->reply, strlen(r->reply));
        (void)w;
        close(c);
    }
    return NULL;
}

/* Probes a responder that answers with reply; the header's value into out. */
static int probe_with(const char *reply, char *out, size_t len) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(fd, 1), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &al), 0);
    responder_t r = {fd, reply};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, respond_once, &r), 0);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/health", ntohs(a.sin_port));
    int rc = impl_versions_probe(url, out, len);
    pthread_join(t, NULL);
    close(fd);
    return rc;
}

static void header_is_read(void **state) {
    (void)state;
    char fw[256];
    assert_int_equal(probe_with("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                                "x-benchlab-framework:   Rails/6.1.7.10 Puma/5.6.5 Ruby/3.1.2  \r\n"
                                "Content-Length: 2\r\nConnection: close\r\n\r\n{}",
                                fw, sizeof fw),
                     0);
    assert_string_equal(fw, "Rails/6.1.7.10 Puma/5.6.5 Ruby/3.1.2");
    /* no header: 0 and "" */
    assert_int_equal(
        probe_with("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}", fw,
                   sizeof fw),
        0);
    assert_string_equal(fw, "");
    /* not 200: -1 */
    assert_int_equal(probe_with("HTTP/1.1 503 Service Unavailable\r\nX-Benchlab-Framework: x\r\n"
                                "Content-Length: 0\r\nConnection: close\r\n\r\n",
                                fw, sizeof fw),
                     -1);
}

static void records(void **state) {
    (void)state;
    json_t *r = impl_versions_record("django", "Django/3.2.25 DRF/3.14.0");
    assert_string_equal(json_string_value(json_object_get(r, "framework")),
                        "Django/3.2.25 DRF/3.14.0");
    assert_non_null(
        strstr(json_string_value(json_object_get(r, "source")), "X-Benchlab-Framework"));
    json_decref(r);
    r = impl_versions_record("c-ulfius", "");
    assert_true(!strncmp(json_string_value(json_object_get(r, "framework")),
                         "benchlab-server ulfius/", 23));
    assert_non_null(strstr(json_string_value(json_object_get(r, "framework")), " libmicrohttpd/"));
    json_decref(r);
    r = impl_versions_record("express", NULL);
    assert_true(json_is_null(json_object_get(r, "framework")));
    assert_string_equal(json_string_value(json_object_get(r, "source")), "not sent by the server");
    json_decref(r);
}

static void saved_into_the_manifest(void **state) {
    (void)state;
    char dir[] = "/tmp/benchlab-test-implv.XXXXXX", path[128];
    assert_non_null(mkdtemp(dir));
    /* no manifest: nothing is written */
    assert_int_equal(impl_versions_save(dir, "fastapi", impl_versions_record("fastapi", "F/1")),
                     -1);
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("{\"plan\": \"p\", \"completed\": false}\n", f);
    fclose(f);
    assert_int_equal(impl_versions_save(dir, "fastapi", impl_versions_record("fastapi", "F/1")), 0);
    assert_int_equal(impl_versions_save(dir, "rails", impl_versions_record("rails", "R/2")), 0);
    json_t *m = json_load_file(path, 0, NULL);
    assert_non_null(m);
    assert_string_equal(json_string_value(json_object_get(m, "plan")), "p");
    json_t *im = json_object_get(m, "implementations");
    assert_int_equal(json_object_size(im), 2);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(im, "fastapi"), "framework")), "F/1");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(im, "rails"), "framework")), "R/2");
    json_decref(m);
    unlink(path);
    rmdir(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(header_is_read),
        cmocka_unit_test(records),
        cmocka_unit_test(saved_into_the_manifest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
