/* The seeded cluster template (see pg_template.h and docs/stack.md). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/xalloc.h"
#include "lab/stack/internal.h"
#include "lab/stack/pg_template.h"
#include "lab/stack/spawn.h"

/* Raise when code (not data) changes what a template holds: the database
 * create_database makes, the extension, the seed's calls in pg.c. */
#define KEY_FORMAT "benchlab-pg-template 1"

/* Environment variables the seed reads (stack/seed_extra.c's corpus size). */
static const char *const seed_env[] = {"BENCHLAB_SEARCH_POSTS"};

/* How long a stack waits for another one's build of the template. */
#define LOCK_WAIT_MS (15 * 60 * 1000)

static void describe_file(FILE *m, const char *label, const char *dir, const char *name) {
    char path[PATH_MAX + 64], real[PATH_MAX];
    struct stat sb;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (!realpath(path, real) || stat(real, &sb) != 0) {
        fprintf(m, "%s %s missing\n", label, path);
        return;
    }
    fprintf(m, "%s %s %lld %lld.%09ld\n", label, real, (long long)sb.st_size,
            (long long)sb.st_mtim.tv_sec, (long)sb.st_mtim.tv_nsec);
}

static int cmp_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Name, length and bytes of every regular file in the SQL directory, by name. */
static int describe_sql(FILE *m, char *err, size_t errlen) {
    char dir[PATH_MAX];
    if (stack_sql_dir(dir, sizeof dir) != 0) {
        snprintf(err, errlen, "SQL files not found (set BENCHLAB_SQL_DIR)");
        return -1;
    }
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, errlen, "cannot read %.1000s: %s", dir, strerror(errno));
        return -1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            names = xrealloc(names, cap * sizeof *names);
        }
        names[n++] = xstrdup(e->d_name);
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, cmp_names);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        char path[PATH_MAX + 256];
        struct stat sb;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (rc == 0 && stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
            char *text = stack_read_file(path);
            if (!text) {
                snprintf(err, errlen, "cannot read %.1000s: %s", path, strerror(errno));
                rc = -1;
            } else {
                fprintf(m, "sql %s %zu\n%s\n", names[i], strlen(text), text);
                free(text);
            }
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

/* What the key is the hash of (kept as DIR/<key>/inputs). NULL with err. */
static char *key_material(const char *bindir, char *err, size_t errlen) {
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m) {
        snprintf(err, errlen, "open_memstream: %s", strerror(errno));
        return NULL;
    }
    fprintf(m, "%s\nbindir %s\n", KEY_FORMAT, bindir);
    describe_file(m, "postgres", bindir, "postgres");
    describe_file(m, "initdb", bindir, "initdb");
    char lib[PATH_MAX + 64];
    snprintf(lib, sizeof lib, "%s/../lib/pg_stat_statements.so", bindir);
    fprintf(m, "pg_stat_statements %d\n", access(lib, R_OK) == 0);
    static const char *const opts[] = {STACK_PG_INITDB_OPTIONS};
    fprintf(m, "initdb");
    for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++)
        fprintf(m, " %s", opts[i]);
    fprintf(m, "\n");
    for (size_t i = 0; i < sizeof seed_env / sizeof seed_env[0]; i++) {
        const char *v = getenv(seed_env[i]);
        fprintf(m, "env %s=%s\n", seed_env[i], v ? v : "");
    }
    int rc = describe_sql(m, err, errlen);
    if (fclose(m) != 0 || rc != 0) {
        if (rc == 0)
            snprintf(err, errlen, "key: out of memory");
        free(buf);
        return NULL;
    }
    return buf;
}

/* SHA-256 (sha256sum, coreutils) of text into key, with scratch files in tdir. */
static int sha256_hex(const char *tdir, const char *text, char *key, char *err, size_t errlen) {
    char in[PATH_MAX + 16], out[PATH_MAX + 32];
    snprintf(in, sizeof in, "%s/.key-XXXXXX", tdir);
    int fd = mkstemp(in);
    if (fd < 0) {
        snprintf(err, errlen, "cannot write in %.1000s: %s", tdir, strerror(errno));
        return -1;
    }
    size_t len = strlen(text);
    bool ok = write(fd, text, len) == (ssize_t)len;
    close(fd);
    snprintf(out, sizeof out, "%s.sum", in);
    char *argv[] = {"sha256sum", in, NULL};
    spawn_opts_t o = {.log_path = out};
    int rc = ok ? spawn_run(argv, &o) : -1;
    char *sum = rc == 0 ? stack_read_file(out) : NULL;
    unlink(in);
    unlink(out);
    ok = sum != NULL && strspn(sum, "0123456789abcdef") >= 64;
    if (ok) {
        memcpy(key, sum, 64);
        key[64] = '\0';
    } else {
        snprintf(err, errlen, "sha256sum failed (status %d)", rc);
    }
    free(sum);
    return ok ? 0 : -1;
}

