/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Error records and small helpers shared by every module (see lrs/common.h). */
#define _POSIX_C_SOURCE 200809L
#include "lrs/common.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>

/* OpenBLAS's own thread controls (declared in its cblas.h, which we do not
 * include here to avoid clashing with GSL's CBLAS declarations). */
extern void openblas_set_num_threads(int num_threads);
extern int openblas_get_num_threads(void);

void lrs_err_clear(lrs_err_t *err)
{
    if (!err)
        return;
    err->code = LRS_OK;
    err->msg[0] = '\0';
}

int lrs_err_set(lrs_err_t *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->code = code;
    }
    return code;
}

const char *lrs_strerror(int code)
{
    switch (code) {
    case LRS_OK: return "success";
    case LRS_EINVAL: return "invalid argument";
    case LRS_ENOMEM: return "out of memory";
    case LRS_ENONFINITE: return "non-finite value";
    case LRS_ENUMERIC: return "numerical failure";
    case LRS_EDIVERGE: return "simulation diverged";
    case LRS_EUNSTABLE: return "unstable network";
    case LRS_EIO: return "input/output error";
    case LRS_EPARSE: return "malformed input";
    case LRS_ELIMIT: return "size limit exceeded";
    case LRS_EINTR: return "interrupted";
    default: return "unknown error";
    }
}

int lrs_blas_set_threads(int n)
{
    int old = openblas_get_num_threads();
    openblas_set_num_threads(n < 1 ? 1 : n);
    return old;
}

double lrs_wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double lrs_peak_rss_mb(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return -1.0;
    return (double)ru.ru_maxrss / 1024.0; /* ru_maxrss is in kB on Linux */
}
