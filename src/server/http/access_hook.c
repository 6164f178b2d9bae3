#include "server/http/access_hook.h"

#include <stdarg.h>
#include <stdatomic.h>

/* Written before the daemon starts and after it stopped; read by its threads. */
static access_hook_fn hook;
static void *hook_cls;
static MHD_AccessHandlerCallback inner; /* ulfius' dispatcher */
static atomic_int installed;
/* The HTTP version of the request whose access-handler call is running on
 * this thread (libmicrohttpd's pointer into its read buffer). */
static _Thread_local const char *current_version;

static enum MHD_Result front(void *cls, struct MHD_Connection *conn, const char *url,
                             const char *method, const char *version, const char *upload_data,
                             size_t *upload_data_size, void **con_cls) {
    enum MHD_Result ret;
    current_version = version;
    if (hook != NULL && hook(conn, url, method, upload_data, upload_data_size, con_cls, &ret))
        return ret;
    return inner(cls, conn, url, method, version, upload_data, upload_data_size, con_cls);
}

struct MHD_Daemon *MHD_start_daemon(unsigned int flags, uint16_t port, MHD_AcceptPolicyCallback apc,
                                    void *apc_cls, MHD_AccessHandlerCallback dh, void *dh_cls,
                                    ...) {
    va_list ap;
    va_start(ap, dh_cls);
    if (hook != NULL && dh_cls == hook_cls && dh != NULL && dh != front) {
        inner = dh;
        dh = front;
        atomic_store(&installed, 1);
    }
    struct MHD_Daemon *d = MHD_start_daemon_va(flags, port, apc, apc_cls, dh, dh_cls, ap);
    va_end(ap);
    return d;
}

void access_hook_arm(void *dh_cls, access_hook_fn fn) {
    hook_cls = dh_cls;
    hook = fn;
    atomic_store(&installed, 0);
}

int access_hook_installed(void) {
    return atomic_load(&installed);
}

const char *access_hook_version(void) {
    return current_version;
}

enum MHD_Result access_hook_inner(struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls) {
    return inner(hook_cls, conn, url, method, version, upload_data, upload_data_size, con_cls);
}

void access_hook_disarm(void) {
    hook = NULL;
    hook_cls = NULL;
    atomic_store(&installed, 0);
}
