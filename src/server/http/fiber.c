#include "server/http/fiber.h"

#include "common/clock.h"
#include "common/log.h"
#include "server/http/access_hook.h"
#include "server/http/suspended.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#ifdef __linux__
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#endif

#if defined(__SANITIZE_ADDRESS__)
#define FIBER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FIBER_ASAN 1
#endif
#endif
#ifdef FIBER_ASAN
#include <sanitizer/common_interface_defs.h>
#endif
/* Under valgrind the stacks are registered (it would take a switch for a
 * stack overflow otherwise); a few instructions when not under valgrind. */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define FIBER_VALGRIND 1
#endif
#endif

/* ulfius' dispatcher, libpq, jansson and the handlers need well under this;
 * pages are only backed once touched. One guard page below. */
#define STACK_SIZE (256 * 1024)
#define STACKS_KEPT 64

enum wait_kind { WAIT_NONE, WAIT_FD, WAIT_PARK };

struct fiber {
    struct suspended s; /* first: the table entry (conn, phase) */
    ucontext_t ctx;
    char *stack;       /* the usable part, STACK_SIZE bytes */
    unsigned vg_stack; /* valgrind's id of the stack */
    void *asan_fake;
    /* The final call's arguments (the strings live as long as the request). */
    const char *url, *method, *version;
    void **con_cls;
    size_t zero;
    enum MHD_Result ret;
    int started, finished, abandoned;
    /* Under W.mu. */
    enum wait_kind wait;
    int wait_fd;
    int wait_result;
    uint64_t deadline;
    struct fiber *prev, *next; /* the watcher's list, by deadline */
};

static struct {
    int enabled;
    struct suspended_table t;
    char *free_stacks[STACKS_KEPT];
    int nfree;
} F = {.t = SUSPENDED_TABLE_INIT};

/* The watcher: epoll over the sockets fibers wait for, and their deadlines. */
static struct {
    pthread_mutex_t mu;
    int epfd, evfd;
    pthread_t thread;
    atomic_int stopping;
    int running;
    struct fiber *head, *tail; /* ordered by deadline */
} W = {.mu = PTHREAD_MUTEX_INITIALIZER, .epfd = -1, .evfd = -1};

static _Thread_local struct fiber *current;
static _Thread_local ucontext_t loop_ctx;
static _Thread_local const struct MHD_Connection *abandoned_conn;
#ifdef FIBER_ASAN
static _Thread_local const void *loop_stack_bottom;
static _Thread_local size_t loop_stack_size;
#endif

/* ---- stacks and switching ---- */

