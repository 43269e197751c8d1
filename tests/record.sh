#!/bin/sh
# record.sh: the clinic's record over the API and the command line (issue 12): clients edited
# (every field, consent given later, contraindications added and ended with dates, archived,
# searched), the visit history, signed notes with addenda, the printable note and record, and
# the plan of care with its progress; each route's rights (401, 403, 404), its audit rows, and
# bad input refused with a clear error and nothing written.  Prints "record BACKEND: N passed,
# N failed".
#   tests/record.sh path/to/myomap sqlite
#   tests/record.sh path/to/myomap postgresql://USER:PASS@HOST/DB   (its schema "recordtest" is reset)
M=${1:-build/myomap}
TARGET=${2:-sqlite}
HERE=$(dirname "$0")
. "$HERE/lib.sh"
. "$HERE/httplib.sh"
cleanup() { serve_stop A; rm -rf "$T"; }
trap cleanup EXIT
trap 'exit 1' INT TERM

DB=$(fresh recordtest) || { echo "  FAIL cannot reach $TARGET"; echo "record $BACKEND: 0 passed, 1 failed"; exit 1; }
mkdir -p "$(dirname "$DB")" 2>/dev/null
sql() {
  case "$TARGET" in
    postgres*) PGOPTIONS="-csearch_path=recordtest" psql "$TARGET" -Atqc "$1" ;;
    *) sqlite3 "$DB" "$1" ;;
  esac
}
R="$M --db $DB"
# send WHO METHOD PATH JSON: a PATCH or PUT with WHO's cookie and CSRF token
send() {
  who=$1 m=$2 p=$3 d=$4
  shift 4
  eval "ck=\${${who}_C} cx=\${${who}_X}"
  call "$m" "$p" -H "Cookie: myomap_session=$ck" -H "X-CSRF-Token: $cx" -H "Content-Type: $CT" --data-binary "$d" "$@"
}
# snap TABLES: the rows of the tables, to compare before and after a refused write
snap() { for t in "$@"; do sql "SELECT * FROM $t ORDER BY 1" ; done | md5sum; }
# audited ACTION PATTERN: the latest audit row has the action and a detail matching PATTERN
audited() { sql "SELECT action || ' ' || detail FROM audit ORDER BY id DESC LIMIT 1" | grep -qE "^$1 .*$2"; }

serve_start A "$DB" || { echo "  FAIL could not start the server"; cat "$T/A.log"; echo "record $BACKEND: 0 passed, 1 failed"; exit 1; }
B=$A_URL
echo "  (server on $B, records: $BACKEND)"

PW=correct-horse-battery-7
post none /api/setup "{\"name\":\"Ada Admin\",\"email\":\"admin@clinic.example\",\"password\":\"$PW\"}"
want "the first account" 200 || exit 1
login ADM admin@clinic.example "$PW"
post ADM /api/users "{\"name\":\"Tess Ward\",\"email\":\"tess@clinic.example\",\"password\":\"$PW\",\"role\":\"therapist\"}"
TESS=$(jq -r .id "$T/body")
post ADM /api/users "{\"name\":\"Ben Hale\",\"email\":\"ben@clinic.example\",\"password\":\"$PW\",\"role\":\"therapist\"}"
BEN=$(jq -r .id "$T/body")
login TA tess@clinic.example "$PW"
login BEN ben@clinic.example "$PW"
post TA /api/clients '{"name":"Ann Lee","birth":"1980-04-02","phone":"+1 (416) 555-0199","history":"migraine since 2019"}'
want "a client" 200 '.id'
CA=$(jq -r .id "$T/body")
post TA /api/clients '{"name":"Test Entry","birth":"1990-01-01"}'
CT2=$(jq -r .id "$T/body")
post BEN /api/clients '{"name":"Bob Stone","birth":"1975-06-30","phone":"555 0100"}'
CB=$(jq -r .id "$T/body")

