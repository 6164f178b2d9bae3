/* The stack: lifecycle, state files, and what every service start shares.
 * Service specifics live in stack/pg.c and stack/services.c. */
#include "lab/stack/stack.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "common/clock.h"
#include "common/fs.h"
#include "common/portable.h"
#include "common/xalloc.h"
#include "lab/stack/spawn.h"
#include "lab/stack/internal.h"

static const char *const service_names[LAB_SVC_COUNT] = {"postgres", "redis", "upstream", "server"};

const char *lab_service_name(lab_service_t svc) {
    return svc < LAB_SVC_COUNT ? service_names[svc] : "?";
}

int stack_fail(lab_stack_t *st, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->err, sizeof st->err, fmt, ap);
    va_end(ap);
    return -1;
}

void stack_log_path(const lab_stack_t *st, lab_service_t svc, char *buf, size_t len) {
    snprintf(buf, len, "%s/%s.log", st->dir, lab_service_name(svc));
}

static void pid_path(const lab_stack_t *st, lab_service_t svc, char *buf, size_t len) {
    snprintf(buf, len, "%s/%s.pid", st->dir, lab_service_name(svc));
}

void stack_append_log_tail(lab_stack_t *st, lab_service_t svc) {
    enum { TAIL_LINES = 12 };
    char path[PATH_MAX + 32];
    stack_log_path(st, svc, path, sizeof path);
    char *text = stack_read_file(path);
    size_t used = strlen(st->err);
    if (!text) {
        snprintf(st->err + used, sizeof st->err - used, "\n(no log at %s)", path);
        return;
    }
    /* Start of the last TAIL_LINES lines (ignoring a final newline). */
    size_t n = strlen(text);
    while (n > 0 && text[n - 1] == '\n')
        text[--n] = '\0';
    const char *start = text;
    int lines = 0;
    for (size_t i = n; i > 0; i--)
        if (text[i - 1] == '\n' && ++lines == TAIL_LINES) {
            start = text + i;
            break;
        }
    /* Keep the very end when the tail is longer than the room left. */
    size_t room = sizeof st->err - used;
    size_t hdr = (size_t)snprintf(st->err + used, room, "\n--- last lines of %s ---\n", path);
    if (hdr < room) {
        size_t left = room - hdr - 1, tail = strlen(start);
        if (tail > left)
            start += tail - left;
        snprintf(st->err + used + hdr, room - hdr, "%s", start);
    }
    free(text);
}

char *stack_read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = xmalloc(cap);
    while (buf) {
        size_t r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
        if (n + 1 < cap)
            break;
        char *bigger = xrealloc(buf, cap * 2);
        if (!bigger) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    fclose(f);
    if (buf)
        buf[n] = '\0';
    return buf;
}

const char *stack_addr(const lab_stack_t *st, lab_service_t svc) {
    return *st->addr[svc] ? st->addr[svc] : "127.0.0.1";
}

int stack_free_port(void) {
    int fd = portable_socket(AF_INET, SOCK_STREAM, false);
    if (fd < 0)
        return -1;
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    int port = -1;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    close(fd);
    return port;
}

bool stack_in_container(const lab_stack_t *st, lab_service_t svc) {
    return box_is_container(st->hooks[svc].box);
}

const char *stack_service_user(const lab_stack_t *st, lab_service_t svc) {
    if (st->hooks[svc].run_as_user)
        return st->hooks[svc].run_as_user;
    if (svc != LAB_SVC_POSTGRES)
        return NULL;
    /* The images know root and nobody (65534) by name, and PostgreSQL needs
     * a name for its uid; not root, the container runs as our own uid. */
    if (stack_in_container(st, svc))
        return geteuid() == 0 ? "nobody" : NULL;
    return spawn_default_user();
}

