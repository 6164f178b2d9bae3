/* Topology profiles: hosts and the roles placed on them load as documented
 * (scenarios/profiles/three-hosts.json), bad ones are refused naming the
 * file and field, and profiles without hosts stay the one-host case. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab/study/profile.h"
#include "lab/study/topology.h"

static char scen[512];
static char err[1024];
static char path[] = "/tmp/benchlab-test-topology-XXXXXX.json";

static void write_profile(const char *hosts, const char *driver, const char *boxes) {
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "{\"backend\": \"docker\", %s \"driver\": %s, \"boxes\": %s}", hosts, driver, boxes);
    fclose(f);
}

#define HOSTS                                                                                      \
    "\"hosts\": {\"c\": {\"engine\": \"unix:///run/c.sock\", \"address\": \"10.9.0.1\", "          \
    "\"cpuset\": \"0-1\"}, \"a\": {\"engine\": \"ctx-a\", \"address\": \"10.9.0.2\", \"cpuset\": " \
    "\"0-3\"}},"

static void refused(const char *hosts, const char *driver, const char *boxes, const char *want) {
    profile_t p;
    write_profile(hosts, driver, boxes);
    if (profile_load(path, scen, 2, &p, err, sizeof err) == 0)
        fail_msg("accepted, expected '%s'", want);
    if (!strstr(err, want) || !strstr(err, path))
        fail_msg("got '%s', expected '%s' with the file name", err, want);
}

static void test_three_hosts(void **state) {
    (void)state;
    profile_t p;
    /* on a 2-CPU orchestrator: the CPUs are the hosts' (8 each), not ours */
    if (profile_load("three-hosts", scen, 2, &p, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(p.topo.nhosts, 3);
    const topo_host_t *h = topology_host_of(&p.topo, LAB_SVC_SERVER);
    assert_non_null(h);
    assert_string_equal(h->name, "app");
    assert_string_equal(h->engine, "ssh://benchlab@app.example");
    assert_string_equal(h->address, "192.0.2.2");
    assert_string_equal(topology_host_of(&p.topo, LAB_SVC_POSTGRES)->name, "db");
    assert_string_equal(topology_host_of(&p.topo, TOPO_DRIVER)->name, "client");
    /* "rest" on the client: every CPU of that host (nothing else runs there) */
    assert_string_equal(p.driver_cpuset, "0,1,2,3,4,5,6,7");
    assert_int_equal(p.driver_threads, 8);
    json_t *j = topology_json(&p.topo);
    assert_non_null(j);
    json_t *db = json_object_get(json_object_get(j, "hosts"), "db");
    assert_int_equal(json_array_size(json_object_get(db, "roles")), 3);
    json_decref(j);
    profile_free(&p);
}

static void test_one_host_profiles_unchanged(void **state) {
    (void)state;
    const char *names[] = {"local-2core", "docker", "study", "unboxed"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        profile_t p;
        if (profile_load(names[i], scen, 8, &p, err, sizeof err) != 0)
            fail_msg("%s: %s", names[i], err);
        assert_int_equal(p.topo.nhosts, 0);
        assert_null(topology_host_of(&p.topo, LAB_SVC_SERVER));
        assert_null(topology_json(&p.topo));
        profile_free(&p);
    }
}

static void test_good_small(void **state) {
    (void)state;
    profile_t p;
    write_profile(HOSTS, "{\"host\": \"c\", \"cpuset\": \"rest\"}",
                  "{\"server\": {\"host\": \"a\", \"cpuset\": \"2-3\"}, \"postgres\": {\"host\": "
                  "\"a\", \"cpuset\": \"0\"}}");
    if (profile_load(path, scen, 1, &p, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_string_equal(p.driver_cpuset, "0,1");
    assert_string_equal(topology_host_of(&p.topo, LAB_SVC_SERVER)->engine, "ctx-a");
    assert_null(topology_host_of(&p.topo, LAB_SVC_REDIS)); /* not boxed, not placed */
    assert_int_equal(topology_ndrivers(&p.topo), 1);
    profile_free(&p);
    write_profile(HOSTS, "{\"host\": [\"c\", \"a\"], \"cpuset\": \"1\"}",
                  "{\"server\": {\"host\": \"a\", \"cpuset\": \"2-3\"}}");
    if (profile_load(path, scen, 1, &p, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(topology_ndrivers(&p.topo), 2);
    assert_string_equal(topology_driver_host(&p.topo, 0)->name, "c");
    assert_string_equal(topology_driver_host(&p.topo, 1)->name, "a");
    assert_null(topology_driver_host(&p.topo, 2));
    json_t *j = topology_json(&p.topo);
    json_t *roles = json_object_get(json_object_get(json_object_get(j, "hosts"), "a"), "roles");
    assert_int_equal(json_array_size(roles), 2); /* server, driver */
    json_decref(j);
    profile_free(&p);
}

static void test_bad_topologies(void **state) {
    (void)state;
    const char *drv = "{\"host\": \"c\", \"cpuset\": \"0\"}";
    refused(HOSTS, drv, "{\"server\": {\"host\": \"b\"}}",
            "boxes.server.host: unknown host 'b' (hosts: c a)");
    refused(HOSTS, "{\"host\": \"x\"}", "{}", "driver.host: unknown host 'x'");
    refused(HOSTS, drv, "{\"server\": {\"cpus\": 1}}", "boxes.server.host: missing");
    refused(HOSTS, "{\"cpuset\": \"0\"}", "{}", "driver.host: missing");
    refused(HOSTS, drv,
            "{\"server\": {\"host\": \"a\", \"cpuset\": \"0-1\"}, \"redis\": {\"host\": \"a\", "
            "\"cpuset\": \"1\"}}",
            "boxes.server.cpuset: CPU 1 of host a is redis's too");
    refused(HOSTS, drv, "{\"server\": {\"host\": \"c\", \"cpuset\": \"0\"}}",
            "driver.cpuset: CPU 0 of host c is server's too");
    refused(HOSTS, drv, "{\"server\": {\"host\": \"a\", \"cpuset\": \"4\"}}",
            "boxes.server.cpuset: CPU 4 is not in host a's cpuset \"0-3\"");
    refused(HOSTS, "{\"host\": \"c\", \"cpuset\": \"rest\"}",
            "{\"server\": {\"host\": \"c\", \"cpuset\": \"0-1\"}}",
            "driver.cpuset: \"rest\" leaves no CPU of host c");
    refused("\"hosts\": {\"c\": {\"engine\": \"e\", \"cpuset\": \"0\"}},", drv, "{}",
            "hosts.c.address: missing");
    refused("\"hosts\": {\"c\": {\"address\": \"10.9.0.1\", \"cpuset\": \"0\"}},", drv, "{}",
            "hosts.c.engine: missing");
    refused("\"hosts\": {\"c\": {\"engine\": \"e\", \"address\": \"10.9.0.1\"}},", drv, "{}",
            "hosts.c.cpuset: missing");
    refused("\"hosts\": {\"c\": {\"engine\": \"e\", \"address\": \"client\", \"cpuset\": \"0\"}},",
            drv, "{}", "hosts.c.address: expected the IPv4 address");
    refused("\"hosts\": {\"c\": {\"engine\": \"e\", \"address\": \"10.9.0.1\", \"cpuset\": "
            "\"0\", \"gpu\": 1}},",
            drv, "{}", "hosts.c.gpu: unknown key");
    refused("\"hosts\": {\"c\": {\"engine\": \"e\", \"address\": \"10.9.0.1\", \"cpuset\": "
            "\"0\"}, \"d\": {\"engine\": \"f\", \"address\": \"10.9.0.1\", \"cpuset\": \"0\"}},",
            drv, "{}", "hosts.d.address: 10.9.0.1 is host c's address too");
    refused("\"hosts\": {},", drv, "{}", "hosts: expected an object of hosts");
    /* several drivers: each host known, once, its CPUs free */
    refused(HOSTS, "{\"host\": [\"c\", \"z\"], \"cpuset\": \"0\"}", "{}",
            "driver.host[1]: unknown host 'z'");
    refused(HOSTS, "{\"host\": [\"c\", \"c\"], \"cpuset\": \"0\"}", "{}",
            "driver.host[1]: a host is named twice");
    refused(HOSTS, "{\"host\": [\"c\", \"a\"], \"cpuset\": \"0\"}",
            "{\"server\": {\"host\": \"a\", \"cpuset\": \"0\"}}",
            "driver.cpuset: CPU 0 is not free on driver host a");
    /* a host without hosts, and hosts without a container engine */
    refused("", "{\"host\": \"c\"}", "{}", "driver.host: a host needs a \"hosts\" map");
    FILE *f = fopen(path, "w");
    fprintf(f, "{\"backend\": \"native\", " HOSTS " \"driver\": {\"host\": \"c\"}}");
    fclose(f);
    profile_t p;
    assert_int_equal(profile_load(path, scen, 2, &p, err, sizeof err), -1);
    assert_non_null(strstr(err, "backend: a profile with hosts runs every service"));
}

/* A box on a host's engine: -H URL or --context NAME before `run`. */
static void test_engine_endpoint(void **state) {
    (void)state;
    char bin[] = "/tmp/benchlab-test-topology-bin-XXXXXX", link[128], e[512], path_env[4096];
    assert_non_null(mkdtemp(bin));
    snprintf(link, sizeof link, "%s/docker", bin);
    assert_int_equal(symlink("/bin/true", link), 0);
    const char *old = getenv("PATH");
    snprintf(path_env, sizeof path_env, "%s:%s", bin, old ? old : "/usr/bin:/bin");
    setenv("PATH", path_env, 1);
    const char *ep[] = {"ssh://lab@app", "app-ctx", NULL};
    const char *want[] = {"-H", "--context", NULL};
    for (int i = 0; i < 3; i++) {
        box_limits_t lim = {.cpuset = "2", .image = "benchlab-server", .endpoint = ep[i]};
        box_t *b = box_create(BOX_DOCKER, "server", &lim, e, sizeof e);
        if (!b)
            fail_msg("%s", e);
        char *argv[] = {"benchlab-server", NULL};
        char **cmd = box_command(b, argv, NULL);
        assert_non_null(cmd);
        assert_string_equal(cmd[0], "docker");
        if (ep[i]) {
            assert_string_equal(cmd[1], want[i]);
            assert_string_equal(cmd[2], ep[i]);
            assert_string_equal(cmd[3], "run");
            assert_string_equal(box_endpoint(b), ep[i]);
        } else {
            assert_string_equal(cmd[1], "run"); /* the default engine: as before */
        }
        box_free_argv(cmd);
        box_destroy(b);
    }
    setenv("PATH", old ? old : "/usr/bin:/bin", 1);
    unlink(link);
    rmdir(bin);
}

int main(void) {
    const char *root = getenv("BENCHLAB_ROOT");
    snprintf(scen, sizeof scen, "%s/scenarios", root && *root ? root : ".");
    int fd = mkstemps(path, 5);
    if (fd < 0)
        return 1;
    close(fd);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_three_hosts),     cmocka_unit_test(test_one_host_profiles_unchanged),
        cmocka_unit_test(test_good_small),      cmocka_unit_test(test_bad_topologies),
        cmocka_unit_test(test_engine_endpoint),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    unlink(path);
    return rc;
}
