#!/bin/sh
# upgrade.sh: a database made by myomap before migration 7 (tests/fixtures/v6.db: visits keeping
# their whole session log and home program as text, made by tests/fixtures/make.sh v6 with the
# binary of cd16fb9 (main's last of schema 6) with branch fr (66395c1) merged; FIXTURE=v5 takes
# tests/fixtures/v5.db, schema 5, made by make.sh v5 with e0dd9c0, which goes through migrations
# 6 and 7) is upgraded in place when it is opened, and everything a user reads from it stays byte
# for byte what the v6 binary printed from it (tests/fixtures/v6/; v5's outputs were printed by the
# same binary, as the note's wording changed after e0dd9c0; the French notes' text was printed
# again from the rows before their upgrade when it came to name the points in French, see
# make.sh): every visit's note (and for v6 each
# client's note in French) (text and printable), progress as a table and JSON, the FHIR (with a
# sensitive-area Consent) and CSV exports, the printable record, and from the web API the home
# program and its handout, the visit list and each visit with its home program.  v5/ holds only
# the files that differ from v6/'s: each output is compared with v5/FILE when it exists, else
# with v6/FILE.  Also read before the rows are rewritten (MYOMAP_NO_UPGRADE=1), and checked that
# the rows took their stored form, that the database passes db check and that opening again
# changes nothing.
#   [FIXTURE=v5] tests/upgrade.sh path/to/myomap sqlite|postgresql://...
# PostgreSQL needs the old binary to load the fixture's backup (MYOMAP_OLD=path/to/old/myomap,
# the fixture's own version).  Also: the old binary's backup is refused by this one's restore,
# with what to do instead, and that way round (old restore, new open, new backup) restores.
# Ends with "upgrade BACKEND: N passed, N failed".
M=${1:-build/myomap}
TARGET=${2:-sqlite}
. "$(dirname "$0")/lib.sh"
F=tests/fixtures
V=${FIXTURE:-v6}
FR=""; [ "$V" = v5 ] || FR=fr   # --lang fr came after schema 5
case "$TARGET" in
  postgres*)
    if [ -z "$MYOMAP_OLD" ]; then echo "upgrade $BACKEND: 0 passed, 1 failed (MYOMAP_OLD not set: no binary to load the old format)"; exit 1; fi
    DB=$(fresh upgrade) || { echo "upgrade $BACKEND: 0 passed, 1 failed (cannot reach $TARGET)"; exit 1; }
    "$MYOMAP_OLD" --db "$DB" restore "$F/$V.jsonl" >/dev/null 2>"$T/err" || { echo "upgrade $BACKEND: 0 passed, 1 failed ($(cat "$T/err"))"; exit 1; } ;;
  *) DB="$T/$V.db"; cp "$F/$V.db" "$DB" ;;
esac
same() {  # same NAME DIR: DIR holds the fixture's files, each byte for byte $V/FILE, else v6/FILE
  d=""
  for e in "$F/$V"/* "$F/v6"/*; do   # every expected file was made (v6's French notes only with FR)
    [ -e "$e" ] || continue   # an empty directory's pattern
    n=${e##*/}
    case "$n" in *-fr.*) [ -n "$FR" ] || continue ;; esac
    [ -e "$2/$n" ] || d="$d
missing: $n"
  done
  for o in "$2"/*; do
    n=${o##*/}
    e="$F/$V/$n"
    [ -e "$e" ] || e="$F/v6/$n"
    if [ ! -e "$e" ]; then d="$d
not in the fixture: $n"
    elif ! x=$(diff "$e" "$o" 2>&1); then d="$d
