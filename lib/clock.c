/*
 * NAME
 *   clock - monotonic milliseconds for deadlines, microseconds for
 *   measuring
 */
#include "clock.h"

#include <time.h>

int64_t rdns_clock_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    /* +1 so that no reading is ever 0, which means "no deadline". */
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + 1;
}

int64_t rdns_clock_left(int64_t deadline)
{
    int64_t left = deadline - rdns_clock_ms();

    return left > 0 ? left : 0;
}

int64_t rdns_clock_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}
