/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nb.c -- plumbing shared by the figure notebooks; see nb.h. */
#include "nb.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

volatile sig_atomic_t nb_stop = 0;

#define NB_MAX_FILES 256
#define NB_MAX_SUMMARY 256

static struct {
    nb_args_t *args;
    double t0;
    size_t nfiles;
    FILE *fp[NB_MAX_FILES];
    char tmp[NB_MAX_FILES][1024];
    char final[NB_MAX_FILES][1024];
    size_t nsum;
    char *sum[NB_MAX_SUMMARY];
    char params[2048];   /* "key value  key value ..." (nb_param) */
} nb;

/* nb_tsv may be called from nb_parallel's threads: the file table is
 * guarded; nb_die lets one thread end the program. */
static pthread_mutex_t nb_files_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t nb_die_mu = PTHREAD_MUTEX_INITIALIZER;

static void on_signal(int sig)
{
    (void)sig;
    nb_stop = 1;
}

static void remove_temporaries(void)
{
    for (size_t i = 0; i < nb.nfiles; i++) {
        if (nb.fp[i]) {
            fclose(nb.fp[i]);
            nb.fp[i] = NULL;
        }
        unlink(nb.tmp[i]);
    }
}

/* End the program from any thread: the first caller prints its message on
 * stderr, removes the temporaries and exits with `code`; a second one waits
 * here until the process ends.  The files are unlinked, not closed (another
 * thread may still be writing to them), and _exit skips the stdio cleanup
 * that would flush them concurrently (stdout is flushed first). */
static void die_now(int code, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));
static void die_now(int code, const char *fmt, ...)
{
    va_list ap;
    pthread_mutex_lock(&nb_die_mu);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    for (size_t i = 0; i < nb.nfiles; i++)
        unlink(nb.tmp[i]);
    fflush(stdout);
    _exit(code);
}

static void usage(const char *name, const char *about, unsigned long seed, FILE *to)
{
    fprintf(to,
            "usage: %s [--seed S] [--fast] [--euler] [--jobs J] [--data PATH | --synthetic] [--out DIR]\n"
            "%s\n\n"
            "  --seed S    random seed (default %lu)\n"
            "  --fast      shorter runs, for smoke tests\n"
            "  --euler     linear noise runs use the paper's forward Euler (default: exact)\n"
            "  --jobs J    independent runs in parallel (default 2)\n"
            "  --data PATH input data file (figures that read one)\n"
            "  --synthetic synthetic network instead of the data (figure 6)\n"
            "  --out DIR   output folder (default results/%s)\n",
            name, about, seed, name);
}

static void mkdir_p(const char *path)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(buf, 0777);
            *p = '/';
        }
    }
    if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "%s: cannot create folder %s: %s\n", nb.args->name, path,
                strerror(errno));
        exit(1);
    }
}

void nb_init(nb_args_t *a, const char *name, const char *about,
             unsigned long default_seed, int argc, char **argv)
{
    static char outdir[1024];
    memset(a, 0, sizeof *a);
    a->name = name;
    a->seed = default_seed;
    a->jobs = 2;
    nb.args = a;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        const char *v = (i + 1 < argc) ? argv[i + 1] : NULL;
        char *end = NULL;
        if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            usage(name, about, default_seed, stdout);
            exit(0);
        } else if (!strcmp(o, "--fast")) {
            a->fast = 1;
        } else if (!strcmp(o, "--euler")) {
            a->euler = 1;
        } else if (!strcmp(o, "--seed") && v) {
            errno = 0;
            a->seed = strtoul(v, &end, 10);
            if (errno || *end || v[0] == '-' || !*v) {
                fprintf(stderr, "%s: --seed wants a non-negative integer ('%s')\n", name, v);
                exit(2);
            }
            i++;
        } else if (!strcmp(o, "--jobs") && v) {
            errno = 0;
            long j = strtol(v, &end, 10);
            if (errno || *end || j < 1 || j > 64) {
                fprintf(stderr, "%s: --jobs wants an integer in 1..64 ('%s')\n", name, v);
                exit(2);
            }
            a->jobs = (int)j;
            i++;
        } else if (!strcmp(o, "--synthetic")) {
            a->synthetic = 1;
        } else if (!strcmp(o, "--data") && v) {
            a->data = v;
            i++;
        } else if (!strcmp(o, "--out") && v) {
            a->outdir = v;
            i++;
        } else {
            fprintf(stderr, "%s: unknown option or missing value '%s'\n", name, o);
            usage(name, about, default_seed, stderr);
            exit(2);
        }
    }
    if (!a->outdir) {
        snprintf(outdir, sizeof outdir, "results/%s", name);
        a->outdir = outdir;
    }
    mkdir_p(a->outdir);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    lrs_blas_set_threads(1);
    nb.t0 = lrs_wall_seconds();
}

