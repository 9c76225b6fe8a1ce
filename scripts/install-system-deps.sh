#!/usr/bin/env bash
# Installs the Debian packages the test suite drives as real peers, when they are missing:
# chromium (browser interop and the chat page test), redis-server (chat scale-out),
# python3-websockets (interop with an independent implementation).
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
/usr/bin/python3 -c 'import websockets' >/dev/null 2>&1 || need+=(python3-websockets)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing Debian packages: ${need[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "Missing Debian packages (${need[*]}); run as root to install them. Tests that need them are skipped."
  fi
fi
