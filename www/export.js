// The export: the same dots drawn over the full-resolution photo, encoded
// by the browser (engine-core.js) and saved through a temporary download
// link, and the Download panel of <smp-preview> that offers it.
// Re-encoding through a canvas carries no EXIF (so no GPS or camera
// details) over.

import { painted } from './engine-host.js';
import { FULL_MAX, WORKING_MAX } from './photo.js';

/**
 * PNG or JPEG blob (`type`) of the design rendered over `full` (an
 * ImageBitmap), made by the engine (engine-host.js: in its worker, so the
 * page does not freeze while a large photo is drawn and encoded).
 */
export async function exportImage(engine, full, type) {
  const copy = await createImageBitmap(full); // the engine takes (and closes) a copy; the page keeps `full`
  const { results } = await engine.request({ calls: [['export', copy, type]] }, [copy]);
  if ('error' in results[0]) throw new Error(results[0].error);
  return results[0].value;
}

/** Downloads `blob` as `name` through an <a download> appended to `parent` for the click. */
export function saveBlob(blob, name, parent) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  parent.append(a);
  a.click();
  a.remove();
  // Revoke a little later: the download reads the blob after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The Download panel: PNG and JPEG of the photo at full resolution, with the dots. */
export class Downloads {
  #root;
  #el; // { photo() (the session's photo), engine() (engine-host.js), say(text, isError), emit(type, detail) }
  #busy = false;

  constructor(root, el) {
    this.#root = root;
    this.#el = el;
    for (const b of root.querySelectorAll('.download')) b.addEventListener('click', () => this.#download(b.dataset.type));
  }

  /** Says what a download of `p` (the photo just loaded) gives. */
  newPhoto(p) {
    this.#root.querySelector('.export-size').textContent =
      `Full resolution: ${p.full.width} × ${p.full.height} pixels` +
      (p.capped ? ` (your photo is ${p.sourceWidth} × ${p.sourceHeight}; downloads are capped at ${FULL_MAX} pixels on the longest side).` : '.') +
      (p.full.width > WORKING_MAX || p.full.height > WORKING_MAX ? ' The preview on screen is a smaller copy.' : '') +
      ' Location and camera details from the original are not included.';
  }

  async #download(type) {
    const { say, emit } = this.#el;
    const photo = this.#el.photo();
    if (!photo || this.#busy) return;
    this.#busy = true;
    const buttons = this.#root.querySelectorAll('.download');
    for (const b of buttons) b.disabled = true;
    const { full, name } = photo;
    const ext = type === 'image/png' ? 'png' : 'jpg';
    say(`Preparing the full-size ${ext.toUpperCase()} (${full.width} × ${full.height})…`);
    try {
      await painted();
      const blob = await exportImage(this.#el.engine(), full, type);
      const file = `${name}-smp-preview.${ext}`;
      saveBlob(blob, file, this.#root);
      say(`Downloaded ${file} (${full.width} × ${full.height}).`);
      emit('smp-export', { format: ext === 'png' ? 'png' : 'jpeg', width: full.width, height: full.height });
    } catch (e) {
      say(`The full-size image couldn't be made (${e.message}). Try a smaller photo.`, true);
    } finally {
      this.#busy = false;
      for (const b of buttons) b.disabled = false;
    }
  }
}
