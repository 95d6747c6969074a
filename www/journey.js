// The treatment journey controls of <smp-preview>: time since treatment
// (fresh, healed, aged 1 to 6 years) with a touch-up, diffuse thinning, and
// the message shown when no face was found to place the hairline. The
// markup (in template.js) sits inside the Dots group; the element queues engine
// changes through `queue(name, value)` and applies them once per frame.

/** Stops of the time control: engine months and what the person reads. */
export const TIME_STOPS = [
  { months: 0, label: 'Fresh (first days)' },
  { months: 1, label: 'Healed (1 month)' },
  { months: 13, label: '1 year' },
  { months: 25, label: '2 years' },
  { months: 37, label: '3 years' },
  { months: 49, label: '4 years' },
  { months: 61, label: '5 years' },
  { months: 72, label: '6 years' },
];
const HEALED = 1;

export const NO_FACE_SHORT = "We couldn't find a face to place the hairline automatically.";
export const NO_FACE =
  "We couldn't find a face to place the hairline automatically: use Place hairline and tap your forehead, or drag the handles.";

/** The stop nearest to `months` (a share link may carry any whole month). */
export function stopFor(months) {
  let best = 0;
  for (let i = 1; i < TIME_STOPS.length; i++) {
    if (Math.abs(TIME_STOPS[i].months - months) < Math.abs(TIME_STOPS[best].months - months)) best = i;
  }
  return best;
}

/** What the time control says for `months`: a stop's label, or the months themselves between stops. */
export function timeLabel(months) {
  const stop = TIME_STOPS.find((s) => s.months === months);
  if (stop) return stop.label;
  return months < 13 ? `${months} months` : `${(months / 12).toFixed(1)} years`;
}

export class Journey {
  #months; // the time slider (its value: an index into TIME_STOPS)
  #thinning;
  #queue;
  #showValue;
  #current = HEALED; // engine months shown

  /**
   * root: the shadow root; queue(name, value): queues an engine change
   * ('months' or 'thinning'); say(text): the status line; showValue(id,
   * text): shows a slider's value.
   */
  constructor(root, queue, say, showValue) {
    this.#months = root.getElementById('months');
    this.#thinning = root.getElementById('thinning');
    this.#queue = queue;
    this.#showValue = showValue;
    this.#months.addEventListener('input', () => {
      const m = TIME_STOPS[Number(this.#months.value)].months;
      this.#show(m);
      this.#queue('months', m);
    });
    root.querySelector('.touch-up').addEventListener('click', () => {
      this.#months.value = String(stopFor(HEALED));
      this.#show(HEALED);
      this.#queue('months', HEALED);
      say('Touch-up: the dots are back to their healed look.');
    });
    this.#thinning.addEventListener('change', () => this.#queue('thinning', this.#thinning.checked));
  }

  /** Follows the engine's design (share links set these too); skips values still queued (`pending(name)`). */
  sync(d, pending) {
    if (!pending('months') && typeof d.months === 'number') {
      if (TIME_STOPS[Number(this.#months.value)].months !== d.months) this.#months.value = String(stopFor(d.months));
      this.#show(d.months);
    }
    if (!pending('thinning') && typeof d.thinning === 'boolean') this.#thinning.checked = d.thinning;
  }

  /** The person's choices here, to carry over to a newly loaded photo. */
  values() {
    return { months: this.#current, thinning: this.#thinning.checked };
  }

  #show(m) {
    this.#current = m;
    this.#showValue('months', timeLabel(m));
  }
}