gsl_rng *nb_rng(unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!r) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    gsl_rng_set(r, seed);
    return r;
}

FILE *nb_tsv(const nb_args_t *a, const char *file, const char *title,
             const char *columns)
{
    pthread_mutex_lock(&nb_files_mu);
    if (nb.nfiles >= NB_MAX_FILES)
        die_now(1, "%s: too many output files\n", a->name);
    size_t i = nb.nfiles;
    snprintf(nb.final[i], sizeof nb.final[i], "%s/%s", a->outdir, file);
    snprintf(nb.tmp[i], sizeof nb.tmp[i], "%s/.%s.tmp%ld", a->outdir, file, (long)getpid());
    FILE *fp = fopen(nb.tmp[i], "w");
    if (!fp)
        die_now(1, "%s: cannot write %s: %s\n", a->name, nb.tmp[i], strerror(errno));
    nb.fp[i] = fp;
    nb.nfiles++;
    pthread_mutex_unlock(&nb_files_mu);
    fprintf(fp, "# %s\n# figure %s  seed %lu%s\n", title, a->name, a->seed,
            a->fast ? "  (fast run)" : "");
    if (nb.params[0])
        fprintf(fp, "# parameters %s\n", nb.params);
    fprintf(fp, "# %s\n", columns);
    return fp;
}

