/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lrs-bench -- speed and memory benchmark of the Figure 1 noise workload
 * N units, W = c u u^T + rho G/sqrt(N) (c = -10, rho = 0.5),
 * smooth noise tau_x = 10, sigma_x = 1, z0 = 0.1 randn, duration T; noise,
 * simulation and PCA of z and x (covariance over every step), in three modes:
 *
 *   faithful          forward Euler at dt = 0.01 (lrs_sim, streaming)
 *   exact-integrator  exact propagator at step h (lrs_sim_exact, default
 *                     lrs_exact_default_step(tau_x)); same noise path
 *   exact-covariance  the exact stationary covariance (lrs_exact_cov), no
 *                     simulation at all
 *
 * Every measurement runs in a fresh child process (this program re-executed
 * with --child), so its wall time and peak RSS (getrusage) belong to that
 * mode alone.  BLAS runs on one thread in every mode (--threads K to
 * change): measured here, two threads gave no gain even for the N^3 parts
 * (dgemm N = 2000: 0.42 s on one thread, 0.40 s on two; lrs_exact_cov
 * N = 1000: 1.51 s vs 1.78 s).  Wall time = median of --reps runs; RSS = the largest.  The
 * PC spectrum of z of each run is compared with the exact covariance's:
 * median and largest relative deviation over the PCs.  For a finite run this
 * deviation is mostly sampling error (about T / (sqrt(pi) tau_x) independent
 * input samples); the exact integrator is also compared with the faithful run
 * of the same seed ("vs faithful": discretisation only).
 *
 * Output: a readable table, and per row one line
 *   bench mode=<m> N=<n> T=<t> wall_s=<x> rss_mb=<y> median_dev=<d> max_dev=<e>
 * plus, for the exact integrator,
 *   bench-compare mode=exact-integrator N=<n> T=<t> h=<h> median_dev_vs_faithful=<d> max_dev_vs_faithful=<e>
 *
 * and, for the first size, two seeds run at once (bench_two_seeds):
 *   bench-two-seeds N=<n> T=<t> one_seed_s=<x> one_seed_serial_s=<y> two_seeds_s=<z>
 *                   two_seeds_cpu_s=<c> ratio=<z/x> ratio_serial=<z/y>
 *
 * Last, the nonlinear step (bench_steps): one Euler step of a tanh network of
 * --step-n units (default 500) with zero input and no observers, in double
 * (lrs_sim), in float32 (LRS_SIM_FLOAT32) and batched (lrs_sim_batch_alloc,
 * K = 2, 3, 4 float32 trajectories sharing W: one pass over W per step).
 * Each step is one product with W (2 K N^2 flops) plus O(K N) work (tanh,
 * the update).  Two limits of the machine, both measured on one thread:
 *   peak: a single-threaded dgemm / sgemm (N = 1000, 2 N^3 flops; best of 3)
 *     and an FMA loop (12 independent 8-wide float FMA chains: the units'
 *     rate; double is half of it, 4 lanes per instruction; for float, 24
 *     16-wide chains instead when the float kernels run their AVX-512 path);
 *   bandwidth: repeated reads of a buffer of W's size (8 N^2 bytes in
 *     double, 4 N^2 in float), summed with vector loads (best of 5).
 * A step reads W once: 8 N^2 or 4 N^2 bytes for 2 K N^2 flops, so the
 * roofline limit is min(FMA rate, bandwidth x flops per byte) (Williams,
 * Waterman & Patterson, CACM 52(4), 2009).  At N = 500 a float W (1 MB)
 * does not stay in a Zen 4 core's 1 MB L2 next to the rest, so one vector
 * is bound by the bandwidth, not by the FMA units.  Printed:
 *   bench-peak dgemm_gflops=<d> sgemm_gflops=<s> fma_gflops_double=<a>
 *              fma_gflops_float=<b>
 *   bench-bandwidth bytes_double=<n> gbs_double=<x> bytes_float=<m> gbs_float=<y>
 *   bench-step kind=<double|float|float-batch2|float-batch3|float-batch4|
 *              float-h16|float-h16-batch2> N=<n>
 *              K=<k> ns_per_step=<t> ns_per_trajectory_step=<t/K> gflops=<g>
 *              frac_peak=<g/gemm peak> roofline_gflops=<l> frac_roofline=<g/l>
 * (peak = dgemm's for double, sgemm's for float; frac_roofline: of the
 * product's limit, so the step's O(K N) work counts against it).
 *
 * Usage: lrs-bench [--quick] [--reps R] [--sizes 200,500,...] [--faithful-max-n N]
 *                  [--long-T T] [--seed S] [--h H] [--no-two-seeds] [--step-n N]
 *                  [--no-steps | --steps-only]
 *        lrs-bench --child MODE --N n --T t [--seed S] [--h H] [--threads K] [--serial]
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <gsl/gsl_cblas.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>

#include "lrs/common.h"
#include "lrs/connectivity.h"
#include "lrs/exact.h"
#include "lrs/noise.h"
#include "lrs/pca.h"
#include "lrs/sim.h"
#include "../kernel.h" /* which path the float kernels take (private header) */

