/* benchlab-load: run / verify / merge / inspect (see docs/scenarios.md). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "load/engine.h"
#include "load/limits.h"
#include "load/start_at.h"
#include "load/summary.h"
#include "common/parse.h"
#include "common/xalloc.h"

#define EXIT_THRESHOLD 99
#define EXIT_USAGE 2
#define EXIT_OUTPUT 3 /* the summary or time series could not be written */

static void usage(FILE *out) {
    fprintf(
        out,
        "usage: benchlab-load run FILE [--base-url URL] [--vus N] [--duration D] [--iterations N]\n"
        "                         [--rate R] [--max-vus N] [--threads T] [--io uring|epoll|auto]\n"
        "                         [--stages D:T,D:T,...] [--capacity R] [--summary-export PATH]\n"
        "                         [--timeseries PATH] [--start-at UNIX_SECONDS] [--quiet]\n"
        "       benchlab-load verify FILE --base-url URL\n"
        "       benchlab-load check FILE [run's flags]   (the file and flags, no request sent)\n"
        "       benchlab-load merge A.json B.json ... --out C.json [--parallel]\n"
        "       benchlab-load inspect FILE.json\n"
        "exit codes: 0 ok, 99 a threshold failed, 2 usage or scenario error, 3 the summary or\n"
        "time series could not be written (disk full?), 1 other failure\n");
}

typedef struct cli {
    const char *file, *base_url, *summary, *timeseries, *stages;
    double capacity; /* --capacity: what "P%" stage targets refer to */
    long vus, iterations, max_vus, threads;
    double duration, rate;
    double start_at; /* --start-at: the load starts then (0 = at once; start_at.h) */
    int quiet;
    int io; /* enum engine_io */
} cli_t;

/* A decimal integer in [min, max]: no sign, blank, suffix or overflow. */
static int parse_long(const char *flag, const char *v, long min, long max, long *out) {
    long n;
    if (parse_long_in(v, min, max, &n)) {
        fprintf(stderr, "benchlab-load: %s: expected an integer from %ld to %ld, got \"%s\"\n",
                flag, min, max, v ? v : "");
        return -1;
    }
    *out = n;
    return 0;
}

