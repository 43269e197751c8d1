#!/bin/sh
# run.sh: all of myomap's tests (unit, clinical cases, command line); called by `make test`.
# Ends with the line "N passed, N failed".
B=${B:-build}
pass=0
fail=0
add() { pass=$((pass + $1)); fail=$((fail + $2)); }
# summary LOG [PREFIX]: add a sub-suite's closing "PREFIX: N passed, N failed" line (no prefix:
# "N passed, N failed", as the browser suites end) to the totals; a log without it is one failure
summary() {
  grep -v -e '^  ok' -e '^ok - ' "$1"
  sp=$(tail -1 "$1" | sed -n "s/^${2:+$2: }\([0-9]*\) passed, \([0-9]*\) failed/\1/p")
  sf=$(tail -1 "$1" | sed -n "s/^${2:+$2: }\([0-9]*\) passed, \([0-9]*\) failed/\2/p")
  if [ -z "$sp" ]; then tail -5 "$1"; add 0 1; return 1; else add "$sp" "$sf"; fi
}
# free_port FROM: a port from FROM up on which nobody listens (curl's 7: connection refused)
free_port() {
  fp=$1
  while [ "$fp" -lt $(($1 + 200)) ]; do
    curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$fp/"
    [ $? = 7 ] && { echo "$fp"; return 0; }
    fp=$((fp + 1))
  done
  return 1
}
# page_suite NAME: tests/NAME.mjs in Chromium against a server on a fresh database in $B/NAME on
# a free port, stopped after; its log $B/NAME.log counted
page_suite() {
  pd=$B/$1
  rm -rf "$pd" && mkdir -p "$pd"
  pport=$(free_port $((16000 + $$ % 1000))) || { echo "$1: no free port"; add 0 1; return 1; }
  $B/myomap --db "$pd/myomap.db" serve --listen 127.0.0.1:$pport >"$pd/serve.log" 2>&1 &
  ppid_=$!
  for i in $(seq 50); do curl -sf http://127.0.0.1:$pport/api/health >/dev/null 2>&1 && break; sleep 0.1; done
  MYOMAP_URL=http://127.0.0.1:$pport SHOTS=$B/shots node tests/$1.mjs >"$B/$1.log" 2>&1
  kill $ppid_ 2>/dev/null; wait $ppid_ 2>/dev/null
  summary "$B/$1.log"
}

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

