/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nb_epi.c -- the epidemic analysis of Figure 6 and figS-epidemiological;
 * see nb_epi.h. */
#include "nb_epi.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_sort.h>

#include "lrs/connectivity.h"
#include "lrs/io.h"
#include "lrs/linear.h"
#include "lrs/noise.h"
#include "lrs/observe.h"
#include "lrs/sim.h"
#include "lrs/spectra.h"

/* ------------------------------------------------------------ parameters
 * The authors' Figure 6 values (arXiv:2504.13727). */
static const double GAMMA = 3.0;          /* infection coupling */
static const double X0_LO = 0.3, X0_HI = 0.6; /* x0 ~ U(0.3, 0.6) */
static const double T_RELAX = 300.0;      /* unperturbed relaxation */
static const double NEWTON_TOL = 1e-12;   /* ||F(x*)||_inf after Newton */
static const double CURVE_DT = 0.05;      /* sampling of ||x(t) - x*|| */
static const double FIT_T_HI = 40.0;      /* fit window t <= 40 ... */
static const double FIT_FLOOR = 1e-10;    /* ... and d > 1e-10 (ODE tolerance floor below) */
static const double TAIL_T_LO = 10.0;     /* tail fit t >= 10 (slowest mode alone) */
static const size_t R_OVERLAP = 9;        /* rank of P: the nine classes */
static const double STEP_AMP = 10.0;      /* p = 10 d */
static const double STEP_DT = 0.1, STEP_T = 100.0;
static const double ON1 = 20, OFF1 = 40;  /* along v */
static const double ON2 = 60, OFF2 = 80;  /* along u_rand */
static const double NOISE_SIGMA = 0.01;   /* p = 0.01 xi(t) */
static const double NOISE_TAU_X = 10.0;
static const double NOISE_DT = 0.2;
static const double NOISE_T = 5000.0;
static const double NOISE_T_FAST = 400.0; /* --fast */
static const double DISCARD_RELAX = 10.0; /* discard the first 10 relaxation times */
static const double PROJ_TRACE_T = 500.0; /* projection traces for t < 500 */
static const size_t SCHOOL_CLASSES = LRS_EPI_SCHOOL_CLASSES; /* synthetic network */
static const double SCHOOL_P_IN = LRS_EPI_SCHOOL_P_IN, SCHOOL_P_OUT = LRS_EPI_SCHOOL_P_OUT;

epi_params_t epi_params_paper(const nb_args_t *a)
{
    epi_params_t p = {
        .school_classes = SCHOOL_CLASSES, .school_p_in = SCHOOL_P_IN,
        .school_p_out = SCHOOL_P_OUT, .groups = R_OVERLAP, .gamma = GAMMA,
        .x0_lo = X0_LO, .x0_hi = X0_HI, .t_relax = T_RELAX, .newton_tol = NEWTON_TOL,
        .curve_dt = CURVE_DT, .fit_t_hi = FIT_T_HI, .fit_floor = FIT_FLOOR,
        .tail_t_lo = TAIL_T_LO, .r_overlap = R_OVERLAP, .step_amp = STEP_AMP,
        .step_dt = STEP_DT, .step_T = STEP_T, .on1 = ON1, .off1 = OFF1, .on2 = ON2,
        .off2 = OFF2, .noise_sigma = NOISE_SIGMA, .noise_tau_x = NOISE_TAU_X,
        .noise_dt = NOISE_DT, .noise_T = a->fast ? NOISE_T_FAST : NOISE_T,
        .discard_relax = DISCARD_RELAX, .proj_trace_T = PROJ_TRACE_T};
    return p;
}

typedef struct {
    epi_stage_fn fn;
    const nb_args_t *a;
    const epi_params_t *p;
    epi_study_t *s;
} epi_stage_job_t;

static int stage_job(void *ctx)
{
    epi_stage_job_t *j = ctx;
    j->fn(j->a, j->p, j->s); /* errors end the program (nb_die is thread-safe) */
    return 0;
}

void epi_stages(const nb_args_t *a, const epi_params_t *p, epi_study_t *s, size_t n,
                const epi_stage_fn *stages)
{
    epi_stage_job_t jobs[EPI_MAX_STAGES];
    void *ctx[EPI_MAX_STAGES];
    if (n > EPI_MAX_STAGES) {
        fprintf(stderr, "epi_stages: %zu stages; at most %d\n", n, EPI_MAX_STAGES);
        exit(1);
    }
    for (size_t k = 0; k < n; k++) {
        jobs[k] = (epi_stage_job_t){stages[k], a, p, s};
        ctx[k] = &jobs[k];
    }
    nb_parallel(a->jobs, n, stage_job, ctx);
}

void epi_analysis(const nb_args_t *a, const epi_params_t *p, epi_study_t *s)
{
    epi_network(a, p, s);
    epi_stages(a, p, s, 2, (const epi_stage_fn[]){epi_fixed_point, epi_display});
    epi_stages(a, p, s, 2, (const epi_stage_fn[]){epi_relaxation, epi_jacobian});
    epi_stages(a, p, s, 4,
               (const epi_stage_fn[]){epi_noise_run, epi_step_run, epi_spectra, epi_adjacency});
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    return p;
}

/* Squared distance between row i of Y and row c of C. */
static double dist2(const gsl_matrix *Y, size_t i, const gsl_matrix *C, size_t c)
{
    double s = 0;
    for (size_t q = 0; q < Y->size2; q++) {
        double e = gsl_matrix_get(Y, i, q) - gsl_matrix_get(C, c, q);
        s += e * e;
    }
    return s;
}

/* ------------------------------------------------------------------ display order
 * The students of the real file are not numbered class by class, so an image
 * of A in file order shows no structure.  For the image only (the analysis
 * does not depend on the order of the nodes), group the students by spectral
 * clustering: the rows of the top-k eigenvectors of the symmetric W,
 * normalised to unit length (Ng, Jordan & Weiss 2001), split by k-means
 * (farthest-point start from the highest-degree student, then Lloyd
 * iterations).  Groups are listed by their smallest member id, students
 * inside a group by id. */