static int parse_cli(int argc, char **argv, cli_t *c) {
    memset(c, 0, sizeof *c);
    c->duration = c->rate = -1;
    c->vus = c->iterations = c->max_vus = c->threads = -1;
    const char *io_env = getenv("BENCHLAB_LOAD_IO"); /* the default of --io (tests run both) */
    c->io = io_env && *io_env ? engine_io_parse(io_env) : ENGINE_IO_AUTO;
    if (c->io < 0) {
        fprintf(stderr,
                "benchlab-load: BENCHLAB_LOAD_IO: expected uring, epoll or auto, got \"%s\"\n",
                io_env);
        return -1;
    }
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (a[0] != '-') {
            if (c->file) {
                fprintf(stderr, "benchlab-load: unexpected argument \"%s\"\n", a);
                return -1;
            }
            c->file = a;
            continue;
        }
        if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
            c->quiet = 1;
            continue;
        }
        if (!v) {
            fprintf(stderr, "benchlab-load: %s needs a value\n", a);
            return -1;
        }
        i++;
        if (strcmp(a, "--base-url") == 0)
            c->base_url = v;
        else if (strcmp(a, "--summary-export") == 0)
            c->summary = v;
        else if (strcmp(a, "--timeseries") == 0)
            c->timeseries = v;
        else if (strcmp(a, "--stages") == 0)
            c->stages = v;
        else if (strcmp(a, "--start-at") == 0) {
            if (start_at_parse(v, &c->start_at))
                return -1;
        } else if (strcmp(a, "--capacity") == 0) {
            char *end;
            errno = 0;
            c->capacity = strtod(v, &end);
            if (end == v || *end || errno || !(c->capacity > 0) ||
                !(c->capacity <= LOAD_MAX_RATE)) {
                fprintf(stderr,
                        "benchlab-load: --capacity: expected a number > 0 and at most %.0f, got "
                        "\"%s\"\n",
                        LOAD_MAX_RATE, v);
                return -1;
            }
        } else if (strcmp(a, "--io") == 0) {
            if ((c->io = engine_io_parse(v)) < 0) {
                fprintf(stderr, "benchlab-load: --io: expected uring, epoll or auto, got \"%s\"\n",
                        v);
                return -1;
            }
        } else if (strcmp(a, "--vus") == 0) {
            if (parse_long(a, v, 1, LOAD_MAX_VUS, &c->vus))
                return -1;
        } else if (strcmp(a, "--iterations") == 0) {
            if (parse_long(a, v, 1, LOAD_MAX_ITERATIONS, &c->iterations))
                return -1;
        } else if (strcmp(a, "--max-vus") == 0) {
            if (parse_long(a, v, 1, LOAD_MAX_VUS, &c->max_vus))
                return -1;
        } else if (strcmp(a, "--threads") == 0) {
            if (parse_long(a, v, 1, LOAD_MAX_THREADS, &c->threads))
                return -1;
        } else if (strcmp(a, "--duration") == 0) {
            if (parse_duration(v, &c->duration) || c->duration <= 0 ||
                c->duration > LOAD_MAX_DURATION_S) {
                fprintf(stderr,
                        "benchlab-load: --duration: expected e.g. 30s, 500ms, 2m (at most 7 "
                        "days); got \"%s\"\n",
                        v);
                return -1;
            }
        } else if (strcmp(a, "--rate") == 0) {
            char *end;
            errno = 0;
            c->rate = strtod(v, &end);
            if (end == v || *end || errno || !(c->rate > 0) || !(c->rate <= LOAD_MAX_RATE)) {
                fprintf(stderr,
                        "benchlab-load: --rate: expected a number > 0 and at most %.0f "
                        "(iterations per second), got \"%s\"\n",
                        LOAD_MAX_RATE, v);
                return -1;
            }
        } else {
            fprintf(stderr, "benchlab-load: unknown option \"%s\"\n", a);
            return -1;
        }
    }
    if (!c->file) {
        fprintf(stderr, "benchlab-load: missing scenario FILE\n");
        return -1;
    }
    return 0;
}

/* Stages (file or --stages): the model, the start value, the duration, the
 * VUs or peak rate the run needs. 0, or -1 with a message. */
static int apply_stages(const cli_t *c, scenario_t *s) {
    char err[512];
    if (c->stages && stages_parse(&s->stages, c->stages, err, sizeof err)) {
        fprintf(stderr, "benchlab-load: --stages: %s\n", err);
        return -1;
    }
    if (c->capacity > 0)
        s->capacity = c->capacity;
    if (s->stages.n == 0)
        return 0;
    const char *who = c->stages ? "--stages" : c->file;
    if (s->serial || s->iterations > 0) {
        fprintf(stderr, "benchlab-load: %s: stages: not available with %s\n", who,
                s->serial ? "a serial scenario" : "iterations");
        return -1;
    }
    int open = s->executor == 2 || (s->executor == 0 && s->rate > 0);
    if (s->executor == 1 && s->rate > 0) {
        fprintf(stderr, "benchlab-load: %s: executor ramping-vus: rate is not available\n",
                c->file);
        return -1;
    }
    s->stages.open = open;
    int vus_given = c->vus > 0 || json_object_get(s->doc, "vus");
    s->stages.start = open ? s->rate : vus_given ? s->vus : 0;
    if (stages_resolve(&s->stages, s->capacity, open ? LOAD_MAX_RATE : LOAD_MAX_VUS, err,
                       sizeof err)) {
        fprintf(stderr, "benchlab-load: %s: %s\n", who, err);
        return -1;
    }
    if (c->duration > 0) { /* --duration scales the stages to that total (a plan's short run) */
        double f = c->duration / stages_total(&s->stages);
        for (size_t i = 0; i < s->stages.n; i++)
            s->stages.st[i].duration_s *= f;
    }
    s->duration_s = stages_total(&s->stages);
    if (s->duration_s > LOAD_MAX_DURATION_S) {
        fprintf(stderr, "benchlab-load: %s: stages: at most 7 days in total\n", who);
        return -1;
    }
    if (open) {
        s->rate = stages_max(&s->stages); /* the peak: sizes the backlog and the limits */
    } else {
        s->rate = 0;
        s->vus = (int)ceil(stages_max(&s->stages) - 1e-9);
        if (s->vus < 1)
            s->vus = 1;
    }
    return 0;
}

