# httplib.sh: what the HTTP test scripts share, after lib.sh: starting `myomap serve` on a free
# port, requests with a login's cookie and CSRF token, and checks of the answers.
#   serve_start VAR DB [serve args]: a server on a free port; VAR_URL its base, VAR_PID its pid
#   serve_stop VAR [SIGNAL]: stop it (TERM by default; KILL for a crash)
# Every server serve_start started is stopped at exit (and on INT or TERM), and $T removed: a
# script that sources this sets no trap of its own for them.
# B is the base URL that call/get/post use (set it to a server's VAR_URL).
CT=application/json
SERVED=
trap 'for sv_ in $SERVED; do serve_stop "$sv_"; done; rm -rf "$T"' EXIT
trap 'exit 1' INT TERM

serve_start() {
  sv=$1 sdb=$2
  shift 2
  si=0
  while [ $si -lt 30 ]; do
    sport=$((18000 + ($$ + si * 97 + ${SERVE_SALT:-0}) % 1000))
    si=$((si + 1))
    curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$sport/"
    [ $? = 7 ] || continue   # 7: connection refused, nobody listens
    "$M" --db "$sdb" serve --listen "127.0.0.1:$sport" "$@" >>"$T/$sv.log" 2>&1 &
    spid=$!
    sj=0
    while [ $sj -lt 100 ]; do
      if ! kill -0 "$spid" 2>/dev/null; then wait "$spid" 2>/dev/null; spid=; break; fi
      if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$sport/api/health"; then
        eval "${sv}_URL=http://127.0.0.1:$sport ${sv}_PID=$spid ${sv}_PORT=$sport"
        case " $SERVED " in *" $sv "*) ;; *) SERVED="$SERVED $sv" ;; esac
        return 0
      fi
      sleep 0.05
      sj=$((sj + 1))
    done
    [ -n "$spid" ] && { kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null; }
  done
  return 1
}

serve_stop() {
  eval "spid=\${${1}_PID}"
  [ -n "$spid" ] || return 0
  kill -"${2:-TERM}" "$spid" 2>/dev/null
  wait "$spid" 2>/dev/null
  eval "${1}_PID="
}

# call METHOD PATH [curl args]: code is the status, $T/body the answer, $T/hdr.txt its headers
call() {
  m=$1 p=$2
  shift 2
  : >"$T/hdr"
  code=$(curl -s -o "$T/body" -D "$T/hdr" -w '%{http_code}' --max-time 15 -X "$m" "$@" "$B$p")
  [ -n "$code" ] || code=000
  tr -d '\r' <"$T/hdr" >"$T/hdr.txt"
}
# get WHO PATH [curl args] and post WHO PATH JSON [curl args]: with WHO's cookie (and CSRF token);
# WHO is a variable prefix (ADM_C, ADM_X ...), or "none" for no cookie; the body's type is $CT;
# post sends with the method $PM (POST when unset: the PUT and PATCH routes set it)
get() {
  who=$1 p=$2
  shift 2
  if [ "$who" = none ]; then call GET "$p" "$@"; return; fi
  eval "ck=\${${who}_C}"
  call GET "$p" -H "Cookie: myomap_session=$ck" "$@"
}
post() {
  who=$1 p=$2 d=$3
  shift 3
  if [ "$who" = none ]; then call "${PM:-POST}" "$p" -H "Content-Type: $CT" --data-binary "$d" "$@"; return; fi
  eval "ck=\${${who}_C} cx=\${${who}_X}"
  call "${PM:-POST}" "$p" -H "Cookie: myomap_session=$ck" -H "X-CSRF-Token: $cx" -H "Content-Type: $CT" --data-binary "$d" "$@"
}
body() { head -c 500 "$T/body"; }
header() { sed -n "s/^$1: //Ip" "$T/hdr.txt" | head -1; }
cookie() { sed -n 's/^set-cookie: myomap_session=\([^;]*\).*/\1/Ip' "$T/hdr.txt" | head -1; }

