#!/bin/sh
# api.sh: black-box tests of the HTTP API of `myomap serve` (docs/api.md) on one backend:
# accounts, CSRF, the routes that need a login, malformed and oversized input, the knowledge
# calls, the records with their access rules and audit, the session room, the client's phone
# and the server-sent events.  Starts its own server on a free port and stops it at the end.
# Prints one line per check and "api BACKEND: N passed, N failed".
#   tests/api.sh path/to/myomap sqlite
#   tests/api.sh path/to/myomap postgresql://USER:PASS@HOST/DB   (its schema "apitest" is reset)
M=${1:-build/myomap}
TARGET=${2:-sqlite}
HERE=$(dirname "$0")
. "$HERE/lib.sh"
# requests and checks: call, get, post, body, header, cookie, want, wanterr, wanttype, login
# (this script starts and stops its server itself: its trap below replaces httplib.sh's)
. "$HERE/httplib.sh"
ROUTES_SRC=$HERE/../src/api.c
SPID=
SSEPID=
cleanup() {
  [ -n "$SSEPID" ] && kill "$SSEPID" 2>/dev/null
  if [ -n "$SPID" ]; then kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null; fi
  rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

DB=$(fresh apitest) || { echo "  FAIL cannot reach $TARGET"; echo "api $BACKEND: 0 passed, 1 failed"; exit 1; }

# ---- the server ---------------------------------------------------------------------------------

# start: the server on a free port (B is its base URL).  A port is free when nothing answers on it
# (checked first: the server may share a port with another instead of failing, see the end).
B=
i=0
while [ $i -lt 30 ] && [ -z "$B" ]; do
  PORT=$((18000 + ($$ + i * 97) % 1000))
  i=$((i + 1))
  curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/"
  [ $? = 7 ] || continue   # 7: connection refused, nobody listens
  "$M" --db "$DB" serve --listen "127.0.0.1:$PORT" >"$T/server.log" 2>&1 &
  SPID=$!
  j=0
  while [ $j -lt 100 ]; do
    if ! kill -0 "$SPID" 2>/dev/null; then wait "$SPID" 2>/dev/null; SPID=; break; fi
    if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/api/health"; then B=http://127.0.0.1:$PORT; break; fi
    sleep 0.05
    j=$((j + 1))
  done
  if [ -z "$B" ] && [ -n "$SPID" ]; then kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null; SPID=; fi
done
if [ -z "$B" ]; then
  echo "  FAIL could not start the server"; cat "$T/server.log" 2>/dev/null | head -5
  echo "api $BACKEND: 0 passed, 1 failed"; exit 1
fi
echo "  (server on $B, records: $BACKEND)"

# ---- 1. accounts --------------------------------------------------------------------------------
echo "== accounts"
VERSION=$("$M" --version 2>/dev/null | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -1)
call GET /api/health
want "health" 200 ".ok == true and .version == \"$VERSION\""
call GET /api/setup
want "setup needed on an empty database" 200 '.needed == true'
post none /api/setup '{"name":"Ada Admin","email":"admin@clinic.example","password":"short"}'
wanterr "setup with a 5-character password refused" 400 bad-request
post none /api/setup '{"name":42,"email":"admin@clinic.example","password":"adminpass1"}'
wanterr "setup with a number for the name refused" 400 bad-request
call GET /api/setup
want "still needed after the refused setups" 200 '.needed == true'
post none /api/setup '{"name":"Ada Admin","email":"admin@clinic.example","password":"adminpass1"}'
if want "setup creates the first account, an admin" 200 '.user.role == "admin" and .user.email == "admin@clinic.example" and (.csrf | test("^[0-9a-f]{64}$"))'; then
  sc=$(grep -i '^set-cookie: myomap_session=' "$T/hdr.txt")
  case "$sc" in
    *HttpOnly*SameSite=Strict*|*SameSite=Strict*HttpOnly*) ok "setup sets an HttpOnly SameSite=Strict session cookie" ;;
    *) ko "setup cookie flags" "$sc" ;;
  esac
  case "$sc" in *"Path=/"*) ok "the cookie's Path is /" ;; *) ko "cookie path" "$sc" ;; esac
  SETUP_C=$(cookie)
  get SETUP /api/me
  want "the setup's cookie is logged in" 200 '.user.role == "admin"'
fi
call GET /api/setup
want "setup no longer needed" 200 '.needed == false'
post none /api/setup '{"name":"Eve","email":"eve@clinic.example","password":"evepass12"}'
wanterr "a second setup: 409" 409 conflict

post none /api/login '{"email":"admin@clinic.example","password":"wrong-password"}'
wanterr "login with a wrong password: 401" 401 unauthenticated
[ -z "$(cookie)" ] && ok "no cookie for a wrong password" || ko "a wrong password got a cookie"
post none /api/login '{"email":"nobody@clinic.example","password":"whatever12"}'
wanterr "login with an unknown email: 401" 401 unauthenticated
post none /api/login '{"email":"admin@clinic.example"}'
wanterr "login without a password: 400" 400 bad-request
if login ADM admin@clinic.example adminpass1; then
  ok "login as the admin"
  [ -n "$ADM_C" ] && [ ${#ADM_C} -ge 32 ] && ok "login sets the session cookie" || ko "login cookie" "$(cat "$T/hdr.txt")"
  jq -e '.user.id and .user.name == "Ada Admin" and .user.role == "admin" and (.csrf | length) == 64' "$T/body" >/dev/null &&
    ok "login answers the user and a csrf token" || ko "login answer" "$(body)"
else ko "login as the admin (HTTP $code)" "$(body)"; fi
get ADM /api/me
want "/api/me as login" 200 ".user.email == \"admin@clinic.example\" and .csrf == \"$ADM_X\""
post none /api/login '{"email":"ADMIN@Clinic.Example","password":"adminpass1"}'
want "the email is matched in any case" 200 '.user.role == "admin"'

# an account from the command line
if printf 'tesspass12\n' | "$M" --db "$DB" user add --name "Tess Able" --email tess@clinic.example >"$T/out" 2>&1; then
  ok "myomap user add (password on stdin)"
else ko "myomap user add" "$(cat "$T/out")"; fi
if printf 'short\n' | "$M" --db "$DB" user add --name "Tiny" --email tiny@clinic.example >"$T/out" 2>&1; then
  ko "myomap user add took a 5-character password"
else ok "myomap user add refuses a short password"; fi
if login TA tess@clinic.example tesspass12; then
  ok "the command line's account logs in to the server"
  jq -e '.user.role == "therapist"' "$T/body" >/dev/null && ok "... as a therapist" || ko "CLI account role" "$(body)"
else ko "login with the command line's account (HTTP $code)" "$(body)"; fi

# accounts made by the admin
post ADM /api/users '{"name":"Ben Bright","email":"ben@clinic.example","password":"benpass123"}'
want "admin adds a therapist" 200 '.id | type == "number"'
post ADM /api/users '{"name":"Ben Again","email":"Ben@clinic.example","password":"benpass123"}'
wanterr "the same email twice: 409" 409 conflict
post ADM /api/users '{"name":"Shorty","email":"shorty@clinic.example","password":"1234567"}'
wanterr "a 7-character password refused" 400 bad-request
LONGPW=$(head -c 201 /dev/zero | tr '\0' p)
post ADM /api/users "{\"name\":\"Longy\",\"email\":\"longy@clinic.example\",\"password\":\"$LONGPW\"}"
wanterr "a 201-character password refused" 400 bad-request
for pw in password password123 "          " Summer2024 qwertyuiop1 "PassWord2024!"; do
  post ADM /api/users "{\"name\":\"Weak\",\"email\":\"weak@clinic.example\",\"password\":\"$pw\"}"
  if wanterr "the password \"$pw\" refused" 400 bad-request; then
    jq -e '.error.message | test("at least 10 characters|common passwords|only spaces")' "$T/body" >/dev/null &&
      ok "... saying why" || ko "no reason for \"$pw\"" "$(body)"
  fi
done
post ADM /api/users '{"name":"Boss","email":"boss@clinic.example","password":"bosspass12","role":"boss"}'
wanterr "an unknown role refused" 400 bad-request
post ADM /api/users '{"name":"Rita Limit","email":"rita@clinic.example","password":"ritapass12"}'
want "admin adds the account for the rate-limit test" 200 '.id'
if login BEN ben@clinic.example benpass123; then ok "the new therapist logs in"
else ko "login as the new therapist (HTTP $code)" "$(body)"; fi
get ADM /api/users
want "admin lists the accounts" 200 '[.users[].email] as $e | ($e | index("tess@clinic.example")) and ($e | index("ben@clinic.example")) and ($e | index("admin@clinic.example"))
  and (.users | all(has("id") and has("name") and has("email") and has("role")))'
get BEN /api/users
wanterr "a therapist may not list the accounts: 403" 403 forbidden
post BEN /api/users '{"name":"Sneaky","email":"sneaky@clinic.example","password":"sneaky1234"}'
wanterr "a therapist may not add accounts: 403" 403 forbidden
get TA /api/audit
wanterr "a therapist may not read the audit log: 403" 403 forbidden

# logout
if login OUT admin@clinic.example adminpass1; then
  post OUT /api/logout ''
  want "logout" 200 '.ok == true'
  sc=$(grep -i '^set-cookie: myomap_session=' "$T/hdr.txt")
  case "$sc" in "Set-Cookie: myomap_session=;"*Max-Age=0*|"set-cookie: myomap_session=;"*Max-Age=0*) ok "logout clears the cookie" ;; *) ko "logout cookie" "$sc" ;; esac
  get OUT /api/me
  wanterr "the logged-out cookie no longer works" 401 unauthenticated
  get ADM /api/me
  want "other sessions stay logged in" 200 '.user.role == "admin"'
else ko "second admin login (HTTP $code)"; fi

# ---- 5. knowledge -------------------------------------------------------------------------------
echo "== knowledge"
"$M" regions --json >"$T/regions.cli.json" 2>/dev/null
NREG=$(jq '.regions | length' "$T/regions.cli.json")
get TA /api/regions
if want "regions" 200 ".regions | length == $NREG"; then
  [ "$NREG" = 169 ] && ok "all 169 regions" || ko "the CLI lists $NREG regions, wanted 169"
  [ "$(jq -S . "$T/body" | md5sum)" = "$(jq -S . "$T/regions.cli.json" | md5sum)" ] && ok "/api/regions is myomap regions --json" || ko "/api/regions differs from the CLI"
fi
get TA /api/chart.svg
if wanttype "chart.svg is SVG" image/svg+xml; then
  grep -q '<svg' "$T/body" && ok "the chart is an <svg>" || ko "no <svg> in the chart"
  grep -o '<ellipse class="region" data-region="[^"]*"' "$T/body" | sed 's/.*data-region="//; s/"$//' | sort -u >"$T/chart.ids"
  jq -r '.regions[].id' "$T/regions.cli.json" | sort -u >"$T/region.ids"
  if cmp -s "$T/chart.ids" "$T/region.ids"; then ok "the chart has a region ellipse for each of the $NREG regions and no other"
  else ko "chart regions differ from the regions" "$(diff "$T/chart.ids" "$T/region.ids" | head -10)"; fi
