// The on-device models' Web Worker (see models.js): MediaPipe's person
// segmentation and face detection (www/models/*.tflite) on the one
// @mediapipe/tasks-vision runtime with its CPU (XNNPACK) delegate, off the
// page's main thread and beside the engine's own worker. Why these models:
// benches/models/README.md.
//
// Messages in: { load: true } (fetch the runtime and both models, then one
// warm-up inference), then { id, width, height, pixels } (RGBA, the working
// image). Out: { loaded: ms } or { failed: message }, then per photo
// { id, person, face, ms } (person: a Uint8Array of one confidence byte per
// pixel, 0-255; face: a Float64Array [score, then six x, y keypoints in
// pixels: right eye, left eye, nose tip, mouth, right ear, left ear] of the
// most confident detection, or empty) or { id, error }.
//
// Everything is fetched from this file's own folder (models/): the runtime
// is copied there by scripts/copy-tasks-vision.sh (./serve, dist/). The ES
// module build of the runtime's glue (vision_wasm_module_internal.js) is the
// one a module worker can load (it has no importScripts).

const MODELS = new URL('models/', import.meta.url);
const RUNTIME = new URL('tasks-vision/', MODELS);

/** The two tasks, once created: { segmenter, detector }. */
let tasks = null;
let loading = null;

const text = (e) => (e && e.message) || String(e);

async function load() {
  const t0 = performance.now();
  // By URL: bundlers leave it alone, and the 13 MB runtime is fetched only now.
  const vision = await import(new URL('vision_bundle.mjs', RUNTIME).href);
  const fileset = {
    wasmLoaderPath: new URL('vision_wasm_module_internal.js', RUNTIME).href,
    wasmBinaryPath: new URL('vision_wasm_module_internal.wasm', RUNTIME).href,
  };
  const base = (file) => ({ modelAssetPath: new URL(file, MODELS).href, delegate: 'CPU' });
  // Each task starts its own instance of the runtime from the global
  // ModuleFactory, which the glue sets when first imported and the runtime
  // clears after use; a module is imported once, so it is set again here for
  // each task.
  const factory = (await import(fileset.wasmLoaderPath)).default;
  // The runtime's wasm (13 MB) is compiled once for both tasks.
  const compiled = await compile(fileset.wasmBinaryPath);
  const quiet = (line) => console.debug(`smp-preview models: ${line}`);
  self.custom_dbg = quiet; // the runtime's own log lines (set by its glue to console.warn)
  const options = {
    // Its informational lines ("Created TensorFlow Lite XNNPACK delegate") go to console.error otherwise.
    print: quiet,
    printErr: quiet,
    instantiateWasm(imports, done) {
      WebAssembly.instantiate(compiled, imports).then(done);
      return {};
    },
  };
  self.ModuleFactory = (arg = {}) => factory(Object.assign(arg, options));
  const segmenter = await vision.ImageSegmenter.createFromOptions(fileset, {
    baseOptions: base('selfie_segmentation.tflite'),
    runningMode: 'IMAGE',
    outputConfidenceMasks: true,
    outputCategoryMask: false,
  });
  self.ModuleFactory = (arg = {}) => factory(Object.assign(arg, options));
  const detector = await vision.FaceDetector.createFromOptions(fileset, {
    baseOptions: base('face_detector.tflite'),
    runningMode: 'IMAGE',
    minDetectionConfidence: 0.5,
  });
  tasks = { segmenter, detector };
  // The first inference sets XNNPACK up (about a second on a phone): done
  // now, on a small blank image, so a person's photo does not wait for it.
  run(new ImageData(new Uint8ClampedArray(64 * 64 * 4).fill(128), 64, 64));
  return performance.now() - t0;
}

/** The compiled runtime at `url`. */
async function compile(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${new URL(url).pathname}: HTTP ${response.status}`);
  try {
    return await WebAssembly.compileStreaming(response.clone());
  } catch (e) {
    // A host that serves .wasm with another content type.
    if (!(e instanceof TypeError)) throw e;
    return WebAssembly.compile(await response.arrayBuffer());
  }
}

/** Runs both models on `image` (ImageData): { person, face }. */
function run(image) {
  const { width, height } = image;
  const { segmenter, detector } = tasks;
  let person = new Uint8Array(0);
  const seg = segmenter.segment(image);
  try {
    // One mask (the model has one output channel: the person), at the image's size.
    const masks = seg.confidenceMasks ?? [];
    const mask = masks[masks.length - 1];
    if (mask) {
      const f = mask.getAsFloat32Array();
      person = new Uint8Array(width * height);
      if (mask.width === width && mask.height === height) {
        for (let i = 0; i < person.length; i++) person[i] = Math.round(255 * Math.min(1, Math.max(0, f[i])));
      } else {
        // Nearest neighbour to the working image (the runtime gives the input's size; this is a safeguard).
        for (let y = 0; y < height; y++) {
          const row = Math.min(mask.height - 1, Math.floor(((y + 0.5) * mask.height) / height)) * mask.width;
          for (let x = 0; x < width; x++) {
            const v = f[row + Math.min(mask.width - 1, Math.floor(((x + 0.5) * mask.width) / width))];
            person[y * width + x] = Math.round(255 * Math.min(1, Math.max(0, v)));
          }
        }
      }
    }
  } finally {
    seg.close();
  }
  let face = new Float64Array(0);
  const best = detector
    .detect(image)
    .detections.map((d) => ({ d, score: d.categories?.[0]?.score ?? 0 }))
    .sort((a, b) => b.score - a.score)[0];
  if (best && best.d.keypoints?.length >= 6) {
    face = new Float64Array(13);
    face[0] = best.score;
    best.d.keypoints.slice(0, 6).forEach((p, i) => {
      face[1 + 2 * i] = p.x * width;
      face[2 + 2 * i] = p.y * height;
    });
  }
  return { person, face };
}

self.onmessage = async ({ data }) => {
  if (data.load) {
    loading ??= load();
    try {
      postMessage({ loaded: await loading });
    } catch (e) {
      postMessage({ failed: text(e) });
    }
    return;
  }
  const { id, width, height, pixels } = data;
  try {
    loading ??= load();
    await loading;
    const t0 = performance.now();
    const { person, face } = run(new ImageData(new Uint8ClampedArray(pixels), width, height));
    postMessage({ id, person, face, ms: performance.now() - t0 }, [person.buffer, face.buffer]);
  } catch (e) {
    postMessage({ id, error: text(e) });
  }
};
