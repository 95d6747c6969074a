// The engine on the page itself, for where no worker can start (see
// engine-host.js): the same engine-core.js, one request after another. A
// file of its own (fetched only then), so the widget's bundle does not
// carry the engine's glue twice.

import { initSync } from './pkg/smp_preview.js';
import { EngineCore } from './engine-core.js';

/** Resolves once the page has painted (a status just set is on screen). */
const painted = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r)));

/** An EngineCore on the page for `module` (the compiled wasm). */
export function pageCore(module) {
  const wasm = initSync({ module });
  return new EngineCore(wasm.memory, painted);
}
