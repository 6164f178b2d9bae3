/* Plans and profiles: the committed files load and expand as documented, and
 * bad files or hosts get messages naming the file and field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab/impl.h"
#include "lab/study/plan.h"
#include "lab/study/profile.h"

static char scen[512];
static char err[1024];

static int unit_index(const plan_t *p, const char *scenario, const char *config);

/* Scenario files, without the stress family (21 spike, 22 soak): those run in
 * the stress plan of their own, not (yet) in quick or the reference plans. */
static int count_scenario_files(void) {
    char cmd[700];
    snprintf(cmd, sizeof cmd,
             "find '%s' -mindepth 2 -maxdepth 2 -name '*.json' -not -path '*/plans/*' "
             "-not -path '*/profiles/*' -not -path '*/stress/*' | wc -l",
             scen);
    FILE *p = popen(cmd, "r");
    int n = -1;
    if (p) {
        if (fscanf(p, "%d", &n) != 1)
            n = -1;
        pclose(p);
    }
    return n;
}

static void test_durations_and_sizes(void **state) {
    (void)state;
    assert_true(plan_parse_duration("30s") == 30);
    assert_true(plan_parse_duration("500ms") == 0.5);
    assert_true(plan_parse_duration("2m") == 120);
    assert_true(plan_parse_duration("1.5") == 1.5);
    assert_true(plan_parse_duration("3 s") < 0);
    assert_true(plan_parse_duration("x") < 0);
    assert_int_equal(profile_parse_size("512M"), 512ll << 20);
    assert_int_equal(profile_parse_size("2G"), 2ll << 30);
    assert_int_equal(profile_parse_size("1.5G"), 3ll << 29);
    assert_int_equal(profile_parse_size("4096"), 4096);
    assert_int_equal(profile_parse_size("2GB"), 2ll << 30);
    assert_int_equal(profile_parse_size("2X"), -1);
    assert_int_equal(profile_parse_size("-1"), -1);
}

/* The paper in miniature: every scenario once on c-ulfius, and the headline
 * scenarios (basic, auth) on FastAPI and Express too. */
static void test_quick_plan_has_every_scenario_once(void **state) {
    (void)state;
    plan_t p;
    if (plan_load("quick", scen, "c-ulfius", NULL, &p, err, sizeof err) != 0)
        fail_msg("%s", err);
    int files = count_scenario_files();
    assert_true(files >= 28);
    int c = 0, peers = 0, capacity = 0;
    for (int i = 0; i < p.nunits; i++) {
        const plan_unit_t *u = &p.units[i];
        assert_int_equal(u->runs, 1);
        assert_true(u->duration_s <= 5);
        if (u->objective_ms > 0) { /* one small capacity search (docs/stress.md) */
            capacity++;
            assert_string_equal(u->scenario, "basic/01-lightweight");
            assert_string_equal(u->config, "c-ulfius-epoll-slo10ms");
            assert_true(u->objective_ms == 10 && u->rate == 2000 && u->duration_s == 1);
            assert_int_equal(u->search_steps, 6);
            continue;
        }
        if (u->load_pct > 0) { /* the short open-model part: 01 at shares of its capacity */
            assert_string_equal(u->scenario, "basic/01-lightweight");
            assert_true(unit_index(&p, u->scenario, "c-ulfius-epoll") >= 0);
            continue;
        }
        if (!strcmp(u->implementation, "c-ulfius")) {
            c++;
            assert_string_equal(u->config, "c-ulfius-epoll");
            for (int j = 0; j < i; j++)
                if (!strcmp(p.units[j].implementation, "c-ulfius"))
                    assert_string_not_equal(u->scenario, p.units[j].scenario);
        } else {
            peers++;
            assert_true(!strncmp(u->scenario, "basic/", 6) || !strncmp(u->scenario, "auth/", 5));
            assert_string_equal(u->config, u->implementation); /* default configuration */
            assert_true(unit_index(&p, u->scenario, "c-ulfius-epoll") >= 0);
        }
    }
    assert_int_equal(c, files);
    assert_int_equal(capacity, 1);
    assert_true(peers >= 2 * 11); /* basic 01-08 and auth 17 a-c, for both peers */
    assert_int_equal(peers % 2, 0);
    assert_string_equal(p.name, "quick");
    plan_free(&p);
}