fi
post TA /api/where '{"pain":[{"region":"temple-l","intensity":6,"quality":"ache"},"neck-side-l"],"onset":"gradual","onset_hours":72,"tender":"spot","context":["desk-work"],"flags":["fever"]}'
want "where: the documented presentation" 200 '(.candidates | length) > 0 and (.candidates | length) <= 5 and .screen'
post TA "/api/where?lang=fr" '{"pain":[{"region":"temple-l","quality":"tingling"}],"flags":["fever"]}'
want "where in French: the screen's reasons and advice in French" 200 '([.screen.flags[].id] == ["fever","tingling"]) and (.screen.flags[0].reason | test("^Une fièvre")) and (.screen.flags[1].advice | test("^Vérifiez"))'
post TA /api/where '{"pain":[{"region":"temple-l","quality":"tingling"}],"flags":["fever"]}'
want "... and in English as written" 200 '(.screen.flags[0].reason == "Fever with pain can mean infection or inflammatory disease.") and (.screen.flags[1].advice | test("^Check for nerve signs"))'
post TA /api/where '{"pain":["temple-l"]}'
if want "where temple-l gives candidates" 200 '(.candidates | length) == 5 and .zones'; then
  jq -e '([.candidates[] | "\(.trigger_point):\(.side)"] | sort) == (.zones | keys | sort)' "$T/body" >/dev/null &&
    ok "the zones' keys are the candidates' TP:SIDE" || ko "zones keys" "$(jq -c '[.candidates[] | .trigger_point + ":" + .side], (.zones | keys)' "$T/body")"
  jq -e '.zones | to_entries | all(.value | (.at | type == "string") and (.essential | type == "array") and (.spillover | type == "array"))' "$T/body" >/dev/null &&
    ok "each zone has at, essential and spillover" || ko "zone shape" "$(jq -c .zones "$T/body" | head -c 400)"
  jq -e --slurpfile r "$T/regions.cli.json" '[$r[0].regions[].id] as $ids | [.zones[] | .at, .essential[], .spillover[]] | all(. as $x | $ids | index($x))' "$T/body" >/dev/null &&
    ok "every zone region is a known region" || ko "zones name unknown regions"
  jq -e '.zones["temporalis-tp4:l"].essential | index("temple-l")' "$T/body" >/dev/null &&
    ok "temporalis TrP4 (left) refers to the left temple" || ko "temporalis-tp4:l zone" "$(jq -c '.zones' "$T/body" | head -c 400)"
fi
post TA /api/where '{"pain":["temple-l"],"top":2}'
want "where with top 2" 200 '(.candidates | length) == 2 and (.zones | length) == 2'
post TA /api/where '{"pain":["temple-l","neck-side-l","shoulder-top-l"],"top":64}'
want "where with top 64: a zone for every candidate" 200 '(.candidates | length) > 5 and (.zones | length) == (.candidates | length)'
get TA /api/muscles
want "muscles" 200 '(.muscles | length) > 50 and (.muscles | all(has("id") and has("name") and has("group")))'
get TA /api/muscles/upper-trapezius
if want "muscle upper-trapezius" 200 '.id == "upper-trapezius" and (.trigger_points | length) > 0'; then
  "$M" muscle upper-trapezius --json 2>/dev/null | jq -S . >"$T/m.cli"
  [ "$(jq -S . "$T/body")" = "$(cat "$T/m.cli")" ] && ok "it is myomap muscle --json" || ko "muscle differs from the CLI"
fi
get TA /api/muscles/upper-trapezoid
wanterr "unknown muscle: 404" 404 not-found
jq -e '.error.message | test("upper-trapezius")' "$T/body" >/dev/null && ok "... suggesting upper-trapezius" || ko "no suggestion" "$(body)"
get TA /api/conditions
if want "conditions" 200 'length > 0'; then
  [ "$(jq -S . "$T/body")" = "$("$M" condition --json 2>/dev/null | jq -S .)" ] && ok "it is myomap condition --json" || ko "conditions differ from the CLI"
fi
get TA /api/conditions/tension-headache
want "condition tension-headache" 200 '.id == "tension-headache" and (.muscles | length) > 0'
get TA /api/conditions/no-such-thing
wanterr "unknown condition: 404" 404 not-found
# the therapist's knowledge base in French (?lang=fr): the texts of kb/fr/ for a condition, a muscle's
# points and techniques, a plan's steps and advice, a ranking's point names; English without it
frtext() { awk -v h="[$1]" -v k="$2 = " '$0 == h {s=1; next} /^\[/ {s=0} s && index($0, k) == 1 {print substr($0, length(k) + 1); exit}' $3; }
get TA "/api/conditions/tension-headache?lang=fr"
want "a condition in French: its kb/fr/ name and note" 200 ".name == \"$(frtext 'condition tension-headache' name kb/fr/conditions.kb)\" and .note == \"$(frtext 'condition tension-headache' note kb/fr/conditions.kb)\""
get TA "/api/muscles/temporalis?lang=fr"
want "a muscle in French: its points' names and locations, its techniques' position and how" 200 "(.trigger_points[] | select(.id == \"temporalis-tp4\") | .name == \"$(frtext 'tp temporalis-tp4' name kb/fr/head-neck.kb)\" and .location == \"$(frtext 'tp temporalis-tp4' location kb/fr/head-neck.kb)\") and (.techniques[] | select(.technique == \"ischemic-compression\") | .how == \"$(frtext 'treat temporalis-ischemic-compression' how kb/fr/head-neck.kb)\")"
post TA "/api/plan?lang=fr" '{"points":[{"tp":"temporalis-tp4","side":"l"}],"contraindications":["anticoagulants"]}'
want "a plan in French: the step's location, position and how, the modification's advice from kb/fr/" 200 "(.steps | map(select(.technique.id == \"ischemic-compression\" and .tp == \"temporalis-tp4\")) | length > 0 and all(.position == \"$(frtext 'treat temporalis-ischemic-compression' position kb/fr/head-neck.kb)\" and .how == \"$(frtext 'treat temporalis-ischemic-compression' how kb/fr/head-neck.kb)\" and .location == \"$(frtext 'tp temporalis-tp4' location kb/fr/head-neck.kb)\")) and (.modifications[] | select(.id == \"anticoagulants\") | .advice == \"$(frtext 'contra anticoagulants' advice kb/fr/care.kb)\")"
post TA /api/plan '{"points":[{"tp":"temporalis-tp4","side":"l"}],"contraindications":["anticoagulants"]}'
want "... and in English without ?lang" 200 "(.steps | map(select(.technique.id == \"ischemic-compression\" and .tp == \"temporalis-tp4\")) | all(.how | test(\"^press the fingertips\"))) and (.modifications[0].advice | test(\"^bruising\"))"
post TA "/api/where?lang=fr" '{"pain":["temple-l"],"top":8}'
want "a ranking in French: the points' names from kb/fr/" 200 "(.candidates[] | select(.trigger_point == \"temporalis-tp4\") | .trigger_point_name == \"$(frtext 'tp temporalis-tp4' name kb/fr/head-neck.kb)\") and (.note | test(\"diagnostic\"))"
get TA /api/contraindications
want "contraindications" 200 '(.contraindications | length) > 0 and (.contraindications | all(has("id") and has("label") and has("scope") and (.local | type == "boolean")))
  and ([.contraindications[] | select(.id == "pregnancy")] | length) == 1 and ([.contraindications[] | select(.id == "varicose-veins" and .local)] | length) == 1'
get TA /api/vocabulary
want "the vocabulary: activities, qualities, onsets, red-flag questions, sources from the kb" 200 '(.activities | length) > 50
  and ([.activities[] | select(.id == "desk-work" and .label == "long hours at a desk or computer")] | length) == 1
  and ([.qualities[].id] == ["ache","burning","sharp","tingling","numbness"]) and (.qualities | all(.label | length > 0))
  and .onsets == ["gradual","sudden","after-exercise","injury"]
  and (.flags | length) == 8 and (.flags | all((.question | endswith("?")) and (.reason | length > 0) and (.level | IN("refer","urgent"))))
  and ([.flags[] | select(.id == "bowel-bladder")][0].level == "urgent")
  and ([.sources[] | select(.id == "ts1")][0].label | test("Trigger Point Manual. Volume 1"))
  and ([.screens[].id] == [.flags[].id] + ["saddle","tingling","sharp","chest-pain"]) and (.screens | all((.label | length > 2) and (.reason | length > 20) and (.advice | length > 10)))
  and (.advice | length) == 19 and ([.advice[].key] | unique | length) == 19
  and ([.advice[] | select(.key == "in-band")][0].text == "Productive: hold the pressure steady.")'
get TA "/api/vocabulary?lang=fr"
want "the vocabulary in French: the screens' words and the holds' advice lines" 200 '([.screens[] | select(.id == "bowel-bladder")][0] | .label == "troubles intestinaux ou urinaires" and (.reason | test("queue de cheval")))
  and ([.advice[] | select(.key == "in-band")][0].text == "Productif : maintenez une pression stable.")'
get none /api/vocabulary
wanterr "the vocabulary without a login: 401" 401 unauthenticated
post TA /api/plan '{"points":[{"tp":"upper-trapezius-tp1","side":"l"},{"tp":"gastrocnemius-tp1","side":"l"}],"contraindications":["pregnancy",{"id":"varicose-veins","region":"calf-l"}]}'
want "plan with the contraindications" 200 '(.steps | length) > 0 and ([.steps[] | select(.timed)] | length) > 0 and ([.modifications[].id] | index("pregnancy"))
  and ([.blocked[] | select(.contraindication == "varicose-veins" and .tp == "gastrocnemius-tp1")] | length) == 1'
post TA /api/plan '{"points":[{"tp":"upper-trapezius-tp1","side":"l"}],"fascial":true,"contraindications":["pregnancy"]}'
want "plan with myofascial release and the pregnancy caution" 200 '([.steps[] | select(.phase == "prepare" and .timed and .fascial and .technique.id == "cross-hand-release" and .hold == [90,300])] | length) == 1
  and ([.steps[] | select(.phase == "release") | .cautions[]?.contraindication] == ["pregnancy"])'
post TA /api/plan '{"points":[{"tp":"upper-trapezius-tp1"}]}'
wanterr "plan: a paired muscle's point without a side refused" 400 bad-request
post TA /api/plan '{"points":[{"tp":"upper-trapezius-tp1","side":"l"}],"contraindications":["open-wound"]}'
wanterr "plan: a local contraindication without its region refused" 400 bad-request

