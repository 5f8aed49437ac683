#!/usr/bin/env bash
# Install the Debian packages scorecard-press needs: Chromium (browser tests),
# poppler-utils (PDF checks) and the fonts the packs embed (Typst needs no system library).
set -euo pipefail
PACKAGES=(chromium poppler-utils fonts-dejavu-core fonts-liberation python3-venv)
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
