# lib.sh: what the black-box test scripts share; each sources it first (. "$(dirname "$0")/lib.sh").
# A scratch directory $T removed at exit, the pass and fail counters with ok and ko, expect for a
# command's exit code and output, and for the database scripts (TARGET: sqlite or a
# postgresql:// URL) BACKEND and fresh.
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "  ok   $1"; }
ko() { fail=$((fail + 1)); echo "  FAIL $1"; [ -n "$2" ] && printf '%s\n' "$2" | sed 's/^/       /' | head -20; }

# expect NAME EXIT_CODE PATTERN -- command...   (PATTERN is grepped in stdout+stderr)
expect() {
  name=$1 code=$2 pat=$3
  shift 4
  "$@" >"$T/out" 2>&1
  rc=$?
  if [ "$rc" != "$code" ]; then ko "$name (exit $rc, wanted $code)" "$(cat "$T/out")"; return; fi
  if [ -n "$pat" ] && ! grep -qE -- "$pat" "$T/out"; then ko "$name (no /$pat/)" "$(cat "$T/out")"; return; fi
  ok "$name"
}

BACKEND=sqlite
case "${TARGET:-}" in postgres*) BACKEND=postgresql ;; esac

# fresh NAME: an empty database on TARGET, a PostgreSQL schema NAME (dropped and made again)
# or a SQLite file under $T; prints its --db value, or fails when the server can't be reached.
fresh() {
  case "$TARGET" in
    postgres*)
      psql "$TARGET" -qc "DROP SCHEMA IF EXISTS $1 CASCADE; CREATE SCHEMA $1" >/dev/null 2>&1 || return 1
      case "$TARGET" in *\?*) echo "$TARGET&options=-csearch_path%3D$1" ;; *) echo "$TARGET?options=-csearch_path%3D$1" ;; esac ;;
    *) echo "$T/$1/myomap.db" ;;
  esac
}
