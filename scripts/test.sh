#!/usr/bin/env bash
# The whole pytest suite on SQLite, then again on PostgreSQL when one is available:
# GONGKAI_TEST_DATABASE_URL if set, else a server answering on 127.0.0.1:5432.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
WORKERS="${GONGKAI_TEST_WORKERS:-2}"

[ -x scripts/ensure-browser.sh ] && { scripts/ensure-browser.sh || echo "!! 未能安装 Chromium，浏览器测试将失败或跳过。"; }

echo "=== pytest on SQLite ==="
env -u DATABASE_URL "$BIN/pytest" -n "$WORKERS" "$@"
sqlite_status=$?

pg_url="${GONGKAI_TEST_DATABASE_URL:-}"
if [ -z "$pg_url" ] && "$BIN/python" - <<'PY'
import socket, sys
try:
    socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
except OSError:
    sys.exit(1)
PY
then
  pg_url="postgres://postgres@127.0.0.1:5432/gongkai"
fi

if [ -z "$pg_url" ]; then
  echo
  echo "################################################################"
  echo "##  PostgreSQL run SKIPPED: no GONGKAI_TEST_DATABASE_URL and   ##"
  echo "##  no server on 127.0.0.1:5432. Only SQLite was tested.       ##"
  echo "################################################################"
  exit "$sqlite_status"
fi

echo "=== pytest on PostgreSQL ($pg_url) ==="
DATABASE_URL="$pg_url" "$BIN/pytest" -n "$WORKERS" "$@"
pg_status=$?
[ "$sqlite_status" -eq 0 ] && [ "$pg_status" -eq 0 ]
