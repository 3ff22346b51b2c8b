/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The Faddeeva function w(z) = exp(-z^2) erfc(-i z) and the complex scaled
 * complementary error function erfcx(z) = w(i z)  (see lrs/exact.h).
 *
 * Maths.  For Im z > 0,  w(z) = (i/pi) int e^{-t^2} / (z - t) dt.  The
 * trapezoidal rule on the nodes t_n = (n + d) h (d = 0 or 1/2),
 *     T(z) = (i h / pi) sum_n e^{-t_n^2} / (z - t_n),
 * misses only the contribution of the pole at t = z (for Im z < pi/h) and an
 * aliasing error of order exp(-pi^2 / h^2):
 *     w(z) = T(z) + 2 e^{-z^2} / (1 -+ e^{-2 pi i z / h})        (- for d = 0)
 * (Chiarella & Reichel, Math. Comp. 22 (1968) 137; Matta & Reichel, Math.
 * Comp. 25 (1971) 339).  With h = 0.4 the aliasing error is ~2e-27 and the
 * nodes with e^{-t^2} > 1e-19 (|t| <= 6.6) suffice, so the relative error is
 * at the level of rounding for every z with Im z >= 0 (|w(z)| >= ~1/(sqrt(pi)|z|)
 * there).  The grid offset d is chosen so that Re z lies between two nodes
 * (distance >= h/4): the sum and the pole term then never cancel.
 * For Im z < 0:  w(z) = 2 e^{-z^2} - w(-z)  (may overflow: it is huge there).
 */
#include "lrs/exact.h"

#include <math.h>

#define FW_H 0.4            /* trapezoidal step */
#define FW_TMAX 6.6         /* nodes with |t| <= FW_TMAX */

static double complex faddeeva_upper(double complex z)
{
    const double h = FW_H;
    double x = creal(z), y = cimag(z);
    /* Offset so that x sits between nodes: frac(x/h) in [1/4, 3/4) -> d = 0. */
    double f = x / h - floor(x / h);
    double d = (f >= 0.25 && f < 0.75) ? 0.0 : 0.5;
    long nmax = (long)ceil(FW_TMAX / h) + 1;
    double complex sum = 0.0;
    for (long n = -nmax; n <= nmax; n++) {
        double t = ((double)n + d) * h;
        if (fabs(t) > FW_TMAX)
            continue;
        sum += exp(-t * t) / (z - t);
    }
    double complex w = I * h / M_PI * sum;
    if (y < M_PI / h && x * x - y * y < 700.0) {
        double complex e = cexp(-2.0 * M_PI * I * z / h);
        double complex den = d == 0.0 ? 1.0 - e : 1.0 + e;
        w += 2.0 * cexp(-z * z) / den;
    }
    return w;
}

double complex lrs_exact_faddeeva_w(double complex z)
{
    if (cimag(z) >= 0.0)
        return faddeeva_upper(z);
    return 2.0 * cexp(-z * z) - faddeeva_upper(-z);
}

double complex lrs_exact_erfcx(double complex z)
{
    return lrs_exact_faddeeva_w(I * z);
}