static char *stack_get(void) {
    if (F.nfree > 0)
        return F.free_stacks[--F.nfree];
#ifdef __linux__
    long page = sysconf(_SC_PAGESIZE);
    char *m = mmap(NULL, STACK_SIZE + (size_t)page, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    if (m == MAP_FAILED)
        return NULL;
    mprotect(m, (size_t)page, PROT_NONE); /* overflow faults instead of corrupting */
    return m + page;
#else
    return malloc(STACK_SIZE);
#endif
}

static void stack_put(char *s) {
    if (s == NULL)
        return;
    if (F.nfree < STACKS_KEPT) {
        F.free_stacks[F.nfree++] = s;
        return;
    }
#ifdef __linux__
    long page = sysconf(_SC_PAGESIZE);
    munmap(s - page, STACK_SIZE + (size_t)page);
#else
    free(s);
#endif
}

/* From the event loop into f, until it waits or ends. */
static void switch_in(struct fiber *f) {
    current = f;
#ifdef FIBER_ASAN
    void *fake = NULL;
    __sanitizer_start_switch_fiber(&fake, f->stack, STACK_SIZE);
#endif
    swapcontext(&loop_ctx, &f->ctx);
#ifdef FIBER_ASAN
    __sanitizer_finish_switch_fiber(fake, NULL, NULL);
#endif
    current = NULL;
}

/* From the running fiber back to the event loop. */
static void switch_out(struct fiber *f) {
#ifdef FIBER_ASAN
    __sanitizer_start_switch_fiber(f->finished ? NULL : &f->asan_fake, loop_stack_bottom,
                                   loop_stack_size);
#endif
    swapcontext(&f->ctx, &loop_ctx);
#ifdef FIBER_ASAN
    __sanitizer_finish_switch_fiber(f->asan_fake, &loop_stack_bottom, &loop_stack_size);
#endif
}

static void entry(void) {
    struct fiber *f = current;
#ifdef FIBER_ASAN
    __sanitizer_finish_switch_fiber(NULL, &loop_stack_bottom, &loop_stack_size);
#endif
    f->ret =
        access_hook_inner(f->s.conn, f->url, f->method, f->version, NULL, &f->zero, f->con_cls);
    f->finished = 1;
    switch_out(f); /* never comes back */
    abort();
}

static void free_fiber(struct suspended *s) {
    struct fiber *f = (struct fiber *)s;
#ifdef FIBER_VALGRIND
    if (f->stack != NULL)
        VALGRIND_STACK_DEREGISTER(f->vg_stack);
#endif
    stack_put(f->stack);
    free(f);
}

/* ---- the watcher ---- */

static void wake_watcher(void) {
    uint64_t one = 1;
    ssize_t w = write(W.evfd, &one, sizeof one);
    (void)w;
}

/* With W.mu: into the list, ordered by deadline (from the tail: deadlines
 * mostly grow). */
static void list_insert(struct fiber *f) {
    struct fiber *p = W.tail;
    while (p != NULL && p->deadline > f->deadline)
        p = p->prev;
    f->prev = p;
    f->next = p ? p->next : W.head;
    if (f->next)
        f->next->prev = f;
    else
        W.tail = f;
    if (p)
        p->next = f;
    else
        W.head = f;
}

static void list_remove(struct fiber *f) {
    if (f->prev)
        f->prev->next = f->next;
    else
        W.head = f->next;
    if (f->next)
        f->next->prev = f->prev;
    else
        W.tail = f->prev;
    f->prev = f->next = NULL;
}

/* With W.mu: ends f's wait with result; the caller resumes the connection
 * (after unlocking). */
static void end_wait(struct fiber *f, int result) {
#ifdef __linux__
    if (f->wait == WAIT_FD)
        epoll_ctl(W.epfd, EPOLL_CTL_DEL, f->wait_fd, NULL);
#endif
    list_remove(f);
    f->wait = WAIT_NONE;
    f->wait_result = result;
}

#ifdef __linux__
static void *watch_loop(void *arg) {
    (void)arg;
    struct epoll_event ev[64];
    for (;;) {
        pthread_mutex_lock(&W.mu);
        if (W.stopping && W.head == NULL) {
            pthread_mutex_unlock(&W.mu);
            return NULL;
        }
        uint64_t now = clock_mono_ns();
        int timeout = -1;
        if (W.head != NULL)
            timeout =
                W.head->deadline <= now ? 0 : (int)((W.head->deadline - now + 999999) / 1000000);
        pthread_mutex_unlock(&W.mu);
        int n = epoll_wait(W.epfd, ev, 64, timeout);
        if (n < 0 && errno != EINTR) {
            LOG_E("fiber watcher: epoll_wait: %s", strerror(errno));
            n = 0;
        }
        for (int i = 0; i < n; i++) {
            if (ev[i].data.ptr == NULL) {
                uint64_t v;
                ssize_t rd = read(W.evfd, &v, sizeof v);
                (void)rd;
                continue;
            }
            struct fiber *f = ev[i].data.ptr;
            pthread_mutex_lock(&W.mu);
            /* A stale event of a wait that already ended is ignored (the
             * descriptor was deleted under the lock, but epoll_wait may have
             * returned it just before). */
            struct MHD_Connection *conn = NULL;
            if (f->wait == WAIT_FD && f->wait_fd >= 0) {
                end_wait(f, 0);
                conn = f->s.conn;
            }
            pthread_mutex_unlock(&W.mu);
            if (conn != NULL)
                MHD_resume_connection(conn);
        }
        for (;;) {
            pthread_mutex_lock(&W.mu);
            struct fiber *f = W.head;
            if (f == NULL || (f->deadline > clock_mono_ns() && !W.stopping)) {
                pthread_mutex_unlock(&W.mu);
                break;
            }
            end_wait(f, W.stopping ? -1 : 1);
            struct MHD_Connection *conn = f->s.conn;
            pthread_mutex_unlock(&W.mu);
            MHD_resume_connection(conn);
        }
    }
}
#endif

int fiber_init(void) {
#ifdef __linux__
    atomic_store(&W.stopping, 0); /* before the thread starts: it exits when stopping */
    W.epfd = epoll_create1(EPOLL_CLOEXEC);
    W.evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
    if (W.epfd < 0 || W.evfd < 0 || epoll_ctl(W.epfd, EPOLL_CTL_ADD, W.evfd, &ev) != 0 ||
        pthread_create(&W.thread, NULL, watch_loop, NULL) != 0) {
        if (W.epfd >= 0)
            close(W.epfd);
        if (W.evfd >= 0)
            close(W.evfd);
        W.epfd = W.evfd = -1;
        return -1;
    }
    W.running = 1;
    F.enabled = 1;
    return 0;
#else
    return -1;
#endif
}

void fiber_shutdown(void) {
    if (!W.running)
        return;
    pthread_mutex_lock(&W.mu);
    atomic_store(&W.stopping, 1);
    pthread_mutex_unlock(&W.mu);
    wake_watcher();
}

void fiber_free(void) {
    if (W.running) {
        fiber_shutdown();
        pthread_join(W.thread, NULL);
        close(W.epfd);
        close(W.evfd);
        W.epfd = W.evfd = -1;
        W.running = 0;
    }
    F.enabled = 0;
    suspended_drain(&F.t, free_fiber);
    while (F.nfree > 0) {
        char *s = F.free_stacks[--F.nfree];
#ifdef __linux__
        long page = sysconf(_SC_PAGESIZE);
        munmap(s - page, STACK_SIZE + (size_t)page);
#else
        free(s);
#endif
    }
}

/* ---- waits ---- */

struct fiber *fiber_self(void) {
    return current;
}

/* MHD_suspend_connection, made sure of: libmicrohttpd 0.9.75 takes a
 * suspend that finds a resume not yet processed for the connection as
 * cancelling that resume, and leaves the connection active (and our resume
 * to come would then be lost). */
static void suspend(struct MHD_Connection *conn) {
    for (int i = 0; i < 3; i++) {
        MHD_suspend_connection(conn);
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_SUSPENDED);
        if (ci == NULL || ci->suspended)
            return;
    }
}

