/* The services of a study and their boxes (internal.h): PostgreSQL, Redis
 * and the upstream started once; the server (re)started when a unit needs
 * another implementation or configuration; what write scenarios dirty. */
#include "lab/study/internal.h"

#include <stdio.h>
#include <string.h>

#include "lab/impl.h"
#include "lab/stack/spawn.h"
#include "lab/study/impl_versions.h"
#include "lab/study/study_topology.h"

static box_t *make_box(study_t *s, lab_service_t svc, double cpus_override, const char *impl) {
    const profile_box_t *pb = &s->profile.boxes[svc];
    if (!pb->boxed)
        return NULL;
    /* docker/podman: a peer's server runs from its own image (benchlab-fastapi,
     * benchlab-express) where the profile names benchlab-server's */
    char peer_image[64];
    const char *image = *pb->image ? pb->image : NULL;
    if (impl && strcmp(impl, IMPL_DEFAULT) != 0 &&
        (!image || strcmp(image, "benchlab-server") == 0) &&
        impl_peer_image(impl, peer_image, sizeof peer_image) == 0)
        image = peer_image;
    box_limits_t lim = {.cpus = cpus_override > 0 ? cpus_override : pb->cpus,
                        .cpuset = pb->cpuset,
                        .mem_bytes = pb->mem_bytes,
                        .user = *pb->user ? pb->user : NULL,
                        .image = image,
                        .endpoint = study_topology_endpoint(&s->profile, svc)};
    char err[1024];
    box_t *b = box_create(s->backend, lab_service_name(svc), &lim, err, sizeof err);
    if (!b)
        progress_line(&s->progress, "benchlab run: %s", err);
    return b;
}

static void set_hook(study_t *s, lab_service_t svc, box_t *b) {
    s->st.hooks[svc].before_exec = b ? box_enter : NULL;
    s->st.hooks[svc].ctx = b;
    s->st.hooks[svc].box = b; /* docker/podman: the stack runs it as a container */
    const char *user = s->profile.boxes[svc].user;
    s->st.hooks[svc].run_as_user = *user ? user : NULL;
}

int study_start_service(study_t *s, lab_service_t svc) {
    s->boxes[svc] = make_box(s, svc, 0, NULL);
    if (s->profile.boxes[svc].boxed && !s->boxes[svc])
        return -1;
    set_hook(s, svc, s->boxes[svc]);
    int rc = svc == LAB_SVC_POSTGRES ? stack_start_postgres(&s->st)
             : svc == LAB_SVC_REDIS  ? stack_start_redis(&s->st)
                                     : stack_start_upstream(&s->st);
    if (rc != 0) {
        progress_line(&s->progress, "benchlab run: %s", s->st.err);
        return -1;
    }
    if (s->boxes[svc])
        box_track_pid(s->boxes[svc], s->st.pid[svc]);
    return 0;
}

const impl_program_t *study_program_of(const study_t *s, const char *implementation) {
    for (int i = 0; i < s->nprogs; i++)
        if (strcmp(s->progs[i].name, implementation) == 0)
            return &s->progs[i];
    return NULL;
}

/* Starts the server for unit u unless the running one already fits (a unit
 * of another implementation starts that implementation's program). */
int study_ensure_server(study_t *s, const plan_unit_t *u) {
    const impl_program_t *prog = study_program_of(s, u->implementation);
    if (!prog)
        return -1;
    if (s->server_up && plan_same_server(&s->server_cfg, u) &&
        spawn_alive(s->st.pid[LAB_SVC_SERVER]))
        return 0;
    if (s->server_up || s->st.pid[LAB_SVC_SERVER] > 0)
        stack_stop(&s->st, LAB_SVC_SERVER);
    s->server_up = false;
    box_destroy(s->boxes[LAB_SVC_SERVER]);
    s->boxes[LAB_SVC_SERVER] = make_box(s, LAB_SVC_SERVER, u->server_cpus, u->implementation);
    if (s->profile.boxes[LAB_SVC_SERVER].boxed && !s->boxes[LAB_SVC_SERVER])
        return -1;
    set_hook(s, LAB_SVC_SERVER, s->boxes[LAB_SVC_SERVER]);

    char workers[16], pool[16], threads[16];
    char *args[10];
    int n = 0;
    if (!*prog->peer_start || u->server_flags) {
        snprintf(workers, sizeof workers, "%d", u->workers);
        args[n++] = "--threading";
        args[n++] = (char *)u->threading;
        args[n++] = "--workers";
        args[n++] = workers;
    }
    if (u->db_pool > 0) {
        snprintf(pool, sizeof pool, "%d", u->db_pool);
        args[n++] = "--db-pool";
        args[n++] = pool;
    }
    if (u->threads > 0) { /* the plan's "threads": Puma's threads, benchlab-server's pool */
        snprintf(threads, sizeof threads, "%d", u->threads);
        args[n++] = "--threads";
        args[n++] = threads;
    }
    lab_server_opts_t so = {.implementation = u->implementation,
                            .bin = *prog->server_bin ? prog->server_bin : NULL,
                            .args = args,
                            .nargs = n};
    if (stack_start_server(&s->st, &so) != 0) {
        progress_line(&s->progress, "benchlab run: %s", s->st.err);
        return -1;
    }
    if (s->boxes[LAB_SVC_SERVER])
        box_track_pid(s->boxes[LAB_SVC_SERVER], s->st.pid[LAB_SVC_SERVER]);
    s->server_cfg = *u;
    s->server_up = true;
    if (!prog->versions_read) { /* once per implementation: what it runs on */
        char url[128], fw[256];
        snprintf(url, sizeof url, "%s/health", s->st.server_url);
        if (impl_versions_probe(url, fw, sizeof fw) == 0 &&
            impl_versions_save(s->results, u->implementation,
                               impl_versions_record(u->implementation, fw)) == 0)
            ((impl_program_t *)prog)->versions_read = true;
    }
    return 0;
}

/* Resets what the last scenario and the next one dirty. */
int study_reset_dirty(study_t *s, const scenario_meta_t *m) {
    const char *names[SCENARIO_MAX_DIRTIES * 3];
    int n = 0;
    for (int i = 0; i < s->ndirty; i++)
        names[n++] = s->dirty[i];
    for (int i = 0; i < m->ndirties; i++) {
        bool dup = false;
        for (int j = 0; j < n; j++)
            dup |= strcmp(names[j], m->dirties[i]) == 0;
        if (!dup)
            names[n++] = m->dirties[i];
    }
    if (n == 0)
        return 0;
    if (stack_reset(&s->st, names, n) != 0) {
        progress_line(&s->progress, "benchlab run: reset failed: %s", s->st.err);
        return -1;
    }
    s->ndirty = 0;
    return 0;
}

/* After the driver touched the data: what the scenario dirties is dirty now. */
void study_mark_dirty(study_t *s, const scenario_meta_t *m) {
    for (int i = 0; i < m->ndirties && s->ndirty < (int)(sizeof s->dirty / sizeof s->dirty[0]);
         i++) {
        bool dup = false;
        for (int j = 0; j < s->ndirty; j++)
            dup |= strcmp(s->dirty[j], m->dirties[i]) == 0;
        if (!dup)
            snprintf(s->dirty[s->ndirty++], sizeof s->dirty[0], "%s", m->dirties[i]);
    }
}