static void test_full_plan_is_the_study(void **state) {
    (void)state;
    plan_t p;
    if (plan_load("full", scen, "c-ulfius", NULL, &p, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_true(p.nunits >= 28);
    assert_int_equal(p.units[0].runs, 10);
    assert_int_equal(p.units[0].vus, 10);
    assert_true(p.units[0].duration_s == 30);
    assert_true(p.units[0].warmup_s > 0);
    plan_free(&p);
}

static void test_server_config_matrix(void **state) {
    (void)state;
    plan_t p;
    if (plan_load("server-config", scen, "c-ulfius", NULL, &p, err, sizeof err) != 0)
        fail_msg("%s", err);
    /* 3 scenarios x 2 threading x 3 workers x 3 CPU limits x 3 VU counts for
     * benchlab-server, then 3 x 3 x 3 x 3 for each of the 4 peers (no threading axis) */
    /* and Puma's threads for rails: 3 x 3 workers x 2 threads x 2 CPU limits x 2 VU counts */
    assert_int_equal(p.nunits, 162 + 4 * 81 + 72);
    assert_string_equal(p.units[0].config, "c-ulfius-epoll-cpu0.25-vu10");
    assert_string_equal(p.units[1].config, "c-ulfius-epoll-cpu0.25-vu50");
    assert_true(p.units[0].server_flags);
    /* the server changes only between blocks of 3 scenarios x 3 VU counts */
    int restarts = 0;
    for (int i = 1; i < p.nunits; i++)
        restarts += !plan_same_server(&p.units[i - 1], &p.units[i]);
    assert_int_equal(restarts, (162 + 4 * 81) / 9 + 72 / 6 - 1);
    int t = unit_index(&p, "server-config/io-sleep", "rails-w2-t16-cpu1-vu50");
    assert_true(t >= 0);
    assert_int_equal(p.units[t].threads, 16);
    assert_int_equal(p.units[t].workers, 2);
    assert_false(plan_same_server(
        &p.units[t], &p.units[unit_index(&p, "server-config/io-sleep", "rails-w2-t1-cpu1-vu50")]));
    int found = 0;
    for (int i = 0; i < p.nunits; i++)
        found += strcmp(p.units[i].config, "c-ulfius-pool-w4-cpu2-vu200") == 0;
    assert_int_equal(found, 3);
    plan_free(&p);
}

static void test_open_model_rates(void **state) {
    (void)state;
    plan_t p;
    if (plan_load("open-model", scen, "c-ulfius", NULL, &p, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_true(p.nunits > 0);
    /* closed units, then open ones at 50/80/100/120 % of their capacity: each
     * "<config>-load<P>" has its closed "<config>" (study/openload.h) */
    int closed = 0, open = 0;
    for (int i = 0; i < p.nunits; i++) {
        const plan_unit_t *u = &p.units[i];
        assert_true(u->rate == 0);
        if (u->load_pct == 0) {
            closed++;
            assert_int_equal(open, 0); /* every closed unit comes first */
            continue;
        }
        open++;
        char want[64], base[192];
        snprintf(want, sizeof want, "-load%g", u->load_pct);
        assert_non_null(strstr(u->config, want));
        snprintf(base, sizeof base, "%.*s", (int)(strstr(u->config, "-load") - u->config),
                 u->config);
        assert_true(unit_index(&p, u->scenario, base) >= 0);
        assert_true(u->load_pct == 50 || u->load_pct == 80 || u->load_pct == 100 ||
                    u->load_pct == 120);
    }
    assert_int_equal(open, 4 * closed);
    assert_true(closed >= 3 * 3); /* three implementations */
    plan_free(&p);
}

static void write_tmp(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static char tmp_plan[64];

static int make_tmp_plan(void) {
    snprintf(tmp_plan, sizeof tmp_plan, "/tmp/benchlab-test-plan-XXXXXX.json");
    int fd = mkstemps(tmp_plan, 5);
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}

static int unit_index(const plan_t *p, const char *scenario, const char *config) {
    for (int i = 0; i < p->nunits; i++)
        if (strcmp(p->units[i].scenario, scenario) == 0 && strcmp(p->units[i].config, config) == 0)
            return i;
    return -1;
}

static void test_peer_config_names(void **state) {
    (void)state;
    plan_t p;
    if (plan_load("standard", scen, "fastapi", NULL, &p, err, sizeof err) != 0)
        fail_msg("%s", err);
    /* a peer has no threading model of benchlab-server's in its name */
    assert_string_equal(p.units[0].config, "fastapi");
    assert_string_equal(p.units[0].implementation, "fastapi");
    assert_false(p.units[0].server_flags);
    plan_free(&p);
}

/* "implementation": a string or a list, in defaults or an entry; peers take
 * workers but not threading; the server restarts when it changes. */
static void test_implementation_key(void **state) {
    (void)state;
    assert_int_equal(make_tmp_plan(), 0);
    plan_t p;
    write_tmp(
        tmp_plan,
        "{\"defaults\": {\"implementation\": \"express\"}, \"entries\": ["
        "{\"scenarios\": [\"basic/01-lightweight\"]},"
        "{\"scenarios\": [\"server-config/io-sleep\"], \"implementation\": [\"c-ulfius\", "
        "\"fastapi\", \"express\"], \"threading\": [\"epoll\", \"pool\"], \"workers\": [1, 2]}]}");
    if (plan_load(tmp_plan, scen, "c-ulfius", NULL, &p, err, sizeof err) != 0)
        fail_msg("%s", err);
    /* 1 + c-ulfius 2 models x 2 workers + 2 peers x 2 workers (one model each) */
    assert_int_equal(p.nunits, 1 + 4 + 4);
    assert_string_equal(p.units[0].implementation, "express"); /* the plan's default wins */
    assert_string_equal(p.units[0].config, "express");
    int i = unit_index(&p, "server-config/io-sleep", "c-ulfius-pool-w2");
    assert_true(i >= 0);
    assert_string_equal(p.units[i].implementation, "c-ulfius");
    i = unit_index(&p, "server-config/io-sleep", "fastapi-w2");
    assert_true(i >= 0);
    assert_string_equal(p.units[i].implementation, "fastapi");
    assert_int_equal(p.units[i].workers, 2);
    assert_string_equal(p.units[i].threading, "epoll");
    assert_true(unit_index(&p, "server-config/io-sleep", "express") >= 0);
    assert_true(unit_index(&p, "server-config/io-sleep", "fastapi-pool") < 0);
    /* the same settings under another implementation is another server */
    plan_unit_t a = p.units[0], b = p.units[0];
    snprintf(b.implementation, sizeof b.implementation, "fastapi");
    assert_true(plan_same_server(&a, &a));
    assert_false(plan_same_server(&a, &b));
    /* units of one implementation are together: the program switches 3 times */
    int switches = 0;
    for (int k = 1; k < p.nunits; k++)
        switches += strcmp(p.units[k].implementation, p.units[k - 1].implementation) != 0;
    assert_int_equal(switches, 3);
    plan_free(&p);

    /* the CLI: fills what the plan leaves open, filters what it names */
    write_tmp(tmp_plan, "{\"entries\": [{\"scenarios\": [\"basic/01-lightweight\"]},"
                        "{\"scenarios\": [\"basic/02-json\"], \"implementation\": [\"fastapi\", "
                        "\"express\"]}]}");
    if (plan_load(tmp_plan, scen, "express", "express", &p, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(p.nunits, 2);
    assert_string_equal(p.units[0].config, "express");
    assert_string_equal(p.units[0].scenario, "basic/01-lightweight");
    assert_string_equal(p.units[1].config, "express");
    assert_string_equal(p.units[1].scenario, "basic/02-json");
    plan_free(&p);
    /* without the CLI: the profile's default fills the open entry only */
    if (plan_load(tmp_plan, scen, "fastapi", NULL, &p, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(p.nunits, 3);
    assert_string_equal(p.units[0].config, "fastapi");
    plan_free(&p);
    write_tmp(tmp_plan, "{\"entries\": [{\"scenarios\": [\"basic/02-json\"], "
                        "\"implementation\": \"fastapi\"}]}");
    assert_int_equal(plan_load(tmp_plan, scen, "express", "express", &p, err, sizeof err), -1);
    assert_non_null(strstr(err, tmp_plan));
    assert_non_null(strstr(err, "no unit runs implementation 'express'"));
    assert_non_null(strstr(err, "it names fastapi"));

    /* unknown values name the file and the field */
    write_tmp(tmp_plan, "{\"entries\": [{\"scenarios\": [\"basic/02-json\"], "
                        "\"implementation\": [\"fastapi\", \"spring\"]}]}");
    assert_int_equal(plan_load(tmp_plan, scen, "c-ulfius", NULL, &p, err, sizeof err), -1);
    assert_non_null(strstr(err, tmp_plan));
    assert_non_null(strstr(err, "entries[0].implementation[]: expected c-ulfius, fastapi, "
                                "fastapi-strict, express, django or rails"));
    write_tmp(tmp_plan, "{\"defaults\": {\"implementation\": 7}, \"entries\": [{\"scenarios\": "
                        "[\"basic/02-json\"]}]}");
    assert_int_equal(plan_load(tmp_plan, scen, "c-ulfius", NULL, &p, err, sizeof err), -1);
    assert_non_null(strstr(err, "defaults.implementation: expected c-ulfius, fastapi, "
                                "fastapi-strict, express, django or rails"));
    /* two entries naming the same peer unit are still an error */
    write_tmp(tmp_plan, "{\"entries\": [{\"scenarios\": [\"basic/02-json\"], \"implementation\": "
                        "\"fastapi\"}, {\"scenarios\": [\"basic/02-*\"], \"implementation\": "
                        "\"fastapi\"}]}");
    assert_int_equal(plan_load(tmp_plan, scen, "c-ulfius", NULL, &p, err, sizeof err), -1);
    assert_non_null(strstr(err, "basic/02-json with fastapi appears twice"));
    unlink(tmp_plan);
}

/* The stress plan: the spike's units carry the plan's capacity (--capacity). */
static void test_stress_plan(void **state) {
    (void)state;
    plan_t p;
    if (plan_load("stress", scen, "c-ulfius", NULL, &p, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(p.nunits, 6);
    for (int i = 0; i < p.nunits; i++) {
        const plan_unit_t *u = &p.units[i];
        if (!strcmp(u->scenario, "stress/21-spike"))
            assert_true(u->capacity == 1000 && u->max_vus == 200);
        else
            assert_true(!strcmp(u->scenario, "stress/22-soak") && u->capacity == 0 &&
                        u->duration_s == 60);
    }
    plan_free(&p);
}

/* The committed peer plans: both peers in one study, their server-config
 * configurations (uvicorn vs gunicorn workers, node cluster) next to ours. */
static void test_peer_plans(void **state) {
    (void)state;
    plan_t p;
    if (plan_load("reference-peers", scen, "c-ulfius", NULL, &p, err, sizeof err) != 0)
        fail_msg("%s", err);
    int files = count_scenario_files();
    /* every scenario x 2 peers, then 3 workloads x 3 worker counts x 2 peers */
    assert_int_equal(p.nunits, 2 * files + 18);
    for (int i = 0; i < p.nunits; i++) {
        assert_true(impl_is_peer(p.units[i].implementation));
        assert_int_equal(p.units[i].runs, 3);
    }
    int i = unit_index(&p, "basic/01-lightweight", "fastapi");
    assert_true(i >= 0);
    assert_int_equal(p.units[i].vus, 10);
    assert_true(unit_index(&p, "basic/01-lightweight", "express") >= 0);
    i = unit_index(&p, "server-config/cpu-fibonacci", "express-w4-cpu1-vu50");
    assert_true(i >= 0);
    assert_int_equal(p.units[i].workers, 4);
    assert_int_equal(p.units[i].vus, 50);
    assert_true(p.units[i].duration_s == 6);
    assert_true(unit_index(&p, "server-config/mixed-report", "fastapi-w2-cpu1-vu50") >= 0);
    plan_free(&p);

    if (plan_load("server-config", scen, "c-ulfius", NULL, &p, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_true(unit_index(&p, "server-config/io-sleep", "c-ulfius-pool-w4-cpu2-vu200") >= 0);
    assert_true(unit_index(&p, "server-config/io-sleep", "fastapi-cpu1-vu50") >= 0);
    assert_true(unit_index(&p, "server-config/io-sleep", "fastapi-w4-cpu0.25-vu200") >= 0);
    assert_true(unit_index(&p, "server-config/cpu-fibonacci", "express-w2-cpu2-vu10") >= 0);
    /* the study's Django (gunicorn sync workers) and Rails (Puma workers) */
    assert_true(unit_index(&p, "server-config/io-sleep", "django-w4-cpu0.25-vu200") >= 0);
    assert_true(unit_index(&p, "server-config/mixed-report", "rails-w2-cpu1-vu50") >= 0);
    assert_true(unit_index(&p, "server-config/cpu-fibonacci", "rails-cpu2-vu10") >= 0);
    plan_free(&p);
    /* --implementation fastapi: only the peer's units of that plan */
    if (plan_load("server-config", scen, "fastapi", "fastapi", &p, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(p.nunits, 3 * 3 * 3 * 3);
    plan_free(&p);
}

/* Capacity units: every implementation on the headline scenarios, the search's
 * budget from the plan. */
static void test_capacity_plan(void **state) {
    (void)state;
    plan_t p;
    if (plan_load("capacity", scen, "c-ulfius", NULL, &p, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(p.nunits, 6 * 7);
    for (int i = 0; i < p.nunits; i++) {
        assert_true(p.units[i].objective_ms == 10);
        assert_int_equal(p.units[i].search_steps, 12);
        assert_true(p.units[i].search_tolerance == 0.1);
        assert_int_equal(p.units[i].runs, 3);
        assert_true(p.units[i].rate > 0);
    }
    int d = unit_index(&p, "basic/03-db-read", "django-slo10ms");
    assert_true(d >= 0);
    assert_true(p.units[d].rate == 50);
    assert_true(unit_index(&p, "basic/01-lightweight", "c-ulfius-epoll-slo10ms") >= 0);
    assert_true(unit_index(&p, "basic/05-external", "express-slo10ms") < 0);
    plan_free(&p);
}

static void test_bad_plans_are_named(void **state) {
    (void)state;
    char path[] = "/tmp/benchlab-test-plan-XXXXXX.json";
    int fd = mkstemps(path, 5);
    assert_true(fd >= 0);
    close(fd);
    plan_t p;
    write_tmp(path, "{\"entries\": [{\"scenarios\": [\"basic/*\"], \"vus\": 0}]}");
    assert_int_equal(plan_load(path, scen, "c", NULL, &p, err, sizeof err), -1);
    assert_non_null(strstr(err, "entries[0].vus: expected an integer >= 1"));
    write_tmp(path, "{\"entries\": [{\"scenarios\": [\"nope/*\"]}]}");
    assert_int_equal(plan_load(path, scen, "c", NULL, &p, err, sizeof err), -1);
    assert_non_null(strstr(err, "'nope/*' matches no file"));
    write_tmp(path, "{\"defaults\": {\"durration\": \"3s\"}, \"entries\": [{\"scenarios\": "
                    "[\"basic/*\"]}]}");
    assert_int_equal(plan_load(path, scen, "c", NULL, &p, err, sizeof err), -1);
    assert_non_null(strstr(err, "defaults.durration: unknown key"));
    write_tmp(path, "{\"entries\": [{\"scenarios\": [\"basic/02-json\"], \"threading\": "
                    "[\"epoll\", \"fork\"]}]}");
    assert_int_equal(plan_load(path, scen, "c", NULL, &p, err, sizeof err), -1);
    assert_non_null(strstr(
        err, "entries[0].threading[]: expected select, poll, epoll, pool or thread-per-conn"));
    /* every model benchlab-server has (common/threading.h), poll too */
    write_tmp(path, "{\"entries\": [{\"scenarios\": [\"basic/02-json\"], \"threading\": "
                    "[\"poll\", \"thread-per-conn\"]}]}");
    if (plan_load(path, scen, "c-ulfius", NULL, &p, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(p.nunits, 2);
    assert_string_equal(p.units[0].config, "c-ulfius-poll");
    plan_free(&p);
    write_tmp(path, "{\"entries\": [{\"scenarios\": [\"basic/02-json\"]}, {\"scenarios\": "
                    "[\"basic/02-*\"]}]}");
    assert_int_equal(plan_load(path, scen, "c", NULL, &p, err, sizeof err), -1);
    assert_non_null(strstr(err, "appears twice"));
    write_tmp(path, "{\"entries\": [{\"scenarios\": [\"basic/02-json\"], \"threads\": 0}]}");
    assert_int_equal(plan_load(path, scen, "c", NULL, &p, err, sizeof err), -1);
    assert_non_null(strstr(err, "entries[0].threads: expected an integer >= 1"));
    write_tmp(path, "{\"entries\": [{\"scenarios\": [\"basic/02-json\"], \"objective_ms\": -1}]}");
    assert_int_equal(plan_load(path, scen, "c", NULL, &p, err, sizeof err), -1);
    assert_non_null(strstr(err, "entries[0].objective_ms: expected a number > 0"));
    write_tmp(path, "{\"defaults\": {\"search_tolerance\": 2}, \"entries\": [{\"scenarios\": "
                    "[\"basic/02-json\"]}]}");
    assert_int_equal(plan_load(path, scen, "c", NULL, &p, err, sizeof err), -1);
    assert_non_null(strstr(err, "defaults.search_tolerance: expected a number > 0 and <= 1"));
    write_tmp(path, "{\"entries\": [");
    assert_int_equal(plan_load(path, scen, "c", NULL, &p, err, sizeof err), -1);
    assert_non_null(strstr(err, "line 1"));
    write_tmp(path, "{\"entries\": {}}");
    assert_int_equal(plan_load(path, scen, "c", NULL, &p, err, sizeof err), -1);
    assert_non_null(strstr(err, "entries: expected a non-empty array of"));
    write_tmp(path, "{\"entry\": []}");
    assert_int_equal(plan_load(path, scen, "c", NULL, &p, err, sizeof err), -1);
    assert_non_null(
        strstr(err, "entry: unknown key (allowed here: defaults, entries, description)"));
    write_tmp(path, "{\"entries\": [{\"scenarios\": [\"basic/*\", 3]}]}");
    assert_int_equal(plan_load(path, scen, "c", NULL, &p, err, sizeof err), -1);
    assert_non_null(strstr(err, "entries[0].scenarios[1]: expected a string, found a number"));
    unlink(path);
}

static void test_profiles(void **state) {
    (void)state;
    profile_t p;
    if (profile_load("local-2core", scen, 2, &p, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_string_equal(p.driver_cpuset, "0");
    assert_true(p.driver_calibrate_s == 3 && p.driver_bound_fraction == 0.8);
    assert_string_equal(p.implementation, ""); /* the plan's or c-ulfius */
    assert_true(p.boxes[LAB_SVC_SERVER].boxed);
    assert_string_equal(p.boxes[LAB_SVC_SERVER].cpuset, "1");
    assert_int_equal(p.boxes[LAB_SVC_SERVER].mem_bytes, 2ll << 30);
    assert_int_equal(p.boxes[LAB_SVC_REDIS].mem_bytes, 512ll << 20);
    assert_int_equal(p.backend, BOX_NATIVE);
    profile_free(&p);

    /* more cores: the driver gets every CPU the boxes leave, more than the server's one */
    if (profile_load("local-2core", scen, 4, &p, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_string_equal(p.driver_cpuset, "0,2,3");
    assert_int_equal(p.driver_threads, 3);
    profile_free(&p);

    assert_int_equal(profile_load("study", scen, 2, &p, err, sizeof err), -1);
    assert_non_null(strstr(err, "profile 'study' needs at least 6 CPUs; this host has 2"));
    if (profile_load("study", scen, 8, &p, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_string_equal(p.driver_cpuset, "5,6,7");
    assert_int_equal(p.driver_threads, 3);
    assert_true(p.boxes[LAB_SVC_POSTGRES].cpus == 2);
    profile_free(&p);

    assert_string_equal(profile_default_name(2), "local-2core");
    assert_string_equal(profile_default_name(16), "study");

    char path[] = "/tmp/benchlab-test-profile-XXXXXX.json";
    int fd = mkstemps(path, 5);
    assert_true(fd >= 0);
    close(fd);
    write_tmp(path, "{\"boxes\": {\"server\": {\"cpus\": 1, \"memory\": \"lots\"}}}");
    assert_int_equal(profile_load(path, scen, 2, &p, err, sizeof err), -1);
    assert_non_null(strstr(err, "boxes.server.memory: expected a size"));
    write_tmp(path, "{\"boxes\": {\"server\": {\"cpuset\": \"3\"}}}");
    assert_int_equal(profile_load(path, scen, 2, &p, err, sizeof err), -1);
    assert_non_null(strstr(err, "names a CPU this host (2 CPUs) lacks"));
    write_tmp(path, "{\"boxes\": {\"nginx\": {}}}");
    assert_int_equal(profile_load(path, scen, 2, &p, err, sizeof err), -1);
    assert_non_null(strstr(err, "boxes.nginx: unknown service"));
    /* unknown keys and wrong types name the field and what it takes */
    write_tmp(path, "{\"boxes\": {\"server\": {\"cpu\": 1}}}");
    assert_int_equal(profile_load(path, scen, 2, &p, err, sizeof err), -1);
    assert_non_null(strstr(err, "boxes.server.cpu: unknown key (allowed here: cpus, cpuset"));
    write_tmp(path, "{\"driver\": {\"threads\": \"2\"}}");
    assert_int_equal(profile_load(path, scen, 2, &p, err, sizeof err), -1);
    assert_non_null(strstr(err, "driver.threads: expected an integer >= 1"));
    write_tmp(path, "{\"min_cpus\": 0}");
    assert_int_equal(profile_load(path, scen, 2, &p, err, sizeof err), -1);
    assert_non_null(strstr(err, "min_cpus: expected an integer 1..4096, found a smaller one"));
    write_tmp(path, "{\"boxes\": []}");
    assert_int_equal(profile_load(path, scen, 2, &p, err, sizeof err), -1);
    assert_non_null(strstr(err, "boxes: expected an object, found an array"));
    write_tmp(path, "{\"driver\": {\"cpuset\": \"rest\"}, \"boxes\": {\"server\": {\"cpuset\": "
                    "\"0-1\"}}}");
    assert_int_equal(profile_load(path, scen, 2, &p, err, sizeof err), -1);
    assert_non_null(strstr(err, "leaves no CPU for the driver"));
    write_tmp(path, "{\"implementation\": \"fastapi\"}");
    if (profile_load(path, scen, 2, &p, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_string_equal(p.implementation, "fastapi");
    profile_free(&p);
    write_tmp(path, "{\"implementation\": \"flask\"}");
    assert_int_equal(profile_load(path, scen, 2, &p, err, sizeof err), -1);
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(
        err,
        "implementation: expected c-ulfius, fastapi, fastapi-strict, express, django or rails"));
    unlink(path);
}

int main(void) {
    const char *root = getenv("BENCHLAB_ROOT");
    snprintf(scen, sizeof scen, "%s/scenarios", root && *root ? root : ".");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_durations_and_sizes),
        cmocka_unit_test(test_quick_plan_has_every_scenario_once),
        cmocka_unit_test(test_full_plan_is_the_study),
        cmocka_unit_test(test_server_config_matrix),
        cmocka_unit_test(test_open_model_rates),
        cmocka_unit_test(test_peer_config_names),
        cmocka_unit_test(test_implementation_key),
        cmocka_unit_test(test_peer_plans),
        cmocka_unit_test(test_stress_plan),
        cmocka_unit_test(test_capacity_plan),
        cmocka_unit_test(test_bad_plans_are_named),
        cmocka_unit_test(test_profiles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
