/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * sp_lsan.c -- LeakSanitizer settings for every program that links the
 * sparse module (sanitized builds only read these; otherwise unused).
 *
 * OpenMPI 4.1 (Debian) leaves its start-up allocations unreleased at
 * MPI_Finalize; part of them come from MCA components it dlopen()s and
 * dlclose()s, which the default fast unwinder cannot walk through.
 * Reproducer, with nothing of lrs in it:
 *     printf '#include <mpi.h>\nint main(int c, char **v) { MPI_Init(&c, &v);
 *             MPI_Finalize(); return 0; }\n' > r.c
 *     cc -fsanitize=address -g $(pkg-config --cflags --libs ompi-c) r.c -o r
 *     ASAN_OPTIONS=detect_leaks=1 ./r   # 122367 bytes in 3357 allocations
 * which is exactly what test_sparse reported before these settings.  With
 * two ranks one more block (32 bytes) is allocated on OpenMPI's progress
 * thread, whose stack shows only libevent (event_base_loop) and dlclosed
 * OpenMPI components:
 *     mpiexec -n 2 lrs-analyze --sparse svals FILE   (sanitized build)
 * One more, from glibc 2.36 and ASan themselves: at the start of every thread
 * ASan calls pthread_getattr_np, whose cpuset buffer (realloc in
 * pthread_attr_setaffinity_np) is reported when the program exits while a
 * worker thread is still alive; seen once in 55 runs of
 * `lrs-analyze svals tests/fixtures/bad/npy-trailing.npy` (sanitized build),
 * 184 bytes in 2 blocks whose stack holds only ASan and glibc frames.
 * So:
 * unwind allocation stacks fully (they then always reach an OpenMPI frame)
 * and suppress leaks allocated under OpenMPI's own libraries (and the
 * libevent loop of its progress thread) only; a leak
 * whose stack does not pass through them is still reported.
 */
const char *__asan_default_options(void);
const char *__lsan_default_suppressions(void);
const char *__lsan_default_options(void);

const char *__asan_default_options(void)
{
    return "fast_unwind_on_malloc=0:malloc_context_size=40";
}

/* quiet about what was suppressed: error output stays one line */
const char *__lsan_default_options(void)
{
    return "print_suppressions=0";
}

const char *__lsan_default_suppressions(void)
{
    return "leak:libmpi.so\n"
           "leak:libopen-pal.so\n"
           "leak:libopen-rte.so\n"
           "leak:libevent_core\n"
           "leak:__pthread_getattr_np\n";
}

/* Called by lrs_sparse_init so that static links keep this object. */
void sp_lsan_link(void)
{
}
