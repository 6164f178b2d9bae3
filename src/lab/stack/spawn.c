/* spawn_process and friends: see spawn.h. */
#include "lab/stack/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <ftw.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __APPLE__
#include <sys/types.h>
#include <sys/sysctl.h> /* kinfo_proc; sys/proc.h: SZOMB */
#include <sys/proc.h>
#endif

/* Writes the reason a child could not exec to stderr (already the log) and exits. */
static void child_fail(int code, const char *what, const char *arg) {
    dprintf(STDERR_FILENO, "spawn: %s %s: %s\n", what, arg ? arg : "", strerror(errno));
    _exit(code);
}

#ifndef __linux__
/* execvpe is a GNU extension: the same here, argv[0] looked up in our PATH (as
 * glibc does, not the child's), exec'd with envp. Only async-signal-safe calls:
 * it runs between fork and exec. Returns only on failure, with errno set. */
static void exec_with_env(char *const argv[], char *const envp[]) {
    if (strchr(argv[0], '/')) {
        execve(argv[0], argv, envp);
        return;
    }
    const char *path = getenv("PATH");
    if (!path || !*path)
        path = "/usr/bin:/bin";
    int err = ENOENT;
    char file[PATH_MAX];
    size_t name_len = strlen(argv[0]);
    for (const char *p = path;;) {
        size_t n = strcspn(p, ":");
        if (n + 1 + name_len < sizeof file) {
            if (n == 0) { /* an empty entry means the current directory */
                file[0] = '.';
                n = 1;
            } else {
                memcpy(file, p, n);
            }
            file[n] = '/';
            memcpy(file + n + 1, argv[0], name_len + 1);
            execve(file, argv, envp);
            if (errno == EACCES)
                err = EACCES; /* reported if nothing later on PATH runs */
            else if (errno != ENOENT && errno != ENOTDIR)
                err = errno;
        }
        p += strcspn(p, ":");
        if (*p++ == '\0')
            break;
    }
    errno = err;
}
#endif

static int drop_privileges(const struct passwd *pw) {
    if (initgroups(pw->pw_name, pw->pw_gid) != 0)
        return -1;
    if (setgid(pw->pw_gid) != 0)
        return -1;
    if (setuid(pw->pw_uid) != 0)
        return -1;
    return 0;
}

pid_t spawn_process(char *const argv[], const spawn_opts_t *opts) {
    static const spawn_opts_t none = {0};
    if (!opts)
        opts = &none;
    if (!argv || !argv[0]) {
        fprintf(stderr, "spawn: empty command\n");
        return -1;
    }
    /* Look the user up in the parent: getpwnam is not async-signal-safe, and
     * an unknown user is the caller's error, reported here. */
    struct passwd pwbuf, *pw = NULL;
    char pwstr[1024];
    bool drop = opts->run_as_user && geteuid() == 0;
    if (drop) {
        int rc = getpwnam_r(opts->run_as_user, &pwbuf, pwstr, sizeof pwstr, &pw);
        if (rc != 0 || !pw) {
            fprintf(stderr, "spawn: no such user '%s'\n", opts->run_as_user);
            return -1;
        }
    }
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "spawn: fork: %s\n", strerror(errno));
        return -1;
    }
    if (pid > 0)
        return pid;

    /* Child. Own process group: a terminal's Ctrl-C goes to benchlab only. */
    setpgid(0, 0);
    signal(SIGPIPE, SIG_DFL);
    sigset_t all;
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    if (opts->log_path) {
        int fd = open(opts->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (fd < 0)
            child_fail(126, "open log", opts->log_path);
        if (dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0)
            child_fail(126, "dup2", NULL);
        close(fd);
    }
    int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (devnull >= 0) {
        dup2(devnull, STDIN_FILENO);
        close(devnull);
    }
#ifdef CLOSE_RANGE_CLOEXEC
    /* Descriptors benchlab has open (database and HTTP connections, pipes of
     * its caller) must not leak into a service that outlives it. */
    close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
#endif
    /* The hook runs after the log redirect so its errors land in the log, and
     * before anything else of the service runs. */
    if (opts->before_exec && opts->before_exec(opts->ctx) != 0) {
        dprintf(STDERR_FILENO, "spawn: before_exec hook failed for %s\n", argv[0]);
        _exit(126);
    }
    if (opts->cwd && chdir(opts->cwd) != 0)
        child_fail(126, "chdir", opts->cwd);
    if (drop && drop_privileges(pw) != 0)
        child_fail(126, "drop privileges to", opts->run_as_user);
    if (opts->envp)
#ifdef __linux__
        execvpe(argv[0], argv, opts->envp);
#else
        exec_with_env(argv, opts->envp);
#endif
    else
        execvp(argv[0], argv);
    child_fail(127, "exec", argv[0]);
    return -1; /* not reached */
}

