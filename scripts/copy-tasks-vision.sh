#!/usr/bin/env bash
# scripts/copy-tasks-vision.sh DIR — copies the @mediapipe/tasks-vision
# runtime (a devDependency: npm ci) into DIR/models/tasks-vision/, beside the
# models in DIR/models/, where www/models-worker.js fetches it from the
# widget's own origin: vision_bundle.mjs (the tasks' API) and the ES-module
# build of its wasm (vision_wasm_module_internal.js and .wasm, the one a
# module worker can load; SIMD, which every browser the widget supports has).
# scripts/build-wasm.sh fills www/ (gitignored there), scripts/dist.sh dist/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
DIR="${1:?usage: scripts/copy-tasks-vision.sh DIR}"
SRC=node_modules/@mediapipe/tasks-vision
[ -s "$SRC/vision_bundle.mjs" ] || { echo "copy-tasks-vision.sh: $SRC missing: run npm ci (./serve or ./test do)" >&2; exit 1; }
OUT="$DIR/models/tasks-vision"
rm -rf "$OUT"
mkdir -p "$OUT"
cp "$SRC/vision_bundle.mjs" "$SRC/wasm/vision_wasm_module_internal.js" "$SRC/wasm/vision_wasm_module_internal.wasm" "$OUT/"
# The bundle names a source map that is not shipped: drop the comment (no 404 in the console).
sed -i '/^\/\/# sourceMappingURL=/d' "$OUT/vision_bundle.mjs"
cp "$SRC/LICENSE" "$OUT/" 2>/dev/null || true
echo "==> $OUT: tasks-vision $(node -p "require('./$SRC/package.json').version") runtime copied ($(du -sh "$OUT" | cut -f1))"
