#!/usr/bin/env bash
# Install the Debian packages scorecard-press needs: Chromium (browser tests),
# poppler-utils (PDF checks), fonts and the pango/harfbuzz libraries WeasyPrint renders with.
set -euo pipefail
PACKAGES=(chromium poppler-utils fonts-dejavu-core fonts-liberation libharfbuzz-subset0
          libpango-1.0-0 libpangoft2-1.0-0 python3-venv)
missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "system packages: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