int stack_program(const lab_stack_t *st, lab_service_t svc, const char *name,
                  const char *env_override, char *buf, size_t len) {
    const char *env = env_override ? getenv(env_override) : NULL;
    if (stack_in_container(st, svc) && !(env && *env)) {
        snprintf(buf, len, "%s", name); /* the image's, found in its PATH */
        return 0;
    }
    return stack_find_program(name, env_override, buf, len);
}

char *const *stack_prepare_spawn(lab_stack_t *st, lab_service_t svc, char *const argv[],
                                 const char *cwd, const char *name_suffix, spawn_opts_t *opts,
                                 char ***owned) {
    const char *user = stack_service_user(st, svc);
    opts->run_as_user = user;
    opts->cwd = cwd;
    opts->before_exec = st->hooks[svc].before_exec;
    opts->ctx = st->hooks[svc].ctx;
    *owned = NULL;
    box_t *box = st->hooks[svc].box;
    if (!box_is_container(box))
        return argv;
    /* What the command line names: the stack directory, and the cluster
     * when it lies outside it (/tmp/benchlab-pg.XXXXXX/pg, see stack/pg.c). */
    const char *mounts[3] = {st->dir, NULL, NULL};
    char outside[PATH_MAX];
    size_t dl = strlen(st->dir);
    if (svc == LAB_SVC_POSTGRES && *st->pg_data &&
        !(strncmp(st->pg_data, st->dir, dl) == 0 && st->pg_data[dl] == '/')) {
        snprintf(outside, sizeof outside, "%s", st->pg_data);
        char *slash = strrchr(outside, '/');
        if (slash && slash != outside) {
            *slash = '\0';
            mounts[1] = outside;
        }
    }
    box_run_t run = {.cwd = cwd, .user = user, .mounts = mounts, .name_suffix = name_suffix};
    char err[512];
    *owned = box_command_run(box, argv, &run, err, sizeof err);
    if (!*owned) {
        stack_fail(st, "%s failed to start: %s", lab_service_name(svc), err);
        return NULL;
    }
    /* The client keeps our identity (it needs the engine's socket); the
     * service's user, limits and directory are the container's. */
    opts->run_as_user = NULL;
    opts->cwd = NULL;
    opts->before_exec = NULL;
    opts->ctx = NULL;
    return *owned;
}

int stack_init(lab_stack_t *st, const char *dir) {
    memset(st, 0, sizeof *st);
    st->upstream_delay_ms = 100;
    st->ready_timeout_ms = 60000;
    if (!dir || !*dir)
        return stack_fail(st, "stack: no directory given");
    if (fs_mkdirs(dir, 0755) != 0)
        return stack_fail(st, "stack: cannot create %s: %s", dir, strerror(errno));
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return stack_fail(st, "stack: %s is not a directory", dir);
    /* Absolute: the services run with other working directories. */
    if (!realpath(dir, st->dir))
        return stack_fail(st, "stack: %s: %s", dir, strerror(errno));
    return 0;
}

int stack_write_env(const lab_stack_t *st) {
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/stack.env", st->dir);
    fs_atomic_t a;
    FILE *f = fs_atomic_open(&a, path);
    if (!f)
        return -1;
    stack_print_env(st, f);
    fprintf(f, "BENCHLAB_PG_DATA=%s\n", st->pg_data);
    for (int s = 0; s < LAB_SVC_COUNT; s++)
        fprintf(f, "port_%s=%d\n", lab_service_name(s), st->port[s]);
    return fs_atomic_commit(&a, 1);
}

void stack_print_env(const lab_stack_t *st, FILE *out) {
    if (st->pid[LAB_SVC_SERVER])
        fprintf(out, "BENCHLAB_URL=%s\n", st->server_url);
    if (st->pid[LAB_SVC_POSTGRES])
        fprintf(out, "BENCHLAB_PG=%s\n", st->pg_dsn);
    if (st->pid[LAB_SVC_REDIS])
        fprintf(out, "BENCHLAB_REDIS=%s\n", st->redis_url);
    if (st->pid[LAB_SVC_UPSTREAM])
        fprintf(out, "BENCHLAB_UPSTREAM=%s\n", st->upstream_url);
}