#define TAU_X 10.0
#define SIGMA_X 1.0
#define C_LOWRANK (-10.0)
#define RHO 0.5
#define DT 0.01
#define Z0_SD 0.1

static void die(const char *what, const lrs_err_t *err)
{
    fprintf(stderr, "lrs-bench: %s: %s\n", what, err ? err->msg : strerror(errno));
    exit(1);
}

static double parse_num(const char *opt, const char *s)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end) {
        fprintf(stderr, "lrs-bench: %s: not a number ('%s')\n", opt, s);
        exit(2);
    }
    return v;
}

/* ------------------------------------------------------------------ child */

/* The Figure 1 network and initial state from one generator (network first). */
static gsl_matrix *fig1_network(size_t N, gsl_rng *rng, gsl_vector *z0, lrs_err_t *err)
{
    gsl_matrix *W = gsl_matrix_calloc(N, N);
    gsl_vector *u = gsl_vector_alloc(N), *v = gsl_vector_alloc(N);
    if (!W || !u || !v)
        die("out of memory", NULL);
    if (lrs_conn_rank1_vectors(rng, LRS_RANK1_NORMAL, u, v, err) ||
        lrs_conn_add_rank1(W, C_LOWRANK, u, v, err) || lrs_conn_add_gaussian(W, RHO, rng, err))
        die("network", err);
    for (size_t i = 0; i < N; i++)
        gsl_vector_set(z0, i, Z0_SD * gsl_ran_gaussian(rng, 1.0));
    gsl_vector_free(u);
    gsl_vector_free(v);
    return W;
}

