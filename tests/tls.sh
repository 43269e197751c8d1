#!/bin/sh
# tls.sh: black-box tests of `myomap cert` and of `myomap serve` over HTTPS, and of the server's
# defences that need a server of their own: the connections one address may hold, the timeout
# for a request's headers, recovery the moment a flood of half-sent requests stops, the Host
# check on 0.0.0.0 and the warning for plain HTTP beyond 127.0.0.1.  Starts its servers on free
# ports and stops them.  Needs openssl (verify, x509), curl and python3.  Prints one line per
# check and "tls: N passed, N failed".
#   tests/tls.sh path/to/myomap
M=${1:-build/myomap}
HERE=$(dirname "$0")
. "$HERE/lib.sh"
SPID=
stop() { if [ -n "$SPID" ]; then kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null; SPID=; fi; }
trap 'stop; rm -rf "$T"' EXIT
trap 'exit 1' INT TERM

# ---- myomap cert ------------------------------------------------------------------------------
echo "== myomap cert"
D=$T/tls
expect "cert with two hosts" 0 "Made the certificate authority" -- "$M" cert --dir "$D" --host clinic.example --host 192.168.7.7
cp "$T/out" "$T/cert1.out"
for f in ca.crt ca.key server.crt server.key; do [ -s "$D/$f" ] || ko "no $D/$f"; done
[ "$(stat -c %a "$D/ca.key" 2>/dev/null)" = 600 ] && ok "ca.key is mode 0600" || ko "ca.key is mode $(stat -c %a "$D/ca.key" 2>/dev/null)"
[ "$(stat -c %a "$D/server.key" 2>/dev/null)" = 600 ] && ok "server.key is mode 0600" || ko "server.key is mode $(stat -c %a "$D/server.key" 2>/dev/null)"
openssl verify -CAfile "$D/ca.crt" "$D/server.crt" >"$T/v" 2>&1 && ok "server.crt verifies against ca.crt (openssl)" || ko "openssl verify" "$(cat "$T/v")"
openssl x509 -in "$D/server.crt" -noout -ext subjectAltName,extendedKeyUsage,basicConstraints >"$T/ext" 2>&1
for want in "DNS:clinic.example" "IP Address:192.168.7.7" "DNS:localhost" "IP Address:127.0.0.1" "TLS Web Server Authentication" "CA:FALSE"; do
  grep -q "$want" "$T/ext" && ok "server.crt has $want" || ko "server.crt lacks $want" "$(cat "$T/ext")"
done
openssl x509 -in "$D/ca.crt" -noout -ext basicConstraints 2>/dev/null | grep -q "CA:TRUE" && ok "ca.crt is a CA" || ko "ca.crt is not CA:TRUE"
end=$(openssl x509 -in "$D/server.crt" -noout -enddate | sed 's/notAfter=//')
days=$(( ($(date -d "$end" +%s) - $(date +%s)) / 86400 ))
[ "$days" -ge 824 ] && [ "$days" -le 825 ] && ok "valid 825 days by default (the most iOS accepts)" || ko "server.crt valid $days days"
for want in "Certificate Trust Settings" "Install a certificate > CA certificate" "Keychain Access" "certmgr" "update-ca-certificates" \
            "serve --listen 0.0.0.0:8443 --tls-cert $D/server.crt --tls-key $D/server.key"; do
  grep -qF -- "$want" "$T/cert1.out" && ok "it tells: $want" || ko "the output lacks \"$want\"" "$(cat "$T/cert1.out")"