echo "== clinical cases (tests/cases/*.test): single-problem top-1/top-3, two-problem both in the top 5/top 3"
if $B/test_cases --min-top1 80 --min-top3 96 --min-both5 90 --min-both3 70 tests/cases/*.test; then add 1 0; else add 0 1; fi
echo "   the same with the parameters fitted on 4/5 of the cases and ranked on the fifth held out (--cv 5):"
$B/test_cases --cv 5 tests/cases/*.test | tail -1 | sed 's/^/   /'

echo "== the CHOIR Body Map's 7,068 drawings (tests/choir.sh)"
sh tests/choir.sh $B/myomap >"$B/choir.log" 2>&1
grep -v '^  ok' "$B/choir.log"
chp=$(tail -1 "$B/choir.log" | sed -n 's/choir: \([0-9]*\) passed, \([0-9]*\) failed/\1/p')
chf=$(tail -1 "$B/choir.log" | sed -n 's/choir: \([0-9]*\) passed, \([0-9]*\) failed/\2/p')
if [ -z "$chp" ]; then add 0 1; else add "$chp" "$chf"; fi

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
$B/myomap homecare "$H/session.json" --context phone-cradling,shoulder-bag --desk-hours 9 --html -o "$H/handout.html" 2>/dev/null || hrc=1
$B/myomap homecare upper-trapezius-tp1:l piriformis-tp1:r --contra anticoagulants --html -o "$H/handout-modified.html" 2>/dev/null || hrc=1
$B/myomap --lang fr homecare "$H/session.json" --context phone-cradling,shoulder-bag --desk-hours 9 --html -o "$H/handout-fr.html" 2>/dev/null || hrc=1
$B/myomap --lang fr homecare upper-trapezius-tp1:l piriformis-tp1:r --contra anticoagulants --html -o "$H/handout-modified-fr.html" 2>/dev/null || hrc=1
if [ $hrc != 0 ]; then echo "  FAIL could not make the handouts"; add 0 1
else
  node tests/handout.mjs "$H" "$H/handout.html:phone-cradling,shoulder-bag" "$H/handout-modified.html" \
    "$H/handout-fr.html:phone-cradling,shoulder-bag@$H/handout.html" "$H/handout-modified-fr.html@$H/handout-modified.html" >"$B/handout.log" 2>&1
  summary "$B/handout.log" handout
fi

# The PostgreSQL server for the second backend: $MYOMAP_TEST_PG, else the one scripts/pg.sh
# starts on loopback (make test runs it through scripts/deps.sh).
PG=${MYOMAP_TEST_PG:-$(sh scripts/pg.sh 2>"$B/pg.log")}

echo "== records on SQLite (tests/records.sh)"
sh tests/records.sh $B/myomap sqlite >"$B/records-sqlite.log" 2>&1
summary "$B/records-sqlite.log" "records sqlite"

echo "== records on PostgreSQL (tests/records.sh)"
if [ -z "$PG" ]; then echo "  FAIL no PostgreSQL server: $(cat "$B/pg.log")"; add 0 1
else
  sh tests/records.sh $B/myomap "$PG" >"$B/records-pg.log" 2>&1
  summary "$B/records-pg.log" "records postgresql"
fi

echo "== SIGKILL in the middle of writes (tests/kill.sh)"
sh tests/kill.sh $B/myomap sqlite 25 >"$B/kill-sqlite.log" 2>&1
summary "$B/kill-sqlite.log" "kill sqlite"
if [ -n "$PG" ]; then
  sh tests/kill.sh $B/myomap "$PG" 15 >"$B/kill-pg.log" 2>&1
  summary "$B/kill-pg.log" "kill postgresql"
fi

echo "== databases of the formats before migration 7 (schema 6, and 5) upgraded in place (tests/upgrade.sh)"
sh tests/upgrade.sh $B/myomap sqlite >"$B/upgrade-sqlite.log" 2>&1
summary "$B/upgrade-sqlite.log" "upgrade sqlite"
FIXTURE=v5 sh tests/upgrade.sh $B/myomap sqlite >"$B/upgrade-v5.log" 2>&1
summary "$B/upgrade-v5.log" "upgrade sqlite"
if [ -n "$PG" ] && [ -n "$MYOMAP_OLD" ]; then   # loading the old format on PostgreSQL takes the old binary
  sh tests/upgrade.sh $B/myomap "$PG" >"$B/upgrade-pg.log" 2>&1
  summary "$B/upgrade-pg.log" "upgrade postgresql"
fi

echo "== web API on SQLite (tests/api.sh)"
sh tests/api.sh $B/myomap sqlite >"$B/api-sqlite.log" 2>&1
summary "$B/api-sqlite.log" "api sqlite"
echo "== the session room kept in the store: restarts, failed ends, limits (tests/live.sh)"
sh tests/live.sh $B/myomap sqlite >"$B/live-sqlite.log" 2>&1
summary "$B/live-sqlite.log" "live sqlite"
if [ -n "$PG" ]; then
  echo "== ... on PostgreSQL, and two servers on one database (tests/live.sh)"
  sh tests/live.sh $B/myomap "$PG" >"$B/live-pg.log" 2>&1
  summary "$B/live-pg.log" "live postgresql"
fi
echo "== the clinic's record: edits, visits, signed notes, the printed record, the plan of care (tests/record.sh)"
sh tests/record.sh $B/myomap sqlite >"$B/record-sqlite.log" 2>&1
summary "$B/record-sqlite.log" "record sqlite"
if [ -n "$PG" ]; then
  sh tests/record.sh $B/myomap "$PG" >"$B/record-pg.log" 2>&1
  summary "$B/record-pg.log" "record postgresql"
fi
echo "== the client's own links: intake and home program (tests/links.sh)"
sh tests/links.sh $B/myomap sqlite >"$B/links-sqlite.log" 2>&1
summary "$B/links-sqlite.log" "links sqlite"
if [ -n "$PG" ]; then
  sh tests/links.sh $B/myomap "$PG" >"$B/links-pg.log" 2>&1
  summary "$B/links-pg.log" "links postgresql"
fi
if [ -n "$PG" ]; then
  echo "== web API on PostgreSQL (tests/api.sh)"
  sh tests/api.sh $B/myomap "$PG" >"$B/api-pg.log" 2>&1
  summary "$B/api-pg.log" "api postgresql"
fi

echo "== HTTPS, myomap cert, floods of half-sent requests (tests/tls.sh)"
sh tests/tls.sh $B/myomap >"$B/tls.log" 2>&1
summary "$B/tls.log" "tls"

echo "== web app end to end in headless chromium, a second context as the phone (tests/e2e.mjs)"
E=$B/e2e
rm -rf "$E" && mkdir -p "$E"
EPORT=$(free_port $((17000 + $$ % 1000)))
# the server through a script that keeps its pid, so that the test can SIGKILL and restart it
printf '#!/bin/sh\necho $$ >"%s/serve.pid"\nexec "%s" --db "%s/myomap.db" serve --listen 127.0.0.1:%s >>"%s/serve.log" 2>&1\n' \
  "$E" "$(cd "$B" && pwd)/myomap" "$E" "$EPORT" "$E" >"$E/serve.sh"
sh "$E/serve.sh" &
for i in $(seq 50); do curl -sf http://127.0.0.1:$EPORT/api/health >/dev/null 2>&1 && break; sleep 0.1; done
MYOMAP_URL=http://127.0.0.1:$EPORT SHOTS=$B/shots SERVE_SCRIPT="$E/serve.sh" SERVE_PIDFILE="$E/serve.pid" \
  node tests/e2e.mjs >"$B/e2e.log" 2>&1
kill "$(cat "$E/serve.pid")" 2>/dev/null; wait 2>/dev/null
summary "$B/e2e.log" && echo "  screenshots in $B/shots/"

echo "== the client's own pages on a phone: the intake link, French (tests/client.mjs)"
page_suite client

echo "== every screen in French, and the client's pages (tests/french.mjs)"
page_suite french && echo "  French screenshots in $B/shots/fr-*.png"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
