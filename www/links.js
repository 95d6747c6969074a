// Share links in <smp-preview>: the link in the page's address, opened (a
// photo it carries, or its design waiting for the next photo) and carried
// over to a person's own photo; and the Share panel, which makes links and
// shares images. The engine reads and writes links (src/share.rs, through
// the session); nothing here sends anything anywhere.

import { exportImage } from './export.js';
import { painted } from './engine-host.js';
import { linkPhoto, workingSize, shareOrDownload, copyText, kb } from './share.js';

/**
 * The share link in the page's address (the text after #), or null. An
 * ordinary in-page anchor (#book, #contact: an element's id) is not one.
 */
export function pageLink() {
  const raw = location.hash.slice(1);
  if (!raw) return null;
  let text = raw;
  try {
    text = decodeURIComponent(raw);
  } catch {
    // keep it as it is: the engine says what is wrong with it
  }
  if (text === 'top' || (text.length <= 256 && document.getElementById(text))) return null;
  return text;
}

/** A link being opened, from reading it to the photo it lands on. */
export class OpenLink {
  /** The link: { fragment, photo (the JPEG bytes it carries, or undefined) }, or null. */
  shared = null;
  /** Why the last link could not be read (the engine's words), or ''. */
  problem = '';
  /** Whether the last link applied set the photo's preview exactly as its sender had it (nothing to ask). */
  exact = false;
  #session;

  constructor(session) {
    this.#session = session;
  }

  /** Reads `fragment`; resolves to the photo it carries (JPEG bytes) or null. A bad link is kept as `problem`. */
  async read(fragment) {
    this.problem = '';
    this.shared = null;
    try {
      this.shared = { fragment, photo: await this.#session.call('read_link', fragment) };
    } catch (e) {
      this.problem = e.message;
    }
    return this.shared?.photo ?? null;
  }

  /**
   * Applies the link to the photo just loaded (`working`, its ImageData):
   * `on` is 'link' (the photo the link carries), 'sample' or 'own' (the
   * person's own). Resolves to what to tell the person.
   */
  async apply(on, working) {
    const { fragment, photo } = this.shared;
    this.exact = on === 'link';
    if (on === 'own') return this.#carryOver();
    // On the photo the link carries, the sender's models' answers (when it holds them) apply too.
    await this.#session.call('apply_link', fragment, on === 'link');
    if (on === 'sample') return 'Showing a shared design on the sample photo. Load a photo of your own head to see the design on you.';
    // The copy is smaller than the sender's photo: scale px/cm with it (the handles are relative already, and
    // stay: NaN keeps the hairline where they put it). Out of range, the link's scale stays.
    const size = workingSize(photo);
    const k = size && size.width > 0 ? working.width / size.width : 1;
    if (k !== 1 && k > 0.05 && k < 20) {
      await this.#session.send([this.#session.edits({ px_per_cm: this.#session.get('px_per_cm') * k, hairline_cm: NaN })]);
    }
    this.shared = null;
    return 'Opened a shared design, on the photo the link carries.';
  }

  /**
   * Carries the shared design over to the person's own photo (the engine's
   * carry_link): on the very photo the link was made on, exactly, brush
   * edits included; on another, every control's value and the hairline
   * handles (relative to the photo), the photo keeping its own scale, and
   * no brush edits, which were painted for another photo.
   */
  async #carryOver() {
    const session = this.#session;
    // undefined: the link was made on this very photo and applied exactly.
    const leftOut = await session.call('carry_link', this.shared.fragment);
    this.shared = null;
    session.clearPending();
    this.exact = leftOut === undefined;
    if (this.exact) return 'Your photo is shown with the shared design, exactly as it was made on this photo.';
    return 'Your photo is shown with the shared design.' + (leftOut ? ' Brush edits were made on another photo, so they are not carried over.' : '');
  }
}

/** The Share panel: a link to the design (optionally with a small copy of the photo), and the image. */
export class SharePanel {
  #root;
  #session;
  #el; // { photo() ({ full, name, canvas }), say(text, isError), emit(type, detail), stats (the element's counters) }
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
        this.#linkPhoto ??= await linkPhoto(this.#el.photo().canvas);
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
        await painted();
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