echo "== clients: edit every field"
call PATCH "/api/clients/$CA" -H "Content-Type: $CT" --data-binary '{"name":"x"}'
wanterr "PATCH without a login: 401" 401 unauthenticated
eval "ck=\$TA_C"
call PATCH "/api/clients/$CA" -H "Cookie: myomap_session=$ck" -H "Content-Type: $CT" --data-binary '{"name":"x"}'
wanterr "PATCH without the CSRF token: 403" 403 csrf
send BEN PATCH "/api/clients/$CA" '{"name":"Hijack"}'
wanterr "another therapist's client: 403" 403 forbidden
audited denied "" && ok "the refused edit is audited as denied" || ko "denied edit not audited"
send TA PATCH "/api/clients/99999" '{"name":"Nobody"}'
wanterr "no such client: 404" 404 not-found
before=$(snap client client_contra client_contra_past)
send TA PATCH "/api/clients/$CA" '{"birth":"2999-01-01"}'
wanterr "a birth date in the future: 400" 400 bad-request
send TA PATCH "/api/clients/$CA" '{"birth":"1980-02-30"}'
wanterr "a birth date that is not a day: 400" 400 bad-request
send TA PATCH "/api/clients/$CA" '{"name":""}'
wanterr "an empty name: 400" 400 bad-request
send TA PATCH "/api/clients/$CA" '{"phone":"call me"}'
wanterr "a phone with letters: 400" 400 bad-request
send TA PATCH "/api/clients/$CA" '{"consent":"yes"}'
wanterr "consent that is not a boolean: 400" 400 bad-request
send TA PATCH "/api/clients/$CA" '{"consent":true,"consent_date":"2999-01-01"}'
wanterr "a consent date in the future: 400" 400 bad-request
send TA PATCH "/api/clients/$CA" '{"consent":true,"consent_date":"1970-01-01"}'
wanterr "a consent date before the birth: 400" 400 bad-request
send TA PATCH "/api/clients/$CA" '{"add_contraindications":["no-such-thing"]}'
wanterr "an unknown contraindication: 400" 400 bad-request
send TA PATCH "/api/clients/$CA" '{"add_contraindications":["open-wound"]}'
wanterr "a local contraindication without its region: 400" 400 bad-request
send TA PATCH "/api/clients/$CA" '{"end_contraindications":["anticoagulants"]}'
wanterr "ending a contraindication that is not current: 400" 400 bad-request
send TA PATCH "/api/clients/$CA" '{"name":"Ann Lee-Smith","end_contraindications":["anticoagulants"]}'
wanterr "a good field beside a bad one: 400" 400 bad-request
send TA PATCH "/api/clients/$CA" "{\"history\":\"$(head -c 20001 /dev/zero | tr '\0' a)\"}"
wanterr "a history over 20,000 characters: 400" 400 bad-request
send TA PATCH "/api/clients/$CA" '{}'
wanterr "nothing to change: 400" 400 bad-request
send TA PATCH "/api/clients/$CA" '[1]'
wanterr "a body that is not an object: 400" 400 bad-request
[ "$(snap client client_contra client_contra_past)" = "$before" ] && ok "the refused edits wrote nothing" || ko "a refused edit wrote something"

send TA PATCH "/api/clients/$CA" '{"name":"Ann Lee-Smith","birth":"1980-04-03","phone":"416 555 0123","email":"ann@example.org","history":"migraine since 2018; now on warfarin"}'
want "name, birth, phone, email and history edited" 200 '.changed == ["name","birth","phone","email","history"]'
audited update "client: name,birth,phone,email,history$" && ok "the audit names the fields changed" || ko "audit of the edit" "$(sql 'SELECT detail FROM audit ORDER BY id DESC LIMIT 1')"
sql "SELECT detail FROM audit" | grep -q "warfarin\|migraine" && ko "a health value reached the audit log" || ok "no health value in the audit log"
get TA "/api/clients/$CA"
want "the edit is stored" 200 '.client.name == "Ann Lee-Smith" and .client.birth == "1980-04-03" and .client.phone == "416 555 0123" and .client.email == "ann@example.org" and (.client.history | test("warfarin"))'
send TA PATCH "/api/clients/$CA" '{"consent":true,"consent_date":"2026-11-02"}'
want "consent given later, with its date" 200 '.changed == ["consent_date","consent"]'
get TA "/api/clients/$CA"
want "consent and its date stored" 200 '.client.consent == 1 and .client.consent_date == "2026-11-02"'
send TA PATCH "/api/clients/$CA" '{"email":""}'
want "an empty optional field clears it" 200 '.changed == ["email"]'
get TA "/api/clients/$CA"
want "email cleared" 200 '.client.email == null'

