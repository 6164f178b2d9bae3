/* The study loop (see study.h): services started once for the whole study,
 * each in its own box; unit after unit (or the interleaved order), each
 * verified and warmed up, then its runs. Set-up and teardown are in setup.c,
 * the services in services.c, the driver process in driver.c, one run in
 * run.c (internal.h). */
#include "lab/study/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/xalloc.h"
#include "lab/impl.h"
#include "lab/study/attempts.h"
#include "lab/study/manifest.h"
#include "lab/study/runfile.h"
#include "lab/study/study_topology.h"

volatile sig_atomic_t study_stop_signal; /* set by SIGINT/SIGTERM/SIGHUP */

static void on_stop(int sig) {
    study_stop_signal = sig;
}

bool study_file_exists(const char *p) {
    struct stat st;
    return stat(p, &st) == 0;
}

void study_unit_dir(const study_t *s, const plan_unit_t *u, const char *top, char *buf,
                    size_t len) {
    if (snprintf(buf, len, "%s/%s/%s/%s", s->results, top, u->scenario, u->config) >= (int)len)
        buf[0] = '\0';
}

double study_planned_seconds(const study_t *s, int from_unit, int from_run) {
    double overhead = s->overhead_n ? s->overhead_sum / s->overhead_n : 2.0;
    double t = 0;
    for (int i = from_unit; i < s->plan.nunits; i++) {
        const plan_unit_t *u = &s->plan.units[i];
        int missing = 0;
        for (int r = i == from_unit ? from_run : 1; r <= u->runs; r++) {
            char path[PATH_MAX];
            run_file_path(s->results, u->scenario, u->config, r, path, sizeof path);
            missing += !study_file_exists(path);
        }
        /* a capacity search (capacity_unit.c): up to its steps of duration_s each */
        double steps = u->objective_ms > 0 ? (u->search_steps > 0 ? u->search_steps : 30) : 1;
        if (missing)
            t += missing * steps * (u->duration_s + overhead) +
                 (i > from_unit || from_run == 1 ? u->warmup_s : 0);
    }
    return t;
}

/* --- the lab's own failures (study/attempts.h) -------------------------------- */

/* Verify, warm up, then every missing run of unit ui. 0, 1 skipped, -1 fatal, -2 stopped. */
static int one_unit(study_t *s, int ui) {
    const plan_unit_t *u = &s->plan.units[ui];
    int first_missing = 0;
    for (int run = 1; run <= u->runs && !first_missing; run++) {
        char path[PATH_MAX];
        run_file_path(s->results, u->scenario, u->config, run, path, sizeof path);
        if (!study_file_exists(path))
            first_missing = run;
    }
    if (!first_missing)
        return 0; /* all on disk (--resume) */
    if (study_ensure_server(s, u) != 0) {
        study_failed_attempt(s, u, first_missing, "server-start", s->st.err, -2, false);
        return 1;
    }
    char dir[PATH_MAX], log[PATH_MAX + 32];
    study_unit_dir(s, u, "logs", dir, sizeof dir);
    char raw[PATH_MAX];
    study_unit_dir(s, u, "raw", raw, sizeof raw);
    if (fs_mkdirs(dir, 0755) != 0 || fs_mkdirs(raw, 0755) != 0) {
        progress_line(&s->progress, "benchlab run: cannot create %s: %s", raw, strerror(errno));
        return -1;
    }
    if (study_reset_dirty(s, &s->meta[ui]) != 0)
        return -1;
    snprintf(log, sizeof log, "%s/verify.log", dir);
    int rc = study_run_driver(s, u, "verify", -1, NULL, NULL, NULL, log);
    study_mark_dirty(s, &s->meta[ui]);
    if (rc == -2)
        return -2;
    if (rc != 0) {
        progress_line(&s->progress, "%s %s: verify failed (exit %d), skipping it; see %s",
                      u->scenario, u->config, rc, log);
        return 1;
    }
    if (u->warmup_s > 0) {
        if (study_reset_dirty(s, &s->meta[ui]) != 0)
            return -1;
        snprintf(log, sizeof log, "%s/warmup.log", dir);
        rc = study_run_driver(s, u, "run", u->warmup_s, NULL, NULL, NULL, log);
        study_mark_dirty(s, &s->meta[ui]);
        if (rc == -2)
            return -2;
    }
    for (int run = first_missing; run <= u->runs; run++) {
        char path[PATH_MAX];
        run_file_path(s->results, u->scenario, u->config, run, path, sizeof path);
        if (study_file_exists(path))
            continue;
        if (study_space_ok(s) != 0)
            return -1;
        progress_status(&s->progress, u->scenario, u->config, run, u->runs, s->done, s->total,
                        study_planned_seconds(s, ui, run));
        rc = study_one_run(s, ui, run);
        if (rc == 2)
            continue; /* a failed attempt; the next run may go */
        if (rc != 0)
            return rc;
        s->done++;
    }
    return 0;
}

