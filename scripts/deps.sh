#!/bin/sh
# Installs the Debian 12 packages that building and testing rdns-milter
# need, and only those that are missing (no network use when all are there).
# Usage: scripts/deps.sh [build|test|package]
set -eu
build="gcc make cmake pkg-config libldns-dev libmilter-dev libyaml-dev libpcre2-dev libpsl-dev publicsuffix"
package="$build python3 debhelper dpkg-dev lintian"
test="$build python3 debhelper dpkg-dev lintian nsd ldnsutils miltertest postfix m4 libwrap0 liblockfile1 libsasl2-modules libldap-2.5-0 libnsl2 libdb5.3 systemd man-db groff-base mandoc clang valgrind libclang-rt-14-dev"
case "${1:-build}" in
  build) want=$build ;;
  test)  want=$test ;;
  package) want=$package ;;
  *) echo "usage: $0 [build|test|package]" >&2; exit 2 ;;
esac
missing=""
for p in $want; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing:$missing" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
# Postfix asks how to configure the system MTA; the tests run their own
# instances, so the system one stays unconfigured.
echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
