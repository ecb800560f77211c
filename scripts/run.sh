#!/usr/bin/env bash
# Starts the task worker in the background and the web server in the foreground;
# Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
# The weekly personal-data sweep queues itself once; the worker runs it when due.
"$BIN/gongkai" screen schedule
# Daily key-task reminders, likewise.
"$BIN/gongkai" tasks schedule
# Daily request-desk run: reminders 5 and 2 working days before the due date and when overdue,
# and fee notices whose payment window has passed.
"$BIN/gongkai" requests schedule
"$BIN/gongkai" db_worker --queue-name '*' &
worker=$!
trap 'kill "$worker" 2>/dev/null || true' EXIT INT TERM
echo "任务进程已启动（pid $worker）。网站：http://127.0.0.1:8000/  按 Ctrl-C 停止。"
"$BIN/gongkai" runserver 127.0.0.1:8000