# ---- 6. records ---------------------------------------------------------------------------------
echo "== records"
post TA /api/clients '{"name":"Ann Lee","birth":"1984-03-09","phone":"+1 555 0100","email":"ann@example.org","history":"asthma","consent":true,"contraindications":["anticoagulants",{"id":"open-wound","region":"calf-l"}]}'
want "therapist A adds a client" 200 '.id | type == "number"'
CA=$(jq -r .id "$T/body")
post BEN /api/clients '{"name":"Bob Stone","birth":"1970-05-05","consent":true}'
want "therapist B adds a client" 200 '.id | type == "number"'
CB=$(jq -r .id "$T/body")
post TA /api/clients '{"name":"Nobody","birth":"2999-01-01"}'
wanterr "a client born in the future refused" 400 bad-request
post TA /api/clients '{"birth":"1990-01-01"}'
wanterr "a client without a name refused" 400 bad-request
get TA "/api/clients/$CA"
want "client show" 200 ".client.name == \"Ann Lee\" and .client.birth == \"1984-03-09\" and (.contraindications | length) == 2"
get TA /api/clients
want "A's client list has A's client" 200 "[.clients[].id] | index($CA)"
post TA "/api/clients/$CA/intakes" '{"date":"2025-01-06","pain":[{"region":"temple-l","intensity":6,"quality":"ache"},{"region":"neck-side-l","intensity":4}],"onset":"gradual","context":["desk-work"],"goals":"work a day without headache","desk_hours":9,"sleep_hours":6,"stress":7,"nprs":6}'
if want "intake" 200 '(.id | type == "number") and (.where.candidates | length) > 0 and (.where.zones | length) > 0'; then
  jq -e '.where.screen | type == "object"' "$T/body" >/dev/null && ok "the intake answers the red-flag screen as \"where.screen\" (docs/api.md)" ||
    ko "the intake answer has no \"where.screen\" (docs/api.md); keys: $(jq -c keys "$T/body")"
fi
post TA "/api/clients/$CA/findings" '{"date":"2025-01-06","findings":["upper-trapezius-tp1:l:active:referral:ppt=2.5","levator-scapulae-upper:l:latent"]}'
want "findings" 200 '.ok == true'
post TA "/api/clients/$CA/findings" '{"date":"2025-01-13","findings":["upper-trapezius-tp1:l:latent"]}'
want "findings on a later day" 200 '.ok == true'
get TA "/api/clients/$CA/findings"
if want "the findings read back: three, newest date first" 200 '(.findings | length) == 3 and ([.findings[].date] == ["2025-01-13","2025-01-06","2025-01-06"])'; then
  jq -e '.findings | all(keys == (["date","muscle","ppt","referral","side","state","tp","visit"]))' "$T/body" >/dev/null &&
    ok "each finding has date, visit, muscle, tp, side, state, referral and ppt, no more" || ko "finding fields" "$(jq -c '.findings[0]' "$T/body")"
  jq -e '[.findings[] | select(.date == "2025-01-06" and .tp == "upper-trapezius-tp1")][0] |
    .muscle == "upper-trapezius" and .side == "l" and .state == "active" and .referral == true and .ppt == 2.5 and .visit == null' "$T/body" >/dev/null &&
    ok "upper trapezius TrP1 left: active, referral reproduced, PPT 2.5, no visit" || ko "the active finding" "$(body)"
  jq -e '[.findings[] | select(.tp == "levator-scapulae-upper")][0] | .muscle == "levator-scapulae" and .state == "latent" and .referral == false and .ppt == null' "$T/body" >/dev/null &&
    ok "levator scapulae: latent, no referral, no PPT (null)" || ko "the latent finding" "$(body)"
  jq -e '.findings[0] | .tp == "upper-trapezius-tp1" and .state == "latent"' "$T/body" >/dev/null &&
    ok "the later day's finding comes first" || ko "the later finding" "$(jq -c '.findings[0]' "$T/body")"
fi
get none "/api/clients/$CA/findings"
wanterr "findings without a cookie: 401" 401 unauthenticated
get BEN "/api/clients/$CA/findings"
wanterr "B cannot read A's client's findings: 403" 403 forbidden
get TA /api/clients/99999/findings
wanterr "findings of an unknown client: 404" 404 not-found
get BEN "/api/clients/$CB/findings"
want "a client without findings: an empty list" 200 '.findings == []'
post TA "/api/clients/$CA/measures" '{"date":"2025-01-06","measures":[{"kind":"nprs","value":"6"},{"kind":"psfs","value":"reach overhead=4"},{"kind":"ndi","value":"18"},{"kind":"rom","value":"cervical:rotation-l=60"}]}'
want "measures" 200 '.ok == true'
post TA "/api/clients/$CA/measures" '{"date":"2025-01-20","measures":[{"kind":"nprs","value":2},{"kind":"ndi","value":"11"}]}'
want "later measures (a number value)" 200 '.ok == true'
get TA "/api/clients/$CA"
want "the record holds the intake, findings and measures" 200 '(.intakes | length) == 1 and (.intakes[0].pain | length) == 2 and (.measures | length) == 7'
get TA "/api/clients/$CA/progress"
want "progress JSON" 200 ".client == $CA and .baseline.nprs.value == 6"
ET=$(header etag)
[ -n "$ET" ] && ok "progress has an ETag" || ko "no ETag on progress"
: >"$T/body"
get TA "/api/clients/$CA/progress" -H "If-None-Match: $ET"
[ "$code" = 304 ] && [ ! -s "$T/body" ] && ok "the same ETag again: 304, no body" || ko "If-None-Match: HTTP $code" "$(body)"
post TA "/api/clients/$CA/measures" '{"measures":[{"kind":"nprs","value":"2"}]}'
want "one more measure" 200
get TA "/api/clients/$CA/progress" -H "If-None-Match: $ET"
want "after a new measure the old ETag gets the new progress, not 304" 200 '.client'
[ "$(header etag)" != "$ET" ] && ok "... with a new ETag" || ko "the ETag did not change after a new measure"
jq -e --arg d "$(date -u +%Y-%m-%d)" '.latest.nprs.date == $d' "$T/body" >/dev/null &&
  ok "... and the new measure in it (never a stale copy)" || ko "the new measure is not in the progress" "$(body)"
get TA "/api/clients/$CA/progress.svg"
wanttype "progress SVG" image/svg+xml && { grep -q '<svg' "$T/body" && ok "progress.svg is an <svg>" || ko "progress.svg is not SVG" "$(body)"; }
get TA "/api/clients/$CA/home"
wanterr "home before the first stored session: 404" 404 not-found

echo "== session room"
post TA /api/sessions "{\"client\":$CA,\"points\":[{\"tp\":\"upper-trapezius-tp1\",\"side\":\"l\"}]}"
S= TOKEN=
if want "session starts" 200 '(.id | test("^[0-9a-f]{32}$")) and (.join.token | test("^[0-9a-f]{32}$")) and (.join.url | type == "string")'; then
  S=$(jq -r .id "$T/body")
  TOKEN=$(jq -r .join.token "$T/body")
  case "$(jq -r .join.url "$T/body")" in
    http*/p/"$TOKEN") ok "the join url ends in /p/TOKEN" ;;
    *) ko "join url" "$(jq -c .join "$T/body")" ;;
  esac
  jq -e '.state.plan | type == "object"' "$T/body" >/dev/null && ok "the session answer has the plan as \"state.plan\" (docs/api.md)" ||
    ko "the session answer has no \"state.plan\" (docs/api.md); keys: $(jq -c keys "$T/body")"
fi
get TA "/api/sessions/$S"
want "session state" 200 ".id == \"$S\" and .client == $CA and .pain_pre == null and .hold == null and .holds == [] and .phone == false and .ended == false and (.plan.steps | length) > 0"
# the timed and the untimed steps (1-based)
STEP=$(jq '[.plan.steps | to_entries[] | select(.value.timed) | .key + 1][0]' "$T/body")
UNTIMED=$(jq '[.plan.steps | to_entries[] | select(.value.timed | not) | .key + 1][0]' "$T/body")
jq -e '[.plan.modifications[].id] | index("anticoagulants")' "$T/body" >/dev/null &&
  ok "the client's contraindications shape the plan" || ko "no anticoagulants in the session plan" "$(jq -c .plan.modifications "$T/body" | head -c 300)"
get TA "/api/sessions/$S/qr.svg"
wanttype "QR code" image/svg+xml && { grep -q '<svg' "$T/body" && ok "the QR code is an <svg>" || ko "QR not SVG"; }
post TA "/api/sessions/$S/pre" '{"pain":6}'
want "pain before" 200 '.pain_pre == 6'
post TA "/api/sessions/$S/hold" "{\"step\":$UNTIMED}"
wanterr "a hold on an untimed step refused" 400 bad-request
post TA "/api/sessions/$S/hold" "{\"step\":$STEP}"
want "hold on the first timed step ($STEP)" 200 ".hold.step == $STEP and .hold.outcome == \"open\" and .hold.tp == \"upper-trapezius-tp1\" and (.hold.hold | length) == 2 and (.hold.band | length) == 2"

# 8. server-sent events: the therapist's stream while the phone speaks
get TA "/api/sessions/$S/events" --max-time 1
case "$(header content-type)" in text/event-stream*) ok "events are text/event-stream" ;; *) ko "events Content-Type: $(header content-type)" ;; esac
eval "ck=\$TA_C"
curl -sN --max-time 4 -H "Cookie: myomap_session=$ck" "$B/api/sessions/$S/events" >"$T/sse" 2>/dev/null &
SSEPID=$!
sleep 0.5

echo "== the client's phone"
call GET "/api/phone/$TOKEN"
want "the phone's state without a cookie" 200 '.active == true and .hold.muscle_name == "upper trapezius" and (.hold.t | type == "number") and (.hold.max | type == "number")'
if grep -qi 'ann\|lee\|"plan"\|"client"\|birth\|asthma' "$T/body"; then ko "the phone sees a name, the plan or the record" "$(body)"
else ok "the phone sees no name, no record and no plan"; fi
post none "/api/phone/$TOKEN" '{"event":"more"}'
want "phone: more" 200 '.ok == true'
post none "/api/phone/$TOKEN" '{"event":"good"}'
want "phone: good" 200 '.ok == true'
post none "/api/phone/$TOKEN" '{"event":"feedback","value":4}'
want "phone: feedback 4" 200 '.ok == true'
post none "/api/phone/$TOKEN" '{"event":"sharp"}'
wanterr "phone: a therapist-only event (sharp) refused" 400 bad-request
post none "/api/phone/$TOKEN" '{"event":"feedback","value":11}'
wanterr "phone: feedback 11 refused" 400 bad-request
post none "/api/phone/$TOKEN" '{"event":"feedback"}'
wanterr "phone: feedback without a value refused" 400 bad-request
call GET /api/clients -H "Cookie: myomap_session=$TOKEN"
wanterr "the phone token as a cookie opens nothing else" 401 unauthenticated
call GET "/api/sessions/$S" -H "Cookie: myomap_session=$TOKEN"
wanterr "... not even the session" 401 unauthenticated
call GET "/api/sessions/$TOKEN"
wanterr "the token is not a session id" 401 unauthenticated
get TA "/api/sessions/$TOKEN"
wanterr "the token is not a session id (logged in): 404" 404 not-found

post TA "/api/sessions/$S/event" '{"event":"feedback","value":5}'
want "therapist: feedback 5" 200 '(.advice == null or (.advice | has("advice") and has("text"))) and .hold.last == 5'
get BEN "/api/sessions/$S"
wanterr "another therapist cannot see the session" 403 forbidden
post BEN "/api/sessions/$S/event" '{"event":"released"}'
wanterr "... nor send it events" 403 forbidden
get ADM "/api/sessions/$S"
want "the admin can see it" 200 ".id == \"$S\""
get TA "/api/sessions/$S"
want "the state shows the phone joined and the running hold" 200 ".phone == true and .hold.step == $STEP"