echo "== contraindications added and ended, with dates"
send TA PATCH "/api/clients/$CA" '{"add_contraindications":[{"id":"anticoagulants","started":"2026-11-10"},{"id":"open-wound","region":"calf-l"}]}'
want "two contraindications added" 200 '.changed == ["contraindications"]'
audited update "client: contraindications$" && ok "audited as contraindications, without naming them" || ko "contra audit"
get TA "/api/clients/$CA"
want "current, with their start dates" 200 '[.contraindications[] | .id + "@" + (.started // "")] | sort == ["anticoagulants@2026-11-10", "open-wound@'"$(date -u +%F)"'"]'
post TA /api/plan "{\"client\":$CA,\"points\":[{\"tp\":\"gastrocnemius-tp1\",\"side\":\"l\"}]}"
jq -e '[.. | strings] | map(select(test("open wound|open-wound"; "i"))) | length > 0' "$T/body" >/dev/null && ok "the plan uses the current ones (the open wound on the left calf)" || ko "plan ignores the current contraindication" "$(body)"
send TA PATCH "/api/clients/$CA" '{"end_contraindications":[{"id":"open-wound","region":"calf-l","ended":"2026-11-20"}]}'
want "one ended" 200 '.changed == ["contraindications"]'
get TA "/api/clients/$CA"
want "it moves to the history, with both dates" 200 '([.contraindications[].id] == ["anticoagulants"]) and (.contraindications_ended | length == 1 and .[0].id == "open-wound" and .[0].region == "calf-l" and .[0].ended == "2026-11-20")'
post TA /api/plan "{\"client\":$CA,\"points\":[{\"tp\":\"gastrocnemius-tp1\",\"side\":\"l\"}]}"
jq -e '[.. | strings] | map(select(test("open wound"; "i"))) | length == 0' "$T/body" >/dev/null && ok "the plan no longer uses the ended one" || ko "the plan still uses an ended contraindication" "$(body)"
send TA PATCH "/api/clients/$CA" '{"add_contraindications":[{"id":"open-wound","region":"calf-l","started":"2999-01-01"}]}'
wanterr "a start date in the future: 400" 400 bad-request

echo "== archive and search"
send TA PATCH "/api/clients/$CT2" '{"archived":true}'
want "a test entry archived" 200 '.changed == ["archived"]'
get TA /api/clients
want "hidden from the list" 200 "[.clients[].id] | index($CT2) == null and index($CA) != null"
get TA "/api/clients?archived=1"
want "listed with ?archived=1, marked" 200 "[.clients[] | select(.id == $CT2) | .archived] | length == 1 and .[0] != null"
get TA "/api/clients/$CT2"
want "kept and still readable" 200 '.client.name == "Test Entry" and .client.archived != null'
get TA "/api/clients?archived=maybe"
wanterr "archived=maybe: 400" 400 bad-request
get TA "/api/clients?q=lee-sm"
want "search by a part of the name, any case" 200 "[.clients[].id] == [$CA]"
get TA "/api/clients?q=1980-04"
want "search by the start of the birth date" 200 "[.clients[].id] == [$CA]"
get TA "/api/clients?q=5550123"
want "search by the phone's digits" 200 "[.clients[].id] == [$CA]"
get TA "/api/clients?q=Bob"
want "another therapist's client is not found" 200 '.clients == []'
get ADM "/api/clients?q=bob"
want "the admin finds it" 200 "[.clients[].id] == [$CB]"
get TA "/api/clients?q=%25"
want "a % in the search is a character, not a wildcard" 200 '.clients == []'
get TA "/api/clients?q=test"
want "an archived client is not in a search" 200 '.clients == []'
get TA "/api/clients?q=test&archived=1"
want "unless asked for" 200 "[.clients[].id] == [$CT2]"
get TA "/api/clients?q=$(head -c 101 /dev/zero | tr '\0' a)"
wanterr "a search over 100 characters: 400" 400 bad-request
sql "SELECT detail FROM audit WHERE action = 'list'" | grep -qi "lee\|bob" && ko "a search term reached the audit log" || ok "searches audited without their words"
send TA PATCH "/api/clients/$CT2" '{"archived":false}'
want "brought back" 200 '.changed == ["archived"]'
get TA /api/clients
want "listed again" 200 "[.clients[].id] | index($CT2) != null"