static int write_pid_file(const lab_stack_t *st, lab_service_t svc, pid_t pid) {
    char path[PATH_MAX + 32];
    pid_path(st, svc, path, sizeof path);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "%d\n", (int)pid);
    return fclose(f);
}

/* True when pid's command line mentions port: guards against killing an
 * unrelated process that reused the pid of a service that died long ago.
 * (postgres keeps "-p PORT" in its title; redis shows "127.0.0.1:PORT"; the
 * upstream and the server have "--listen 127.0.0.1:PORT".) */
static bool pid_has_port(pid_t pid, int port) {
    char path[64], want[16];
    snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
    FILE *f = fopen(path, "rb");
    if (!f)
        return true; /* no /proc: trust the PID file */
    char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    for (size_t i = 0; i < n; i++)
        if (buf[i] == '\0')
            buf[i] = ' ';
    buf[n] = '\0';
    snprintf(want, sizeof want, "%d", port);
    size_t wl = strlen(want);
    for (const char *p = strstr(buf, want); p; p = strstr(p + 1, want)) {
        char before = p == buf ? ' ' : p[-1], after = p[wl];
        if ((before == ' ' || before == ':' || before == '=') &&
            (after == ' ' || after == '\0' || after == '/'))
            return true;
    }
    return false;
}

int stack_open(lab_stack_t *st, const char *dir) {
    lab_hook_t keep[LAB_SVC_COUNT];
    memcpy(keep, st->hooks, sizeof keep);
    struct stat sb;
    if (!dir || stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        memset(st, 0, sizeof *st);
        return stack_fail(st, "stack: no directory %s", dir ? dir : "(null)");
    }
    if (stack_init(st, dir) != 0)
        return -1;
    memcpy(st->hooks, keep, sizeof keep);
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/stack.env", st->dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return stack_fail(st, "stack: no stack in %s (no stack.env)", st->dir);
    char line[PATH_MAX + 64];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        char *eq = strchr(line, '=');
        if (!eq)
            continue;
        *eq = '\0';
        const char *k = line, *v = eq + 1;
        if (strcmp(k, "BENCHLAB_URL") == 0)
            snprintf(st->server_url, sizeof st->server_url, "%s", v);
        else if (strcmp(k, "BENCHLAB_PG") == 0)
            snprintf(st->pg_dsn, sizeof st->pg_dsn, "%s", v);
        else if (strcmp(k, "BENCHLAB_REDIS") == 0)
            snprintf(st->redis_url, sizeof st->redis_url, "%s", v);
        else if (strcmp(k, "BENCHLAB_UPSTREAM") == 0)
            snprintf(st->upstream_url, sizeof st->upstream_url, "%s", v);
        else if (strcmp(k, "BENCHLAB_PG_DATA") == 0)
            snprintf(st->pg_data, sizeof st->pg_data, "%s", v);
        else
            for (int s = 0; s < LAB_SVC_COUNT; s++)
                if (strncmp(k, "port_", 5) == 0 && strcmp(k + 5, lab_service_name(s)) == 0)
                    st->port[s] = atoi(v);
    }
    fclose(f);
    for (int s = 0; s < LAB_SVC_COUNT; s++) {
        pid_path(st, s, path, sizeof path);
        FILE *pf = fopen(path, "r");
        int pid = 0;
        if (pf) {
            if (fscanf(pf, "%d", &pid) != 1)
                pid = 0;
            fclose(pf);
        }
        if (pid > 0 && spawn_alive(pid) && pid_has_port(pid, st->port[s]))
            st->pid[s] = pid;
    }
    return 0;
}

static bool log_says_port_in_use(const lab_stack_t *st, lab_service_t svc) {
    char path[PATH_MAX + 32];
    stack_log_path(st, svc, path, sizeof path);
    char *text = stack_read_file(path);
    bool in_use = text && (strstr(text, "in use") || strstr(text, "EADDRINUSE") ||
                           strstr(text, "Failed to bind") || strstr(text, "could not bind"));
    free(text);
    return in_use;
}

