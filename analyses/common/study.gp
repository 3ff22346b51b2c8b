# SPDX-License-Identifier: GPL-3.0-or-later
# study.gp -- shared gnuplot panels for figures built on the "Figure-1
# protocol" (notebooks-c/common/study.h): Figs 1-2 and the supplementary
# figures that reuse its layout.  A figure script lays out its panels and
# calls this file once per panel:
#
#   S = "analyses/common/study.gp"
#   call S "init"                               colours, styles (once)
#   call S "frame" x0 x1 y0 y1 "b"              panel box in screen coords + letter
#   call S "sv" "results/fig1/"                 singular values of W (log y)
#   call S "eig" "results/fig2/" R [r ["name"]] eigenvalues of W (square panel, radius R;
#                                               dotted circle of radius r labelled "radius name")
#   call S "step" "results/fig1/" "u"           step responses (all z_i, ||z||)
#   call S "pca" "results/fig1/"                % variance of PCs of z and x (log y)
#   call S "schematic" "W formula" "equation" ["compact"]   the network (compact: small panel)
#   call S "scatter" D jx jy field "lab"        projections (see below)
#   call S "series" D j "u" ["title"]           x.d, (W f(z)).d, z.d against t
#   call S "numbers" D "key1 key2 .." "label1;label2;.." "title"   our numbers vs the paper's
#
# Whole figures in the layout of Fig 1 (normal: projections on u) or Fig 2
# (non-normal: projections on u and u_N), for the supplementary figures:
#
#   D = "results/figS-x/"; fig_title = "..."; aligned = "u"   (step input name)
#   num_keys = "response_ratio ..."; num_labels = "label;label;.."
#   eig_R = 1.2  (radius of the eigenvalue panel; eig_rho: dotted circle, optional,
#                 eig_rho_name: its label, default rho)
#   schem_W, schem_eq: the schematic's connectivity formula and equation (optional)
#   rec_name = "W tanh z"  (optional: label of the recurrent input, default "Wz")
#   series_title = "..."   (optional: title of panel g, layout1)
#   call S "layout1"      or      call S "layout2"
#
# layout1: schematic, a sv, b eig, c step; d PCs, e z.u vs z.u_rand, f x.u vs
#          x.u_rand, numbers; g x.u, (Wz).u, z.u against time.
# layout2: schematic, a sv, b eig, c step; d PCs, e z.u vs z.u_rand, f z.u_N vs
#          z.u_rand, numbers; g x.u_N, (Wz).u_N, z.u_N against time.
# Scatter panels put the first-named projection on the x axis, as the
# authors do (z.u on x, z.u_rand on y).
#
# Parameters and the authors' numbers come from the "# parameters" header
# line the program writes into every TSV: par(D, "c"), par(D, "paper_response_ratio").
#
# Directions j in proj.tsv / series.tsv: 0 u, 1 u_rand, 2 u_N, 3.. extras;
# column of field f (0 z, 1 x, 2 r) on direction j is 2 + 3 j + f.
#
# Colour roles: input green, recurrent input magenta, response
# blue, connectivity red.