$e differs:
$x"; fi
  done
  if [ -z "$d" ]; then ok "$1"; else ko "$1" "$(printf '%s\n' "$d" | sed 1d | head -20)"; fi
}
legacy() { "$M" --db "$DB" backup | jq -s '[.[] | select(.table == "visit" and .row.logz == null)] | length'; }
MYOMAP_NO_UPGRADE=1 sh $F/outputs.sh "$M" "$DB" "$T/before" $FR 2>"$T/err" || ko "outputs before the upgrade" "$(cat "$T/err")"
same "before the rows are rewritten: notes, progress, exports and handouts as the old binary printed them" "$T/before"
[ "$(MYOMAP_NO_UPGRADE=1 legacy)" = 6 ] && ok "the six old visits were still in the old form" || ko "old visits" "$(MYOMAP_NO_UPGRADE=1 legacy)"
sh $F/outputs.sh "$M" "$DB" "$T/after" $FR 2>"$T/err" || ko "outputs after the upgrade" "$(cat "$T/err")"
same "after the upgrade: notes, progress, exports and handouts byte for byte the same" "$T/after"
"$M" --db "$DB" backup >"$T/backup.jsonl"
if jq -s -e '[.[] | select(.table == "visit") | .row] | length == 6 and all(.log == "" and .logz != null and .kbver_id != null)' "$T/backup.jsonl" >/dev/null
then ok "every visit keeps its log compressed, without the plan, with its knowledge-base version"
else ko "visits rewritten" "$(grep '"visit"' "$T/backup.jsonl" | cut -c1-300)"; fi
if jq -s -e '[.[] | select(.table == "homeprog") | .row] | length == 6 and all(.program == "" and .kbver_id != null and (.ctx | fromjson | type == "object"))' "$T/backup.jsonl" >/dev/null
then ok "every home program is derived from its knowledge-base version and the intake's factors it was made with"
else ko "home programs rewritten" "$(grep '"homeprog"' "$T/backup.jsonl" | cut -c1-300)"; fi
jq -s -e '[.[] | select(.table == "kbver")] | length == 1' "$T/backup.jsonl" >/dev/null && ok "one knowledge-base version stored" || ko "kbver rows"
expect "db check after the upgrade" 0 'schema version' -- "$M" --db "$DB" db check
bad=""
for v in 1 2 3 4 5 6; do
  jq -r "select(.table == \"visit\" and .row.id == \"$v\") | .row.log" "$F/$V.jsonl" | jq -S . >"$T/was.json"
  "$M" --db "$DB" db log $v | jq -S . >"$T/now.json" 2>&1
  cmp -s "$T/was.json" "$T/now.json" || bad="$bad $v"
done
[ -z "$bad" ] && ok "db log: each visit's session log, its plan derived again, equals the log stored before" || ko "db log differs for visits$bad"
rows() { grep -E '^\{"table":"(visit|homeprog|kbver|treatment|measure)"' "$1"; }   # the audit log grows
# backups: the old binary's is refused with what to do; the upgraded database's own (its
# compressed logs and kb versions as base64) restores, and reads the same
R1=$(fresh restold) && R2=$(fresh restnew) || ko "fresh databases for the restores"
expect "the old myomap's backup is refused, saying how to bring it over" 1 'restore it into a new database with the myomap that wrote it' -- \
  "$M" --db "$R1" restore "$F/$V.jsonl"
if "$M" --db "$R2" restore "$T/backup.jsonl" >/dev/null 2>"$T/err"; then
  sh $F/outputs.sh "$M" "$R2" "$T/restored" $FR 2>"$T/err" || ko "outputs of the restored copy" "$(cat "$T/err")"
  same "the upgraded database's backup restored: the same outputs" "$T/restored"
  "$M" --db "$R2" backup >"$T/backup3.jsonl"
  [ "$(rows "$T/backup.jsonl")" = "$(rows "$T/backup3.jsonl")" ] && ok "restored: the same rows, compressed logs included" || ko "restored rows differ"
else ko "restoring the upgraded database's backup" "$(cat "$T/err")"; fi
sh $F/outputs.sh "$M" "$DB" "$T/again" $FR 2>"$T/err"
same "opened again: the same outputs" "$T/again"
"$M" --db "$DB" backup >"$T/backup2.jsonl"
[ "$(rows "$T/backup.jsonl")" = "$(rows "$T/backup2.jsonl")" ] && ok "opened again: nothing rewritten" || ko "a second open changed the visits"
if [ "$BACKEND" = sqlite ]; then
  sqlite3 "$DB" 'PRAGMA wal_checkpoint(TRUNCATE); VACUUM;' >/dev/null
  before=$(sqlite3 "$F/$V.db" "SELECT SUM(pgsize) FROM dbstat WHERE name IN ('visit','homeprog')" 2>/dev/null)
  after=$(sqlite3 "$DB" "SELECT SUM(pgsize) FROM dbstat WHERE name IN ('visit','homeprog')" 2>/dev/null)
  if [ -n "$before" ] && [ -n "$after" ]; then
    [ "$after" -lt "$before" ] && ok "visits and home programs: $before bytes of pages before, $after after" || ko "no smaller: $before -> $after"
  fi
fi
echo "upgrade $BACKEND: $pass passed, $fail failed"
[ "$fail" = 0 ]
