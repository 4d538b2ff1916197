#ifndef RDNS_CLOCK_H
#define RDNS_CLOCK_H
/*
 * clock - monotonic milliseconds, for deadlines and time budgets.
 *
 * A deadline is an absolute rdns_clock_ms() value; 0 never occurs as a
 * real reading, so code may use it as "no deadline".
 */
#include <stdint.h>

int64_t rdns_clock_ms(void);
/* Milliseconds left until deadline (0 if passed). */
int64_t rdns_clock_left(int64_t deadline);
/* Monotonic microseconds, for measuring short intervals (not deadlines). */
int64_t rdns_clock_us(void);

#endif