/* In a fiber: registers the wait (fd >= 0: also the socket) and switches out;
 * the result when switched back in. */
static int wait_in_fiber(struct fiber *f, int fd, int for_write, uint64_t deadline_ns) {
    if (f->abandoned || atomic_load(&W.stopping))
        return -1;
    suspend(f->s.conn); /* first: the resume always comes after */
    pthread_mutex_lock(&W.mu);
    if (W.stopping) {
        pthread_mutex_unlock(&W.mu);
        MHD_resume_connection(f->s.conn);
        return -1;
    }
    f->wait = fd >= 0 ? WAIT_FD : WAIT_PARK;
    f->wait_fd = fd;
    f->deadline = deadline_ns;
    f->wait_result = -1;
#ifdef __linux__
    if (fd >= 0) {
        struct epoll_event ev = {.events = (for_write ? EPOLLOUT : EPOLLIN) | EPOLLONESHOT,
                                 .data.ptr = f};
        if (epoll_ctl(W.epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
            f->wait = WAIT_NONE;
            pthread_mutex_unlock(&W.mu);
            MHD_resume_connection(f->s.conn);
            return -1;
        }
    }
#else
    (void)for_write;
#endif
    list_insert(f);
    int first = W.head == f;
    pthread_mutex_unlock(&W.mu);
    if (first)
        wake_watcher(); /* its timeout is now shorter */
    switch_out(f);
    return f->wait_result;
}

int io_wait_fd(int fd, int for_write, uint64_t deadline_ns) {
    if (fd < 0)
        return -1;
    struct fiber *f = current;
    if (f != NULL) {
        /* Often ready already (the rest of a large result is in the socket
         * buffer): one poll() is much cheaper than a suspend/resume round. */
        struct pollfd now = {.fd = fd, .events = for_write ? POLLOUT : POLLIN};
        if (poll(&now, 1, 0) > 0)
            return 0;
        return wait_in_fiber(f, fd, for_write, deadline_ns);
    }
    for (;;) {
        uint64_t now = clock_mono_ns();
        if (now >= deadline_ns)
            return 1;
        int ms = (int)((deadline_ns - now + 999999) / 1000000);
        struct pollfd pfd = {.fd = fd, .events = for_write ? POLLOUT : POLLIN};
        int r = poll(&pfd, 1, ms);
        if (r > 0)
            return 0;
        if (r == 0)
            return 1;
        if (errno != EINTR)
            return -1;
    }
}

int fiber_park(uint64_t deadline_ns) {
    struct fiber *f = current;
    if (f == NULL)
        return -1;
    return wait_in_fiber(f, -1, 0, deadline_ns);
}

int fiber_cancelled(void) {
    struct fiber *f = current;
    return f != NULL && (f->abandoned || atomic_load(&W.stopping));
}

void fiber_wake(struct fiber *f) {
    pthread_mutex_lock(&W.mu);
    struct MHD_Connection *conn = NULL;
    if (f->wait == WAIT_PARK) {
        end_wait(f, 0);
        conn = f->s.conn;
    }
    pthread_mutex_unlock(&W.mu);
    if (conn != NULL)
        MHD_resume_connection(conn);
}

/* ---- requests ---- */

/* Routes that never touch PostgreSQL or Redis stay off fibers (a switch in
 * and out costs two system calls: glibc's swapcontext sets the signal
 * mask). Every other route, new ones included, runs in a fiber. */
static int needs_fiber(const char *url) {
    static const char *const plain[] = {"/health", "/echo",     "/upload",      "/external",
                                        "/cpu/",   "/io/sleep", "/auth/public", "/protected"};
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
        if (strncmp(url, plain[i], strlen(plain[i])) == 0)
            return 0;
    return 1;
}

/* Runs f until it waits or ends; ended: its answer in *ret, f freed. */
static void step(struct fiber *f, enum MHD_Result *ret) {
    switch_in(f);
    if (!f->finished) {
        *ret = MHD_YES; /* suspended; the handler is called again at resume */
        return;
    }
    *ret = f->ret;
    pthread_mutex_lock(&F.t.mu);
    suspended_unlink(&F.t, &f->s);
    pthread_mutex_unlock(&F.t.mu);
    free_fiber(&f->s);
}

int fiber_access(struct MHD_Connection *conn, const char *url, const char *method,
                 const char *upload_data, size_t *upload_data_size, void **con_cls,
                 enum MHD_Result *ret) {
    (void)upload_data;
    if (!F.enabled || url == NULL)
        return 0;
    struct fiber *f = NULL;
    if (atomic_load(&F.t.count) > 0) {
        pthread_mutex_lock(&F.t.mu);
        f = (struct fiber *)suspended_find(&F.t, conn);
        pthread_mutex_unlock(&F.t.mu);
    }
    if (f == NULL) {
        /* A request's first call (ulfius' too): remember it, so that the
         * next call without body bytes is known as the final one. */
        if (*upload_data_size != 0 || !needs_fiber(url))
            return 0;
        pthread_mutex_lock(&F.t.mu);
        struct suspended *s = suspended_add(&F.t, conn, sizeof(struct fiber));
        pthread_mutex_unlock(&F.t.mu);
        (void)s; /* out of memory: the request just runs without a fiber */
        return 0;
    }
    if (!f->started) {
        if (*upload_data_size != 0)
            return 0; /* body bytes: ulfius keeps them */
        f->stack = stack_get();
        if (f->stack == NULL || getcontext(&f->ctx) != 0) {
            pthread_mutex_lock(&F.t.mu);
            suspended_unlink(&F.t, &f->s);
            pthread_mutex_unlock(&F.t.mu);
            free_fiber(&f->s);
            return 0; /* no stack: synchronous */
        }
#ifdef FIBER_VALGRIND
        f->vg_stack = VALGRIND_STACK_REGISTER(f->stack, f->stack + STACK_SIZE);
#endif
        f->ctx.uc_stack.ss_sp = f->stack;
        f->ctx.uc_stack.ss_size = STACK_SIZE;
        f->ctx.uc_link = NULL;
        makecontext(&f->ctx, entry, 0);
        f->url = url;
        f->method = method;
        f->version = access_hook_version();
        f->con_cls = con_cls;
        f->started = 1;
        f->s.phase = SUSPENDED_WAITING;
    } else {
        pthread_mutex_lock(&W.mu);
        int waiting = f->wait != WAIT_NONE;
        pthread_mutex_unlock(&W.mu);
        if (waiting) { /* a call before the wait ended: nothing to do yet */
            *ret = MHD_YES;
            return 1;
        }
    }
    step(f, ret);
    return 1;
}

void fiber_request_completed(struct MHD_Connection *conn) {
    if (atomic_load(&F.t.count) == 0)
        return;
    pthread_mutex_lock(&F.t.mu);
    struct fiber *f = (struct fiber *)suspended_find(&F.t, conn);
    pthread_mutex_unlock(&F.t.mu);
    if (f == NULL)
        return;
    if (f->started) {
        /* The connection closed under a request still in its handler (the
         * client left while a query ran): finish it now, every wait failing
         * at once, so its pool slots come back; its answer goes nowhere. */
        pthread_mutex_lock(&W.mu);
        if (f->wait != WAIT_NONE)
            end_wait(f, -1);
        pthread_mutex_unlock(&W.mu);
        f->abandoned = 1;
        const struct MHD_Connection *was = abandoned_conn;
        abandoned_conn = conn;
        while (!f->finished)
            switch_in(f);
        abandoned_conn = was;
    }
    pthread_mutex_lock(&F.t.mu);
    suspended_unlink(&F.t, &f->s);
    pthread_mutex_unlock(&F.t.mu);
    free_fiber(&f->s);
}

int fiber_abandoned(const struct MHD_Connection *conn) {
    return abandoned_conn != NULL && abandoned_conn == conn;
}
