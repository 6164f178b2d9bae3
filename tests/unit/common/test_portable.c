/* src/common/portable.c: sockets are close-on-exec (and non-blocking when
 * asked) on both paths, the Linux one (accept4/SOCK_* flags) and the one used
 * elsewhere (fcntl after the call, compiled and run here under other names),
 * and the program finds its own path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/portable.h"

/* The macOS/BSD branch of portable.c, built here as fallback_* (the real
 * functions come from the common objects the test links with). */
#undef __linux__
#define portable_socket fallback_socket
#define portable_accept fallback_accept
#define portable_self_exe fallback_self_exe
#include "common/portable.c"
#undef portable_socket
#undef portable_accept
#undef portable_self_exe

typedef int (*socket_fn)(int, int, bool);
typedef int (*accept_fn)(int, bool);

static void assert_flags(int fd, bool nonblock) {
    assert_true(fd >= 0);
    int fdfl = fcntl(fd, F_GETFD), fl = fcntl(fd, F_GETFL);
    assert_true(fdfl >= 0 && fl >= 0);
    assert_true(fdfl & FD_CLOEXEC);
    assert_int_equal((fl & O_NONBLOCK) != 0, nonblock);
}

/* The listener is non-blocking: retry for up to a second. */
static int accept_soon(accept_fn acc, int lfd, bool nonblock) {
    int fd = -1;
    for (int i = 0; i < 1000 && fd < 0; i++)
        if ((fd = acc(lfd, nonblock)) < 0)
            usleep(1000);
    return fd;
}

/* A listening socket and an accepted connection from each implementation. */
static void check_sockets(socket_fn sock, accept_fn acc) {
    int blocking = sock(AF_INET, SOCK_STREAM, false);
    assert_flags(blocking, false);
    int lfd = sock(AF_INET, SOCK_STREAM, true);
    assert_flags(lfd, true);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    assert_int_equal(bind(lfd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(lfd, 4), 0);
    assert_int_equal(getsockname(lfd, (struct sockaddr *)&a, &len), 0);
    assert_int_equal(connect(blocking, (struct sockaddr *)&a, sizeof a), 0);
    int conn = accept_soon(acc, lfd, true);
    assert_flags(conn, true);
    close(conn);
    int second = sock(AF_INET, SOCK_STREAM, false); /* accepted blocking this time */
    assert_int_equal(connect(second, (struct sockaddr *)&a, sizeof a), 0);
    conn = accept_soon(acc, lfd, false);
    assert_flags(conn, false);
    close(conn);
    close(second);
    close(lfd);
    close(blocking);
    assert_int_equal(sock(-1, SOCK_STREAM, true), -1); /* bad domain: an error, no fd */
}

static void sockets_have_the_flags(void **state) {
    (void)state;
    check_sockets(portable_socket, portable_accept);
}

static void fallback_sockets_have_the_flags(void **state) {
    (void)state;
    check_sockets(fallback_socket, fallback_accept);
}

static void self_exe_is_this_program(void **state) {
    (void)state;
    char path[4096];
    ssize_t n = portable_self_exe(path, sizeof path);
    assert_true(n > 0);
    assert_int_equal((size_t)n, strlen(path));
    assert_true(path[0] == '/');
    const char *base = strrchr(path, '/') + 1;
    assert_string_equal(base, "test_portable");
    assert_int_equal(access(path, X_OK), 0);
    char tiny[4];
    assert_int_equal(portable_self_exe(tiny, sizeof tiny), -1);
    assert_int_equal(portable_self_exe(tiny, 0), -1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sockets_have_the_flags),
        cmocka_unit_test(fallback_sockets_have_the_flags),
        cmocka_unit_test(self_exe_is_this_program),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
