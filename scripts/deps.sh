#!/bin/sh
# deps.sh: install the Debian packages myomap needs to build, test, fuzz and benchmark.
# Called by `make` (run and test targets) and by .ci/run; does nothing when all are present.
set -e
PKGS="gcc make pkg-config libc6-dev libcriterion-dev libjansson-dev clang libclang-rt-14-dev hyperfine jq"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing:$missing" >&2
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >&2
$SUDO apt-get install -y -q --no-install-recommends $missing >&2
