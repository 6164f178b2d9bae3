/* The study loop (see study.h). Services are started once for the whole
 * study, each in its own box; only the server restarts, when the server
 * configuration changes between units. */
#include "lab/study/study.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/portable.h"
#include "lab/box/box.h"
#include "lab/study/hostload.h"
#include "lab/study/manifest.h"
#include "lab/study/calibrate.h"
#include "lab/study/plan.h"
#include "lab/study/run_order.h"
#include "lab/study/profile.h"
#include "lab/study/study_topology.h"
#include "lab/stack/spawn.h"
#include "lab/stack/stack.h"
#include "lab/study/attempts.h"
#include "lab/study/check.h"
#include "lab/study/progress.h"
#include "lab/study/dbstats.h"
#include "lab/study/runfile.h"
#include "lab/study/scenario.h"
#include "lab/study/timeseries.h"
#include "lab/results/validity.h"

static volatile sig_atomic_t stop_signal; /* set by SIGINT/SIGTERM/SIGHUP */

static void on_stop(int sig) {
    stop_signal = sig;
}

static double mono(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long long unix_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The server program of one implementation the plan runs. */
typedef struct impl_program {
    char name[32];
    char peer_start[PATH_MAX];      /* peers/<name>/start, "" for benchlab-server's flags */
    char server_bin[PATH_MAX + 32]; /* what the stack starts; "" = benchlab-server */
} impl_program_t;

#define STUDY_MAX_IMPLS 8

typedef struct study {
    const study_opts_t *o;
    const char *impl; /* the implementations, comma-separated (manifest, resume check) */
    char impls[STUDY_MAX_IMPLS * 34];
    impl_program_t progs[STUDY_MAX_IMPLS];
    int nprogs;
    char results[PATH_MAX];
    char scenarios[PATH_MAX];
    char load_bin[PATH_MAX];
    double driver_ceiling; /* req/s from the calibration; 0 = none (study/calibrate.h) */
    char stack_dir[PATH_MAX];
    plan_t plan;
    profile_t profile;
    box_backend_t backend;
    char backend_why[256];
    scenario_meta_t *meta; /* per unit */
    lab_stack_t st;
    bool stack_inited;
    box_t *boxes[LAB_SVC_COUNT];
    bool server_up;
    plan_unit_t server_cfg; /* the configuration the running server has */
    char dirty[SCENARIO_MAX_DIRTIES * 2][32];
    int ndirty;
    progress_t progress;
    double overhead_sum; /* measured wall time of runs beyond their duration */
    int overhead_n;
    int done, total;
    long long min_free; /* bytes the results and stack file systems must keep free */
    int attempts;       /* failed attempts recorded by this invocation */
} study_t;

/* benchlab-load's exit status when it could not write its summary or time
 * series (docs/scenarios.md): no result, and no measurement either. */
#define LOAD_EXIT_OUTPUT 3

/* --- small helpers ------------------------------------------------------ */

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void rm_tree(const char *dir) {
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static bool file_exists(const char *p) {
    struct stat st;
    return stat(p, &st) == 0;
}

int study_find_scenarios(char *buf, size_t len) {
    const char *root = getenv("BENCHLAB_ROOT");
    if (root && *root) {
        snprintf(buf, len, "%s/scenarios", root);
        if (file_exists(buf))
            return 0;
    }
    snprintf(buf, len, "scenarios");
    if (file_exists("scenarios/plans"))
        return 0;
    char exe[PATH_MAX];
    if (portable_self_exe(exe, sizeof exe) > 0) {
        for (int up = 0; up < 4; up++) {
            char *slash = strrchr(exe, '/');
            if (!slash)
                break;
            *slash = '\0';
            snprintf(buf, len, "%s/scenarios/plans", exe);
            if (file_exists(buf)) {
                snprintf(buf, len, "%s/scenarios", exe);
                return 0;
            }
        }
    }
    return -1;
}

/* Waits for a child, stopping it on a stop signal or after timeout_s.
 * Returns its status (exit code or 128+signal), -2 when stopped for a
 * signal, -3 on timeout. */
/* Waits for the child, sampling the server's CPU into cpu (may be NULL) meanwhile. */
static int wait_child(pid_t pid, double timeout_s, cpu_series_t *cpu) {
    double deadline = mono() + timeout_s;
    struct timespec step = {0, 50 * 1000 * 1000};
    for (;;) {
        int status;
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        if (r < 0 && errno != EINTR)
            return -1;
        if (stop_signal) {
            spawn_stop(pid, 3000);
            return -2;
        }
        if (mono() > deadline) {
            spawn_stop(pid, 3000);
            return -3;
        }
        cpu_series_tick(cpu, mono());
        nanosleep(&step, NULL);
    }
}

static void unit_dir(const study_t *s, const plan_unit_t *u, const char *top, char *buf,
                     size_t len) {
    if (snprintf(buf, len, "%s/%s/%s/%s", s->results, top, u->scenario, u->config) >= (int)len)
        buf[0] = '\0';
}

/* --- boxes and services --------------------------------------------------- */

static box_t *make_box(study_t *s, lab_service_t svc, double cpus_override, const char *impl) {
    const profile_box_t *pb = &s->profile.boxes[svc];
    if (!pb->boxed)
        return NULL;
    /* docker/podman: a peer's server runs from its own image (benchlab-fastapi,
     * benchlab-express) where the profile names benchlab-server's */
    char peer_image[64];
    const char *image = *pb->image ? pb->image : NULL;
    if (impl && strcmp(impl, "c-ulfius") != 0 &&
        (!image || strcmp(image, "benchlab-server") == 0)) {
        snprintf(peer_image, sizeof peer_image, "benchlab-%s", impl);
        image = peer_image;
    }
    box_limits_t lim = {.cpus = cpus_override > 0 ? cpus_override : pb->cpus,
                        .cpuset = pb->cpuset,
                        .mem_bytes = pb->mem_bytes,
                        .user = *pb->user ? pb->user : NULL,
                        .image = image,
                        .endpoint = study_topology_endpoint(&s->profile, svc)};
    char err[1024];
    box_t *b = box_create(s->backend, lab_service_name(svc), &lim, err, sizeof err);
    if (!b)
        progress_line(&s->progress, "benchlab run: %s", err);
    return b;
}

static void set_hook(study_t *s, lab_service_t svc, box_t *b) {
    s->st.hooks[svc].before_exec = b ? box_enter : NULL;
    s->st.hooks[svc].ctx = b;
    s->st.hooks[svc].box = b; /* docker/podman: the stack runs it as a container */
    const char *user = s->profile.boxes[svc].user;
    s->st.hooks[svc].run_as_user = *user ? user : NULL;
}

static int start_service(study_t *s, lab_service_t svc) {
    s->boxes[svc] = make_box(s, svc, 0, NULL);
    if (s->profile.boxes[svc].boxed && !s->boxes[svc])
        return -1;
    set_hook(s, svc, s->boxes[svc]);
    int rc = svc == LAB_SVC_POSTGRES ? lab_stack_start_postgres(&s->st)
             : svc == LAB_SVC_REDIS  ? lab_stack_start_redis(&s->st)
                                     : lab_stack_start_upstream(&s->st);
    if (rc != 0) {
        progress_line(&s->progress, "benchlab run: %s", s->st.err);
        return -1;
    }
    if (s->boxes[svc])
        box_track_pid(s->boxes[svc], s->st.pid[svc]);
    return 0;
}

static const impl_program_t *program_of(const study_t *s, const char *implementation) {
    for (int i = 0; i < s->nprogs; i++)
        if (strcmp(s->progs[i].name, implementation) == 0)
            return &s->progs[i];
    return NULL;
}

/* Starts the server for unit u unless the running one already fits (a unit
 * of another implementation starts that implementation's program). */
static int ensure_server(study_t *s, const plan_unit_t *u) {
    const impl_program_t *prog = program_of(s, u->implementation);
    if (!prog)
        return -1;
    if (s->server_up && plan_same_server(&s->server_cfg, u) &&
        spawn_alive(s->st.pid[LAB_SVC_SERVER]))
        return 0;
    if (s->server_up || s->st.pid[LAB_SVC_SERVER] > 0)
        lab_stack_stop(&s->st, LAB_SVC_SERVER);
    s->server_up = false;
    box_destroy(s->boxes[LAB_SVC_SERVER]);
    s->boxes[LAB_SVC_SERVER] = make_box(s, LAB_SVC_SERVER, u->server_cpus, u->implementation);
    if (s->profile.boxes[LAB_SVC_SERVER].boxed && !s->boxes[LAB_SVC_SERVER])
        return -1;
    set_hook(s, LAB_SVC_SERVER, s->boxes[LAB_SVC_SERVER]);

    char workers[16], pool[16];
    char *args[8];
    int n = 0;
    if (!*prog->peer_start || u->server_flags) {
        snprintf(workers, sizeof workers, "%d", u->workers);
        args[n++] = "--threading";
        args[n++] = (char *)u->threading;
        args[n++] = "--workers";
        args[n++] = workers;
    }
    if (u->db_pool > 0) {
        snprintf(pool, sizeof pool, "%d", u->db_pool);
        args[n++] = "--db-pool";
        args[n++] = pool;
    }
    lab_server_opts_t so = {.implementation = u->implementation,
                            .bin = *prog->server_bin ? prog->server_bin : NULL,
                            .args = args,
                            .nargs = n};
    if (lab_stack_start_server(&s->st, &so) != 0) {
        progress_line(&s->progress, "benchlab run: %s", s->st.err);
        return -1;
    }
    if (s->boxes[LAB_SVC_SERVER])
        box_track_pid(s->boxes[LAB_SVC_SERVER], s->st.pid[LAB_SVC_SERVER]);
    s->server_cfg = *u;
    s->server_up = true;
    return 0;
}

/* Resets what the last scenario and the next one dirty. */
static int reset_dirty(study_t *s, const scenario_meta_t *m) {
    const char *names[SCENARIO_MAX_DIRTIES * 3];
    int n = 0;
    for (int i = 0; i < s->ndirty; i++)
        names[n++] = s->dirty[i];
    for (int i = 0; i < m->ndirties; i++) {
        bool dup = false;
        for (int j = 0; j < n; j++)
            dup |= strcmp(names[j], m->dirties[i]) == 0;
        if (!dup)
            names[n++] = m->dirties[i];
    }
    if (n == 0)
        return 0;
    if (lab_stack_reset(&s->st, names, n) != 0) {
        progress_line(&s->progress, "benchlab run: reset failed: %s", s->st.err);
        return -1;
    }
    s->ndirty = 0;
    return 0;
}

/* After the driver touched the data: what the scenario dirties is dirty now. */
static void mark_dirty(study_t *s, const scenario_meta_t *m) {
    for (int i = 0; i < m->ndirties && s->ndirty < (int)(sizeof s->dirty / sizeof s->dirty[0]);
         i++) {
        bool dup = false;
        for (int j = 0; j < s->ndirty; j++)
            dup |= strcmp(s->dirty[j], m->dirties[i]) == 0;
        if (!dup)
            snprintf(s->dirty[s->ndirty++], sizeof s->dirty[0], "%s", m->dirties[i]);
    }
}

/* --- the driver ----------------------------------------------------------- */

/* Several drivers (a topology's "driver.host" array): each a container on
 * its host with its share of the load, started together; their summaries
 * merged into summary (`benchlab-load merge --parallel`). The first
 * failing driver's status, else merge's. */
static int run_drivers(study_t *s, char *const argv[], const char *const paths[],
                       const char *summary, const char *log, double limit, cpu_series_t *cpu) {
    int nd = topology_ndrivers(&s->profile.topo), rc = 0;
    pid_t pids[TOPO_MAX_HOSTS];
    box_t *boxes[TOPO_MAX_HOSTS] = {0};
    char logs[TOPO_MAX_HOSTS][PATH_MAX + 8], parts[TOPO_MAX_HOSTS][PATH_MAX + 8], err[1024];
    int started = 0;
    for (int i = 0; i < nd; i++) {
        char **cmd = study_topology_driver_i(&s->profile, s->backend, argv, paths, i, &boxes[i],
                                             err, sizeof err);
        if (!cmd) {
            progress_line(&s->progress, "benchlab run: driver %d: %s", i, err);
            rc = -1;
            break;
        }
        snprintf(logs[i], sizeof logs[i], i ? "%s.d%d" : "%s", log, i);
        snprintf(parts[i], sizeof parts[i], "%s.d%d", summary, i);
        spawn_opts_t so = {.log_path = logs[i]};
        pids[i] = spawn_process(cmd, &so);
        box_free_argv(cmd);
        if (pids[i] < 0) {
            rc = -1;
            break;
        }
        started++;
    }
    if (cpu && started)
        cpu_series_start(cpu, cpu->box, mono());
    for (int i = 0; i < started; i++) {
        int r = wait_child(pids[i], limit, i == 0 ? cpu : NULL);
        if (rc == 0 && r != 0 && r != 99)
            rc = r;
    }
    for (int i = 0; i < nd; i++)
        if (boxes[i])
            box_destroy(boxes[i]);
    if (rc != 0)
        return rc;
    char *merge[4 + TOPO_MAX_HOSTS + 4];
    int m = 0;
    merge[m++] = s->load_bin;
    merge[m++] = "merge";
    for (int i = 0; i < nd; i++)
        merge[m++] = parts[i];
    merge[m++] = "--out";
    merge[m++] = (char *)summary;
    merge[m++] = "--parallel";
    merge[m] = NULL;
    char mlog[PATH_MAX + 8];
    snprintf(mlog, sizeof mlog, "%s.merge", log);
    spawn_opts_t so = {.log_path = mlog};
    pid_t pid = spawn_process(merge, &so);
    rc = pid < 0 ? -1 : wait_child(pid, 60, NULL);
    for (int i = 0; i < nd; i++)
        unlink(parts[i]);
    return rc;
}

/* Runs benchlab-load MODE (run or verify) for unit u. summary and timeseries
 * (the driver's per-second file) may be NULL; cpu, when not NULL, samples the
 * server box meanwhile. duration_s < 0: the plan's. Returns wait_child's result. */
static int run_driver(study_t *s, const plan_unit_t *u, const char *mode, double duration_s,
                      const char *summary, const char *timeseries, cpu_series_t *cpu,
                      const char *log) {
    char vus[16], dur[32], rate[32], maxvus[16], threads[16], capacity[32];
    char *argv[32];
    int n = 0;
    argv[n++] = s->load_bin;
    argv[n++] = (char *)mode;
    argv[n++] = (char *)u->scenario_path;
    argv[n++] = "--base-url";
    argv[n++] = s->st.server_url;
    if (strcmp(mode, "run") == 0) {
        snprintf(vus, sizeof vus, "%d", u->vus);
        snprintf(dur, sizeof dur, "%gs", duration_s >= 0 ? duration_s : u->duration_s);
        argv[n++] = "--vus";
        argv[n++] = vus;
        argv[n++] = "--duration";
        argv[n++] = dur;
        if (u->rate > 0) {
            snprintf(rate, sizeof rate, "%g", u->rate);
            argv[n++] = "--rate";
            argv[n++] = rate;
        }
        if (u->max_vus > 0) {
            snprintf(maxvus, sizeof maxvus, "%d", u->max_vus);
            argv[n++] = "--max-vus";
            argv[n++] = maxvus;
        }
        if (u->capacity > 0) { /* staged scenarios: "P%" targets (docs/stress.md) */
            snprintf(capacity, sizeof capacity, "%g", u->capacity);
            argv[n++] = "--capacity";
            argv[n++] = capacity;
        }
        if (s->profile.driver_threads > 0) {
            snprintf(threads, sizeof threads, "%d", s->profile.driver_threads);
            argv[n++] = "--threads";
            argv[n++] = threads;
        }
        if (summary) {
            argv[n++] = "--summary-export";
            argv[n++] = (char *)summary;
        }
        if (timeseries) {
            argv[n++] = "--timeseries";
            argv[n++] = (char *)timeseries;
        }
    }
    argv[n] = NULL;
    /* a topology: the driver is a container on its host (study/study_topology.h) */
    box_t *dbox = NULL;
    char derr[1024];
    const char *paths[] = {u->scenario_path, summary ? summary : log, timeseries ? timeseries : log,
                           NULL};
    if (topology_ndrivers(&s->profile.topo) > 1 && summary)
        return run_drivers(s, argv, paths, summary, log,
                           (duration_s >= 0 ? duration_s : u->duration_s) + 120, cpu);
    char **remote =
        study_topology_driver(&s->profile, s->backend, argv, paths, &dbox, derr, sizeof derr);
    if (s->profile.topo.nhosts > 0 && !remote) {
        progress_line(&s->progress, "benchlab run: driver: %s", derr);
        return -1;
    }
    spawn_opts_t so = {.log_path = log,
                       .before_exec = *s->profile.driver_cpuset && !remote ? box_pin_hook : NULL,
                       .ctx = s->profile.driver_cpuset};
    pid_t pid = spawn_process(remote ? remote : argv, &so);
    box_free_argv(remote);
    if (pid < 0) {
        if (dbox)
            box_destroy(dbox);
        return -1;
    }
    double limit = (duration_s >= 0 ? duration_s : u->duration_s) + 120;
    if (cpu)
        cpu_series_start(cpu, cpu->box, mono());
    int drc = wait_child(pid, strcmp(mode, "verify") == 0 ? 300 : limit, cpu);
    if (dbox)
        box_destroy(dbox);
    return drc;
}

/* What each box was given for unit u; "cpus_effective" is what the quota
 * can really use on its CPU set (a 2-CPU quota on one pinned CPU is 1). */
static json_t *limits_json(const study_t *s, const plan_unit_t *u) {
    json_t *all = json_object();
    for (int i = 0; i < LAB_SVC_COUNT; i++) {
        const profile_box_t *pb = &s->profile.boxes[i];
        if (!pb->boxed || !s->boxes[i])
            continue; /* not started for this study */
        double cpus = i == LAB_SVC_SERVER && u->server_cpus > 0 ? u->server_cpus : pb->cpus;
        int ncpu = *pb->cpuset ? box_cpulist_count(pb->cpuset) : (int)sysconf(_SC_NPROCESSORS_ONLN);
        double effective = cpus > 0 && cpus < ncpu ? cpus : ncpu;
        json_object_set_new(
            all, lab_service_name((lab_service_t)i),
            json_pack("{s:o,s:s,s:f,s:o}", "cpus", cpus > 0 ? json_real(cpus) : json_null(),
                      "cpuset", pb->cpuset, "cpus_effective", effective, "memory_bytes",
                      pb->mem_bytes > 0 ? json_integer(pb->mem_bytes) : json_null()));
    }
    return all;
}

static double planned_seconds(const study_t *s, int from_unit, int from_run) {
    double overhead = s->overhead_n ? s->overhead_sum / s->overhead_n : 2.0;
    double t = 0;
    for (int i = from_unit; i < s->plan.nunits; i++) {
        const plan_unit_t *u = &s->plan.units[i];
        int missing = 0;
        for (int r = i == from_unit ? from_run : 1; r <= u->runs; r++) {
            char path[PATH_MAX];
            run_file_path(s->results, u->scenario, u->config, r, path, sizeof path);
            missing += !file_exists(path);
        }
        if (missing)
            t += missing * (u->duration_s + overhead) +
                 (i > from_unit || from_run == 1 ? u->warmup_s : 0);
    }
    return t;
}

/* The host's CPU outside our boxes and the driver during the run (hostload.h). */
static json_t *study_host_load(const study_t *s, const run_observed_t *obs,
                               const host_sample_t *before, const host_sample_t *after) {
    double ours = 0;
    bool boxed = true;
    for (int i = 0; i < LAB_SVC_COUNT; i++) {
        if (obs->boxed[i] && obs->boxes[i].available)
            ours += obs->boxes[i].cpu_user_s + obs->boxes[i].cpu_sys_s;
        else if (s->st.pid[i] > 0)
            boxed = false; /* a service ran unboxed: its CPU is not ours to subtract */
    }
    json_t *drv = json_object_get(obs->summary, "driver");
    ours += json_number_value(json_object_get(drv, "cpu_user_s")) +
            json_number_value(json_object_get(drv, "cpu_sys_s"));
    return host_load_json(before, after, obs->wall_s, ours, boxed);
}

/* --- the lab's own failures (study/attempts.h) -------------------------------- */

/* Do the results and stack file systems still have --min-free? Before each run. */
static int space_ok(study_t *s) {
    char err[PATH_MAX + 160];
    const char *dirs[2] = {s->results, *s->stack_dir ? s->stack_dir : NULL};
    for (int i = 0; i < 2; i++)
        if (dirs[i] && study_check_free(dirs[i], s->min_free, err, sizeof err) != 0) {
            progress_line(&s->progress,
                          "benchlab run: stopping before the disk fills: %s; free space, then "
                          "--resume",
                          err);
            return -1;
        }
    return 0;
}

/* A run the lab could not complete for its own reasons: no run file (so no
 * statistic sees it and --resume runs it again), a line in attempts.jsonl.
 * stop: the study ends here; the space reserve is given back first, so the
 * record and the manifest fit on a full disk. */
static void failed_attempt(study_t *s, const plan_unit_t *u, int run, const char *kind,
                           const char *reason, int driver_exit, bool stop) {
    if (stop)
        study_space_release(s->results);
    if (study_attempt_record(s->results, u, run, kind, reason, driver_exit) != 0)
        progress_line(&s->progress,
                      "benchlab run: cannot record the failed attempt in "
                      "%s/attempts.jsonl: %s",
                      s->results, strerror(errno));
    s->attempts++;
    progress_line(&s->progress, "%s %s run %d/%d: FAILED ATTEMPT, not a measurement (%s: %s)%s",
                  u->scenario, u->config, run, u->runs, kind, reason,
                  stop ? "; stopping the study (--resume runs it again)" : "");
}

/* A service the study needs could not start (or be seeded): the first
 * missing run of the first unit with one is the attempt it cost. */
static void service_failed(study_t *s, const char *kind, const char *why) {
    for (int i = 0; i < s->plan.nunits; i++)
        for (int r = 1; r <= s->plan.units[i].runs; r++) {
            char path[PATH_MAX];
            run_file_path(s->results, s->plan.units[i].scenario, s->plan.units[i].config, r, path,
                          sizeof path);
            if (!file_exists(path)) {
                failed_attempt(s, &s->plan.units[i], r, kind, why, -2, true);
                return;
            }
        }
}

/* One run: reset, driver, box statistics, validity, the file. 0, 2 a failed
 * attempt (go on), 1 the unit cannot go on, -1 fatal, -2 stopped. */
static int one_run(study_t *s, int ui, int run) {
    const plan_unit_t *u = &s->plan.units[ui];
    const scenario_meta_t *m = &s->meta[ui];
    char path[PATH_MAX], summary_path[PATH_MAX + 32], log[PATH_MAX + 32], dir[PATH_MAX];
    run_file_path(s->results, u->scenario, u->config, run, path, sizeof path);
    snprintf(summary_path, sizeof summary_path, "%s.summary.tmp", path);
    unit_dir(s, u, "logs", dir, sizeof dir);
    snprintf(log, sizeof log, "%s/run-%02d.log", dir, run);
    if (reset_dirty(s, m) != 0) {
        char reason[sizeof s->st.err + 32];
        snprintf(reason, sizeof reason, "reset failed: %s", s->st.err);
        failed_attempt(s, u, run, "reset", reason, -2, true);
        return -1;
    }

    run_observed_t obs;
    memset(&obs, 0, sizeof obs);
    box_stats_t before[LAB_SVC_COUNT];
    for (int i = 0; i < LAB_SVC_COUNT; i++)
        if (s->boxes[i]) {
            box_reset_peak(s->boxes[i]);
            box_stats(s->boxes[i], &before[i]);
        }
    unlink(summary_path);
    bool dbstats = s->st.pg_stat_statements && s->st.pid[LAB_SVC_POSTGRES] > 0 &&
                   m->needs[LAB_SVC_POSTGRES] && dbstats_reset(s->st.pg_dsn) == 0;
    host_sample_t host_before, host_after;
    host_sample(&host_before);
    obs.started_unix_ms = unix_ms();
    double t0 = mono();
    char ts_path[PATH_MAX + 32];
    bool with_ts = timeseries_path(path, ts_path, sizeof ts_path) == 0;
    cpu_series_t cpu = {.box = s->boxes[LAB_SVC_SERVER]};
    int rc = run_driver(s, u, "run", -1, summary_path, with_ts ? ts_path : NULL, &cpu, log);
    obs.wall_s = mono() - t0;
    host_sample(&host_after);
    cpu_series_finish(&cpu, mono());
    mark_dirty(s, m);
    if (with_ts && file_exists(ts_path) && timeseries_add_cpu(ts_path, &cpu) != 0)
        progress_line(&s->progress, "benchlab run: cannot add server CPU to %s", ts_path);
    cpu_series_free(&cpu);
    if (rc == -2) {
        unlink(summary_path);
        if (with_ts)
            unlink(ts_path);
        return -2;
    }
    /* the driver could not start (-1, 126, 127), refused the load (2: the
     * process has less than `check` saw), could not write its summary (3)
     * or was killed (128+signal: a crash, the OOM killer): nothing was
     * measured */
    if (rc == -1 || rc == 126 || rc == 127 || rc == 2 || rc == LOAD_EXIT_OUTPUT || rc > 128) {
        unlink(summary_path);
        if (with_ts)
            unlink(ts_path);
        char reason[PATH_MAX + 256], free_s[32];
        long long avail = study_free_bytes(path);
        study_format_bytes(avail, free_s, sizeof free_s);
        bool full = avail >= 0 && (avail < (1 << 20) || avail < s->min_free);
        if (rc == LOAD_EXIT_OUTPUT)
            snprintf(reason, sizeof reason,
                     "benchlab-load could not write its summary (exit 3)%s%s%s; see %s",
                     full ? "; the results disk is full, " : "", full ? free_s : "",
                     full ? " free" : "", log);
        else if (rc > 128)
            snprintf(reason, sizeof reason, "benchlab-load was killed by signal %d; see %s",
                     rc - 128, log);
        else
            snprintf(reason, sizeof reason, "benchlab-load %s (exit %d); see %s",
                     rc == 2 ? "refused the load" : "could not be started", rc, log);
        bool go_on = rc == 2 || rc > 128;
        const char *kind = rc == LOAD_EXIT_OUTPUT ? (full ? "disk-full" : "driver-output")
                           : rc == 2              ? "driver-refused"
                           : rc > 128             ? "driver-killed"
                                                  : "driver-start";
        failed_attempt(s, u, run, kind, reason, rc, !go_on);
        return go_on ? 2 : -1;
    }
    obs.driver_status = rc;
    obs.driver_timed_out = rc == -3;
    for (int i = 0; i < LAB_SVC_COUNT; i++)
        if (s->boxes[i]) {
            box_stats_t after;
            box_stats(s->boxes[i], &after);
            obs.boxes[i] = box_stats_sub(&after, &before[i]);
            obs.boxed[i] = true;
        }
    obs.server_died = !spawn_alive(s->st.pid[LAB_SVC_SERVER]);
    obs.limits = limits_json(s, u);
    obs.backend = box_backend_name(s->backend);
    obs.driver_cpuset = s->profile.driver_cpuset;
    obs.summary = json_load_file(summary_path, 0, NULL);
    unlink(summary_path);
    obs.host_load = study_host_load(s, &obs, &host_before, &host_after);
    obs.db = dbstats ? dbstats_collect(s->st.pg_dsn) : NULL;
    json_t *j = run_file_build(u, run, u->implementation, s->profile.name, s->plan.name, &obs);
    validity_apply(&s->profile.validity, j, with_ts && file_exists(ts_path) ? ts_path : NULL);
    bool bound = study_flag_driver_bound(j, s->driver_ceiling, s->profile.driver_bound_fraction);
    int wrc = study_write_json(path, j);
    if (wrc != 0) { /* the lab could not record it: not a result either */
        int e = errno;
        char reason[PATH_MAX + 160];
        snprintf(reason, sizeof reason, "cannot write %s: %s", path, strerror(e));
        bool full = study_errno_is_space(e);
        json_decref(j);
        json_decref(obs.limits);
        if (obs.summary)
            json_decref(obs.summary);
        if (with_ts)
            unlink(ts_path);
        failed_attempt(s, u, run, full ? "disk-full" : "run-file", reason, rc, true);
        return -1;
    }
    bool valid = json_is_true(json_object_get(j, "valid"));
    json_t *reasons = json_object_get(j, "invalid_reasons");
    char why[512] = "";
    size_t i, off = 0;
    json_t *r;
    json_array_foreach(reasons, i, r) off +=
        (size_t)snprintf(why + off, off < sizeof why ? sizeof why - off : 0, "%s%s", i ? "; " : "",
                         json_string_value(r));
    json_t *metrics = obs.summary ? json_object_get(obs.summary, "metrics") : NULL;
    double rps = json_number_value(json_object_get(json_object_get(metrics, "http_reqs"), "rate"));
    double p99 =
        json_number_value(json_object_get(json_object_get(metrics, "http_req_duration"), "p(99)"));
    progress_line(&s->progress, "%s %s run %d/%d: %.0f req/s, p99 %.2f ms, %s%s%s%s", u->scenario,
                  u->config, run, u->runs, rps, p99, valid ? "valid" : "INVALID (", why,
                  valid ? "" : ")", bound ? ", driver-bound (a lower bound)" : "");
    json_decref(j);
    json_decref(obs.limits);
    json_decref(obs.host_load);
    json_decref(obs.db);
    if (obs.summary)
        json_decref(obs.summary);
    if (!obs.driver_timed_out && rc >= 0) {
        s->overhead_sum += obs.wall_s - u->duration_s > 0 ? obs.wall_s - u->duration_s : 0;
        s->overhead_n++;
    }
    if (obs.server_died) {
        progress_line(&s->progress, "server died during %s run %d; restarting it", u->scenario,
                      run);
        s->server_up = false;
        if (ensure_server(s, u) != 0) {
            if (run < u->runs)
                failed_attempt(s, u, run + 1, "server-start", s->st.err, -2, false);
            return 1;
        }
    }
    return 0;
}

/* The driver's ceiling against a null responder on the server's CPUs (study/calibrate.h). */
static void calibrate_driver(study_t *s) {
    if (!(s->profile.driver_calibrate_s > 0))
        return;
    char log[PATH_MAX + 32];
    snprintf(log, sizeof log, "%s/calibration.log", s->results);
    calib_opts_t co = {s->load_bin,
                       s->scenarios,
                       s->profile.driver_cpuset,
                       s->profile.driver_threads,
                       s->profile.boxes[LAB_SVC_SERVER].cpuset,
                       10,
                       s->profile.driver_calibrate_s,
                       log};
    char err[256] = "";
    progress_line(&s->progress, "calibrating the driver (%g s against a null responder)...",
                  co.seconds);
    double c = study_calibrate(&co, err, sizeof err);
    s->driver_ceiling = c > 0 ? c : 0;
    if (c > 0)
        progress_line(&s->progress,
                      "driver ceiling %.0f req/s: runs above %.0f%% of it are "
                      "flagged driver-bound",
                      c, 100 * s->profile.driver_bound_fraction);
    else
        progress_line(&s->progress,
                      "benchlab run: driver calibration failed (%s); no "
                      "driver-bound flags",
                      err);
    study_calibrate_record(s->results, &co, s->driver_ceiling, s->profile.driver_bound_fraction,
                           c > 0 ? NULL : err);
}

/* Verify, warm up, then every missing run of unit ui. 0, 1 skipped, -1 fatal, -2 stopped. */
static int one_unit(study_t *s, int ui) {
    const plan_unit_t *u = &s->plan.units[ui];
    int first_missing = 0;
    for (int run = 1; run <= u->runs && !first_missing; run++) {
        char path[PATH_MAX];
        run_file_path(s->results, u->scenario, u->config, run, path, sizeof path);
        if (!file_exists(path))
            first_missing = run;
    }
    if (!first_missing)
        return 0; /* all on disk (--resume) */
    if (ensure_server(s, u) != 0) {
        failed_attempt(s, u, first_missing, "server-start", s->st.err, -2, false);
        return 1;
    }
    char dir[PATH_MAX], log[PATH_MAX + 32];
    unit_dir(s, u, "logs", dir, sizeof dir);
    char raw[PATH_MAX];
    unit_dir(s, u, "raw", raw, sizeof raw);
    if (study_mkdirs(dir, 0755) != 0 || study_mkdirs(raw, 0755) != 0) {
        progress_line(&s->progress, "benchlab run: cannot create %s: %s", raw, strerror(errno));
        return -1;
    }
    if (reset_dirty(s, &s->meta[ui]) != 0)
        return -1;
    snprintf(log, sizeof log, "%s/verify.log", dir);
    int rc = run_driver(s, u, "verify", -1, NULL, NULL, NULL, log);
    mark_dirty(s, &s->meta[ui]);
    if (rc == -2)
        return -2;
    if (rc != 0) {
        progress_line(&s->progress, "%s %s: verify failed (exit %d), skipping it; see %s",
                      u->scenario, u->config, rc, log);
        return 1;
    }
    if (u->warmup_s > 0) {
        if (reset_dirty(s, &s->meta[ui]) != 0)
            return -1;
        snprintf(log, sizeof log, "%s/warmup.log", dir);
        rc = run_driver(s, u, "run", u->warmup_s, NULL, NULL, NULL, log);
        mark_dirty(s, &s->meta[ui]);
        if (rc == -2)
            return -2;
    }
    for (int run = first_missing; run <= u->runs; run++) {
        char path[PATH_MAX];
        run_file_path(s->results, u->scenario, u->config, run, path, sizeof path);
        if (file_exists(path))
            continue;
        if (space_ok(s) != 0)
            return -1;
        progress_status(&s->progress, u->scenario, u->config, run, u->runs, s->done, s->total,
                        planned_seconds(s, ui, run));
        rc = one_run(s, ui, run);
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
    char *state = calloc((size_t)s->plan.nunits + 1, 1); /* 1 verified, 2 skipped */
    if (!state)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0 && !stop_signal; i++) {
        int ui = slots[i].unit, run = slots[i].run;
        const plan_unit_t *u = &s->plan.units[ui];
        char path[PATH_MAX], dir[PATH_MAX], raw[PATH_MAX], log[PATH_MAX + 32];
        run_file_path(s->results, u->scenario, u->config, run, path, sizeof path);
        if (file_exists(path) || state[ui] == 2)
            continue;
        if (space_ok(s) != 0) {
            rc = -1;
            break;
        }
        s->server_up = false; /* restart it, in a new box, before every run */
        if (ensure_server(s, u) != 0) {
            failed_attempt(s, u, run, "server-start", s->st.err, -2, false);
            state[ui] = 2;
            (*skipped)++;
            continue;
        }
        unit_dir(s, u, "logs", dir, sizeof dir);
        unit_dir(s, u, "raw", raw, sizeof raw);
        if (study_mkdirs(dir, 0755) != 0 || study_mkdirs(raw, 0755) != 0) {
            progress_line(&s->progress, "benchlab run: cannot create %s: %s", raw, strerror(errno));
            rc = -1;
            break;
        }
        if (!state[ui]) {
            if (reset_dirty(s, &s->meta[ui]) != 0) {
                rc = -1;
                break;
            }
            snprintf(log, sizeof log, "%s/verify.log", dir);
            int v = run_driver(s, u, "verify", -1, NULL, NULL, NULL, log);
            mark_dirty(s, &s->meta[ui]);
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
            if (reset_dirty(s, &s->meta[ui]) != 0) {
                rc = -1;
                break;
            }
            snprintf(log, sizeof log, "%s/warmup-%02d.log", dir, run);
            int w = run_driver(s, u, "run", u->warmup_s, NULL, NULL, NULL, log);
            mark_dirty(s, &s->meta[ui]);
            if (w == -2) {
                rc = -2;
                break;
            }
        }
        progress_status(&s->progress, u->scenario, u->config, run, u->runs, s->done, s->total,
                        planned_seconds(s, ui, run));
        rc = one_run(s, ui, run);
        if (rc == 0)
            s->done++;
        else if (rc == 2 || rc == 1)
            rc = 0; /* a failed attempt, or a server that died: the next run restarts it */
    }
    free(state);
    return rc;
}

/* --- peers ------------------------------------------------------------------- */

/* The peers (docs/peers.md) read their configuration from the environment; the
 * stack starts a server with benchlab-server's flags. A wrapper written into
 * the stack directory turns the one into the other and execs the launcher, so
 * the pid (and the box it joined) stays the server's. One per peer the plan
 * runs: stack_dir/peer-server-<name>. */
static int write_peer_wrapper(const study_t *s, impl_program_t *prog) {
    char name[sizeof prog->name]; /* a copy: gcc -O1 sees a possible overlap (-Wrestrict) */
    memcpy(name, prog->name, sizeof name);
    if (snprintf(prog->server_bin, sizeof prog->server_bin, "%s/peer-server-%s", s->stack_dir,
                 name) >= (int)sizeof prog->server_bin)
        return -1;
    FILE *f = fopen(prog->server_bin, "w");
    if (!f)
        return -1;
    fprintf(f,
            "#!/bin/sh\n"
            "# written by benchlab run: benchlab-server flags -> the peer launcher's environment\n"
            "while [ $# -gt 0 ]; do\n"
            "    case \"$1\" in\n"
            "    --listen) export BENCHLAB_LISTEN=\"$2\" ;;\n"
            "    --name) export BENCHLAB_NAME=\"$2\" ;;\n"
            "    --pg) export BENCHLAB_PG=\"$2\" ;;\n"
            "    --redis) export BENCHLAB_REDIS=\"$2\" ;;\n"
            "    --upstream) export BENCHLAB_UPSTREAM=\"$2\" ;;\n"
            "    --workers) export BENCHLAB_WORKERS=\"$2\" ;;\n"
            "    --db-pool) export BENCHLAB_DB_POOL=\"$2\" ;;\n"
            "    --jwt-secret) export BENCHLAB_JWT_SECRET=\"$2\" ;;\n"
            "    --log-level) export BENCHLAB_LOG_LEVEL=\"$2\" ;;\n"
            "    *) shift; continue ;; # --threading: a peer has one model\n"
            "    esac\n"
            "    shift 2\n"
            "done\n"
            "exec '%s'\n",
            prog->peer_start);
    int rc = fclose(f);
    return rc == 0 ? chmod(prog->server_bin, 0755) : -1;
}

/* --- setup and teardown ----------------------------------------------------- */

static void copy_file(const char *from, const char *to) {
    FILE *in = fopen(from, "r");
    if (!in)
        return;
    FILE *out = fopen(to, "w");
    if (out) {
        char buf[8192];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, in)) > 0)
            fwrite(buf, 1, n, out);
        fclose(out);
    }
    fclose(in);
}

