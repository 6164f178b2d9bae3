/* The driver's ceiling and the driver-bound flag (see study/calibrate.h). */
#include "lab/study/calibrate.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lab/box/box.h"
#include "lab/stack/spawn.h"
#include "lab/study/runfile.h"

static const char RESPONSE[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                               "Content-Length: 15\r\n\r\n{\"status\":\"ok\"}";

/* The responder's loop: counts request ends ("\r\n\r\n", requests have no
 * body here) and answers each. Never returns. */
static void serve(int lfd) {
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = lfd};
    epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
    static char buf[65536];
    struct epoll_event evs[64];
    for (;;) {
        int n = epoll_wait(ep, evs, 64, -1);
        for (int i = 0; i < n; i++) {
            int fd = evs[i].data.fd;
            if (fd == lfd) {
                int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
                if (c >= 0) {
                    int one = 1;
                    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    struct epoll_event ce = {.events = EPOLLIN, .data.fd = c};
                    epoll_ctl(ep, EPOLL_CTL_ADD, c, &ce);
                }
                continue;
            }
            ssize_t r = read(fd, buf, sizeof buf);
            if (r <= 0) {
                close(fd);
                continue;
            }
            int reqs = 0;
            for (ssize_t k = 3; k < r; k++)
                reqs += buf[k] == '\n' && buf[k - 1] == '\r' && buf[k - 2] == '\n' &&
                        buf[k - 3] == '\r';
            for (int k = 0; k < reqs; k++)
                if (write(fd, RESPONSE, sizeof RESPONSE - 1) < 0)
                    break;
        }
    }
}

int null_responder_start(const char *cpuset, int *port) {
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (lfd < 0)
        return -1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    if (bind(lfd, (struct sockaddr *)&a, sizeof a) != 0 || listen(lfd, 1024) != 0 ||
        getsockname(lfd, (struct sockaddr *)&a, &al) != 0) {
        close(lfd);
        return -1;
    }
    *port = ntohs(a.sin_port);
    pid_t pid = fork();
    if (pid < 0) {
        close(lfd);
        return -1;
    }
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (cpuset && *cpuset)
            box_pin_self(cpuset);
        serve(lfd);
        _exit(0);
    }
    close(lfd);
    return pid;
}

/* The calibration's request, built in (no scenario file needed, so a study
 * with its own --scenarios directory calibrates too): GET /health with the
 * checks of basic/01-lightweight, so checks and histograms cost what they
 * cost in a run. */
const char CALIBRATE_SCENARIO[] =
    "{\"description\": \"driver calibration (built in): GET /health\", \"vus\": 10, "
    "\"duration\": \"3s\", \"iteration\": {\"groups\": [{\"name\": \"health\", \"requests\": "
    "[{\"method\": \"GET\", \"path\": \"/health\", \"checks\": [{\"status\": 200}, "
    "{\"json\": \"status\", \"equals\": \"ok\"}]}]}]}}\n";

/* Writes CALIBRATE_SCENARIO to a new temporary file; its path in path. */
static int write_scenario(char *path, size_t len) {
    const char *tmp = getenv("TMPDIR");
    snprintf(path, len, "%s/benchlab-calibrate-XXXXXX.json", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemps(path, 5);
    if (fd < 0)
        return -1;
    size_t n = sizeof CALIBRATE_SCENARIO - 1;
    bool ok = write(fd, CALIBRATE_SCENARIO, n) == (ssize_t)n;
    if (close(fd) != 0 || !ok) {
        unlink(path);
        return -1;
    }
    return 0;
}

double study_calibrate(const calib_opts_t *o, char *err, size_t err_len) {
    char scenario[4096], url[64], vus[16], dur[32], threads[16], summary[64];
    if (write_scenario(scenario, sizeof scenario) != 0) {
        snprintf(err, err_len, "cannot write the calibration scenario: %s", strerror(errno));
        return -1;
    }
    int port;
    pid_t srv = null_responder_start(o->target_cpuset, &port);
    if (srv < 0) {
        snprintf(err, err_len, "cannot start the null responder: %s", strerror(errno));
        unlink(scenario);
        return -1;
    }
    snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
    snprintf(vus, sizeof vus, "%d", o->vus > 0 ? o->vus : 10);
    snprintf(dur, sizeof dur, "%gs", o->seconds > 0 ? o->seconds : CALIBRATE_DEFAULT_S);
    snprintf(summary, sizeof summary, "/tmp/benchlab-calibrate-%ld.json", (long)getpid());
    char *argv[16];
    int n = 0;
    argv[n++] = (char *)o->load_bin;
    argv[n++] = "run";
    argv[n++] = scenario;
    argv[n++] = "--base-url";
    argv[n++] = url;
    argv[n++] = "--vus";
    argv[n++] = vus;
    argv[n++] = "--duration";
    argv[n++] = dur;
    argv[n++] = "--quiet";
    argv[n++] = "--summary-export";
    argv[n++] = summary;
    if (o->driver_threads > 0) {
        snprintf(threads, sizeof threads, "%d", o->driver_threads);
        argv[n++] = "--threads";
        argv[n++] = threads;
    }
    argv[n] = NULL;
    spawn_opts_t so = {.log_path = o->log_path ? o->log_path : "/dev/null",
                       .before_exec = o->driver_cpuset && *o->driver_cpuset ? box_pin_hook : NULL,
                       .ctx = (void *)o->driver_cpuset};
    int rc = spawn_run(argv, &so);
    unlink(scenario);
    kill(srv, SIGKILL);
    waitpid(srv, NULL, 0);
    json_t *s = json_load_file(summary, 0, NULL);
    unlink(summary);
    json_t *m = json_object_get(json_object_get(s, "metrics"), "http_reqs");
    double rate = json_number_value(json_object_get(m, "rate"));
    double failed = json_number_value(json_object_get(
        json_object_get(json_object_get(s, "metrics"), "http_req_failed"), "value"));
    json_decref(s);
    if (rc != 0 || !(rate > 0) || failed > 0.01) {
        snprintf(err, err_len, "the calibration run failed (exit %d, %.0f req/s, %.1f%% failed)",
                 rc, rate, 100 * failed);
        return -1;
    }
    return rate;
}

int study_calibrate_record(const char *dir, const calib_opts_t *o, double ceiling_rps,
                           double fraction, const char *error) {
    char path[4096];
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    json_t *m = json_load_file(path, 0, NULL);
    if (!m)
        return -1;
    json_t *c = error ? json_pack("{s:s}", "error", error)
                      : json_pack("{s:f,s:f,s:f,s:i,s:s,s:i,s:s}", "ceiling_rps", ceiling_rps,
                                  "bound_fraction", fraction, "seconds", o->seconds, "vus", o->vus,
                                  "driver_cpuset", o->driver_cpuset ? o->driver_cpuset : "",
                                  "driver_threads", o->driver_threads, "target",
                                  "null responder (fixed 200 JSON)");
    json_object_set_new(m, "driver_calibration", c);
    int rc = study_write_json(path, m);
    json_decref(m);
    return rc;
}

bool study_flag_driver_bound(json_t *run, double ceiling_rps, double fraction) {
    if (!(ceiling_rps > 0))
        return false;
    json_t *reqs =
        json_object_get(json_object_get(json_object_get(run, "summary"), "metrics"), "http_reqs");
    double rate = json_number_value(json_object_get(reqs, "rate"));
    bool bound = rate > fraction * ceiling_rps;
    json_object_set_new(run, "driver_bound", json_boolean(bound));
    json_object_set_new(run, "driver_ceiling_rps", json_real(ceiling_rps));
    return bound;
}
