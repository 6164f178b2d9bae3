/* Before the first run and after the last (internal.h): the scenarios
 * directory, loading and checking everything (also for --dry-run), the
 * programs and peer wrappers, the interleaved order, stale stacks, teardown. */
#include "lab/study/internal.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/portable.h"
#include "common/xalloc.h"
#include "lab/impl.h"
#include "lab/study/attempts.h"
#include "lab/study/check.h"
#include "lab/study/runfile.h"

int study_find_scenarios(char *buf, size_t len) {
    const char *root = getenv("BENCHLAB_ROOT");
    if (root && *root) {
        snprintf(buf, len, "%s/scenarios", root);
        if (study_file_exists(buf))
            return 0;
    }
    snprintf(buf, len, "scenarios");
    if (study_file_exists("scenarios/plans"))
        return 0;
    char exe[PATH_MAX];
    if (portable_self_exe(exe, sizeof exe) > 0) {
        for (int up = 0; up < 4; up++) {
            char *slash = strrchr(exe, '/');
            if (!slash)
                break;
            *slash = '\0';
            snprintf(buf, len, "%s/scenarios/plans", exe);
            if (study_file_exists(buf)) {
                snprintf(buf, len, "%s/scenarios", exe);
                return 0;
            }
        }
    }
    return -1;
}

void study_teardown(study_t *s) {
    if (s->stack_inited) {
        char logs[PATH_MAX + 16];
        snprintf(logs, sizeof logs, "%s/logs", s->results);
        /* (not onto a full disk: the manifest still has to fit) */
        if (study_free_bytes(s->results) > (4 << 20) && fs_mkdirs(logs, 0755) == 0)
            for (int i = 0; i < LAB_SVC_COUNT; i++) {
                char from[PATH_MAX], to[PATH_MAX + 64];
                stack_log_path(&s->st, (lab_service_t)i, from, sizeof from);
                snprintf(to, sizeof to, "%s/%s.log", logs, lab_service_name((lab_service_t)i));
                fs_copy_file(from, to); /* a log that is not there: none to keep */
            }
        stack_down(&s->st);
        s->stack_inited = false;
    }
    for (int i = 0; i < LAB_SVC_COUNT; i++) {
        box_destroy(s->boxes[i]);
        s->boxes[i] = NULL;
    }
    box_destroy_all();
    if (*s->stack_dir) {
        fs_remove_tree(s->stack_dir);
        *s->stack_dir = '\0';
    }
}

/* Stacks of a benchlab run that was killed outright (SIGKILL, a crash):
 * TMPDIR/benchlab-run-<pid>-* whose pid is gone. Stops their services and
 * removes them. Returns how many. */
int study_sweep_stale_stacks(void) {
    const char *tmp = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    DIR *d = opendir(tmp);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        long pid;
        if (sscanf(e->d_name, "benchlab-run-%ld-", &pid) != 1 || pid <= 0 || pid == getpid())
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno == EPERM)
            continue; /* that study still runs */
        char dir[PATH_MAX];
        if (snprintf(dir, sizeof dir, "%s/%s", tmp, e->d_name) >= (int)sizeof dir)
            continue;
        lab_stack_t *st = xcalloc(1, sizeof *st);
        if (st && stack_open(st, dir) == 0)
            stack_down(st);
        free(st);
        fs_remove_tree(dir);
        n++;
    }
    closedir(d);
    return n;
}

/* The program of every implementation the plan runs: --server-bin for the
 * one --implementation names (else for c-ulfius), peers/as-server for a peer,
 * benchlab-server otherwise. 0 or -1 (message printed).
 *
 * The peers (docs/peers.md) read their configuration from the environment;
 * the stack starts a server with benchlab-server's flags. peers/as-server
 * turns the one into the other and execs peers/<name>/start (--name is the
 * implementation), so the pid (and the box it joined) stays the server's. */
static int find_programs(study_t *s) {
    const study_opts_t *o = s->o;
    const char *bin_for = o->implementation ? o->implementation : IMPL_DEFAULT;
    size_t off = 0;
    for (int i = 0; i < s->plan.nunits; i++) {
        const char *name = s->plan.units[i].implementation;
        if (study_program_of(s, name))
            continue;
        if (s->nprogs == STUDY_MAX_IMPLS) {
            fprintf(stderr, "benchlab run: more than %d implementations in one study\n",
                    STUDY_MAX_IMPLS);
            return -1;
        }
        impl_program_t *p = &s->progs[s->nprogs++];
        snprintf(p->name, sizeof p->name, "%s", name);
        off +=
            (size_t)snprintf(s->impls + off, sizeof s->impls - off, "%s%s", off ? "," : "", name);
        if (o->server_bin && strcmp(name, bin_for) == 0) {
            snprintf(p->server_bin, sizeof p->server_bin, "%s", o->server_bin);
        } else if (strcmp(name, IMPL_DEFAULT) != 0) {
            if (snprintf(p->peer_start, sizeof p->peer_start, "%s/../peers/%s/start", s->scenarios,
                         name) >= (int)sizeof p->peer_start ||
                access(p->peer_start, X_OK) != 0) {
                fprintf(stderr,
                        "benchlab run: implementation '%s': no %s (give its server with "
                        "--server-bin)\n",
                        name, p->peer_start);
                return -1;
            }
            char abs[PATH_MAX], as_server[sizeof s->scenarios + 32];
            if (realpath(p->peer_start, abs))
                snprintf(p->peer_start, sizeof p->peer_start, "%s", abs);
            snprintf(as_server, sizeof as_server, "%s/../peers/as-server", s->scenarios);
            if (!realpath(as_server, abs) || access(abs, X_OK) != 0) {
                fprintf(stderr, "benchlab run: implementation '%s': no %s\n", name, as_server);
                return -1;
            }
            snprintf(p->server_bin, sizeof p->server_bin, "%s", abs);
        }
    }
    s->impl = s->impls;
    return 0;
}

