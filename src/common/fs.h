/* Files and directories, once for the three programs: mkdir -p, rm -rf,
 * copying a file and writing one atomically. Each returns 0, or -1 with errno
 * set (the caller names the path in its own message). */
#ifndef BENCHLAB_COMMON_FS_H
#define BENCHLAB_COMMON_FS_H

#include <limits.h>
#include <stdio.h>
#include <sys/types.h>

/* mkdir -p: PATH and every missing parent, with MODE; directories that
 * exist already are fine. */
int fs_mkdirs(const char *path, mode_t mode);

/* rm -rf: PATH, whatever it is; a directory with everything under it
 * (symbolic links are removed, never followed). A PATH that does not exist
 * is fine. Stops at the first entry it cannot remove. */
int fs_remove_tree(const char *path);

/* Copies FROM's bytes to TO (created or truncated, mode 0644). */
int fs_copy_file(const char *from, const char *to);

/* Writing PATH so that a reader never sees half a file: the bytes go to
 * PATH.tmp.PID in the same directory, are fsync'ed, and the temp file is
 * renamed over PATH. A PATH that exists and is not a regular file
 * (/dev/null, /dev/stdout, a FIFO) is written in place instead: renaming
 * over it would replace a device node with a regular file.
 *
 *     fs_atomic_t a;
 *     FILE *f = fs_atomic_open(&a, path);
 *     if (!f) ...;
 *     fprintf(f, ...);
 *     if (fs_atomic_commit(&a, ok) != 0) ...;
 */
typedef struct {
    FILE *f;
    char path[PATH_MAX];
    char tmp[PATH_MAX]; /* "" when written in place */
} fs_atomic_t;

/* Opens the temp file (or PATH in place); NULL with errno set. */
FILE *fs_atomic_open(fs_atomic_t *a, const char *path);

/* Flushes, fsyncs and closes the file and, when OK is true and all of that
 * worked, renames it over PATH. Otherwise removes the temp file (PATH is left
 * as it was) and returns -1 (errno from the first failure; EIO when !OK). */
int fs_atomic_commit(fs_atomic_t *a, int ok);

/* LEN bytes at DATA as PATH's whole content, atomically (as above). */
int fs_write_atomic(const char *path, const void *data, size_t len);

#endif