int stack_spawn_and_wait(lab_stack_t *st, lab_service_t svc, char *const argv[], const char *cwd,
                         bool (*probe)(lab_stack_t *st), bool *port_in_use) {
    const char *name = lab_service_name(svc);
    char log[PATH_MAX + 32];
    stack_log_path(st, svc, log, sizeof log);
    *port_in_use = false;
    int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0)
        close(fd);
    spawn_opts_t opts = {.log_path = log};
    char **owned;
    char *const *cmd = stack_prepare_spawn(st, svc, argv, cwd, NULL, &opts, &owned);
    if (!cmd)
        return -1;
    pid_t pid = spawn_process(cmd, &opts);
    box_free_argv(owned);
    if (pid < 0)
        return stack_fail(st, "%s failed to start: could not spawn %s", name, cmd[0]);
    uint64_t deadline = clock_mono_ns() + (uint64_t)st->ready_timeout_ms * 1000000ULL;
    struct timespec step = {0, 50 * 1000 * 1000};
    for (;;) {
        int status;
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) {
            if (WIFEXITED(status))
                stack_fail(st, "%s failed to start: %s exited with status %d", name, argv[0],
                           WEXITSTATUS(status));
            else
                stack_fail(st, "%s failed to start: %s killed by signal %d", name, argv[0],
                           WTERMSIG(status));
            *port_in_use = log_says_port_in_use(st, svc);
            stack_append_log_tail(st, svc);
            box_remove_container(st->hooks[svc].box, NULL);
            return -1;
        }
        /* Still our child after answering: not some other process on that port. */
        if (probe(st) && waitpid(pid, &status, WNOHANG) == 0)
            break;
        if (clock_mono_ns() > deadline) {
            spawn_stop(pid, 5000);
            box_remove_container(st->hooks[svc].box, NULL);
            stack_fail(st, "%s failed to start: no answer within %d ms", name,
                       st->ready_timeout_ms);
            stack_append_log_tail(st, svc);
            return -1;
        }
        nanosleep(&step, NULL);
    }
    st->pid[svc] = pid;
    if (write_pid_file(st, svc, pid) != 0 || stack_write_env(st) != 0) {
        stack_fail(st, "%s: cannot write PID file or stack.env in %s: %s", name, st->dir,
                   strerror(errno));
        stack_stop(st, svc);
        return -1;
    }
    return 0;
}

int stack_stop(lab_stack_t *st, lab_service_t svc) {
    pid_t pid = st->pid[svc];
    int rc = 0;
    if (pid > 0) {
        /* PostgreSQL's SIGTERM waits for clients to leave; SIGINT is its
         * "fast" shutdown (rolls back open transactions, then exits). */
        if (svc == LAB_SVC_POSTGRES)
            kill(pid, SIGINT);
        rc = spawn_stop(pid, 10000);
        if (rc != 0)
            stack_fail(st, "%s (pid %d) did not stop", lab_service_name(svc), (int)pid);
        /* The client is gone; were it killed, the container would not be. */
        box_remove_container(st->hooks[svc].box, NULL);
    }
    if (rc == 0) {
        st->pid[svc] = 0;
        char path[PATH_MAX + 32];
        pid_path(st, svc, path, sizeof path);
        unlink(path);
        stack_write_env(st);
    }
    return rc;
}

int stack_restart_server(lab_stack_t *st, const lab_server_opts_t *opts) {
    lab_server_opts_t o = opts ? *opts : (lab_server_opts_t){0};
    if (o.port == 0)
        o.port = st->port[LAB_SVC_SERVER];
    if (stack_stop(st, LAB_SVC_SERVER) != 0)
        return -1;
    return stack_start_server(st, &o);
}

