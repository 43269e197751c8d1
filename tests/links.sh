#!/bin/sh
# links.sh: the client's own links (issue 15): the intake link (7 days, used once, revocable) and
# the home program link (30 days, opened any number of times, revocable).  Their tokens are kept
# only as hashes; the public GETs show nothing of the record (no name, no birth date); a bad form
# gives a clear message and stores nothing (the link stays usable); a used, revoked or expired
# link answers 410, an unknown one 404; a link's token opens nothing else; another therapist
# cannot make or revoke a link for your client; what the client does is audited as the client's.
# Prints "links BACKEND: N passed, N failed".
#   tests/links.sh path/to/myomap sqlite
#   tests/links.sh path/to/myomap postgresql://USER:PASS@HOST/DB   (its schema "linkstest" is reset)
M=${1:-build/myomap}
TARGET=${2:-sqlite}
HERE=$(dirname "$0")
. "$HERE/lib.sh"
. "$HERE/httplib.sh"

clinic links linkstest
post TA /api/clients '{"name":"Annabel Zephyrine","birth":"1980-04-02","consent":false,"history":"Tennis elbow 2019."}'
want "a client" 200 '.id'
CA=$(jq -r .id "$T/body")

# the public answers must not name the client: nothing of the name or the birth date, any way
private() {   # private NAME: the last answer holds neither
  if grep -qiE 'annabel|zephyrine|1980-04-02|1980|Tennis elbow' "$T/body"; then ko "$1" "$(body)"; else ok "$1"; fi
}
intakes() { sql "SELECT COUNT(*) FROM intake WHERE client_id = $CA"; }
state() { get TA "/api/clients/$CA/links"; jq -r ".links[] | select(.id == $1) | .state" "$T/body"; }

echo "== making an intake link: rights"
post BEN "/api/clients/$CA/intake-link" '{}'
wanterr "another therapist cannot make a link for your client: 403" 403 forbidden
call POST "/api/clients/$CA/intake-link"
wanterr "nor anyone without a login: 401" 401 unauthenticated
call POST "/api/clients/$CA/intake-link" -H "Cookie: myomap_session=$TA_C"
wanterr "nor a request without the CSRF token" 403 csrf
post TA "/api/clients/99999/intake-link" '{}'
wanterr "a link for no client: 404" 404 not-found

post ADM "/api/clients/$CA/intake-link" '{}'
want "the clinic's admin may make one" 200 '.kind == "intake"'
post ADM "/api/links/$(jq -r .id "$T/body")/revoke" '{}'
want "... and revoke it" 200 '.state == "revoked"'

echo "== an intake link"
post TA "/api/clients/$CA/intake-link" ''
want "the therapist makes an intake link" 200 '.kind == "intake" and (.token | test("^[0-9a-f]{32}$")) and (.token as $t | .url | endswith("/i/" + $t)) and (.qr | startswith("<svg"))'
IT=$(jq -r .token "$T/body")
IL=$(jq -r .id "$T/body")
exp=$(jq -r .expires "$T/body")
days=$(( ( $(date -u -d "$exp" +%s) - $(date -u +%s) + 60 ) / 86400 ))
[ "$days" = 7 ] && ok "it expires in 7 days ($exp)" || ko "it expires in $days days ($exp), not 7"
stored=$(sql "SELECT token_hash FROM client_link WHERE id = $IL")
hash=$(printf %s "$IT" | b2sum -l 256 | cut -d' ' -f1)
[ "$stored" = "$hash" ] && ok "the store keeps the token's BLAKE2b-256 hash" || ko "the stored hash is not BLAKE2b-256 of the token" "$stored"
[ "$(sql "SELECT COUNT(*) FROM client_link WHERE token_hash = '$IT'")" = 0 ] && ok "... and never the token" || ko "the token is stored"
post TA "/api/clients/$CA/intake-link" '{}'
IT2=$(jq -r .token "$T/body")
[ "$IT" != "$IT2" ] && ok "each link has its own token" || ko "two links with one token"
IL2=$(jq -r .id "$T/body")
get TA "/api/clients/$CA/links"
want "the client's links listed" 200 "(.links | length) == 3 and .links[0].kind == \"intake\" and .links[0].state == \"usable\" and .links[0].used == null and .links[0].revoked == null"
if grep -q "$IT" "$T/body" || grep -q "$hash" "$T/body"; then ko "the list shows a token or its hash" "$(body)"; else ok "the list shows neither token nor hash"; fi
get BEN "/api/clients/$CA/links"
wanterr "another therapist cannot list them" 403 forbidden
get TA "/api/links/$IL/qr.svg?token=$IT"
wanttype "the link's QR code again, with its token" image/svg+xml
get TA "/api/links/$IL/qr.svg"
wanterr "... not without its token" 404 not-found
get TA "/api/links/$IL/qr.svg?token=$IT2"
wanterr "... nor with another link's" 404 not-found
get BEN "/api/links/$IL/qr.svg?token=$IT"
wanterr "... nor for another therapist" 403 forbidden