static scenario_t *prepare(const cli_t *c) {
    char err[1024] = "";
    scenario_t *s = scenario_load(c->file, err, sizeof err);
    if (!s) {
        fprintf(stderr, "benchlab-load: %s\n", err);
        return NULL;
    }
    if (s->serial && (c->vus > 1 || c->rate > 0 || json_object_get(s->doc, "rate"))) {
        /* its iterations share state (e.g. each starts with TRUNCATE): several
         * at once would undo each other and fail their checks */
        fprintf(stderr,
                "benchlab-load: %s: serial scenario (\"serial\": true) runs with one VU in "
                "the closed model: %s\n",
                c->file, c->vus > 1 ? "--vus must be 1" : "rate is not available");
        scenario_free(s);
        return NULL;
    }
    if (c->vus > 0)
        s->vus = (int)c->vus;
    if (c->iterations > 0)
        s->iterations = c->iterations;
    if (c->duration > 0)
        s->duration_s = c->duration;
    else if (s->iterations > 0 && !json_object_get(s->doc, "duration"))
        s->duration_s = 600; /* an iteration count runs until done (at most 10 minutes) */
    if (c->rate > 0)
        s->rate = c->rate;
    if (c->max_vus > 0)
        s->max_vus = (int)c->max_vus;
    else if (!json_object_get(s->doc, "max_vus"))
        s->max_vus = s->vus > 100 ? s->vus : 100;
    if (s->rate > 0 && s->iterations > 0) {
        fprintf(stderr, "benchlab-load: %s: iterations: not available with rate (open model)\n",
                c->file);
        scenario_free(s);
        return NULL;
    }
    if (apply_stages(c, s)) {
        scenario_free(s);
        return NULL;
    }
    if (c->base_url && scenario_set_base_url(s, c->base_url, err, sizeof err)) {
        fprintf(stderr, "benchlab-load: --base-url: %s\n", err);
        scenario_free(s);
        return NULL;
    }
    return s;
}

static char **copy_vars(const scenario_t *s) {
    char **v = xcalloc(s->vars.n + 1, sizeof *v);
    for (size_t i = 0; i < s->vars.n; i++)
        v[i] = s->var_init[i] ? xstrdup(s->var_init[i]) : NULL;
    return v;
}

static void free_vars(const scenario_t *s, char **v) {
    for (size_t i = 0; v && i < s->vars.n; i++)
        free(v[i]);
    free(v);
}

static const request_t **list_of(request_t *reqs, size_t n) {
    const request_t **l = xcalloc(n + 1, sizeof *l);
    for (size_t i = 0; i < n; i++)
        l[i] = &reqs[i];
    return l;
}

/* One descriptor per VU: raise the soft limit to the hard one. */
static void raise_fd_limit(void) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

/* The connections the run needs must fit this process (limits.h), checked
 * before anything is allocated for them; the message names the flag (or
 * the file's field) that asked for them. 0 or -1. */