if (ARG1 eq "init") {
    c_in   = "#2ca02c"   # external input x
    c_rec  = "#c2188f"   # recurrent input W f(z)
    c_resp = "#1f5fbf"   # response z
    c_conn = "#d62728"   # connectivity W
    c_gray = "#8c8c8c"
    c_th   = "#222222"   # theory
    c_resp_light = "#b01f5fbf"   # translucent blue for the traces of single units
    c_in_shade = "#2ca02c"
    # Columns of proj.tsv / series.tsv
    pcol(j, f) = 2 + 3 * j + f
    # Values from the files' headers and summaries.  The first question
    # about a folder runs analyses/common/headers.awk once over all its
    # files (their header lines and summary.txt: a list of
    # "\n file|tag|key \t value" lines, kept in memory: msys() remembers
    # every command's output); every later question is answered from that
    # list.  A figure forks one process per folder, not one per value.
    _memo = ""
    _mget(r) = r[1:strstrt(r."\036", "\036") - 1]
    _madd(cmd, r) = (_memo = _memo."\036".cmd."\037".r, r)
    msys(cmd) = (_mi = strstrt(_memo, "\036".cmd."\037"), _mi > 0 ? _mget(_memo[_mi + strlen(cmd) + 2:]) : _madd(cmd, system(cmd)))
    # value of key in a "\n key \t value" list ("" if absent; the first one wins)
    _kvrest(r) = r[1:strstrt(r."\n", "\n") - 1]
    kv(list, key) = (_ki = strstrt(list, "\n".key."\t"), _ki == 0 ? "" : _kvrest(list[_ki + strlen(key) + 2:]))
    # the folder of a file ("results/fig1/" of "results/fig1/pca.tsv")
    dirof(file) = (strstrt(file, "/") == 0 ? "" : file[1:strstrt(file, "/")].dirof(file[strstrt(file, "/") + 1:]))
    # the list of a folder, and the value of tag/key for one of its files
    hdrs(dir) = msys(sprintf("awk -f analyses/common/headers.awk '%s'*.tsv '%s'*.txt", dir, dir))
    hget(file, tag, key) = kv(hdrs(dirof(file)), file."|".tag."|".key)
    # A summary value (empty string if absent)
    sumval(D, key) = hget(D."summary.txt", "S", key)
    # A parameter (or paper_<key>) from the "# parameters" header line of a
    # TSV file (parf), or of a study's spectrum.tsv (par)
    parf(file, key) = hget(file, "P", key)
    par(D, key) = parf(D."spectrum.tsv", key)
    # "(paper X)" if the authors printed a number for key, else ""
    paper(D, key) = (par(D, "paper_".key) eq "" ? "" : sprintf("(paper %s)", par(D, "paper_".key)))
    # The projection window t < t_proj of proj.tsv (the last word of its
    # "# every ..., t < T" line)
    _lastword(s) = word(s, words(s))
    tproj(D) = _lastword(hget(D."proj.tsv", "L", "every"))
    # The word after key on the header lines (# ...) of a file
    hdrval(file, key) = hget(file, "H", key)
    # The value after key on the "# param: key value ..." header lines of a file
    parline(file, key) = hget(file, "Q", key)
    # The value after key on the "# N key value ..." header lines of a file
    nline(file, key) = hget(file, "N", key)
    # The rest of the header line "# key ..." of a file
    hline(file, key) = hget(file, "L", key)
    # The column (1-based; 0 if none) named name on the "# k<TAB>.." line of a file
    colof(file, name) = int("0".hget(file, "K", name))
    # The input windows "on off on off .." of the "# aligned input" line of a file
    windows(file) = hget(file, "W", "aligned")
    # Field i (1-based) of a list separated by ';'
    nth(s, i) = (i <= 1 ? s[1:strstrt(s.";", ";") - 1] : nth(s[strstrt(s, ";") + 1:], i - 1))
    unset multiplot
}

if (ARG1 eq "frame") {
    # Reset everything a previous panel may have set, then place this one.
    reset
    set border lw 1.2
    set tics nomirror out scale 0.6
    set grid lc rgb "#e4e4e4" lw 1 dt 1 back
    set key noautotitle
    set style textbox opaque fc rgb "white" noborder margins 0.5, 0.5
    set lmargin at screen real(ARG2)
    set rmargin at screen real(ARG3)
    set bmargin at screen real(ARG4)
    set tmargin at screen real(ARG5)
    set label 900 ARG6 at screen (real(ARG2) - 0.042), (real(ARG5) + 0.035) font ",24:Bold" front
    if (exists("fig_title")) {
        set label 901 fig_title at screen 0.5, 0.982 center font ",17"
    }
}