/* Y (N x k) <- the rows of W's top-k eigenvectors, each scaled to unit length. */
static void spectral_embedding(const gsl_matrix *W, gsl_matrix *Y)
{
    lrs_err_t err = {0};
    size_t N = W->size1, k = Y->size2;
    gsl_vector *ev = gsl_vector_alloc(N);
    gsl_matrix *V = gsl_matrix_alloc(N, N);
    NB_TRY(lrs_pca_symeig(W, ev, V, &err), &err);
    for (size_t i = 0; i < N; i++) {
        double s = 0;
        for (size_t j = 0; j < k; j++)
            s += gsl_matrix_get(V, i, j) * gsl_matrix_get(V, i, j);
        s = s > 0 ? 1.0 / sqrt(s) : 0.0;
        for (size_t j = 0; j < k; j++)
            gsl_matrix_set(Y, i, j, s * gsl_matrix_get(V, i, j));
    }
    gsl_vector_free(ev);
    gsl_matrix_free(V);
}

/* Farthest-point start: centre 0 is the highest-degree student's row of Y,
 * each next centre the row farthest from all the centres so far. */
static void kmeans_start(const gsl_matrix *A, const gsl_matrix *Y, gsl_matrix *C)
{
    size_t N = Y->size1, k = C->size1, first = 0;
    double dbest = -1;
    for (size_t i = 0; i < N; i++) {
        double d = 0;
        for (size_t j = 0; j < N; j++)
            d += gsl_matrix_get(A, i, j);
        if (d > dbest) {
            dbest = d;
            first = i;
        }
    }
    gsl_vector_const_view y0 = gsl_matrix_const_row(Y, first);
    gsl_matrix_set_row(C, 0, &y0.vector);
    double *dmin = xmalloc(N * sizeof *dmin);
    for (size_t i = 0; i < N; i++)
        dmin[i] = INFINITY;
    for (size_t c = 1; c < k; c++) {
        size_t far = 0;
        double dfar = -1;
        for (size_t i = 0; i < N; i++) {
            dmin[i] = fmin(dmin[i], dist2(Y, i, C, c - 1));
            if (dmin[i] > dfar) {
                dfar = dmin[i];
                far = i;
            }
        }
        gsl_vector_const_view yf = gsl_matrix_const_row(Y, far);
        gsl_matrix_set_row(C, c, &yf.vector);
    }
    free(dmin);
}

/* Lloyd iterations from the centres C (at most 100): group[i] <- nearest
 * centre, then each centre <- the mean of its group. */
static void kmeans_lloyd(const gsl_matrix *Y, gsl_matrix *C, size_t *group)
{
    size_t N = Y->size1, k = C->size1, dim = C->size2;
    size_t *cnt = xmalloc(k * sizeof *cnt);
    for (int it = 0; it < 100; it++) {
        int changed = 0;
        for (size_t i = 0; i < N; i++) {
            size_t best = 0;
            double db = INFINITY;
            for (size_t c = 0; c < k; c++) {
                double d = dist2(Y, i, C, c);
                if (d < db) {
                    db = d;
                    best = c;
                }
            }
            if (it == 0 || group[i] != best)
                changed = 1;
            group[i] = best;
        }
        if (!changed)
            break;
        gsl_matrix_set_zero(C);
        memset(cnt, 0, k * sizeof *cnt);
        for (size_t i = 0; i < N; i++) {
            cnt[group[i]]++;
            for (size_t q = 0; q < dim; q++)
                gsl_matrix_set(C, group[i], q,
                               gsl_matrix_get(C, group[i], q) + gsl_matrix_get(Y, i, q));
        }
        for (size_t c = 0; c < k; c++)
            for (size_t q = 0; q < dim; q++)
                gsl_matrix_set(C, c, q, cnt[c] ? gsl_matrix_get(C, c, q) / (double)cnt[c] : 0);
    }
    free(cnt);
}

/* Relabel the k groups by their smallest member, then order <- the students
 * group by group (by id inside a group). */
static void order_by_group(size_t N, size_t k, size_t *group, size_t *order)
{
    size_t *relabel = xmalloc(k * sizeof *relabel);
    for (size_t c = 0; c < k; c++)
        relabel[c] = (size_t)-1;
    size_t next = 0;
    for (size_t i = 0; i < N; i++)
        if (relabel[group[i]] == (size_t)-1)
            relabel[group[i]] = next++;
    for (size_t i = 0; i < N; i++)
        group[i] = relabel[group[i]];
    size_t pos = 0;
    for (size_t c = 0; c < next; c++)
        for (size_t i = 0; i < N; i++)
            if (group[i] == c)
                order[pos++] = i;
    free(relabel);
}

/* Fraction of the contacts (weight of A) inside the groups. */
static double within_fraction(const gsl_matrix *A, const size_t *group)
{
    double in = 0, all = 0;
    for (size_t i = 0; i < A->size1; i++)
        for (size_t j = 0; j < A->size2; j++) {
            double w = gsl_matrix_get(A, i, j);
            all += w;
            if (group[i] == group[j])
                in += w;
        }
    return all > 0 ? in / all : NAN;
}

static void display_order(const gsl_matrix *A, const gsl_matrix *W, size_t k,
                          size_t *order, size_t *group, double *within)
{
    size_t N = W->size1;
    if (k > N)
        k = N;
    gsl_matrix *Y = gsl_matrix_alloc(N, k), *C = gsl_matrix_calloc(k, k);
    spectral_embedding(W, Y);
    kmeans_start(A, Y, C);
    kmeans_lloyd(Y, C, group);
    order_by_group(N, k, group, order);
    *within = within_fraction(A, group);
    gsl_matrix_free(Y);
    gsl_matrix_free(C);
}

/* ------------------------------------------------------------------ network */

