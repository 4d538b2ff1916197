#ifndef RDNS_TEST_CHECK_H
#define RDNS_TEST_CHECK_H
/*
 * check - the smallest test harness that can fail: CHECK(cond) reports the
 * file, line and condition and counts a failure; main() ends with
 * CHECK_DONE(), which prints "N passed, M failed" and exits non-zero if
 * anything failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_passed, check_failed;

#define CHECK(cond) do { \
    if (cond) { check_passed++; } else { check_failed++; \
        fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

#define CHECK_STR(got, want) do { \
    const char *g_ = (got), *w_ = (want); \
    if (g_ && w_ && strcmp(g_, w_) == 0) { check_passed++; } else { check_failed++; \
        fprintf(stderr, "%s:%d: CHECK_STR failed: %s = \"%s\", want \"%s\"\n", \
                __FILE__, __LINE__, #got, g_ ? g_ : "(null)", w_ ? w_ : "(null)"); } \
} while (0)

#define CHECK_DONE() do { \
    printf("%d passed, %d failed\n", check_passed, check_failed); \
    return check_failed ? EXIT_FAILURE : EXIT_SUCCESS; \
} while (0)

#endif