if (ARG1 eq "schematic") {
    # The model: an input layer (green) feeding a recurrent layer (blue units,
    # red connections W).  ARG2: the connectivity formula, ARG3: the equation,
    # ARG4 "compact": a small version (fewer arrows, short labels).
    compact = (ARGC >= 4 && ARG4 eq "compact")
    fs_big = (compact ? ",10" : ",13")
    fs_small = (compact ? ",10" : ",12")
    unset border; unset tics; unset grid
    set xrange [0:1.6]; set yrange [0:1]
    if (!compact) { set title "network" }
    nin = (compact ? 3 : 5)
    dy = (compact ? 0.22 : 0.15)
    y0 = 0.50 - dy * (nin - 1) / 2.0
    # input units
    do for [i=1:nin] {
        yi = y0 + dy * (i - 1)
        set object (100 + i) circle at 0.12, yi size 0.045 fs solid 1.0 noborder fc rgb c_in front
    }
    # recurrent units on a ring
    cx = 1.05; cy = 0.50; R = 0.30
    do for [k=1:8] {
        a = 2 * pi * (k - 1) / 8 + pi / 8
        set object (200 + k) circle at cx + R * cos(a), cy + R * sin(a) size 0.05 fs solid 1.0 noborder fc rgb c_resp front
    }
    # recurrent connections W (red), a few chords and neighbours; a
    # feed-forward network (schem_ffwd = 1) has none: W acts on the input
    # arrows, drawn red
    ffwd = (exists("schem_ffwd") ? schem_ffwd : 0)
    c_arrow = (ffwd ? "#60d62728" : "#602ca02c")
    do for [k=1:(ffwd ? 0 : 8)] {
        a1 = 2 * pi * (k - 1) / 8 + pi / 8
        a2 = 2 * pi * (k + 2) / 8 + pi / 8
        a3 = 2 * pi * k / 8 + pi / 8
        set arrow (300 + k) from cx + R * cos(a1), cy + R * sin(a1) to cx + R * cos(a2), cy + R * sin(a2) nohead lc rgb c_conn lw 1.2 back
        set arrow (320 + k) from cx + R * cos(a1), cy + R * sin(a1) to cx + R * cos(a3), cy + R * sin(a3) nohead lc rgb c_conn lw 1.2 back
    }
    # feed-forward input arrows (green): every input unit projects onto the
    # near side of the ring (arrows end on the unit's rim)
    do for [i=1:nin] {
        yi = y0 + dy * (i - 1)
        do for [k=3:6] {
            if (!((k == 3 && yi < 0.4) || (k == 6 && yi > 0.6))) {
                a = 2 * pi * (k - 1) / 8 + pi / 8
                ex = cx + R * cos(a); ey = cy + R * sin(a)
                dd = sqrt((ex - 0.17)**2 + (ey - yi)**2)
                set arrow (400 + 10 * i + k) from 0.17, yi to ex - 0.06 * (ex - 0.17) / dd, ey - 0.06 * (ey - yi) / dd \
                    head filled size 0.035,25 lc rgb c_arrow lw 1.2 back
            }
        }
    }
    set label 501 (compact ? "x(t)" : "input x(t)") at 0.12, 0.02 center tc rgb c_in font fs_big
    if (!compact) { set label 502 "smooth noise" at 0.12, 0.93 center tc rgb c_in font fs_small }
    set label 503 (compact ? "z(t)" : "response z(t)") at cx, 0.02 center tc rgb c_resp font fs_big
    set label 504 ARG2 at (compact || ffwd ? 0.8 : cx), 0.95 center tc rgb c_conn font fs_big
    set label 505 ARG3 at (compact ? 0.8 : 0.62), (compact ? -0.17 : -0.12) center font fs_big front
    plot NaN notitle
}

if (ARG1 eq "sv") {
    # Singular values of W, descending, log y: the low-rank part stands out.
    f = ARG2."spectrum.tsv"
    set logscale y
    set format y "10^{%L}"
    set xlabel "index k"
    set ylabel "singular value {/Symbol s}_k(W)"
    set title "singular values of W"
    stats f u 1 nooutput
    set xrange [0:STATS_max * 1.03]
    plot f u 1:2 w p pt 7 ps 0.7 lc rgb c_conn
}