void epi_network(const nb_args_t *a, const epi_params_t *p, epi_study_t *s)
{
    lrs_err_t err = {0};
    if (!a->synthetic) {
        /* The SocioPatterns edge list: "source,target" per line, '#' comments,
         * integer ids 0..328 of which 327 occur (compact drops the two unused
         * ones, keeping the file's order), undirected, unweighted.  Without
         * --data, the copy shipped in data/ (run from the top of the repo). */
        const char *path = a->data ? a->data : EPI_DATA_DEFAULT;
        if (!a->data && access(path, R_OK) != 0) {
            fprintf(stderr, "%s: cannot read %s (run from the top of the repository, "
                            "or pass --data PATH or --synthetic)\n", a->name, path);
            exit(1);
        }
        lrs_io_read_opts_t o = lrs_io_read_opts_default();
        o.format = LRS_FMT_EDGES;
        o.undirected = 1;
        o.ids = 1;
        o.base = 0;
        o.compact = 1;
        NB_TRY(lrs_io_read_plain(path, &o, &s->A, NULL, &err), &err);
        s->synthetic = 0;
        snprintf(s->source, sizeof s->source, "real contact network (%s)", path);
    } else {
        /* --synthetic: a synthetic school of the same size, 9 classes, dense
         * contacts within a class and sparse between (lrs/epidemic.h). */
        gsl_rng *rng = nb_rng(a->seed);
        s->A = gsl_matrix_alloc(LRS_EPI_SCHOOL_N, LRS_EPI_SCHOOL_N);
        NB_TRY(lrs_epidemic_school_network(s->A, p->school_classes, p->school_p_in,
                                           p->school_p_out, rng, NULL, &err), &err);
        gsl_rng_free(rng);
        s->synthetic = 1;
        snprintf(s->source, sizeof s->source,
                 "synthetic school network (%zu classes, p_in %g, p_out %g, seed %lu), "
                 "not the real data (--synthetic)",
                 p->school_classes, p->school_p_in, p->school_p_out, a->seed);
    }
    size_t N = s->N = s->A->size1;
    double e2 = 0;
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < N; j++)
            e2 += gsl_matrix_get(s->A, i, j) != 0.0;
    s->edges = (size_t)(e2 / 2);
    s->W = gsl_matrix_alloc(N, N);
    s->sW = gsl_vector_alloc(N); /* W's singular values, from the same SVD */
    NB_TRY(lrs_epidemic_normalize_sv(s->A, s->W, &s->sigma_max, s->sW, &err), &err);
}

void epi_display(const nb_args_t *a, const epi_params_t *p, epi_study_t *s)
{
    (void)a;
    size_t N = s->N;
    s->order = xmalloc(N * sizeof *s->order);
    s->group = xmalloc(N * sizeof *s->group);
    display_order(s->A, s->W, p->groups, s->order, s->group, &s->within_frac);
}

void epi_adjacency(const nb_args_t *a, const epi_params_t *p, epi_study_t *s)
{
    size_t N = s->N;
    FILE *fp = nb_tsv(a, "adjacency.tsv", "adjacency matrix A, students ordered by group",
                      "A_ij (N x N, 0/1), rows and columns in display order");
    fprintf(fp, "# source: %s\n# N %zu  contacts %zu  groups %zu\n", s->source, N, s->edges,
            p->groups);
    fprintf(fp, "# param: N %zu contacts %zu groups %zu synthetic %d gamma %g\n", N, s->edges,
            p->groups, s->synthetic, p->gamma);
    for (size_t i = 0; i < N; i++) {
        for (size_t j = 0; j < N; j++)
            fprintf(fp, j ? "\t%g" : "%g", gsl_matrix_get(s->A, s->order[i], s->order[j]));
        fputc('\n', fp);
    }
}

/* ------------------------------------------------------------------ fixed point */

void epi_fixed_point(const nb_args_t *a, const epi_params_t *p, epi_study_t *s)
{
    lrs_err_t err = {0};
    lrs_epidemic_t *ep = NULL;
    size_t N = s->N;
    NB_TRY(lrs_epidemic_alloc(&ep, s->W, p->gamma, &err), &err);
    gsl_rng *rng = nb_rng(a->seed + 1);
    s->x0 = gsl_vector_alloc(N);
    s->xs = gsl_vector_alloc(N);
    NB_TRY(lrs_epidemic_start(s->x0, p->x0_lo, p->x0_hi, rng, &err), &err);
    gsl_rng_free(rng);
    /* The library's SIS pipeline, one call: relaxation (adaptive
     * Dormand-Prince, tolerances 1e-10) for t_relax, Newton to remove the
     * integrator's last bit, and the Jacobian J at x* (used by epi_jacobian). */
    lrs_epidemic_endemic_opts_t eo = lrs_epidemic_endemic_default();
    lrs_epidemic_endemic_info_t info;
    eo.t_relax = p->t_relax;
    eo.newton_tol = p->newton_tol;
    eo.stop = &nb_stop;
    s->J = gsl_matrix_alloc(N, N);
    NB_TRY(lrs_epidemic_endemic(ep, s->x0, &eo, s->xs, s->J, &info, &err), &err);
    s->newton_res = info.newton_residual;
    s->newton_iters = info.newton_iters;
    s->relaxed_dist = info.relaxed_dist;
    if (!info.endemic) {
        fprintf(stderr, "%s: the infection dies out at gamma = %g (mean x* = %g): no endemic "
                        "state to perturb\n", a->name, p->gamma, info.mean);
        exit(1);
    }
    lrs_epidemic_free(ep);
}

/* ------------------------------------------------------------------ relaxation */

void epi_relaxation(const nb_args_t *a, const epi_params_t *p, epi_study_t *s)
{
    lrs_err_t err = {0};
    lrs_epidemic_t *ep = NULL;
    NB_TRY(lrs_epidemic_alloc(&ep, s->W, p->gamma, &err), &err);
    size_t n = (size_t)llround(p->fit_t_hi / p->curve_dt) + 1;
    gsl_vector *t = gsl_vector_alloc(n), *d = gsl_vector_alloc(n);
    /* The same start x0 again, now that x* is known: d(t) = ||x(t) - x*||. */
    NB_TRY(lrs_epidemic_relax_curve(ep, s->x0, s->xs, (double)(n - 1) * p->curve_dt, t, d,
                                    &nb_stop, &err), &err);
    /* Two fits on the window t <= fit_t_hi, d > fit_floor (above the ODE
     * tolerance floor):
     *  - LINEAR, least squares on the values of the whole curve, the way a
     *    plain curve fit weighs it: the relaxation time of the figure (the
     *    authors' ~0.65 is of this kind); the fast early decay of the many
     *    strongly damped modes pulls it below the asymptotic time;
     *  - LOG on the tail t >= tail_t_lo: the slowest rate, which must equal
     *    the Jacobian's |max Re eig| (a consistency check). */
    NB_TRY(lrs_epidemic_fit_exp(t, d, 0.0, p->fit_t_hi, p->fit_floor, LRS_EPI_FIT_LINEAR,
                                &s->a_lin, &s->tau_lin, &s->used_lin, &err), &err);
    NB_TRY(lrs_epidemic_fit_exp(t, d, p->tail_t_lo, p->fit_t_hi, p->fit_floor,
                                LRS_EPI_FIT_LOG, &s->a_log, &s->tau_log, &s->used_log, &err),
           &err);
    FILE *fp = nb_tsv(a, "relax.tsv", "relaxation to the fixed point, ||x(t) - x*||",
                      "t\tdist\tfit_linear\tfit_tail");
    fprintf(fp, "# x0 ~ U(%g, %g); adaptive Dormand-Prince 5(4), tol 1e-10; fits on t <= %g, "
                "d > %g; tail fit t >= %g\n",
            p->x0_lo, p->x0_hi, p->fit_t_hi, p->fit_floor, p->tail_t_lo);
    fprintf(fp, "# tau_linear %.6g  a_linear %.6g  tau_tail %.6g  a_tail %.6g\n", s->tau_lin,
            s->a_lin, s->tau_log, s->a_log);
    fprintf(fp, "# param: tau_linear %.6g tau_tail %.6g fit_t_hi %g fit_floor %g tail_t_lo %g\n",
            s->tau_lin, s->tau_log, p->fit_t_hi, p->fit_floor, p->tail_t_lo);
    for (size_t k = 0; k < n; k++) {
        double tk = gsl_vector_get(t, k);
        fprintf(fp, "%.4g\t%.8g\t%.8g\t%.8g\n", tk, gsl_vector_get(d, k),
                s->a_lin * exp(-tk / s->tau_lin), s->a_log * exp(-tk / s->tau_log));
    }
    gsl_vector_free(t);
    gsl_vector_free(d);
    lrs_epidemic_free(ep);
}

