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
