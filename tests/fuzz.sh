#!/bin/sh
# fuzz.sh: run the libFuzzer targets (built with ASan and UBSan) for FUZZ_TIME seconds each,
# starting from the seed corpora in tests/corpus/.  Any crash fails the run.
set -e
B=${B:-build}
T=${FUZZ_TIME:-60}
for t in kb batch script log api; do
  mkdir -p "$B/corpus-$t"
  echo "== fuzz_$t for ${T}s"
  "$B/fuzz_$t" -max_total_time="$T" -max_len=8192 -print_final_stats=1 -artifact_prefix="$B/crash-$t-" \
    "$B/corpus-$t" tests/corpus/$t 2>"$B/fuzz_$t.log" || { tail -40 "$B/fuzz_$t.log"; echo "fuzz_$t: FAILED"; exit 1; }
  grep -E 'stat::number_of_executed_runs|Done' "$B/fuzz_$t.log" | tail -2
done
echo "fuzz: no crashes"