/* ------------------------------------------------------------------ Jacobian */

/* J at x*: its singular values and vectors and the overlap P (what the
 * perturbed runs need). */
static void jacobian_svd(const epi_params_t *p, epi_study_t *s)
{
    lrs_err_t err = {0};
    size_t N = s->N, r = p->r_overlap;
    lrs_linear_t *L = NULL;
    const gsl_vector *sv = NULL;
    const gsl_matrix *U = NULL, *V = NULL;
    /* J came with x* out of the SIS pipeline (epi_fixed_point); one prepared
     * object factors it once (SVD) for every query below. */
    NB_TRY(lrs_linear_alloc(&L, s->J, &err), &err);
    NB_TRY(lrs_linear_svd(L, &sv, &U, &V, &err), &err);
    s->sJ = gsl_vector_alloc(N);
    s->UJ = gsl_matrix_alloc(N, N);
    s->VJ = gsl_matrix_alloc(N, N);
    gsl_vector_memcpy(s->sJ, sv);
    gsl_matrix_memcpy(s->UJ, U);
    gsl_matrix_memcpy(s->VJ, V);
    s->P = gsl_matrix_alloc(r, r);
    s->sP = gsl_vector_alloc(r);
    NB_TRY(lrs_linear_overlap(L, r, s->P, s->sP, &err), &err);
    lrs_linear_free(L);
}

/* u, v from J's SVD with the sign convention below, where they live, and
 * the random direction u_rand (stream seed + 2). */
static void singular_pair(unsigned long seed, epi_study_t *s)
{
    lrs_err_t err = {0};
    size_t N = s->N;
    /* u, v: the top left/right singular vectors of J (J v = s_1 u).  Their
     * joint sign is arbitrary, and the model is nonlinear, so the step
     * response to p = c v depends on it.  Convention (the authors' run):
     * v has a positive sum, so the aligned perturbation p = c v (c > 0)
     * raises the infection rate of v's dominant student. */
    s->u = gsl_vector_alloc(N);
    s->v = gsl_vector_alloc(N);
    gsl_matrix_get_col(s->u, s->UJ, 0);
    gsl_matrix_get_col(s->v, s->VJ, 0);
    double sv = 0;
    for (size_t i = 0; i < N; i++)
        sv += gsl_vector_get(s->v, i);
    s->v_sum = sv < 0 ? -sv : sv;
    if (sv < 0) {
        gsl_vector_scale(s->u, -1.0);
        gsl_vector_scale(s->v, -1.0);
    }
    /* Where u and v live: J's large singular values come from its diagonal
     * -1 - gamma (W x*)_i, largest for the best-connected students, so the
     * top singular vectors concentrate on them. */
    size_t itop = 0;
    for (size_t i = 0; i < N; i++) {
        double ui = gsl_vector_get(s->u, i), vi = gsl_vector_get(s->v, i);
        if (ui * ui > s->u_top_weight) {
            s->u_top_weight = ui * ui;
            itop = i;
        }
        if (vi * vi > s->v_top_weight)
            s->v_top_weight = vi * vi;
    }
    s->u_top_degree = 0;
    for (size_t j = 0; j < N; j++)
        s->u_top_degree += gsl_matrix_get(s->A, itop, j);
    gsl_rng *rng = nb_rng(seed + 2);
    s->urand = gsl_vector_alloc(N);
    NB_TRY(lrs_conn_random_unit(rng, s->urand, &err), &err);
    gsl_rng_free(rng);
}

/* P.tsv and groups.tsv. */
static void jacobian_tsvs(const nb_args_t *a, const epi_params_t *p, const epi_study_t *s)
{
    size_t N = s->N, r = p->r_overlap;
    FILE *fp = nb_tsv(a, "P.tsv", "overlap matrix P = U_r^T V_r of J (top r singular vectors)",
                      "row\tcol\tP");
    fprintf(fp, "# r %zu\n", r);
    for (size_t i = 0; i < r; i++) {
        for (size_t j = 0; j < r; j++) {
            double v = gsl_matrix_get(s->P, i, j);
            fprintf(fp, "%zu\t%zu\t%.6f\n", i + 1, j + 1, fabs(v) < 5e-7 ? 0.0 : v);
        }
        fputc('\n', fp);
    }
    fp = nb_tsv(a, "groups.tsv", "display order of the students",
                "position\tnode\tgroup\tdegree\tx_star\tu\tv");
    for (size_t k = 0; k < N; k++) {
        size_t i = s->order[k];
        double deg = 0;
        for (size_t j = 0; j < N; j++)
            deg += gsl_matrix_get(s->A, i, j);
        fprintf(fp, "%zu\t%zu\t%zu\t%g\t%.8g\t%.8g\t%.8g\n", k + 1, i, s->group[i] + 1, deg,
                gsl_vector_get(s->xs, i), gsl_vector_get(s->u, i), gsl_vector_get(s->v, i));
    }
}

