#include "load/stats.h"

#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"

const char *const err_kind_names[ERR_KINDS] = {"connect", "timeout", "reset", "parse", "status"};

int stats_init(stats_t *st, size_t ngroups, size_t nreqs, size_t nchecks, int timeseries) {
    memset(st, 0, sizeof *st);
    st->ngroups = ngroups;
    st->nreqs = nreqs;
    st->nchecks = nchecks;
    st->timeseries = timeseries;
    st->group_dur = xcalloc(ngroups + 1, sizeof *st->group_dur);
    st->req_dur = xcalloc(nreqs + 1, sizeof *st->req_dur);
    st->group_reqs = xcalloc(ngroups + 1, sizeof(uint64_t));
    st->group_failed = xcalloc(ngroups + 1, sizeof(uint64_t));
    st->req_reqs = xcalloc(nreqs + 1, sizeof(uint64_t));
    st->req_failed = xcalloc(nreqs + 1, sizeof(uint64_t));
    st->check_pass = xcalloc(nchecks + 1, sizeof(uint64_t));
    st->check_fail = xcalloc(nchecks + 1, sizeof(uint64_t));
    if (!st->group_dur || !st->req_dur || !st->group_reqs || !st->group_failed || !st->req_reqs ||
        !st->req_failed || !st->check_pass || !st->check_fail)
        return -1;
    if (hist_init(&st->dur, 3) || hist_init(&st->service, 3) || hist_init(&st->lag, 3) ||
        hist_init(&st->iter_dur, 3) || hist_init(&st->ts_cur, 2))
        return -1;
    for (size_t i = 0; i < ngroups; i++)
        if (hist_init(&st->group_dur[i], 3))
            return -1;
    for (size_t i = 0; i < nreqs; i++)
        if (hist_init(&st->req_dur[i], 3))
            return -1;
    return 0;
}

void stats_free(stats_t *st) {
    hist_free(&st->dur);
    hist_free(&st->service);
    hist_free(&st->lag);
    hist_free(&st->iter_dur);
    for (size_t i = 0; st->group_dur && i < st->ngroups; i++)
        hist_free(&st->group_dur[i]);
    for (size_t i = 0; st->req_dur && i < st->nreqs; i++)
        hist_free(&st->req_dur[i]);
    hist_free(&st->ts_cur);
    for (size_t i = 0; i < st->nsec; i++) {
        free(st->sec[i].slot);
        free(st->sec[i].count);
    }
    free(st->sec);
    free(st->group_dur);
    free(st->req_dur);
    free(st->group_reqs);
    free(st->group_failed);
    free(st->req_reqs);
    free(st->req_failed);
    free(st->check_pass);
    free(st->check_fail);
    memset(st, 0, sizeof *st);
}

ts_sec_t *stats_second(stats_t *st, size_t sec) {
    if (sec >= st->nsec) {
        size_t n = sec + 1;
        st->sec = xrealloc(st->sec, n * sizeof *st->sec);
        for (size_t i = st->nsec; i < n; i++)
            memset(&st->sec[i], 0, sizeof st->sec[i]);
        st->nsec = n;
    }
    return &st->sec[sec];
}

static void ts_add(ts_sec_t *d, const uint32_t *slot, const uint64_t *count, size_t n) {
    if (n == 0)
        return;
    d->slot = xrealloc(d->slot, (d->n + n) * sizeof *d->slot);
    d->count = xrealloc(d->count, (d->n + n) * sizeof *d->count);
    memcpy(d->slot + d->n, slot, n * sizeof *slot);
    memcpy(d->count + d->n, count, n * sizeof *count);
    d->n += n;
}

void stats_ts_flush(stats_t *st) {
    if (!st->timeseries || st->ts_cur.count == 0)
        return;
    ts_sec_t *d = stats_second(st, st->ts_cur_sec);
    for (size_t i = 0; i < st->ts_cur.counts_len; i++)
        if (st->ts_cur.counts[i]) {
            uint32_t slot = (uint32_t)i;
            ts_add(d, &slot, &st->ts_cur.counts[i], 1);
        }
    hist_reset(&st->ts_cur);
}

void stats_ts_latency(stats_t *st, size_t sec, uint64_t us) {
    if (sec != st->ts_cur_sec) {
        stats_ts_flush(st);
        st->ts_cur_sec = sec;
    }
    hist_record(&st->ts_cur, us);
}

void stats_ts_percentiles(const stats_t *st, size_t sec, uint64_t *p50, uint64_t *p99) {
    hist_t h;
    *p50 = *p99 = 0;
    if (sec >= st->nsec || hist_init(&h, 2))
        return;
    const ts_sec_t *s = &st->sec[sec];
    for (size_t i = 0; i < s->n; i++) {
        if (s->slot[i] >= h.counts_len)
            continue;
        h.counts[s->slot[i]] += s->count[i];
        h.count += s->count[i];
        uint64_t lo, hi;
        hist_slot_bounds(&h, s->slot[i], &lo, &hi);
        if (hi > h.max) /* no exact max per second: the bucket bound caps it */
            h.max = hi;
    }
    *p50 = hist_percentile(&h, 50);
    *p99 = hist_percentile(&h, 99);
    hist_free(&h);
}

void stats_merge(stats_t *dst, const stats_t *src) {
    hist_merge(&dst->dur, &src->dur);
    hist_merge(&dst->service, &src->service);
    hist_merge(&dst->lag, &src->lag);
    hist_merge(&dst->iter_dur, &src->iter_dur);
    for (size_t i = 0; i < dst->ngroups && i < src->ngroups; i++) {
        hist_merge(&dst->group_dur[i], &src->group_dur[i]);
        dst->group_reqs[i] += src->group_reqs[i];
        dst->group_failed[i] += src->group_failed[i];
    }
    for (size_t i = 0; i < dst->nreqs && i < src->nreqs; i++) {
        hist_merge(&dst->req_dur[i], &src->req_dur[i]);
        dst->req_reqs[i] += src->req_reqs[i];
        dst->req_failed[i] += src->req_failed[i];
    }
    for (size_t i = 0; i < dst->nchecks && i < src->nchecks; i++) {
        dst->check_pass[i] += src->check_pass[i];
        dst->check_fail[i] += src->check_fail[i];
    }
    dst->reqs += src->reqs;
    dst->failed += src->failed;
    dst->iterations += src->iterations;
    dst->dropped += src->dropped;
    for (int k = 0; k < ERR_KINDS; k++)
        dst->err[k] += src->err[k];
    for (size_t i = 0; i < src->nsec; i++) {
        ts_sec_t *d = stats_second(dst, i);
        d->reqs += src->sec[i].reqs;
        d->errors += src->sec[i].errors;
        d->dropped += src->sec[i].dropped;
        d->late += src->sec[i].late;
        ts_add(d, src->sec[i].slot, src->sec[i].count, src->sec[i].n);
    }
    double du = dst->wall_s > 0 ? dst->cpu_s / dst->wall_s : 0;
    double su = src->wall_s > 0 ? src->cpu_s / src->wall_s : 0;
    if (su > du) {
        dst->cpu_s = src->cpu_s;
        dst->wall_s = src->wall_s;
    }
}
