/* Monotonic and wall clocks shared by the programs. */
#ifndef BENCHLAB_COMMON_CLOCK_H
#define BENCHLAB_COMMON_CLOCK_H

#include <stdint.h>

/* Monotonic nanoseconds (CLOCK_MONOTONIC); only differences are meaningful. */
uint64_t clock_mono_ns(void);
/* Milliseconds since the Unix epoch (CLOCK_REALTIME). */
int64_t clock_wall_ms(void);
/* Writes an ISO-8601 UTC timestamp ("2026-11-27T19:51:11Z") of `epoch_s` into buf. */
void clock_iso8601(int64_t epoch_s, char *buf, unsigned len);

#endif