int spawn_run(char *const argv[], const spawn_opts_t *opts) {
    pid_t pid = spawn_process(argv, opts);
    if (pid < 0)
        return -1;
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return -1;
}

/* Zombies count as gone: kill(pid, 0) still succeeds on them, so look at
 * /proc/PID/stat's state letter (macOS: the process's p_stat from sysctl). */
bool spawn_alive(pid_t pid) {
    if (pid <= 0)
        return false;
    if (kill(pid, 0) != 0 && errno == ESRCH)
        return false;
#ifdef __APPLE__
    struct kinfo_proc kp;
    size_t kp_len = sizeof kp;
    int mib[4] = {CTL_KERN, KERN_PROC, KERN_PROC_PID, (int)pid};
    if (sysctl(mib, 4, &kp, &kp_len, NULL, 0) == 0 && kp_len == sizeof kp)
        return kp.kp_proc.p_stat != SZOMB;
#endif
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return kill(pid, 0) == 0 || errno == EPERM;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *close_paren = strrchr(buf, ')');
    if (close_paren && close_paren[1] == ' ' && (close_paren[2] == 'Z' || close_paren[2] == 'X'))
        return false;
    return true;
}

/* Reaps pid if it is our child; true when it has exited. */
static bool reap(pid_t pid) {
    int status;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid)
        return true;
    if (r < 0 && errno == ECHILD)
        return !spawn_alive(pid);
    return false;
}

static bool wait_gone(pid_t pid, int timeout_ms) {
    struct timespec step = {0, 10 * 1000 * 1000};
    for (int waited = 0;; waited += 10) {
        if (reap(pid))
            return true;
        if (waited >= timeout_ms)
            return false;
        nanosleep(&step, NULL);
    }
}

/* spawn_process makes each child the leader of its own process group. Once
 * the leader is gone, whatever is left in that group (workers a killed server
 * could not stop) gets SIGKILL too. A group id cannot be reused while any
 * member lives, so this never reaches an unrelated process. */
static void kill_leftover_group(pid_t pid) {
    kill(-pid, SIGKILL);
}

int spawn_stop(pid_t pid, int timeout_ms) {
    if (pid <= 0)
        return 0;
    if (reap(pid)) {
        kill_leftover_group(pid);
        return 0;
    }
    /* SIGTERM to the leader only: a server drains and stops its own workers. */
    if (kill(pid, SIGTERM) != 0 && errno == ESRCH) {
        reap(pid);
        kill_leftover_group(pid);
        return 0;
    }
    if (!wait_gone(pid, timeout_ms)) {
        kill(getpgid(pid) == pid ? -pid : pid, SIGKILL);
        kill(pid, SIGKILL);
        if (!wait_gone(pid, 5000))
            return -1;
    }
    kill_leftover_group(pid);
    return 0;
}

const char *spawn_default_user(void) {
    if (geteuid() != 0)
        return NULL;
    struct passwd pwbuf, *pw = NULL;
    char buf[1024];
    if (getpwnam_r("postgres", &pwbuf, buf, sizeof buf, &pw) == 0 && pw)
        return "postgres";
    return "nobody";
}

static uid_t chown_uid;
static gid_t chown_gid;

static int chown_one(const char *path, const struct stat *sb, int type, struct FTW *ftw) {
    (void)sb;
    (void)type;
    (void)ftw;
    return lchown(path, chown_uid, chown_gid) == 0 ? 0 : -1;
}

int spawn_chown_tree(const char *path, const char *user) {
    if (!user || geteuid() != 0)
        return 0;
    struct passwd pwbuf, *pw = NULL;
    char buf[1024];
    if (getpwnam_r(user, &pwbuf, buf, sizeof buf, &pw) != 0 || !pw) {
        fprintf(stderr, "spawn: no such user '%s'\n", user);
        return -1;
    }
    chown_uid = pw->pw_uid;
    chown_gid = pw->pw_gid;
    if (nftw(path, chown_one, 16, FTW_PHYS) != 0) {
        fprintf(stderr, "spawn: chown %s to %s: %s\n", path, user, strerror(errno));
        return -1;
    }
    return 0;
}
