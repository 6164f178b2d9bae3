/* Caller-relative paths made absolute before anything changes directory: see
 * cli_paths.h. */
#include "lab/cmd/cli_paths.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/xalloc.h"

extern char **environ;

/* Appends the components of S to OUT (which holds LEN bytes, *N used),
 * dropping "." and empty components. */
static int append_components(char *out, size_t len, size_t *n, const char *s) {
    while (*s) {
        while (*s == '/')
            s++;
        size_t c = strcspn(s, "/");
        if (c == 0)
            break;
        if (!(c == 1 && s[0] == '.')) {
            if (*n + 1 + c + 1 > len)
                return -1;
            out[(*n)++] = '/';
            memcpy(out + *n, s, c);
            *n += c;
            out[*n] = '\0';
        }
        s += c;
    }
    return 0;
}

int lab_path_absolute(const char *cwd, const char *path, char *out, size_t len) {
    if (!path || !*path || len < 2)
        return -1;
    size_t n = 0;
    out[0] = '\0';
    if (path[0] != '/') {
        if (!cwd || cwd[0] != '/' || append_components(out, len, &n, cwd) != 0)
            return -1;
    }
    if (append_components(out, len, &n, path) != 0)
        return -1;
    if (n == 0) /* "/" itself */
        snprintf(out, len, "/");
    return 0;
}

int lab_path_env_kind(const char *name) {
    static const char *const dirs[] = {"BENCHLAB_PG_BIN", "BENCHLAB_SQL_DIR", "BENCHLAB_ROOT",
                                       "BENCHLAB_PG_DATA", "BENCHLAB_CGROUP_ROOT"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
        if (strcmp(name, dirs[i]) == 0)
            return 2;
    if (strcmp(name, "BENCHLAB_PYTHON") == 0)
        return 1;
    size_t n = strlen(name);
    if (strncmp(name, "BENCHLAB_", 9) == 0 && n >= 12 && strcmp(name + n - 4, "_BIN") == 0)
        return 1;
    return 0;
}

/* Whether VALUE of kind KIND (see lab_path_env_kind) is a relative path. */
static bool relative(int kind, const char *value) {
    if (!value || !*value || value[0] == '/')
        return false;
    return kind == 2 || strchr(value, '/') != NULL;
}

static int resolve_env(const char *cwd, char *err, size_t err_len) {
    /* The names first: setenv may move environ. */
    size_t count = 0;
    for (char **e = environ; e && *e; e++)
        count++;
    char **names = xcalloc(count + 1, sizeof *names);
    if (!names) {
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    size_t k = 0;
    for (char **e = environ; e && *e; e++) {
        const char *eq = strchr(*e, '=');
        if (eq && strncmp(*e, "BENCHLAB_", 9) == 0)
            names[k++] = xstrndup(*e, (size_t)(eq - *e));
    }
    int rc = 0;
    for (size_t i = 0; i < k && rc == 0; i++) {
        if (!names[i]) {
            snprintf(err, err_len, "out of memory");
            rc = -1;
            break;
        }
        int kind = lab_path_env_kind(names[i]);
        const char *v = getenv(names[i]);
        if (!kind || !relative(kind, v))
            continue;
        char abs[PATH_MAX];
        if (lab_path_absolute(cwd, v, abs, sizeof abs) != 0) {
            snprintf(err, err_len, "%s=%s: cannot make it an absolute path%s", names[i], v,
                     cwd ? "" : " (no working directory)");
            rc = -1;
        } else if (setenv(names[i], abs, 1) != 0) {
            snprintf(err, err_len, "%s: setenv failed", names[i]);
            rc = -1;
        }
    }
    for (size_t i = 0; i < k; i++)
        free(names[i]);
    free(names);
    return rc;
}

/* The path flags of a command: flag and kind (2 directory, 1 program). */
typedef struct {
    const char *cmd, *flag;
    int kind;
} path_flag_t;

static const path_flag_t path_flags[] = {
    {"up", "--dir", 2},        {"down", "--dir", 2},       {"run", "--results", 2},
    {"run", "--scenarios", 2}, {"run", "--server-bin", 1},
};

/* Flags that take no value (the rest of the --flags take one). */
static bool boolean_flag(const char *a) {
    return strcmp(a, "--no-seed") == 0 || strcmp(a, "--resume") == 0 ||
           strcmp(a, "--dry-run") == 0 || strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0;
}

static int resolve_args(const char *cwd, int argc, char **argv, char *err, size_t err_len) {
    if (argc < 1)
        return 0;
    const char *cmd = argv[0];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) != 0 || boolean_flag(a))
            continue;
        if (i + 1 >= argc)
            break; /* the command says what is missing */
        int kind = 0;
        for (size_t f = 0; f < sizeof path_flags / sizeof path_flags[0]; f++)
            if (strcmp(cmd, path_flags[f].cmd) == 0 && strcmp(a, path_flags[f].flag) == 0)
                kind = path_flags[f].kind;
        i++;
        if (!kind || !relative(kind, argv[i]))
            continue;
        char abs[PATH_MAX];
        char *copy = NULL;
        if (lab_path_absolute(cwd, argv[i], abs, sizeof abs) != 0 || !(copy = xstrdup(abs))) {
            snprintf(err, err_len, "%s %s: cannot make it an absolute path%s", a, argv[i],
                     cwd ? "" : " (no working directory)");
            return -1;
        }
        argv[i] = copy;
    }
    return 0;
}

int lab_paths_resolve_at(const char *cwd, int argc, char **argv, char *err, size_t err_len) {
    if (resolve_env(cwd, err, err_len) != 0)
        return -1;
    return resolve_args(cwd, argc, argv, err, err_len);
}

int lab_paths_resolve(int argc, char **argv, char *err, size_t err_len) {
    char cwd[PATH_MAX];
    /* Without a working directory only relative paths are a problem, and
     * those then fail with a message naming them. */
    return lab_paths_resolve_at(getcwd(cwd, sizeof cwd) ? cwd : NULL, argc, argv, err, err_len);
}