echo "== the client opens it"
call GET "/api/intake/$IT"
want "the public GET answers the form's questions" 200 '.kind == "intake" and (.questions.red_flags | length) == 8 and (.questions.red_flags | all(.question | endswith("?"))) and (.questions.qualities | map(.id) | index("ache")) and (.questions.onsets | map(.id) | index("gradual")) and (.questions.activities | map(.id) | index("desk-work")) and (.questions.contraindications | map(.id) | index("anticoagulants")) and (.questions.contraindications | map(.id) | index("open-wound") | not) and (.questions.consent.text | length > 50)'
private "... and nothing of the record (no name, no birth date, no history)"
call GET /api/chart.svg
wanttype "the body chart is public (the phone draws on it)" image/svg+xml
call GET /api/regions
want "... and the regions" 200 '.regions | length > 100'
call GET /api/intake/0123456789abcdef0123456789abcdef
wanterr "an unknown token: 404" 404 not-found
call GET /api/intake/nothex
wanterr "a malformed token: 404" 404 not-found

echo "== a bad form stores nothing and the link stays usable"
OKFORM='{"pain":[{"region":"temple-l","intensity":6,"quality":"ache"},{"region":"neck-side-l","intensity":4}],"red_flags":{"numbness":false,"weakness":false,"shooting":false,"fever":false,"weight-loss":false,"night-pain":true,"bowel-bladder":false,"trauma":false},"goals":"work a day without a headache","activities":["desk-work"],"onset":"gradual","history":"Migraine as a teenager.","contraindications":{"anticoagulants":true,"pregnancy":false},"consent":true}'
bad() {   # bad NAME JQ-EDIT PATTERN: the good form edited, refused with a 400 naming PATTERN
  form=$(printf %s "$OKFORM" | jq -c "$2")
  post none "/api/intake/$IT" "$form"
  if [ "$code" = 400 ] && jq -e --arg p "$3" '.error.code == "bad-request" and (.error.message | test($p; "i"))' "$T/body" >/dev/null; then
    ok "$1: 400 /$3/"
  else ko "$1 (HTTP $code, wanted 400 /$3/)" "$(body)"; fi
}
bad "an unknown region" '.pain[0].region = "templ-l"' 'templ-l: no such region; did you mean temple-l'
bad "intensity 11" '.pain[0].intensity = 11' 'intensity: expected a number 0-10, got 11'
bad "no intensity" '.pain[0] |= del(.intensity)' 'how strong is the pain at temple-l'
bad "no pain marked" '.pain = []' 'where it hurts'
bad "an unknown quality" '.pain[0].quality = "itchy"' 'quality: expected ache'
bad "a red flag not answered" '.red_flags |= del(.fever)' 'fever'
bad "a red flag \"not-asked\" (the client answers each question)" '.red_flags.fever = "not-asked"' 'fever.*yes or no'
bad "a red flag answered 1" '.red_flags.fever = 1' 'yes or no'
bad "an unknown red flag" '.red_flags.dizzy = true' 'dizzy'
bad "an unknown activity" '.activities = ["skydiving"]' 'skydiving'
bad "an unknown onset" '.onset = "yesterday"' 'yesterday'
bad "a local contraindication (the therapist's to place)" '.contraindications["open-wound"] = true' 'open-wound'
bad "consent as a string" '.consent = "yes"' 'consent'
bad "a history of 25,000 characters" '.history = ("x" * 25000)' 'too long'
bad "goals of 5,000 characters" '.goals = ("y" * 5000)' 'too long'
bad "a control character in the goals" '.goals = "a\u0007b"' 'control character'
printf '%s' "$OKFORM" | jq -c '.history = ("h" * 100000)' >"$T/big.json"
call POST "/api/intake/$IT" -H "Content-Type: $CT" --data-binary "@$T/big.json"
wanterr "a 100 KB history: 413, the body is too large" 413 too-large
printf '%s' "$OKFORM" | sed 's/work a day/work \xff day/' >"$T/utf8.json"
call POST "/api/intake/$IT" -H "Content-Type: $CT" --data-binary "@$T/utf8.json"
if [ "$code" = 400 ] && jq -e '.error.message | test("not valid UTF-8: byte [0-9]+ is 0xff")' "$T/body" >/dev/null; then ok "a byte that is not UTF-8: 400 naming it"; else ko "a non-UTF-8 byte (HTTP $code)" "$(body)"; fi
call POST "/api/intake/$IT" -H "Content-Type: text/plain" --data-binary "$OKFORM"
wanterr "a body that is not JSON's type: 415" 415 unsupported-media-type
[ "$(intakes)" = 0 ] && ok "no intake was stored by any of them" || ko "an intake was stored: $(intakes)"
[ "$(sql "SELECT history FROM client WHERE id = $CA")" = "Tennis elbow 2019." ] && ok "... nor the history changed" || ko "the history changed"
[ "$(sql "SELECT COUNT(*) FROM client_contra WHERE client_id = $CA")" = 0 ] && ok "... nor a contraindication" || ko "a contraindication was stored"
[ "$(state "$IL")" = usable ] && ok "... and the link is still usable" || ko "the link is $(state "$IL")"

