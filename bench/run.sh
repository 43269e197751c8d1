#!/bin/sh
# run.sh: myomap's benchmarks (`make bench`): the library alone, the batch command end to end,
# and one `myomap where`.  Each runs pinned to one core where taskset exists.
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
echo "batch: $lines presentations in $secs s (output to /dev/null): $(awk -v n="$lines" -v s="$secs" 'BEGIN{printf "%.0f", n/s}') presentations/s; peak memory $(awk -v k="$kb" 'BEGIN{printf "%.1f", k/1024}') MB"
echo "batch: first 100000 results checked: $(wc -l <"$B/bench.out") lines, $errors error objects"
echo "== single: myomap where --json temple-l:6:ache neck-side-l:4 (200 runs)"
if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 20 --runs 200 --export-json "$B/single.json" \
    "$B/myomap where --json temple-l:6:ache neck-side-l:4" >/dev/null 2>&1
  jq -r '.results[0] | "single: mean \(.mean*1000|.*1000|round/1000) ms, max \(.max*1000|.*1000|round/1000) ms over \(.times|length) runs"' "$B/single.json"
fi
/usr/bin/env time -f "%M" -o "$B/time1.txt" $B/myomap where --json temple-l:6:ache neck-side-l:4 >/dev/null
echo "single: peak memory $(awk '{printf "%.1f", $1/1024}' "$B/time1.txt") MB"

# ---- the record store (bench/records.sh): SQLite and PostgreSQL, and psql's COPY beside it ------
sh bench/records.sh

# ---- the web API under load (bench/http.sh): wrk against POST /api/where and nginx ----------
echo "== web: myomap serve under wrk, beside nginx serving a file of the same size"
sh bench/http.sh $B/myomap
