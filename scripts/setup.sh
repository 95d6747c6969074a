#!/usr/bin/env bash
# Shared set-up for ./serve and ./test. Source it (it defines functions and
# sets REPO_ROOT; it does not change shell options of its caller beyond
# what the caller already set). Every ensure_* step is idempotent: it checks
# first and installs only what is missing.
#
#   source scripts/setup.sh
#   ensure_build_tools     # rust wasm target, wasm-bindgen-cli, npm deps
#   ensure_test_tools      # + rustfmt/clippy, Debian chromium

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REPO_ROOT

# cargo-installed binaries (wasm-bindgen) live here on a fresh machine.
case ":$PATH:" in
  *":${CARGO_HOME:-$HOME/.cargo}/bin:"*) ;;
  *) export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH" ;;
esac

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Run as root directly, otherwise through sudo when available.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root to run: $*"
  fi
}

APT_UPDATED=0
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  if [ "$APT_UPDATED" -eq 0 ]; then
    log "apt-get update"
    as_root apt-get update -qq
    APT_UPDATED=1
  fi
  log "apt-get install $*"
  as_root apt-get install -y -qq --no-install-recommends "$@"
}

# Version of the `wasm-bindgen` crate pinned in Cargo.lock (exact package
# name, not wasm-bindgen-macro etc.).
wasm_bindgen_lock_version() {
  local lock="$REPO_ROOT/Cargo.lock"
  if [ ! -f "$lock" ]; then
    log "Cargo.lock missing: generating it"
    (cd "$REPO_ROOT" && cargo generate-lockfile -q) || die "cannot generate Cargo.lock"
  fi
  awk '
    /^\[\[package\]\]/ { in_wb = 0; next }
    /^name = "wasm-bindgen"$/ { in_wb = 1; next }
    in_wb && /^version = / { gsub(/"/, "", $3); print $3; exit }
  ' "$lock"
}

ensure_rust() {
  command -v cargo >/dev/null 2>&1 || die "cargo not found (install Rust with rustup first)"
}

# The toolchain, its wasm target and components are pinned in
# rust-toolchain.toml; rustup installs them on first use, this checks.
ensure_wasm_target() {
  ensure_rust
  if rustup target list --installed 2>/dev/null | grep -qx 'wasm32-unknown-unknown'; then
    log "rust target wasm32-unknown-unknown: present"
  else
    log "rust target wasm32-unknown-unknown: installing"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_rust_lint_components() {
  ensure_rust
  local missing=()
  cargo fmt --version >/dev/null 2>&1 || missing+=(rustfmt)
  cargo clippy --version >/dev/null 2>&1 || missing+=(clippy)
  if [ "${#missing[@]}" -gt 0 ]; then
    log "rustup components ${missing[*]}: installing"
    rustup component add "${missing[@]}"
  else
    log "rustfmt, clippy: present"
  fi
}

ensure_wasm_bindgen() {
  ensure_rust
  local want have=""
  want="$(wasm_bindgen_lock_version)"
  [ -n "$want" ] || die "no wasm-bindgen package in Cargo.lock"
  if command -v wasm-bindgen >/dev/null 2>&1; then
    have="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')"
  fi
  if [ "$have" = "$want" ]; then
    log "wasm-bindgen $want: present"
  else
    log "wasm-bindgen-cli $want: installing with cargo (have '${have:-none}'; takes ~5 min)"
    # --locked reproduces the CLI's own lockfile; if the registry cannot
    # serve one of its pinned crates (seen: a yanked webpki-roots), fall back
    # to resolving compatible versions afresh.
    if ! cargo install wasm-bindgen-cli --version "$want" --locked --force; then
      log "cargo install --locked failed; retrying without --locked"
      cargo install wasm-bindgen-cli --version "$want" --force
    fi
    have="$(wasm-bindgen --version | awk '{print $2}')"
    [ "$have" = "$want" ] || die "wasm-bindgen --version says '$have', expected '$want'"
  fi
}

ensure_node() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    log "node/npm: installing from Debian"
    apt_install nodejs npm
  fi
  local major
  major="$(node -p 'process.versions.node.split(".")[0]')"
  [ "$major" -ge 18 ] || die "node >= 18 needed, found $(node --version)"
}

# Installs package.json devDependencies (playwright-core, esbuild, terser,
# binaryen). Uses
# `npm ci` when package-lock.json exists and node_modules is missing or was
# installed from a different lockfile; else `npm install` (which writes the
# lockfile). A stamp in node_modules records what was installed.
ensure_npm_deps() {
  ensure_node
  local stamp="$REPO_ROOT/node_modules/.smp-install-stamp" want=""
  if [ -f "$REPO_ROOT/package-lock.json" ]; then
    want="$(cat "$REPO_ROOT/package.json" "$REPO_ROOT/package-lock.json" | sha256sum | cut -d' ' -f1)"
    if [ -d "$REPO_ROOT/node_modules" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
      log "npm packages: present"
      return 0
    fi
    log "npm ci"
    (cd "$REPO_ROOT" && npm ci --no-audit --no-fund --loglevel=error)
  else
    log "npm install (no package-lock.json yet)"
    (cd "$REPO_ROOT" && npm install --no-audit --no-fund --loglevel=error)
    want="$(cat "$REPO_ROOT/package.json" "$REPO_ROOT/package-lock.json" | sha256sum | cut -d' ' -f1)"
  fi
  printf '%s\n' "$want" >"$stamp"
  for tool in wasm-opt esbuild terser; do
    [ -x "$REPO_ROOT/node_modules/.bin/$tool" ] || die "node_modules/.bin/$tool missing after npm install"
  done
}

ensure_chromium() {
  if command -v chromium >/dev/null 2>&1; then
    log "chromium: present"
  else
    apt_install chromium chromium-driver
    command -v chromium >/dev/null 2>&1 || die "chromium still not found after apt-get install"
  fi
}

# Everything needed to build the wasm package.
ensure_build_tools() {
  ensure_wasm_target
  ensure_wasm_bindgen
  ensure_npm_deps
}

# Everything ./test needs.
ensure_test_tools() {
  ensure_rust_lint_components
  ensure_build_tools
  ensure_chromium
}