done
ca1=$(sha256sum <"$D/ca.crt")
srv1=$(sha256sum <"$D/server.crt")
expect "a second run reuses the authority" 0 "Reused the certificate authority" -- "$M" cert --dir "$D" --host clinic.example --days 30
[ "$(sha256sum <"$D/ca.crt")" = "$ca1" ] && ok "ca.crt is unchanged" || ko "ca.crt was made again"
[ "$(sha256sum <"$D/server.crt")" != "$srv1" ] && ok "server.crt is new" || ko "server.crt is the old one"
openssl verify -CAfile "$D/ca.crt" "$D/server.crt" >/dev/null 2>&1 && ok "the new server.crt verifies against the old authority" || ko "the new server.crt does not verify"
openssl x509 -in "$D/server.crt" -noout -ext subjectAltName 2>/dev/null | grep -q "192.168.7.7" && ko "the new server.crt still names 192.168.7.7" || ok "the new server.crt names only the hosts given now"
# no --host: the machine's non-loopback IPv4 addresses (as `hostname -I` lists them)
D2=$T/tls2
expect "cert without --host" 0 "Made the server certificate" -- "$M" cert --dir "$D2"
openssl x509 -in "$D2/server.crt" -noout -ext subjectAltName >"$T/ext2" 2>&1
missing=
for a in $(hostname -I 2>/dev/null); do
  case "$a" in *:*|127.*) continue ;; esac
  grep -q "IP Address:$a\(,\|$\)" "$T/ext2" || missing="$missing $a"
done
[ -z "$missing" ] && grep -q "IP Address:127.0.0.1" "$T/ext2" && ok "without --host: this machine's addresses, localhost and 127.0.0.1" ||
  ko "without --host the certificate lacks$missing" "$(cat "$T/ext2")"
expect "--days over 825: usage error" 1 "1-825" -- "$M" cert --dir "$D2" --days 900
expect "a host with a quote: usage error" 1 "--host takes" -- "$M" cert --dir "$D2" --host 'a"b'
D3=$T/tls3
mkdir -p "$D3" && cp "$D/ca.key" "$D3/"
expect "ca.key without ca.crt: refused, nothing made" 4 "has ca.key but not ca.crt" -- "$M" cert --dir "$D3"
[ ! -e "$D3/server.crt" ] && ok "no server.crt made from half an authority" || ko "server.crt made without ca.crt"

# ---- serve over HTTPS ------------------------------------------------------------------------
# start SCHEME ARGS...: a server on a free port with ARGS (B its base URL, $T/server.log its stderr)
STARTS=0
start() {
  scheme=$1
  shift
  B=
  i=0
  while [ $i -lt 30 ] && [ -z "$B" ]; do
    PORT=$((19000 + ($$ + i * 89) % 1000))
    i=$((i + 1))
    curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/"
    [ $? = 7 ] || continue
    STARTS=$((STARTS + 1))
    "$M" --db "$T/db$STARTS.db" serve --listen "${LISTEN:-127.0.0.1}:$PORT" "$@" >"$T/server.log" 2>&1 &
    SPID=$!
    j=0
    while [ $j -lt 100 ]; do
      if ! kill -0 "$SPID" 2>/dev/null; then wait "$SPID" 2>/dev/null; SPID=; break; fi
      if curl -s -o /dev/null --max-time 1 --cacert "$D/ca.crt" "$scheme://127.0.0.1:$PORT/api/health"; then B=$scheme://127.0.0.1:$PORT; break; fi
      sleep 0.05
      j=$((j + 1))
    done
    [ -z "$B" ] && stop
  done
  [ -n "$B" ]
}

echo "== serve over HTTPS"
"$M" cert --dir "$D" --host clinic.example >/dev/null 2>&1
if ! start https --tls-cert "$D/server.crt" --tls-key "$D/server.key"; then
  ko "could not start the HTTPS server" "$(cat "$T/server.log")"
