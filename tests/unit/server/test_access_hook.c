/* Unit tests for the access hook: a ulfius instance started after
 * access_hook_arm gets the hook in front of ulfius' dispatcher (the
 * interposition of MHD_start_daemon works for libulfius' own call), the hook
 * answers what it takes with any status, ulfius the rest; an instance it was
 * not armed for is untouched. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <stdio.h>
#include <string.h>
#include <ulfius.h>

#include "server/http/access_hook.h"

/* The hook relies on ELF symbol interposition (Linux); elsewhere (Mach-O's
 * two-level namespace) it is not installed and the server keeps its blocking
 * path, so there is nothing to test. */
#ifdef __ELF__
#define need_interposition() ((void)0)
#else
#define need_interposition() skip()
#endif

static int hook_calls;

static int hook(struct MHD_Connection *conn, const char *url, const char *method,
                const char *upload_data, size_t *upload_data_size, void **con_cls,
                enum MHD_Result *ret) {
    (void)method;
    (void)con_cls;
    (void)upload_data;
    (void)upload_data_size;
    if (strcmp(url, "/hooked") != 0)
        return 0;
    hook_calls++;
    static char body[] = "from the hook";
    struct MHD_Response *r =
        MHD_create_response_from_buffer(sizeof body - 1, body, MHD_RESPMEM_PERSISTENT);
    *ret = MHD_queue_response(conn, 299, r);
    MHD_destroy_response(r);
    return 1;
}

static int ulfius_answer(const struct _u_request *req, struct _u_response *resp, void *data) {
    (void)req;
    (void)data;
    ulfius_set_string_body_response(resp, 200, "from ulfius");
    return U_CALLBACK_COMPLETE;
}

static size_t collect(char *p, size_t sz, size_t n, void *ud) {
    strncat(ud, p, sz * n < 64 ? sz * n : 63);
    return sz * n;
}

/* GET path on port: the status, the body in body (64 bytes). */
static long get(unsigned port, const char *path, char *body) {
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%u%s", port, path);
    body[0] = '\0';
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    long status = -1;
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    return status;
}

/* Starts inst on a free loopback port; returns the port. */
static unsigned start(struct _u_instance *inst) {
    assert_int_equal(ulfius_init_instance(inst, 1, NULL, NULL), U_OK);
    ulfius_set_default_endpoint(inst, ulfius_answer, NULL);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    struct MHD_OptionItem ops[] = {
        {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)mhd_request_completed, NULL},
        {MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)ulfius_uri_logger, NULL},
        {MHD_OPTION_SOCK_ADDR, 0, &sa},
        {MHD_OPTION_END, 0, NULL}};
    assert_int_equal(ulfius_start_framework_with_mhd_options(
                         inst, MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, ops),
                     U_OK);
    const union MHD_DaemonInfo *di =
        MHD_get_daemon_info(inst->mhd_daemon, MHD_DAEMON_INFO_LISTEN_FD);
    assert_non_null(di);
    socklen_t sl = sizeof sa;
    assert_int_equal(getsockname(di->listen_fd, (struct sockaddr *)&sa, &sl), 0);
    return ntohs(sa.sin_port);
}

static void stop(struct _u_instance *inst) {
    ulfius_stop_framework(inst);
    ulfius_clean_instance(inst);
}

static void armed_instance_gets_the_hook_first(void **state) {
    (void)state;
    need_interposition();
    struct _u_instance inst, other;
    char body[64];
    access_hook_arm(&inst, hook);
    unsigned port = start(&inst);
    assert_int_equal(access_hook_installed(), 1);
    hook_calls = 0;
    assert_int_equal(get(port, "/hooked", body), 299);
    assert_string_equal(body, "from the hook");
    assert_true(hook_calls >= 1);
    assert_int_equal(get(port, "/elsewhere", body), 200);
    assert_string_equal(body, "from ulfius");

    /* Another instance started while armed for the first: no hook. */
    unsigned port2 = start(&other);
    int calls = hook_calls;
    assert_int_equal(get(port2, "/hooked", body), 200);
    assert_string_equal(body, "from ulfius");
    assert_int_equal(hook_calls, calls);
    stop(&other);
    stop(&inst);
    access_hook_disarm();
    assert_int_equal(access_hook_installed(), 0);
}

static void unarmed_instance_is_plain_ulfius(void **state) {
    (void)state;
    struct _u_instance inst;
    char body[64];
    unsigned port = start(&inst);
    assert_int_equal(access_hook_installed(), 0);
    assert_int_equal(get(port, "/hooked", body), 200);
    assert_string_equal(body, "from ulfius");
    stop(&inst);
}

int main(void) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(armed_instance_gets_the_hook_first),
        cmocka_unit_test(unarmed_instance_is_plain_ulfius),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
