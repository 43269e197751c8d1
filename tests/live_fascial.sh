#!/bin/sh
# live_fascial.sh: a live session started with "fascial": true keeps its myofascial release
# steps across a SIGKILL of the server (the replayed start command must carry "fascial").
# Needs the stored session room of issue 11 (tests/httplib.sh, live.c start_json/start_parse).
#   tests/live_fascial.sh path/to/myomap sqlite
M=${1:-build/myomap}
TARGET=${2:-sqlite}
HERE=$(dirname "$0")
. "$HERE/lib.sh"
. "$HERE/httplib.sh"
cleanup() { serve_stop A; rm -rf "$T"; }
trap cleanup EXIT
DB=$(fresh fasctest)
serve_start A "$DB" || { cat "$T/A.log"; exit 1; }
B=$A_URL
PW=correct-horse-battery-7
post none /api/setup "{\"name\":\"Ada Admin\",\"email\":\"admin@clinic.example\",\"password\":\"$PW\"}"
login TA admin@clinic.example "$PW"
post TA /api/clients '{"name":"Ann Lee","birth":"1980-04-02","consent":true}'
CA=$(jq -r .id "$T/body")
post TA /api/sessions "{\"client\":$CA,\"fascial\":true,\"points\":[{\"tp\":\"upper-trapezius-tp1\",\"side\":\"l\"}]}"
want "a session with myofascial release" 200 '[.state.plan.steps[] | select(.fascial)] | length == 2'
S=$(jq -r .id "$T/body")
STEP=$(jq '[.state.plan.steps | to_entries[] | select(.value.timed) | .key + 1][0]' "$T/body")
post TA "/api/sessions/$S/hold" "{\"step\":$STEP}"
want "the fascial hold runs" 200 '.hold.phase == "prepare" and .hold.hold == [90,300]'
serve_stop A KILL
sleep 1
serve_start A "$DB" || exit 1
B=$A_URL
get TA /api/me
[ "$code" = 200 ] || login TA admin@clinic.example "$PW"
get TA "/api/sessions/$S"
want "after a SIGKILL: the same plan, the fascial hold still running" 200 '([.plan.steps[] | select(.fascial)] | length == 2) and .hold.phase == "prepare" and .hold.hold == [90,300]'
echo "fascial live: $pass passed, $fail failed"