else
  ok "serves HTTPS on $B"
  curl -s --max-time 5 --cacert "$D/ca.crt" -o "$T/body" "$B/api/health" && jq -e '.ok == true' "$T/body" >/dev/null &&
    ok "GET /api/health over HTTPS, the certificate verified against ca.crt" || ko "HTTPS health" "$(cat "$T/body")"
  curl -s --max-time 5 --cacert "$D/ca.crt" -o /dev/null "https://localhost:$PORT/api/health" && ok "and through https://localhost" || ko "https://localhost fails"
  curl -s --max-time 5 -o /dev/null "$B/api/health"
  [ $? = 60 ] && ok "a client that does not trust the authority refuses the certificate (curl 60)" || ko "curl without --cacert did not fail on the certificate"
  curl -s --max-time 5 -o /dev/null "http://127.0.0.1:$PORT/api/health" && ko "plain HTTP answered on the HTTPS port" || ok "plain HTTP gets no answer on the HTTPS port"
  curl -s --max-time 5 --cacert "$D/ca.crt" -D "$T/hdr" -o "$T/body" -H 'Content-Type: application/json' \
    --data-binary '{"name":"Ada Admin","email":"ada@clinic.example","password":"a-long-password-1"}' "$B/api/setup"
  ck=$(tr -d '\r' <"$T/hdr" | sed -n 's/^set-cookie: //Ip')
  case "$ck" in *"; Secure"*) ok "the session cookie is Secure" ;; *) ko "the cookie is not Secure: '$ck'" "$(cat "$T/body")" ;; esac
  sid=$(echo "$ck" | sed 's/^myomap_session=\([^;]*\).*/\1/')
  csrf=$(jq -r .csrf "$T/body")
  curl -s --max-time 5 --cacert "$D/ca.crt" -o "$T/body" -b "myomap_session=$sid" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
    --data-binary '{"name":"Ann Lee","birth":"1984-03-09","consent":true}' "$B/api/clients"
  client=$(jq -r .id "$T/body")
  curl -s --max-time 5 --cacert "$D/ca.crt" -o "$T/body" -b "myomap_session=$sid" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
    --data-binary "{\"client\":$client,\"points\":[{\"tp\":\"upper-trapezius-tp1\",\"side\":\"l\"}]}" "$B/api/sessions"
  jq -e ".join.url == \"https://127.0.0.1:$PORT/p/\" + .join.token" "$T/body" >/dev/null &&
    ok "the join link is https://ADDR:PORT/p/TOKEN (--public-url's default with TLS)" || ko "join link over TLS" "$(head -c 300 "$T/body")"
  S=$(jq -r .id "$T/body")
  TOKEN=$(jq -r .join.token "$T/body")
  curl -s -N --max-time 3 --cacert "$D/ca.crt" -b "myomap_session=$sid" "$B/api/sessions/$S/events" >"$T/events" 2>/dev/null &
  EV=$!
  sleep 0.7
  curl -s --max-time 5 --cacert "$D/ca.crt" -o "$T/phone" "$B/api/phone/$TOKEN"
  wait $EV
  jq -e '.active == true' "$T/phone" >/dev/null 2>&1 && ok "the phone's call over HTTPS" || ko "phone over HTTPS" "$(cat "$T/phone")"
  grep -q '^event: phone' "$T/events" && grep -q '"connected":true' "$T/events" &&
    ok "the event stream over HTTPS wakes with the phone's arrival" || ko "no phone event on the HTTPS stream" "$(head -c 300 "$T/events")"
  size=$(curl -s --max-time 5 --cacert "$D/ca.crt" -o /dev/null -w '%{size_download}' "$B/app.js")
  [ "$size" -gt 10000 ] && ok "the app's script over HTTPS ($size bytes)" || ko "app.js over HTTPS: $size bytes"
  grep -q "in clear" "$T/server.log" && ko "a plain-HTTP warning for an HTTPS server" "$(cat "$T/server.log")" || ok "no plain-HTTP warning with TLS"
  stop
fi
if start https --tls-cert "$D/server.crt" --tls-key "$D/server.key" --public-url https://elsewhere.example:8443; then
  grep -q "does not name elsewhere.example" "$T/server.log" && ok "a --public-url the certificate does not name: a warning with the fix" ||
    ko "no warning for a --public-url outside the certificate" "$(cat "$T/server.log")"
  stop