if (ARG1 eq "eig") {
    # Eigenvalues of W in the complex plane; stability line Re = 1.
    f = ARG2."spectrum.tsv"
    set xlabel "Re {/Symbol l}"
    set ylabel "Im {/Symbol l}"
    set title "eigenvalues of W"
    # equal scales: the caller gives a square panel; ARG3 = radius to show
    Rr = real(ARG3)
    set xrange [-Rr:(Rr > 1.15 ? Rr : 1.15)]
    set yrange [-Rr:Rr]
    # tics: 0.2 up to R = 0.4, 0.5 up to R = 3, 1 up to 6, 5 up to 30, then 20
    tstep = (Rr > 0.4 ? (Rr > 3 ? (Rr > 6 ? (Rr > 30 ? 20 : 5) : 1) : 0.5) : 0.2)
    set xtics tstep
    set ytics tstep
    set arrow 1 from 1, graph 0 to 1, graph 1 nohead dt 2 lc rgb c_gray lw 1.5
    set label 2 "Re {/Symbol l} = 1" at 1, graph 0.94 offset -0.4,0 right tc rgb c_gray font ",11"
    if (ARGC >= 4) {
        # dotted circle of radius ARG4 (the random bulk), labelled below-left
        # of the circle, clear of the eigenvalues and of the line Re = 1
        rn = (ARGC >= 5 ? ARG5 : "{/Symbol r}")
        rc = real(ARG4)
        set object 3 circle at first 0,0 size first rc fs empty border lc rgb "#707070" lw 1.5 dt 2 front
        set arrow 5 from first -0.72 * rc, first -0.72 * rc to first -0.95 * rc - 0.06 * Rr, first -0.95 * rc - 0.12 * Rr nohead lc rgb "#707070" lw 1 front
        set label 4 sprintf("radius %s", rn) at first -0.95 * rc - 0.06 * Rr, first -0.95 * rc - 0.12 * Rr offset 0,-0.6 right tc rgb "#707070" font ",11" front
    }
    plot f u 3:4 w p pt 7 ps 0.6 lc rgb c_conn
}

if (ARG1 eq "step") {
    # Step responses: every unit z_i (thin) and ||z|| (thick); the input
    # windows are shaded green.  ARG3: name of the aligned direction.
    f = ARG2."step.tsv"
    win = windows(f)
    t1 = real(word(win, 1)); t2 = real(word(win, 2)); t3 = real(word(win, 3)); t4 = real(word(win, 4))
    set object 11 rect from t1, graph 0 to t2, graph 1 fc rgb c_in fs transparent solid 0.13 noborder behind
    set object 12 rect from t3, graph 0 to t4, graph 1 fc rgb c_in fs transparent solid 0.13 noborder behind
    set label 13 sprintf("input along %s", ARG3) at (t1 + t2) / 2, graph 0.95 center tc rgb c_in font ",13"
    set label 14 "input along u_{rand}" at (t3 + t4) / 2, graph 0.95 center tc rgb c_in font ",13"
    set xlabel "time t"
    set ylabel "activity"
    set title "step responses"
    set xrange [0:*]
    stats f u 2 nooutput
    set yrange [*:STATS_max * 1.3]
    # key above the frame (right), so that no trace is hidden
    set key at graph 1, graph 1.0 right bottom horizontal nobox samplen 2 font ",12"
    set title "step responses" offset -10,0
    plot ARG2."step_units.tsv" u 1:2 w l lw 0.6 lc rgb c_resp_light notitle, \
         f u 1:2 w l lw 3.5 lc rgb c_resp title "||z||", \
         NaN w l lw 1 lc rgb "#6f1f5fbf" title "z_i"
}

if (ARG1 eq "pca") {
    # % variance explained by each PC of z (response) and of x (input).
    f = ARG2."pca.tsv"
    set logscale y
    set format y "10^{%L}"
    set xlabel "PC index"
    set ylabel "% variance explained"
    set title "PC spectra under noise"
    stats f u 1 nooutput
    set xrange [0:STATS_max * 1.03]
    set key top right opaque box samplen 2 font ",12"
    # theory 2 is the column named "theory2" (absent: no theory; theory 1 is
    # left out when the input is mixed, so its position varies)
    thc = colof(f, "theory2")
    if (thc > 0) {
        stats f u thc nooutput
        th_sum = STATS_sum
        plot f u 1:3 w p pt 7 ps 0.55 lc rgb c_in title "input x", \
             f u 1:2 w p pt 7 ps 0.55 lc rgb c_resp title "response z", \
             f u 1:(100 * column(thc) / th_sum) w l lw 1.5 dt 2 lc rgb c_th title "theory (I-W)^{-1}C_x(I-W)^{-T}"
    } else {
        plot f u 1:3 w p pt 7 ps 0.55 lc rgb c_in title "input x", \
             f u 1:2 w p pt 7 ps 0.55 lc rgb c_resp title "response z"
    }
}

