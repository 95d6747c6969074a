#!/usr/bin/env bash
# scripts/dist.sh — write dist/: the self-contained folder a clinic uploads to
# any static web host (see dist/README.txt, written here).
#
#   1. builds the wasm (scripts/build-wasm.sh) when www/pkg/ is missing or
#      older than the Rust sources;
#   2. copies www/ into a fresh dist/, leaving out test-only and editor files
#      and the JavaScript modules;
#   3. bundles and minifies the JavaScript with esbuild (then terser): the widget and the
#      modules it imports become one dist/smp-preview.js (same name, so the
#      embed snippet is the same), and the models' page side a chunk beside
#      it, loaded on the way to a person's own photo; the engine's worker (engine-core.js and
#      the wasm-bindgen glue) one dist/engine-worker.js, started, and the
#      wasm fetched, only when a widget comes into view; engine-page.js, the
#      same engine for the page where no worker can start, likewise; the
#      page scripts and stylesheets are minified in place;
#   4. writes dist/README.txt (upload, .wasm content type, both embeds).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

WASM=www/pkg/smp_preview_bg.wasm
GLUE=www/pkg/smp_preview.js
if [ ! -s "$WASM" ] || [ ! -s "$GLUE" ] ||
  [ -n "$(find src Cargo.toml Cargo.lock -newer "$WASM" -print -quit 2>/dev/null)" ]; then
  echo "==> www/pkg/ is missing or older than src/: building the wasm"
  bash scripts/build-wasm.sh
fi

ESBUILD=node_modules/.bin/esbuild
TERSER=node_modules/.bin/terser
for tool in "$ESBUILD" "$TERSER"; do
  [ -x "$tool" ] || { echo "dist.sh: $tool missing: run npm ci (or ./serve or ./test once)" >&2; exit 1; }
done

rm -rf dist
mkdir -p dist
# Test-only files (none ship today; these names are kept out if they appear),
# dotfiles, editor backups, source maps and the JavaScript modules (bundled
# below) stay behind.
(cd www && find . -type f ! -name '.*' ! -name '*~' ! -name '*.orig' ! -name '*.map' \
  ! -name '*.test.*' ! -name '*.spec.*' ! -name 'test-*' ! -path '*/fixtures/*' ! -name '*.js' -print0) |
  tar -C www --null -T - -cf - | tar -C dist -xf -

# The on-device models' runtime (www/models/tasks-vision/ is a build output:
# copied afresh from node_modules), fetched only on the way to a person's own
# photo (www/models.js).
bash scripts/copy-tasks-vision.sh dist >/dev/null

# The widget: one file, its imports included (engine-page.js, imported by
# URL, stays a file of its own), and beside it the on-device models' page
# side (models-HASH.js: www/models.js, imported on the way to a person's own
# photo, counted with the models). The bundle imports it relative to its own
# URL, so it works from any origin the widget is embedded from. A module
# both the chunk and the bundle import would go into a shared chunk that the
# first preview fetches too: refused below.
"$ESBUILD" www/smp-preview.js --bundle --splitting --minify --format=esm --target=es2022 \
  --legal-comments=none --log-level=warning --outdir=dist
if compgen -G 'dist/chunk-*.js' >/dev/null; then
  echo "dist.sh: a module is imported both by www/models.js and by the first preview's modules: $(ls dist/chunk-*.js)" >&2
  exit 1
fi
[ "$(ls dist/models-*.js | grep -vc '^dist/models-worker\.js$')" = 1 ] || { echo "dist.sh: the models' chunk (dist/models-HASH.js) is missing" >&2; exit 1; }
# The engine's worker: its own bundle (engine-core.js and the glue), fetched
# by each widget as it starts its engine; and the same engine for the page,
# fetched only where no worker can start.
for f in engine-worker.js engine-page.js models-worker.js; do
  "$ESBUILD" "www/$f" --bundle --minify --format=esm --target=es2022 \
    --legal-comments=none --log-level=warning --outfile="dist/$f"
done
# terser after esbuild on the bundles the widget loads (and the models'
# chunk and worker): its compressor, run twice, folds and inlines more than
# esbuild's minifier, and --module lets it rename top-level names. 0.29 KB
# gzip off smp-preview.js and 0.08 KB off engine-worker.js; hoist_funs
# (function declarations moved to the top of their scope, where JavaScript
# hoists them anyway) 0.06 KB more. ascii_only: non-ASCII characters (×, …,
# “”) stay escaped as esbuild writes them, so a host that serves the
# scripts without a charset cannot garble the messages (and 19 B less).
# Only dist/ is minified; www/ keeps the readable modules.
for f in dist/smp-preview.js dist/models-*.js dist/engine-worker.js dist/engine-page.js; do
  "$TERSER" "$f" --module --compress passes=2,hoist_funs=true --mangle --format ascii_only=true --output "$f"
done
# Scripts that run on their own, and the stylesheets: minified as they are.
for f in embed.js clinic-example.js; do
  "$ESBUILD" "www/$f" --minify --target=es2022 --log-level=warning --outfile="dist/$f"
done
for f in smp-preview.css index.css embed.css clinic-example.css; do
  "$ESBUILD" "www/$f" --minify --log-level=warning --outfile="dist/$f"
done

# The glue is in the worker's bundle: the page never preloads it.
sed -i '/rel="modulepreload" href="pkg\/smp_preview.js"/d' dist/index.html
grep -q 'modulepreload' dist/index.html && { echo "dist.sh: dist/index.html still preloads the glue" >&2; exit 1; }

