#!/usr/bin/env bash
# The end-to-end suite as CI runs it, from any directory:
#   Debian's Chromium (installed with apt-get if missing; no test tool ever downloads a browser),
#   the release binary (built unless BROADSIDE_BIN names one), npm ci, then node --test.
set -euo pipefail
cd "$(dirname "$0")"

if [ -z "${CHROMIUM_PATH:-}" ] && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium
  else
    echo "e2e: no /usr/bin/chromium: install Debian's chromium package or set CHROMIUM_PATH" >&2
    exit 1
  fi
fi

if [ -z "${BROADSIDE_BIN:-}" ]; then
  (cd ../.. && cargo build --release --quiet)
fi

export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
npm ci --no-audit --no-fund --loglevel=error
npm test