static int child(const char *mode, size_t N, double T, unsigned long seed, double h, int threads,
                 int serial)
{
    lrs_err_t err;
    double t0 = lrs_wall_seconds();
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, seed);
    gsl_vector *z0 = gsl_vector_alloc(N), *pz = gsl_vector_alloc(N);
    gsl_matrix *W = fig1_network(N, rng, z0, &err);
    const char *extra = "";
    char infobuf[64];
    if (!strcmp(mode, "exact-covariance")) {
        lrs_blas_set_threads(threads > 0 ? threads : 1);
        lrs_exact_info_t info;
        if (lrs_exact_cov(W, 1.0, NULL, TAU_X, SIGMA_X, LRS_EXACT_AUTO, NULL, pz, &info, &err))
            die("exact covariance", &err);
        snprintf(infobuf, sizeof infobuf, "%s,%.3fs", lrs_exact_route_name(info.route),
                 info.seconds);
        extra = infobuf;
    } else {
        lrs_blas_set_threads(threads > 0 ? threads : 1);
        int exact = !strcmp(mode, "exact-integrator");
        if (!exact && strcmp(mode, "faithful")) {
            fprintf(stderr, "lrs-bench: unknown mode '%s'\n", mode);
            return 2;
        }
        double step = exact ? h : DT;
        lrs_noise_t *noise = NULL;
        lrs_input_t *in = NULL;
        lrs_cov_t *cz = NULL, *cx = NULL;
        lrs_pca_t *pca = NULL;
        gsl_matrix *C = gsl_matrix_alloc(N, N);
        if (lrs_noise_alloc(&noise, N, TAU_X, SIGMA_X, step, rng, &err) ||
            lrs_input_alloc(&in, N, &err) || lrs_input_add_noise(in, noise, 1.0, NULL, &err) ||
            lrs_cov_alloc(&cz, N, &err) || lrs_cov_alloc(&cx, N, &err) ||
            lrs_pca_alloc(&pca, N, &err))
            die("setup", &err);
        lrs_observer_t obs[2] = {lrs_cov_observer(cz, LRS_FIELD_Z, 0.0),
                                 lrs_cov_observer(cx, LRS_FIELD_X, 0.0)};
        lrs_sim_params_t p = lrs_sim_params_default();
        p.W = W;
        p.tau = 1.0;
        p.dt = step;
        p.T = T;
        p.z0 = z0;
        p.serial = serial;
        p.method = exact ? lrs_sim_exact : lrs_sim_euler;
        lrs_sim_t *s = NULL;
        if (lrs_sim_alloc(&s, &p, &err))
            die(exact ? "exact propagator" : "Euler simulation", &err);
        if (lrs_sim_run(s, in, obs, 2, &err))
            die(exact ? "exact integrator" : "Euler simulation", &err);
        lrs_sim_free(s);
        if (lrs_cov_get(cx, C, &err) || lrs_pca_from_cov(pca, C, 0, 0, &err))
            die("PCA of x", &err);
        if (lrs_cov_get(cz, C, &err) || lrs_pca_from_cov(pca, C, 0, 0, &err))
            die("PCA of z", &err);
        gsl_vector_memcpy(pz, pca->var);
        lrs_pca_free(pca);
        lrs_cov_free(cz);
        lrs_cov_free(cx);
        lrs_input_free(in);
        lrs_noise_free(noise);
        gsl_matrix_free(C);
    }
    double wall = lrs_wall_seconds() - t0;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double cpu = (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec +
                 (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec;
    printf("child wall_s=%.6f rss_mb=%.3f cpu_s=%.6f info=%s\n", wall, lrs_peak_rss_mb(), cpu,
           extra);
    for (size_t k = 0; k < N; k++)
        printf("z %zu %.17g\n", k + 1, gsl_vector_get(pz, k));
    gsl_matrix_free(W);
    gsl_vector_free(z0);
    gsl_vector_free(pz);
    gsl_rng_free(rng);
    return 0;
}

/* ------------------------------------------------------------------ parent */

typedef struct {
    double wall, rss, cpu;
    char info[64];
    double *pc; /* N PC variances of z */
} run_t;

static char self_path[PATH_MAX];

/* Start one child (popen); its output is read by finish_child.  The child's
 * output is a few kB, well inside a pipe buffer, so several children can run
 * at once and be read one after the other. */
static FILE *start_child(const char *mode, size_t N, double T, unsigned long seed, double h,
                         int threads, int serial, char *cmd, size_t cmdsize)
{
    snprintf(cmd, cmdsize,
             "'%s' --child %s --N %zu --T %.17g --seed %lu --h %.17g --threads %d%s", self_path,
             mode, N, T, seed, h, threads, serial ? " --serial" : "");
    return popen(cmd, "r");
}

static int finish_child(FILE *fp, const char *cmd, size_t N, run_t *r)
{
    r->pc = calloc(N, sizeof *r->pc);
    char line[512];
    int ok = 0;
    size_t got = 0;
    while (fgets(line, sizeof line, fp)) {
        size_t k;
        double v;
        if (sscanf(line, "child wall_s=%lf rss_mb=%lf cpu_s=%lf info=%63s", &r->wall, &r->rss,
                   &r->cpu, r->info) >= 3)
            ok = 1;
        else if (sscanf(line, "z %zu %lf", &k, &v) == 2 && k >= 1 && k <= N) {
            r->pc[k - 1] = v;
            got++;
        }
    }
    int st = pclose(fp);
    if (!ok || got != N || st != 0) {
        fprintf(stderr, "lrs-bench: child '%s' failed (status %d)\n", cmd, st);
        return -1;
    }
    return 0;
}

static int run_child(const char *mode, size_t N, double T, unsigned long seed, double h,
                     int threads, int serial, run_t *r)
{
    char cmd[PATH_MAX + 256];
    FILE *fp = start_child(mode, N, T, seed, h, threads, serial, cmd, sizeof cmd);
    if (!fp)
        return -1;
    return finish_child(fp, cmd, N, r);
}

static double median(double *v, size_t n)
{
    gsl_sort(v, 1, n);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* median and max over k of |a_k - ref_k| / ref_k */
static void deviations(const double *a, const double *ref, size_t N, double *med, double *mx)
{
    double *d = malloc(N * sizeof *d);
    *mx = 0;
    for (size_t k = 0; k < N; k++) {
        d[k] = fabs(a[k] - ref[k]) / ref[k];
        if (d[k] > *mx)
            *mx = d[k];
    }
    *med = median(d, N);
    free(d);
}

/* Run one row: reps children; returns the spectrum of the first run in pc_out
 * (caller frees) and prints the row against ref (NULL: this is the reference). */
static int bench_row(const char *mode, size_t N, double T, unsigned long seed, double h, int reps,
                     const double *ref, double **pc_out, double *wall_out)
{
    run_t *runs = calloc((size_t)reps, sizeof *runs);
    double *walls = malloc((size_t)reps * sizeof *walls), rss = 0;
    double *cpus = malloc((size_t)reps * sizeof *cpus);
    for (int i = 0; i < reps; i++) {
        if (run_child(mode, N, T, seed, h, 0, 0, &runs[i])) {
            for (int j = 0; j <= i; j++)
                free(runs[j].pc);
            free(runs);
            free(walls);
            free(cpus);
            return -1;
        }
        walls[i] = runs[i].wall;
        cpus[i] = runs[i].cpu;
        if (runs[i].rss > rss)
            rss = runs[i].rss;
    }
    double wall = median(walls, (size_t)reps), cpu = median(cpus, (size_t)reps), med = 0, mx = 0;
    if (ref)
        deviations(runs[0].pc, ref, N, &med, &mx);
    char step[96] = "";
    if (!strcmp(mode, "faithful"))
        snprintf(step, sizeof step, "dt=%g", DT);
    else if (!strcmp(mode, "exact-integrator"))
        snprintf(step, sizeof step, "h=%g", h);
    else
        snprintf(step, sizeof step, "%s", runs[0].info);
    printf("| %-17s | %5zu | %7g | %-14s | %9.3f | %8.3f | %8.1f | %10.4f | %9.4f |\n", mode, N, T,
           step, wall, cpu, rss, med, mx);
    printf("bench mode=%s N=%zu T=%g wall_s=%.4f rss_mb=%.1f median_dev=%.6g max_dev=%.6g\n", mode,
           N, T, wall, rss, med, mx);
    fflush(stdout);
    *pc_out = runs[0].pc;
    for (int i = 1; i < reps; i++)
        free(runs[i].pc);
    if (wall_out)
        *wall_out = wall;
    free(runs);
    free(walls);
    free(cpus);
    return 0;
}

/*
 * Two independent seeds at once (the goal: a run with two independent seeds
 * uses both cores and takes little more than one).  One faithful run of
 * seed S alone (default: the simulation hands observers to a helper thread,
 * so it already keeps two cores partly busy), then seeds S and S + 1
 * started together, each serial (p.serial: one thread per run, as the figure
 * programs do when --jobs runs several simulations at once).  Reports the
 * wall time of the pair (from the first start to the last finish) against
 * the single run's, median of reps.
 */
static int bench_two_seeds(size_t N, double T, unsigned long seed, double h, int reps)
{
    double *one = malloc((size_t)reps * sizeof *one), *ser = malloc((size_t)reps * sizeof *ser);
    double *two = malloc((size_t)reps * sizeof *two), *cpu2 = malloc((size_t)reps * sizeof *cpu2);
    double rss = 0;
    int rc = 0;
    for (int i = 0; i < reps && !rc; i++) {
        run_t r1 = {0}, rs = {0}, ra = {0}, rb = {0};
        char cmda[PATH_MAX + 256], cmdb[PATH_MAX + 256];
        if (run_child("faithful", N, T, seed, h, 0, 0, &r1) ||
            run_child("faithful", N, T, seed, h, 0, 1, &rs))
            rc = -1;
        double t0 = lrs_wall_seconds();
        FILE *fa = rc ? NULL : start_child("faithful", N, T, seed, h, 0, 1, cmda, sizeof cmda);
        FILE *fb = rc ? NULL : start_child("faithful", N, T, seed + 1, h, 0, 1, cmdb, sizeof cmdb);
        if (fa && finish_child(fa, cmda, N, &ra))
            rc = -1;
        if (fb && finish_child(fb, cmdb, N, &rb))
            rc = -1;
        if (!rc && (!fa || !fb))
            rc = -1;
        one[i] = r1.wall;
        ser[i] = rs.wall;
        two[i] = lrs_wall_seconds() - t0;
        cpu2[i] = ra.cpu + rb.cpu;
        rss = fmax(rss, fmax(ra.rss, rb.rss));
        free(r1.pc);
        free(rs.pc);
        free(ra.pc);
        free(rb.pc);
    }
    if (!rc) {
        double w1 = median(one, (size_t)reps), ws = median(ser, (size_t)reps);
        double w2 = median(two, (size_t)reps), c2 = median(cpu2, (size_t)reps);
        printf("\ntwo independent seeds (faithful, N = %zu, T = %g; wall = median of %d):\n"
               "  one seed:                        %6.3f s (simulation + helper thread)\n"
               "  one seed, serial:                %6.3f s (one thread)\n"
               "  seeds %lu and %lu at once, serial:  %6.3f s for both = %.2f x one serial seed, "
               "%.2f x one seed\n"
               "  the pair's CPU time:             %6.3f s = %.2f cores busy (%.1f MB each)\n",
               N, T, reps, w1, ws, seed, seed + 1, w2, w2 / ws, w2 / w1, c2, c2 / w2, rss);
        printf("bench-two-seeds N=%zu T=%g one_seed_s=%.4f one_seed_serial_s=%.4f "
               "two_seeds_s=%.4f two_seeds_cpu_s=%.4f ratio=%.4f ratio_serial=%.4f\n",
               N, T, w1, ws, w2, c2, w2 / w1, w2 / ws);
        fflush(stdout);
    }
    free(one);
    free(two);
    free(cpu2);
    free(ser);
    return rc;
}

/* ------------------------------------------------------------------ steps */

/* Single-threaded GEMM rate (GFLOP/s, best of 3) at n = 1000: the peak. */
static void gemm_peaks(double *dpeak, double *speak)
{
    const size_t n = 1000;
    double *A = malloc(n * n * sizeof *A), *C = malloc(n * n * sizeof *C);
    float *Af = malloc(n * n * sizeof *Af), *Cf = malloc(n * n * sizeof *Cf);
    if (!A || !C || !Af || !Cf)
        die("out of memory", NULL);
    for (size_t i = 0; i < n * n; i++)
        Af[i] = (float)(A[i] = 1e-3 * (double)(i % 997));
    *dpeak = *speak = 0;
    for (int r = 0; r < 3; r++) {
        double t = lrs_wall_seconds();
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)n, (int)n, 1.0, A,
                    (int)n, A, (int)n, 0.0, C, (int)n);
        t = lrs_wall_seconds() - t;
        *dpeak = fmax(*dpeak, 2e-9 * (double)n * n * n / t);
        t = lrs_wall_seconds();
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)n, (int)n, 1.0f, Af,
                    (int)n, Af, (int)n, 0.0f, Cf, (int)n);
        t = lrs_wall_seconds() - t;
        *speak = fmax(*speak, 2e-9 * (double)n * n * n / t);
    }
    free(A);
    free(C);
    free(Af);
    free(Cf);
}

