/* Stage schedules: linear ramps between targets (stages.h). */
#include "load/stages.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load/scenario.h"
#include "common/xalloc.h"

int stages_parse(stages_t *st, const char *text, char *err, size_t errlen) {
    free(st->st);
    st->st = NULL;
    st->n = 0;
    size_t cap = 1;
    for (const char *p = text; *p; p++)
        cap += *p == ',';
    st->st = xcalloc(cap, sizeof *st->st);
    char *copy = xstrdup(text), *save = NULL;
    int rc = 0;
    size_t i = 0;
    for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save), i++) {
        stage_t *s = &st->st[st->n];
        char *colon = strchr(item, ':');
        if (!colon) {
            snprintf(err, errlen, "stage %zu (\"%s\"): expected DURATION:TARGET, e.g. 10s:100",
                     i + 1, item);
            rc = -1;
            break;
        }
        *colon = 0;
        if (parse_duration(item, &s->duration_s) || s->duration_s < 0) {
            snprintf(err, errlen, "stage %zu: bad duration \"%s\" (e.g. 30s, 500ms, 2m)", i + 1,
                     item);
            rc = -1;
            break;
        }
        char *t = colon + 1, *end;
        size_t len = strlen(t);
        s->percent = len > 0 && t[len - 1] == '%';
        if (s->percent)
            t[len - 1] = 0;
        s->target = strtod(t, &end);
        if (end == t || *end || !isfinite(s->target) || s->target < 0) {
            snprintf(err, errlen, "stage %zu: bad target \"%s%s\" (a number >= 0 or a percentage)",
                     i + 1, t, s->percent ? "%" : "");
            rc = -1;
            break;
        }
        st->n++;
    }
    if (rc == 0 && st->n == 0) {
        snprintf(err, errlen, "expected at least one stage, e.g. 10s:100,20s:100");
        rc = -1;
    }
    free(copy);
    return rc;
}

int stages_resolve(stages_t *st, double capacity, double max, char *err, size_t errlen) {
    if (st->n == 0) {
        snprintf(err, errlen, "stages: expected at least one stage");
        return -1;
    }
    double total = 0;
    for (size_t i = 0; i < st->n; i++) {
        stage_t *s = &st->st[i];
        if (s->percent) {
            if (!(capacity > 0)) {
                snprintf(err, errlen,
                         "stages[%zu].target: %g%% needs a capacity (\"capacity\" or --capacity)",
                         i, s->target);
                return -1;
            }
            s->target = s->target / 100.0 * capacity;
            s->percent = 0;
        }
        if (!(s->target >= 0) || s->target > max) {
            snprintf(err, errlen, "stages[%zu].target: %g is out of range (0 .. %g)", i, s->target,
                     max);
            return -1;
        }
        total += s->duration_s;
    }
    if (!(total > 0)) {
        snprintf(err, errlen, "stages: the durations add up to 0");
        return -1;
    }
    if (!(stages_max(st) > 0)) {
        snprintf(err, errlen, "stages: every target is 0 (nothing would run)");
        return -1;
    }
    return 0;
}

double stages_total(const stages_t *st) {
    double t = 0;
    for (size_t i = 0; i < st->n; i++)
        t += st->st[i].duration_s;
    return t;
}

double stages_max(const stages_t *st) {
    double m = st->start;
    for (size_t i = 0; i < st->n; i++)
        if (st->st[i].target > m)
            m = st->st[i].target;
    return m;
}

double stages_value(const stages_t *st, double t) {
    double from = st->start, at = 0;
    for (size_t i = 0; i < st->n; i++) {
        const stage_t *s = &st->st[i];
        if (t < at + s->duration_s)
            return from + (s->target - from) * (t - at) / s->duration_s;
        at += s->duration_s;
        from = s->target;
    }
    return from;
}

int stages_vus(const stages_t *st, double t) {
    return (int)floor(stages_value(st, t) + 1e-9);
}

double stages_arrivals(const stages_t *st, double t) {
    double from = st->start, at = 0, n = 0;
    for (size_t i = 0; i < st->n && t > at; i++) {
        const stage_t *s = &st->st[i];
        double d = s->duration_s;
        double u = t - at < d ? t - at : d; /* time spent in this stage */
        if (d > 0)
            n += from * u + (s->target - from) * u * u / (2 * d);
        at += d;
        from = s->target;
    }
    if (t > at)
        n += from * (t - at);
    return n;
}

double stages_arrival_time(const stages_t *st, double k) {
    double from = st->start, at = 0, n = 0;
    for (size_t i = 0; i < st->n; i++) {
        const stage_t *s = &st->st[i];
        double d = s->duration_s;
        if (d > 0) {
            double in = (from + s->target) / 2 * d; /* arrivals in this stage */
            if (n + in >= k) {
                /* from*u + a*u^2 = m with a = (target-from)/(2d), solved stably */
                double m = k - n, a = (s->target - from) / (2 * d);
                double disc = from * from + 4 * a * m;
                double u = m <= 0 ? 0 : 2 * m / (from + sqrt(disc > 0 ? disc : 0));
                if (!isfinite(u) || u > d)
                    u = d;
                return at + u;
            }
            n += in;
        }
        at += d;
        from = s->target;
    }
    return at + 1; /* past the end: the run is over */
}

void stages_free(stages_t *st) {
    free(st->st);
    st->st = NULL;
    st->n = 0;
}
