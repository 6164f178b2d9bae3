/* Starting a child process the way the lab needs it: an optional hook in the
 * child before exec (a box joins its cgroup there, so nothing ever runs
 * unlimited), output to a log file, a working directory, and dropping root
 * privileges to an unprivileged user (PostgreSQL refuses to run as root). */
#ifndef BENCHLAB_LAB_SPAWN_H
#define BENCHLAB_LAB_SPAWN_H

#include <stdbool.h>
#include <sys/types.h>

typedef struct spawn_opts {
    const char *log_path;          /* stdout+stderr appended here; NULL = inherit */
    const char *run_as_user;       /* switch to this user (and its groups) when root; NULL = stay */
    const char *cwd;               /* chdir here before exec; NULL = stay */
    char *const *envp;             /* environment of the child; NULL = inherit ours */
    int (*before_exec)(void *ctx); /* runs in the child first; nonzero aborts (exit 126) */
    void *ctx;
} spawn_opts_t;

/* fork; in the child, in this order: its own process group (a terminal's
 * Ctrl-C reaches only benchlab, which stops its children itself), signal mask
 * cleared, stdout/stderr appended to log_path, stdin from /dev/null, inherited
 * descriptors marked close-on-exec, before_exec(ctx) (after the redirect, so
 * its errors land in the log; before anything of the program runs), chdir(cwd),
 * drop privileges to run_as_user when root, exec argv[0] (searched in PATH
 * when it has no '/').
 * Returns the child's pid, or -1 with a message on stderr when fork fails or
 * the user does not exist. A failure in the child after fork (hook, log, chdir,
 * exec) exits the child with 126/127 after writing the reason to the log. */
pid_t spawn_process(char *const argv[], const spawn_opts_t *opts);

/* Runs argv to completion (spawn_process + waitpid); returns its exit status
 * (0..255), 128+signal when killed, or -1 when it could not be started. */
int spawn_run(char *const argv[], const spawn_opts_t *opts);

/* Sends SIGTERM to pid, waits up to timeout_ms, then SIGKILL to its process
 * group and waits; once pid is gone, whatever is left in its process group is
 * killed too. Works for our children (reaped with waitpid) and for unrelated
 * pids read from PID files (polled; zombies count as gone). Returns 0 when the
 * process is gone, -1 otherwise. */
int spawn_stop(pid_t pid, int timeout_ms);

/* True when pid exists and is not a zombie. */
bool spawn_alive(pid_t pid);

/* The unprivileged user services run as when we are root: "postgres" if it
 * exists, else "nobody". NULL when we are not root (nothing to drop). */
const char *spawn_default_user(void);

/* chown -R path to user (no-op when user is NULL or we are not root). 0 on success. */
int spawn_chown_tree(const char *path, const char *user);

#endif
