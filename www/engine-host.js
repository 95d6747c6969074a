// Starts the engine for <smp-preview> and talks to it: in a Web Worker
// (engine-worker.js) where the browser allows one, so the page never freezes
// while the engine works, else on the page (the same engine-core.js, one
// request after another, as before).
//
//   const engine = await startEngine(module, new URL('./', import.meta.url));
//   const answer = await engine.request({ calls: [['edit', [[0, 50]]]], render: true });
//   engine.kind    // 'worker' or 'page'
//   engine.layout  // the design's layout: { fields, ranges } (engine-core.js)
//
// See engine-core.js for requests and answers.

/** Resolves once the page has painted (a status just set is on screen). */
export const painted = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r)));

class WorkerEngine {
  kind = 'worker';
  layout;
  #worker;
  #next = 1;
  #waiting = new Map();

  constructor(worker, layout) {
    this.#worker = worker;
    this.layout = layout;
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
  layout;
  #core;
  constructor(core) {
    this.#core = core;
    this.layout = core.layout();
  }
  request(request) {
    return this.#core.submit(request);
  }
}

/** The page fallback's module (engine-page.js), imported by URL so that dist/'s bundle leaves it a file of its own. */
let pageModule = null;

/**
 * A WorkerEngine running the engine on the compiled wasm `compiled` (a
 * promise: the worker starts, and loads its script, while the wasm
 * compiles), or null where none can start (a CSP that refuses it, a
 * browser without module workers). Rejects when the wasm does not compile.
 */
async function spawn(compiled, url) {
  let worker = null;
  try {
    // A worker script must be same-origin; one on another origin (the widget on a
    // CDN) is imported by a blob: worker instead, which needs CORS and a CSP
    // that allows blob: workers (else the engine runs on the page).
    const script =
      url.origin === location.origin ? url : URL.createObjectURL(new Blob([`import ${JSON.stringify(url.href)};`], { type: 'text/javascript' }));
    worker = new Worker(script, { type: 'module' });
  } catch {
    await compiled;
    return null;
  }
  const started = new Promise((resolve) => {
    const give = (layout) => {
      worker.onmessage = worker.onerror = null;
      if (!layout) worker.terminate();
      resolve(layout ? new WorkerEngine(worker, layout) : null);
    };
    // { ready, layout } once the engine runs; { failed } if it could not start (the page will not do better).
    worker.onmessage = ({ data }) => give(data.ready ? data.layout : null);
    worker.onerror = (e) => {
      e.preventDefault?.();
      give(null);
    };
  });
  let module;
  try {
    module = await compiled;
  } catch (e) {
    worker.terminate();
    throw e;
  }
  worker.postMessage({ module });
  return started;
}

/**
 * The engine for one widget: `compiled` is (a promise of) the compiled wasm,
 * `base` the folder of engine-worker.js and engine-page.js.
 */
export async function startEngine(compiled, base) {
  const worker = typeof Worker === 'function' ? await spawn(compiled, new URL('engine-worker.js', base)) : null;
  if (worker) return worker;
  pageModule ??= import(new URL('engine-page.js', base).href);
  return new PageEngine((await pageModule).pageCore(await compiled));
}
