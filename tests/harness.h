/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tests/harness.h -- a tiny unit-test harness.
 *
 * A test program is a list of `static void test_xxx(void)` functions run by
 * RUN(test_xxx) from main().  Each RUN prints one line, "ok <name>" or
 * "FAIL <name>: <first failed check>", and tests/run.sh counts those lines.
 * Every CHECK states its tolerance in the message it prints on failure.
 * main() ends with `return harness_summary();`.
 */
#ifndef LRS_TEST_HARNESS_H
#define LRS_TEST_HARNESS_H

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int harness_passed, harness_failed, harness_cur_failed;
static char harness_msg[1024];
static const char *harness_cur_quick; /* set by QUICK_MODE(): why, for the ok line */

/*
 * Quick mode, LRS_TEST_QUICK=1 (set by tests/valgrind.sh, never by
 * tests/run.sh): a long statistical test runs its whole code path at a short
 * length, so valgrind still checks every allocation and access, and skips
 * only the statistical checks whose tolerances need the full length.  Such a
 * test calls QUICK_MODE("reason") and guards those checks with
 * `if (!harness_quick())`; its ok line then says "(quick: reason)".
 */
static inline int harness_quick(void)
{
    const char *s = getenv("LRS_TEST_QUICK");
    return s && *s && strcmp(s, "0") != 0;
}
#define QUICK_MODE(reason)                                                     \
    do {                                                                       \
        if (harness_quick())                                                   \
            harness_cur_quick = (reason);                                      \
    } while (0)

#define CHECK(cond, ...)                                                       \
    do {                                                                       \
        if (!(cond)) {                                                         \
            if (!harness_cur_failed) {                                         \
                int n_ = snprintf(harness_msg, sizeof harness_msg,             \
                                  "%s:%d: ", __FILE__, __LINE__);              \
                snprintf(harness_msg + n_, sizeof harness_msg - (size_t)n_,    \
                         __VA_ARGS__);                                         \
            }                                                                  \
            harness_cur_failed = 1;                                            \
        }                                                                      \
    } while (0)

/* |a - b| <= tol * max(|b|, tiny) : relative check with a stated tolerance. */
#define CHECK_REL(a, b, tol)                                                   \
    do {                                                                       \
        double a_ = (a), b_ = (b), t_ = (tol);                                 \
        double d_ = fabs(a_ - b_) / fmax(fabs(b_), DBL_MIN);                   \
        CHECK(d_ <= t_ && isfinite(a_), "%s = %.17g vs %s = %.17g: rel dev %.3g > tol %.3g", \
              #a, a_, #b, b_, d_, t_);                                         \
    } while (0)

#define CHECK_ABS(a, b, tol)                                                   \
    do {                                                                       \
        double a_ = (a), b_ = (b), t_ = (tol);                                 \
        CHECK(fabs(a_ - b_) <= t_ && isfinite(a_),                             \
              "%s = %.17g vs %s = %.17g: abs dev %.3g > tol %.3g", #a, a_, #b, \
              b_, fabs(a_ - b_), t_);                                          \
    } while (0)

/* An lrs call that must succeed: prints the library's message otherwise. */
#define CHECK_OK(call, errp)                                                   \
    do {                                                                       \
        int rc_ = (call);                                                      \
        CHECK(rc_ == 0, "%s returned %d: %s", #call, rc_, (errp)->msg);        \
    } while (0)

/* An lrs call that must fail with `code` and a message containing `needle`. */
#define CHECK_ERR(call, code, errp, needle)                                    \
    do {                                                                       \
        int rc_ = (call);                                                      \
        CHECK(rc_ == (code) && strstr((errp)->msg, (needle)) != NULL,          \
              "%s returned %d (want %d), message '%s' (want it to contain '%s')", \
              #call, rc_, (int)(code), (errp)->msg, (needle));                 \
    } while (0)

#define RUN(fn)                                                                \
    do {                                                                       \
        harness_cur_failed = 0;                                                \
        harness_cur_quick = NULL;                                              \
        harness_msg[0] = '\0';                                                 \
        fn();                                                                  \
        if (harness_cur_failed) {                                              \
            harness_failed++;                                                  \
            printf("FAIL %s: %s\n", #fn, harness_msg);                         \
        } else {                                                               \
            harness_passed++;                                                  \
            if (harness_cur_quick)                                             \
                printf("ok %s (quick: %s)\n", #fn, harness_cur_quick);         \
            else                                                               \
                printf("ok %s\n", #fn);                                        \
        }                                                                      \
        fflush(stdout);                                                        \
    } while (0)

static inline int harness_summary(void)
{
    return harness_failed ? 1 : 0;
}

#endif