int study_prepare(study_t *s) {
    const study_opts_t *o = s->o;
    int ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
    char err[2048];
    if (o->scenarios_dir)
        snprintf(s->scenarios, sizeof s->scenarios, "%s", o->scenarios_dir);
    else if (study_find_scenarios(s->scenarios, sizeof s->scenarios) != 0) {
        fprintf(stderr, "benchlab run: no scenarios directory found (run from the repository or "
                        "set BENCHLAB_ROOT)\n");
        return 2;
    }
    const char *pname = o->profile ? o->profile : profile_default_name(ncpu);
    if (profile_load(pname, s->scenarios, ncpu, &s->profile, err, sizeof err) != 0) {
        fprintf(stderr, "benchlab run: %s\n", err);
        return 2;
    }
    /* --implementation names the units the plan leaves open and filters the
     * others; the profile's implementation only fills the open ones */
    const char *default_impl = o->implementation            ? o->implementation
                               : *s->profile.implementation ? s->profile.implementation
                                                            : IMPL_DEFAULT;
    if (plan_load(o->plan, s->scenarios, default_impl, o->implementation, &s->plan, err,
                  sizeof err) != 0) {
        fprintf(stderr, "benchlab run: %s\n", err);
        return 2;
    }
    s->meta = xcalloc((size_t)s->plan.nunits, sizeof *s->meta);
    for (int i = 0; i < s->plan.nunits; i++) {
        if (o->runs > 0)
            s->plan.units[i].runs = o->runs;
        s->total += s->plan.units[i].runs;
        if (scenario_meta_load(s->plan.units[i].scenario_path, &s->meta[i], err, sizeof err) != 0) {
            fprintf(stderr, "benchlab run: %s\n", err);
            return 2;
        }
        /* A serial scenario's iterations would undo each other's state
         * (12 truncates the table it then updates): one VU, recorded as such. */
        if (s->meta[i].serial)
            s->plan.units[i].vus = 1;
    }
    if (find_programs(s) != 0)
        return 2;
    s->backend = s->profile.backend;
    const char *engine = getenv("BENCHLAB_BOX_ENGINE");
    if (engine && *engine && (s->backend == BOX_DOCKER || s->backend == BOX_PODMAN)) {
        if (strcmp(engine, "docker") != 0 && strcmp(engine, "podman") != 0) {
            fprintf(stderr, "benchlab run: BENCHLAB_BOX_ENGINE='%s' (expected docker or podman)\n",
                    engine);
            return 2;
        }
        s->backend = strcmp(engine, "podman") == 0 ? BOX_PODMAN : BOX_DOCKER;
    }
    if (s->backend == BOX_NATIVE) {
        s->backend = box_detect(s->backend_why, sizeof s->backend_why);
        if (s->backend == BOX_NONE) {
            fprintf(stderr,
                    "benchlab run: profile '%s' needs native boxes, which are unavailable: %s "
                    "(run as root, or use --profile unboxed)\n",
                    s->profile.name, s->backend_why);
            return 2;
        }
    } else {
        snprintf(s->backend_why, sizeof s->backend_why, "%s", box_backend_name(s->backend));
    }
#ifndef __linux__
    /* Pinning is sched_setaffinity: say so here rather than fail in each child. */
    int pins = *s->profile.driver_cpuset != '\0';
    for (int i = 0; i < LAB_SVC_COUNT; i++)
        pins |= s->profile.boxes[i].boxed && *s->profile.boxes[i].cpuset &&
                s->backend != BOX_DOCKER && s->backend != BOX_PODMAN; /* --cpuset-cpus */
    if (pins) {
        fprintf(stderr,
                "benchlab run: profile '%s' pins processes to CPUs (a cpuset), which needs Linux; "
                "use --profile unboxed here\n",
                s->profile.name);
        return 2;
    }
#endif
    if (stack_find_program("benchlab-load", "BENCHLAB_LOAD_BIN", s->load_bin, sizeof s->load_bin) !=
        0) {
        fprintf(stderr, "benchlab run: benchlab-load not found next to benchlab (set "
                        "BENCHLAB_LOAD_BIN)\n");
        return 2;
    }
    /* every scenario file with its load, before anything starts (also --dry-run) */
    int bad = study_check_scenarios(&s->plan, s->load_bin, s->profile.driver_threads);
    if (bad != 0) {
        if (bad > 0)
            fprintf(stderr, "benchlab run: %d scenario check(s) failed; no run started\n", bad);
        return 2;
    }

    if (o->results) {
        snprintf(s->results, sizeof s->results, "%s", o->results);
    } else {
        char stamp[32];
        time_t t = time(NULL);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
        snprintf(s->results, sizeof s->results, "results/%s-%s", s->plan.name, stamp);
    }
    char manifest[PATH_MAX + 16];
    snprintf(manifest, sizeof manifest, "%s/manifest.json", s->results);
    if (study_file_exists(manifest)) {
        if (!o->resume) {
            fprintf(stderr,
                    "benchlab run: %s already holds a study; pass --resume to continue it or "
                    "choose another --results\n",
                    s->results);
            return 2;
        }
        json_t *old = json_load_file(manifest, 0, NULL);
        const char *old_plan = json_string_value(json_object_get(old, "plan"));
        const char *old_impl = json_string_value(json_object_get(old, "implementation"));
        int bad = (old_plan && strcmp(old_plan, s->plan.name) != 0) ||
                  (old_impl && strcmp(old_impl, s->impl) != 0);
        if (bad)
            fprintf(stderr,
                    "benchlab run: %s holds plan '%s' for '%s'; cannot resume it with plan '%s' "
                    "for '%s'\n",
                    s->results, old_plan, old_impl ? old_impl : "?", s->plan.name, s->impl);
        json_decref(old);
        if (bad)
            return 2;
    }
    return 0;
}