/* ---- the machine's limits for the step rows */

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define BENCH_X86 1

/* GFLOP/s of CHAINS independent chains of LANES-wide float FMAs (the
 * accumulators and 2 constants fit the vector registers; that many chains
 * hide the FMA latency on two FMA units): the FMA units' rate.  The 8-wide
 * loop (12 chains, ymm) is the rate of the AVX2 paths; double is half of it
 * (4 lanes).  The 16-wide loop (24 chains, zmm) is the rate of the float
 * kernels' AVX-512 path, which a core with 512-bit FMA units runs at up to
 * twice the 8-wide rate.  FIRST extracts lane 0 so the result is used. */
#define FMA_RATE(NAME, TARGET, VEC, SET1, FMADD, FIRST, LANES, CHAINS, ITERS)        \
    __attribute__((target(TARGET))) static double NAME(void)                         \
    {                                                                                \
        VEC a[CHAINS], m = SET1(0.999999f), c = SET1(1e-7f);                         \
        for (int q = 0; q < (CHAINS); q++)                                           \
            a[q] = SET1((float)q);                                                   \
        double t = lrs_wall_seconds();                                              \
        for (long i = 0; i < (ITERS); i++)                                           \
            _Pragma("GCC unroll 24") for (int q = 0; q < (CHAINS); q++)              \
                a[q] = FMADD(a[q], m, c);                                            \
        t = lrs_wall_seconds() - t;                                                  \
        float sink = 0;                                                              \
        for (int q = 0; q < (CHAINS); q++)                                           \
            sink += FIRST(a[q]);                                                     \
        if (sink == 1234.5f)                                                         \
            printf(" ");                                                             \
        return 2e-9 * (LANES) * (CHAINS) * (double)(ITERS) / t;                      \
    }