wait "$SSEPID" 2>/dev/null
SSEPID=
grep -q '^event: phone' "$T/sse" && ok "the stream has phone events" || ko "no phone event in the stream" "$(head -c 600 "$T/sse")"
grep -q '^event: hold' "$T/sse" && ok "the stream has the hold" || ko "no hold event in the stream" "$(head -c 600 "$T/sse")"
grep -q '^event: feedback' "$T/sse" && ok "the stream has feedback events" || ko "no feedback event in the stream" "$(head -c 600 "$T/sse")"
grep -q '^data: {"event":"more".*"from":"phone"' "$T/sse" && ok "the phone's \"more\" reached the therapist's stream" || ko "no more-from-phone data line" "$(head -c 600 "$T/sse")"
grep -q '^data: {"event":"feedback","value":5' "$T/sse" && ok "the therapist's feedback 5 is in the stream" || ko "feedback 5 not streamed" "$(head -c 600 "$T/sse")"
bad=$(grep '^data: ' "$T/sse" | sed 's/^data: //' | while read -r l; do printf '%s' "$l" | jq -e . >/dev/null 2>&1 || echo x; done)
[ -z "$bad" ] && ok "every data line is JSON" || ko "a data line is not JSON" "$(grep '^data: ' "$T/sse" | head -5)"

echo "== the session's end"
post TA "/api/sessions/$S/event" '{"event":"released"}'
want "therapist: released" 200 '.hold.outcome == "released"'
post TA "/api/sessions/$S/post" '{"pain":3,"rom":"rotation-l 70","strength":"5/5","note":"easier"}'
want "pain after" 200 '.pain_post == 3 and .pain_pre == 6 and (.holds | length) == 1'
post TA "/api/sessions/$S/end" ''
want "end stores the visit" 200 '.visit | type == "number"'
V=$(jq -r .visit "$T/body")
post TA "/api/sessions/$S/end" ''
wanterr "ending a stored session again: 409 conflict (docs/api.md: 409 \"a stored session\")" 409 conflict
eval "ck=\$TA_C"
s0=$(date +%s)
curl -sN --max-time 5 -H "Cookie: myomap_session=$ck" "$B/api/sessions/$S/events" >"$T/sse.end" 2>/dev/null
s1=$(date +%s)
grep -q '^event: end' "$T/sse.end" && grep -q "^data: {\"visit\":$V}" "$T/sse.end" && ok "the stream of an ended session has its end event" ||
  ko "no end event" "$(tail -c 300 "$T/sse.end")"
[ $((s1 - s0)) -le 3 ] && ok "... and then closes" || ko "the stream of an ended session stayed open $((s1 - s0)) s"
get TA "/api/clients/$CA"
want "the record has exactly one visit, with the pain before and after" 200 "(.visits | length) == 1 and .visits[0].pain_pre == 6 and .visits[0].pain_post == 3"
call GET "/api/phone/$TOKEN"
wanterr "after the end the phone link is gone (GET)" 410 gone
post none "/api/phone/$TOKEN" '{"event":"good"}'
wanterr "after the end the phone link is gone (POST)" 410 gone
call GET /api/phone/0123456789abcdef0123456789abcdef
wanterr "a made-up token: 410 (GET)" 410 gone
post none /api/phone/0123456789abcdef0123456789abcdef '{"event":"good"}'
wanterr "a made-up token: 410 (POST)" 410 gone
call GET /api/phone/nonsense
wanterr "a short made-up token: 410" 410 gone

echo "== notes, home program, export"
get TA "/api/visits/$V/note"
want "SOAP note" 200 ".visit == $V and (.s | type == \"string\") and (.o | length) > 0 and (.a | length) > 0 and (.p | length) > 0"
post TA "/api/visits/$V/note" '{"s":"Headache since Monday.","o":"Upper trapezius TrP1 left active.","a":"Better after release.","p":"Home program; recheck in a week."}'
want "note saved" 200 '.ok == true'
get TA "/api/clients/$CA"
want "the visit has its note" 200 '.visits[0].note == true'
post TA "/api/visits/$V/note" '{"s":"only s"}'
wanterr "a note without all four sections refused" 400 bad-request
get TA /api/visits/99999/note
wanterr "note of an unknown visit: 404" 404 not-found
get TA "/api/clients/$CA/home"
want "home program" 200 ".visit == $V and (.date | type == \"string\") and (.program | type == \"object\")"
get TA "/api/clients/$CA/home.html"
wanttype "home.html" text/html && { grep -qi '<html' "$T/body" && ok "the handout is HTML" || ko "handout" "$(body)"; }
get TA "/api/clients/$CA/export?format=fhir"
if wanttype "FHIR export" application/fhir+json; then
  jq -e '.resourceType == "Bundle" and ([.entry[].resource | select(.resourceType == "Patient")] | length) == 1' "$T/body" >/dev/null &&
    ok "the FHIR export is a Bundle with the Patient" || ko "FHIR Bundle" "$(body)"
fi
get TA "/api/clients/$CA/export?format=csv"
if wanttype "CSV export" text/csv; then
  head -1 "$T/body" | grep -q '^date,kind,item,value,unit,visit' && ok "the CSV has its header" || ko "CSV header" "$(head -2 "$T/body")"
fi
get TA "/api/clients/$CA/export?format=xml"
wanterr "an unknown export format refused" 400 bad-request

echo "== access"
get BEN "/api/clients/$CA"
wanterr "therapist B cannot read A's client" 403 forbidden
get BEN /api/clients
want "B's list has B's client, not A's" 200 "([.clients[].id] | index($CB)) and ([.clients[].id] | index($CA) | not)"
get TA /api/clients
want "A's list has not B's client" 200 "[.clients[].id] | index($CB) | not"
for p in progress progress.svg home home.html "export?format=fhir" "export?format=csv"; do
  get BEN "/api/clients/$CA/$p"
  wanterr "B cannot read A's client: $p" 403 forbidden
done
get BEN "/api/visits/$V/note"
wanterr "B cannot read A's note" 403 forbidden
post BEN "/api/visits/$V/note" '{"s":"x","o":"x","a":"x","p":"x"}'
wanterr "B cannot write A's note" 403 forbidden
post BEN "/api/clients/$CA/intakes" '{"pain":[{"region":"temple-l","intensity":3}]}'
wanterr "B cannot add an intake to A's client" 403 forbidden
post BEN "/api/clients/$CA/findings" '{"findings":["upper-trapezius-tp1:l:active"]}'
wanterr "B cannot add findings to A's client" 403 forbidden
post BEN "/api/clients/$CA/measures" '{"measures":[{"kind":"nprs","value":"3"}]}'
wanterr "B cannot add measures to A's client" 403 forbidden
post BEN /api/plan "{\"client\":$CA,\"points\":[{\"tp\":\"upper-trapezius-tp1\",\"side\":\"l\"}]}"
wanterr "B cannot plan for A's client" 403 forbidden
post BEN /api/sessions "{\"client\":$CA,\"points\":[{\"tp\":\"upper-trapezius-tp1\",\"side\":\"l\"}]}"
wanterr "B cannot start a session for A's client" 403 forbidden
get BEN "/api/clients/$CB"
want "B reads B's client" 200 ".client.name == \"Bob Stone\""
get TA "/api/clients/$CB"
wanterr "A cannot read B's client" 403 forbidden
get ADM "/api/clients/$CA"
want "the admin reads A's client" 200 ".client.name == \"Ann Lee\""
get ADM /api/clients
want "the admin's list has every client" 200 "([.clients[].id] | index($CA)) and ([.clients[].id] | index($CB))"
get TA /api/clients/99999
wanterr "an unknown client: 404" 404 not-found
get TA /api/clients/abc
wanterr "a client id that is not a number: 404" 404 not-found

# ---- 2. CSRF, 3. logins, 4. malformed input -----------------------------------------------------
# a second session, kept running, so that every path names something real
post TA /api/sessions "{\"client\":$CA,\"points\":[{\"tp\":\"upper-trapezius-tp1\",\"side\":\"l\"}]}"
want "a second session" 200 '.id'
S2=$(jq -r .id "$T/body")
T2=$(jq -r .join.token "$T/body")
# the route table: "METHOD PATH FLAGS" with "*" replaced by a real id
sed -nE 's/^ *\{"(GET|POST|PUT|PATCH|DELETE)", "(\/api\/[^"]*)", h_[a-z_]+, ([^}]*)\},?$/\1 \2 \3/p' "$ROUTES_SRC" >"$T/routes.raw"
while read -r m p f; do
  case "$p" in
    /api/muscles/*) p=$(echo "$p" | sed 's/\*/upper-trapezius/') ;;
    /api/conditions/*) p=$(echo "$p" | sed 's/\*/tension-headache/') ;;
    /api/clients/*) p=$(echo "$p" | sed "s/\*/$CA/") ;;
    /api/visits/*) p=$(echo "$p" | sed "s/\*/$V/") ;;
    /api/sessions/*) p=$(echo "$p" | sed "s/\*/$S2/") ;;
    /api/phone/*) p=$(echo "$p" | sed "s/\*/$T2/") ;;
  esac
  echo "$m $p $(echo "$f" | tr -d ' ')"
done <"$T/routes.raw" >"$T/routes"
NR=$(wc -l <"$T/routes")
[ "$NR" -ge 40 ] && ok "the route table of src/api.c: $NR routes" || ko "only $NR routes read from $ROUTES_SRC"

echo "== without a login"
while read -r m p f; do
  case "$f" in *PUBLIC*) continue ;; esac
  if [ "$m" = GET ]; then call GET "$p"; else PM=$m; post none "$p" '{}'; PM=; fi
  wanterr "$m $p without a cookie: 401" 401 unauthenticated
done <"$T/routes"
call GET /api/clients -H 'Cookie: myomap_session=0000000000000000000000000000000000000000000000000000000000000000'
wanterr "a made-up session cookie: 401" 401 unauthenticated
call GET /api/no-such-route
wanterr "an unknown route: 404" 404 not-found
get TA /api/clients/1/nothing
wanterr "an unknown route below a client: 404" 404 not-found
call DELETE /api/clients
wanterr "DELETE /api/clients: 405" 405 method-not-allowed
call GET /api/login
wanterr "GET /api/login: 405" 405 method-not-allowed
call POST /api/health -H 'Content-Type: application/json' --data-binary '{}'
wanterr "POST /api/health: 405" 405 method-not-allowed
call PUT /api/me -H 'Content-Type: application/json' --data-binary '{}'
wanterr "PUT /api/me: 405" 405 method-not-allowed

echo "== CSRF"
eval "ck=\$ADM_C"
while read -r m p f; do
  [ "$m" = GET ] && continue
  case "$f" in *PUBLIC*) continue ;; esac
  call "$m" "$p" -H "Cookie: myomap_session=$ck" -H 'Content-Type: application/json' --data-binary '{}'
  wanterr "$m $p without X-CSRF-Token: 403" 403 csrf
  call "$m" "$p" -H "Cookie: myomap_session=$ck" -H "X-CSRF-Token: $TA_X" -H 'Content-Type: application/json' --data-binary '{}'
  wanterr "$m $p with another session's token: 403" 403 csrf
  PM=$m; post ADM "$p" '{}' -H 'Origin: http://evil.example'; PM=
  wanterr "$m $p from a foreign Origin: 403" 403 csrf
