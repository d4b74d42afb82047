#!/usr/bin/env bash
# The real clients the TLS and HTTP/2 tests speak to the gateway with:
# curl (HTTP/2 over TLS and h2c), openssl s_client (SNI, ALPN,
# resumption), h2load (nghttp2's load generator) and nghttp (its client:
# streamed request bodies both ways on HTTP/2), and Debian's Python
# `websockets` (a WebSocket client and echo server, proxied through the
# gateway, and the client of script endpoints), and Chromium (headless: the
# browser that enforces CORS in tests/cors_browser.rs). Installs the
# missing ones with apt-get (a fresh machine has none of nghttp2's tools
# nor Chromium).
set -euo pipefail
missing=()
command -v curl >/dev/null || missing+=(curl)
command -v openssl >/dev/null || missing+=(openssl)
command -v h2load >/dev/null && command -v nghttp >/dev/null || missing+=(nghttp2-client)
/usr/bin/python3 -c 'import websockets' 2>/dev/null || missing+=(python3-websockets)
command -v chromium >/dev/null || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} with apt-get" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
fi
