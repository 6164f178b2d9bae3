/* Before the first run of a study (and in --dry-run): every unit's scenario
 * file, with the load the plan gives it, goes through `benchlab-load check`
 * (the driver's own strict loader, the flags against the file, and what the
 * driver process can hold), so a bad file fails the study at once, naming
 * the file and field, instead of hours later at that unit's verify. */
#ifndef BENCHLAB_LAB_STUDY_CHECK_H
#define BENCHLAB_LAB_STUDY_CHECK_H

#include "lab/study/plan.h"

/* Runs load_bin check once per distinct (scenario, load) of the plan's
 * units; driver_threads > 0 is passed as --threads. The driver's message
 * goes to stderr as it is. 0 when every one passed, else the number that
 * failed (a line per failure says which scenario and load), -1 when
 * load_bin could not be run. */
int study_check_scenarios(const plan_t *plan, const char *load_bin, int driver_threads);

#endif
