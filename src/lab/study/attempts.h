/* Failed attempts and disk space: runs the lab could not complete for its
 * own reasons (the driver could not write its summary, the disk filled, the
 * driver or a service could not start, a reset failed) are not measurements.
 * No run file is written for them (so --resume runs them again and no
 * statistic sees them); each is appended to RESULTS/attempts.jsonl instead,
 * one JSON object per line (docs/results-format.md):
 *   {"scenario", "config", "run", "at", "kind", "reason", "driver_exit"}
 * and `benchlab report` lists them apart from the invalid runs.
 *
 * Disk space: a study needs a minimum free (--min-free, default 1 GiB) on
 * the results directory's file system and on the stack directory's (TMPDIR,
 * where PostgreSQL's data lives) to start, and before every run; it keeps
 * RESULTS/.space-reserve (256 KiB) that it gives back when the disk fills,
 * so the attempt and the manifest can still be written before it stops. */
#ifndef BENCHLAB_LAB_STUDY_ATTEMPTS_H
#define BENCHLAB_LAB_STUDY_ATTEMPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "lab/study/plan.h"

#define STUDY_MIN_FREE_DEFAULT (1024LL * 1024 * 1024)
#define STUDY_SPACE_RESERVE_BYTES (256 * 1024)

/* Appends one failed attempt to RESULTS/attempts.jsonl (O_APPEND, fsync).
 * driver_exit < -1: none. 0 or -1 (errno). */
int study_attempt_record(const char *results, const plan_unit_t *u, int run, const char *kind,
                         const char *reason, int driver_exit);

/* Lines in RESULTS/attempts.jsonl (0 when there is none). */
int study_attempts_count(const char *results);

/* The "Failed attempts" section of the report's summary.md: each attempt,
 * and whether its run is on disk now (re-run) or still missing. Writes
 * nothing when there is no RESULTS/attempts.jsonl. Returns how many. */
int study_attempts_write_md(const char *results, FILE *f);

/* Bytes available to us on the file system holding path (or its nearest
 * existing parent); -1 when unknown. */
long long study_free_bytes(const char *path);

/* 0 when path's file system has at least min_bytes free, else -1 with a
 * message ("only 3.2 MB free in DIR, below the minimum 1 GiB (--min-free)"). */
int study_check_free(const char *path, long long min_bytes, char *err, size_t err_len);

/* RESULTS/.space-reserve: made (with real blocks) at the start of a study,
 * given back when the disk fills, removed at its end. 0 or -1. */
int study_space_reserve(const char *results);
void study_space_release(const char *results);

/* True for the errors of a full disk (ENOSPC, EDQUOT). */
bool study_errno_is_space(int e);

/* "3.2 MB", "1 GiB"-like text of a byte count. */
void study_format_bytes(long long bytes, char *buf, size_t len);

#endif