echo "== the client sends the form"
post none "/api/intake/$IT" "$OKFORM"
want "the form is stored" 200 '.ok == true and .urgent == false'
private "... its answer says nothing of the record"
[ "$(intakes)" = 1 ] && ok "one intake stored" || ko "$(intakes) intakes stored"
[ "$(sql "SELECT source FROM intake WHERE client_id = $CA")" = client ] && ok "... with source 'client'" || ko "the intake's source is not client"
post none "/api/intake/$IT" "$OKFORM"
wanterr "a second POST: 410" 410 gone
call GET "/api/intake/$IT"
wanterr "... and the GET: 410" 410 gone
[ "$(intakes)" = 1 ] && ok "still one intake" || ko "$(intakes) intakes"
[ "$(state "$IL")" = used ] && ok "the link is listed as used" || ko "the link is $(state "$IL")"
get TA "/api/clients/$CA/links"
want "... with its use and its intake" 200 ".links[] | select(.id == $IL) | .used != null and .uses == 1 and (.intake | type == \"number\")"
get TA "/api/clients/$CA"
want "the therapist sees the intake filled by the client" 200 '.intakes[0].source == "client" and .intakes[0].goals == "work a day without a headache" and .intakes[0].activities == "desk-work" and .intakes[0].onset == "gradual" and (.intakes[0].pain | length) == 2'
want "... with its red-flag screen" 200 '(.intakes[0].flags | split(",") | index("night-pain") != null) and .intakes[0].where.screen.refer == true and (.intakes[0].where.screen.flags | map(.id) | index("night-pain"))'
want "... each answer no stored as no, none as not asked" 200 '(.intakes[0].flags | split(",")) as $f | ($f | index("fever=no")) != null and ($f | index("trauma=no")) != null and ($f | map(select(endswith("=not-asked"))) | length) == 0 and (.intakes[0].where.screen.not_asked | length) == 0'
want "... and its ranking" 200 '(.intakes[0].where.candidates | length) > 0 and .intakes[0].where.candidates[0].muscle == "upper-trapezius"'
want "the client's consent, history and contraindication are on the record" 200 '.client.consent == 1 and .client.consent_date != null and (.client.history | startswith("Tennis elbow 2019.")) and (.client.history | contains("Migraine as a teenager.")) and (.contraindications | map(.id) == ["anticoagulants"])'
post TA "/api/clients/$CA/intakes" '{"pain":[{"region":"temple-l","intensity":3}]}'
get TA "/api/clients/$CA"
want "an intake the therapist enters is source therapist, also ranked" 200 '.intakes[1].source == "therapist" and (.intakes[1].where.candidates | length) > 0'

