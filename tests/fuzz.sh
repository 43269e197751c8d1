#!/bin/sh
# fuzz.sh: run the libFuzzer targets (built with ASan and UBSan) for FUZZ_TIME seconds each,
# starting from the seed corpora in tests/corpus/.  Any crash fails the run.  -max_len is above
# the largest seed (a full session log is 15.6 KB, a small backup 33 KB), so every seed is read
# whole; FUZZ_TARGETS picks some targets (default: all).
set -e
B=${B:-build}
T=${FUZZ_TIME:-60}
for t in ${FUZZ_TARGETS:-kb batch script log api restore}; do
  mkdir -p "$B/corpus-$t"
  echo "== fuzz_$t for ${T}s"
  "$B/fuzz_$t" -max_total_time="$T" -max_len=65536 -print_final_stats=1 -artifact_prefix="$B/crash-$t-" \
    "$B/corpus-$t" tests/corpus/$t 2>"$B/fuzz_$t.log" || { tail -40 "$B/fuzz_$t.log"; echo "fuzz_$t: FAILED"; exit 1; }
  grep -E 'stat::number_of_executed_runs|Done' "$B/fuzz_$t.log" | tail -2
done
echo "fuzz: no crashes"
