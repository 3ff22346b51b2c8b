# headers.awk -- every value the figure scripts read from the text of their
# data files, in ONE pass over a figure's folder:
#
#   awk -f analyses/common/headers.awk results/fig1/*.tsv results/fig1/*.txt
#
# analyses/common/study.gp runs it once per folder (a process costs gnuplot
# about 10 ms: one per folder instead of one per file and question) and
# looks values up in its output, a list of "\n FILE|TAG|KEY \t VALUE" lines
# (the first line for a key wins):
#
#   TAG P  pairs "key value" of the first "# parameters k v k v .." line
#   TAG H  every two consecutive words of the header lines (# ...)
#   TAG Q  pairs of the "# param: k v k v .." lines
#   TAG N  pairs of the "# N k v .." lines (from their second word on)
#   TAG L  the rest of a header line "# KEY rest"
#   TAG K  the column index (1-based) of each name of the "# k<TAB>.." line
#   TAG W  KEY "aligned": the input windows "on1 off1 on2 off2 .." of the
#          "# aligned input .. on [a, b) .." lines
#   TAG S  "key = value" lines (summary.txt; every line)
#
# Only a data file's header -- its comment lines before the first data row --
# is read: files of a few megabytes cost nothing.

function out(tag, key, val) { printf "\n%s|%s|%s\t%s", file, tag, key, val }
function flush() {
    if (win != "") out("W", "aligned", win)
    win = ""
}
FNR == 1 { flush(); file = FILENAME; params = 0; summary = (FILENAME ~ /\.txt$/) }
summary { n = split($0, kv, / = /); out("S", n ? kv[1] : "", n > 1 ? kv[2] : ""); next }
!/^#/ { flush(); nextfile }
{
    for (i = 1; i < NF; i++) out("H", $i, $(i + 1))
    if (match($0, /^# [^ \t]+ /)) out("L", substr($0, 3, RLENGTH - 3), substr($0, RLENGTH + 1))
}
/^# parameters / && !params { params = 1; for (i = 3; i < NF; i += 2) out("P", $i, $(i + 1)) }
/^# param:/ { for (i = 3; i < NF; i += 2) out("Q", $i, $(i + 1)) }
/^# N / { for (i = 2; i < NF; i++) out("N", $i, $(i + 1)) }
/^# k\t/ {
    line = $0; sub(/^# /, "", line)
    n = split(line, names, "\t")
    for (i = 1; i <= n; i++) out("K", names[i], i)
}
/^# aligned input/ {
    line = $0; gsub(/[][,)]/, " ", line)
    n = split(line, w, " ")
    for (i = 1; i <= n; i++) if (w[i] == "on") win = win w[i + 1] " " w[i + 2] " "
}
END { flush() }
