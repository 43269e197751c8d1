#!/bin/sh
# http.sh: load tests of `myomap serve` with wrk, each beside nginx serving a static file of the
# same size on the same machine (the ceiling):
#   where:    POST /api/where (the ranking), 64 connections: at least 0.8 of nginx, p99 < 10 ms;
#   progress: GET a client's progress over 200 visits (a record read, audited) at 1, 8 and 64
#             connections: at 64 at least 0.25 of nginx, and at 8 at least 1.5x the rate at 1;
#   writes:   a mix of intakes, measures and the phone's feedback in a running session, 64
#             connections: 0 errors.
#   sh bench/http.sh [build/myomap [DB]]   DB: a postgresql:// URI with an empty schema, else a
#                                          new SQLite file.  HTTP_TIME (default 30 s), HTTP_CONNS (64)
set -e
cd "$(dirname "$0")/.."
M=${1:-build/myomap}
TIME=${HTTP_TIME:-30}
CONNS=${HTTP_CONNS:-64}
T=$(mktemp -d)
DB=${2:-$T/bench.db}
BACKEND=sqlite
case "$DB" in postgres*) BACKEND=postgresql ;; esac
PORT=$((19000 + $$ % 500))
NPORT=$((PORT + 1))
cleanup() {
  [ -n "$SPID" ] && kill "$SPID" 2>/dev/null
  [ -f "$T/nginx.pid" ] && kill "$(cat "$T/nginx.pid")" 2>/dev/null
  sleep 0.2
  rm -rf "$T"
}
trap cleanup EXIT INT TERM
U=http://127.0.0.1:$PORT

# myomap, with one account logged in
echo 'bench-password-1' | "$M" --db "$DB" user add --name Bench --email bench@example.org --admin >/dev/null
"$M" --db "$DB" serve --listen 127.0.0.1:$PORT --max-per-address 0 2>"$T/serve.log" &
SPID=$!
for i in $(seq 50); do curl -sf $U/api/health >/dev/null 2>&1 && break; sleep 0.1; done
curl -sf -c "$T/jar" -H 'Content-Type: application/json' \
  -d '{"email":"bench@example.org","password":"bench-password-1"}' $U/api/login >"$T/login.json"
MYOMAP_CSRF=$(jq -r .csrf "$T/login.json")
MYOMAP_COOKIE=$(awk '$6 == "myomap_session" {print $7}' "$T/jar")
export MYOMAP_CSRF MYOMAP_COOKIE
apost() { curl -sf -b "$T/jar" -H "X-CSRF-Token: $MYOMAP_CSRF" -H 'Content-Type: application/json' -d "$2" "$U$1"; }

# nginx: static files of the answers' sizes
mkdir -p "$T/www" "$T/logs"
chmod -R a+rX "$T"
cat >"$T/nginx.conf" <<NGINX
worker_processes auto;
pid $T/nginx.pid;
error_log $T/logs/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $T/logs; proxy_temp_path $T/logs; fastcgi_temp_path $T/logs;
  uwsgi_temp_path $T/logs; scgi_temp_path $T/logs;
  server { listen 127.0.0.1:$NPORT; root $T/www; location / { default_type application/json; } }
}
NGINX
nginx -c "$T/nginx.conf" -p "$T" -g 'daemon on;' 2>"$T/nginx.err" || { cat "$T/nginx.err"; exit 1; }
same_size() { head -c "$(wc -c <"$1")" /dev/zero | tr '\0' 'x' >"$T/www/$2"; chmod a+r "$T/www/$2"; }

run() {  # run NAME CONNS wrk-args...: prints "RPS P99MS ERRORS"
  name=$1 c=$2; shift 2
  wrk -t2 -c"$c" -d"${TIME}s" --latency "$@" >"$T/$name.txt" 2>&1
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$T/$name.txt")
  p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}' "$T/$name.txt")
  errs=$(awk '/Socket errors/ {n=0; for (i=1;i<=NF;i++) if ($i ~ /^[0-9]+,?$/) n+=$i; print n} /non-200/ {print $NF}' "$T/$name.txt" | awk '{s+=$1} END {print s+0}')
  echo "$rps $p99 $errs"
}
verdict() { [ "$1" = 1 ] && echo "target met" || echo "TARGET MISSED"; }

echo "== records: $BACKEND; wrk -t2, ${TIME}s per run"