echo "== two sends at once: one is stored"
post TA "/api/clients/$CA/intake-link" '{}'
IC=$(jq -r .token "$T/body")
n0=$(intakes)
pids=
for k in 1 2 3 4; do
  curl -s -o /dev/null -w '%{http_code}\n' --max-time 15 -H "Content-Type: $CT" --data-binary "$OKFORM" "$B/api/intake/$IC" >"$T/race$k" &
  pids="$pids $!"
done
wait $pids   # the curls only (the server is a child too)
codes=$(cat "$T/race1" "$T/race2" "$T/race3" "$T/race4" | sort | tr '\n' ' ')
[ "$codes" = "200 410 410 410 " ] && ok "four POSTs at once: one 200, three 410" || ko "four POSTs at once answered $codes"
[ "$(intakes)" = $((n0 + 1)) ] && ok "... and one intake stored" || ko "$(( $(intakes) - n0 )) intakes stored"

echo "== an urgent answer is said back to the client"
post TA "/api/clients/$CA/intake-link" '{}'
IU=$(jq -r .token "$T/body")
post none "/api/intake/$IU" "$(printf %s "$OKFORM" | jq -c '.red_flags |= map_values(if . then "yes" else "no" end) | .red_flags["bowel-bladder"] = "yes" | .pain = [{"region":"low-back-l","intensity":5}]')"
want "bowel or bladder change (answers \"yes\"/\"no\"): stored, urgent" 200 '.urgent == true'
get TA "/api/clients/$CA"
want "... its answers kept: yes, and no apart from not asked" 200 '[.intakes[] | select(.source == "client") | .flags | split(",")] | map(select(index("bowel-bladder") != null and index("fever=no") != null and index("night-pain") != null)) | length == 1'

echo "== revocation"
post BEN "/api/links/$IL2/revoke" '{}'
wanterr "another therapist cannot revoke it" 403 forbidden
[ "$(state "$IL2")" = usable ] && ok "... it stays usable" || ko "it is $(state "$IL2")"
post TA "/api/links/$IL2/revoke" '{}'
want "the therapist revokes it" 200 ".id == $IL2 and .state == \"revoked\" and .revoked != null"
call GET "/api/intake/$IT2"
wanterr "a revoked link's GET: 410" 410 gone
post none "/api/intake/$IT2" "$OKFORM"
wanterr "... and its POST: 410" 410 gone
post TA "/api/links/99999/revoke" '{}'
wanterr "revoking no link: 404" 404 not-found

