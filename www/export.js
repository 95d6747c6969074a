// The export: the same dots drawn over the full-resolution photo, encoded
// by the browser (engine-core.js) and saved through a temporary download
// link. Re-encoding through a canvas carries no EXIF (so no GPS or camera
// details) over.

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
