#!/bin/sh
# kill.sh: durability under SIGKILL.  Starts `myomap log` storing many session logs (one
# transaction each, acknowledged by a "stored visit N" line), kills it with SIGKILL at a
# random moment, and checks that the database passes its integrity check, that every
# acknowledged visit is there, and that every stored visit is whole (its holds, pain
# measures and home program).  Repeats ROUNDS times.
#   tests/kill.sh path/to/myomap sqlite|postgresql://... [ROUNDS]
# Ends with "kill BACKEND: N passed, N failed".
M=${1:-build/myomap}
TARGET=${2:-sqlite}
ROUNDS=${3:-25}
. "$(dirname "$0")/lib.sh"
DB=$(fresh killtest) || { echo "kill $BACKEND: 0 passed, 1 failed (cannot reach $TARGET)"; exit 1; }
R="$M --db $DB"
N=300
# N logs with distinct start times
i=0
while [ $i -lt $N ]; do
  h=$((i / 60)); m=$((i % 60))
  sed "s/2026-11-22T10:00:00Z/2025-03-01T$(printf %02d:%02d $((h + 8)) $m):00Z/" docs/examples/session.json > "$T/log$i.json"
  i=$((i + 1))
done
files=$(i=0; while [ $i -lt $N ]; do printf '%s ' "$T/log$i.json"; i=$((i + 1)); done)
rand() { od -An -N2 -tu2 /dev/urandom | tr -d ' '; }
total_acked=0
r=1
while [ $r -le "$ROUNDS" ]; do
  $R client add --name "Kill $r" --birth 1980-01-01 >/dev/null 2>&1 || { fail=$((fail + 1)); echo "  FAIL round $r: client add"; r=$((r + 1)); continue; }
  client=$($R client list --json | jq ".[] | select(.name == \"Kill $r\") | .id")
  $R log "$client" $files > "$T/acks" 2>"$T/err" &
  pid=$!
  # wait for the first acknowledgement (the logs are all read and checked before any write),
  # then kill at a random moment within the next 200 ms
  w=0
  while [ $w -lt 200 ] && ! grep -q '^stored' "$T/acks" 2>/dev/null && kill -0 $pid 2>/dev/null; do sleep 0.05; w=$((w + 1)); done
  ms=$(( $(rand) % 200 + 1 ))
  sleep "$(printf '0.%03d' "$ms")"
  kill -9 $pid 2>/dev/null
  wait $pid 2>/dev/null
  acked=$(grep -c '^stored visit' "$T/acks")
  total_acked=$((total_acked + acked))
  problems=""
  $R db check > "$T/check" 2>&1 || problems="integrity: $(grep -v '^ok' "$T/check" | head -3)"
  $R client show "$client" --json > "$T/show" 2>&1 || problems="$problems; cannot read client $client"
  ids="[$(sed -n 's/^stored visit \([0-9]*\).*/\1/p' "$T/acks" | paste -sd, -)]"
  missing=$(jq -c --argjson a "$ids" '$a - [.visits[].id]' "$T/show")
  [ "$missing" = "[]" ] || problems="$problems; acknowledged visits missing: $missing"
  # every stored visit is whole: 4 holds, pain before and after, and its home program
  jq -e '.visits | all(.holds == 4 and .pain_pre == 6 and .pain_post == 3)' "$T/show" >/dev/null ||
    problems="$problems; a stored visit is incomplete"
  nv=$(jq '.visits | length' "$T/show")
  np=$(jq '[.measures[] | select(.kind == "nprs")] | length' "$T/show")
  [ "$np" = $((2 * nv)) ] || problems="$problems; $nv visits but $np pain measures"
  [ "$nv" -ge "$acked" ] || problems="$problems; $acked acknowledged but $nv stored"
  if [ -z "$problems" ]; then pass=$((pass + 1)); echo "  ok   round $r: killed ${ms} ms after the first write, $acked acknowledged, $nv stored, all whole"
  else fail=$((fail + 1)); echo "  FAIL round $r: $problems"; fi
  r=$((r + 1))
done
hp=$($R db info | sed -n 's/^homeprog //p'); vt=$($R db info | sed -n 's/^visit //p')
if [ "$hp" = "$vt" ]; then pass=$((pass + 1)); echo "  ok   every visit has its home program ($vt)"
else fail=$((fail + 1)); echo "  FAIL $vt visits but $hp home programs"; fi
[ "$total_acked" -gt 0 ] && { pass=$((pass + 1)); echo "  ok   writes were under way when killed ($total_acked acknowledged in all)"; } ||
  { fail=$((fail + 1)); echo "  FAIL no write was ever acknowledged: the kills came too early to test anything"; }
echo "kill $BACKEND: $pass passed, $fail failed"
[ "$fail" = 0 ]
