/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lrs/common.h -- error reporting and small shared helpers of liblrs.
 *
 * Conventions used by every module of the library:
 *
 *  - Every fallible function returns an int status: LRS_OK (0) on success or
 *    one of the LRS_E* codes below.  It never prints, exits or aborts.
 *  - Its last argument is an `lrs_err_t *err`, which may be NULL.  On failure
 *    the function fills err->code and err->msg with one line that names the
 *    mismatch, e.g. "lrs_spectra_svd: W is 200x199; expected square".
 *    There is no global error state and no global handler.
 *  - Matrices are gsl_matrix (row-major).  A block of states in time is a
 *    gsl_matrix whose row i is the state at time step i (each state is a
 *    contiguous row).  Objects that own workspaces are created by
 *    lrs_<module>_alloc() and freed by lrs_<module>_free(), which accepts NULL.
 *  - Random generators are always passed explicitly (gsl_rng *); the library
 *    has no hidden random state.
 */
#ifndef LRS_COMMON_H
#define LRS_COMMON_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
    LRS_OK = 0,
    LRS_EINVAL = 1,    /* bad argument: NULL, wrong dimensions, out of range */
    LRS_ENOMEM = 2,    /* allocation failed */
    LRS_ENONFINITE = 3,/* NaN or Inf in an input */
    LRS_ENUMERIC = 4,  /* a numerical routine (LAPACK, solver) failed */
    LRS_EDIVERGE = 5,  /* a simulation diverged */
    LRS_EUNSTABLE = 6, /* the linear network is unstable where stability is required */
    LRS_EIO = 7,       /* reading or writing a file failed */
    LRS_EPARSE = 8,    /* malformed input data */
    LRS_ELIMIT = 9,    /* input larger than an allowed limit */
    LRS_EINTR = 10     /* interrupted (a stop flag was raised) */
};

#define LRS_ERR_MSG_MAX 512

typedef struct lrs_err {
    int code;
    char msg[LRS_ERR_MSG_MAX];
} lrs_err_t;

/* Clear an error record (code LRS_OK, empty message).  Accepts NULL. */
void lrs_err_clear(lrs_err_t *err);

/* Fill *err (if not NULL) with code and a printf-style message; returns code,
 * so that library code can write `return lrs_err_set(err, LRS_EINVAL, ...)`. */
int lrs_err_set(lrs_err_t *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Short, constant name of a status code ("invalid argument", ...). */
const char *lrs_strerror(int code);

/* Set the number of threads OpenBLAS uses (1 for per-time-step work: a
 * 200x200 dgemv is ~5x slower on two threads than on one).  Returns the
 * previous setting.  Programs call this; library routines do not change it. */
int lrs_blas_set_threads(int n);

/* Wall-clock seconds from a monotonic clock (for summaries and benchmarks). */
double lrs_wall_seconds(void);

/* Peak resident set size of this process in megabytes (from getrusage). */
double lrs_peak_rss_mb(void);

#ifdef __cplusplus
}
#endif
#endif
