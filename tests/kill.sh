#!/bin/sh
# kill.sh: durability under SIGKILL.  Starts `myomap log` storing many session logs (all in
# one transaction, acknowledged by "stored visit N" lines after its commit), kills it with
# SIGKILL at a random moment (within half as long again as a whole run takes, timed first),
# and checks that the database passes its integrity check, that the logs were stored all or
# none, that every acknowledged visit is there, and that every stored visit is whole (its holds,
# pain measures and home program).  Repeats ROUNDS times; every other round is `myomap log
# --batch` with the logs split between two clients, stored all or none across both.
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
now_ms() { date +%s%3N; }
# one whole run, untimed otherwise, gives the window the kills fall in
$R client add --name "Kill 0" --birth 1980-01-01 >/dev/null 2>&1
t0=$(now_ms); $R log 1 $files >/dev/null 2>&1; run_ms=$(( $(now_ms) - t0 ))
[ "$run_ms" -ge 20 ] || run_ms=20
echo "  (a whole run of $N logs takes $run_ms ms; the kills fall within half as long again, so that"
echo "   some come after its commit, which is near its end)"
window=$((run_ms * 3 / 2))
total_acked=0 killed_none=0 killed_all=0
r=1
while [ $r -le "$ROUNDS" ]; do
  $R client add --name "Kill $r" --birth 1980-01-01 >/dev/null 2>&1 || { fail=$((fail + 1)); echo "  FAIL round $r: client add"; r=$((r + 1)); continue; }
  client=$($R client list --json | jq ".[] | select(.name == \"Kill $r\") | .id")
  clients=$client how="log"
  if [ $((r % 2)) = 0 ]; then   # the batch: the first half for one client, the rest for another
    $R client add --name "Kill ${r}b" --birth 1980-01-01 >/dev/null 2>&1
    other=$($R client list --json | jq ".[] | select(.name == \"Kill ${r}b\") | .id")
    clients="$client $other" how="log --batch"
    k=0; for f in $files; do printf '%s\t%s\n' "$([ $k -lt $((N / 2)) ] && echo "$client" || echo "$other")" "$f"; k=$((k + 1)); done >"$T/list"
  fi
  ms=$(( $(rand) % window + 1 ))
  if [ $((r % 2)) = 0 ]; then $R log --batch "$T/list" > "$T/acks" 2>"$T/err" &
  else $R log "$client" $files > "$T/acks" 2>"$T/err" &
  fi
  pid=$!
  sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
  kill -9 $pid 2>/dev/null
  wait $pid 2>/dev/null
  acked=$(grep -c '^stored visit' "$T/acks")
  total_acked=$((total_acked + acked))
  problems=""
  $R db check > "$T/check" 2>&1 || problems="integrity: $(grep -v '^ok' "$T/check" | head -3)"
  # the clients' visits and measures together
  for c in $clients; do $R client show "$c" --json || echo "cannot read client $c" >&2; done 2>"$T/showerr" |
    jq -s '{visits: (map(.visits) | add), measures: (map(.measures) | add)}' > "$T/show"
  [ -s "$T/showerr" ] && problems="$problems; $(cat "$T/showerr")"
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
  [ "$nv" = 0 ] || [ "$nv" = "$N" ] || problems="$problems; $nv of the $N logs stored: not all or none"
  [ "$nv" = 0 ] && killed_none=$((killed_none + 1))
  [ "$nv" = "$N" ] && killed_all=$((killed_all + 1))
  if [ -z "$problems" ]; then pass=$((pass + 1)); echo "  ok   round $r ($how): killed ${ms} ms after the start, $acked acknowledged, $nv stored, all whole"
  else fail=$((fail + 1)); echo "  FAIL round $r: $problems"; fi
  r=$((r + 1))
done
hp=$($R db info | sed -n 's/^homeprog //p'); vt=$($R db info | sed -n 's/^visit //p')
if [ "$hp" = "$vt" ]; then pass=$((pass + 1)); echo "  ok   every visit has its home program ($vt)"
else fail=$((fail + 1)); echo "  FAIL $vt visits but $hp home programs"; fi
[ "$killed_none" -gt 0 ] && [ "$killed_all" -gt 0 ] &&
  { pass=$((pass + 1)); echo "  ok   kills fell both before the commit ($killed_none rounds: nothing stored) and after it ($killed_all: all stored, $total_acked acknowledged)"; } ||
  { fail=$((fail + 1)); echo "  FAIL the kills all fell on one side of the commit ($killed_none before, $killed_all after): nothing was tested across it"; }
echo "kill $BACKEND: $pass passed, $fail failed"
[ "$fail" = 0 ]