static void teardown(study_t *s) {
    if (s->stack_inited) {
        char logs[PATH_MAX + 16];
        snprintf(logs, sizeof logs, "%s/logs", s->results);
        /* (not onto a full disk: the manifest still has to fit) */
        if (study_free_bytes(s->results) > (4 << 20) && study_mkdirs(logs, 0755) == 0)
            for (int i = 0; i < LAB_SVC_COUNT; i++) {
                char from[PATH_MAX], to[PATH_MAX + 64];
                lab_stack_log_path(&s->st, (lab_service_t)i, from, sizeof from);
                snprintf(to, sizeof to, "%s/%s.log", logs, lab_service_name((lab_service_t)i));
                copy_file(from, to);
            }
        lab_stack_down(&s->st);
        s->stack_inited = false;
    }
    for (int i = 0; i < LAB_SVC_COUNT; i++) {
        box_destroy(s->boxes[i]);
        s->boxes[i] = NULL;
    }
    box_destroy_all();
    if (*s->stack_dir) {
        rm_tree(s->stack_dir);
        *s->stack_dir = '\0';
    }
}

/* Stacks of a benchlab run that was killed outright (SIGKILL, a crash):
 * TMPDIR/benchlab-run-<pid>-* whose pid is gone. Stops their services and
 * removes them. Returns how many. */
