/* What Linux and macOS do differently, in one place: the rest of the code calls
 * these instead of Linux-only interfaces (accept4-style socket flags,
 * /proc/self/exe, MSG_NOSIGNAL). On Linux each is exactly the Linux call. */
#ifndef BENCHLAB_COMMON_PORTABLE_H
#define BENCHLAB_COMMON_PORTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

/* send() flag that keeps a write to a closed peer from raising SIGPIPE. Where
 * there is no MSG_NOSIGNAL (macOS), portable_socket sets SO_NOSIGPIPE instead. */
#ifdef MSG_NOSIGNAL
#define PORTABLE_MSG_NOSIGNAL MSG_NOSIGNAL
#else
#define PORTABLE_MSG_NOSIGNAL 0
#endif

/* socket(domain, type, 0) that is close-on-exec, and non-blocking when asked:
 * SOCK_CLOEXEC|SOCK_NONBLOCK on Linux, fcntl right after socket() elsewhere
 * (where a fork in another thread could in theory inherit it in between; the
 * lab forks from one thread). -1 with errno on failure. */
int portable_socket(int domain, int type, bool nonblock);
/* accept(fd) with the same flags on the new connection (accept4 on Linux). */
int portable_accept(int fd, bool nonblock);

/* The absolute path of the running program (symlinks resolved), NUL-terminated
 * in buf: /proc/self/exe on Linux, _NSGetExecutablePath on macOS. Returns its
 * length, or -1 when unknown or too long for buf. */
ssize_t portable_self_exe(char *buf, size_t len);

#endif
