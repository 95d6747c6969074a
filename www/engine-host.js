// Starts the engine for <smp-preview> and talks to it: in a Web Worker
// (engine-worker.js) where the browser allows one, so the page never freezes
// while the engine works, else on the page (the same engine-core.js, one
// request after another, as before).
//
//   const engine = await startEngine(module, workerUrl, loadGlue);
//   const answer = await engine.request({ calls: [['set', 'density', 50]], render: true });
//   engine.kind  // 'worker' or 'page'
//
// See engine-core.js for requests and answers.

import { EngineCore } from './engine-core.js';

/** Resolves once the page has painted (a status just set is on screen). */
export const painted = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r)));

class WorkerEngine {
  kind = 'worker';
  #worker;
  #next = 1;
  #waiting = new Map();

  constructor(worker) {
    this.#worker = worker;
    worker.onmessage = ({ data }) => {
      const done = this.#waiting.get(data.id);
      this.#waiting.delete(data.id);
      done?.resolve(data.answer);
    };
    worker.onerror = (e) => this.#fail(e.message || 'the engine worker stopped');
  }

  request(request, transfer = []) {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      this.#worker.postMessage({ id, request }, transfer);
    });
  }

  #fail(message) {
    for (const { reject } of this.#waiting.values()) reject(new Error(message));
    this.#waiting.clear();
  }
}

class PageEngine {
  kind = 'page';
  #core;
  constructor(core) {
    this.#core = core;
  }
  request(request) {
    return this.#core.submit(request);
  }
}

/**
 * A new worker running the engine on `module` (a compiled WebAssembly.Module),
 * or null where none can start (a CSP that refuses it, a browser without
 * module workers).
 */
function spawn(module, url) {
  // A worker script must be same-origin; one on another origin (the widget on a
  // CDN) is imported by a blob: worker instead, which needs CORS and a CSP
  // that allows blob: workers (else the engine runs on the page).
  const tries =
    url.origin === location.origin
      ? [() => new Worker(url, { type: 'module' })]
      : [() => new Worker(URL.createObjectURL(new Blob([`import ${JSON.stringify(url.href)};`], { type: 'text/javascript' })), { type: 'module' })];
  return new Promise((resolve) => {
    const next = (i) => {
      if (i >= tries.length) return resolve(null);
      let worker;
      try {
        worker = tries[i]();
      } catch {
        return next(i + 1);
      }
      const give = (w) => {
        worker.onmessage = worker.onerror = null;
        resolve(w);
      };
      worker.onmessage = ({ data }) => {
        if (data.ready) give(worker);
        else {
          worker.terminate();
          give(null); // the engine itself failed: the page will not do better
        }
      };
      worker.onerror = (e) => {
        e.preventDefault?.();
        worker.terminate();
        next(i + 1);
      };
      worker.postMessage({ module });
    };
    next(0);
  });
}

/**
 * The engine for one widget: `module` is the compiled wasm, `workerUrl`
 * engine-worker.js, `page()` resolves to { mod, memory } (the wasm-bindgen
 * glue initialised on the page) for when no worker can start.
 */
export async function startEngine(module, workerUrl, page) {
  const worker = typeof Worker === 'function' ? await spawn(module, workerUrl) : null;
  if (worker) return new WorkerEngine(worker);
  const { mod, memory } = await page();
  return new PageEngine(new EngineCore(mod, memory, painted));
}
