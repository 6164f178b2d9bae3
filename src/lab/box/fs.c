/* File helpers for cgroup file systems, shared by the v1 and v2 backends. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lab/box/internal.h"

const char *box_cgroup_root(void) {
    const char *r = getenv("BENCHLAB_CGROUP_ROOT");
    return r && *r ? r : "/sys/fs/cgroup";
}

int box_write_file(const char *dir, const char *file, const char *value) {
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/%s", dir, file) >= (int)sizeof path)
        return -1;
    /* O_CREAT: harmless on cgroupfs (the file exists), needed by the unit
     * tests' fake cgroup trees in a temp dir. */
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    size_t n = strlen(value);
    ssize_t w = write(fd, value, n);
    int saved = errno;
    close(fd);
    errno = saved;
    return w == (ssize_t)n ? 0 : -1;
}

int box_read_file(const char *dir, const char *file, char *buf, size_t len) {
    char path[PATH_MAX];
    if (len == 0 || snprintf(path, sizeof path, "%s/%s", dir, file) >= (int)sizeof path)
        return -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t got = 0;
    ssize_t r;
    while (got + 1 < len && (r = read(fd, buf + got, len - 1 - got)) > 0)
        got += (size_t)r;
    close(fd);
    buf[got] = '\0';
    return 0;
}

int box_read_ll(const char *dir, const char *file, long long *out) {
    char buf[64];
    if (box_read_file(dir, file, buf, sizeof buf) != 0)
        return -1;
    char *end;
    errno = 0;
    long long v = strtoll(buf, &end, 10);
    if (end == buf || errno)
        return -1;
    *out = v;
    return 0;
}

int box_read_keyed(const char *dir, const char *file, const char *key, long long *out) {
    char buf[4096];
    if (box_read_file(dir, file, buf, sizeof buf) != 0)
        return -1;
    size_t klen = strlen(key);
    for (char *line = buf; line && *line;) {
        char *nl = strchr(line, '\n');
        if (strncmp(line, key, klen) == 0 && line[klen] == ' ') {
            *out = strtoll(line + klen + 1, NULL, 10);
            return 0;
        }
        line = nl ? nl + 1 : NULL;
    }
    return -1;
}

int box_path_exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

int box_kill_procs(const char *dir) {
    struct timespec pause = {0, 20 * 1000 * 1000};
    for (int round = 0; round < 100; round++) {
        char buf[8192];
        if (box_read_file(dir, "cgroup.procs", buf, sizeof buf) != 0)
            return 0; /* gone already */
        int any = 0;
        for (char *p = buf; *p;) {
            char *end;
            long pid = strtol(p, &end, 10);
            if (end == p)
                break;
            if (pid > 0 && pid != getpid()) {
                kill((pid_t)pid, SIGKILL);
                /* a zombie child of ours keeps the cgroup busy until reaped */
                waitpid((pid_t)pid, NULL, WNOHANG);
                any = 1;
            }
            p = end;
            while (*p == '\n')
                p++;
        }
        if (!any)
            return 0;
        nanosleep(&pause, NULL);
    }
    return -1;
}

int box_self_cgroup(const char *controller, char *out, size_t len) {
    FILE *f = fopen("/proc/self/cgroup", "re");
    if (!f)
        return -1;
    char line[1024];
    int found = -1;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        char *c1 = strchr(line, ':');
        char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2)
            continue;
        *c2 = '\0';
        const char *ctrls = c1 + 1, *path = c2 + 1;
        int match = 0;
        if (*controller == '\0') {
            match = strcmp(line, "0") == 0 && *ctrls == '\0';
        } else {
            /* "cpu,cpuacct": match whole words only */
            size_t n = strlen(controller);
            for (const char *p = ctrls; (p = strstr(p, controller)); p += n)
                if ((p == ctrls || p[-1] == ',') && (p[n] == '\0' || p[n] == ','))
                    match = 1;
        }
        if (match) {
            snprintf(out, len, "%s", path);
            found = 0;
            break;
        }
    }
    fclose(f);
    return found;
}

int box_write_pid(const char *path, pid_t pid) {
    char digits[24];
    int n = 0;
    char tmp[24];
    unsigned long v = (unsigned long)pid;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (int i = 0; i < n; i++)
        digits[i] = tmp[n - 1 - i];
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t w = write(fd, digits, (size_t)n);
    close(fd);
    return w == n ? 0 : -1;
}
