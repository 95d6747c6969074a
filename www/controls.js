// The design controls of <smp-preview>: the sliders (their ranges are the
// engine's), hairline shape, edge, "New pattern" and the treatment journey
// (journey.js). Each change goes to the session by name; the controls follow
// the engine's design after every frame (the engine changes some values
// itself, and a share link sets all of them). The markup is in template.js.

import { Journey } from './journey.js';
import { SLIDERS, HAIRLINE, setRanges } from './template.js';

/**
 * A short name for a dot pattern (the seed is a 64-bit number, 20 digits):
 * six letters and digits, enough to tell patterns apart on screen. The
 * share link carries the full seed.
 */
function patternCode(seed) {
  try {
    return (BigInt(seed) % 36n ** 6n).toString(36).toUpperCase().padStart(6, '0');
  } catch {
    return String(seed).slice(-6);
  }
}

export class DesignControls {
  #root;
  #sliders = {}; // the SLIDERS' inputs by engine name
  #shape;
  #seedValue;
  #journey;
  #ranges = null; // the engine's, once it runs
  #el;

  /** root: the shadow root; el: { session(), say(text), showValue(id, text) }. */
  constructor(root, el) {
    this.#root = root;
    this.#el = el;
    const edit = (name, value) => el.session().edit(name, value);
    for (const s of SLIDERS) {
      const input = (this.#sliders[s.name] = root.getElementById(s.name));
      input.addEventListener('input', () => {
        const v = this.#value(s.name);
        el.showValue(s.name, this.#shown(s, v));
        edit(s.name, v);
      });
    }
    this.#shape = root.getElementById('shape');
    this.#seedValue = root.getElementById('seed-value');
    this.#shape.addEventListener('change', () => edit('shape', this.#shape.value));
    for (const r of root.querySelectorAll('input[name=edge]')) r.addEventListener('change', () => edit('edge', r.value));
    root.querySelector('.new-pattern').addEventListener('click', () => {
      // Decimal text: a u64 seed does not survive a JavaScript number.
      edit('seed', crypto.getRandomValues(new BigUint64Array(1))[0].toString());
      el.say('New dot pattern.');
    });
    this.#journey = new Journey(root, edit, (text) => el.say(text), (id, text) => el.showValue(id, text));
  }

  /** The engine runs: the sliders take its ranges ({ name: { min, max, step, value } }), each at its default. */
  setRanges(ranges) {
    this.#ranges = ranges;
    setRanges(this.#root, ranges);
    for (const s of SLIDERS) this.#el.showValue(s.name, this.#shown(s, this.#value(s.name)));
  }

  /** `raw` (an attribute's text) on slider `name`'s grid, or null (not a number, or no ranges yet). */
  snap(name, raw) {
    const s = this.#ranges?.[name];
    const v = raw == null || raw.trim() === '' ? NaN : Number(raw);
    if (!s || !Number.isFinite(v)) return null;
    const snapped = s.min + Math.round((Math.min(s.max, Math.max(s.min, v)) - s.min) / s.step) * s.step;
    return Number(Math.min(s.max, snapped).toFixed(4));
  }

  /** Moves slider `name` to `v` (a starting value), without telling the engine. */
  set(name, v) {
    this.#sliders[name].value = String(v);
    this.#el.showValue(name, this.#shown(SLIDERS.find((s) => s.name === name), v));
  }

  /** The person's choices, to carry over to a newly loaded photo (the hairline's place comes from the photo). */
  values() {
    const values = { shape: this.#shape.value, edge: this.#root.querySelector('input[name=edge]:checked').value, ...this.#journey.values() };
    for (const s of SLIDERS) if (s !== HAIRLINE) values[s.name] = this.#value(s.name);
    return values;
  }

  /** Follows the design `d` (the element's `design`); values whose change is still `pending(name)` keep what the person set. */
  sync(d, pending) {
    for (const s of SLIDERS) {
      if (pending(s.name)) continue;
      if (Number(this.#sliders[s.name].value) !== d[s.name]) this.#sliders[s.name].value = String(d[s.name]);
      this.#el.showValue(s.name, this.#shown(s, d[s.name]));
    }
    if (!pending('shape')) this.#shape.value = d.shape;
    if (!pending('edge')) {
      const edge = this.#root.querySelector(`input[name=edge][value=${d.edge === 'defined' ? 'defined' : 'soft'}]`);
      if (!edge.checked) edge.checked = true;
    }
    this.#seedValue.textContent = `Pattern ${patternCode(d.seed)}`;
    this.#journey.sync(d, pending);
  }

  #value(name) {
    // Rounded so float steps (0.15 + k * 0.05) never land a hair outside the engine's range.
    return Number(Number(this.#sliders[name].value).toFixed(4));
  }

  /** A slider's value as it reads (template.js: SLIDERS' show, with the engine's range). */
  #shown(s, v) {
    return s.show(v, this.#ranges[s.name]);
  }
}