FMA_RATE(fma_rate, "avx2,fma", __m256, _mm256_set1_ps, _mm256_fmadd_ps, _mm256_cvtss_f32, 8, 12,
         20000000L)
FMA_RATE(fma_rate512, "avx512f", __m512, _mm512_set1_ps, _mm512_fmadd_ps, _mm512_cvtss_f32, 16,
         24, 10000000L)

/* Sum of n floats with 256-bit loads into four independent accumulators:
 * bound by the read bandwidth, not the adds. */
__attribute__((target("avx2"))) static float read_sum(const float *x, size_t n)
{
    __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        s0 = _mm256_add_ps(s0, _mm256_loadu_ps(x + i));
        s1 = _mm256_add_ps(s1, _mm256_loadu_ps(x + i + 8));
        s2 = _mm256_add_ps(s2, _mm256_loadu_ps(x + i + 16));
        s3 = _mm256_add_ps(s3, _mm256_loadu_ps(x + i + 24));
    }
    __m256 s = _mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3));
    float out[8], r = 0;
    _mm256_storeu_ps(out, s);
    for (int l = 0; l < 8; l++)
        r += out[l];
    for (; i < n; i++)
        r += x[i];
    return r;
}

static int bench_avx2(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#endif

/* GB/s of repeated reads of `bytes` bytes (best of 5 rounds of ~0.2 s);
 * 0 where the vector loop is not available. */
static double read_bandwidth(size_t bytes)
{
    double best = 0;
#ifdef BENCH_X86
    if (!bench_avx2())
        return 0;
    size_t n = bytes / sizeof(float);
    float *x = malloc(n * sizeof *x);
    if (!x)
        die("out of memory", NULL);
    for (size_t i = 0; i < n; i++)
        x[i] = 1e-6f * (float)(i % 1000);
    size_t reps = (size_t)(2e8 / (double)bytes) + 1;
    volatile float sink = 0;
    for (int r = 0; r < 5; r++) {
        double t = lrs_wall_seconds();
        for (size_t k = 0; k < reps; k++)
            sink += read_sum(x, n);
        t = lrs_wall_seconds() - t;
        best = fmax(best, 1e-9 * (double)bytes * (double)reps / t);
    }
    (void)sink;
    free(x);
#else
    (void)bytes;
#endif
    return best;
}

/* Seconds per step of an input-free tanh run of K <= 4 trajectories (one
 * batch) of `steps` steps in the given precision, best of reps. */
static double step_seconds(const gsl_matrix *W, size_t K, lrs_sim_precision_t prec, size_t steps,
                           int reps)
{
    lrs_err_t err;
    size_t N = W->size1;
    double best = INFINITY;
    lrs_input_t *in[4] = {NULL, NULL, NULL, NULL};
    gsl_vector *z0 = gsl_vector_alloc(N);
    for (size_t i = 0; i < N; i++)
        gsl_vector_set(z0, i, 0.5 * sin((double)i));
    const gsl_vector *z0s[4] = {z0, z0, z0, z0};
    for (int k = 0; k < 4; k++)
        if (lrs_input_alloc(&in[k], N, &err))
            die("input", &err);
    for (int r = 0; r < reps; r++) {
        lrs_sim_params_t p = lrs_sim_params_default();
        lrs_sim_t *s = NULL;
        p.W = W;
        p.f = LRS_F_TANH;
        p.T = (double)steps * p.dt;
        p.serial = 1;
        p.precision = prec;
        if (lrs_sim_batch_alloc(&s, &p, K, z0s, NULL, &err))
            die("lrs_sim_batch_alloc", &err);
        double t = lrs_wall_seconds();
        if (lrs_sim_batch_run(s, in, NULL, NULL, &err))
            die("lrs_sim_batch_run", &err);
        t = lrs_wall_seconds() - t;
        lrs_sim_free(s);
        best = fmin(best, t / (double)steps);
    }
    for (int k = 0; k < 4; k++)
        lrs_input_free(in[k]);
    gsl_vector_free(z0);
    return best;
}

/* The machine's limits for the step rows (see the header comment): gemm
 * and FMA peaks (GFLOP/s), read bandwidth of a W-sized buffer (GB/s). */
typedef struct limits {
    double dgemm, sgemm, fma_d, fma_s, bw_d, bw_s, bw_h;
} limits_t;

static limits_t measure_limits(size_t N)
{
    limits_t L;
    gemm_peaks(&L.dgemm, &L.sgemm);
    L.fma_d = L.fma_s = 0;
#ifdef BENCH_X86
    if (bench_avx2()) {
        L.fma_s = fma_rate();
        L.fma_d = L.fma_s / 2; /* same instructions, half the lanes */
        /* the float steps run the kernels' AVX-512 path where there is one */
        if (lrs_kernel_simd() == LRS_KERNEL_AVX512)
            L.fma_s = fmax(L.fma_s, fma_rate512());
    }
#endif
    L.bw_d = read_bandwidth(8 * N * N);
    L.bw_s = read_bandwidth(4 * N * N);
    L.bw_h = read_bandwidth(2 * N * N);
    return L;
}

/* Roofline limit (GFLOP/s) of a step of K vectors with W in `bytes` bytes
 * per entry (8 double, 4 float, 2 binary16): min(FMA rate, bandwidth x
 * 2 K N^2 / (bytes of W)).  The FMA rate is the larger of the FMA loop and
 * the gemm peak: the gemm reaches the units' rate too, so a loop disturbed by
 * another process cannot set a roofline below what the gemm achieved. */
static double roofline(const limits_t *L, int bytes, size_t K)
{
    int dbl = bytes == 8;
    double fma = dbl ? fmax(L->fma_d, L->dgemm) : fmax(L->fma_s, L->sgemm);
    double bw = dbl ? L->bw_d : bytes == 4 ? L->bw_s : L->bw_h;
    double per_byte = 2.0 * (double)K / bytes;
    return bw > 0 ? fmin(fma, bw * per_byte) : fma;
}

/* The tanh step rows (see the header comment). */
static void bench_steps(size_t N, unsigned long seed, int quick)
{
    lrs_err_t err;
    limits_t L = measure_limits(N);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, seed);
    gsl_matrix *W = gsl_matrix_calloc(N, N), *Wh = gsl_matrix_alloc(N, N);
    if (lrs_conn_add_gaussian(W, RHO, rng, &err))
        die("network", &err);
    gsl_matrix_memcpy(Wh, W); /* the same network rounded to binary16 */
    if (lrs_conn_round_binary16(Wh, &err))
        die("network", &err);
    size_t steps = quick ? 2000 : 20000;
    int reps = quick ? 1 : 3;
    printf("\ntanh step, N = %zu, zero input, no observers (best of %d x %zu steps, wall time)\n"
           "peak (one thread): dgemm %.1f, sgemm %.1f GFLOP/s (N = 1000); FMA loop %.1f (double), "
           "%.1f (float) GFLOP/s\n"
           "read bandwidth (one thread) of W's bytes: %.1f GB/s (%zu B, double), %.1f GB/s "
           "(%zu B, float), %.1f GB/s (%zu B, binary16)\n"
           "roofline = min(FMA loop, bandwidth x 2 K N^2 / bytes of W): the product's limit\n"
           "h16: W rounded to binary16, which the float32 simulator keeps in 16 bits (AVX-512)\n",
           N, reps, steps, L.dgemm, L.sgemm, L.fma_d, L.fma_s, L.bw_d, 8 * N * N, L.bw_s, 4 * N * N,
           L.bw_h, 2 * N * N);
    printf("bench-peak dgemm_gflops=%.2f sgemm_gflops=%.2f fma_gflops_double=%.2f "
           "fma_gflops_float=%.2f\n", L.dgemm, L.sgemm, L.fma_d, L.fma_s);
    printf("bench-bandwidth bytes_double=%zu gbs_double=%.2f bytes_float=%zu gbs_float=%.2f "
           "bytes_h16=%zu gbs_h16=%.2f\n", 8 * N * N, L.bw_d, 4 * N * N, L.bw_s, 2 * N * N, L.bw_h);
    printf("| %-16s | %2s | %10s | %13s | %8s | %9s | %8s | %9s |\n", "kind", "K", "ns/step",
           "ns/traj. step", "GFLOP/s", "frac_gemm", "roofline", "frac_roof");
    printf("|------------------|----|------------|---------------|----------|-----------|----------|"
           "-----------|\n");
    const char *kind[7] = {"double",       "float",        "float-batch2",    "float-batch3",
                           "float-batch4", "float-h16",    "float-h16-batch2"};
    const size_t Ks[7] = {1, 1, 2, 3, 4, 1, 2};
    const int bytes[7] = {8, 4, 4, 4, 4, 2, 2};
    int have_h16 = lrs_kernel_simd() == LRS_KERNEL_AVX512; /* else h16 = float */
    for (int i = 0; i < (have_h16 ? 7 : 5); i++) {
        size_t K = Ks[i];
        int dbl = i == 0;
        double t = step_seconds(bytes[i] == 2 ? Wh : W, K, dbl ? LRS_SIM_DOUBLE : LRS_SIM_FLOAT32,
                                steps, reps);
        double gf = 2e-9 * (double)K * (double)N * (double)N / t;
        double frac = gf / (dbl ? L.dgemm : L.sgemm), roof = roofline(&L, bytes[i], K);
        printf("| %-16s | %2zu | %10.0f | %13.0f | %8.2f | %9.3f | %8.1f | %9.3f |\n", kind[i], K,
               1e9 * t, 1e9 * t / (double)K, gf, frac, roof, gf / roof);
        printf("bench-step kind=%s N=%zu K=%zu ns_per_step=%.0f ns_per_trajectory_step=%.0f "
               "gflops=%.3f frac_peak=%.4f roofline_gflops=%.3f frac_roofline=%.4f\n",
               kind[i], N, K, 1e9 * t, 1e9 * t / (double)K, gf, frac, roof, gf / roof);
    }
    gsl_matrix_free(W);
    gsl_matrix_free(Wh);
    gsl_rng_free(rng);
}