/* Stops the services running now that were not running before (was). */
static void stop_started(lab_stack_t *st, const pid_t *was) {
    /* Clients first, the database last. */
    for (int s = LAB_SVC_COUNT - 1; s >= 0; s--)
        if (st->pid[s] && !was[s]) {
            char keep[sizeof st->err];
            memcpy(keep, st->err, sizeof keep);
            stack_stop(st, s);
            memcpy(st->err, keep, sizeof keep);
        }
}

int stack_up(lab_stack_t *st, const lab_server_opts_t *server_opts) {
    pid_t was[LAB_SVC_COUNT];
    memcpy(was, st->pid, sizeof was);
    st->pg_use_template |= !st->skip_seed;
    int rc = stack_start_postgres(st);
    if (rc == 0 && !st->skip_seed)
        rc = stack_seed(st);
    if (rc == 0)
        rc = stack_start_redis(st);
    if (rc == 0)
        rc = stack_start_upstream(st);
    if (rc == 0)
        rc = stack_start_server(st, server_opts);
    if (rc != 0)
        stop_started(st, was);
    return rc;
}

/* The cluster outside DIR (see stack/pg.c) is only ever a directory made from
 * this template: nothing else is removed on the word of a file in DIR. */
static const char outside_prefix[] = "/tmp/benchlab-pg.";

int stack_remove_data(lab_stack_t *st, bool keep_logs) {
    for (int s = 0; s < LAB_SVC_COUNT; s++)
        if (st->pid[s] && spawn_alive(st->pid[s]))
            return stack_fail(st, "stack: %s still runs (pid %d); not removing its data",
                              lab_service_name(s), (int)st->pid[s]);
    char path[PATH_MAX + 32];
    int rc = 0;
    snprintf(path, sizeof path, "%s/pg.path", st->dir);
    char *outside = stack_read_file(path);
    if (outside) {
        outside[strcspn(outside, "\n")] = '\0';
        if (strncmp(outside, outside_prefix, sizeof outside_prefix - 1) == 0 &&
            !strstr(outside, "..") && fs_remove_tree(outside) != 0)
            rc = stack_fail(st, "stack: cannot remove %s: %s", outside, strerror(errno));
        free(outside);
        unlink(path);
    }
    /* With the logs, stack.env stays too: it tells which ports were used. */
    static const char *const entries[] = {"pg", "redis", "stack.env.tmp", "stack.env"};
    size_t n = sizeof entries / sizeof entries[0] - (keep_logs ? 1 : 0);
    for (size_t i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/%s", st->dir, entries[i]);
        if (fs_remove_tree(path) != 0)
            rc = stack_fail(st, "stack: cannot remove %s: %s", path, strerror(errno));
    }
    for (int s = 0; s < LAB_SVC_COUNT; s++) {
        if (!keep_logs) {
            stack_log_path(st, s, path, sizeof path);
            unlink(path);
        }
        pid_path(st, s, path, sizeof path);
        unlink(path);
    }
    st->pg_data[0] = '\0';
    return rc;
}

int stack_down(lab_stack_t *st) {
    int rc = 0;
    for (int s = LAB_SVC_COUNT - 1; s >= 0; s--)
        if (st->pid[s] && stack_stop(st, s) != 0)
            rc = -1;
    if (rc != 0)
        return rc; /* keep the data of what still runs */
    return stack_remove_data(st, false);
}

int stack_find_program(const char *name, const char *env_override, char *buf, size_t len) {
    const char *env = env_override ? getenv(env_override) : NULL;
    if (env && *env) {
        snprintf(buf, len, "%s", env);
        return access(buf, X_OK) == 0 ? 0 : -1;
    }
    char dir[PATH_MAX];
    if (portable_self_exe(dir, sizeof dir) <= 0)
        return -1;
    for (int up = 0; up <= 4; up++) {
        char *slash = strrchr(dir, '/');
        if (!slash)
            break;
        *slash = '\0';
        if (snprintf(buf, len, "%s/%s", dir[0] ? dir : "", name) < (int)len &&
            access(buf, X_OK) == 0)
            return 0;
    }
    return -1;
}