static int check_capacity(const cli_t *c, const scenario_t *s) {
    int open = s->rate > 0;
    long conns = open ? s->max_vus : s->vus;
    long threads = c->threads > 0 ? c->threads : 1;
    char err[512];
    if (load_check_capacity(conns, (int)(threads < conns ? threads : conns), s->rate,
                            s->request_timeout_s, err, sizeof err) == 0)
        return 0;
    const char *flag = NULL, *field = NULL;
    if (open && c->max_vus > 0)
        flag = "--max-vus";
    else if (open && json_object_get(s->doc, "max_vus"))
        field = "max_vus";
    else if (c->vus > 0)
        flag = "--vus";
    else
        field = "vus";
    if (flag)
        fprintf(stderr, "benchlab-load: %s %ld: more than this process can hold: %s\n", flag, conns,
                err);
    else
        fprintf(stderr, "benchlab-load: %s: %s: more than this process can hold: %s\n", c->file,
                field, err);
    return -1;
}

static volatile sig_atomic_t stopping;

static void on_signal(int sig) {
    (void)sig;
    stopping = 1;
    engine_interrupt();
}

/* The flags (usage on stderr when they do not parse) and the scenario they
 * name; NULL (the message printed) when either is refused. */
static scenario_t *parse_and_prepare(int argc, char **argv, cli_t *c) {
    if (parse_cli(argc, argv, c)) {
        usage(stderr);
        return NULL;
    }
    return prepare(c);
}

