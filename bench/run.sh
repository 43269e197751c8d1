#!/bin/sh
# run.sh: myomap's benchmarks (`make bench`): the library alone, the batch command end to end
# (with --compact on one and two jobs, beside the numpy/scipy peer bench/peer.py), and one
# `myomap where` beside `myomap --version`.  Each runs pinned to one core where taskset exists
# (two jobs to two).
set -e
cd "$(dirname "$0")/.."
B=${B:-build}
N=${BENCH_N:-1000000}
PIN=""
command -v taskset >/dev/null && PIN="taskset -c 0"
echo "== library (bench/bench_rank.c), $N presentations"
$PIN $B/bench_rank "$N" --write "$B/bench.jsonl"
echo "== batch command: myomap where --batch ($N lines, $(du -m "$B/bench.jsonl" | cut -f1) MB in)"
/usr/bin/env time -f "%e %M" -o "$B/time.txt" $PIN $B/myomap where --batch "$B/bench.jsonl" >/dev/null
$B/myomap where --batch "$B/bench.jsonl" 2>&1 | head -100000 >"$B/bench.out"
read -r secs kb <"$B/time.txt"
lines=$(wc -l <"$B/bench.jsonl")
errors=$(grep -c '"error"' "$B/bench.out" || true)
rate() { awk -v n="$lines" -v s="$1" 'BEGIN{printf "%.0f", n/s}'; }
echo "batch: $lines presentations in $secs s (output to /dev/null): $(rate "$secs") presentations/s; peak memory $(awk -v k="$kb" 'BEGIN{printf "%.1f", k/1024}') MB"
echo "batch: first 100000 results checked: $(wc -l <"$B/bench.out") lines, $errors error objects"
# end to end to a file, --compact, one job on one core and two jobs on two; the lines the same
echo "== batch --compact to a file, --jobs 1 (one core) and --jobs 2 (two cores); load: $(cut -d' ' -f1-3 /proc/loadavg)"
PIN2=""
command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ] && PIN2="taskset -c 0,1"
# (per CPU second too: on a shared machine the wall time says how busy the others were)
for j in 1 2; do
  pin=$PIN; [ $j = 2 ] && pin=$PIN2
  /usr/bin/env time -f "%e %U %S %M" -o "$B/time.txt" $pin $B/myomap where --batch "$B/bench.jsonl" --compact --jobs $j >"$B/bench.c$j"
  read -r secs us ss kb <"$B/time.txt"
  eval "secs$j=$secs; cpu$j=$(awk -v u="$us" -v s="$ss" 'BEGIN{print u+s}')"
  echo "batch --compact --jobs $j: $lines presentations in $secs s to a file ($(du -m "$B/bench.c$j" | cut -f1) MB): $(rate "$secs") presentations/s, $(rate "$(awk -v u="$us" -v s="$ss" 'BEGIN{print u+s}')") per CPU second; peak memory $(awk -v k="$kb" 'BEGIN{printf "%.1f", k/1024}') MB"
done
cmp -s "$B/bench.c1" "$B/bench.c2" && echo "batch --compact: --jobs 2 wrote the same lines as --jobs 1" || echo "batch --compact: --jobs 2 DIFFERS from --jobs 1"
echo "batch --compact: two jobs $(awk -v a="$secs1" -v b="$secs2" 'BEGIN{printf "%.2f", a/b}')x one by wall time; the two jobs kept $(awk -v c="$cpu2" -v b="$secs2" 'BEGIN{printf "%.2f", c/b}') cores busy (CPU seconds / wall seconds)"
# instructions a line (callgrind, 20,000 lines): the figure the machine's load does not move
if command -v valgrind >/dev/null; then
  head -20000 "$B/bench.jsonl" >"$B/bench20k.jsonl"
  ic=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null $B/myomap where --batch "$B/bench20k.jsonl" --compact 2>&1 >/dev/null | awk '/refs:/ {gsub(",", "", $NF); print $NF}')
  echo "batch --compact: $(awk -v i="$ic" 'BEGIN{printf "%.0f", i/20000}') instructions a line (callgrind, 20000 lines, start-up included)"
  rm -f "$B/bench20k.jsonl"
fi
# the numpy/scipy sparse-matrix peer on the same lines, timed the same way
if /usr/bin/python3 -c 'import numpy, scipy' 2>/dev/null; then
  $B/myomap kb export --json >"$B/kb.json"
  $B/myomap regions --json >"$B/regions.json"
  /usr/bin/env time -f "%e %U %S %M" -o "$B/time.txt" $PIN /usr/bin/python3 bench/peer.py "$B/kb.json" "$B/regions.json" <"$B/bench.jsonl" >"$B/bench.peer"
  read -r psecs us ss kb <"$B/time.txt"
  echo "peer (bench/peer.py, numpy/scipy, top 10 as JSON lines, one core): $lines presentations in $psecs s: $(rate "$psecs") presentations/s, $(rate "$(awk -v u="$us" -v s="$ss" 'BEGIN{print u+s}')") per CPU second; myomap --compact --jobs 1 is $(awk -v a="$psecs" -v b="$secs1" 'BEGIN{printf "%.1f", a/b}')x the peer by wall time, $(awk -v u="$us" -v s="$ss" -v b="$cpu1" 'BEGIN{printf "%.1f", (u+s)/b}')x per CPU second"
else
  echo "peer: python3-numpy and python3-scipy are not installed (sh scripts/deps.sh test); not measured"
fi
rm -f "$B/bench.c1" "$B/bench.c2" "$B/bench.peer"
echo "== single: myomap where --json temple-l:6:ache neck-side-l:4 beside myomap --version (200 runs each)"
if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 20 --runs 200 --export-json "$B/single.json" \
    "$B/myomap --version" "$B/myomap where --json temple-l:6:ache neck-side-l:4" >/dev/null 2>&1
  jq -r '.results[] | "single: \(.command): mean \(.mean*1000|.*1000|round/1000) ms, median \(.median*1000|.*1000|round/1000) ms, min \(.min*1000|.*1000|round/1000) ms over \(.times|length) runs"' "$B/single.json"
  jq -r '"single: where / --version: \(.results[1].mean / .results[0].mean * 100 | round / 100)x by mean, \(.results[1].median / .results[0].median * 100 | round / 100)x by median"' "$B/single.json"
fi
if command -v valgrind >/dev/null; then
  iv=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null $B/myomap --version 2>&1 >/dev/null | awk '/refs:/ {gsub(",", "", $NF); print $NF}')
  iw=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null $B/myomap where --json temple-l:6:ache neck-side-l:4 2>&1 >/dev/null | awk '/refs:/ {gsub(",", "", $NF); print $NF}')
  echo "single: instructions (callgrind): --version $iv, where $iw: $(awk -v a="$iw" -v b="$iv" 'BEGIN{printf "%.2f", a/b}')x"
fi
/usr/bin/env time -f "%M" -o "$B/time1.txt" $B/myomap where --json temple-l:6:ache neck-side-l:4 >/dev/null
echo "single: peak memory $(awk '{printf "%.1f", $1/1024}' "$B/time1.txt") MB"

# ---- the record store (bench/records.sh): SQLite and PostgreSQL, and psql's COPY beside it ------
sh bench/records.sh

# ---- the web API under load (bench/http.sh): wrk against POST /api/where and nginx ----------
echo "== web: myomap serve under wrk, beside nginx serving a file of the same size"
sh bench/http.sh $B/myomap
