// The Share panel: share links and shared images. The link itself is made
// by the engine (engine.share_fragment): this module makes the optional
// small copy of the photo and hands an image to the Web Share API or a
// download. Nothing here sends anything anywhere: a link is text the person
// copies. Loaded on first use (panels.js), so it imports only export.js:
// what it needs from the first preview's modules, its host hands it.

import { exportImage, saveBlob } from './export.js';

/** Target size of the photo copy in a link. The engine refuses more than 150 KiB. */
export const LINK_PHOTO_BYTES = 100 * 1024;
const SIDES = [1024, 800, 640, 512, 400, 320, 256];
const QUALITIES = [0.8, 0.7, 0.6, 0.5];

/**
 * A JPEG of `source` (a canvas with the working photo) of at most `maxBytes`
 * that carries `comment` (links.js's workingComment: the working photo's
 * size): the largest of a few sizes and the best of a few qualities that
 * fits. Resolves to { bytes: Uint8Array, width, height, quality }.
 */
export async function linkPhoto(source, comment, maxBytes = LINK_PHOTO_BYTES) {
  const { width: w, height: h } = source;
  const longest = Math.max(w, h);
  const sides = [...new Set([Math.min(longest, SIDES[0]), ...SIDES.filter((s) => s < longest)])];
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

/** The Share panel: a link to the design (optionally with a small copy of the photo), and the image. */
export class SharePanel {
  #root;
  #session;
  #el; // { photo() ({ full, name, canvas }), say(text, isError), emit(type, detail), stats (the element's counters), painted(), workingComment(w, h) }
  #photoBox;
  #linkButton;
  #imageButton;
  #out;
  #url;
  #size;
  #busy = false;
  #linkKey = ''; // what the shown link was made from (see #key)
  #linkPhoto = null; // the small JPEG copy made for links, of the current photo
  #readyImage = null; // an image prepared for sharing that is waiting for a fresh tap

  constructor(root, session, el) {
    const q = (s) => root.querySelector(s);
    this.#root = root;
    this.#session = session;
    this.#el = el;
    this.#photoBox = q('#share-photo');
    this.#linkButton = q('.share-link');
    this.#imageButton = q('.share-image');
    this.#out = q('.share-out');
    this.#url = q('#share-url');
    this.#size = q('.share-size');
    this.#linkButton.addEventListener('click', () => this.#shareLink());
    this.#imageButton.addEventListener('click', () => this.#shareImage());
    q('.copy-link').addEventListener('click', () => this.#copyLink());
    this.#url.addEventListener('focus', () => this.#url.select());
    this.#photoBox.addEventListener('change', () => this.stale());
  }

  /** A new photo: links and images made of the old one are out of date. */
  newPhoto() {
    this.#linkPhoto = null;
    this.#readyImage = null;
    this.#out.hidden = true;
  }

  /** The design changed: a prepared image is out of date, and a shown link says so once it differs from the design. */
  designChanged() {
    this.#readyImage = null;
    this.stale();
  }

  /** Marks a shown link as out of date once the design or the photo option differs from it. */
  stale() {
    // A late design-change notice for edits made before the link was made must not mark it stale.
    if (!this.#out.hidden && this.#key() !== this.#linkKey) this.#size.textContent = 'The design has changed since this link was made: press Share link for a new one.';
  }

  /** The design and the photo option a link is made from. */
  #key() {
    return `${this.#session.key()}|${this.#photoBox.checked}`;
  }

  async #shareLink() {
    const say = this.#el.say;
    if (!this.#el.photo() || this.#busy) return;
    this.#busy = true;
    this.#linkButton.disabled = true;
    try {
      let photo = null;
      if (this.#photoBox.checked) {
        say('Making a small copy of your photo for the link…');
        const { canvas } = this.#el.photo();
        this.#linkPhoto ??= await linkPhoto(canvas, this.#el.workingComment(canvas.width, canvas.height));
        photo = this.#linkPhoto;
      }
      const fragment = await this.#session.call('share_fragment', photo ? photo.bytes : undefined);
      const link = `${location.origin}${location.pathname}#${fragment}`;
      this.#url.value = link;
      this.#out.hidden = false;
      this.#size.textContent =
        `${link.length.toLocaleString('en')} characters` +
        (photo
          ? `, including a ${photo.width} × ${photo.height} copy of your photo (${kb(photo.bytes.length)}). Long links can be cut off by some email and chat apps.`
          : ' (the design only: no photo).');
      this.#linkKey = this.#key();
      const { stats } = this.#el;
      stats.lastShare = { linkLength: link.length, fragmentLength: fragment.length, photoBytes: photo ? photo.bytes.length : 0 };
      stats.shares++;
      const copied = await copyText(link);
      say(copied ? 'Link copied: paste it into an email or a message.' : 'Here is the link: select it below and copy it.');
      this.#el.emit('smp-share', { method: 'link', photoIncluded: !!photo, linkLength: link.length });
    } catch (e) {
      say(`The link couldn't be made (${e.message}).`, true);
    } finally {
      this.#busy = false;
      this.#linkButton.disabled = false;
    }
  }

  async #copyLink() {
    this.#url.select();
    const copied = await copyText(this.#url.value);
    this.#el.say(copied ? 'Link copied.' : 'Copying is not allowed here: the link is selected, copy it with your keyboard or menu.');
  }

  async #shareImage() {
    const { say, emit } = this.#el;
    const photo = this.#el.photo();
    if (!photo || this.#busy) return;
    this.#busy = true;
    this.#imageButton.disabled = true;
    const { full, name } = photo;
    const key = this.#session.key();
    try {
      let ready = this.#readyImage?.key === key ? this.#readyImage : null;
      if (!ready) {
        say('Preparing the image…');
        await this.#el.painted();
        const blob = await exportImage(this.#session.engine, full, 'image/jpeg');
        ready = { key, blob, file: `${name}-smp-preview.jpg` };
      }
      this.#readyImage = null;
      let how;
      try {
        how = await shareOrDownload(ready.blob, ready.file, this.#root, 'My scalp micropigmentation preview');
      } catch {
        // The browser wants the share to follow a tap closely: keep the image for the next one.
        this.#readyImage = ready;
        say('The image is ready: press Share image again to share it.');
        return;
      }
      if (how === 'cancelled') {
        say('Sharing cancelled.');
        return;
      }
      say(how === 'shared' ? 'Image shared.' : `This browser can't share files, so the image was downloaded (${ready.file}).`);
      emit('smp-share', { method: how === 'shared' ? 'web-share' : 'download' });
    } catch (e) {
      say(`The image couldn't be made (${e.message}). Try a smaller photo.`, true);
    } finally {
      this.#busy = false;
      this.#imageButton.disabled = false;
    }
  }
}
