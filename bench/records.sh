#!/bin/sh
# records.sh: the record store's benchmark (bench/bench_records.c, part of `make bench`) on SQLite
# and PostgreSQL, with psql's own COPY restore of the same rows beside the PostgreSQL bulk store.
#   BENCH_SESSIONS=N (default 100000); MYOMAP_BENCH_PG=postgresql://... (default: scripts/pg.sh's
#   server, database myomap_bench; its public schema is dropped and made again)
set -e
cd "$(dirname "$0")/.."
B=${B:-build}
PIN=""
command -v taskset >/dev/null && PIN="taskset -c 0"
S=${BENCH_SESSIONS:-100000}
# the session stored: the demo session as this binary logs it (docs/examples/session.json may lag
# behind the knowledge base, and a log whose plan the kb no longer gives back is kept whole)
LOG="$B/bench-session.json"
$B/myomap session run upper-trapezius-tp1:l levator-scapulae-upper:l gastrocnemius-tp1:r \
  --events tests/sessions/demo.events --log "$LOG" >/dev/null
# backup_bench DB NAME: the whole database streamed to /dev/null: its time and peak memory
backup_bench() {
  /usr/bin/env time -f "%e %M" -o "$B/time.txt" $PIN $B/myomap --db "$1" backup >/dev/null
  read -r secs kb <"$B/time.txt"
  echo "$2: backup of $S sessions (to /dev/null) in $secs s, peak memory $(awk -v k="$kb" 'BEGIN{printf "%.1f", k/1024}') MB"
}
# restore_bench FILE DB NAME: a backup restored into the new, empty DB: its time and peak memory
restore_bench() {
  /usr/bin/env time -f "%e %M" -o "$B/time.txt" $PIN $B/myomap --db "$2" restore "$1" >/dev/null
  read -r secs kb <"$B/time.txt"
  echo "$3: restore of that backup ($(wc -l <"$1") lines) into an empty database in $secs s, peak memory $(awk -v k="$kb" 'BEGIN{printf "%.1f", k/1024}') MB"
}
echo "== records on SQLite: $S sessions, then single writes and progress"
rm -rf "$B/bench-db" && mkdir -p "$B/bench-db"
$PIN $B/bench_records "$B/bench-db/myomap.db" "$LOG" "$S" 200
backup_bench "$B/bench-db/myomap.db" sqlite
$B/myomap --db "$B/bench-db/myomap.db" backup -o "$B/bench-db/backup.jsonl" 2>/dev/null
restore_bench "$B/bench-db/backup.jsonl" "$B/bench-db/restored.db" sqlite
rm -rf "$B/bench-db"
PGB=${MYOMAP_BENCH_PG:-$(sh scripts/pg.sh 2>/dev/null | sed 's/myomap_test$/myomap_bench/')}
if [ -n "$PGB" ] && psql "$PGB" -qc 'DROP SCHEMA public CASCADE; CREATE SCHEMA public' >/dev/null 2>&1; then
  # the sessions stored in one import on one connection (as `myomap log --batch` stores a clinic's
  # history: the yardstick is psql's COPY, one connection and one transaction too), then a
  # transaction a client (`myomap log CLIENT FILE...`) by one job, and by two at once (one per
  # core, each its own connection and clients, as two `myomap log` processes); the last run's
  # database is the one measured after
  echo "== records on PostgreSQL: $S sessions in one import on one connection, as \`myomap log --batch\` (its bulk line only)"
  BENCH_IMPORT=1 BENCH_JOBS=1 $PIN $B/bench_records "$PGB" "$LOG" "$S" 200 | grep 'the sessions alone' | tee "$B/bench-pgi.txt"
  psql "$PGB" -qc 'DROP SCHEMA public CASCADE; CREATE SCHEMA public' >/dev/null 2>&1
  echo "== records on PostgreSQL: $S sessions by one job, a transaction a client (its bulk line only)"
  BENCH_JOBS=1 $PIN $B/bench_records "$PGB" "$LOG" "$S" 200 | grep 'the sessions alone' | tee "$B/bench-pg1.txt"
  psql "$PGB" -qc 'DROP SCHEMA public CASCADE; CREATE SCHEMA public' >/dev/null 2>&1
  echo "== records on PostgreSQL: $S sessions by two jobs, a transaction a client, then single writes and progress"
  BENCH_JOBS=2 $PIN $B/bench_records "$PGB" "$LOG" "$S" 200 | tee "$B/bench-pg.txt"
  backup_bench "$PGB" postgresql
  $B/myomap --db "$PGB" backup -o "$B/bench-pg-backup.jsonl" 2>/dev/null
  # psql's own COPY restore of the same rows, as the yardstick of the bulk store: the rows the
  # timed sessions' phase wrote (the bench clients' visits, their holds, pain measures and home
  # programs) dumped as COPY text and loaded in one transaction into the empty schema (made by the
  # migrations) after what was there before that phase (clients, intakes, the kb version); the
  # measures stored after it, and the single-write client, are in neither
  echo "== records on PostgreSQL: psql's COPY of the same rows into an empty schema"
  C="$B/bench-copy"
  rm -rf "$C" && mkdir -p "$C"
  before="therapist client client_contra intake pain kbver"
  for t in $before; do psql "$PGB" -qc "\\copy $t TO '$C/$t.copy'"; done
  V="SELECT id FROM visit WHERE client_id IN (SELECT id FROM client WHERE name LIKE 'Bench Client %')"
  psql "$PGB" -qc "\\copy (SELECT * FROM visit WHERE id IN ($V) ORDER BY id) TO '$C/visit.copy'"
  psql "$PGB" -qc "\\copy (SELECT * FROM treatment WHERE visit_id IN ($V) ORDER BY visit_id, seq) TO '$C/treatment.copy'"
  psql "$PGB" -qc "\\copy (SELECT * FROM measure WHERE kind = 'nprs' AND visit_id IN ($V) ORDER BY id) TO '$C/measure.copy'"
  psql "$PGB" -qc "\\copy (SELECT * FROM homeprog WHERE visit_id IN ($V) ORDER BY id) TO '$C/homeprog.copy'"
  sessions=$(wc -l <"$C/visit.copy")
  psql "$PGB" -qc 'DROP SCHEMA public CASCADE; CREATE SCHEMA public' >/dev/null 2>&1
  $B/myomap --db "$PGB" db check >/dev/null
  { echo "BEGIN;"; for t in $before; do printf '%s\n' "\\copy $t FROM '$C/$t.copy'"; done; echo "COMMIT;"; } >"$C/before.sql"
  psql "$PGB" -q -v ON_ERROR_STOP=1 -f "$C/before.sql"
  { echo "BEGIN;"; for t in visit treatment measure homeprog; do printf '%s\n' "\\copy $t FROM '$C/$t.copy'"; done; echo "COMMIT;"; } >"$C/restore.sql"
  t0=$(date +%s.%N)
  psql "$PGB" -q -v ON_ERROR_STOP=1 -f "$C/restore.sql"
  t1=$(date +%s.%N)
  loaded=$(psql "$PGB" -tAc 'SELECT COUNT(*) FROM visit')
  [ "$loaded" = "$sessions" ] || { echo "postgresql: the COPY restore loaded $loaded of $sessions visits" >&2; exit 1; }
  rate() { sed -n 's/.* the sessions alone .* s: \([0-9]*\) sessions\/s .*/\1/p' "$1"; }
  awk -v a="$t0" -v b="$t1" -v n="$sessions" -v ri="$(rate "$B/bench-pgi.txt")" -v r1="$(rate "$B/bench-pg1.txt")" -v r="$(rate "$B/bench-pg.txt")" 'BEGIN { c = n / (b - a);
    printf "postgresql: psql COPY restore of the same rows (%d sessions: visits, holds, pain measures, home programs): %.2f s, %.0f sessions/s, one connection, one transaction\n", n, b - a, c;
    printf "postgresql: myomap on one connection in one import (`log --batch`) %d/s, %.2f of COPY: target >= 0.8 %s\n", ri, ri / c, (ri / c >= 0.8 ? "met" : "NOT MET");
    printf "postgresql: a transaction a client (`log CLIENT FILE...`): one job %d/s, %.2f of COPY; two jobs on two connections %d/s, %.2f\n", r1, r1 / c, r, r / c }'
  rm -rf "$C"
  psql "$PGB" -qc 'DROP SCHEMA public CASCADE; CREATE SCHEMA public' >/dev/null 2>&1
  restore_bench "$B/bench-pg-backup.jsonl" "$PGB" postgresql
  rm -f "$B/bench-pg-backup.jsonl"
  psql "$PGB" -qc 'DROP SCHEMA public CASCADE; CREATE SCHEMA public' >/dev/null 2>&1
else
  echo "== records on PostgreSQL: no server (scripts/pg.sh could not start one); not measured"
fi