void nb_param(const char *key, const char *fmt, ...)
{
    char val[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(val, sizeof val, fmt, ap);
    va_end(ap);
    for (char *c = val; *c; c++)
        if (*c == ' ' || *c == '\t')
            *c = '_';
    size_t used = strlen(nb.params);
    int n = snprintf(nb.params + used, sizeof nb.params - used, "%s%s %s", used ? "  " : "",
                     key, val);
    if (n < 0 || (size_t)n >= sizeof nb.params - used) {
        fprintf(stderr, "%s: too many parameters for the header (at %s)\n",
                nb.args ? nb.args->name : "lrs", key);
        exit(1);
    }
}

void nb_write_columns(FILE *fp, const gsl_vector *first, ...)
{
    const gsl_vector *v[16];
    size_t nv = 0;
    va_list ap;
    va_start(ap, first);
    for (const gsl_vector *x = first; x && nv < 16; x = va_arg(ap, const gsl_vector *))
        v[nv++] = x;
    va_end(ap);
    if (nv == 0)
        return;
    for (size_t k = 0; k < v[0]->size; k++) {
        fprintf(fp, "%zu", k + 1);
        for (size_t j = 0; j < nv; j++)
            lrs_io_put_g(fp, '\t', k < v[j]->size ? gsl_vector_get(v[j], k) : NAN, 10);
        fputc('\n', fp);
    }
}

/* The traces' tolerance: a fraction of the range of all their values (a
 * panel's height is at most that range, a few hundred pixels high: 1e-5 of
 * it is a few thousandths of a pixel, in the PNG and in the PDF printed at
 * 600 dpi). */
#define NB_TRACE_TOL 1e-5

void nb_write_traces(FILE *fp, size_t nt, const double *t, size_t nu, const double *Z, size_t ldz,
                     int unit_headers, const char *tfmt)
{
    enum { W = 32 }; /* a formatted time and its tab */
    lrs_err_t err = {0};
    char *ts = malloc(nt * W + 1);
    unsigned char *keep = malloc(nt ? nt : 1);
    if (!ts || !keep)
        die_now(1, "%s: out of memory writing traces\n", nb.args ? nb.args->name : "lrs");
    for (size_t n = 0; n < nt; n++) {
        int len = snprintf(ts + n * W, W - 1, tfmt, t[n]);
        strcpy(ts + n * W + (len < W - 2 ? len : W - 2), "\t");
    }
    double lo = INFINITY, hi = -INFINITY;
    for (size_t n = 0; n < nt; n++)
        for (size_t i = 0; i < nu; i++) {
            double v = Z[n * ldz + i];
            if (isfinite(v)) {
                lo = v < lo ? v : lo;
                hi = v > hi ? v : hi;
            }
        }
    double tol = hi > lo ? NB_TRACE_TOL * (hi - lo) : 0.0;
    fprintf(fp, "# each trace simplified for plotting (Douglas-Peucker): the lines between its "
                "points pass within %.3g (%g of the traces' range) of every step left out\n",
            tol, NB_TRACE_TOL);
    for (size_t i = 0; i < nu; i++) {
        if (unit_headers)
            fprintf(fp, "# unit %zu\n", i + 1);
        if (lrs_io_simplify(nt, t, Z + i, ldz, tol, keep, NULL, &err))
            nb_die(&err, "nb_write_traces");
        for (size_t n = 0; n < nt; n++) {
            if (!keep[n])
                continue;
            fputs(ts + n * W, fp);
            lrs_io_put_g(fp, '\0', Z[n * ldz + i], 6);
            fputc('\n', fp);
        }
        fputc('\n', fp);
    }
    free(keep);
    free(ts);
}

void nb_write_matrix(FILE *fp, const gsl_matrix *M)
{
    for (size_t i = 0; i < M->size1; i++) {
        for (size_t j = 0; j < M->size2; j++)
            lrs_io_put_g(fp, j ? '\t' : '\0', gsl_matrix_get(M, i, j), 10);
        fputc('\n', fp);
    }
}

static void add_summary_line(const char *line)
{
    printf("%s\n", line);
    fflush(stdout);
    if (nb.nsum < NB_MAX_SUMMARY) {
        nb.sum[nb.nsum] = strdup(line);
        if (nb.sum[nb.nsum])
            nb.nsum++;
    }
}

void nb_summary(const char *key, const char *fmt, ...)
{
    char val[768], line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(val, sizeof val, fmt, ap);
    va_end(ap);
    snprintf(line, sizeof line, "%s = %s", key, val);
    add_summary_line(line);
}

void nb_note(const char *fmt, ...)
{
    char val[1000], line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(val, sizeof val, fmt, ap);
    va_end(ap);
    snprintf(line, sizeof line, "# %s", val);
    add_summary_line(line);
}

static int progress_observe(void *self, const lrs_block_t *b, lrs_err_t *err)
{
    (void)err;
    nb_progress_t *p = self;
    double now = lrs_wall_seconds();
    if (now - p->t_start > 2.0 && now - p->last > 0.25) {
        size_t done = b->n0 + b->Z->size1;
        fprintf(stderr, "\r%s: %s %3.0f%% ", nb.args ? nb.args->name : "", p->label,
                100.0 * (double)done / (double)(p->total ? p->total : 1));
        p->last = now;
        p->shown = 1;
    }
    return 0;
}

static int progress_noop(void *self, const lrs_block_t *b, lrs_err_t *err)
{
    (void)self;
    (void)b;
    (void)err;
    return 0;
}

lrs_observer_t nb_progress_observer(nb_progress_t *p, const char *label,
                                    size_t total_steps)
{
    p->label = label;
    p->total = total_steps;
    p->t_start = lrs_wall_seconds();
    p->last = 0;
    p->shown = 0;
    lrs_observer_t o = {isatty(2) ? progress_observe : progress_noop, p, 0};
    return o;
}

void nb_progress_done(nb_progress_t *p)
{
    if (p->shown)
        fprintf(stderr, "\r%*s\r", 60, "");
    p->shown = 0;
}

void nb_die(const lrs_err_t *err, const char *what)
{
    const char *name = nb.args ? nb.args->name : "lrs";
    if (err && err->code == LRS_EINTR)
        die_now(130, "\n%s: interrupted; previous results left unchanged\n", name);
    die_now(1, "%s: %s failed: %s\n", name, what, err && err->msg[0] ? err->msg : "(no message)");
}

int nb_finish(void)
{
    const char *name = nb.args ? nb.args->name : "lrs";
    if (nb_stop) {
        fprintf(stderr, "\n%s: interrupted; previous results left unchanged\n", name);
        remove_temporaries();
        exit(130);
    }
    nb_summary("wall_seconds", "%.2f", lrs_wall_seconds() - nb.t0);
    FILE *fp = nb_tsv(nb.args, "summary.txt", "summary", "key = value");
    for (size_t i = 0; i < nb.nsum; i++) {
        fprintf(fp, "%s\n", nb.sum[i]);
        free(nb.sum[i]);
    }
    nb.nsum = 0;
    for (size_t i = 0; i < nb.nfiles; i++) {
        if (nb.fp[i] && (ferror(nb.fp[i]) | fclose(nb.fp[i])) != 0) {
            nb.fp[i] = NULL;
            fprintf(stderr, "%s: writing %s failed\n", name, nb.final[i]);
            remove_temporaries();
            exit(1);
        }
        nb.fp[i] = NULL;
    }
    for (size_t i = 0; i < nb.nfiles; i++) {
        if (rename(nb.tmp[i], nb.final[i]) != 0) {
            fprintf(stderr, "%s: cannot rename %s: %s\n", name, nb.tmp[i], strerror(errno));
            exit(1);
        }
    }
    nb.nfiles = 0;
    return 0;
}

typedef struct {
    size_t n;
    size_t next;
    int rc;
    int (*fn)(void *);
    void **ctx;
    pthread_mutex_t mu;
} pool_t;

static void *pool_worker(void *arg)
{
    pool_t *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        size_t i = p->next++;
        int stop = p->rc != 0;
        pthread_mutex_unlock(&p->mu);
        if (i >= p->n || stop)
            return NULL;
        int rc = p->fn(p->ctx[i]);
        if (rc) {
            pthread_mutex_lock(&p->mu);
            if (!p->rc)
                p->rc = rc;
            pthread_mutex_unlock(&p->mu);
        }
    }
}

