/* The driver's ceiling (docs/study.md, "Driver-bound runs"): at the start of a
 * study benchlab-load runs a built-in request (CALIBRATE_SCENARIO: GET /health
 * with basic/01-lightweight's checks; no scenario file needed), on the
 * profile's driver CPUs and threads, against a null responder (a fixed JSON
 * answer, no work) pinned to the server's CPUs. Its request rate is recorded
 * in the manifest as "driver_calibration"; a run whose rate exceeds
 * profile.driver.bound_fraction of it is flagged "driver_bound": its rate is a
 * lower bound of what the server can do, not a measurement of it. */
#ifndef BENCHLAB_LAB_STUDY_CALIBRATE_H
#define BENCHLAB_LAB_STUDY_CALIBRATE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define CALIBRATE_DEFAULT_S 3.0
#define DRIVER_BOUND_DEFAULT_FRACTION 0.8

typedef struct calib_opts {
    const char *load_bin;
    const char *driver_cpuset; /* "" = not pinned */
    int driver_threads;        /* 0 = the driver's default */
    const char *target_cpuset; /* where the null responder runs; "" = not pinned */
    int vus;
    double seconds;
    const char *log_path; /* the driver's output; NULL = discarded */
} calib_opts_t;

/* The calibration's scenario (a driver scenario file's text). */
extern const char CALIBRATE_SCENARIO[];

/* Serves every request on 127.0.0.1 with a fixed 200 JSON answer
 * ({"status":"ok"}) from a forked process. Returns its pid and port, or -1. */
int null_responder_start(const char *cpuset, int *port);

/* Runs the calibration; returns the ceiling in requests/s (> 0), or -1 with a
 * message in err. */
double study_calibrate(const calib_opts_t *o, char *err, size_t err_len);

/* Adds {"ceiling_rps", "bound_fraction", "seconds", "vus", "driver_cpuset",
 * "driver_threads"} (or {"error"}) as "driver_calibration" to DIR/manifest.json. */
int study_calibrate_record(const char *dir, const calib_opts_t *o, double ceiling_rps,
                           double fraction, const char *error);

/* Sets "driver_bound" (and "driver_ceiling_rps") in a run file: true when the
 * run's rate exceeds fraction x ceiling. Nothing when ceiling <= 0. Returns
 * the flag. */
bool study_flag_driver_bound(json_t *run, double ceiling_rps, double fraction);

#endif