echo "== the command line: client edit, list"
expect "client edit --contra-add with a date" 0 "updated client $CA" -- $R client edit "$CA" --contra-add osteoporosis --contra-date 2026-11-15
expect "client show has it with its date" 0 "osteoporosis \(since 2026-11-15\)" -- $R client show "$CA"
expect "client edit --contra-end" 0 "updated client $CA" -- $R client edit "$CA" --contra-end osteoporosis --contra-date 2026-11-25
expect "client show lists it ended" 0 "ended: osteoporosis, from 2026-11-15 to 2026-11-25" -- $R client show "$CA"
expect "ending it again is refused" 1 "not a current contraindication" -- $R client edit "$CA" --contra-end osteoporosis
expect "client edit --archive yes" 0 "updated client $CT2" -- $R client edit "$CT2" --archive yes
expect "client list hides it" 0 "" -- $R client list
grep -q "Test Entry" "$T/out" && ko "archived client listed" || ok "the archived client is not listed"
expect "client list --archived shows it" 0 "Test Entry.*archived" -- $R client list --archived
expect "client list --search" 0 "Ann Lee-Smith" -- $R client list --search 0123
expect "client edit --archive maybe is refused" 1 "yes or no" -- $R client edit "$CT2" --archive maybe
$R client edit "$CT2" --archive no >/dev/null

echo "== visits: the history, newest first"
for d in 10 17 24; do
  sed "s/2026-11-22T10:00:00Z/2026-11-${d}T09:00:00Z/g" docs/examples/session.json >"$T/s$d.json"
done
sed "s/2026-11-22T10:00:00Z/2026-11-24T15:30:00Z/g; s/\"pain_pre\": *6/\"pain_pre\":3/; s/\"pain_post\": *3/\"pain_post\":2/" docs/examples/session.json >"$T/s24b.json"
expect "four sessions stored as Tess's visits" 0 "stored visit 4" -- $R log "$CA" --therapist "$TESS" "$T/s10.json" "$T/s17.json" "$T/s24.json" "$T/s24b.json"
V1=$(sql "SELECT id FROM visit WHERE started = '2026-11-10T09:00:00Z'")
V3=$(sql "SELECT id FROM visit WHERE started = '2026-11-24T09:00:00Z'")
V4=$(sql "SELECT id FROM visit WHERE started = '2026-11-24T15:30:00Z'")
get none "/api/clients/$CA/visits"
wanterr "visits without a login: 401" 401 unauthenticated
get BEN "/api/clients/$CA/visits"
wanterr "another therapist's visits: 403" 403 forbidden
get TA "/api/clients/99999/visits"
wanterr "no such client's visits: 404" 404 not-found
get TA "/api/clients/$CA/visits"
want "every visit, newest first" 200 "[.visits[].id] == [$V4, $V3, $(sql "SELECT id FROM visit WHERE started = '2026-11-17T09:00:00Z'"), $V1]"
want "each with its date, start, therapist, pain and note state" 200 '.visits[0] | .date == "2026-11-24" and .started == "2026-11-24T15:30:00Z" and .therapist == "Tess Ward" and .pain_pre == 3 and .pain_post == 2 and .note == "draft" and .signed == null'
want "the points treated, each once, in words" 200 '.visits[0].points | length >= 1 and all(.name | type == "string" and length > 3) and (map(.tp + .side) | length == (unique | length))'
audited read "/api/clients/$CA/visits" && ok "the read is audited" || ko "visits read not audited"

echo "== progress keeps same-day visits apart, dated by their sessions"
get TA "/api/clients/$CA/progress"
want "two rows for the two visits of 2026-11-24" 200 '[.visits[] | select(.date == "2026-11-24")] | length == 2'
want "each with its own visit, start and pain" 200 "[.visits[] | select(.date == \"2026-11-24\") | [.visit, .started, .nprs.value]] == [[$V3, \"2026-11-24T09:00:00Z\", 6], [$V4, \"2026-11-24T15:30:00Z\", 3]]"
want "no row dated today" 200 "[.visits[].date] | index(\"$(date -u +%F)\") == null"