static int cmd_run(int argc, char **argv) {
    cli_t c;
    scenario_t *s = parse_and_prepare(argc, argv, &c);
    if (!s)
        return EXIT_USAGE;
    if (check_capacity(&c, s)) {
        scenario_free(s);
        return EXIT_USAGE;
    }
    if (engine_resolve(s)) {
        scenario_free(s);
        return 1;
    }
    raise_fd_limit();
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    int rc = 0;
    char **vars = copy_vars(s);
    const request_t **setup = list_of(s->setup, s->nsetup);
    const request_t **teardown = list_of(s->teardown, s->nteardown);
    if (s->nsetup && engine_once(s, setup, s->nsetup, 0, vars, 1, NULL) != 0) {
        fprintf(stderr, "benchlab-load: setup failed; no load was run\n");
        rc = 1;
        goto out;
    }
    if (c.start_at > 0) /* the start agreed with the other drivers */
        start_at_wait(c.start_at, &stopping);
    engine_opts_t o = {c.threads > 0 ? (int)c.threads : 1, !c.quiet && isatty(STDERR_FILENO),
                       c.timeseries != NULL, engine_io_resolve(c.io)};
    engine_result_t res;
    if (engine_run(s, &o, vars, &res)) {
        rc = 1;
        goto out;
    }
    run_info_t info = {c.file, o.threads, 0, 0, 0, NULL, 0};
    char **tvars = copy_vars(s);
    for (size_t i = 0; i < s->vars.n; i++) { /* teardown sees the values after setup */
        free(tvars[i]);
        tvars[i] = vars[i] ? xstrdup(vars[i]) : NULL;
    }
    if (s->nteardown) {
        if (engine_once(s, teardown, s->nteardown, 0, tvars, 1, NULL) != 0)
            fprintf(stderr, "benchlab-load: teardown had failures (see above)\n");
        info.teardown_vals = tvars;
        info.teardown_ran = 1;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    info.cpu_user_s = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
    info.cpu_sys_s = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    info.rss_max_kb = ru.ru_maxrss;
    json_t *sum = summary_build(s, &res, &info);
    int failed = summary_eval_thresholds(sum);
    summary_print(sum, stdout);
    fflush(stdout);
    int unwritten = c.summary && summary_write(sum, c.summary);
    if (c.timeseries && summary_write_timeseries(&res.st, c.timeseries))
        unwritten = 1;
    if (rc == 0 && failed)
        rc = EXIT_THRESHOLD;
    if (res.interrupted) {
        fprintf(stderr, "benchlab-load: interrupted; the summary covers the run so far\n");
        rc = 1;
    }
    if (unwritten)
        rc = EXIT_OUTPUT; /* no result to read: the caller must not take it for one */
    json_decref(sum);
    free_vars(s, tvars);
    stats_free(&res.st);
out:
    free(setup);
    free(teardown);
    free_vars(s, vars);
    scenario_free(s);
    return rc;
}

static int cmd_verify(int argc, char **argv) {
    cli_t c;
    if (parse_cli(argc, argv, &c)) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (!c.base_url) {
        fprintf(stderr, "benchlab-load verify: --base-url is required\n");
        return EXIT_USAGE;
    }
    scenario_t *s = prepare(&c);
    if (!s)
        return EXIT_USAGE;
    if (engine_resolve(s)) {
        scenario_free(s);
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);
    char **vars = copy_vars(s);
    const request_t **setup = list_of(s->setup, s->nsetup);
    const request_t **teardown = list_of(s->teardown, s->nteardown);
    int failures = 0;
    failures += engine_once(s, setup, s->nsetup, 0, vars, 1, NULL);
    /* every group once, in order, even for a weighted pick */
    failures += engine_once(s, (const request_t *const *)s->reqs, s->nrequests, 1, vars, 1, NULL);
    failures += engine_once(s, teardown, s->nteardown, 0, vars, 1, NULL);
    printf("verify %s: %zu setup, %zu iteration, %zu teardown requests: %s (%d failure%s)\n",
           c.file, s->nsetup, s->nrequests, s->nteardown, failures ? "FAILED" : "ok", failures,
           failures == 1 ? "" : "s");
    free(setup);
    free(teardown);
    free_vars(s, vars);
    scenario_free(s);
    return failures ? 1 : 0;
}

/* What run would refuse, without sending anything: the strict loader, the
 * flags against the file (serial, rate with iterations) and the capacity
 * check. benchlab run checks every unit's scenario this way before the first
 * run. Exit 0, or 2 with the message naming the file and field (or flag). */
static int cmd_check(int argc, char **argv) {
    cli_t c;
    scenario_t *s = parse_and_prepare(argc, argv, &c);
    if (!s)
        return EXIT_USAGE;
    int rc = check_capacity(&c, s) ? EXIT_USAGE : 0;
    if (rc == 0 && !c.quiet)
        printf("check %s: ok\n", c.file);
    scenario_free(s);
    return rc;
}

static int cmd_merge(int argc, char **argv) {
    const char *out = NULL;
    int parallel = 0, n = 0;
    char **files = xcalloc((size_t)argc, sizeof *files);
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
            out = argv[++i];
        else if (strcmp(argv[i], "--parallel") == 0)
            parallel = 1;
        else if (argv[i][0] == '-') {
            fprintf(stderr, "benchlab-load merge: unknown option \"%s\"\n", argv[i]);
            free(files);
            return EXIT_USAGE;
        } else
            files[n++] = argv[i];
    }
    if (!out || n == 0) {
        fprintf(stderr, "benchlab-load merge: needs input files and --out FILE\n");
        free(files);
        return EXIT_USAGE;
    }
    int rc = summary_merge_files(files, n, out, parallel);
    free(files);
    return rc;
}

int main(int argc, char **argv) {
    xalloc_init("benchlab-load");
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "run") == 0)
        return cmd_run(argc, argv);
    if (strcmp(cmd, "verify") == 0)
        return cmd_verify(argc, argv);
    if (strcmp(cmd, "merge") == 0)
        return cmd_merge(argc, argv);
    if (strcmp(cmd, "check") == 0)
        return cmd_check(argc, argv);
    if (strcmp(cmd, "inspect") == 0) {
        if (argc != 3) {
            usage(stderr);
            return EXIT_USAGE;
        }
        return summary_inspect_file(argv[2]);
    }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return 0;
    }
    fprintf(stderr, "benchlab-load: unknown command \"%s\"\n", cmd);
    usage(stderr);
    return EXIT_USAGE;
}
