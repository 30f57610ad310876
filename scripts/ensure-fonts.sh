#!/usr/bin/env bash
# The free CJK fonts the generated PDF documents embed (Noto CJK, Debian's fonts-noto-cjk). Without them the
# product runs, and a PDF document says on its page which package to install; this only tries to add them.
set -uo pipefail
if fc-list 2>/dev/null | grep -qi "noto.*cjk"; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "提示：生成PDF文件需要 Noto CJK 字体（apt-get install fonts-noto-cjk）；未安装时Word文件照常生成。" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq --no-install-recommends fonts-noto-cjk fontconfig >/dev/null 2>&1 \
  || { apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends fonts-noto-cjk fontconfig >/dev/null; } \
  || echo "提示：未能安装 fonts-noto-cjk，生成PDF文件前请先安装。" >&2
exit 0