fi

echo "== serve's certificate and key checked first"
E=$T/other
"$M" cert --dir "$E" >/dev/null 2>&1
echo "not a certificate" >"$T/junk.pem"
P0=$((19000 + $$ % 1000))
expect "a missing certificate file: exit 4, named" 4 "cannot read the certificate.*$T/none.crt" -- \
  "$M" --db "$T/x.db" serve --listen 127.0.0.1:$P0 --tls-cert "$T/none.crt" --tls-key "$D/server.key"
expect "a missing key file: exit 4, named" 4 "cannot read the private key.*$T/none.key" -- \
  "$M" --db "$T/x.db" serve --listen 127.0.0.1:$P0 --tls-cert "$D/server.crt" --tls-key "$T/none.key"
expect "another certificate's key: exit 4" 4 "is not the private key of" -- \
  "$M" --db "$T/x.db" serve --listen 127.0.0.1:$P0 --tls-cert "$D/server.crt" --tls-key "$E/server.key"
expect "a file that is no certificate: exit 4" 4 "is not a PEM certificate" -- \
  "$M" --db "$T/x.db" serve --listen 127.0.0.1:$P0 --tls-cert "$T/junk.pem" --tls-key "$D/server.key"
expect "the certificate given as the key: exit 4" 4 "is not an unencrypted PEM private key" -- \
  "$M" --db "$T/x.db" serve --listen 127.0.0.1:$P0 --tls-cert "$D/server.crt" --tls-key "$D/server.crt"
# an expired certificate (openssl ca is the one openssl tool that takes past dates)
X=$T/expired
mkdir -p "$X"
( cd "$X" && openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout k.pem -out r.csr -subj /CN=127.0.0.1 &&
  touch index.txt && echo 01 >serial &&
  printf '[ca]\ndefault_ca = c\n[c]\ndatabase = index.txt\nnew_certs_dir = .\nserial = serial\ndefault_md = sha256\npolicy = p\n[p]\ncommonName = supplied\n' >ca.cnf &&
  openssl ca -batch -config ca.cnf -selfsign -keyfile k.pem -in r.csr -out c.pem -startdate 20200101000000Z -enddate 20200201000000Z ) >"$X/log" 2>&1
if [ -s "$X/c.pem" ]; then
  expect "an expired certificate: exit 4, with its date" 4 "expired on 2020-02-01" -- \
    "$M" --db "$T/x.db" serve --listen 127.0.0.1:$P0 --tls-cert "$X/c.pem" --tls-key "$X/k.pem"
else
  ko "openssl could not make the expired certificate" "$(cat "$X/log")"
fi
expect "a directory as the certificate: exit 4" 4 "cannot read the certificate.*it is a directory" -- \
  "$M" --db "$T/x.db" serve --listen 127.0.0.1:$P0 --tls-cert "$T" --tls-key "$D/server.key"
# an unreadable key: mode 0 for an ordinary user; root reads anything, so then as nobody
cp "$D/server.key" "$T/unreadable.key"
chmod 000 "$T/unreadable.key"
MB=$(cd "$(dirname "$M")" && pwd)/$(basename "$M")
if [ "$(id -u)" = 0 ]; then
  chmod 755 "$T" "$D"
  chmod 644 "$D/server.crt"
  expect "an unreadable key: exit 4, the reason given" 4 "cannot read the private key.*Permission denied" -- \
    su nobody -s /bin/sh -c "'$MB' --db /nonexistent/x.db serve --listen 127.0.0.1:$P0 --tls-cert '$D/server.crt' --tls-key '$T/unreadable.key'"
  chmod 700 "$T" "$D"
else
  expect "an unreadable key: exit 4, the reason given" 4 "cannot read the private key.*Permission denied" -- \
    "$M" --db "$T/x.db" serve --listen 127.0.0.1:$P0 --tls-cert "$D/server.crt" --tls-key "$T/unreadable.key"