void epi_jacobian(const nb_args_t *a, const epi_params_t *p, epi_study_t *s)
{
    jacobian_svd(p, s);
    singular_pair(a->seed, s);
    jacobian_tsvs(a, p, s);
}

void epi_spectra(const nb_args_t *a, const epi_params_t *p, epi_study_t *s)
{
    lrs_err_t err = {0};
    size_t N = s->N;
    lrs_linear_t *L = NULL;
    const gsl_vector_complex *ev = NULL;
    NB_TRY(lrs_linear_alloc(&L, s->J, &err), &err);
    NB_TRY(lrs_linear_eig(L, &ev, &err), &err);
    s->evJ = gsl_vector_complex_alloc(N);
    gsl_vector_complex_memcpy(s->evJ, ev);
    NB_TRY(lrs_linear_max_real_eig(L, &s->max_re, &s->max_im, &err), &err);
    lrs_linear_free(L);
    FILE *fp = nb_tsv(a, "svals.tsv", "singular values of J and of W, descending",
                      "k\tsigma_J\tsigma_W");
    fprintf(fp, "# param: N %zu gamma %g\n", N, p->gamma);
    nb_write_columns(fp, s->sJ, s->sW, NULL);
    fp = nb_tsv(a, "eig_J.tsv", "eigenvalues of the Jacobian J at x*", "re\tim");
    fprintf(fp, "# param: max_re %.6g\n", s->max_re);
    for (size_t k = 0; k < N; k++) {
        gsl_complex z = gsl_vector_complex_get(s->evJ, k);
        fprintf(fp, "%.10g\t%.10g\n", GSL_REAL(z), GSL_IMAG(z));
    }
}

/* ------------------------------------------------------------------ step run */

/* Linear prediction of the step responses: in the steady state of
 * d(dx)/dt = J dx + diag(x* (1 - x*)) p, dx = -J^{-1} diag(x* (1 - x*)) p,
 * for p = amp v and p = amp u_rand (one LU factorisation of J, two solves). */
static void linear_step_norms(const epi_study_t *s, double amp, double *norm_v,
                              double *norm_rand)
{
    size_t N = s->N;
    gsl_matrix *LU = gsl_matrix_alloc(N, N);
    gsl_permutation *perm = gsl_permutation_alloc(N);
    gsl_vector *q = gsl_vector_alloc(N), *dx = gsl_vector_alloc(N);
    int sgn;
    gsl_matrix_memcpy(LU, s->J);
    gsl_linalg_LU_decomp(LU, perm, &sgn);
    const gsl_vector *dirs[2] = {s->v, s->urand};
    double *out[2] = {norm_v, norm_rand};
    for (int k = 0; k < 2; k++) {
        for (size_t i = 0; i < N; i++) {
            double x = gsl_vector_get(s->xs, i);
            gsl_vector_set(q, i, -amp * x * (1 - x) * gsl_vector_get(dirs[k], i));
        }
        gsl_linalg_LU_solve(LU, perm, q, dx);
        *out[k] = gsl_blas_dnrm2(dx);
    }
    gsl_matrix_free(LU);
    gsl_permutation_free(perm);
    gsl_vector_free(q);
    gsl_vector_free(dx);
}

/* Decimated per-student traces for the step-response panel: every
 * `every`-th state x - x* is kept (a bounded buffer, rows x N, allocated
 * before the run) and written afterwards in long format, one block per
 * student separated by blank lines, so that gnuplot draws all the traces
 * with a single pass over one file. */
typedef struct {
    size_t every, rows, N, count;
    double *buf;
} utrace_t;

static int utrace_observe(void *self, const lrs_block_t *b, lrs_err_t *err)
{
    (void)err;
    utrace_t *u = self;
    for (size_t i = 0; i < b->Z->size1; i++) {
        size_t n = b->n0 + i;
        if (n % u->every || u->count >= u->rows)
            continue;
        for (size_t j = 0; j < u->N; j++)
            u->buf[u->count * u->N + j] = gsl_matrix_get(b->Z, i, j);
        u->count++;
    }
    return 0;
}

/* A perturbed run from x* (the paper's forward Euler at step dt for T time
 * units; deviations measured from x*; Ctrl-C stops it). */
static lrs_epidemic_run_t perturbed_run(const epi_study_t *s, double dt, double T)
{
    lrs_epidemic_run_t run = lrs_epidemic_run_default();
    run.dt = dt;
    run.T = T;
    run.stepper = LRS_EPI_EULER;
    run.x0 = s->xs;
    run.xref = s->xs;
    run.stop = &nb_stop;
    return run;
}

/* The step-run parameters as a TSV header line (read by the .gp scripts). */
static void step_header(FILE *fp, const epi_params_t *p, double sign)
{
    fprintf(fp, "# p = %g %sv on [%g, %g), p = %g u_rand on [%g, %g); dt %g (forward Euler); "
                "v has a %s sum\n",
            p->step_amp, sign > 0 ? "" : "(-v) = -", p->on1, p->off1, p->step_amp, p->on2,
            p->off2, p->step_dt, sign > 0 ? "positive" : "negative");
    fprintf(fp, "# param: amp %g on1 %g off1 %g on2 %g off2 %g T %g dt %g sign %+g\n",
            p->step_amp, p->on1, p->off1, p->on2, p->off2, p->step_T, p->step_dt, sign);
}

/* One step run from x*: p = amp sign v on [on1, off1), amp u_rand on
 * [on2, off2).  ||x - x*|| into `trace` (one line per step), the decimated
 * per-student traces into ut (nullable); *norm_v, *norm_rand <- ||x - x*||
 * just before off1 and off2. */
