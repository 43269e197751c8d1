#!/bin/sh
# choir.sh: ranks all 7,068 drawings of the CHOIR Body Map validation set (../shared/data/choir,
# beside the clone; read, never copied) through `myomap where --batch`, checks that every one
# ranks with no error, and prints what the answers look like.  Usage: sh tests/choir.sh MYOMAP
. "$(dirname "$0")/lib.sh"
M=${1:-build/myomap}
D=${CHOIR_DIR:-../shared/data/choir}
if [ ! -f "$D/validation.tsv" ]; then
  ko "the CHOIR drawings: $D/validation.tsv is missing (the shared data directory must sit beside the clone)"
  echo "choir: $pass passed, $fail failed"
  exit 1
fi
n=$(($(wc -l <"$D/validation.tsv") - 1))
# id, gender, age, segments -> one batch line per drawing (female drawings on the female map)
awk -F'\t' 'NR > 1 { printf "{\"choir\":\"%s\",\"map\":\"%s\"}\n", $4, ($2 == "Female" ? "female" : "male") }' \
  "$D/validation.tsv" >"$T/in.jsonl"
"$M" where --batch "$T/in.jsonl" --top 5 >"$T/out.jsonl" 2>"$T/err"
rc=$?
lines=$(wc -l <"$T/out.jsonl")
errors=$(grep -c '"error"' "$T/out.jsonl")
if [ $rc = 0 ] && [ "$lines" = "$n" ] && [ "$errors" = 0 ]; then ok "all $n CHOIR drawings ranked, 0 errors"
else ko "CHOIR drawings: exit $rc, $lines results for $n drawings, $errors errors" "$(grep '"error"' "$T/out.jsonl" | head -5; cat "$T/err")"; fi
# every answer names candidates, groups covering them, and the segments it was given
bad=$(jq -c 'select((.candidates | length) == 0 or (.groups | length) == 0 or (.choir.segments | length) == 0
                    or ([.groups[].candidates[]] | length) != (.candidates | length))' "$T/out.jsonl" | wc -l)
if [ "$bad" = 0 ]; then ok "every answer has candidates, each in one group, and its CHOIR segments"
else ko "$bad answers without candidates, groups or segments" "$(jq -c 'select((.candidates | length) == 0)' "$T/out.jsonl" | head -2 | cut -c1-400)"; fi
jq -r '[(.candidates | length), (.groups | length), (.screen.flags | length), .explained, .explained_best, (.choir.segments | length)] | @tsv' \
  "$T/out.jsonl" | awk -F'\t' '
  { c[$1]++; g[$2]++; f[$3]++; sc += $1; sg += $2; sf += $3; se += $4; sb += $5; ss += $6; n++; if ($5 < 0.999) multi++ }
  END {
    printf "choir: %d drawings, %.1f segments on average\n", n, ss / n
    printf "choir: candidates %.2f on average (", sc / n; for (k = 0; k <= 5; k++) if (c[k]) printf " %d:%d", k, c[k]; printf " )\n"
    printf "choir: groups %.2f on average (", sg / n; for (k = 0; k <= 8; k++) if (g[k]) printf " %d:%d", k, g[k]; printf " )\n"
    printf "choir: red flags %.2f on average (", sf / n; for (k = 0; k <= 8; k++) if (f[k]) printf " %d:%d", k, f[k]; printf " )\n"
    printf "choir: the top 5 explain %.0f%% of a drawing on average, the first alone %.0f%%; %d drawings (%.0f%%) need more than one source\n", 100 * se / n, 100 * sb / n, multi, 100 * multi / n
  }'
echo "choir: $pass passed, $fail failed"
[ "$fail" = 0 ]
