/*
 * main.c -- lrs-analyze-sparse: `lrs-analyze --sparse` as its own program
 * (the same entry point; used by the benchmarks and by builds of
 * lrs-analyze that predate the hook).
 */
#include "analyze_sparse.h"

int main(int argc, char **argv)
{
    return lrs_analyze_sparse(argc, argv);
}
