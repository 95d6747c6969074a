// Turning a file into the two images the preview needs: a full-resolution
// bitmap for the export and a smaller working copy (RGBA) for editing.
// Everything happens on this device; nothing is uploaded.

import { probeSize } from './photo-probe.js';

/** Longest side of the working copy: keeps every edit fast on a phone. */
export const WORKING_MAX = 1600;
/** Longest side kept for the export: larger canvases fail or exhaust memory. */
export const FULL_MAX = 8192;

/** Largest image (width x height) opened at all: 100 megapixels, 400 MB once decoded. */
export const MAX_PIXELS = 100_000_000;

export const NOT_A_PHOTO = "This file isn't a photo we can read. Try a JPEG or PNG.";
export const DAMAGED_PHOTO =
  'This photo looks damaged or incomplete (perhaps it had not finished copying or downloading). Copy or save it again, or try another photo.';
export const EMPTY_FILE = 'This file is empty (0 bytes). Choose the photo again, or another JPEG or PNG.';
/** The message for an image over MAX_PIXELS. */
export const tooLarge = (w, h) =>
  `This image is ${w.toLocaleString('en')} × ${h.toLocaleString('en')} pixels, too large to open on this device ` +
  `(the limit is ${MAX_PIXELS / 1e6} megapixels). Save a smaller copy, for example 4000 pixels wide, and try again.`;
export const HEIC_PHOTO =
  "This looks like an iPhone HEIC photo, which this browser can't read. " +
  'Save or share it as JPEG (on iPhone: Settings > Camera > Formats > Most Compatible) and try again.';

/** An error whose message can be shown to the person as it is. */
export class PhotoError extends Error {}

/**
 * Decodes `blob` honouring its EXIF orientation.
 * Resolves to { full: ImageBitmap, working: ImageData, capped, sourceWidth, sourceHeight }.
 * Rejects with a PhotoError whose message is meant for people.
 */
export async function decodePhoto(blob) {
  if (!blob || !blob.size) throw new PhotoError(EMPTY_FILE);
  // The header's size first: a small file may claim a huge image (a decompression bomb).
  const probed = await probeSize(blob);
  if (probed && (!probed.width || !probed.height)) throw new PhotoError(NOT_A_PHOTO);
  if (probed && probed.width * probed.height > MAX_PIXELS) throw new PhotoError(tooLarge(probed.width, probed.height));
  let bitmap;
  try {
    // 'from-image' rotates phone photos upright from their EXIF tag.
    bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image' });
  } catch {
    if (await looksLikeHeic(blob)) throw new PhotoError(HEIC_PHOTO);
    // A JPEG/PNG/... header with data the decoder can't finish: cut short or damaged.
    throw new PhotoError(probed ? DAMAGED_PHOTO : NOT_A_PHOTO);
  }
  return fromBitmap(bitmap);
}

/**
 * Decodes a photo the page serves (the sample) from its loaded <img>:
 * the browser fetches and decodes an image element off the main thread, so
 * this is ready sooner than fetching the file and decoding the bytes.
 * Resolves like decodePhoto.
 */
export async function decodeImage(img) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(img, { imageOrientation: 'from-image' });
  } catch {
    throw new PhotoError(NOT_A_PHOTO);
  }
  return fromBitmap(bitmap);
}

/** decodePhoto's result from a decoded bitmap (closed when it fails). */
async function fromBitmap(bitmap) {
  const sourceWidth = bitmap.width;
  const sourceHeight = bitmap.height;
  if (!sourceWidth || !sourceHeight) {
    bitmap.close();
    throw new PhotoError(NOT_A_PHOTO);
  }
  if (sourceWidth * sourceHeight > MAX_PIXELS) {
    bitmap.close();
    throw new PhotoError(tooLarge(sourceWidth, sourceHeight));
  }

  let full = bitmap;
  const capped = Math.max(sourceWidth, sourceHeight) > FULL_MAX;
  try {
    if (capped) full = await resized(bitmap, FULL_MAX);
    const small = Math.max(full.width, full.height) > WORKING_MAX ? await resized(full, WORKING_MAX) : full;
    const working = pixelsOf(small);
    if (small !== full) small.close();
    if (full !== bitmap) bitmap.close();
    return { full, working, capped, sourceWidth, sourceHeight };
  } catch (e) {
    bitmap.close();
    if (full !== bitmap) full.close();
    if (e instanceof PhotoError) throw e;
    throw new PhotoError('This photo is too large to open on this device. Try a smaller copy of it.');
  }
}

/** A copy of `bitmap` whose longest side is `longest` px, same aspect ratio. */
function resized(bitmap, longest) {
  const k = longest / Math.max(bitmap.width, bitmap.height);
  return createImageBitmap(bitmap, {
    resizeWidth: Math.max(1, Math.round(bitmap.width * k)),
    resizeHeight: Math.max(1, Math.round(bitmap.height * k)),
    resizeQuality: 'high',
  });
}

/** RGBA pixels of a bitmap. */
export function pixelsOf(bitmap) {
  const canvas = makeCanvas(bitmap.width, bitmap.height);
  // One read-back per canvas, so the default (GPU-friendly) canvas is right.
  const ctx = canvas.getContext('2d');
  ctx.drawImage(bitmap, 0, 0);
  return ctx.getImageData(0, 0, bitmap.width, bitmap.height);
}

export function makeCanvas(width, height) {
  if (typeof OffscreenCanvas === 'function') return new OffscreenCanvas(width, height);
  const c = document.createElement('canvas');
  c.width = width;
  c.height = height;
  return c;
}

/** True for HEIC/HEIF files, by type, name or the ISO-BMFF brand in the header. */
async function looksLikeHeic(blob) {
  if (/image\/hei[cf]/i.test(blob.type || '') || /\.hei[cf]$/i.test(blob.name || '')) return true;
  try {
    const head = new Uint8Array(await blob.slice(0, 12).arrayBuffer());
    const tag = String.fromCharCode(...head.subarray(4, 12));
    return /^ftyp(heic|heix|hevc|hevx|heim|heis|mif1|msf1)$/.test(tag);
  } catch {
    return false;
  }
}
