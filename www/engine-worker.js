// The Web Worker that runs <smp-preview>'s engine (see engine-core.js), so
// the page stays responsive while a photo is prepared or a pattern sampled.
//
// The page sends { module } first (the wasm, compiled once per page, shared
// by every widget's worker) and then requests { id, request }; the worker
// answers { ready, layout } (the design's layout, engine-core.js) or
// { failed: message }, then { id, answer } per request
// (a frame's pixels are transferred, not copied).

import { initSync } from './pkg/smp_preview.js';
import { EngineCore, text } from './engine-core.js';

let core = null;
let waiting = []; // requests that arrived before the engine was ready

function start(module) {
  try {
    // The wasm comes compiled: instantiating it is synchronous (the glue's
    // async init would only add the fetching and streaming it never needs).
    const wasm = initSync({ module });
    core = new EngineCore(wasm.memory, () => new Promise((r) => setTimeout(r)));
    postMessage({ ready: true, layout: core.layout() });
    for (const m of waiting) serve(m);
    waiting = [];
  } catch (e) {
    postMessage({ failed: text(e) });
  }
}

async function serve({ id, request }) {
  const answer = await core.submit(request);
  const transfer = answer.frame ? [answer.frame.pixels.buffer] : [];
  postMessage({ id, answer }, transfer);
}

self.onmessage = ({ data }) => {
  if (data.module) start(data.module);
  else if (core) serve(data);
  else waiting.push(data);
};