int nb_parallel(int jobs, size_t n, int (*fn)(void *ctx), void **ctx)
{
    pool_t p = {n, 0, 0, fn, ctx, PTHREAD_MUTEX_INITIALIZER};
    pthread_t th[64];
    int nt = jobs < 1 ? 1 : (jobs > 64 ? 64 : jobs);
    if ((size_t)nt > n)
        nt = (int)n;
    int started = 0;
    for (int t = 1; t < nt; t++)
        if (pthread_create(&th[started], NULL, pool_worker, &p) == 0)
            started++;
    pool_worker(&p);
    for (int t = 0; t < started; t++)
        pthread_join(th[t], NULL);
    return p.rc;
}

/* ------------------------------------------------------------------ nb_async */

struct nb_async {
    const lrs_observer_t *inner;
    size_t ninner;
    int copy_r;               /* some inner observer reads R */
    gsl_matrix *Z, *X, *R;    /* the block being observed (capacity rows x N) */
    lrs_block_t blk;
    int busy, quit, rc;       /* a block is waiting or being observed; stop; first error */
    lrs_err_t err;
    int threaded;
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
};

/* The inner observers on the copied block; the first error is kept. */
static void async_observe_copy(nb_async_t *as)
{
    for (size_t k = 0; k < as->ninner && !as->rc; k++) {
        lrs_err_t e = {0};
        int rc = as->inner[k].observe(as->inner[k].self, &as->blk, &e);
        if (rc) {
            as->rc = rc;
            as->err = e;
        }
    }
}

