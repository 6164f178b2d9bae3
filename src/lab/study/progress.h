/* Live progress of a study on stderr: on a terminal one status line rewritten
 * in place (scenario, config, run i/N, done/total, elapsed, ETA) with result
 * lines scrolling above it; otherwise only the result lines. */
#ifndef BENCHLAB_LAB_STUDY_PROGRESS_H
#define BENCHLAB_LAB_STUDY_PROGRESS_H

#include <stdbool.h>

typedef struct progress {
    bool tty;
    bool status_shown;
    double started; /* monotonic seconds */
} progress_t;

void progress_init(progress_t *p);
void progress_status(progress_t *p, const char *scenario, const char *config, int run, int runs,
                     int done, int total, double eta_s);
void progress_line(progress_t *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void progress_end(progress_t *p);
/* "1h02m", "4m05s", "12s" */
void progress_format_duration(double s, char *buf, int len);

#endif
