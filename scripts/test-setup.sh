#!/usr/bin/env bash
# Installs what the browser tests need and the Python packages cannot bring: Debian's chromium.
# Quiet and idempotent; without root or apt it says so and the browser tests skip with a reason.
set -u
if [ -x /usr/bin/chromium ]; then exit 0; fi
if ! command -v apt-get >/dev/null 2>&1; then echo "test-setup: no apt-get; browser tests will skip"; exit 0; fi
SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "test-setup: not root; cannot install chromium; browser tests will skip"; exit 0; fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null 2>&1 || true
$SUDO apt-get install -y -qq chromium >/dev/null 2>&1 || echo "test-setup: chromium install failed; browser tests will skip"
exit 0