static void header(void)
{
    printf("| %-17s | %5s | %7s | %-14s | %9s | %8s | %8s | %10s | %9s |\n", "mode", "N", "T",
           "step", "wall_s", "cpu_s", "rss_mb", "median_dev", "max_dev");
    printf("|-------------------|-------|---------|----------------|-----------|----------|----------|"
           "------------|-----------|\n");
}

/* Command-line settings (see --help). */
typedef struct bench_opts {
    const char *child_mode;
    size_t N;
    double T, h, long_T, faithful_max_n;
    unsigned long seed;
    int reps, threads, quick, serial, two_seeds, steps;
    size_t step_n;
    size_t sizes[16], nsizes;
} bench_opts_t;

static void usage(void)
{
    printf("usage: lrs-bench [--quick] [--reps R] [--sizes 200,500,1000,2000]\n"
           "                 [--faithful-max-n N] [--long-T T] [--seed S] [--h H]\n"
           "                 [--no-two-seeds] [--step-n N] [--no-steps | --steps-only]\n"
           "Figure 1 noise workload in faithful, exact-integrator and exact-covariance\n"
           "modes; each measurement in its own process (wall = median of R runs).\n"
           "Then two seeds of the faithful run at once against one (both cores).\n"
           "Last, the tanh step (N = 500) in double, float and batched float (K = 2, 3, 4)\n"
           "against the dgemm/sgemm peak and the roofline (FMA rate, read bandwidth).\n"
           "--quick: one run of N = 200 per mode, no T = 50000 row, no two-seed row.\n");
}

