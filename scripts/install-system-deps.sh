#!/usr/bin/env bash
# Installs the Debian packages Lakthan needs (idempotent; skips what is already there).
# Usage: scripts/install-system-deps.sh [base|test|spark|all]
set -euo pipefail
profile=${1:-base}
base=(restic chromium gcc libc6-dev libssl-dev liblz4-dev libzstd-dev libldap2-dev libsasl2-dev gettext poppler-utils fonts-thai-tlwg fonts-tlwg-laksaman libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libthai0 libthai-data fontconfig shared-mime-info)
test=(postgresql libreoffice-writer-nogui rsyslog rsyslog-relp slapd ldap-utils)
spark=(openjdk-17-jre-headless)  # the Java runtime of `--engine spark` (PySpark comes from PyPI)
case "$profile" in
  base) want=("${base[@]}") ;;
  spark) want=("${spark[@]}") ;;
  test|all) want=("${base[@]}" "${test[@]}" "${spark[@]}") ;;
  *) echo "unknown profile: $profile (base|test|spark|all)" >&2; exit 2 ;;
esac
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# slapd: no directory of its own for this machine and no service started; the access tests start
# their own slapd on loopback with a temporary configuration.
if printf '%s\n' "${missing[@]}" | grep -qx slapd; then
  echo "slapd slapd/no_configuration boolean true" | $SUDO debconf-set-selections
fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
if [ -f /run/slapd/slapd.pid ]; then  # started anyway (a preseed left out): stop it
  $SUDO kill "$(cat /run/slapd/slapd.pid)" || true
fi