echo "== expiry"
post TA "/api/clients/$CA/intake-link" '{}'
IE=$(jq -r .token "$T/body")
IEL=$(jq -r .id "$T/body")
call GET "/api/intake/$IE"
want "a new link opens" 200
sql "UPDATE client_link SET expires = created - 1 WHERE id = $IEL" >/dev/null
call GET "/api/intake/$IE"
wanterr "after its expiry: 410" 410 gone
jq -e '.error.message | test("expired")' "$T/body" >/dev/null && ok "... saying it expired" || ko "the 410 does not say expired" "$(body)"
n0=$(intakes)
post none "/api/intake/$IE" "$OKFORM"
wanterr "... and the POST: 410" 410 gone
[ "$(intakes)" = "$n0" ] && ok "... storing nothing" || ko "an expired link stored an intake"
[ "$(state "$IEL")" = expired ] && ok "listed as expired" || ko "it is $(state "$IEL")"

echo "== the home program link"
post BEN "/api/clients/$CA/home-link" '{}'
wanterr "another therapist cannot make one: 403" 403 forbidden
post TA "/api/clients/$CA/home-link" '{}'
want "the therapist makes a home link" 200 '.kind == "home" and (.token as $t | .url | endswith("/h/" + $t))'
HT=$(jq -r .token "$T/body")
HL=$(jq -r .id "$T/body")
exp=$(jq -r .expires "$T/body")
days=$(( ( $(date -u -d "$exp" +%s) - $(date -u +%s) + 60 ) / 86400 ))
[ "$days" = 30 ] && ok "it expires in 30 days" || ko "it expires in $days days, not 30"
call GET "/api/home/$HT"
wanterr "before any session: 404, no home program yet" 404 not-found
post TA /api/sessions "{\"client\":$CA,\"cleared\":\"Dr. Roy, family physician, saw her on 2026-11-28\",\"points\":[{\"tp\":\"upper-trapezius-tp1\",\"side\":\"l\"}]}"
want "a session" 200 '.id'
S=$(jq -r .id "$T/body")
post TA "/api/sessions/$S/end" '{}'
want "... stored, with its home program" 200 '.visit'
call GET "/api/home/$HT"
want "the public GET answers the home program" 200 '(.program.exercises | length) > 0 and .date and .expires and (has("visit") | not)'
private "... and nothing of the record"
call GET "/api/home/$HT.html"
wanttype "the printable handout" text/html
private "... which names nobody"
grep -q "Your home program" "$T/body" && ok "... and is the handout" || ko "not the handout"
call GET "/api/home/$HT"
want "it opens again (reusable)" 200
get TA "/api/clients/$CA/links"
want "its opens are counted (the one before the program too)" 200 ".links[] | select(.id == $HL) | .uses == 4 and .state == \"usable\""

echo "== a link's token grants nothing else"
call GET /api/clients -H "Cookie: myomap_session=$HT"
wanterr "the home token as a cookie opens nothing" 401 unauthenticated
call GET "/api/clients/$CA" -H "Cookie: myomap_session=$IT"
wanterr "nor the intake token" 401 unauthenticated
call GET "/api/sessions/$HT"
wanterr "the home token is not a session id" 401 unauthenticated
get TA "/api/sessions/$HT"
wanterr "... not even for the therapist" 404 not-found
call GET "/api/phone/$HT"
wanterr "... nor a phone token" 410 gone
call GET "/api/intake/$HT"
wanterr "the intake route refuses a home token" 404 not-found
post none "/api/intake/$HT" "$OKFORM"
wanterr "... for a POST too" 404 not-found
call GET "/api/home/$IE"
wanterr "the home route refuses an intake token" 404 not-found
call GET "/api/home/$IU.html"
wanterr "... for the handout too" 404 not-found

echo "== the home link revoked, and expired"
post TA "/api/links/$HL/revoke" '{}'
want "revoked" 200 '.state == "revoked"'
call GET "/api/home/$HT"
wanterr "a revoked home link: 410" 410 gone
call GET "/api/home/$HT.html"
wanterr "... its handout too" 410 gone
post TA "/api/clients/$CA/home-link" '{}'
HT2=$(jq -r .token "$T/body")
HL2=$(jq -r .id "$T/body")
sql "UPDATE client_link SET expires = created - 1 WHERE id = $HL2" >/dev/null
call GET "/api/home/$HT2"
wanterr "an expired home link: 410" 410 gone