fi
expect "--tls-cert without --tls-key: usage error" 1 "needs --tls-key" -- \
  "$M" --db "$T/x.db" serve --listen 127.0.0.1:$P0 --tls-cert "$D/server.crt"
curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$P0/"
[ $? = 7 ] && ok "nothing was served after those errors" || ko "something answers on port $P0"
[ ! -e "$T/x.db" ] && ok "and no database was made" || ko "a database was made before the certificate was checked"

# ---- plain HTTP beyond 127.0.0.1, and the Host check on 0.0.0.0 ------------------------------
echo "== plain HTTP on 0.0.0.0"
LAN=$(hostname -I 2>/dev/null | tr ' ' '\n' | grep -v ':' | grep -v '^127\.' | head -1)
if LISTEN=0.0.0.0 start http --host clinic.example; then
  sleep 0.2
  grep -q "cross the network in clear" "$T/server.log" && grep -q "myomap cert" "$T/server.log" &&
    ok "listening on 0.0.0.0 without TLS warns, and says how to fix it" || ko "no warning for plain HTTP on 0.0.0.0" "$(cat "$T/server.log")"
  if [ -n "$LAN" ]; then
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H "Host: $LAN:$PORT" "$B/api/health")
    [ "$code" = 200 ] && ok "a Host with the machine's address $LAN passes" || ko "Host $LAN: HTTP $code"
  fi
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H "Host: clinic.example:$PORT" "$B/api/health")
  [ "$code" = 200 ] && ok "a Host named with --host passes" || ko "Host clinic.example: HTTP $code"
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H "Host: 203.0.113.9:$PORT" "$B/api/health")
  [ "$code" = 400 ] && ok "a Host with an address not the machine's: 400" || ko "Host 203.0.113.9: HTTP $code"
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H "Host: evil.example:$PORT" "$B/api/health")
  [ "$code" = 400 ] && ok "a Host with another name: 400" || ko "Host evil.example: HTTP $code"
  stop
else
  ko "could not start the server on 0.0.0.0" "$(cat "$T/server.log")"
fi
if start http; then
  sleep 0.2
  grep -q "in clear" "$T/server.log" && ko "a warning for plain HTTP on 127.0.0.1" || ok "no warning for plain HTTP on 127.0.0.1"
  curl -s --max-time 5 -D "$T/hdr" -o "$T/body" -H 'Content-Type: application/json' -H 'X-Forwarded-Proto: https' \
    --data-binary '{"name":"Ada Admin","email":"ada@clinic.example","password":"a-long-password-1"}' "$B/api/setup"
  ck=$(tr -d '\r' <"$T/hdr" | sed -n 's/^set-cookie: //Ip')
  case "$ck" in *"; Secure"*) ok "behind a TLS proxy (X-Forwarded-Proto: https) the cookie is Secure" ;; *) ko "X-Forwarded-Proto: https, cookie '$ck'" "$(cat "$T/body")" ;; esac
  curl -s --max-time 5 -D "$T/hdr" -o "$T/body" -H 'Content-Type: application/json' \
    --data-binary '{"email":"ada@clinic.example","password":"a-long-password-1"}' "$B/api/login"
  ck=$(tr -d '\r' <"$T/hdr" | sed -n 's/^set-cookie: //Ip')
  case "$ck" in myomap_session=*) case "$ck" in *Secure*) ko "a plain-HTTP login got a Secure cookie: $ck" ;; *) ok "plain HTTP without the proxy's header: no Secure flag" ;; esac ;;
    *) ko "login over plain HTTP: no cookie" "$(cat "$T/body")" ;; esac
  stop
fi