# ---- where ----
BODY=$(sed -n "s/^wrk.body = '\(.*\)'$/\1/p" bench/where.lua)
apost /api/where "$BODY" >"$T/where.json"
jq -e '.candidates | length == 5' "$T/where.json" >/dev/null
same_size "$T/where.json" where.json
set -- $(run where "$CONNS" -s bench/where.lua $U/api/where)
W_RPS=$1 W_P99=$2 W_ERR=$3
set -- $(run where-nginx "$CONNS" http://127.0.0.1:$NPORT/where.json)
WN_RPS=$1 WN_P99=$2
echo "where: myomap $W_RPS requests/s (p99 $W_P99 ms, $W_ERR errors); nginx $WN_RPS requests/s (p99 $WN_P99 ms), $(wc -c <"$T/where.json") bytes, $CONNS connections"
awk -v m="$W_RPS" -v n="$WN_RPS" -v p="$W_P99" -v e="$W_ERR" 'BEGIN { r = m / n; printf "where: %.2f of nginx (target >= 0.80), p99 %.2f ms (target < 10): %s\n", r, p, (r >= 0.8 && p < 10 && e == 0) ? "target met" : "TARGET MISSED" }'

# ---- progress over 200 visits ----
CID=$(apost /api/clients '{"name":"Bench Client","birth":"1980-01-01","consent":true}' | jq -r .id)
mkdir -p "$T/logs200"
v=1
while [ $v -le 200 ]; do
  day=$(date -u -d "2020-01-01 + $((v * 3)) days" +%Y-%m-%d)
  sed "s/2026-11-22/$day/g" docs/examples/session.json >"$T/logs200/$v.json"
  v=$((v + 1))
done
"$M" --db "$DB" log "$CID" "$T"/logs200/*.json >/dev/null
curl -sf -b "$T/jar" "$U/api/clients/$CID/progress" >"$T/progress.json"
jq -e '(.visits | length) == 200' "$T/progress.json" >/dev/null || { echo "progress: not 200 visits"; exit 1; }
same_size "$T/progress.json" progress.json
export MYOMAP_PATH="/api/clients/$CID/progress"
for c in 1 8 "$CONNS"; do
  set -- $(run progress-$c "$c" -s bench/progress.lua $U)
  eval "P${c}_RPS=$1 P${c}_P99=$2 P${c}_ERR=$3"
  echo "progress, $c connections: $1 requests/s, p99 $2 ms, $3 errors"
done
set -- $(run progress-nginx "$CONNS" http://127.0.0.1:$NPORT/progress.json)
PN_RPS=$1
eval "PC_RPS=\$P${CONNS}_RPS PC_ERR=\$P${CONNS}_ERR"
echo "progress: nginx $PN_RPS requests/s for the same $(wc -c <"$T/progress.json") bytes"
awk -v m="$PC_RPS" -v n="$PN_RPS" -v a="$P1_RPS" -v b="$P8_RPS" -v e="$PC_ERR" 'BEGIN {
  r = m / n; s = b / a
  printf "progress: %.2f of nginx at %s connections (target >= 0.25), %.2fx at 8 connections over 1 (target >= 1.5): %s\n", r, ENVIRON["CONNS"], s, (r >= 0.25 && s >= 1.5 && e == 0) ? "target met" : "TARGET MISSED" }'

# ---- writes: intakes, measures and the phone's feedback in a running hold ----
S=$(apost /api/sessions "{\"client\":$CID,\"points\":[{\"tp\":\"upper-trapezius-tp1\",\"side\":\"l\"}]}")
SID=$(echo "$S" | jq -r .id)
export MYOMAP_TOKEN=$(echo "$S" | jq -r .join.token) MYOMAP_CLIENT=$CID
STEP=$(echo "$S" | jq '[.state.plan.steps[] | select(.timed)][0].n')
apost "/api/sessions/$SID/hold" "{\"step\":$STEP}" >/dev/null
set -- $(run writes "$CONNS" -s bench/writes.lua $U)
echo "writes (intake, measure, phone feedback in turn), $CONNS connections: $1 requests/s, p99 $2 ms, $3 errors: $( [ "$3" = 0 ] && echo "target met" || echo "TARGET MISSED")"
echo "audit: $(curl -sf -b "$T/jar" "$U/api/audit?limit=1" >/dev/null && "$M" --db "$DB" db info 2>/dev/null | awk '$1 == "audit" {print $2 " rows"}')"
