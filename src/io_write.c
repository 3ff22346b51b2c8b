/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * io_write.c -- writing a matrix as a NumPy .npy file (see lrs/io.h).
 *
 * Format 1.0 (numpy.lib.format): "\x93NUMPY", version 1 0, a little-endian
 * uint16 header length, the header dict
 *   {'descr': '<f8', 'fortran_order': False, 'shape': (R, C), }
 * padded with spaces and ended by '\n' so that the data starts at a
 * multiple of 64 bytes, then R*C little-endian float64 in C (row-major)
 * order.  numpy.load reads it; so does lrs_io_read_matrix, bit for bit.
 */
#include "io_core.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int lrs_io_write_npy_stream(FILE *fp, const gsl_matrix *M, lrs_err_t *err)
{
    char hdr[128];
    unsigned char pre[10], le[8];
    size_t hlen, pad, i, j;
    int k;
    if (!fp || !M)
        return lrs_err_set(err, LRS_EINVAL, "lrs_io_write_npy_stream: NULL argument");
    hlen = (size_t)snprintf(hdr, sizeof hdr,
                            "{'descr': '<f8', 'fortran_order': False, 'shape': (%zu, %zu), }",
                            M->size1, M->size2);
    pad = 64 - (10 + hlen + 1) % 64;
    if (pad == 64)
        pad = 0;
    memset(hdr + hlen, ' ', pad);
    hlen += pad;
    hdr[hlen++] = '\n';
    memcpy(pre, "\x93NUMPY\x01\x00", 8);
    pre[8] = (unsigned char)(hlen & 0xff);
    pre[9] = (unsigned char)(hlen >> 8);
    if (fwrite(pre, 1, 10, fp) != 10 || fwrite(hdr, 1, hlen, fp) != hlen)
        goto ioerr;
    for (i = 0; i < M->size1; i++)
        for (j = 0; j < M->size2; j++) {
            double v = gsl_matrix_get(M, i, j);
            uint64_t u;
            memcpy(&u, &v, 8);
            for (k = 0; k < 8; k++)
                le[k] = (unsigned char)(u >> (8 * k));
            if (fwrite(le, 1, 8, fp) != 8)
                goto ioerr;
        }
    if (fflush(fp))
        goto ioerr;
    return LRS_OK;
ioerr:
    return lrs_err_set(err, LRS_EIO, "cannot write the .npy data: %s",
                       strerror(errno ? errno : EIO));
}

int lrs_io_write_npy(const char *path, const gsl_matrix *M, lrs_err_t *err)
{
    FILE *fp;
    int rc;
    if (!path || !M)
        return lrs_err_set(err, LRS_EINVAL, "lrs_io_write_npy: NULL argument");
    fp = fopen(path, "wb");
    if (!fp)
        return lrs_err_set(err, LRS_EIO, "%s: cannot open for writing: %s", path,
                           strerror(errno));
    rc = lrs_io_write_npy_stream(fp, M, err);
    if (fclose(fp) && rc == LRS_OK)
        rc = lrs_err_set(err, LRS_EIO, "%s: cannot write: %s", path, strerror(errno));
    else if (rc && err) {
        char m[LRS_ERR_MSG_MAX];
        snprintf(m, sizeof m, "%s", err->msg);
        lrs_err_set(err, rc, "%s: %s", path, m);
    }
    return rc;
}

/*
 * Numbers as text (lrs_io_format_g).
 *
 * Maths.  For v != 0 with decimal exponent X = floor(log10 |v|) (after
 * rounding to prec digits), %.Pg writes the integer D = round(|v| 10^(P-1-X))
 * of exactly P digits, in fixed notation with P-1-X decimals if -4 <= X < P
 * and as d.ddd e+XX otherwise, trailing zeros (and a bare point) removed.
 * The fast path forms m = |v| 10^k (k = P-1-X) with one multiplication or
 * division by an exactly representable power of ten (|k| <= 22), so
 * m = m_exact (1 + d) with |d| <= 2^-53, an error below m 2^-53 (1.2e-7 for
 * P = 9, m < 10^9).  Rounding m to the nearest integer is then the exact
 * rounding unless m's fraction lies within m 2^-50 of 1/2 (eight times that
 * bound; the exact ties, which glibc breaks by the exact value, half to
 * even, are among them); those values, P > 12, |v| outside [1e-15, 1e15),
 * zero, infinities and NaN go to snprintf.
 * Cost: one log10, one multiply or divide, P integer divisions.
 */