done <"$T/routes"
get ADM /api/me
want "the admin is still logged in (the refused logout did nothing)" 200 '.user.role == "admin"'
get TA "/api/sessions/$S2"
want "the second session still runs (the refused end did nothing)" 200 '.ended == false'
post none /api/login '{"email":"admin@clinic.example","password":"adminpass1"}' -H 'Origin: http://evil.example'
wanterr "login from a foreign Origin: 403" 403 csrf
post TA /api/where '{"pain":["temple-l"]}' -H "Origin: $B"
want "the server's own Origin is fine" 200 '.candidates'

echo "== malformed and oversized input"
BIGPAD=$(head -c 71680 /dev/zero | tr '\0' a)
printf '{"pain":["temple-l"],"pad":"%s"}' "$BIGPAD" >"$T/big.json"
printf '{"pain":["temple-l"],"pad":"%s"}' "$(head -c 60000 /dev/zero | tr '\0' a)" >"$T/60k.json"
while read -r m p f; do
  [ "$m" = GET ] && continue
  PM=$m
  case "$f" in
    *BODY*)
      post ADM "$p" 'this is not JSON'
      wanterr "$m $p: not JSON: 400" 400 bad-request
      post ADM "$p" '[1,2,3]'
      wanterr "$m $p: a JSON array: 400" 400 bad-request
      post ADM "$p" '{"a":'
      wanterr "$m $p: cut JSON: 400" 400 bad-request
      CT=text/plain
      post ADM "$p" '{}'
      CT=application/json
      wanterr "$m $p: text/plain: 415" 415 unsupported-media-type
      eval "ck=\$ADM_C cx=\$ADM_X"
      call "$m" "$p" -H "Cookie: myomap_session=$ck" -H "X-CSRF-Token: $cx" --data-binary '{}' -H 'Content-Type:'
      wanterr "$m $p: no Content-Type: 415" 415 unsupported-media-type
      ;;
  esac
  post ADM "$p" "@$T/big.json"
  wanterr "$m $p: 70 KB body: 413" 413 too-large
  post ADM "$p" "@$T/big.json" -H 'Transfer-Encoding: chunked'
  wanterr "$m $p: 70 KB chunked: 413" 413 too-large
done <"$T/routes"
PM=
post TA /api/where "@$T/60k.json"
want "a 60 KB body is fine" 200 '.candidates'
printf '{"name":"Ann \377Lee","birth":"1984-03-09"}' > "$T/u8.json"
post TA /api/clients "@$T/u8.json"
wanterr "a client name that is not UTF-8: 400 naming the byte" 400 bad-request
grep -q 'byte 14 is 0xff' "$T/body" && ok "the answer names byte 14 (0xff)" || ko "UTF-8 body message" "$(body)"
post TA /api/where '{"pain":["temple-l"]}' -H 'Transfer-Encoding: chunked'
want "a small chunked body is fine" 200 '.candidates'
CT='application/json; charset=utf-8'
post TA /api/where '{"pain":["temple-l"]}'
CT=application/json
want "application/json; charset=utf-8 is fine" 200 '.candidates'