/* Fills o from argv; -1 to go on, else the exit code (0 after --help, 2 on
 * an unknown option). */
static int parse_args(int argc, char **argv, bench_opts_t *o)
{
    *o = (bench_opts_t){.N = 200, .T = 5000, .h = lrs_exact_default_step(TAU_X),
                        .long_T = 50000, .faithful_max_n = 500, .seed = 1, .reps = 3,
                        .two_seeds = 1, .steps = 1, .step_n = 500,
                        .sizes = {200, 500, 1000, 2000}, .nsizes = 4};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int more = i + 1 < argc;
        if (!strcmp(a, "--child") && more)
            o->child_mode = argv[++i];
        else if (!strcmp(a, "--N") && more)
            o->N = (size_t)parse_num(a, argv[++i]);
        else if (!strcmp(a, "--T") && more)
            o->T = parse_num(a, argv[++i]);
        else if (!strcmp(a, "--seed") && more)
            o->seed = (unsigned long)parse_num(a, argv[++i]);
        else if (!strcmp(a, "--h") && more)
            o->h = parse_num(a, argv[++i]);
        else if (!strcmp(a, "--threads") && more)
            o->threads = (int)parse_num(a, argv[++i]);
        else if (!strcmp(a, "--reps") && more)
            o->reps = (int)parse_num(a, argv[++i]);
        else if (!strcmp(a, "--long-T") && more)
            o->long_T = parse_num(a, argv[++i]);
        else if (!strcmp(a, "--faithful-max-n") && more)
            o->faithful_max_n = parse_num(a, argv[++i]);
        else if (!strcmp(a, "--no-two-seeds"))
            o->two_seeds = 0;
        else if (!strcmp(a, "--no-steps"))
            o->steps = 0;
        else if (!strcmp(a, "--steps-only"))
            o->steps = 2;
        else if (!strcmp(a, "--step-n") && more)
            o->step_n = (size_t)parse_num(a, argv[++i]);
        else if (!strcmp(a, "--serial"))
            o->serial = 1;
        else if (!strcmp(a, "--quick"))
            o->quick = 1;
        else if (!strcmp(a, "--sizes") && more) {
            char *s = argv[++i];
            o->nsizes = 0;
            for (char *tok = strtok(s, ","); tok && o->nsizes < 16; tok = strtok(NULL, ","))
                o->sizes[o->nsizes++] = (size_t)parse_num("--sizes", tok);
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage();
            return 0;
        } else {
            fprintf(stderr, "lrs-bench: unknown or incomplete option '%s' (see --help)\n", a);
            return 2;
        }
    }
    return -1;
}

