#!/usr/bin/env bash
# Build Storybank's one-folder bundle with PyInstaller (Linux).
# Output: build/bundle/dist/storybank/ (run build/bundle/dist/storybank/storybank).
# The build has its own environment (build/bundle/venv): the app's locked
# dependencies plus the `bundle` group, and none of the dev tools.
# Usage: packaging/bundle/build.sh
#   STORYBANK_BUNDLE_EXTRA=transcribe packaging/bundle/build.sh   with the
#   optional offline transcript (faster-whisper and its model, ~+250 MB)
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v uv >/dev/null 2>&1; then
  python3 -m pip install --quiet uv
fi

out=build/bundle
venv=$out/venv
started=$SECONDS

extra=()
if [ -n "${STORYBANK_BUNDLE_EXTRA:-}" ]; then
  extra=(--extra "$STORYBANK_BUNDLE_EXTRA")
fi
UV_PROJECT_ENVIRONMENT=$venv uv sync --quiet --locked --no-dev --group bundle --no-install-project \
  "${extra[@]}"
"$venv/bin/python" -m PyInstaller --noconfirm --log-level WARN \
  --distpath "$out/dist" --workpath "$out/work" \
  packaging/bundle/storybank.spec

bundle=$out/dist/storybank
echo "built $bundle in $((SECONDS - started)) s ($(du -sh "$bundle" | cut -f1))"
