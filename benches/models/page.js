// In-page side of benches/models/run.mjs: loads the MediaPipe solutions on
// demand and runs them on one photo at a time. Everything returns plain
// JSON so run.mjs can save it.
'use strict';

const MODELS = {
  seg: { script: '/mp/selfie_segmentation/selfie_segmentation.js', global: 'SelfieSegmentation', dir: '/mp/selfie_segmentation/',
         options: { modelSelection: 0, selfieMode: false } },
  mesh: { script: '/mp/face_mesh/face_mesh.js', global: 'FaceMesh', dir: '/mp/face_mesh/',
          options: { maxNumFaces: 1, refineLandmarks: false, minDetectionConfidence: 0.5, minTrackingConfidence: 0.5, selfieMode: false } },
  det: { script: '/mp/face_detection/face_detection.js', global: 'FaceDetection', dir: '/mp/face_detection/',
         options: { model: 'short', minDetectionConfidence: 0.5, selfieMode: false } },
};

const loaded = {};

function addScript(src) {
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = src;
    s.onload = resolve;
    s.onerror = () => reject(new Error('cannot load ' + src));
    document.head.appendChild(s);
  });
}

/** Loads and initialises one solution; returns ms (script + wasm + model + graph). */
window.loadModel = async function loadModel(name) {
  const m = MODELS[name];
  const t0 = performance.now();
  if (!window[m.global]) await addScript(m.script);
  const solution = new window[m.global]({ locateFile: (f) => m.dir + f });
  solution.setOptions(m.options);
  let last = null;
  solution.onResults((r) => { last = r; });
  await solution.initialize();
  loaded[name] = { solution, take: () => { const r = last; last = null; return r; } };
  return performance.now() - t0;
};

async function photoCanvas(url) {
  const blob = await (await fetch(url)).blob();
  const bmp = await createImageBitmap(blob);
  const c = document.createElement('canvas');
  c.width = bmp.width;
  c.height = bmp.height;
  c.getContext('2d').drawImage(bmp, 0, 0);
  return c;
}

/** The mask image (whatever the solution returns) as a grey PNG data URL at photo size, from its red and alpha channels. */
function maskPng(mask, w, h) {
  const c = document.createElement('canvas');
  c.width = w;
  c.height = h;
  const g = c.getContext('2d');
  g.drawImage(mask, 0, 0, w, h);
  const d = g.getImageData(0, 0, w, h);
  const px = d.data;
  let rMax = 0, aMin = 255;
  for (let i = 0; i < px.length; i += 4) { rMax = Math.max(rMax, px[i]); aMin = Math.min(aMin, px[i + 3]); }
  // MediaPipe's legacy mask: confidence in red (alpha 255) or in alpha; take whichever varies.
  const useAlpha = rMax === 0 && aMin < 255;
  for (let i = 0; i < px.length; i += 4) {
    const v = useAlpha ? px[i + 3] : px[i];
    px[i] = px[i + 1] = px[i + 2] = v;
    px[i + 3] = 255;
  }
  g.putImageData(d, 0, 0);
  return { png: c.toDataURL('image/png'), channel: useAlpha ? 'alpha' : 'red' };
}

/** Runs every loaded solution on one photo; returns outputs and per-model ms. */
window.runPhoto = async function runPhoto(url, only) {
  const canvas = await photoCanvas(url);
  const out = { width: canvas.width, height: canvas.height, ms: {} };
  for (const name of Object.keys(loaded).filter((n) => !only || n === only)) {
    const { solution, take } = loaded[name];
    if (solution.reset) solution.reset(); // independent photos: no tracking from the last one
    const t0 = performance.now();
    await solution.send({ image: canvas });
    const r = take();
    out.ms[name] = performance.now() - t0;
    if (!r) { out[name] = null; continue; }
    if (name === 'seg') {
      out.seg = r.segmentationMask ? maskPng(r.segmentationMask, canvas.width, canvas.height) : null;
    } else if (name === 'mesh') {
      const faces = r.multiFaceLandmarks || [];
      out.mesh = faces.length ? faces[0].map((p) => [p.x * canvas.width, p.y * canvas.height, p.z * canvas.width]) : null;
    } else if (name === 'det') {
      const d = (r.detections || [])[0];
      out.det = d ? {
        box: d.boundingBox,
        keypoints: (d.landmarks || []).map((p) => [p.x * canvas.width, p.y * canvas.height]),
        score: d.score ?? (d.V && d.V[0] && d.V[0].ga) ?? null,
      } : null;
    }
  }
  return out;
};