static void print_preamble(const bench_opts_t *o)
{
    printf("lrs-bench: Figure 1 noise workload (tau_x = %g, sigma_x = %g, c = %g, rho = %g, seed %lu);"
           " wall = median of %d runs, each in its own process\n",
           TAU_X, SIGMA_X, C_LOWRANK, RHO, o->seed, o->reps);
    printf("deviations: relative, of the PC variances of z from the exact covariance's (median, max over PCs)\n");
    printf("step: dt (faithful), h (exact integrator), route,seconds of lrs_exact_cov alone (exact covariance)\n");
    printf("cpu_s: user + system time of the process (all its threads); load average now: ");
    double la[3];
    if (getloadavg(la, 3) == 3)
        printf("%.2f %.2f %.2f\n\n", la[0], la[1], la[2]);
    else
        printf("unknown\n\n");
}

/* The mode rows for every size; the exact-integrator and faithful PC
 * variances of the first 16 sizes compared go to cmp/hs (*ncmp of them, the
 * caller frees). 1 on failure. */
static int bench_sizes(const bench_opts_t *o, double *cmp[16][2], double hs[16], int *ncmp)
{
    for (size_t si = 0; si < o->nsizes; si++) {
        size_t n = o->sizes[si];
        double *ref = NULL, *pe = NULL, *pf = NULL;
        if (bench_row("exact-covariance", n, o->T, o->seed, o->h, o->reps, NULL, &ref, NULL))
            return 1;
        if (bench_row("exact-integrator", n, o->T, o->seed, o->h, o->reps, ref, &pe, NULL))
            return 1;
        if ((double)n <= o->faithful_max_n) {
            if (bench_row("faithful", n, o->T, o->seed, o->h, o->reps, ref, &pf, NULL))
                return 1;
            if (*ncmp < 16) {
                cmp[*ncmp][0] = pe;
                cmp[*ncmp][1] = pf;
                hs[*ncmp] = (double)n;
                (*ncmp)++;
                pe = pf = NULL;
            }
        }
        if (n == 200 && o->long_T > 0) {
            double *pl = NULL;
            if (bench_row("faithful", n, o->long_T, o->seed, o->h, o->reps, ref, &pl, NULL))
                return 1;
            free(pl);
        }
        free(ref);
        free(pe);
        free(pf);
    }
    return 0;
}

/* Exact integrator against faithful Euler, size by size; frees cmp. */
static void print_compare(const bench_opts_t *o, double *cmp[16][2], const double hs[16],
                          int ncmp)
{
    printf("\nexact integrator (h = %g) vs faithful Euler (dt = %g), same seed and noise path:\n",
           o->h, DT);
    for (int k = 0; k < ncmp; k++) {
        size_t n = (size_t)hs[k];
        double med, mx;
        deviations(cmp[k][0], cmp[k][1], n, &med, &mx);
        printf("  N = %5zu: median %.4f%%, max %.4f%%\n", n, 100 * med, 100 * mx);
        printf("bench-compare mode=exact-integrator N=%zu T=%g h=%g median_dev_vs_faithful=%.6g "
               "max_dev_vs_faithful=%.6g\n",
               n, o->T, o->h, med, mx);
        free(cmp[k][0]);
        free(cmp[k][1]);
    }
}

int main(int argc, char **argv)
{
    bench_opts_t o;
    int rc = parse_args(argc, argv, &o);
    if (rc >= 0)
        return rc;
    if (o.child_mode)
        return child(o.child_mode, o.N, o.T, o.seed, o.h, o.threads, o.serial);
    ssize_t len = readlink("/proc/self/exe", self_path, sizeof self_path - 1);
    if (len <= 0)
        die("readlink /proc/self/exe", NULL);
    self_path[len] = '\0';
    if (o.steps == 2) {
        lrs_blas_set_threads(1);
        bench_steps(o.step_n, o.seed, o.quick);
        return 0;
    }
    if (o.quick) {
        o.reps = 1;
        o.nsizes = 1;
        o.long_T = 0;
        o.two_seeds = 0;
    }
    if (o.reps < 1)
        o.reps = 1;
    print_preamble(&o);
    header();
    double *cmp[16][2];
    double hs[16];
    int ncmp = 0;
    if (bench_sizes(&o, cmp, hs, &ncmp))
        return 1;
    if (o.two_seeds && bench_two_seeds(o.sizes[0], o.T, o.seed, o.h, o.reps))
        return 1;
    print_compare(&o, cmp, hs, ncmp);
    if (o.steps) {
        lrs_blas_set_threads(1);
        bench_steps(o.step_n, o.seed, o.quick);
    }
    return 0;
}
