/* Linux and macOS differences; see portable.h. */
#include "common/portable.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __APPLE__
#include <mach-o/dyld.h>
#endif

#if !defined(__linux__)
/* The flags Linux sets atomically, set right after the descriptor exists. */
static int set_flags(int fd, bool nonblock) {
    if (fd < 0)
        return -1;
    int fl = fcntl(fd, F_GETFL);
    if (fcntl(fd, F_SETFD, FD_CLOEXEC) != 0 ||
        (nonblock && (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0))) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
#if !defined(MSG_NOSIGNAL) && defined(SO_NOSIGPIPE)
    int one = 1; /* what MSG_NOSIGNAL does per send() on Linux */
    setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#endif
    return fd;
}
#endif

int portable_socket(int domain, int type, bool nonblock) {
#ifdef __linux__
    return socket(domain, type | SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0), 0);
#else
    return set_flags(socket(domain, type, 0), nonblock);
#endif
}

int portable_accept(int fd, bool nonblock) {
#ifdef __linux__
    return accept4(fd, NULL, NULL, SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0));
#else
    return set_flags(accept(fd, NULL, NULL), nonblock);
#endif
}

ssize_t portable_self_exe(char *buf, size_t len) {
    if (len == 0)
        return -1;
#if defined(__APPLE__)
    char raw[PATH_MAX], real[PATH_MAX];
    uint32_t size = sizeof raw;
    if (_NSGetExecutablePath(raw, &size) != 0 || !realpath(raw, real))
        return -1;
    size_t n = strlen(real);
    if (n >= len)
        return -1;
    memcpy(buf, real, n + 1);
    return (ssize_t)n;
#else
    ssize_t n = readlink("/proc/self/exe", buf, len);
    if (n <= 0 || (size_t)n >= len) /* >= len: cut short */
        return -1;
    buf[n] = '\0';
    return n;
#endif
}