static int sweep_stale_stacks(void) {
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
        lab_stack_t *st = calloc(1, sizeof *st);
        if (st && lab_stack_open(st, dir) == 0)
            lab_stack_down(st);
        free(st);
        rm_tree(dir);
        n++;
    }
    closedir(d);
    return n;
}

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

/* The program of every implementation the plan runs: --server-bin for the
 * one --implementation names (else for c-ulfius), peers/<name>/start for a
 * peer, benchlab-server otherwise. 0 or -1 (message printed). */
static int find_programs(study_t *s) {
    const study_opts_t *o = s->o;
    const char *bin_for = o->implementation ? o->implementation : "c-ulfius";
    size_t off = 0;
    for (int i = 0; i < s->plan.nunits; i++) {
        const char *name = s->plan.units[i].implementation;
        if (program_of(s, name))
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
        } else if (strcmp(name, "c-ulfius") != 0) {
            if (snprintf(p->peer_start, sizeof p->peer_start, "%s/../peers/%s/start", s->scenarios,
                         name) >= (int)sizeof p->peer_start ||
                access(p->peer_start, X_OK) != 0) {
                fprintf(stderr,
                        "benchlab run: implementation '%s': no %s (give its server with "
                        "--server-bin)\n",
                        name, p->peer_start);
                return -1;
            }
            char abs[PATH_MAX];
            if (realpath(p->peer_start, abs))
                snprintf(p->peer_start, sizeof p->peer_start, "%s", abs);
        }
    }
    s->impl = s->impls;
    return 0;
}

