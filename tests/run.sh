#!/bin/sh
# run.sh: all of myomap's tests (unit, clinical cases, command line); called by `make test`.
# Ends with the line "N passed, N failed".
B=${B:-build}
pass=0
fail=0
add() { pass=$((pass + $1)); fail=$((fail + $2)); }

echo "== unit tests (Criterion)"
$B/test_unit --jobs 1 >"$B/unit.log" 2>&1
urc=$?
grep -E '^\[(FAIL|----)\]' "$B/unit.log" | head -40
line=$(grep 'Synthesis' "$B/unit.log")
echo "$line"
up=$(echo "$line" | sed -n 's/.*Passing: \([0-9]*\).*/\1/p')
uf=$(echo "$line" | sed -n 's/.*Failing: \([0-9]*\).*Crashing: \([0-9]*\).*/\1 \2/p')
if [ -z "$up" ]; then add 0 1; else add "$up" $(( $(echo $uf | cut -d' ' -f1) + $(echo $uf | cut -d' ' -f2) )); fi
[ $urc = 0 ] || [ -n "$up" ] || echo "unit tests did not run (exit $urc)"

echo "== clinical cases (tests/cases/*.test)"
if $B/test_cases tests/cases/*.test; then add 1 0; else add 0 1; fi

echo "== command line (tests/cli.sh)"
sh tests/cli.sh $B/myomap >"$B/cli.log" 2>&1
grep -v '^  ok' "$B/cli.log"
cp=$(tail -1 "$B/cli.log" | sed -n 's/cli: \([0-9]*\) passed, \([0-9]*\) failed/\1/p')
cf=$(tail -1 "$B/cli.log" | sed -n 's/cli: \([0-9]*\) passed, \([0-9]*\) failed/\2/p')
if [ -z "$cp" ]; then add 0 1; else add "$cp" "$cf"; fi

echo "== handout in headless chromium (tests/handout.mjs)"
H=$B/handout
mkdir -p "$H"
hrc=0
$B/myomap session run upper-trapezius-tp1:l levator-scapulae-upper:l gastrocnemius-tp1:r \
  --events tests/sessions/demo.events --log "$H/session.json" >"$H/session.txt" 2>&1 || hrc=1
$B/myomap homecare "$H/session.json" --html -o "$H/handout.html" 2>/dev/null || hrc=1
$B/myomap homecare upper-trapezius-tp1:l piriformis-tp1:r --contra anticoagulants --html -o "$H/handout-modified.html" 2>/dev/null || hrc=1
if [ $hrc != 0 ]; then echo "  FAIL could not make the handouts"; add 0 1
else
  node tests/handout.mjs "$H" "$H/handout.html" "$H/handout-modified.html" >"$B/handout.log" 2>&1
  cat "$B/handout.log" | grep -v '^  ok'
  hp=$(tail -1 "$B/handout.log" | sed -n 's/handout: \([0-9]*\) passed, \([0-9]*\) failed/\1/p')
  hf=$(tail -1 "$B/handout.log" | sed -n 's/handout: \([0-9]*\) passed, \([0-9]*\) failed/\2/p')
  if [ -z "$hp" ]; then tail -5 "$B/handout.log"; add 0 1; else add "$hp" "$hf"; fi
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