void study_print_dry_run(study_t *s) {
    double t = study_planned_seconds(s, 0, 1);
    char eta[32];
    progress_format_duration(t, eta, sizeof eta);
    printf("plan %s, profile %s (%s), %d units, %d runs, about %s\n", s->plan.name, s->profile.name,
           s->backend_why, s->plan.nunits, s->total, eta);
    for (int i = 0; i < s->plan.nunits; i++) {
        const plan_unit_t *u = &s->plan.units[i];
        char open[96] = "";
        if (u->rate > 0)
            snprintf(open, sizeof open, " (open model)");
        else if (u->load_pct > 0) /* study/openload.h */
            snprintf(open, sizeof open, " (open model at %g%% of the closed capacity)",
                     u->load_pct);
        if (u->objective_ms > 0) /* a capacity unit (capacity_unit.c) */
            printf("  %-32s %-36s runs %d, each a capacity search: p99 <= %g ms from %g/s, "
                   "steps of %gs\n",
                   u->scenario, u->config, u->runs, u->objective_ms, u->rate, u->duration_s);
        else
            printf("  %-32s %-36s runs %d, %d VUs, %gs%s\n", u->scenario, u->config, u->runs,
                   u->vus, u->duration_s, open);
    }
    run_slot_t *slots = NULL;
    size_t n = 0;
    long long seed = study_order_seed(s);
    if (s->o->interleaved && run_order_interleaved(&s->plan, (uint64_t)seed, &slots, &n) == 0) {
        printf("order: interleaved, seed %lld (the server restarts before every run)\n", seed);
        for (size_t i = 0; i < n; i++)
            printf("  %4zu %-32s %-36s run %d\n", i + 1, s->plan.units[slots[i].unit].scenario,
                   s->plan.units[slots[i].unit].config, slots[i].run);
    }
    free(slots);
}

/* The interleaved order's seed: --seed, else the one the manifest of the
 * study being resumed recorded, else the time. */
long long study_order_seed(const study_t *s) {
    if (s->o->seed >= 0)
        return s->o->seed;
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/manifest.json", s->results);
    json_t *m = json_load_file(path, 0, NULL);
    json_t *seed = json_object_get(json_object_get(m, "order"), "seed");
    long long v = json_is_integer(seed) ? (long long)json_integer_value(seed) : -1;
    json_decref(m);
    if (v >= 0)
        return v;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ((long long)ts.tv_sec * 1000003LL + ts.tv_nsec) & ((1LL << 53) - 1);
}

/* A resumed study that was interleaved stays interleaved. */
bool study_recorded_interleaved(const study_t *s) {
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/manifest.json", s->results);
    json_t *m = json_load_file(path, 0, NULL);
    const char *mode = json_string_value(json_object_get(json_object_get(m, "order"), "mode"));
    bool yes = mode && strcmp(mode, "interleaved") == 0;
    json_decref(m);
    return yes;
}

/* Builds the interleaved order and records it (mode, seed, every run) in
 * the manifest manifest_begin just wrote. 0 or -1 (errno). */
int study_record_order(study_t *s, uint64_t seed, run_slot_t **order, size_t *n) {
    if (run_order_interleaved(&s->plan, seed, order, n) != 0)
        return -1;
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/manifest.json", s->results);
    json_t *m = json_load_file(path, 0, NULL);
    if (!m)
        return -1;
    json_object_set_new(m, "order", run_order_json(&s->plan, seed, *order, *n));
    int rc = study_write_json(path, m);
    json_decref(m);
    return rc;
}