/* Randomized interleaved trials (run_order.h): every missing run in the
 * given order, each after a server (and box) restart and a warm-up; a unit is
 * verified before its first run. 0, -1 fatal, -2 stopped; *skipped counts
 * units whose verify or server start failed (a failed attempt, study/attempts.h). */
static int interleaved_runs(study_t *s, const run_slot_t *slots, size_t n, int *skipped) {
    char *state = xcalloc((size_t)s->plan.nunits + 1, 1); /* 1 verified, 2 skipped */
    if (!state)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0 && !study_stop_signal; i++) {
        int ui = slots[i].unit, run = slots[i].run;
        const plan_unit_t *u = &s->plan.units[ui];
        char path[PATH_MAX], dir[PATH_MAX], raw[PATH_MAX], log[PATH_MAX + 32];
        run_file_path(s->results, u->scenario, u->config, run, path, sizeof path);
        if (study_file_exists(path) || state[ui] == 2)
            continue;
        if (study_space_ok(s) != 0) {
            rc = -1;
            break;
        }
        s->server_up = false; /* restart it, in a new box, before every run */
        if (study_ensure_server(s, u) != 0) {
            study_failed_attempt(s, u, run, "server-start", s->st.err, -2, false);
            state[ui] = 2;
            (*skipped)++;
            continue;
        }
        study_unit_dir(s, u, "logs", dir, sizeof dir);
        study_unit_dir(s, u, "raw", raw, sizeof raw);
        if (fs_mkdirs(dir, 0755) != 0 || fs_mkdirs(raw, 0755) != 0) {
            progress_line(&s->progress, "benchlab run: cannot create %s: %s", raw, strerror(errno));
            rc = -1;
            break;
        }
        if (!state[ui]) {
            if (study_reset_dirty(s, &s->meta[ui]) != 0) {
                rc = -1;
                break;
            }
            snprintf(log, sizeof log, "%s/verify.log", dir);
            int v = study_run_driver(s, u, "verify", -1, NULL, NULL, NULL, log);
            study_mark_dirty(s, &s->meta[ui]);
            if (v == -2) {
                rc = -2;
                break;
            }
            if (v != 0) {
                progress_line(&s->progress, "%s %s: verify failed (exit %d), skipping it; see %s",
                              u->scenario, u->config, v, log);
                state[ui] = 2;
                (*skipped)++;
                continue;
            }
            state[ui] = 1;
        }
        if (u->warmup_s > 0) {
            if (study_reset_dirty(s, &s->meta[ui]) != 0) {
                rc = -1;
                break;
            }
            snprintf(log, sizeof log, "%s/warmup-%02d.log", dir, run);
            int w = study_run_driver(s, u, "run", u->warmup_s, NULL, NULL, NULL, log);
            study_mark_dirty(s, &s->meta[ui]);
            if (w == -2) {
                rc = -2;
                break;
            }
        }
        progress_status(&s->progress, u->scenario, u->config, run, u->runs, s->done, s->total,
                        study_planned_seconds(s, ui, run));
        rc = study_one_run(s, ui, run);
        if (rc == 0)
            s->done++;
        else if (rc == 2 || rc == 1)
            rc = 0; /* a failed attempt, or a server that died: the next run restarts it */
    }
    free(state);
    return rc;
}

/* --- setup and teardown ----------------------------------------------------- */

static int count_runs(study_t *s, int *invalid) {
    int on_disk = 0;
    *invalid = 0;
    for (int i = 0; i < s->plan.nunits; i++)
        for (int r = 1; r <= s->plan.units[i].runs; r++) {
            char path[PATH_MAX];
            run_file_path(s->results, s->plan.units[i].scenario, s->plan.units[i].config, r, path,
                          sizeof path);
            json_t *j = json_load_file(path, 0, NULL);
            if (!j)
                continue;
            on_disk++;
            if (!json_is_true(json_object_get(j, "valid")))
                (*invalid)++;
            json_decref(j);
        }
    return on_disk;
}

