// In-page side of run.mjs --runtime tasks: @mediapipe/tasks-vision's one
// wasm runtime with the CPU (XNNPACK) delegate, running the model files of
// the legacy packages: selfie_segmentation.tflite (ImageSegmenter),
// face_detection_short_range.tflite (FaceDetector) and the face_landmarker.task
// that make_task.py builds from face_mesh's packed face_landmark.tflite.
import { FilesetResolver, ImageSegmenter, FaceDetector, FaceLandmarker } from '/tv/vision_bundle.mjs';

let fileset = null;
const loaded = {};
const MODELS = {
  seg: (fs) => ImageSegmenter.createFromOptions(fs, {
    baseOptions: { modelAssetPath: '/tvm/selfie_segmentation.tflite', delegate: 'CPU' },
    runningMode: 'IMAGE', outputConfidenceMasks: true, outputCategoryMask: false }),
  mesh: (fs) => FaceLandmarker.createFromOptions(fs, {
    baseOptions: { modelAssetPath: '/tvm/face_landmarker.task', delegate: 'CPU' },
    runningMode: 'IMAGE', numFaces: 1, minFaceDetectionConfidence: 0.5, minFacePresenceConfidence: 0.5 }),
  // NB: the tasks graph reads 478 landmarks (the newer model); face_mesh's 468-point face_landmark.tflite gives
  // only its found/not-found right, not usable points: score.py takes the mesh from the legacy run.
  det: (fs) => FaceDetector.createFromOptions(fs, {
    baseOptions: { modelAssetPath: '/tvm/face_detector.tflite', delegate: 'CPU' },
    runningMode: 'IMAGE', minDetectionConfidence: 0.5 }),
};

window.loadModel = async function loadModel(name) {
  const t0 = performance.now();
  if (!fileset) fileset = await FilesetResolver.forVisionTasks('/tv/wasm');
  loaded[name] = await MODELS[name](fileset);
  return performance.now() - t0;
};

async function photoCanvas(url) {
  const bmp = await createImageBitmap(await (await fetch(url)).blob());
  const c = document.createElement('canvas');
  c.width = bmp.width;
  c.height = bmp.height;
  c.getContext('2d').drawImage(bmp, 0, 0);
  return c;
}

function maskPng(mask, w, h) {
  // The confidence mask comes at the photo's size.
  const f = mask.getAsFloat32Array();
  const c = document.createElement('canvas');
  c.width = mask.width;
  c.height = mask.height;
  const g = c.getContext('2d');
  const d = g.createImageData(mask.width, mask.height);
  for (let i = 0; i < f.length; i++) {
    const v = Math.round(255 * f[i]);
    d.data[4 * i] = d.data[4 * i + 1] = d.data[4 * i + 2] = v;
    d.data[4 * i + 3] = 255;
  }
  g.putImageData(d, 0, 0);
  let out = c;
  if (mask.width !== w || mask.height !== h) {
    out = document.createElement('canvas');
    out.width = w;
    out.height = h;
    out.getContext('2d').drawImage(c, 0, 0, w, h);
  }
  return { png: out.toDataURL('image/png'), channel: 'float' };
}

window.runPhoto = async function runPhoto(url, only) {
  const canvas = await photoCanvas(url);
  const W = canvas.width, H = canvas.height;
  const out = { width: W, height: H, ms: {} };
  for (const name of Object.keys(loaded).filter((n) => !only || n === only)) {
    const t0 = performance.now();
    if (name === 'seg') {
      const r = loaded.seg.segment(canvas);
      out.ms.seg = performance.now() - t0;
      // One mask (the legacy model has one output channel); the last is "person".
      const masks = r.confidenceMasks;
      out.seg = maskPng(masks[masks.length - 1], W, H);
      out.segMasks = masks.length;
      r.close();
    } else if (name === 'mesh') {
      const r = loaded.mesh.detect(canvas);
      out.ms.mesh = performance.now() - t0;
      const f = r.faceLandmarks[0];
      out.mesh = f ? f.map((p) => [p.x * W, p.y * H, p.z * W]) : null;
    } else if (name === 'det') {
      const r = loaded.det.detect(canvas);
      out.ms.det = performance.now() - t0;
      const d = r.detections[0];
      out.det = d ? { box: d.boundingBox, keypoints: d.keypoints.map((p) => [p.x * W, p.y * H]),
        score: d.categories?.[0]?.score ?? null } : null;
    }
  }
  return out;
};
window.ready = true;