echo "== wrong fields"
get TA "/api/clients/$CA"
jq -S . "$T/body" >"$T/rec0"
# wrongly typed or out-of-range fields: PATH JSON WHAT, one a line (| separated)
cat >"$T/bad" <<EOF
/api/login|{"email":5,"password":"x"}|email a number
/api/users|{"name":"X","email":"x@clinic.example","password":12345678}|password a number
/api/users|{"name":"X","email":"x@clinic.example","password":"xpassword1","role":7}|role a number
/api/where|{"pain":"x"}|pain a string
/api/where|{"pain":["temple-l"],"top":999}|top 999
/api/where|{"pain":["temple-l"],"top":"5"}|top a string
/api/where|{"pain":["temple-l"],"top":2.5}|top not whole
/api/where|{"pain":["temple-l"],"top":5.0}|top written as a real
/api/where|{"pain":["temple-l"],|JSON cut short
/api/where|["temple-l"]|an array, not an object
/api/where|{"pain":[{"region":"temple-l","intensity":11}]}|intensity 11
/api/where|{"pain":[{"region":"temple-l","intensity":"6"}]}|intensity a string
/api/where|{"pain":["templ-l"]}|unknown region
/api/where|{"pain":[]}|no painful region
/api/where|{"pain":["temple-l"],"onset":"yesterday"}|unknown onset
/api/where|{"pain":["temple-l"],"context":["x-files"]}|unknown context
/api/plan|{"points":"upper-trapezius-tp1"}|points a string
/api/plan|{"points":[{"tp":"upper-trapezius-tp99","side":"l"}]}|unknown trigger point
/api/plan|{"points":[{"tp":5,"side":"l"}]}|tp a number
/api/plan|{"points":[{"tp":"upper-trapezius-tp1","side":"l"}],"contraindications":["x-ray"]}|unknown contraindication
/api/plan|{"points":[{"tp":"upper-trapezius-tp1","side":"l"}],"client":"1"}|client a string
/api/plan|{"points":[{"tp":"upper-trapezius-tp1","side":"l"}],"fascial":"yes"}|fascial a string
/api/clients|{"name":5,"birth":"1990-01-01"}|name a number
/api/clients|{"name":"X","birth":"1990-01-01","consent":"yes"}|consent a string
/api/clients|{"name":"X","birth":"1990-02-30"}|impossible birth date
/api/clients|{"name":"X","birth":"1990-01-01","contraindications":"pregnancy"}|contraindications a string
/api/clients/$CA/intakes|{"pain":[{"region":"temple-l","intensity":11}]}|pain 11
/api/clients/$CA/intakes|{"pain":[{"region":"templ-l","intensity":3}]}|unknown region
/api/clients/$CA/intakes|{"pain":[{"region":"temple-l","intensity":3}],"nprs":"6"}|nprs a string
/api/clients/$CA/intakes|{"pain":[{"region":"temple-l","intensity":3}],"stress":11}|stress 11
/api/clients/$CA/intakes|{"pain":[{"region":"temple-l","intensity":3}],"desk_hours":25}|desk hours 25
/api/clients/$CA/intakes|{"pain":[{"region":"temple-l","intensity":3}],"date":"2999-01-01"}|a future date
/api/clients/$CA/findings|{"findings":"upper-trapezius-tp1:l:active"}|findings a string
/api/clients/$CA/findings|{"findings":["upper-trapezius-tp99:l:active"]}|unknown trigger point
/api/clients/$CA/findings|{"findings":[5]}|a finding a number
/api/clients/$CA/measures|{"measures":[{"kind":"nprs","value":"11"}]}|nprs 11
/api/clients/$CA/measures|{"measures":[{"kind":"mood","value":"3"}]}|unknown kind
/api/clients/$CA/measures|{"measures":"nprs=3"}|measures a string
/api/visits/$V/note|{"s":5,"o":"o","a":"a","p":"p"}|s a number
/api/sessions|{"client":"$CA","points":[{"tp":"upper-trapezius-tp1","side":"l"}]}|client a string
/api/sessions|{"client":$CA}|no points
/api/sessions|{"points":[{"tp":"upper-trapezius-tp1","side":"l"}]}|no client
/api/sessions|{"client":$CA,"points":[{"tp":"nope-tp1","side":"l"}]}|unknown trigger point
/api/sessions/$S2/pre|{"pain":"x"}|pain a string
/api/sessions/$S2/pre|{"pain":11}|pain 11
/api/sessions/$S2/pre|{"pain":-1}|pain -1
/api/sessions/$S2/pre|{}|no pain
/api/sessions/$S2/hold|{"step":"$STEP"}|step a string
/api/sessions/$S2/hold|{"step":$UNTIMED}|an untimed step
/api/sessions/$S2/hold|{"step":999}|step 999
/api/sessions/$S2/event|{"event":"feedback","value":11}|feedback 11
/api/sessions/$S2/event|{"event":"feedback","value":"5"}|value a string
/api/sessions/$S2/event|{"event":5}|event a number
/api/sessions/$S2/event|{"event":"tickle"}|unknown event
/api/sessions/$S2/event|{}|no event
/api/sessions/$S2/post|{"pain":11}|pain 11
/api/sessions/$S2/post|{"pain":3,"rom":5}|rom a number
/api/phone/$T2|{"event":5}|event a number
/api/phone/$T2|{"event":"feedback","value":11}|feedback 11
/api/phone/$T2|{"event":"feedback","value":"x"}|value a string
/api/phone/$T2|{"event":"sharp"}|a therapist-only event
/api/phone/$T2|{}|no event
EOF
while IFS='|' read -r p d what; do
  case "$p" in /api/phone/*|/api/login) who=none ;; /api/users) who=ADM ;; *) who=TA ;; esac
  post "$who" "$p" "$d"
  wanterr "POST $p: $what: 400" 400 bad-request
done <"$T/bad"
get TA "/api/sessions/$S2"
want "the refused calls changed nothing in the second session" 200 '.pain_pre == null and .pain_post == null and .hold == null and .holds == [] and .ended == false'
get TA "/api/clients/$CA"
jq -S . "$T/body" >"$T/rec1"
if [ "$code" = 200 ] && cmp -s "$T/rec0" "$T/rec1"; then ok "the refused calls changed nothing in the record"
else ko "a refused call changed the record" "$(diff "$T/rec0" "$T/rec1" | head -10)"; fi
get ADM /api/users
want "the refused calls added no account" 200 '(.users | length) == 4'

post TA "/api/sessions/$S2/hold" "{\"step\":$STEP}"
want "second session: a hold" 200 ".hold.step == $STEP"
post TA "/api/sessions/$S2/stop" ''
want "stop ends the running hold" 200 '.hold == null and (.holds | length) == 1 and .holds[0].outcome != "open"'
post none "/api/phone/$T2" '{"event":"good"}'
if [ "$code" = 200 ]; then ok "phone: good between holds is taken"
elif [ "$code" = 400 ]; then
  eval "ck=\$TA_C"
  curl -sN --max-time 1 -H "Cookie: myomap_session=$ck" "$B/api/sessions/$S2/events" >"$T/sse2" 2>/dev/null
  if grep -q '"event":"good"' "$T/sse2"; then
    ko "phone: \"good\" between holds is refused (400) yet still sent to the therapist's stream as phone and feedback events" "$(grep -B1 '"event":"good"' "$T/sse2")"
  else ok "phone: good between holds refused and not streamed"; fi
else ko "phone: good between holds: HTTP $code" "$(body)"; fi
post TA /api/sessions '{"client":99999,"points":[{"tp":"upper-trapezius-tp1","side":"l"}]}'
wanterr "a session for an unknown client: 404" 404 not-found
post TA /api/plan '{"client":99999,"points":[{"tp":"upper-trapezius-tp1","side":"l"}]}'
wanterr "a plan for an unknown client: 404" 404 not-found

# ---- audit --------------------------------------------------------------------------------------
echo "== audit"
get ADM "/api/audit?limit=1000"
if want "the audit log" 200 '(.audit | length) > 0 and (.audit | all(has("at") and has("user") and has("action") and has("client") and has("detail")))'; then
  jq -e --argjson c "$CA" '[.audit[] | select(.user == "tess@clinic.example" and .action == "read" and .client == $c)] | length > 0' "$T/body" >/dev/null &&
    ok "it has A's reads of A's client" || ko "no read by tess of client $CA" "$(jq -c '.audit[:8]' "$T/body" | head -c 600)"
  jq -e --argjson c "$CB" '[.audit[] | select(.user == "ben@clinic.example" and .action == "read" and .client == $c)] | length > 0' "$T/body" >/dev/null &&
    ok "it has B's reads of B's client" || ko "no read by ben of client $CB"
  jq -e --argjson c "$CA" '[.audit[] | select(.user == "ben@clinic.example" and .client == $c)] | length > 0' "$T/body" >/dev/null &&
    ok "it has B's refused attempts on A's client" || ko "B's attempts on client $CA are not in the audit"
  jq -e --argjson c "$CA" '[.audit[] | select(.user == "admin@clinic.example" and .action == "read" and .client == $c)] | length > 0' "$T/body" >/dev/null &&
    ok "it has the admin's read" || ko "no read by the admin"
  jq -e --argjson c "$CA" --arg p "/api/clients/$CA/findings" '[.audit[] | select(.user == "tess@clinic.example" and .action == "read" and .client == $c and .detail == $p)] | length > 0' "$T/body" >/dev/null &&
    ok "it has A's read of the findings" || ko "no read of the findings by tess"
  jq -e --argjson c "$CA" --arg p "/api/clients/$CA/findings" '[.audit[] | select(.user == "ben@clinic.example" and .action == "denied" and .client == $c and .detail == $p)] | length > 0' "$T/body" >/dev/null &&
    ok "it has B's refused read of the findings" || ko "B's refused read of the findings is not in the audit"
  jq -e --argjson c "$CA" '[.audit[] | select(.action == "export" and .client == $c)] | length >= 2' "$T/body" >/dev/null &&
    ok "it has the exports" || ko "no export in the audit"
  jq -e '[.audit[].at] as $a | $a == ($a | sort | reverse)' "$T/body" >/dev/null && ok "newest first" || ko "the audit is not newest first"
fi
get ADM "/api/audit?limit=3"
want "audit limit=3" 200 '(.audit | length) == 3'

# ---- the Host header and the request's framing -------------------------------------------------
echo "== Host and framing"
# raw REQUEST: send the bytes (printf escapes) on a new connection, the answer's status in code,
# its body in $T/body (a python3 socket, 5 s at most; 000 when the server closes without answering)
cat >"$T/raw.py" <<'PY'
import socket, sys
port, req = int(sys.argv[1]), sys.argv[2].encode('latin-1').decode('unicode_escape').encode('latin-1')
s = socket.create_connection(('127.0.0.1', port), timeout=5)
s.sendall(req)
got = b''
try:
    while True:
        d = s.recv(65536)
        if not d: break
        got += d
        if b'\r\n\r\n' in got:
            head, _, rest = got.partition(b'\r\n\r\n')
            n = [int(l.split(b':')[1]) for l in head.split(b'\r\n') if l.lower().startswith(b'content-length:')]
            if n and len(rest) >= n[0]: break
except socket.timeout: pass
head, _, body = got.partition(b'\r\n\r\n')
open(sys.argv[3], 'wb').write(body)
print(head.split(b' ')[1].decode() if head.startswith(b'HTTP/') else '000')
PY
raw() { code=$(python3 "$T/raw.py" "$PORT" "$1" "$T/body" 2>/dev/null); [ -n "$code" ] || code=000; }
call GET /api/health -H 'Host: evil.example'
wanterr "an /api/ request whose Host names another site (DNS rebinding): 400" 400 bad-request
call GET /api/health -H "Host: evil.example:$PORT"
wanterr "the same with the port: 400" 400 bad-request
call GET /api/health -H "Host: localhost:$PORT"
want "Host localhost:PORT passes" 200 '.ok == true'
call GET /api/health -H "Host: 127.0.0.1"
want "Host 127.0.0.1 without a port passes" 200 '.ok == true'
call GET / -H 'Host: evil.example'
[ "$code" = 200 ] && ok "the page itself is still served whatever the Host (it holds no data)" || ko "GET / with another Host: HTTP $code"
post TA /api/sessions "{\"client\":$CA,\"points\":[{\"tp\":\"upper-trapezius-tp1\",\"side\":\"l\"}]}" -H "Host: \"x\"<b>:$PORT"
wanterr "a session started with a Host holding quotes and <: 400, never a join link made of it" 400 bad-request
post TA /api/sessions "{\"client\":$CA,\"another\":true,\"points\":[{\"tp\":\"upper-trapezius-tp1\",\"side\":\"l\"}]}" -H "Host: localhost:$PORT"
HS=
if want "a session started through localhost" 200 ".join.url == \"http://localhost:$PORT/p/\" + .join.token"; then
  HS=$(jq -r .id "$T/body")
  get TA "/api/sessions/$HS" -H 'Host: a"b<c'
  wanterr "its state with a Host holding quotes and <: 400" 400 bad-request
  get TA "/api/sessions/$HS/qr.svg" -H 'Host: a"b<c'
  wanterr "its QR code with that Host: 400" 400 bad-request
  raw "GET /api/sessions/$HS HTTP/1.1\r\nHost: a\x0bb\"c\r\nCookie: myomap_session=$TA_C\r\nConnection: close\r\n\r\n"
  [ "$code" = 400 ] && ok "a Host with a vertical tab and a quote (raw request): 400" || ko "Host with \\x0b: HTTP $code" "$(body)"
  raw "GET /api/sessions/$HS HTTP/1.1\r\nHost: 127.0.0.1:$PORT\r\nCookie: myomap_session=$TA_C\r\nConnection: close\r\n\r\n"
  jq -e ".join.url == \"http://127.0.0.1:$PORT/p/\" + .join.token" "$T/body" >/dev/null &&
    ok "the state's join link follows an accepted Host (raw request)" || ko "join link of the state" "$(body)"
  get TA "/api/sessions/$HS/qr.svg" -H "Host: 127.0.0.1:$PORT"
  wanttype "the QR code with an accepted Host" image/svg+xml
fi
LOGIN='{"name":"X","email":"x@y.z","password":"abcdefgh12"}'
raw "POST /api/setup HTTP/1.1\r\nHost: 127.0.0.1:$PORT\r\nContent-Type: application/json\r\nContent-Length: 52\r\nContent-Length: 7\r\nConnection: close\r\n\r\n$LOGIN"
[ "$code" = 400 ] && ok "two Content-Length headers that differ: 400" || ko "conflicting Content-Length: HTTP $code, wanted 400" "$(body)"
raw "POST /api/setup HTTP/1.1\r\nHost: 127.0.0.1:$PORT\r\nContent-Type: application/json\r\nContent-Length: 52\r\nContent-Length: 52\r\nConnection: close\r\n\r\n$LOGIN"
[ "$code" = 409 ] && ok "the same Content-Length twice is one length (409: the first account exists)" || ko "repeated equal Content-Length: HTTP $code, wanted 409" "$(body)"
raw "POST /api/setup HTTP/1.1\r\nHost: 127.0.0.1:$PORT\r\nContent-Type: application/json\r\nContent-Length: 52\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n34\r\n$LOGIN\r\n0\r\n\r\n"
[ "$code" = 400 ] && ok "Content-Length with Transfer-Encoding: chunked: 400" || ko "Content-Length + chunked: HTTP $code, wanted 400" "$(body)"
raw "POST /api/setup HTTP/1.1\r\nHost: 127.0.0.1:$PORT\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n34\r\n$LOGIN\r\n0\r\n\r\n"
[ "$code" = 409 ] && ok "a chunked body alone is read (409: the first account exists)" || ko "chunked alone: HTTP $code, wanted 409" "$(body)"
raw "POST /api/setup HTTP/1.1\r\nHost: 127.0.0.1:$PORT\r\nContent-Type: application/json\r\nContent-Length: +52\r\nConnection: close\r\n\r\n$LOGIN"
[ "$code" = 400 ] && ok "a Content-Length that is not digits: 400" || ko "Content-Length +42: HTTP $code, wanted 400" "$(body)"

# ---- logins in the store: restarts, more than one server -----------------------------------------
# launch DB PORT LOG: a server on DB at 127.0.0.1:PORT, waited for; LPID is its process
launch() {
  "$M" --db "$1" serve --listen "127.0.0.1:$2" >"$3" 2>&1 &
  LPID=$!
  j=0
  while [ $j -lt 200 ]; do
    curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$2/api/health" && return 0
    kill -0 "$LPID" 2>/dev/null || return 1
    sleep 0.05
    j=$((j + 1))
  done
  return 1
}
echo "== logins survive a restart"
login RS tess@clinic.example tesspass12 || ko "login before the restart (HTTP $code)" "$(body)"
for sig in KILL TERM; do
  kill -s $sig "$SPID"; wait "$SPID" 2>/dev/null; SPID=
  if launch "$DB" "$PORT" "$T/server.log"; then SPID=$LPID; else ko "the server did not start again" "$(tail -5 "$T/server.log")"; break; fi
  get RS /api/me
  want "after a SIG$sig and a new start the same cookie is logged in" 200 '.user.email == "tess@clinic.example"'
  post RS /api/where '{"pain":[{"region":"temple-l"}]}'
  want "... and its CSRF token still works for a POST" 200
  get TA /api/me
  want "... and so do the logins made before it" 200 '.user.email == "tess@clinic.example"'
done
# keep WHO: log WHO in again if their login was lost, so that the checks below stand on their own
keep() { get "$1" /api/me; [ "$code" = 200 ] || login "$1" "$2" "$3"; }
keep ADM admin@clinic.example adminpass1; keep TA tess@clinic.example tesspass12
# a second server on the same database shares the logins, and a logout on one ends it on both
PORT3=$((PORT + 1))
while curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$PORT3/"; [ $? != 7 ]; do PORT3=$((PORT3 + 1)); done
if launch "$DB" "$PORT3" "$T/third.log"; then
  P3=$LPID
  B0=$B; B=http://127.0.0.1:$PORT3
  get RS /api/me
  want "a second server on the same database knows the login" 200 '.user.email == "tess@clinic.example"'
  post RS /api/logout ''
  want "logout on the second server" 200
  B=$B0
  get RS /api/me
  wanterr "... ends the login on the first at once" 401 unauthenticated
  kill "$P3"; wait "$P3" 2>/dev/null
else ko "a second server on the same database did not start" "$(tail -5 "$T/third.log")"; fi

# ---- accounts: password change, reset, disable ---------------------------------------------------
echo "== account management"
BEN_ID=$(get ADM /api/users; jq -r '.users[] | select(.email == "ben@clinic.example") | .id' "$T/body")
TA_ID=$(jq -r '.users[] | select(.email == "tess@clinic.example") | .id' "$T/body")
ADM_ID=$(jq -r '.users[] | select(.email == "admin@clinic.example") | .id' "$T/body")
login BEN ben@clinic.example benpass123 && login BEN2 ben@clinic.example benpass123 || ko "Ben's logins (HTTP $code)"
post BEN /api/me/password '{"current":"not-my-password","new":"a river of blue glass"}'
wanterr "a password change with the wrong current password: 403" 403 forbidden
post BEN /api/me/password '{"current":"benpass123","new":"password123"}'
wanterr "a change to a common password: 400" 400 bad-request
post BEN /api/me/password '{"current":"benpass123"}'
wanterr "a change without the new password: 400" 400 bad-request
call POST /api/me/password -H "Cookie: myomap_session=$BEN_C" -H "Content-Type: $CT" --data-binary '{"current":"benpass123","new":"a river of blue glass"}'
wanterr "a change without the CSRF token: 403" 403 csrf
get BEN2 /api/me
want "nothing changed by the refused changes: the other login works" 200
post BEN /api/me/password '{"current":"benpass123","new":"a river of blue glass"}'
want "a password change" 200 '.ok == true'
get BEN /api/me
want "the login that changed it stays" 200 '.user.email == "ben@clinic.example"'
get BEN2 /api/me
wanterr "the user's other login ended" 401 unauthenticated
get TA /api/me
want "another user's login stays" 200
post none /api/login '{"email":"ben@clinic.example","password":"benpass123"}' --interface 127.0.0.240
wanterr "the old password no longer logs in" 401 unauthenticated
login BEN2 ben@clinic.example "a river of blue glass" && ok "the new one does" || ko "login with the new password (HTTP $code)" "$(body)"
post TA "/api/users/$BEN_ID/password" '{"new":"a river of red glass"}'
wanterr "a therapist may not reset a password: 403" 403 forbidden
post ADM "/api/users/$BEN_ID/password" '{"new":"Summer2024"}'
wanterr "a reset to a common password: 400" 400 bad-request
get BEN /api/me
want "... changed nothing" 200
post ADM "/api/users/99999/password" '{"new":"a river of red glass"}'
wanterr "a reset of an unknown account: 404" 404 not-found
post ADM "/api/users/$BEN_ID/password" '{"new":"a river of red glass"}'
want "the admin resets Ben's password" 200 '.ok == true'
get BEN /api/me
wanterr "... which ends Ben's logins" 401 unauthenticated
login BEN ben@clinic.example "a river of red glass" && ok "Ben logs in with the reset password" || ko "login after the reset (HTTP $code)" "$(body)"
post TA "/api/users/$BEN_ID/disable" ''
wanterr "a therapist may not disable an account: 403" 403 forbidden
post ADM "/api/users/$ADM_ID/disable" ''
wanterr "an admin cannot disable themself: 409" 409 conflict
post ADM "/api/users/99999/disable" ''
wanterr "disabling an unknown account: 404" 404 not-found
post ADM "/api/users/$BEN_ID/disable" ''
want "the admin disables Ben" 200 '.ok == true'
get BEN /api/me
wanterr "... whose login ends at once" 401 unauthenticated
post none /api/login '{"email":"ben@clinic.example","password":"a river of red glass"}' --interface 127.0.0.241
wanterr "... and who cannot log in" 403 forbidden
get ADM /api/users
want "the list says disabled" 200 '.users[] | select(.email == "ben@clinic.example") | .disabled == true and .can_log_in == false'
post ADM "/api/users/$BEN_ID/enable" ''
want "the admin enables Ben again" 200
login BEN ben@clinic.example "a river of red glass" && ok "Ben logs in again" || ko "login after enable (HTTP $code)" "$(body)"
get ADM "/api/audit?action=password-change&limit=10"
want "the change is audited" 200 "[.audit[] | select(.user == \"ben@clinic.example\")] | length == 1"
get ADM "/api/audit?action=password-reset&limit=10"
want "the reset is audited" 200 "[.audit[] | select(.user == \"admin@clinic.example\" and .detail == \"account $BEN_ID\")] | length == 1"
get ADM "/api/audit?action=disable-user&limit=10"
want "the disable is audited" 200 "[.audit[] | select(.detail == \"account $BEN_ID\")] | length == 1"
get ADM "/api/audit?action=enable-user&limit=10"
want "the enable is audited" 200 "[.audit[] | select(.detail == \"account $BEN_ID\")] | length == 1"
# the command line
printf 'a river of green glass\n' | "$M" --db "$DB" user passwd --email ben@clinic.example >"$T/out" 2>&1 &&
  ok "myomap user passwd" || ko "myomap user passwd" "$(cat "$T/out")"
get BEN /api/me
wanterr "... ends the account's logins" 401 unauthenticated
printf 'password1\n' | "$M" --db "$DB" user passwd --email ben@clinic.example >"$T/out" 2>&1 &&
  ko "myomap user passwd took a common password" || ok "myomap user passwd refuses a common password"
login BEN ben@clinic.example "a river of green glass" && ok "the new password logs in" || ko "login after user passwd (HTTP $code)" "$(body)"
"$M" --db "$DB" user disable --email ben@clinic.example >"$T/out" 2>&1 && ok "myomap user disable" || ko "myomap user disable" "$(cat "$T/out")"
get BEN /api/me
wanterr "... ends the login at once" 401 unauthenticated
"$M" --db "$DB" user list >"$T/out" 2>&1; grep -q 'ben@clinic.example.*disabled' "$T/out" && ok "user list shows it" || ko "user list" "$(cat "$T/out")"
"$M" --db "$DB" user enable --email ben@clinic.example >"$T/out" 2>&1 && ok "myomap user enable" || ko "myomap user enable" "$(cat "$T/out")"
"$M" --db "$DB" user disable --email admin@clinic.example >"$T/out" 2>&1 &&
  ko "the last admin was disabled" || { grep -q "last admin" "$T/out" && ok "the last admin cannot be disabled" || ko "last admin message" "$(cat "$T/out")"; }
"$M" --db "$DB" user disable --email nobody@clinic.example >"$T/out" 2>&1 && ko "disabled an unknown email" || ok "user disable of an unknown email fails"
login BEN ben@clinic.example "a river of green glass" || ko "Ben's login after enable (HTTP $code)"

# ---- the audit log: filters and pages -----------------------------------------------------------
echo "== audit filters and pages"
for q in "limit=0" "limit=1001" "limit=ten" "user=x" "client=-1" "before=0" "from=2026-13-01" "to=yesterday" \
         "action=DROP%20TABLE" "from=2026-02-01&to=2026-01-01"; do
  get ADM "/api/audit?$q"
  wanterr "audit ?$q: 400" 400 bad-request
done
get ADM "/api/audit?limit=5"
if want "a page of 5 with a next cursor" 200 '(.audit | length) == 5 and (.next | type == "number") and .next == .audit[4].id'; then
  N1=$(jq -r .next "$T/body"); FIRST=$(jq -c '[.audit[].id]' "$T/body")
  get ADM "/api/audit?limit=5&before=$N1"
  want "the next page: older entries only" 200 "(.audit | length) == 5 and (.audit | all(.id < $N1)) and ([.audit[].id] as \$i | \$i == (\$i | sort | reverse))"
fi
get ADM "/api/audit?user=$TA_ID&action=read&limit=1000"
want "?user=&action=: only that user's reads" 200 "(.audit | length) > 0 and (.audit | all(.user_id == $TA_ID and .action == \"read\"))"
get ADM "/api/audit?client=$CA&limit=1000"
want "?client=: only that client" 200 "(.audit | length) > 0 and (.audit | all(.client == $CA))"
TODAY=$(date -u +%Y-%m-%d)
get ADM "/api/audit?from=$TODAY&to=$TODAY&limit=1000"
want "?from=&to= today" 200 '(.audit | length) > 0'
get ADM "/api/audit?from=2999-01-01"
want "?from= in the future: none" 200 '(.audit | length) == 0 and .next == null'
get ADM "/api/audit?to=2000-01-01T00:00:00Z"
want "?to= a time long ago: none" 200 '(.audit | length) == 0'
# every entry reachable by following next
get ADM "/api/audit?limit=1000"
TOTAL=$(jq '.audit | length' "$T/body")
if [ "$TOTAL" -lt 1000 ]; then
  seen=0 before=
  while :; do
    get ADM "/api/audit?limit=37${before:+&before=$before}"
    seen=$((seen + $(jq '.audit | length' "$T/body")))
    before=$(jq -r '.next // empty' "$T/body")
    [ -n "$before" ] || break
  done
  [ "$seen" -ge "$TOTAL" ] && ok "paging by next reaches all $TOTAL entries" || ko "paging saw $seen of $TOTAL"
fi

# ---- refused logins are counted, not one row each -----------------------------------------------
echo "== a flood of refused logins"
get ADM "/api/audit?action=read&limit=1"
REAL=$(jq -r '.audit[0].id' "$T/body")
dbsize() {
  case "$TARGET" in
    postgres*) psql "$DB" -tAc "SELECT pg_total_relation_size('audit') + pg_total_relation_size('login_failure')" ;;
    *) sqlite3 "$DB" "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()" ;;
  esac
}
S0=$(dbsize)
for n in 0 1 2 3 4; do
  { printf '{"email":"%s' "$n"; head -c 61440 /dev/zero | tr '\0' a; printf '@clinic.example","password":"not-a-password"}'; } >"$T/big$n.json"
done
seq 2000 | while read -r i; do echo $((i % 5)); done |
  xargs -P 4 -I{} curl -s -o /dev/null -w '%{http_code}\n' --max-time 30 --interface 127.0.0.230 \
    -H 'Content-Type: application/json' --data-binary "@$T/big{}.json" "$B/api/login" >"$T/codes"
S1=$(dbsize)
# at most the limit, and the three others in flight while the fifth failure was counted
n401=$(grep -c '^401$' "$T/codes"); n429=$(grep -c '^429$' "$T/codes")
[ $((n401 + n429)) = 2000 ] && [ "$n401" -le 8 ] && ok "2,000 refused logins with a 60 KB email: $n401 x 401, $n429 x 429" ||
  ko "refused logins: $(sort "$T/codes" | uniq -c | tr '\n' ' ')"
[ -n "$S0" ] && [ -n "$S1" ] && [ $((S1 - S0)) -lt 1000000 ] && ok "... grew the database by $((S1 - S0)) bytes (< 1 MB)" ||
  ko "the database grew by $((S1 - S0)) bytes ($S0 -> $S1)"
get ADM "/api/audit?limit=1000"
want "... the real entries are still in the newest 1,000" 200 "[.audit[] | select(.id == $REAL)] | length == 1"
want "... as a handful of rows with the email cut to 200 characters" 200 \
  '[.audit[] | select(.action == "login-failed" or .action == "login-limited")] | length <= 12 and all(.detail | length <= 200)'

# ---- the limiter never forgets a locked account -------------------------------------------------
echo "== the limiter when flooded"
post ADM /api/users '{"name":"Lock Ed","email":"locked@clinic.example","password":"locked out for now"}'
want "an account to lock" 200
for i in 1 2 3 4 5; do
  post none /api/login '{"email":"locked@clinic.example","password":"wrong guess!"}' --interface 127.0.0.201
done
post none /api/login '{"email":"locked@clinic.example","password":"locked out for now"}' --interface 127.0.0.202
wanterr "five wrong passwords lock the account" 429 rate-limited
# 875 junk logins from 175 addresses: 127.0.0.2 to 127.0.0.176, 5 each, each a new email
i=0
while [ $i -lt 875 ]; do echo "$((2 + i / 5)) $i"; i=$((i + 1)); done |
  xargs -P 4 -n 2 sh -c 'curl -s -o /dev/null -w "%{http_code}\n" --max-time 30 --interface 127.0.0.$0 -H "Content-Type: application/json" \
    --data-binary "{\"email\":\"junk$1@example.org\",\"password\":\"junk-password\"}" '"$B/api/login" >"$T/junk"
[ "$(grep -c '^401$' "$T/junk")" = 875 ] && ok "875 junk logins from 175 addresses: 401 each" || ko "junk logins: $(sort "$T/junk" | uniq -c | tr '\n' ' ')"
post none /api/login '{"email":"locked@clinic.example","password":"locked out for now"}' --interface 127.0.0.203
wanterr "... the account is still locked" 429 rate-limited
post none /api/login '{"email":"tess@clinic.example","password":"tesspass12"}' --interface 127.0.0.5
wanterr "... and so is each junk address" 429 rate-limited
kill -9 "$SPID"; wait "$SPID" 2>/dev/null; SPID=
launch "$DB" "$PORT" "$T/server.log" && SPID=$LPID || ko "the server did not start again" "$(tail -5 "$T/server.log")"
post none /api/login '{"email":"locked@clinic.example","password":"locked out for now"}' --interface 127.0.0.204
wanterr "... even after a restart" 429 rate-limited
keep ADM admin@clinic.example adminpass1; keep TA tess@clinic.example tesspass12

# ---- many logins at once --------------------------------------------------------------------------
echo "== many logins"
post ADM /api/users '{"name":"Manny Logins","email":"many@clinic.example","password":"logging in again"}'
want "an account that logs in often" 200
login MANY1 many@clinic.example "logging in again" || ko "first login (HTTP $code)"
# 50 at once, while the health check and a logged-in read keep answering
# (from two addresses: one address may hold 32 connections at most)
{ for a in 127.0.0.250 127.0.0.251; do
    seq 25 | xargs -P 25 -I{} curl -s -o /dev/null -w '%{http_code}\n' --max-time 60 --interface $a \
      -H 'Content-Type: application/json' --data-binary '{"email":"many@clinic.example","password":"logging in again"}' "$B/api/login" &
  done; wait; } >"$T/par" &
XP=$!
sleep 0.2
slow=0 probes=0
while kill -0 "$XP" 2>/dev/null && [ $probes -lt 40 ]; do
  t1=$(curl -s -o /dev/null -w '%{time_total}' --max-time 5 "$B/api/health")
  t2=$(curl -s -o /dev/null -w '%{time_total}' --max-time 5 -H "Cookie: myomap_session=$TA_C" "$B/api/me")
  probes=$((probes + 1))
  awk -v a="$t1" -v b="$t2" 'BEGIN { exit !(a > 1 || b > 1) }' && { slow=$((slow + 1)); echo "       slow: health $t1 s, me $t2 s"; }
done
wait "$XP"
[ "$(grep -c '^200$' "$T/par")" = 50 ] && ok "50 parallel logins: 200 each" || ko "parallel logins: $(sort "$T/par" | uniq -c | tr '\n' ' ')"
[ $probes -gt 0 ] && [ $slow = 0 ] && ok "meanwhile $probes health checks and logged-in reads each answered within 1 s" ||
  ko "$slow of $probes probes took over 1 s during the logins"
# 1,100 logins of one user end only that user's oldest sessions
seq 1050 | xargs -P 4 -I{} curl -s -o /dev/null -w '%{http_code}\n' --max-time 60 --interface 127.0.0.251 \
  -H 'Content-Type: application/json' --data-binary '{"email":"many@clinic.example","password":"logging in again"}' "$B/api/login" >"$T/many"
[ "$(grep -c '^200$' "$T/many")" = 1050 ] && ok "1,100 logins of one user" || ko "many logins: $(sort "$T/many" | uniq -c | tr '\n' ' ')"
get TA /api/me
want "... did not log another user out" 200 '.user.email == "tess@clinic.example"'
get ADM /api/me
want "... nor the admin" 200
get MANY1 /api/me
wanterr "... but ended that user's own oldest session" 401 unauthenticated
login MANY2 many@clinic.example "logging in again"
get MANY2 /api/me
want "... and the newest works" 200

# ---- setup with the console's code --------------------------------------------------------------
echo "== setup when therapists exist"
DB4=$(fresh apitest4)
"$M" --db "$DB4" therapist add "Theo Therapist" --email theo@clinic.example >"$T/out" 2>&1 || ko "therapist add" "$(cat "$T/out")"
PORT4=$((PORT3 + 1))
while curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$PORT4/"; [ $? != 7 ]; do PORT4=$((PORT4 + 1)); done
if launch "$DB4" "$PORT4" "$T/fourth.log"; then
  P4=$LPID
  B0=$B; B=http://127.0.0.1:$PORT4
  SCODE=$(sed -n 's/.*setup code: \([A-Z0-9-]*\).*/\1/p' "$T/fourth.log" | head -1)
  [ ${#SCODE} = 19 ] && ok "serve prints a setup code when no account can log in" || ko "no setup code printed" "$(cat "$T/fourth.log")"
  call GET /api/setup
  want "setup is needed, with the code" 200 '.needed == true and .code == true'
  post none /api/setup '{"name":"Mallory","email":"theo@clinic.example","password":"i take this account"}'
  wanterr "setup without the code refused: the therapist's account is not given away" 403 forbidden
  post none /api/setup '{"name":"Mallory","email":"mallory@clinic.example","password":"i take this account","code":"AAAA-BBBB-CCCC-DDDD"}'
  wanterr "setup with a wrong code refused" 403 forbidden
  login X theo@clinic.example "i take this account" && ko "the refused setup gave Theo's account a password" || ok "... and gave no password"
  post none /api/setup "{\"name\":\"Theo Therapist\",\"email\":\"theo@clinic.example\",\"password\":\"theo's own password\",\"code\":\"$SCODE\"}"
  want "setup with the console's code" 200 '.user.email == "theo@clinic.example" and .user.role == "admin"'
  call GET /api/setup
  want "then no longer needed" 200 '.needed == false'
  post none /api/setup "{\"name\":\"Late\",\"email\":\"late@clinic.example\",\"password\":\"a late comer here\",\"code\":\"$SCODE\"}"
  wanterr "a second setup with the code: 409" 409 conflict
  B=$B0
  kill "$P4"; wait "$P4" 2>/dev/null
else ko "a server on the fourth database did not start" "$(tail -5 "$T/fourth.log")"; fi

# ---- CSV cells are never formulas -----------------------------------------------------------------
echo "== CSV formulas"
keep TA tess@clinic.example tesspass12
post TA /api/clients '{"name":"=HYPERLINK(\"http://evil.example\",\"x\")","birth":"1980-01-01"}'
want "a client named like a formula" 200 '.id'
CF=$(jq -r .id "$T/body")
post TA "/api/clients/$CF/measures" '{"date":"2025-01-06","measures":[{"kind":"psfs","value":"=HYPERLINK(\"http://evil.example\")=4"},{"kind":"psfs","value":"@SUM(A1)=3"},{"kind":"psfs","value":"+cmd=2"}]}'
want "activities named like formulas" 200
get TA "/api/clients/$CF/export?format=csv"
if wanttype "its CSV export" text/csv; then
  grep -q "'=HYPERLINK" "$T/body" && grep -q "'@SUM" "$T/body" && grep -q "'+cmd" "$T/body" &&
    ok "formula-like cells start with a single quote" || ko "CSV cells" "$(cat "$T/body")"
  tr -d '"' <"$T/body" | tr ',' '\n' | grep -qE '^[=+@]' && ko "a CSV cell is a formula" "$(cat "$T/body")" || ok "no cell starts with = + @"
fi

# ---- the page's assets: revalidated by ETag, gzipped when asked ---------------------------------
echo "== assets"
call GET /app.js
ET=$(header etag)
[ "$code" = 200 ] && [ -n "$ET" ] && [ "$(header cache-control)" = no-cache ] && ok "app.js: 200 with an ETag and Cache-Control: no-cache" ||
  ko "app.js headers" "$(cat "$T/hdr.txt")"
cmp -s "$T/body" "$HERE/../web/app.js" && ok "... the file's bytes" || ko "app.js is not web/app.js"
: >"$T/body"
call GET /app.js -H "If-None-Match: $ET"
[ "$code" = 304 ] && [ ! -s "$T/body" ] && ok "the same ETag again: 304 and no bytes" || ko "If-None-Match on app.js: HTTP $code"
call GET /lib/chart.js -H 'Accept-Encoding: gzip, deflate, br'
if [ "$code" = 200 ] && [ "$(header content-encoding)" = gzip ] && [ "$(header vary)" = Accept-Encoding ]; then
  gunzip <"$T/body" | cmp -s - "$HERE/../web/lib/chart.js" && ok "gzip when asked, Vary: Accept-Encoding, the same bytes unzipped" ||
    ko "the gzipped chart.js does not unzip to web/lib/chart.js"
  [ "$(wc -c <"$T/body")" -lt "$(wc -c <"$HERE/../web/lib/chart.js")" ] && ok "... and smaller" || ko "gzip is not smaller"
else ko "gzip: HTTP $code, Content-Encoding $(header content-encoding)"; fi
call GET /lib/chart.js -H 'Accept-Encoding: gzip;q=0'
[ "$code" = 200 ] && [ -z "$(header content-encoding)" ] && ok "gzip;q=0: plain" || ko "gzip;q=0 gave $(header content-encoding)"

# ---- the end: a second server, rate limiting, still up ------------------------------------------
echo "== the end"
DB2=$(fresh apitest2)
"$M" --db "$DB2" serve --listen "127.0.0.1:$PORT" >"$T/second.log" 2>&1 &
P2=$!
i=0
while [ $i -lt 50 ] && kill -0 "$P2" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done   # PostgreSQL opens slower
if kill -0 "$P2" 2>/dev/null; then
  kill "$P2"; wait "$P2" 2>/dev/null
  ko "a second server on the same port started instead of failing (it shares the port with the first)" "$(cat "$T/second.log")"
else
  wait "$P2" 2>/dev/null
  ok "a second server on the same port is refused"
fi

# rate limiting: last, since it locks this address (127.0.0.1) for 15 minutes
n=0
while [ $n -lt 5 ]; do
  post none /api/login '{"email":"rita@clinic.example","password":"not-her-password"}'
  [ "$code" = 401 ] || break
  n=$((n + 1))
done
[ $n = 5 ] && ok "five wrong passwords: 401 each" || ko "wrong password $((n + 1)): HTTP $code, wanted 401" "$(body)"
post none /api/login '{"email":"rita@clinic.example","password":"ritapass12"}'
if wanterr "the sixth attempt, with the right password: 429" 429 rate-limited; then
  ra=$(header retry-after)
  case "$ra" in
    ''|*[!0-9]*) ko "Retry-After missing or not seconds: '$ra'" ;;
    *) [ "$ra" -gt 0 ] && [ "$ra" -le 900 ] && ok "Retry-After: $ra seconds (at most 15 minutes)" || ko "Retry-After $ra" ;;
  esac
  [ -z "$(cookie)" ] && ok "no cookie while locked" || ko "a locked login got a cookie"
fi
post none /api/login '{"email":"tess@clinic.example","password":"tesspass12"}'
wanterr "the address is locked for the other accounts too" 429 rate-limited
get TA /api/me
want "sessions made before keep working" 200 '.user.email == "tess@clinic.example"'
call GET /api/health
want "the server is still up after all of it" 200 '.ok == true'
kill -0 "$SPID" 2>/dev/null && ok "the server process is alive" || ko "the server process died" "$(tail -5 "$T/server.log")"

echo "api $BACKEND: $pass passed, $fail failed"
[ "$fail" = 0 ]
