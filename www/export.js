// The export: the same dots drawn over the full-resolution photo, encoded
// by the browser and saved through a temporary download link. Re-encoding
// through a canvas carries no EXIF (so no GPS or camera details) over.

/** PNG or JPEG blob (`type`) of the design rendered over `full` (an ImageBitmap). */
export async function exportImage(engine, full, type) {
  const canvas = document.createElement('canvas');
  canvas.width = full.width;
  canvas.height = full.height;
  const ctx = canvas.getContext('2d');
  ctx.drawImage(full, 0, 0);
  const image = ctx.getImageData(0, 0, full.width, full.height);
  image.data.set(engine.render_full(full.width, full.height, image.data));
  ctx.putImageData(image, 0, 0);
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the browser could not encode it'))), type, 0.92),
  );
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
