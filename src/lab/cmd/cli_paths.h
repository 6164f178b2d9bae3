/* Paths the caller gives benchlab (BENCHLAB_*_BIN and the other path
 * variables, --dir, --results, --scenarios, --server-bin) made absolute
 * against the caller's working directory, once, in main(), before any command
 * starts a service in another directory (the stack's services run in the
 * stack directory; a relative program path would then name nothing).
 *
 * Rules (the shell's): a program variable or --server-bin without a '/' is a
 * name looked up in PATH and stays as it is; a directory variable or flag is
 * always a path. Components "." and repeated slashes are dropped, ".." is kept
 * (the kernel resolves it, through symlinks, as the caller's shell would).
 * report and claims start nothing and never change directory, so their paths
 * are left as given (they appear in what they write). */
#ifndef LAB_CLI_PATHS_H
#define LAB_CLI_PATHS_H

#include <stddef.h>

/* PATH made absolute against CWD into OUT. 0, or -1 when PATH is empty or the
 * result does not fit. */
int lab_path_absolute(const char *cwd, const char *path, char *out, size_t len);

/* 1 when the environment variable NAME holds a path the lab resolves:
 * 2 = a directory (always a path), 1 = a program (a path when it has a '/'),
 * 0 = not a path. */
int lab_path_env_kind(const char *name);

/* Resolves the path variables of the environment (setenv) and the path flags
 * of ARGV (ARGV[0] is the command: up, down, run; others are left alone)
 * against CWD; replaced argv strings are malloc'd and live as long as the
 * process. 0, or -1 with ERR naming the variable or flag. */
int lab_paths_resolve_at(const char *cwd, int argc, char **argv, char *err, size_t err_len);

/* The same against getcwd(). */
int lab_paths_resolve(int argc, char **argv, char *err, size_t err_len);

#endif