if (ARG1 eq "scatter") {
    # Projections of one field on two directions over t < t_proj, equal axes.
    # ARG2 dir, ARG3 direction on the x axis, ARG4 direction on y, ARG5 field
    # (0 z, 1 x, 2 r), ARG6 x label, ARG7 y label, ARG8 colour, ARG9 title.
    # Equal scales on both axes, centred on the data after the initial
    # transient (t >= 5% of the window; a saturated network sits far from 0),
    # padded so that the corner annotations stay clear of the points.  If the
    # variable scatter_L exists, both axes span [-scatter_L:scatter_L] (panels
    # that share one scale).
    f = ARG2."proj.tsv"
    jx = int(ARG3); jy = int(ARG4); fld = int(ARG5)
    if (exists("scatter_L")) {
        mx = 0; my = 0; L = scatter_L
    } else {
        stats f u 1 nooutput
        tskip = 0.05 * STATS_max
        stats f u (column(1) >= tskip ? column(pcol(jx, fld)) : NaN):(column(1) >= tskip ? column(pcol(jy, fld)) : NaN) nooutput
        mx = (STATS_max_x + STATS_min_x) / 2; hx = (STATS_max_x - STATS_min_x) / 2
        my = (STATS_max_y + STATS_min_y) / 2; hy = (STATS_max_y - STATS_min_y) / 2
        L = (hx > hy ? hx : hy) * 1.45
    }
    set xrange [mx - L:mx + L]
    set yrange [my - L:my + L]
    set xlabel ARG6
    set ylabel ARG7
    set title ARG9
    plot f u pcol(jx, fld):pcol(jy, fld) w p pt 7 ps 0.35 lc rgb ARG8
}

if (ARG1 eq "series") {
    # Time series along direction ARG3 (name ARG4): input x.d, recurrent
    # input (W f(z)).d and response z.d.  The recurrent input cancels the input.
    # rec_name (optional): how to write the recurrent input, default "Wz"
    # ("W tanh z" for tanh networks, "xW" for the feed-forward drive).
    if (!exists("rec_name")) { rec_name = "Wz" }
    f = ARG2."series.tsv"
    j = int(ARG3)
    set xlabel "time t"
    set ylabel sprintf("projection on %s", ARG4)
    set title (ARGC >= 5 ? ARG5 : sprintf("input, recurrent input and response along %s", ARG4))
    set xrange [0:*]
    set key at graph 1, graph 1.02 right bottom horizontal nobox samplen 2 font ",12"
    plot f u 1:pcol(j, 1) w l lw 2 lc rgb c_in title sprintf("x{/Symbol \267}%s", ARG4), \
         f u 1:pcol(j, 2) w l lw 2 lc rgb c_rec title sprintf("(%s){/Symbol \267}%s", rec_name, ARG4), \
         f u 1:pcol(j, 0) w l lw 2.5 lc rgb c_resp title sprintf("z{/Symbol \267}%s", ARG4)
}

if (ARG1 eq "numbers") {
    # A small table: our numbers next to the authors'.  ARG3: summary keys,
    # ARG4: the matching labels (separated by ';'), ARG5: title.  Each entry:
    # the label, then our value in bold and the paper's in grey.
    unset border
    unset tics
    unset grid
    unset xlabel
    unset ylabel
    set xrange [0:1]
    set yrange [0:1]
    set title ARG5
    n = words(ARG3)
    do for [i=1:n] {
        k = word(ARG3, i)
        v = sumval(ARG2, k)
        pv = par(ARG2, "paper_".k)
        if (pv eq "") { pv = sumval(ARG2, "paper_".k) }
        lab = nth(ARG4, i)
        y = 1.0 - (i - 0.55) / n
        set label (910 + 3 * i) lab at graph 0.0, graph y + 0.055 left font ",12"
        set label (911 + 3 * i) sprintf("{/:Bold %s}", v) at graph 0.06, graph y - 0.055 left font ",15"
        set label (912 + 3 * i) (pv eq "" ? "" : "paper ".pv) at graph 0.55, graph y - 0.055 left font ",12" tc rgb c_gray
    }
    plot NaN notitle
}

