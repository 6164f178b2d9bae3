/* Files and directories (see fs.h). */
#include "common/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int fs_mkdirs(const char *path, mode_t mode) {
    char buf[PATH_MAX];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, mode) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    return mkdir(buf, mode) == 0 || errno == EEXIST ? 0 : -1;
}

static int remove_one(const char *path, const struct stat *sb, int type, struct FTW *ftw) {
    (void)sb;
    (void)ftw;
    return (type == FTW_DP ? rmdir(path) : unlink(path)) == 0 || errno == ENOENT ? 0 : -1;
}

int fs_remove_tree(const char *path) {
    struct stat sb;
    if (lstat(path, &sb) != 0)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(sb.st_mode))
        return unlink(path);
    return nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

int fs_copy_file(const char *from, const char *to) {
    FILE *in = fopen(from, "r");
    if (!in)
        return -1;
    FILE *out = fopen(to, "w");
    int rc = out ? 0 : -1;
    char buf[8192];
    size_t n;
    while (rc == 0 && (n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, out) != n)
            rc = -1;
    if (rc == 0 && ferror(in))
        rc = -1;
    int saved = errno;
    if (out && fclose(out) != 0 && rc == 0)
        saved = errno, rc = -1;
    fclose(in);
    errno = saved;
    return rc;
}

FILE *fs_atomic_open(fs_atomic_t *a, const char *path) {
    memset(a, 0, sizeof *a);
    if (snprintf(a->path, sizeof a->path, "%s", path) >= (int)sizeof a->path ||
        snprintf(a->tmp, sizeof a->tmp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof a->tmp) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        a->tmp[0] = '\0';
        a->f = fopen(path, "w");
    } else {
        a->f = fopen(a->tmp, "w");
    }
    return a->f;
}

int fs_atomic_commit(fs_atomic_t *a, int ok) {
    int rc = ok ? 0 : -1, err = ok ? 0 : EIO;
    if (fflush(a->f) != 0 && rc == 0)
        err = errno, rc = -1;
    /* fsync fails with EINVAL on a device or pipe written in place: fine */
    if (rc == 0 && *a->tmp && fsync(fileno(a->f)) != 0)
        err = errno, rc = -1;
    if (fclose(a->f) != 0 && rc == 0)
        err = errno, rc = -1;
    a->f = NULL;
    if (rc == 0 && *a->tmp && rename(a->tmp, a->path) != 0)
        err = errno, rc = -1;
    if (rc != 0 && *a->tmp)
        unlink(a->tmp);
    if (rc != 0)
        errno = err;
    return rc;
}

int fs_write_atomic(const char *path, const void *data, size_t len) {
    fs_atomic_t a;
    FILE *f = fs_atomic_open(&a, path);
    if (!f)
        return -1;
    return fs_atomic_commit(&a, fwrite(data, 1, len, f) == len);
}
