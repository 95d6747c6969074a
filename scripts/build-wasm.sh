#!/usr/bin/env bash
# Build the release wasm package into www/pkg/:
#   cargo build (wasm32, no default features) -> wasm-bindgen --target web -> wasm-opt (Relooper, -Oz)
# With --bench: the same engine plus the benchmark's sampler entry points
# (cargo feature "bench") into target/bench-pkg/, which never ships.
# Assumes the tools are installed (ensure_build_tools in scripts/setup.sh);
# run it through ./serve or ./test on a fresh machine.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/setup.sh
source scripts/setup.sh

OUT_DIR="www/pkg"
FEATURES=()
if [ "${1-}" = "--bench" ]; then
  OUT_DIR="target/bench-pkg"
  FEATURES=(--features bench)
fi
CRATE_WASM="target/wasm32-unknown-unknown/wasm-release/smp_preview.wasm"
WASM_OPT="node_modules/.bin/wasm-opt"
# Features rustc >= 1.82 (LLVM's "generic" wasm CPU) enables by default, and
# SIMD, enabled below; wasm-opt must accept all of them or it refuses to
# validate the module.
WASM_OPT_FEATURES=(
  --enable-bulk-memory
  --enable-bulk-memory-opt
  --enable-nontrapping-float-to-int
  --enable-sign-ext
  --enable-mutable-globals
  --enable-multivalue
  --enable-reference-types
  --enable-call-indirect-overlong
  --enable-simd
)

# Panic messages carry the source file's path. For std's and the crates'
# generic code compiled here that is an absolute path on the build machine
# (its home folder, the toolchain, the registry's cache): --remap-path-prefix
# (stable) cuts them to library/core/..., rand_core-0.9.5/..., so the wasm
# is the same wherever it is built and 0.12 KB gzip smaller. Only for the
# wasm target: native builds and their caches are untouched.
REMAP=(--remap-path-prefix="$(rustc --print sysroot)/lib/rustlib/src/rust/=")
for d in "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/; do REMAP+=(--remap-path-prefix="$d="); done
# Wasm SIMD (simd128, a stable target feature), which every browser the
# widget supports has (the on-device models' runtime needs it too:
# scripts/copy-tasks-vision.sh): LLVM's code for the engine's loops and
# copies is 0.56 KB gzip smaller with it. Lanes compute what the scalar
# code did, with no reordering of float sums (no fast-math), so the frames
# are the same bit for bit (the 14-photo comparison in the wasm-opt note
# below, and the browser frame hash).
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="${REMAP[*]} -C target-feature=+simd128"

# Stable Rust, no unstable flags: the toolchain is pinned in rust-toolchain.toml.
log "cargo build --profile wasm-release --target wasm32-unknown-unknown --no-default-features --lib ${FEATURES[*]-}"
cargo build --profile wasm-release --target wasm32-unknown-unknown --no-default-features --lib ${FEATURES[@]+"${FEATURES[@]}"}

want="$(wasm_bindgen_lock_version)"
have="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" || true
[ "$have" = "$want" ] || die "wasm-bindgen $want needed (have '${have:-none}'): run ./serve or ./test, or source scripts/setup.sh && ensure_wasm_bindgen"

log "wasm-bindgen --target web -> $OUT_DIR"
rm -rf "$OUT_DIR"
# --encode-into always: strings go in with TextEncoder.encodeInto, which
# every browser the widget supports has, so the glue carries no fallback;
# --omit-default-module-path: the widget always says where the wasm is.
# Together 0.06 KB gzip of the bundle.
wasm-bindgen --target web --no-typescript --encode-into always --omit-default-module-path --out-dir "$OUT_DIR" "$CRATE_WASM"

[ -x "$WASM_OPT" ] || die "$WASM_OPT missing: run npm ci"
before=$(stat -c %s "$OUT_DIR/smp_preview_bg.wasm")
# --one-caller-inline-max-function-size=25: functions called from one place
# stay functions unless tiny (at most 25 expressions: wrappers, drop glue, a
# constructor). The engine's hot loops sit in functions of their own so the
# browser optimizes them after their first calls (see "Hot loops" in
# src/lib.rs); inlined back into their caller they would run unoptimized for
# the whole first preview (measured: ~40 ms of it). Each of them is well over
# 25 expressions. The wasm also gets smaller: at 0 (no one-caller inlining)
# it is 0.2 KB gzip larger, and 2.5 KB larger without the flag (every
# one-caller function inlined).
# -Oz three times, the first two on control flow rebuilt by binaryen's
# Relooper (--flatten --rereloop: every function's branches laid out afresh,
# which -Oz then folds tighter than LLVM's own structure): 0.6 KB gzip less
# than plain -Oz -Oz, with the same frames (14 photos, each at several
# designs, with brush strokes, scars, a share link and the export, compared
# bit for bit) and the first preview as fast, within the noise of the shared
# machine. A third Relooper round gave 0.14 KB back, and plain -Oz -Oz -Oz
# finds nothing more: the saving moves with the code, so measure again when
# it changes.
# --strip-producers, --strip-target-features: custom sections only tools read.
# --low-memory-unused: the first KB of memory is never used (the stack sits
# below 1 MB and grows down, static data starts above it), so constant
# address offsets fold into loads and stores. --generate-global-effects: lets
# -Oz see what each called function touches. Together 0.2 KB gzip. (Not -iit:
# it lets loads move ahead of the checks that guard them, and the engine
# then traps on the first photo.)
log "wasm-opt --flatten --rereloop -Oz --flatten --rereloop -Oz -Oz"
RELOOP=(--flatten --rereloop -Oz)
"$WASM_OPT" --low-memory-unused --generate-global-effects "${RELOOP[@]}" "${RELOOP[@]}" -Oz --strip-producers --strip-target-features --one-caller-inline-max-function-size=25 "${WASM_OPT_FEATURES[@]}" -o "$OUT_DIR/smp_preview_bg.wasm" "$OUT_DIR/smp_preview_bg.wasm"
after=$(stat -c %s "$OUT_DIR/smp_preview_bg.wasm")
log "built $OUT_DIR/smp_preview_bg.wasm: $after bytes (wasm-bindgen output $before bytes)"

# The on-device models' runtime beside www/models/ (./serve and the tests
# serve www/): copied from node_modules, gitignored.
if [ "$OUT_DIR" = "www/pkg" ]; then
  bash scripts/copy-tasks-vision.sh www
fi