static void step_run_once(const epi_params_t *p, const epi_study_t *s, double sign,
                          FILE *trace, utrace_t *ut, const char *what, double *norm_v,
                          double *norm_rand)
{
    lrs_err_t err = {0};
    size_t N = s->N, nt = (size_t)llround(p->step_T / p->step_dt);
    lrs_epidemic_t *ep = NULL;
    lrs_input_t *in = NULL;
    lrs_probe_t *probe = NULL;
    lrs_trace_t *tr = NULL;
    nb_progress_t prog;
    NB_TRY(lrs_epidemic_alloc(&ep, s->W, p->gamma, &err), &err);
    NB_TRY(lrs_input_alloc(&in, N, &err), &err);
    NB_TRY(lrs_input_add_step(in, p->on1, p->off1, sign * p->step_amp, s->v, &err), &err);
    NB_TRY(lrs_input_add_step(in, p->on2, p->off2, p->step_amp, s->urand, &err), &err);
    double times[2] = {p->off1, p->off2};
    NB_TRY(lrs_probe_alloc(&probe, N, times, 2, &err), &err);
    NB_TRY(lrs_trace_alloc(&tr, trace, 1, p->step_T + 1, 0, &err), &err);
    lrs_epidemic_run_t run = perturbed_run(s, p->step_dt, p->step_T);
    lrs_observer_t obs[4] = {lrs_probe_observer(probe), lrs_trace_observer(tr),
                             nb_progress_observer(&prog, what, nt), {utrace_observe, ut, 0}};
    NB_TRY(lrs_epidemic_run(ep, &run, in, obs, ut ? 4 : 3, &err), &err);
    nb_progress_done(&prog);
    NB_TRY(lrs_probe_norm(probe, 0, norm_v, &err), &err);
    NB_TRY(lrs_probe_norm(probe, 1, norm_rand, &err), &err);
    lrs_trace_free(tr);
    lrs_probe_free(probe);
    lrs_input_free(in);
    lrs_epidemic_free(ep);
}

void epi_step_run(const nb_args_t *a, const epi_params_t *p, epi_study_t *s)
{
    size_t N = s->N, nt = (size_t)llround(p->step_T / p->step_dt);
    /* The figure's run, with the sign convention of epi_jacobian. */
    FILE *fp = nb_tsv(a, "step_trace.tsv", "step responses: ||x(t) - x*||", "t\tnorm_dx");
    step_header(fp, p, +1.0);
    utrace_t ut = {2, (nt + 1) / 2, N, 0, NULL};
    ut.buf = xmalloc(ut.rows * N * sizeof *ut.buf);
    step_run_once(p, s, +1.0, fp, &ut, "step run", &s->norm_v, &s->norm_rand);
    fp = nb_tsv(a, "step_units.tsv", "step responses x_i(t) - x_i*, one block per student",
                "t\tdx_i (blocks in file order of the students, every 2nd step)");
    step_header(fp, p, +1.0);
    double *t = xmalloc((ut.count ? ut.count : 1) * sizeof *t);
    for (size_t r = 0; r < ut.count; r++)
        t[r] = (double)(r * ut.every) * p->step_dt;
    nb_write_traces(fp, ut.count, t, N, ut.buf, N, 0, "%.4g");
    free(t);
    free(ut.buf);
    s->response_ratio = s->norm_rand / s->norm_v;
    /* The same run with the other joint sign of (u, v): p = -amp v. */
    fp = nb_tsv(a, "step_trace_other_sign.tsv",
                "step responses with the other sign of v: ||x(t) - x*||", "t\tnorm_dx");
    step_header(fp, p, -1.0);
    step_run_once(p, s, -1.0, fp, NULL, "step run, other sign", &s->norm_v_other,
                  &s->norm_rand_other);
    s->response_ratio_other = s->norm_rand_other / s->norm_v_other;
    linear_step_norms(s, p->step_amp, &s->lin_norm_v, &s->lin_norm_rand);
}

/* ------------------------------------------------------------------ noise run */

/* Observer adapter: replaces the block's input p by the effective input the
 * states feel, q = p .* x .* (1 - x) with x = x* + dx, and hands the block
 * on.  In these terms the model reads d(dx)/dt = -dx + R + q, the analogue
 * of tau dz/dt = -z + W f(z) + x: suppression along a direction d shows as
 * R.d cancelling q.d. */
typedef struct {
    lrs_observer_t inner;
    const gsl_vector *xs;
    gsl_matrix *Q;
} qadapt_t;

static int qadapt_observe(void *self, const lrs_block_t *b, lrs_err_t *err)
{
    qadapt_t *qa = self;
    size_t rows = b->Z->size1, N = b->Z->size2;
    if (!qa->Q || qa->Q->size1 < rows) { /* once: blocks never grow */
        gsl_matrix_free(qa->Q);
        qa->Q = gsl_matrix_alloc(rows, N);
        if (!qa->Q)
            return lrs_err_set(err, LRS_ENOMEM, "q adapter: out of memory");
    }
    gsl_matrix_view Qv = gsl_matrix_submatrix(qa->Q, 0, 0, rows, N);
    const double *xs = qa->xs->data;
    size_t xstride = qa->xs->stride;
    for (size_t i = 0; i < rows; i++) {
        const double *z = gsl_matrix_const_ptr(b->Z, i, 0), *p = gsl_matrix_const_ptr(b->X, i, 0);
        double *q = gsl_matrix_ptr(&Qv.matrix, i, 0);
        for (size_t j = 0; j < N; j++) {
            double x = xs[j * xstride] + z[j];
            q[j] = p[j] * x * (1 - x);
        }
    }
    lrs_block_t bb = {b->n0, b->dt, b->Z, &Qv.matrix, b->R};
    return qa->inner.observe(qa->inner.self, &bb, err);
}

/* Scaled (correlation matrix: each unit standardised, as the authors do for
 * the epidemic, whose nodes fluctuate on very different scales) and raw
 * (for the directions) PCA of dx and p from their covariances; the angles of
 * dx's last PC to v and u; pcs.tsv. */
/* The scaled and raw PCA of one covariance (raw components if vectors). */
typedef struct {
    const lrs_cov_t *cov;
    lrs_pca_t *scaled, *raw;
    int vectors;
} pca_pair_t;

static int pca_pair_job(void *ctx)
{
    pca_pair_t *q = ctx;
    lrs_err_t err = {0};
    size_t N = q->scaled->var->size;
    gsl_matrix *C = gsl_matrix_alloc(N, N);
    NB_TRY(lrs_cov_get(q->cov, C, &err), &err);
    NB_TRY(lrs_pca_from_cov(q->scaled, C, 1, 0, &err), &err);
    NB_TRY(lrs_pca_from_cov(q->raw, C, 0, q->vectors, &err), &err);
    gsl_matrix_free(C);
    return 0;
}

