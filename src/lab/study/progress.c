/* Live progress (see study/progress.h). */
#include "lab/study/progress.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static double mono(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_init(progress_t *p) {
    p->tty = isatty(STDERR_FILENO);
    p->status_shown = false;
    p->started = mono();
}

void progress_format_duration(double s, char *buf, int len) {
    long t = s < 0 ? 0 : (long)(s + 0.5);
    if (t >= 3600)
        snprintf(buf, (size_t)len, "%ldh%02ldm", t / 3600, (t % 3600) / 60);
    else if (t >= 60)
        snprintf(buf, (size_t)len, "%ldm%02lds", t / 60, t % 60);
    else
        snprintf(buf, (size_t)len, "%lds", t);
}

void progress_status(progress_t *p, const char *scenario, const char *config, int run, int runs,
                     int done, int total, double eta_s) {
    if (!p->tty)
        return;
    char elapsed[32], eta[32];
    progress_format_duration(mono() - p->started, elapsed, sizeof elapsed);
    progress_format_duration(eta_s, eta, sizeof eta);
    fprintf(stderr, "\r\033[K%s %s run %d/%d | %d/%d runs | %s elapsed | ETA %s", scenario, config,
            run, runs, done, total, elapsed, eta);
    fflush(stderr);
    p->status_shown = true;
}

void progress_line(progress_t *p, const char *fmt, ...) {
    if (p->status_shown) {
        fputs("\r\033[K", stderr);
        p->status_shown = false;
    }
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
}

void progress_end(progress_t *p) {
    if (p->status_shown) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
        p->status_shown = false;
    }
}