int stack_pg_template_key(const char *tdir, const char *bindir, char *key, char *err,
                          size_t errlen) {
    char *material = key_material(bindir, err, errlen);
    if (!material)
        return -1;
    int rc = sha256_hex(tdir, material, key, err, errlen);
    free(material);
    return rc;
}

/* DIR/<key> finished: its marker names the key and the cluster is there. */
static bool template_valid(const char *path, const char *key) {
    char f[PATH_MAX + 32];
    snprintf(f, sizeof f, "%s/complete", path);
    char *text = stack_read_file(f);
    bool ok = text && strncmp(text, key, 64) == 0 && text[64] == '\n';
    free(text);
    snprintf(f, sizeof f, "%s/data/PG_VERSION", path);
    return ok && access(f, F_OK) == 0;
}

/* An exclusive flock on DIR (waits for another stack's build); the fd or -1. */
static int lock_dir(const char *tdir, char *err, size_t errlen) {
    int fd = open(tdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open %.1000s: %s", tdir, strerror(errno));
        return -1;
    }
    struct timespec step = {0, 100 * 1000 * 1000};
    for (int waited = 0;; waited += 100) {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0)
            return fd;
        if (errno != EWOULDBLOCK && errno != EINTR) {
            snprintf(err, errlen, "flock %.1000s: %s", tdir, strerror(errno));
            break;
        }
        if (waited >= LOCK_WAIT_MS) {
            snprintf(err, errlen, "another build held it for %d s", LOCK_WAIT_MS / 1000);
            break;
        }
        nanosleep(&step, NULL);
    }
    close(fd);
    return -1;
}

/* cp -a --reflink=auto FROM/. TO: FROM's contents into the directory TO. */
static int copy_contents(const char *from, const char *to) {
    char src[PATH_MAX + 8];
    snprintf(src, sizeof src, "%s/.", from);
    char *argv[] = {"cp", "-a", "--reflink=auto", src, (char *)to, NULL};
    spawn_opts_t o = {0};
    return spawn_run(argv, &o) == 0 ? 0 : -1;
}

/* Fewer WAL segments to copy: the seed leaves ~500 MB of them, recycled for
 * later use. A checkpoint with a small min_wal_size removes them (the clean
 * stop's checkpoint too); postgresql.auto.conf ends as initdb wrote it. */
static void trim_wal(lab_stack_t *b) {
    PGconn *c = PQconnectdb(b->pg_dsn);
    static const char *const steps[] = {"ALTER SYSTEM SET min_wal_size = '32MB'",
                                        "ALTER SYSTEM SET max_wal_size = '64MB'",
                                        "SELECT pg_reload_conf()",
                                        NULL,
                                        "CHECKPOINT",
                                        "ALTER SYSTEM RESET min_wal_size",
                                        "ALTER SYSTEM RESET max_wal_size"};
    for (size_t i = 0; PQstatus(c) == CONNECTION_OK && i < sizeof steps / sizeof steps[0]; i++) {
        if (!steps[i]) { /* the checkpointer reads the configuration meanwhile */
            struct timespec t = {0, 300 * 1000 * 1000};
            nanosleep(&t, NULL);
            continue;
        }
        PQclear(PQexec(c, steps[i]));
    }
    PQfinish(c);
}

static int write_text(const char *path, const char *text) {
    return fs_write_atomic(path, text, strlen(text));
}

/* Builds DIR/<key>: a cluster of its own (no hooks, 127.0.0.1, the default
 * user), seeded and stopped cleanly, moved to DIR/.build-XXXXXX/data, its
 * inputs and marker written, then the whole renamed into place. Called with
 * DIR locked. */
