// Share links and shared images. The link itself is made by the engine
// (engine.share_fragment): this module makes the optional small copy of the
// photo, reads it back, and hands an image to the Web Share API or a download.
// Nothing here sends anything anywhere: a link is text the person copies.

import { saveBlob } from './export.js';

/** Target size of the photo copy in a link. The engine refuses more than 150 KiB. */
export const LINK_PHOTO_BYTES = 100 * 1024;
const SIDES = [1024, 800, 640, 512, 400, 320, 256];
const QUALITIES = [0.8, 0.7, 0.6, 0.5];
// A JPEG comment (COM segment) records the size of the sender's working photo,
// so the receiver can scale the design's px/cm to the smaller copy.
const COMMENT_PREFIX = 'smp-preview working ';

/**
 * A JPEG of `source` (a canvas with the working photo) of at most `maxBytes`:
 * the largest of a few sizes and the best of a few qualities that fits.
 * Resolves to { bytes: Uint8Array, width, height, quality }.
 */
export async function linkPhoto(source, maxBytes = LINK_PHOTO_BYTES) {
  const { width: w, height: h } = source;
  const longest = Math.max(w, h);
  const sides = [...new Set([Math.min(longest, SIDES[0]), ...SIDES.filter((s) => s < longest)])];
  const comment = `${COMMENT_PREFIX}${w}x${h}`;
  for (const side of sides) {
    const k = side / longest;
    const cw = Math.max(1, Math.round(w * k));
    const ch = Math.max(1, Math.round(h * k));
    const canvas = document.createElement('canvas');
    canvas.width = cw;
    canvas.height = ch;
    const ctx = canvas.getContext('2d');
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(source, 0, 0, cw, ch);
    for (const quality of QUALITIES) {
      const blob = await new Promise((r) => canvas.toBlob(r, 'image/jpeg', quality));
      if (!blob) throw new Error('the browser could not make a JPEG');
      const bytes = withComment(new Uint8Array(await blob.arrayBuffer()), comment);
      if (bytes.length <= maxBytes) return { bytes, width: cw, height: ch, quality };
    }
  }
  throw new Error('the photo does not compress small enough');
}

/** `jpeg` with a COM segment holding `text` (ASCII) right after the SOI marker. */
function withComment(jpeg, text) {
  const len = text.length + 2;
  const out = new Uint8Array(jpeg.length + 2 + len);
  out.set(jpeg.subarray(0, 2), 0); // FF D8
  out.set([0xff, 0xfe, len >> 8, len & 0xff], 2);
  for (let i = 0; i < text.length; i++) out[6 + i] = text.charCodeAt(i) & 0x7f;
  out.set(jpeg.subarray(2), 4 + len);
  return out;
}

/**
 * The sender's working-photo size recorded by linkPhoto in a JPEG's
 * comment, or null. Reads only the segments before the image data.
 */
export function workingSize(jpeg) {
  let i = 2;
  for (let n = 0; n < 16 && i + 4 <= jpeg.length && jpeg[i] === 0xff; n++) {
    const marker = jpeg[i + 1];
    const len = (jpeg[i + 2] << 8) | jpeg[i + 3];
    if (marker === 0xda || len < 2) break; // image data starts
    if (marker === 0xfe) {
      const text = String.fromCharCode(...jpeg.subarray(i + 4, Math.min(i + 2 + len, i + 68)));
      const m = text.startsWith(COMMENT_PREFIX) && /^(\d{1,5})x(\d{1,5})$/.exec(text.slice(COMMENT_PREFIX.length));
      if (m) return { width: Number(m[1]), height: Number(m[2]) };
    }
    i += 2 + len;
  }
  return null;
}

/**
 * Shares `blob` as a file with the Web Share API where the browser can
 * share files, otherwise downloads it. Resolves to 'shared', 'downloaded'
 * or 'cancelled'; rejects with NotAllowedError when the browser wants a
 * fresh tap (the caller keeps the file and asks for one).
 */
export async function shareOrDownload(blob, name, parent, title) {
  const file = new File([blob], name, { type: blob.type });
  if (allowed('web-share') && navigator.canShare?.({ files: [file] })) {
    try {
      await navigator.share({ files: [file], title });
      return 'shared';
    } catch (e) {
      if (e?.name === 'AbortError') return 'cancelled';
      if (e?.name === 'NotAllowedError') throw e;
      // Anything else (no share target, a policy): fall back to a download.
    }
  }
  saveBlob(blob, name, parent);
  return 'downloaded';
}

/** Copies `text` to the clipboard; false when the browser does not allow it. */
export async function copyText(text) {
  if (!allowed('clipboard-write') || !navigator.clipboard) return false;
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * False when the page's permissions policy rules `feature` out (an iframe
 * without allow="clipboard-write; web-share"): calling the API anyway
 * would only log a violation.
 */
function allowed(feature) {
  const policy = document.permissionsPolicy ?? document.featurePolicy;
  try {
    // A feature the browser does not know (Web Share on desktop Linux) is not ruled out by a policy.
    if (!policy || (typeof policy.features === 'function' && !policy.features().includes(feature))) return true;
    return policy.allowsFeature(feature);
  } catch {
    return true;
  }
}

/** A byte count for people: "98 KB". */
export function kb(bytes) {
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}
