/* Failed attempts and disk space (see study/attempts.h). */
#include "lab/study/attempts.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "lab/study/runfile.h"

static void attempts_path(const char *results, char *buf, size_t len) {
    snprintf(buf, len, "%s/attempts.jsonl", results);
}

int study_attempt_record(const char *results, const plan_unit_t *u, int run, const char *kind,
                         const char *reason, int driver_exit) {
    char path[PATH_MAX + 32], at[32];
    attempts_path(results, path, sizeof path);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    study_iso_time((long long)ts.tv_sec * 1000, at, sizeof at);
    json_t *j = json_pack("{s:s,s:s,s:i,s:s,s:s,s:s}", "scenario", u->scenario, "config", u->config,
                          "run", run, "at", at, "kind", kind, "reason", reason);
    if (!j) {
        errno = ENOMEM;
        return -1;
    }
    json_object_set_new(j, "driver_exit",
                        driver_exit < -1 ? json_null() : json_integer(driver_exit));
    char *line = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    if (!line) {
        errno = ENOMEM;
        return -1;
    }
    size_t n = strlen(line);
    line[n] = '\n'; /* json_dumps' terminator becomes the line's end */
    int rc = -1;
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd >= 0) {
        struct stat st;
        off_t before = fstat(fd, &st) == 0 ? st.st_size : -1;
        ssize_t w = write(fd, line, n + 1); /* one write: one whole line, appended */
        if (w == (ssize_t)(n + 1)) {
            rc = fsync(fd);
        } else {
            if (w >= 0)
                errno = ENOSPC; /* a short write: the disk is full */
            if (w > 0 && before >= 0 && ftruncate(fd, before) != 0)
                errno = ENOSPC; /* (never leave half a line) */
        }
        int saved = errno;
        close(fd);
        errno = saved;
    }
    free(line);
    return rc;
}

/* Calls fn for each parsable line of RESULTS/attempts.jsonl; returns the count. */
static int each_attempt(const char *results, void (*fn)(json_t *a, const char *results, FILE *f),
                        FILE *f) {
    char path[PATH_MAX + 32];
    attempts_path(results, path, sizeof path);
    FILE *in = fopen(path, "r");
    if (!in)
        return 0;
    char *line = NULL;
    size_t cap = 0;
    int n = 0;
    while (getline(&line, &cap, in) > 0) {
        json_t *a = json_loads(line, 0, NULL);
        if (!json_is_object(a)) {
            json_decref(a);
            continue;
        }
        n++;
        if (fn)
            fn(a, results, f);
        json_decref(a);
    }
    free(line);
    fclose(in);
    return n;
}

int study_attempts_count(const char *results) {
    return each_attempt(results, NULL, NULL);
}

static void md_line(json_t *a, const char *results, FILE *f) {
    const char *scenario = json_string_value(json_object_get(a, "scenario"));
    const char *config = json_string_value(json_object_get(a, "config"));
    int run = (int)json_integer_value(json_object_get(a, "run"));
    char path[PATH_MAX];
    struct stat st;
    bool redone = false;
    if (scenario && config) {
        run_file_path(results, scenario, config, run, path, sizeof path);
        redone = stat(path, &st) == 0;
    }
    fprintf(f, "- %s / %s run %d, %s: %s: %s (%s)\n", scenario ? scenario : "?",
            config ? config : "?", run, json_string_value(json_object_get(a, "at")),
            json_string_value(json_object_get(a, "kind")),
            json_string_value(json_object_get(a, "reason")),
            redone ? "run again since: on disk" : "still missing: `benchlab run --resume`");
}

int study_attempts_write_md(const char *results, FILE *f) {
    if (study_attempts_count(results) == 0)
        return 0;
    fputs("\n## Failed attempts (the lab's own failures, not measurements)\n\n", f);
    return each_attempt(results, md_line, f);
}

long long study_free_bytes(const char *path) {
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s", path && *path ? path : ".");
    struct statvfs vfs;
    while (statvfs(p, &vfs) != 0) {
        if (errno != ENOENT)
            return -1;
        char *slash = strrchr(p, '/');
        if (!slash) {
            snprintf(p, sizeof p, ".");
            if (statvfs(p, &vfs) != 0)
                return -1;
            break;
        }
        if (slash == p)
            slash[1] = '\0'; /* "/" */
        else
            *slash = '\0';
    }
    return (long long)vfs.f_bavail * (long long)vfs.f_frsize;
}

void study_format_bytes(long long b, char *buf, size_t len) {
    if (b >= 1024LL * 1024 * 1024)
        snprintf(buf, len, "%.1f GiB", (double)b / (1024.0 * 1024 * 1024));
    else if (b >= 1024 * 1024)
        snprintf(buf, len, "%.1f MiB", (double)b / (1024.0 * 1024));
    else
        snprintf(buf, len, "%.0f KiB", (double)b / 1024.0);
}

int study_check_free(const char *path, long long min_bytes, char *err, size_t err_len) {
    if (min_bytes <= 0)
        return 0;
    long long avail = study_free_bytes(path);
    if (avail < 0 || avail >= min_bytes)
        return 0;
    char a[32], m[32];
    study_format_bytes(avail, a, sizeof a);
    study_format_bytes(min_bytes, m, sizeof m);
    snprintf(err, err_len,
             "only %s free on the file system of %s, below the minimum %s (--min-free)", a, path,
             m);
    return -1;
}

static void reserve_path(const char *results, char *buf, size_t len) {
    snprintf(buf, len, "%s/.space-reserve", results);
}

int study_space_reserve(const char *results) {
    char path[PATH_MAX + 32];
    reserve_path(results, path, sizeof path);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    static const char zeros[16384];
    int rc = 0;
    /* written, not a sparse file: the blocks are really ours to give back */
    for (size_t off = 0; rc == 0 && off < STUDY_SPACE_RESERVE_BYTES; off += sizeof zeros)
        if (write(fd, zeros, sizeof zeros) != (ssize_t)sizeof zeros)
            rc = -1;
    if (rc == 0 && fsync(fd) != 0)
        rc = -1;
    close(fd);
    if (rc != 0)
        unlink(path);
    return rc;
}

void study_space_release(const char *results) {
    char path[PATH_MAX + 32];
    reserve_path(results, path, sizeof path);
    unlink(path);
}

bool study_errno_is_space(int e) {
    return e == ENOSPC
#ifdef EDQUOT
           || e == EDQUOT
#endif
        ;
}