static int build(const char *tdir, const char *key, const char *material, char *err,
                 size_t errlen) {
    char tmp[PATH_MAX + 32], sub[PATH_MAX + 64];
    snprintf(tmp, sizeof tmp, "%s/.build-XXXXXX", tdir);
    if (!mkdtemp(tmp)) {
        snprintf(err, errlen, "mkdtemp in %.1000s: %s", tdir, strerror(errno));
        return -1;
    }
    chmod(tmp, 0755); /* the database user may reach the cluster here */
    lab_stack_t *b = xcalloc(1, sizeof *b);
    int rc = -1;
    snprintf(sub, sizeof sub, "%s/stack", tmp);
    if (stack_init(b, sub) != 0 || stack_start_postgres(b) != 0 || stack_seed(b) != 0 ||
        (trim_wal(b), stack_stop(b, LAB_SVC_POSTGRES)) != 0) {
        snprintf(err, errlen, "building it failed: %.3000s", b->err);
        goto out;
    }
    snprintf(sub, sizeof sub, "%s/postmaster.pid", b->pg_data);
    if (access(sub, F_OK) == 0) {
        snprintf(err, errlen, "its PostgreSQL did not shut down cleanly");
        goto out;
    }
    snprintf(sub, sizeof sub, "%s/data", tmp);
    if (rename(b->pg_data, sub) != 0) { /* the cluster went to /tmp (pg.c) */
        if (errno != EXDEV || mkdir(sub, 0700) != 0 || copy_contents(b->pg_data, sub) != 0) {
            snprintf(err, errlen, "cannot move %.1000s to %.1000s", b->pg_data, sub);
            goto out;
        }
    }
    if (stack_remove_data(b, false) != 0) {
        snprintf(err, errlen, "%.3000s", b->err);
        goto out;
    }
    snprintf(sub, sizeof sub, "%s/stack", tmp);
    fs_remove_tree(sub);
    snprintf(sub, sizeof sub, "%s/inputs", tmp);
    char line[80];
    snprintf(line, sizeof line, "%s\n", key);
    char complete[PATH_MAX + 64];
    snprintf(complete, sizeof complete, "%s/complete", tmp);
    if (write_text(sub, material) != 0 || write_text(complete, line) != 0) { /* the marker last */
        snprintf(err, errlen, "cannot write in %.1000s: %s", tmp, strerror(errno));
        goto out;
    }
    /* A damaged DIR/<key> (no valid marker: we hold the lock and found it
     * so) goes first; rename cannot replace a directory that has files. */
    char final[PATH_MAX + 128];
    snprintf(final, sizeof final, "%s/%s", tdir, key);
    if (access(final, F_OK) == 0) {
        char trash[PATH_MAX + 160], old[PATH_MAX + 192];
        snprintf(trash, sizeof trash, "%s/.trash-XXXXXX", tdir);
        if (mkdtemp(trash)) {
            snprintf(old, sizeof old, "%s/old", trash);
            rename(final, old);
            fs_remove_tree(trash);
        }
    }
    if (rename(tmp, final) != 0) {
        snprintf(err, errlen, "cannot rename %.1000s to %.1000s: %s", tmp, final, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    if (rc != 0) {
        if (b->pid[LAB_SVC_POSTGRES])
            stack_stop(b, LAB_SVC_POSTGRES);
        if (*b->dir)
            stack_remove_data(b, false);
        fs_remove_tree(tmp);
    }
    free(b);
    return rc;
}

int stack_pg_template_restore(lab_stack_t *st, const char *bindir, const char *user) {
    st->pg_template_key[0] = '\0';
    const char *env = getenv("BENCHLAB_PG_TEMPLATE");
    if (!st->pg_use_template || !env || !*env || !*bindir ||
        stack_in_container(st, LAB_SVC_POSTGRES))
        return 0;
    char path[PATH_MAX + 96];
    snprintf(path, sizeof path, "%s/PG_VERSION", st->pg_data);
    if (access(path, F_OK) == 0)
        return 0; /* a cluster is there: pg.c reuses it */
    char tdir[PATH_MAX], key[72], err[sizeof st->err];
    char *material = NULL;
    int lock = -1;
    if (fs_mkdirs(env, 0700) != 0 || !realpath(env, tdir)) {
        snprintf(err, sizeof err, "cannot create it: %s", strerror(errno));
        goto fallback;
    }
    if (!(material = key_material(bindir, err, sizeof err)) ||
        sha256_hex(tdir, material, key, err, sizeof err) != 0)
        goto fallback;
    snprintf(path, sizeof path, "%s/%s", tdir, key);
    if (!template_valid(path, key)) {
        if ((lock = lock_dir(tdir, err, sizeof err)) < 0)
            goto fallback;
        if (!template_valid(path, key)) { /* nobody built it while we waited */
            fprintf(stderr, "benchlab: building the PostgreSQL template %s (initdb and seed)\n",
                    path);
            if (build(tdir, key, material, err, sizeof err) != 0)
                goto fallback;
        }
        close(lock);
        lock = -1;
    }
    char data[PATH_MAX + 128], marker[PATH_MAX + 32];
    snprintf(data, sizeof data, "%s/data", path);
    snprintf(marker, sizeof marker, "%s/" PG_TEMPLATE_MARKER, st->pg_data);
    char line[PATH_MAX + 128];
    snprintf(line, sizeof line, "%s %s\n", key, tdir);
    if ((mkdir(st->pg_data, 0700) != 0 && errno != EEXIST) ||
        copy_contents(data, st->pg_data) != 0 || write_text(marker, line) != 0 ||
        spawn_chown_tree(st->pg_data, user) != 0 || chmod(st->pg_data, 0700) != 0) {
        snprintf(err, sizeof err, "cannot copy %.1000s to %.1000s", data, st->pg_data);
        fs_remove_tree(st->pg_data);
        goto fallback;
    }
    snprintf(st->pg_template_key, sizeof st->pg_template_key, "%s", key);
    free(material);
    return 1;
fallback:
    if (lock >= 0)
        close(lock);
    free(material);
    fprintf(stderr, "benchlab: PostgreSQL template in %s not used: %s; initdb and seed as usual\n",
            env, err);
    return 0;
}
