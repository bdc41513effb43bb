#!/usr/bin/env bash
# End-to-end smoke test in a real X window (Xvfb + xdotool):
# start `storybank --data-dir D`, press Ctrl+N, type a title, press Ctrl+Q;
# the title must be in the SQLite file, and shown when the app starts again.
# Usage: tests/xvfb_smoke.sh [SCREENSHOT.png]   (needs xvfb, xdotool, imagemagick)
set -euo pipefail
cd "$(dirname "$0")/.."
shot=${1:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export STORYBANK_CONFIG_DIR="$work/config"
title="Smoke test story $$"

run_in_x() {
  # $1: what to do once the window is up ("type" or "look")
  xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
    set -euo pipefail
    uv run storybank --data-dir "$0/data" & app=$!
    for _ in $(seq 1 120); do
      win=$(xdotool search --onlyvisible --name "^Storybank" 2>/dev/null | head -n 1 || true)
      [ -n "$win" ] && break
      sleep 0.25
    done
    [ -n "$win" ] || { echo "window never appeared" >&2; kill $app; exit 1; }
    xdotool windowfocus --sync "$win"
    sleep 1
    if [ "$1" = type ]; then
      xdotool key ctrl+n
      sleep 0.5
      xdotool type --delay 20 "$2"
      sleep 0.3
      xdotool key ctrl+q
    else
      sleep 1
      if [ -n "$3" ]; then import -window root "$3"; fi
      xdotool key ctrl+q
    fi
    wait $app
  ' "$work" "$1" "$title" "$shot"
}

run_in_x type
stored=$(python3 -c 'import sqlite3,sys; print("\n".join(r[0] for r in sqlite3.connect(sys.argv[1]).execute("select title from story")))' "$work/data/storybank.sqlite3")
if [ "$stored" != "$title" ]; then
  echo "FAIL: expected title '$title' in the database, found '$stored'" >&2
  exit 1
fi
run_in_x look
echo "ok: '$title' stored in $work/data/storybank.sqlite3 and the app restarted cleanly"
