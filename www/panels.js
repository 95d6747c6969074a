// The Share and Download panels of <smp-preview>, imported when a person
// first uses one (smp-preview.js): the first preview neither fetches nor
// parses them. In dist/ this is a chunk of its own beside smp-preview.js
// (scripts/dist.sh: esbuild --splitting). It must import no module that the
// first preview's bundle has: esbuild would move that module into a third
// file, which the first preview would then fetch as well. What the panels
// need from those modules (painted, workingComment), the element hands them.

export { Downloads } from './export.js';
export { SharePanel } from './share.js';