static int prepare(study_t *s) {
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
                                                            : "c-ulfius";
    if (plan_load(o->plan, s->scenarios, default_impl, o->implementation, &s->plan, err,
                  sizeof err) != 0) {
        fprintf(stderr, "benchlab run: %s\n", err);
        return 2;
    }
    s->meta = calloc((size_t)s->plan.nunits, sizeof *s->meta);
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
    if (lab_stack_find_program("benchlab-load", "BENCHLAB_LOAD_BIN", s->load_bin,
                               sizeof s->load_bin) != 0) {
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
    if (file_exists(manifest)) {
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

static long long study_order_seed(const study_t *s);

static void print_dry_run(study_t *s) {
    double t = planned_seconds(s, 0, 1);
    char eta[32];
    progress_format_duration(t, eta, sizeof eta);
    printf("plan %s, profile %s (%s), %d units, %d runs, about %s\n", s->plan.name, s->profile.name,
           s->backend_why, s->plan.nunits, s->total, eta);
    for (int i = 0; i < s->plan.nunits; i++) {
        const plan_unit_t *u = &s->plan.units[i];
        printf("  %-32s %-36s runs %d, %d VUs, %gs%s\n", u->scenario, u->config, u->runs, u->vus,
               u->duration_s, u->rate > 0 ? " (open model)" : "");
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
static long long study_order_seed(const study_t *s) {
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
static bool study_recorded_interleaved(const study_t *s) {
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
static int study_record_order(study_t *s, uint64_t seed, run_slot_t **order, size_t *n) {
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

int study_run(const study_opts_t *o) {
    run_slot_t *runs_order = NULL;
    size_t norder = 0;
    study_t *s = calloc(1, sizeof *s);
    if (!s)
        return 1;
    s->o = o;
    s->impl = o->implementation ? o->implementation : "c-ulfius"; /* until the plan says */
    progress_init(&s->progress);
    int rc = prepare(s);
    if (rc == 0 && o->dry_run) {
        print_dry_run(s);
        goto out;
    }
    if (rc != 0)
        goto out;

    struct sigaction sa, old_int, old_term, old_hup;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop; /* no SA_RESTART: waits return early */
    sigemptyset(&sa.sa_mask);
    stop_signal = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    sigaction(SIGHUP, &sa, &old_hup);

    int stacks = sweep_stale_stacks();
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
    if (study_mkdirs(s->results, 0755) != 0) {
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
    if (lab_stack_init(&s->st, s->stack_dir) != 0) {
        fprintf(stderr, "benchlab run: %s\n", s->st.err);
        rc = 1;
        goto cleanup;
    }
    s->stack_inited = true;
    study_topology_addresses(&s->profile, &s->st);
    bool peers = false;
    for (int i = 0; i < s->nprogs; i++) {
        if (!*s->progs[i].peer_start)
            continue;
        peers = true;
        if (write_peer_wrapper(s, &s->progs[i]) != 0) {
            fprintf(stderr, "benchlab run: cannot write the wrapper of %s: %s\n", s->progs[i].name,
                    strerror(errno));
            rc = 1;
            goto cleanup;
        }
    }
    bool need[LAB_SVC_COUNT] = {0};
    /* only what the units with missing runs need (a resume may need less) */
    for (int i = 0; i < s->plan.nunits; i++) {
        bool missing = false;
        for (int r = 1; r <= s->plan.units[i].runs && !missing; r++) {
            char path[PATH_MAX];
            run_file_path(s->results, s->plan.units[i].scenario, s->plan.units[i].config, r, path,
                          sizeof path);
            missing = !file_exists(path);
        }
        for (int v = 0; v < LAB_SVC_COUNT && missing; v++)
            need[v] |= s->meta[i].needs[v];
    }
    /* the peers connect to PostgreSQL and Redis when they start (docs/peers.md) */
    if (peers)
        need[LAB_SVC_POSTGRES] = need[LAB_SVC_REDIS] = true;
    static const lab_service_t order[] = {LAB_SVC_POSTGRES, LAB_SVC_REDIS, LAB_SVC_UPSTREAM};
    for (size_t k = 0; k < 3 && !stop_signal; k++)
        if (need[order[k]] && start_service(s, order[k]) != 0) {
            service_failed(s, "service-start", s->st.err);
            rc = 1;
            goto cleanup;
        }
    if (!stop_signal)
        calibrate_driver(s);
    if (need[LAB_SVC_POSTGRES] && !stop_signal) {
        progress_line(&s->progress, "seeding the data set (once)...");
        if (lab_stack_seed(&s->st) != 0) {
            progress_line(&s->progress, "benchlab run: seeding failed: %s", s->st.err);
            service_failed(s, "seed", s->st.err);
            rc = 1;
            goto cleanup;
        }
    }
    int skipped = 0;
    if (runs_order) {
        int r = interleaved_runs(s, runs_order, norder, &skipped);
        if (r == -1)
            rc = 1;
    }
    for (int i = 0; !runs_order && i < s->plan.nunits && !stop_signal; i++) {
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
    teardown(s);
finish:
    study_space_release(s->results);
    s->done = count_runs(s, &invalid);
    manifest_finish(s->results, s->done == s->total, s->done, invalid,
                    study_attempts_count(s->results));
    if (stop_signal) {
        fprintf(stderr,
                "benchlab run: stopped by signal %d; %d/%d runs on disk (--resume continues)\n",
                (int)stop_signal, s->done, s->total);
        rc = 128 + stop_signal;
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
    teardown(s);
    plan_free(&s->plan);
    profile_free(&s->profile);
    free(s->meta);
    free(s);
    return rc;
}