static void *async_worker(void *arg)
{
    nb_async_t *as = arg;
    pthread_mutex_lock(&as->mu);
    for (;;) {
        while (!as->busy && !as->quit)
            pthread_cond_wait(&as->cv, &as->mu);
        if (!as->busy)
            break;
        pthread_mutex_unlock(&as->mu);
        async_observe_copy(as);
        pthread_mutex_lock(&as->mu);
        as->busy = 0;
        pthread_cond_broadcast(&as->cv);
    }
    pthread_mutex_unlock(&as->mu);
    return NULL;
}

nb_async_t *nb_async_start(const lrs_observer_t *inner, size_t ninner)
{
    nb_async_t *as = calloc(1, sizeof *as);
    if (!as) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    as->inner = inner;
    as->ninner = ninner;
    for (size_t k = 0; k < ninner; k++)
        as->copy_r |= inner[k].needs_recurrent != 0;
    pthread_mutex_init(&as->mu, NULL);
    pthread_cond_init(&as->cv, NULL);
    as->threaded = pthread_create(&as->th, NULL, async_worker, as) == 0;
    return as;
}

/* dst (allocated or grown to src's shape) <- src: one memcpy when both
 * are contiguous (gsl_matrix_memcpy copies row by row through the BLAS:
 * about 3x slower for the 327 x 327 blocks of the SIS figures), else by rows. */
static int copy_into(gsl_matrix **dst, const gsl_matrix *src)
{
    size_t m = src->size1, n = src->size2;
    if (!*dst || (*dst)->size1 != m || (*dst)->size2 != n) {
        gsl_matrix_free(*dst);
        *dst = gsl_matrix_alloc(m, n);
        if (!*dst)
            return -1;
    }
    if (src->tda == n)
        memcpy((*dst)->data, src->data, m * n * sizeof(double));
    else
        for (size_t i = 0; i < m; i++)
            memcpy((*dst)->data + i * n, src->data + i * src->tda, n * sizeof(double));
    return 0;
}

static int async_observe(void *self, const lrs_block_t *b, lrs_err_t *err)
{
    nb_async_t *as = self;
    pthread_mutex_lock(&as->mu);
    while (as->busy)
        pthread_cond_wait(&as->cv, &as->mu);
    int rc = as->rc;
    if (rc && err)
        *err = as->err;
    pthread_mutex_unlock(&as->mu);
    if (rc)
        return rc;
    if (copy_into(&as->Z, b->Z) || copy_into(&as->X, b->X) ||
        (as->copy_r && b->R && copy_into(&as->R, b->R)))
        return lrs_err_set(err, LRS_ENOMEM, "nb_async: out of memory (block of %zu rows)",
                           b->Z->size1);
    lrs_block_t blk = {b->n0, b->dt, as->Z, as->X, as->copy_r && b->R ? as->R : NULL};
    as->blk = blk;
    if (!as->threaded) { /* no thread: observe in place of the worker */
        async_observe_copy(as);
        return as->rc;
    }
    pthread_mutex_lock(&as->mu);
    as->busy = 1;
    pthread_cond_broadcast(&as->cv);
    pthread_mutex_unlock(&as->mu);
    return LRS_OK;
}

lrs_observer_t nb_async_observer(nb_async_t *as)
{
    lrs_observer_t o = {async_observe, as, as->copy_r};
    return o;
}

int nb_async_finish(nb_async_t *as, lrs_err_t *err)
{
    if (!as)
        return LRS_OK;
    if (as->threaded) {
        pthread_mutex_lock(&as->mu);
        as->quit = 1;
        pthread_cond_broadcast(&as->cv);
        pthread_mutex_unlock(&as->mu);
        pthread_join(as->th, NULL);
    }
    int rc = as->rc;
    if (rc && err)
        *err = as->err;
    pthread_mutex_destroy(&as->mu);
    pthread_cond_destroy(&as->cv);
    gsl_matrix_free(as->Z);
    gsl_matrix_free(as->X);
    gsl_matrix_free(as->R);
    free(as);
    return rc;
}
