#!/usr/bin/env bash
# Debian's Chromium and CJK fonts for the browser tests (never a downloaded browser build).
set -euo pipefail
if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi "noto.*cjk"; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "chromium and fonts-noto-cjk are needed: sudo apt-get install chromium fonts-noto-cjk" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk fontconfig >/dev/null
