#!/usr/bin/env bash
# Installs Debian's chromium + chromium-driver for the browser tests when they are missing.
# Needs root (CI and the dev machines run as root); elsewhere it says what to install and the browser tests skip.
set -uo pipefail
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "browsers: chromium/chromedriver missing and not root: install the Debian packages 'chromium chromium-driver'" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null && apt-get install -y -qq chromium chromium-driver >/dev/null \
  && echo "browsers: installed $(chromium --version)" \
  || echo "browsers: apt-get install chromium chromium-driver failed; browser tests will fail" >&2