echo "== a limit per client"
post TA /api/clients '{"name":"Lim Ott","birth":"1990-01-01"}'
CL=$(jq -r .id "$T/body")
i=0
while [ $i -lt 60 ]; do
  post TA "/api/clients/$CL/intake-link" '{}'
  [ "$code" = 200 ] || break
  i=$((i + 1))
done
[ "$i" = 50 ] && [ "$code" = 429 ] && ok "50 usable links for one client, the 51st refused (429)" || ko "$i links made, then HTTP $code" "$(body)"
post TA "/api/clients/$CA/intake-link" '{}'
want "... which is that client's limit, not everyone's" 200
sql "UPDATE client_link SET expires = created - 1 WHERE client_id = $CL" >/dev/null
post TA "/api/clients/$CL/intake-link" '{}'
want "expired links do not count, and are pruned" 200
[ "$(sql "SELECT COUNT(*) FROM client_link WHERE client_id = $CL")" = 1 ] && ok "... leaving the new one" || ko "$(sql "SELECT COUNT(*) FROM client_link WHERE client_id = $CL") links left"

echo "== the audit: the client's actions as the client's"
get ADM "/api/audit?client=$CA&action=client-intake&limit=100"
want "the client's intake audited as the client's (no user)" 200 '(.audit | length) >= 4 and (.audit | all(.user_id == null and .user == null)) and (.audit | map(.detail) | any(test("^filled intake [0-9]+ from intake link [0-9]+; consent given \\(intake-consent-1\\)$"))) and (.audit | map(.detail) | any(test("^opened intake link")))'
get ADM "/api/audit?client=$CA&action=client-intake-refused&limit=100"
want "refused forms and gone links audited too" 200 '(.audit | length) >= 15 and (.audit | all(.user_id == null)) and (.audit | map(.detail) | any(test("nothing stored"))) and (.audit | map(.detail) | any(test("refused: used"))) and (.audit | map(.detail) | any(test("refused: revoked"))) and (.audit | map(.detail) | any(test("refused: expired")))'
get ADM "/api/audit?client=$CA&action=client-home&limit=100"
want "every open of the home link audited as the client's" 200 '(.audit | length) == 4 and (.audit | all(.user_id == null)) and (.audit | map(.detail) | any(test("handout")))'
get ADM "/api/audit?client=$CA&action=client-home-refused&limit=100"
want "... and the refused ones" 200 '(.audit | length) >= 3'
get ADM "/api/audit?client=$CA&action=link-create&limit=100"
want "the links made, audited as their makers'" 200 '(.audit | length) == 9 and (.audit | map(select(.user == "admin@clinic.example")) | length) == 1 and (.audit | map(select(.user != "admin@clinic.example")) | all(.user == "tess@clinic.example"))'
get ADM "/api/audit?client=$CA&action=link-revoke"
want "the revocations" 200 '(.audit | length) == 3'
get ADM "/api/audit?client=$CA&action=denied"
want "the other therapist's attempts denied and audited" 200 '(.audit | length) >= 5 and (.audit | all(.user == "ben@clinic.example"))'

echo "== the links live in the store: a restart keeps them"
serve_stop A KILL
serve_start A "$DB" || ko "the server does not start again"
B=$A_URL
call GET "/api/intake/$IT"
wanterr "the used link is still used" 410 gone
call GET "/api/home/$HT"
wanterr "the revoked link is still revoked" 410 gone
post TA "/api/clients/$CA/intake-link" '{}'
IR=$(jq -r .token "$T/body")
serve_stop A KILL
serve_start A "$DB" || ko "the server does not start again"
B=$A_URL
call GET "/api/intake/$IR"
want "a link made before a SIGKILL opens after it" 200
build_db_check=$("$M" --db "$DB" db check 2>&1) && ok "db check passes" || ko "db check" "$build_db_check"

echo "links $BACKEND: $pass passed, $fail failed"
[ "$fail" = 0 ]