if (ARG1 eq "layout1" || ARG1 eq "layout2") {
    lay2 = (ARG1 eq "layout2")
    if (!exists("aligned")) { aligned = "u" }
    if (!exists("eig_R")) { eig_R = 1.2 }
    if (!exists("rec_name")) { rec_name = "Wz" }
    if (!exists("eig_rho_name")) { eig_rho_name = "{/Symbol r}" }
    if (!exists("schem_W")) { schem_W = "W = c uu^T + {/Symbol r}G/{/Symbol \326}N" }
    if (!exists("schem_eq")) { schem_eq = sprintf("{/Symbol t} dz/dt = -z + %s + x", rec_name) }
    do for [out in outs] {
        if (out eq "png") {
            set terminal pngcairo size 1800,1300 font "DejaVu Sans,14" enhanced
            set output outpng
        } else {
            set terminal pdfcairo size 30cm,21.67cm font "DejaVu Sans,14" enhanced fontscale 0.5 linewidth 0.5 pointscale 0.5
            set output outpdf
        }
        set multiplot
        keep_title = fig_title
        # the network, compact and unlettered, left of panel a
        call S "frame" 0.005 0.165 0.73 0.88 ""
        undefine fig_title
        call S "schematic" schem_W schem_eq "compact"
        call S "frame" 0.235 0.40 0.70 0.905 "a"
        call S "sv" D
        fig_title = keep_title
        # eigenvalue panel square: 0.205 of 1300 px = 0.148 of 1800 px
        call S "frame" 0.47 0.618 0.70 0.905 "b"
        if (exists("eig_rho")) {
            call S "eig" D eig_R eig_rho eig_rho_name
        } else {
            call S "eig" D eig_R
        }
        call S "frame" 0.675 0.985 0.70 0.905 "c"
        set label 20 sprintf("response ratio %s", sumval(D, "response_ratio")) at graph 0.02, graph 0.06 left font ",12" front
        call S "step" D aligned
        call S "frame" 0.055 0.33 0.38 0.60 "d"
        call S "pca" D
        call S "frame" 0.405 0.567 0.38 0.60 "e"
        if (lay2) {
            set label 40 sprintf("var(z{/Symbol \267}u)/var(z{/Symbol \267}u_{rand})\n= %s", sumval(D, "var_ratio_u_over_rand")) at graph 0.03, graph 0.95 left font ",10" front boxed
        } else {
            set label 40 sprintf("var(z{/Symbol \267}u_{rand})/var(z{/Symbol \267}u)\n= %s", sumval(D, "var_ratio_rand_over_u")) at graph 0.03, graph 0.95 left font ",10" front boxed
        }
        call S "scatter" D 0 1 0 "z{/Symbol \267}u" "z{/Symbol \267}u_{rand}" c_resp sprintf("response, t < %s", tproj(D))
        call S "frame" 0.635 0.797 0.38 0.60 "f"
        if (lay2) {
            set label 50 sprintf("var(z{/Symbol \267}u_{rand})/var(z{/Symbol \267}u_N)\n= %s", sumval(D, "var_ratio_rand_over_uN")) at graph 0.03, graph 0.95 left font ",10" front boxed
            set label 51 sprintf("{/Symbol \320}(u_N, u) = %s{/Symbol \260}", sumval(D, "angle_uN_u_deg")) at graph 0.03, graph 0.06 left font ",10" front boxed
            call S "scatter" D 2 1 0 "z{/Symbol \267}u_N" "z{/Symbol \267}u_{rand}" c_resp "last PC u_N"
        } else {
            call S "scatter" D 0 1 1 "x{/Symbol \267}u" "x{/Symbol \267}u_{rand}" c_in sprintf("input, t < %s", tproj(D))
        }
        call S "frame" 0.835 0.99 0.38 0.60 ""
        call S "numbers" D num_keys num_labels "numbers of this run"
        call S "frame" 0.055 0.985 0.065 0.265 "g"
        if (lay2) {
            set label 60 sprintf("corr(x{/Symbol \267}u_N, (Wz){/Symbol \267}u_N) = %s", sumval(D, "corr_xuN_WzuN")) at graph 0.01, graph 0.07 left font ",12" front
            call S "series" D 2 "u_N"
        } else {
            set label 60 sprintf("corr(x{/Symbol \267}u, (%s){/Symbol \267}u) = %s", rec_name, sumval(D, "corr_xu_Wzu")) at graph 0.01, graph 0.07 left font ",12" front
            if (exists("series_title")) {
                call S "series" D 0 "u" series_title
            } else {
                call S "series" D 0 "u"
            }
        }
        unset multiplot
    }
}