static void noise_pca(const nb_args_t *a, const epi_params_t *p, epi_study_t *s,
                      const lrs_cov_t *cx, const lrs_cov_t *cp)
{
    lrs_err_t err = {0};
    size_t N = s->N;
    s->samples = lrs_cov_count(cx);
    NB_TRY(lrs_pca_alloc(&s->pca_x, N, &err), &err);
    NB_TRY(lrs_pca_alloc(&s->pca_p, N, &err), &err);
    NB_TRY(lrs_pca_alloc(&s->pca_x_raw, N, &err), &err);
    NB_TRY(lrs_pca_alloc(&s->pca_p_raw, N, &err), &err);
    /* dx's and p's eigendecompositions (O(N^3) each) side by side */
    pca_pair_t pairs[2] = {{cx, s->pca_x, s->pca_x_raw, 1}, {cp, s->pca_p, s->pca_p_raw, 0}};
    void *ctx[2] = {&pairs[0], &pairs[1]};
    nb_parallel(a->jobs, 2, pca_pair_job, ctx);
    gsl_vector_const_view last = gsl_matrix_const_column(s->pca_x_raw->pcs, N - 1);
    NB_TRY(lrs_spectra_line_angle_deg(&last.vector, s->v, &s->angle_lastpc_v_deg, &err), &err);
    NB_TRY(lrs_spectra_line_angle_deg(&last.vector, s->u, &s->angle_lastpc_u_deg, &err), &err);
    FILE *fp = nb_tsv(a, "pcs.tsv", "% variance explained by each PC",
                      "k\tdx_scaled\tp_scaled\tdx_raw\tp_raw");
    fprintf(fp, "# noise run: p = %g xi(t), tau_x %g, T %g, dt %g, statistics over t >= %g\n",
            p->noise_sigma, p->noise_tau_x, p->noise_T, p->noise_dt, s->t_discard);
    fprintf(fp, "# param: sigma %g tau_x %g T %g dt %g t_discard %g N %zu\n", p->noise_sigma,
            p->noise_tau_x, p->noise_T, p->noise_dt, s->t_discard, N);
    nb_write_columns(fp, s->pca_x->pct, s->pca_p->pct, s->pca_x_raw->pct, s->pca_p_raw->pct,
                     NULL);
}

void epi_noise_run(const nb_args_t *a, const epi_params_t *p, epi_study_t *s)
{
    lrs_err_t err = {0};
    size_t N = s->N;
    double t0 = lrs_wall_seconds();
    lrs_epidemic_t *ep = NULL;
    lrs_noise_t *nz = NULL;
    lrs_input_t *in = NULL;
    lrs_cov_t *cx = NULL, *cp = NULL;
    lrs_proj_t *proj = NULL;
    nb_progress_t prog;
    gsl_rng *rng = nb_rng(a->seed + 3);
    NB_TRY(lrs_epidemic_alloc(&ep, s->W, p->gamma, &err), &err);
    /* p(t) = sigma xi(t): N independent smooth Gaussian processes, unit
     * variance, Gaussian autocorrelation of width tau_x (lrs/noise.h), sampled
     * at the step grid (exact samples of one continuous path). */
    NB_TRY(lrs_noise_alloc(&nz, N, p->noise_tau_x, 1.0, p->noise_dt, rng, &err), &err);
    NB_TRY(lrs_input_alloc(&in, N, &err), &err);
    NB_TRY(lrs_input_add_noise(in, nz, p->noise_sigma, NULL, &err), &err);
    /* Statistics over t >= t_discard = discard_relax relaxation times. */
    s->t_discard = p->discard_relax * s->tau_lin;
    NB_TRY(lrs_cov_alloc(&cx, N, &err), &err);
    NB_TRY(lrs_cov_alloc(&cp, N, &err), &err);
    gsl_matrix *D = gsl_matrix_alloc(N, 3);
    gsl_matrix_set_col(D, 0, s->u);
    gsl_matrix_set_col(D, 1, s->v);
    gsl_matrix_set_col(D, 2, s->urand);
    NB_TRY(lrs_proj_alloc(&proj, D, LRS_PROJ_Z | LRS_PROJ_X | LRS_PROJ_R, s->t_discard, &err),
           &err);
    FILE *fp = nb_tsv(a, "proj_trace.tsv",
                      "projections on u, v, u_rand of dx = x - x*, q = p.*x.*(1-x), R",
                      "t\tdx_u\tdx_v\tdx_r\tq_u\tq_v\tq_r\tR_u\tR_v\tR_r");
    fprintf(fp, "# noise run: p = %g xi(t), tau_x %g, dt %g; R = (1-x).*(gamma W x) - x*\n",
            p->noise_sigma, p->noise_tau_x, p->noise_dt);
    fprintf(fp, "# param: sigma %g tau_x %g dt %g trace_T %g t_discard %g\n", p->noise_sigma,
            p->noise_tau_x, p->noise_dt, p->proj_trace_T, s->t_discard);
    size_t every = (size_t)llround(1.0 / p->noise_dt);
    NB_TRY(lrs_proj_set_trace(proj, fp, every ? every : 1, p->proj_trace_T, &err), &err);
    qadapt_t qa = {lrs_proj_observer(proj), s->xs, NULL};
    lrs_epidemic_run_t run = perturbed_run(s, p->noise_dt, p->noise_T);
    /* The two N x N covariances cost about as much as the sparse steps:
     * they run on a second thread (nb_async), one block behind. */
    lrs_observer_t covs[2] = {lrs_cov_observer(cx, LRS_FIELD_Z, s->t_discard),
                              lrs_cov_observer(cp, LRS_FIELD_X, s->t_discard)};
    nb_async_t *as = nb_async_start(covs, 2);
    lrs_observer_t obs[3] = {nb_async_observer(as), {qadapt_observe, &qa, 1},
                             nb_progress_observer(&prog, "noise run",
                                                  (size_t)llround(p->noise_T / p->noise_dt))};
    NB_TRY(lrs_epidemic_run(ep, &run, in, obs, 3, &err), &err);
    NB_TRY(nb_async_finish(as, &err), &err);
    nb_progress_done(&prog);
    gsl_matrix_free(qa.Q);

    for (size_t k = 0; k < 3; k++) {
        NB_TRY(lrs_proj_var(proj, LRS_FIELD_Z, k, &s->var_dx[k], &err), &err);
        NB_TRY(lrs_proj_corr(proj, LRS_FIELD_X, k, LRS_FIELD_R, k, &s->corr_qR[k], &err), &err);
    }
    noise_pca(a, p, s, cx, cp);
    s->noise_seconds = lrs_wall_seconds() - t0;
    gsl_matrix_free(D);
    lrs_proj_free(proj);
    lrs_cov_free(cx);
    lrs_cov_free(cp);
    lrs_input_free(in);
    lrs_noise_free(nz);
    lrs_epidemic_free(ep);
    gsl_rng_free(rng);
}

