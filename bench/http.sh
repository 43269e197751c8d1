#!/bin/sh
# http.sh: load test of `myomap serve`'s ranking endpoint (POST /api/where, logged in) with wrk,
# beside nginx serving a static file of the same size on the same machine (the ceiling).
# Prints requests/s and p99 latency of both and checks the targets: at least half nginx's
# throughput and p99 under 10 ms, with no errors.
#   sh bench/http.sh [build/myomap]     HTTP_TIME (default 30 s), HTTP_CONNS (default 64)
set -e
cd "$(dirname "$0")/.."
M=${1:-build/myomap}
TIME=${HTTP_TIME:-30}
CONNS=${HTTP_CONNS:-64}
T=$(mktemp -d)
PORT=$((19000 + $$ % 500))
NPORT=$((PORT + 1))
cleanup() {
  [ -n "$SPID" ] && kill "$SPID" 2>/dev/null
  [ -f "$T/nginx.pid" ] && kill "$(cat "$T/nginx.pid")" 2>/dev/null
  sleep 0.2
  rm -rf "$T"
}
trap cleanup EXIT INT TERM

# myomap, with one account logged in
echo 'bench-password-1' | "$M" --db "$T/bench.db" user add --name Bench --email bench@example.org --admin >/dev/null
# wrk's 64 connections all come from 127.0.0.1: lift the 32 per address (as behind a proxy)
"$M" --db "$T/bench.db" serve --listen 127.0.0.1:$PORT --max-per-address 0 2>"$T/serve.log" &
SPID=$!
for i in $(seq 50); do curl -sf http://127.0.0.1:$PORT/api/health >/dev/null 2>&1 && break; sleep 0.1; done
curl -sf -c "$T/jar" -H 'Content-Type: application/json' \
  -d '{"email":"bench@example.org","password":"bench-password-1"}' http://127.0.0.1:$PORT/api/login >"$T/login.json"
MYOMAP_CSRF=$(jq -r .csrf "$T/login.json")
MYOMAP_COOKIE=$(awk '$6 == "myomap_session" {print $7}' "$T/jar")
export MYOMAP_CSRF MYOMAP_COOKIE
BODY=$(sed -n "s/^wrk.body = '\(.*\)'$/\1/p" bench/where.lua)
curl -sf -b "$T/jar" -H "X-CSRF-Token: $MYOMAP_CSRF" -H 'Content-Type: application/json' -d "$BODY" \
  -o "$T/where.json" http://127.0.0.1:$PORT/api/where
SIZE=$(wc -c <"$T/where.json")
jq -e '.candidates | length == 5' "$T/where.json" >/dev/null

# nginx: the same number of bytes as a static file
mkdir -p "$T/www" "$T/logs"
head -c "$SIZE" /dev/zero | tr '\0' 'x' >"$T/www/where.json"
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
for i in $(seq 50); do curl -sf http://127.0.0.1:$NPORT/where.json >/dev/null 2>&1 && break; sleep 0.1; done

run() {  # run NAME wrk-args...: prints "NAME RPS P99MS ERRORS"
  name=$1; shift
  wrk -t2 -c"$CONNS" -d"${TIME}s" --latency "$@" >"$T/$name.txt" 2>&1
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$T/$name.txt")
  p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}' "$T/$name.txt")
  errs=$(awk '/Socket errors/ {n=0; for (i=1;i<=NF;i++) if ($i ~ /^[0-9]+,?$/) n+=$i; print n} /Non-2xx/ {print $NF}' "$T/$name.txt" | awk '{s+=$1} END {print s+0}')
  echo "$name $rps $p99 $errs"
}
echo "== load: wrk -t2 -c$CONNS -d${TIME}s, response of $SIZE bytes"
set -- $(run myomap -s bench/where.lua http://127.0.0.1:$PORT/api/where)
M_RPS=$2 M_P99=$3 M_ERR=$4
set -- $(run nginx http://127.0.0.1:$NPORT/where.json)
N_RPS=$2 N_P99=$3 N_ERR=$4
grep -E 'Latency|Req/Sec|requests in|Requests/sec|non-200' "$T/myomap.txt" | sed 's/^/  myomap: /'
echo "myomap POST /api/where: $M_RPS requests/s, p99 $M_P99 ms, $M_ERR errors"
echo "nginx static $SIZE bytes: $N_RPS requests/s, p99 $N_P99 ms, $N_ERR errors"
awk -v m="$M_RPS" -v n="$N_RPS" -v p="$M_P99" -v e="$M_ERR" 'BEGIN {
  r = m / n; ok = (r >= 0.5 && p < 10 && e == 0)
  printf "ratio %.2f of the ceiling (target >= 0.50), p99 %.2f ms (target < 10), errors %d: %s\n", r, p, e, ok ? "target met" : "TARGET MISSED"
}'