int study_run(const study_opts_t *o) {
    run_slot_t *runs_order = NULL;
    size_t norder = 0;
    study_t *s = xcalloc(1, sizeof *s);
    if (!s)
        return 1;
    s->o = o;
    s->impl = o->implementation ? o->implementation : IMPL_DEFAULT; /* until the plan says */
    progress_init(&s->progress);
    int rc = study_prepare(s);
    if (rc == 0 && o->dry_run) {
        study_print_dry_run(s);
        goto out;
    }
    if (rc != 0)
        goto out;

    struct sigaction sa, old_int, old_term, old_hup;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop; /* no SA_RESTART: waits return early */
    sigemptyset(&sa.sa_mask);
    study_stop_signal = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    sigaction(SIGHUP, &sa, &old_hup);

    int stacks = study_sweep_stale_stacks();
    if (stacks > 0)
        progress_line(&s->progress, "stopped %d stack(s) left by an earlier benchlab run", stacks);
    int swept = box_sweep_stale() + box_sweep_stale_containers(s->backend);
    if (swept > 0)
        progress_line(&s->progress, "removed %d box(es) left by an earlier benchlab", swept);
    char topo_err[1024];
    if (s->profile.topo.nhosts > 0 &&
        study_topology_preflight(&s->profile, s->backend, topo_err, sizeof topo_err) != 0) {
        fprintf(stderr, "benchlab run: %s; no run started\n", topo_err);
        rc = 1;
        goto restore;
    }
    /* room for the results and the stack (PostgreSQL's data) before anything starts */
    s->min_free = o->min_free < 0 ? STUDY_MIN_FREE_DEFAULT : o->min_free;
    const char *tmp_dir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char space_err[PATH_MAX + 160];
    int invalid;
    if (count_runs(s, &invalid) < s->total &&
        (study_check_free(s->results, s->min_free, space_err, sizeof space_err) != 0 ||
         study_check_free(tmp_dir, s->min_free, space_err, sizeof space_err) != 0)) {
        fprintf(stderr, "benchlab run: cannot start: %s; free space or lower --min-free\n",
                space_err);
        rc = 1;
        goto restore;
    }
    if (fs_mkdirs(s->results, 0755) != 0) {
        fprintf(stderr, "benchlab run: cannot create %s: %s\n", s->results, strerror(errno));
        rc = 1;
        goto restore;
    }
    manifest_info_t mi = {.plan = &s->plan,
                          .profile = &s->profile,
                          .implementation = s->impl,
                          .backend = box_backend_name(s->backend),
                          .backend_why = s->backend_why,
                          .repo_root = getenv("BENCHLAB_ROOT") ? getenv("BENCHLAB_ROOT") : ".",
                          .runs_override = o->runs,
                          .planned_runs = s->total};
    long long seed = study_order_seed(s);
    bool interleaved = o->interleaved || study_recorded_interleaved(s);
    if (manifest_begin(s->results, &mi) != 0 ||
        (interleaved && study_record_order(s, (uint64_t)seed, &runs_order, &norder) != 0)) {
        fprintf(stderr, "benchlab run: cannot write %s/manifest.json: %s\n", s->results,
                strerror(errno));
        rc = 1;
        goto restore;
    }
    if (study_space_reserve(s->results) != 0)
        progress_line(&s->progress, "benchlab run: cannot keep a space reserve in %s: %s",
                      s->results, strerror(errno));
    s->done = count_runs(s, &invalid);
    progress_line(&s->progress,
                  "benchlab run: plan %s, profile %s (%s, driver on CPUs %s), %d/%d runs to do, "
                  "results in %s",
                  s->plan.name, s->profile.name, s->backend_why,
                  *s->profile.driver_cpuset ? s->profile.driver_cpuset : "any", s->total - s->done,
                  s->total, s->results);
    if (s->done == s->total)
        goto finish;

    snprintf(s->stack_dir, sizeof s->stack_dir, "%s/benchlab-run-%ld-XXXXXX",
             getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (long)getpid());
    if (!mkdtemp(s->stack_dir)) {
        fprintf(stderr, "benchlab run: mkdtemp: %s\n", strerror(errno));
        *s->stack_dir = '\0';
        rc = 1;
        goto restore;
    }
    chmod(s->stack_dir, 0755); /* the database user must reach its data */
    if (stack_init(&s->st, s->stack_dir) != 0) {
        fprintf(stderr, "benchlab run: %s\n", s->st.err);
        rc = 1;
        goto cleanup;
    }
    s->stack_inited = true;
    s->st.pg_use_template = true; /* only with $BENCHLAB_PG_TEMPLATE (docs/stack.md) */
    study_topology_addresses(&s->profile, &s->st);
    bool peers = false;
    for (int i = 0; i < s->nprogs; i++)
        peers |= *s->progs[i].peer_start != '\0';
    bool need[LAB_SVC_COUNT] = {0};
    /* only what the units with missing runs need (a resume may need less) */
    for (int i = 0; i < s->plan.nunits; i++) {
        bool missing = false;
        for (int r = 1; r <= s->plan.units[i].runs && !missing; r++) {
            char path[PATH_MAX];
            run_file_path(s->results, s->plan.units[i].scenario, s->plan.units[i].config, r, path,
                          sizeof path);
            missing = !study_file_exists(path);
        }
        for (int v = 0; v < LAB_SVC_COUNT && missing; v++)
            need[v] |= s->meta[i].needs[v];
    }
    /* the peers connect to PostgreSQL and Redis when they start (docs/peers.md) */
    if (peers)
        need[LAB_SVC_POSTGRES] = need[LAB_SVC_REDIS] = true;
    static const lab_service_t order[] = {LAB_SVC_POSTGRES, LAB_SVC_REDIS, LAB_SVC_UPSTREAM};
    for (size_t k = 0; k < 3 && !study_stop_signal; k++)
        if (need[order[k]] && study_start_service(s, order[k]) != 0) {
            study_service_failed(s, "service-start", s->st.err);
            rc = 1;
            goto cleanup;
        }
    if (!study_stop_signal)
        study_calibrate_driver(s);
    if (need[LAB_SVC_POSTGRES] && !study_stop_signal) {
        progress_line(&s->progress, "seeding the data set (once)...");
        if (stack_seed(&s->st) != 0) {
            progress_line(&s->progress, "benchlab run: seeding failed: %s", s->st.err);
            study_service_failed(s, "seed", s->st.err);
            rc = 1;
            goto cleanup;
        }
        if (*s->st.pg_template_key)
            manifest_note_pg_template(s->results, s->st.pg_template_key);
    }
    int skipped = 0;
    if (runs_order) {
        int r = interleaved_runs(s, runs_order, norder, &skipped);
        if (r == -1)
            rc = 1;
    }
    for (int i = 0; !runs_order && i < s->plan.nunits && !study_stop_signal; i++) {
        int r = one_unit(s, i);
        if (r == 1)
            skipped++;
        else if (r < 0) {
            if (r == -1)
                rc = 1;
            break;
        }
    }
    if (skipped)
        rc = 1;

cleanup:
    progress_end(&s->progress);
    study_teardown(s);
finish:
    study_space_release(s->results);
    s->done = count_runs(s, &invalid);
    manifest_finish(s->results, s->done == s->total, s->done, invalid,
                    study_attempts_count(s->results));
    if (study_stop_signal) {
        fprintf(stderr,
                "benchlab run: stopped by signal %d; %d/%d runs on disk (--resume continues)\n",
                (int)study_stop_signal, s->done, s->total);
        rc = 128 + study_stop_signal;
    } else {
        fprintf(stderr, "benchlab run: %d/%d runs on disk (%d invalid) in %s\n", s->done, s->total,
                invalid, s->results);
        if (s->attempts)
            fprintf(stderr,
                    "benchlab run: %d failed attempt(s), not measurements (%s/attempts.jsonl); "
                    "--resume runs them again\n",
                    s->attempts, s->results);
        if (rc == 0 && s->done != s->total)
            rc = 1;
    }
restore:
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    sigaction(SIGHUP, &old_hup, NULL);
out:
    free(runs_order);
    study_teardown(s);
    plan_free(&s->plan);
    profile_free(&s->profile);
    free(s->meta);
    free(s);
    return rc;
}
