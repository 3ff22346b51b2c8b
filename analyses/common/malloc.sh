# SPDX-License-Identifier: GPL-3.0-or-later
# malloc.sh -- sourced (.) by analyses/figure.sh and analyses/draw.sh: the
# glibc allocator settings for the figure programs and for gnuplot.
#
# Large blocks come from the heap rather than one mmap each (mmap_threshold),
# the heap is kept between frees (trim_threshold), and the heap sits on
# transparent huge pages where the kernel offers them (hugetlb=1, madvise
# mode).  The programs allocate and free MB-sized blocks (simulation blocks,
# covariance buffers, LAPACK workspaces) and gnuplot a 9 MB image surface
# plus its PNG encoder's buffers; with glibc's defaults every such block is
# a fresh mmap whose pages fault in one by one.  Measured on the 2-core
# virtual machine (medians of 9, interleaved): fig6's program makes 3 950
# page faults instead of 9 600 and takes 406 ms instead of 446 ms; fig1's
# 214 ms instead of 282 ms; gnuplot's CPU time on a figure falls by 10-40%.
# Same numbers and the same drawings, byte for byte: only where memory comes
# from changes.
GLIBC_TUNABLES=glibc.malloc.hugetlb=1:glibc.malloc.mmap_threshold=67108864:glibc.malloc.trim_threshold=268435456
export GLIBC_TUNABLES