/* ------------------------------------------------------------------ summary */

/* One summary line with the values v[from .. from+n-1]. */
static void summary_list(const char *key, const gsl_vector *v, size_t from, size_t n,
                         const char *fmt)
{
    char buf[768];
    size_t len = 0;
    buf[0] = '\0';
    for (size_t k = from; k < from + n && k < v->size && len + 40 < sizeof buf; k++) {
        if (k > from)
            buf[len++] = ' ';
        len += (size_t)snprintf(buf + len, sizeof buf - len, fmt, gsl_vector_get(v, k));
    }
    nb_summary(key, "%s", buf);
}

void epi_summary(const nb_args_t *a, const epi_params_t *p, const epi_study_t *s)
{
    size_t N = s->N;
    double xmin = gsl_vector_min(s->xs), xmax = gsl_vector_max(s->xs);
    double xmean = 0;
    for (size_t i = 0; i < N; i++)
        xmean += gsl_vector_get(s->xs, i) / (double)N;
    nb_summary("data", "%s", s->source);
    nb_summary("N", "%zu", N);
    nb_summary("contacts", "%zu", s->edges);
    nb_summary("sigma_max_A", "%.4f", s->sigma_max);
    nb_summary("groups_within_fraction", "%.3f", s->within_frac);
    nb_summary("gamma", "%g", p->gamma);
    nb_summary("x_star_min_mean_max", "%.4f %.4f %.4f", xmin, xmean, xmax);
    nb_summary("newton_residual", "%.3g", s->newton_res);
    nb_summary("newton_iterations", "%zu", s->newton_iters);
    nb_summary("relaxed_to_fixed_point", "%.3g", s->relaxed_dist);
    nb_summary("relaxation_time", "%.4f", s->tau_lin);
    nb_summary("relaxation_fit_window", "t in [0, %g], d > %g, %zu samples, least squares on d",
               p->fit_t_hi, p->fit_floor, s->used_lin);
    nb_summary("relaxation_time_tail", "%.4f", s->tau_log);
    nb_summary("inv_abs_max_real_eig_J", "%.4f", 1.0 / fabs(s->max_re));
    nb_summary("max_real_eig_J", "%.4f", s->max_re);
    nb_summary("stable", "%d", s->max_re < 0);
    summary_list("svals_J_top5", s->sJ, 0, 5, "%.4f");
    nb_summary("sval_J_min", "%.4f", gsl_vector_get(s->sJ, N - 1));
    summary_list("svals_W_top10", s->sW, 0, 10, "%.4f");
    nb_summary("u_top_node_weight", "%.4f", s->u_top_weight);
    nb_summary("v_top_node_weight", "%.4f", s->v_top_weight);
    nb_summary("u_top_node_degree", "%g", s->u_top_degree);
    nb_summary("P_rank", "%zu", p->r_overlap);
    summary_list("P_svals", s->sP, 0, p->r_overlap, "%.6f");
    nb_summary("norm_dx_v", "%.4f", s->norm_v);
    nb_summary("norm_dx_rand", "%.4f", s->norm_rand);
    nb_summary("step_sign_convention", "v has a positive sum (sum v = %.4f): p = %g v raises "
               "infection", s->v_sum, p->step_amp);
    nb_summary("response_ratio", "%.3f", s->response_ratio);
    nb_summary("norm_dx_minus_v", "%.4f", s->norm_v_other);
    nb_summary("norm_dx_rand_other_sign", "%.4f", s->norm_rand_other);
    nb_summary("response_ratio_other_sign", "%.3f", s->response_ratio_other);
    nb_summary("linear_response_ratio", "%.3f", s->lin_norm_rand / s->lin_norm_v);
    nb_summary("noise_T", "%g", p->noise_T);
    nb_summary("t_discard", "%.3f", s->t_discard);
    nb_summary("noise_samples", "%zu", s->samples);
    summary_list("pc_pct_x_scaled_top5", s->pca_x->pct, 0, 5, "%.3f");
    summary_list("pc_pct_x_scaled_last3", s->pca_x->pct, N - 3, 3, "%.3g");
    summary_list("pc_pct_p_scaled_top5", s->pca_p->pct, 0, 5, "%.3f");
    summary_list("pc_pct_p_scaled_last3", s->pca_p->pct, N - 3, 3, "%.3g");
    nb_summary("participation_ratio_x_scaled", "%.1f",
               lrs_linear_participation_ratio(s->pca_x->var));
    nb_summary("participation_ratio_p_scaled", "%.1f",
               lrs_linear_participation_ratio(s->pca_p->var));
    nb_summary("var_ratio_rand_over_u", "%.3f", s->var_dx[2] / s->var_dx[0]);
    nb_summary("var_ratio_rand_over_v", "%.3f", s->var_dx[2] / s->var_dx[1]);
    nb_summary("angle_lastPC_v_deg", "%.2f", s->angle_lastpc_v_deg);
    nb_summary("corr_qu_Ru", "%.4f", s->corr_qR[0]);
    nb_summary("corr_qv_Rv", "%.4f", s->corr_qR[1]);
    nb_summary("corr_qrand_Rrand", "%.4f", s->corr_qR[2]);
    nb_summary("noise_run_seconds", "%.2f", s->noise_seconds);
    if (a->fast)
        nb_note("fast run (noise T = %g): the statistics and PC spectra are noisier than the "
                "default run's", p->noise_T);
}

void epi_free(epi_study_t *s)
{
    gsl_matrix_free(s->A);
    gsl_matrix_free(s->W);
    free(s->order);
    free(s->group);
    gsl_vector_free(s->x0);
    gsl_vector_free(s->xs);
    gsl_matrix_free(s->J);
    gsl_matrix_free(s->UJ);
    gsl_matrix_free(s->VJ);
    gsl_matrix_free(s->P);
    gsl_vector_free(s->sJ);
    gsl_vector_free(s->sW);
    gsl_vector_free(s->sP);
    gsl_vector_complex_free(s->evJ);
    gsl_vector_free(s->u);
    gsl_vector_free(s->v);
    gsl_vector_free(s->urand);
    lrs_pca_free(s->pca_x);
    lrs_pca_free(s->pca_p);
    lrs_pca_free(s->pca_x_raw);
    lrs_pca_free(s->pca_p_raw);
    memset(s, 0, sizeof *s);
}