for f in index.html embed.html smp-preview.js engine-worker.js engine-page.js models-worker.js smp-preview.css pkg/smp_preview_bg.wasm assets/sample-01.jpg \
  models/selfie_segmentation.tflite models/face_detector.tflite models/tasks-vision/vision_bundle.mjs \
  models/tasks-vision/vision_wasm_module_internal.js models/tasks-vision/vision_wasm_module_internal.wasm; do
  [ -s "dist/$f" ] || { echo "dist.sh: dist/$f is missing" >&2; exit 1; }
done

cat > dist/README.txt <<'TXT'
smp-preview: the files for your web server
==========================================

Upload this whole folder to any static web host, for example as /smp/ on
your site or on a subdomain such as https://smp.yourclinic.example/. There
is nothing to run on the server: everything happens in the visitor's
browser, and photos never leave their device.

CONTENT TYPE: serve .wasm files as application/wasm
---------------------------------------------------
pkg/smp_preview_bg.wasm must be sent with the header
    Content-Type: application/wasm
Most hosts do this already. If the preview says "The preview engine
couldn't start", check this first:
  - Apache (.htaccess):  AddType application/wasm .wasm
  - nginx:               types { application/wasm wasm; }  (in mime.types since 1.21.x)
  - IIS (web.config):    <mimeMap fileExtension=".wasm" mimeType="application/wasm" />
  - S3 / CloudFront, Netlify, other buckets: set the object's Content-Type
    to application/wasm when uploading.

EMBED 1: directly in your page (two lines)
------------------------------------------
    <script type="module" src="/smp/smp-preview.js"></script>
    <smp-preview cta-label="Book a consultation" cta-href="/contact"></smp-preview>

The widget finds its engine (pkg/) and its worker (engine-worker.js) next
to smp-preview.js. If your page sends a Content-Security-Policy, it needs
script-src 'wasm-unsafe-eval'; without it the visitor reads "The preview
can't start on this page" and the browser's console tells you what to add.
On another domain than your page (a CDN, smp.yourclinic.example), that host
must send CORS headers (Access-Control-Allow-Origin: your site's origin,
or *) for smp-preview.js, engine-worker.js, engine-page.js, models-*.js, models/ and pkg/, and your CSP needs its
origin in script-src and connect-src, plus worker-src blob: (browsers start
workers only from the page's own origin; without it the engine runs on the
page and pauses it briefly after each photo). Uploading this folder to your
own site (/smp/) needs none of that. If you cannot allow wasm, use embed 2.

EMBED 2: in an iframe that sizes itself (two lines and a small script)
----------------------------------------------------------------------
    <iframe id="smp-frame" src="https://smp.yourclinic.example/embed.html?parent-origin=https://www.yourclinic.example" title="Scalp micropigmentation preview" width="100%" height="980" allow="clipboard-write; web-share"></iframe>
    <script src="/js/smp-events.js"></script>

The iframe page sends its content height and the widget's events to your
page with postMessage, only to the origin given as parent-origin (write it
exactly: scheme, host and port, no path), as
{ source: 'smp-preview', type, detail }. /js/smp-events.js sizes the
iframe and receives the events:

    // smp-events.js: sizes the iframe to the widget and receives its events.
    const smpFrame = document.getElementById('smp-frame');
    window.addEventListener('message', (e) => {
      if (e.origin !== 'https://smp.yourclinic.example' || e.data?.source !== 'smp-preview') return;
      if (e.data.type === 'smp-resize') {
        smpFrame.style.height = `${e.data.detail.height}px`; // the widget's whole height: no scroll bar inside
      } else {
        console.log(e.data.type, e.data.detail.design); // smp-design-change, smp-export, smp-share, smp-cta-click
      }
    });

If your page sends a Content-Security-Policy, allow the frame with
frame-src (default-src alone blocks it); the page itself needs no
'wasm-unsafe-eval':
    Content-Security-Policy: default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; frame-src https://smp.yourclinic.example

More settings go in the iframe's address: density, shade, hairline,
controls, cta-label, cta-href, brand (a colour, %23 for #), radius, font.

WHAT IS IN HERE
---------------
  smp-preview.js, smp-preview.css         the widget (bundled and minified)
  engine-worker.js                         the engine's Web Worker (keeps the page responsive)
  engine-page.js                           the engine on the page, where no worker can start
  pkg/                                     the engine (WebAssembly)
  models-*.js, models/                     on-device person and face detection (MediaPipe,
                                           Apache-2.0; about 4.4 MB gzip), fetched only when a
                                           visitor opens the photo picker; serve .wasm as
                                           application/wasm here too. Without them the
                                           preview still works and says it is less sure.
  assets/                                  the sample photo (CC BY 4.0, see ATTRIBUTION.txt)
  index.html                               the simulator as a page of its own
  embed.html, embed.js, embed.css          the iframe page (embed 2)
  clinic-example.html/.css/.js             an example clinic page: two widgets, one
                                           themed, and a script that lists their events

Suggested response headers for this folder (optional):
    Content-Security-Policy: default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; img-src 'self' blob: data:; style-src 'self'; frame-ancestors https://www.yourclinic.example
TXT

files=$(find dist -type f | wc -l)
size=$(du -sh dist | cut -f1)
echo "==> dist/: $files files, $size (upload the folder; serve .wasm as application/wasm)"