static const double io_p10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                  1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                  1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* |v| 10^k for |k| <= 22 (one correctly rounded operation). */
static double io_scale10(double a, int k)
{
    return k >= 0 ? a * io_p10[k] : a / io_p10[-k];
}

/* The P-digit integer D and exponent X of |v| (see above); 0 if the fast
 * path cannot decide. */
static int io_digits(double a, int prec, uint64_t *D, int *X)
{
    int x = (int)floor(log10(a));
    double lo = io_p10[prec - 1], hi = io_p10[prec];
    for (int pass = 0; pass < 2; pass++) { /* log10 may be one off at a power of 10 */
        int k = prec - 1 - x;
        if (k > 22 || k < -22)
            return 0;
        double m = io_scale10(a, k);
        if (m < lo) {
            x--;
            continue;
        }
        if (m >= hi) {
            x++;
            continue;
        }
        double fl = floor(m), fr = m - fl;
        if (fabs(fr - 0.5) <= m * 0x1p-50)
            return 0;
        uint64_t d = (uint64_t)fl + (fr > 0.5);
        if (d == (uint64_t)hi) { /* 99999.7 -> 100000: one more digit of exponent */
            d = (uint64_t)lo;
            x++;
        }
        *D = d;
        *X = x;
        return 1;
    }
    return 0;
}

int lrs_io_format_g(char *buf, double v, int prec)
{
    uint64_t D;
    int X;
    double a = fabs(v);
    if (prec < 0) /* printf: a negative precision is taken as omitted */
        prec = 6;
    if (prec == 0)
        prec = 1;
    if (prec > 17) /* a double's digits; more would not fit LRS_IO_NUM_MAX */
        prec = 17;
    if (prec > 12 || !(a >= 1e-15 && a < 1e15) || !io_digits(a, prec, &D, &X))
        return snprintf(buf, LRS_IO_NUM_MAX, "%.*g", prec, v);
    char dig[16];
    for (int i = prec - 1; i >= 0; i--) {
        dig[i] = (char)('0' + D % 10);
        D /= 10;
    }
    int nd = prec; /* significant digits after removing trailing zeros */
    while (nd > 1 && dig[nd - 1] == '0')
        nd--;
    char *p = buf;
    if (v < 0)
        *p++ = '-';
    if (X < -4 || X >= prec) { /* d.ddd e+XX */
        *p++ = dig[0];
        if (nd > 1) {
            *p++ = '.';
            for (int i = 1; i < nd; i++)
                *p++ = dig[i];
        }
        int ax = X < 0 ? -X : X; /* < 100: |v| is in [1e-15, 1e15) */
        *p++ = 'e';
        *p++ = X < 0 ? '-' : '+';
        *p++ = (char)('0' + ax / 10);
        *p++ = (char)('0' + ax % 10);
    } else if (X >= 0) { /* X + 1 integer digits, then the decimals */
        for (int i = 0; i <= X; i++)
            *p++ = dig[i];
        if (nd > X + 1) {
            *p++ = '.';
            for (int i = X + 1; i < nd; i++)
                *p++ = dig[i];
        }
    } else { /* 0.000ddd */
        *p++ = '0';
        *p++ = '.';
        for (int i = 0; i < -X - 1; i++)
            *p++ = '0';
        for (int i = 0; i < nd; i++)
            *p++ = dig[i];
    }
    *p = '\0';
    return (int)(p - buf);
}

int lrs_io_put_g(FILE *fp, char sep, double v, int prec)
{
    char buf[LRS_IO_NUM_MAX + 1];
    char *q = buf;
    if (sep)
        *q++ = sep;
    lrs_io_format_g(q, v, prec);
    return fputs(buf, fp) == EOF;
}

