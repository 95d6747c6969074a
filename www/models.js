// The on-device models for a person's own photo (MediaPipe person
// segmentation and face detection, run in models-worker.js): the page's side.
//
//   preloadModels(base)       // the photo picker opened: fetch and warm up (once per page)
//   const hints = await detectPhoto(base, imageData)   // { person, face, ms } or throws
//
// The runtime and the models (about 4.4 MB gzip) are fetched from the
// widget's own folder (base/models/) only on the way to a person's own photo:
// when the picker opens, so that choosing hides the download; never for the
// sample. One worker per page, shared by every widget. Whatever goes wrong
// (no module worker, a CSP, missing files, an old browser) rejects, and the
// widget falls back to the engine's classical detection.

/** Longest wait for the models once a photo is chosen (a stalled download). */
const WAIT_MS = 60_000;

let worker = null;
let ready = null; // a promise: resolves once the runtime and models are warm, rejects when they cannot load
let next = 1;
const waiting = new Map();

function fail(message) {
  for (const { reject } of waiting.values()) reject(new Error(message));
  waiting.clear();
}

function start(base) {
  ready ??= new Promise((resolve, reject) => {
    const url = new URL('models-worker.js', base);
    try {
      // A worker script must be same-origin: on another origin (a CDN) a blob: worker imports it.
      const script =
        url.origin === location.origin ? url : URL.createObjectURL(new Blob([`import ${JSON.stringify(url.href)};`], { type: 'text/javascript' }));
      worker = new Worker(script, { type: 'module', name: 'smp-preview models' });
    } catch (e) {
      reject(e);
      return;
    }
    worker.onmessage = ({ data }) => {
      if ('loaded' in data) resolve(data.loaded);
      else if ('failed' in data) reject(new Error(data.failed));
      else {
        const w = waiting.get(data.id);
        waiting.delete(data.id);
        if (data.error) w?.reject(new Error(data.error));
        else w?.resolve(data);
      }
    };
    worker.onerror = (e) => {
      e.preventDefault?.();
      const message = e.message || 'the models worker stopped';
      reject(new Error(message));
      fail(message);
    };
    worker.postMessage({ load: true });
  });
  ready.catch(() => {}); // reported to whoever awaits it
  return ready;
}

/** Starts fetching and warming up the models (once per page); resolves with the load time in ms, rejects when they cannot load. */
export function preloadModels(base) {
  return start(base);
}

/** Whether the models were asked for on this page (the picker opened, or a photo came). */
export const modelsRequested = () => ready !== null;

/**
 * Runs the models on the working image (an ImageData, left intact): resolves
 * to { person: Uint8Array, face: Float64Array, ms }, rejects when the models
 * cannot load or fail on it.
 */
export async function detectPhoto(base, image) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error('the models took too long to load')), WAIT_MS);
  });
  try {
    await Promise.race([start(base), timeout]);
    const id = next++;
    const pixels = image.data.slice().buffer;
    const answer = new Promise((resolve, reject) => waiting.set(id, { resolve, reject }));
    worker.postMessage({ id, width: image.width, height: image.height, pixels }, [pixels]);
    return await Promise.race([answer, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