# want NAME STATUS [JQ]: the last answer had STATUS (and its JSON body satisfies JQ)
want() {
  if [ "$code" != "$2" ]; then ko "$1 (HTTP $code, wanted $2)" "$(body)"; return 1; fi
  if [ -n "$3" ] && ! jq -e "$3" "$T/body" >/dev/null 2>&1; then ko "$1 (not $3)" "$(body)"; return 1; fi
  ok "$1"
}
# wanterr NAME STATUS CODE: a JSON error {"error":{"code":CODE,"message":"..."}}
wanterr() {
  if [ "$code" != "$2" ]; then ko "$1 (HTTP $code, wanted $2 $3)" "$(body)"; return 1; fi
  case "$(header content-type)" in
    application/json*) ;;
    *) ko "$1 (Content-Type $(header content-type), wanted application/json)" "$(body)"; return 1 ;;
  esac
  if ! jq -e --arg c "$3" '.error.code == $c and (.error.message | type == "string" and length > 0)' "$T/body" >/dev/null 2>&1; then
    ko "$1 (not a JSON error with code $3)" "$(body)"; return 1
  fi
  ok "$1"
}
# wanttype NAME TYPE: the last answer was 200 with a Content-Type starting with TYPE
wanttype() {
  if [ "$code" != 200 ]; then ko "$1 (HTTP $code)" "$(body)"; return 1; fi
  case "$(header content-type)" in
    "$2"*) ok "$1" ;;
    *) ko "$1 (Content-Type $(header content-type), wanted $2)"; return 1 ;;
  esac
}
# login WHO EMAIL PASSWORD: sets WHO_C (cookie) and WHO_X (CSRF token)
login() {
  call POST /api/login -H 'Content-Type: application/json' --data-binary "{\"email\":\"$2\",\"password\":\"$3\"}"
  [ "$code" = 200 ] || return 1
  lc=$(cookie)
  lx=$(jq -r .csrf "$T/body")
  eval "${1}_C=\$lc; ${1}_X=\$lx"
}

# clinic SUITE SCHEMA: what the record suites start from: a fresh database $DB (on PostgreSQL the
# schema SCHEMA), server A on it ($B its URL), and three logins with the password $PW: ADM (Ada
# Admin), TA (Tess Ward, id $TESS) and BEN (Ben Hale, id $BEN).  When the database or the server
# cannot be had it prints the suite's "SUITE BACKEND: 0 passed, 1 failed" and exits.
clinic() {
  suite=$1 SCHEMA=$2
  DB=$(fresh "$SCHEMA") || { echo "  FAIL cannot reach $TARGET"; echo "$suite $BACKEND: 0 passed, 1 failed"; exit 1; }
  [ "$BACKEND" = sqlite ] && mkdir -p "$(dirname "$DB")"
  serve_start A "$DB" || { echo "  FAIL could not start the server"; cat "$T/A.log"; echo "$suite $BACKEND: 0 passed, 1 failed"; exit 1; }
  B=$A_URL
  echo "  (server on $B, records: $BACKEND)"
  PW=correct-horse-battery-7
  post none /api/setup "{\"name\":\"Ada Admin\",\"email\":\"admin@clinic.example\",\"password\":\"$PW\"}"
  want "the first account" 200 || exit 1
  login ADM admin@clinic.example "$PW"
  post ADM /api/users "{\"name\":\"Tess Ward\",\"email\":\"tess@clinic.example\",\"password\":\"$PW\",\"role\":\"therapist\"}"
  want "a therapist" 200
  TESS=$(jq -r .id "$T/body")
  post ADM /api/users "{\"name\":\"Ben Hale\",\"email\":\"ben@clinic.example\",\"password\":\"$PW\",\"role\":\"therapist\"}"
  want "a second therapist" 200
  BEN=$(jq -r .id "$T/body")
  login TA tess@clinic.example "$PW"
  login BEN ben@clinic.example "$PW"
}
# sql STATEMENT: SQL on the suite's database (sqlite3 on $DB, or psql in the schema $SCHEMA)
sql() {
  case "$TARGET" in
    postgres*) PGOPTIONS="-csearch_path=$SCHEMA" psql "$TARGET" -Atqc "$1" ;;
    *) sqlite3 "$DB" "$1" ;;
  esac
}