# ---- floods: connections per address, the header timeout, recovery ----------------------------
echo "== floods of half-sent requests"
cat >"$T/flood.py" <<'PY'
# flood.py PORT MODE: MODE "one": 600 half-sent requests from 127.0.0.2 held while 127.0.0.1 asks;
# "many": 2000 from 64 addresses, closed, then how soon 127.0.0.1 is answered; "slow": one
# half-sent request and one whose body comes after 11 s.
import resource, socket, sys, time, urllib.request
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 8192), hard))
port, mode = int(sys.argv[1]), sys.argv[2]
def health(timeout):
    t = time.time()
    try:
        urllib.request.urlopen('http://127.0.0.1:%d/api/health' % port, timeout=timeout).read()
        return time.time() - t
    except Exception:
        return None
def half(src):
    s = socket.socket(); s.settimeout(2)
    try:
        s.bind((src, 0)); s.connect(('127.0.0.1', port)); s.send(b'GET /api/health HTTP/1.1\r\nHost: x')
        return s
    except Exception:
        s.close(); return None
def still_open(s):
    s.setblocking(False)
    try:
        return s.recv(1) != b''
    except BlockingIOError:
        return True
    except Exception:
        return False
if mode == 'one':
    ss = [s for s in (half('127.0.0.2') for i in range(600)) if s]
    time.sleep(0.5)
    held = sum(1 for s in ss if still_open(s))
    t = health(2)
    print('held %d of %d; another address answered %s' % (held, len(ss), 'in %.3f s' % t if t is not None else 'never (2 s)'))
    sys.exit(0 if t is not None and held <= 32 else 1)
if mode == 'many':
    ss = [s for s in (half('127.0.0.%d' % (2 + i % 64)) for i in range(2000)) if s]
    time.sleep(0.5)
    for s in ss: s.close()
    t0 = time.time()
    while time.time() - t0 < 3:
        if health(1) is not None:
            t = time.time() - t0
            print('%d closed; answered %.3f s after' % (len(ss), t)); sys.exit(0 if t < 1 else 1)
    print('%d closed; no answer within 3 s' % len(ss)); sys.exit(1)
if mode == 'slow':
    a = half('127.0.0.1')
    b = socket.create_connection(('127.0.0.1', port), timeout=20)
    body = b'{"email":"nobody@x.example","password":"whatever-1"}'
    b.send(b'POST /api/setup HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n' % len(body))
    t0 = time.time(); closed = None
    a.settimeout(0.5)
    while time.time() - t0 < 14:
        try:
            if a.recv(4096) == b'': closed = time.time() - t0; break
        except socket.timeout: pass
        except Exception: closed = time.time() - t0; break
    while time.time() - t0 < 11.5: time.sleep(0.1)
    ans = b''
    try:
        b.send(body)
        ans = b.recv(200)
    except Exception as e: pass
    print('half-sent headers closed after %s; a body sent after 11.5 s answered %r' % ('%.1f s' % closed if closed else 'more than 14 s', ans[:12]))
    sys.exit(0 if closed and 9 <= closed <= 12 and ans.startswith(b'HTTP/1.1 ') else 1)
PY
if start http; then
  out=$(timeout 30 python3 "$T/flood.py" "$PORT" one 2>&1) && ok "600 half-sent requests from 127.0.0.2: $out" || ko "one address filled the server: $out"
  out=$(timeout 30 python3 "$T/flood.py" "$PORT" many 2>&1) && ok "2000 half-sent requests from 64 addresses: $out" || ko "the server stayed deaf after a flood: $out"
  out=$(timeout 30 python3 "$T/flood.py" "$PORT" slow 2>&1) && ok "$out" || ko "timeouts: $out"
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$B/api/health")
  [ "$code" = 200 ] && ok "the server is up after the floods" || ko "after the floods: HTTP $code" "$(tail -5 "$T/server.log")"
  stop
else
  ko "could not start the server" "$(cat "$T/server.log")"
fi

echo "tls: $pass passed, $fail failed"
[ "$fail" = 0 ]