/*
 * Curves for plotting (lrs_io_simplify): Douglas-Peucker (Douglas & Peucker,
 * Cartographica 10(2), 1973) with the vertical distance, the right measure
 * for a time series whose t are kept exactly.  For a segment (a, b) of kept
 * end points, find the point c strictly inside with the largest
 * |y_c - (y_a + (y_b - y_a) (t_c - t_a) / (t_b - t_a))|; if it exceeds tol,
 * keep c and do (a, c) and (c, b), else drop the inside points.  A stack of
 * segments replaces the recursion (at most n - 1 entries).  Non-finite
 * values split the curve: they and their neighbours are kept, and each
 * finite run between them is simplified on its own.
 */
typedef struct {
    size_t a, b;
} io_seg_t;

static int io_finite_pt(const double *t, const double *y, size_t ys, size_t k)
{
    return isfinite(t[k]) && isfinite(y[k * ys]);
}

/* Douglas-Peucker on the finite run a..b (inclusive), keep[a], keep[b] set. */
static void io_dp_run(const double *t, const double *y, size_t ys, double tol, size_t a,
                      size_t b, unsigned char *keep, io_seg_t *stack)
{
    size_t top = 0;
    stack[top++] = (io_seg_t){a, b};
    while (top) {
        io_seg_t s = stack[--top];
        if (s.b - s.a < 2)
            continue;
        double ta = t[s.a], ya = y[s.a * ys], slope = (y[s.b * ys] - ya) / (t[s.b] - ta);
        double dmax = -1.0;
        size_t c = s.a;
        for (size_t k = s.a + 1; k < s.b; k++) {
            double d = fabs(y[k * ys] - (ya + slope * (t[k] - ta)));
            if (!(d <= dmax)) { /* also takes a NaN distance (t_b = t_a) */
                dmax = d;
                c = k;
            }
        }
        if (!(dmax <= tol)) {
            keep[c] = 1;
            stack[top++] = (io_seg_t){s.a, c};
            stack[top++] = (io_seg_t){c, s.b};
        }
    }
}

int lrs_io_simplify(size_t n, const double *t, const double *y, size_t ystride, double tol,
                    unsigned char *keep, size_t *kept, lrs_err_t *err)
{
    static const char *fn = "lrs_io_simplify";
    if (kept)
        *kept = 0;
    if (n && (!t || !y || !keep))
        return lrs_err_set(err, LRS_EINVAL, "%s: %s is NULL", fn, !t ? "t" : !y ? "y" : "keep");
    if (!(tol >= 0) || !isfinite(tol))
        return lrs_err_set(err, LRS_EINVAL, "%s: tol = %g; expected finite and >= 0", fn, tol);
    if (ystride == 0)
        return lrs_err_set(err, LRS_EINVAL, "%s: ystride is 0", fn);
    if (n == 0)
        return LRS_OK;
    io_seg_t *stack = malloc(n * sizeof *stack);
    if (!stack)
        return lrs_err_set(err, LRS_ENOMEM, "%s: out of memory (n = %zu)", fn, n);
    memset(keep, 0, n);
    keep[0] = keep[n - 1] = 1;
    for (size_t k = 0; k < n; k++)
        if (!io_finite_pt(t, y, ystride, k)) {
            keep[k] = 1;
            if (k > 0)
                keep[k - 1] = 1;
            if (k + 1 < n)
                keep[k + 1] = 1;
        }
    /* each run of finite points between kept non-finite neighbourhoods */
    size_t a = 0;
    while (a < n) {
        if (!io_finite_pt(t, y, ystride, a)) {
            a++;
            continue;
        }
        size_t b = a;
        while (b + 1 < n && io_finite_pt(t, y, ystride, b + 1))
            b++;
        io_dp_run(t, y, ystride, tol, a, b, keep, stack);
        a = b + 1;
    }
    free(stack);
    if (kept) {
        size_t c = 0;
        for (size_t k = 0; k < n; k++)
            c += keep[k];
        *kept = c;
    }
    return LRS_OK;
}
