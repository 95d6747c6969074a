// The markup of <smp-preview> (inside its shadow root) and the numeric
// controls it offers. No inline styles or scripts: the page runs under
// a CSP with style-src 'self'; smp-preview.css styles everything.
//
// The markup is written as string pieces joined with +, which esbuild folds
// into one string for dist/: the indentation here shows the nesting without
// shipping it (whitespace between these tags changes nothing on screen).

import { TIME_STOPS } from './journey.js';

// Numeric controls of the design: the engine's name, a label and how a
// value reads (show(value, range)). Their ranges (min, max, step, default) are the engine's
// (design_ranges): the sliders get them from the engine once it runs
// (setRanges), so they exist in src/design.rs alone.
export const SLIDERS = [
  { name: 'density', label: 'Density', show: (v) => `${v} dots/cm²` },
  { name: 'shade', label: 'Shade', show: (v) => `${Math.round(v * 100)}% pigment` },
  { name: 'dot_mm', label: 'Dot size', show: (v) => `${v.toFixed(2)} mm` },
  { name: 'session', label: 'Session', show: (v, range) => `${v} of ${range.max}` },
  { name: 'hairline_cm', label: 'Hairline height', show: (v) => `${v.toFixed(1)} cm` },
];
export const HAIRLINE = SLIDERS.find((s) => s.name === 'hairline_cm');
const HINTS = {
  density: 'Dots per square centimetre once healed. About half of natural hair density already reads as full.',
  shade: 'How dark the pigment is. Clinics start light and go darker; strong light makes dots look harsher.',
  session: 'Treatment takes 2 to 4 sessions. Session 1 is deliberately light.',
  hairline_cm: 'From between the brows up to the middle of the hairline; 7 to 9 cm is usual. Too low looks too young.',
};

/**
 * The views of a head a photo can show (the engine's names), as the
 * widget offers them, each with a small pictogram (SVG path data, 32 px box).
 */
export const VIEWS = [
  ['front', 'Front', 'M7 15a9 11 0 1 0 18 0a9 11 0 1 0-18 0M12 14h2M18 14h2M14 21h4'],
  ['top', 'Top', 'M5 16a11 11 0 1 0 22 0a11 11 0 1 0-22 0M13 27l3 3 3-3M11 11l2 2M21 11l-2 2'],
  ['left', 'Left side', 'M8 15a10 10 0 1 0 20 0a10 10 0 1 0-20 0M8 13l-4 4 4 1M17 13v5'],
  ['right', 'Right side', 'M4 15a10 10 0 1 0 20 0a10 10 0 1 0-20 0M24 13l4 4-4 1M15 13v5'],
  ['back', 'Back', 'M6 15a10 10 0 1 0 20 0a10 10 0 1 0-20 0M12 25v5M20 25v5M12 8c3 2 5 2 8 0'],
];
const icon = (d) => `<svg viewBox="0 0 32 32" aria-hidden="true" focusable="false"><path d="${d}"></path></svg>`;

/** A hint paragraph that the control `id` names with aria-describedby="ID-hint". */
const hint = (id, text) => `<p class="hint" id="${id}-hint">${text}</p>`;

/**
 * A labelled slider `s` ({ name, label, and min, max, step, value unless
 * the engine gives them: setRanges }, the name is its id) with its value shown beside the label (in #NAME-value, which
 * the element fills; `shown` is the text before it does), an optional hint
 * and extra classes for the field.
 */
const range = (s, text = HINTS[s.name], shown = '', cls = '') =>
  `<div class="field${cls}">` +
    `<div class="field-head"><label for="${s.name}">${s.label}</label>` +
    `<span class="value" id="${s.name}-value" aria-hidden="true">${shown}</span></div>` +
    `<input type="range" id="${s.name}"` +
      (s.min == null ? '' : ` min="${s.min}" max="${s.max}" step="${s.step}" value="${s.value}"`) +
      (shown && ` aria-valuetext="${shown}"`) +
      (text ? ` aria-describedby="${s.name}-hint">${hint(s.name, text)}` : '>') +
  '</div>';

/** A fieldset of design controls, shown by `controls` as group NAME, enabled once a photo is in. */
const group = (name, legend, body) => `<fieldset class="design group-${name}" disabled><legend>${legend}</legend>${body}</fieldset>`;

/** A radio button labelled `label`. */
const radio = (name, value, label, more = '') => `<label><input type="radio" name="${name}" value="${value}"${more}> ${label}</label>`;

export const TEMPLATE =
  '<div class="root">' +
  '<div class="app">' +
    '<section class="viewer" aria-label="Preview">' +
      '<div class="frame empty" tabindex="0" role="group" aria-label="Photo preview. Arrow keys pan, plus and minus zoom, 0 fits the photo.">' +
        '<div class="content">' +
          '<canvas class="after" role="img" aria-label="Your photo with simulated scalp micropigmentation"></canvas>' +
          '<canvas class="before" aria-hidden="true"></canvas>' +
        '</div>' +
        '<svg class="overlay" aria-hidden="true">' +
          '<path class="hairline"></path><line class="divider"></line>' +
          '<path class="trail"></path><circle class="ring" r="0"></circle>' +
        '</svg>' +
        '<div class="handles"></div>' +
        // Asked after a person's own photo loads (smp-preview.js): its view, then, when no face was found, the forehead.
        '<div class="ask ask-view" role="group" aria-labelledby="ask-view-title" hidden>' +
          '<div class="ask-head"><p class="ask-title" id="ask-view-title">Which view is this photo?</p>' +
          '<button type="button" class="ask-close secondary">Not now</button></div>' +
          '<div class="views">' +
            VIEWS.map(([v, label, d]) => `<button type="button" class="view-choice" data-view="${v}" aria-pressed="false">${icon(d)}${label}</button>`).join('') +
          '</div>' +
        '</div>' +
        '<div class="ask ask-tap" role="group" aria-labelledby="ask-tap-title" aria-describedby="ask-tap-hint" hidden>' +
          '<div class="ask-head"><p class="ask-title" id="ask-tap-title">Tap the middle of your forehead where the hairline should start</p>' +
          '<button type="button" class="ask-cancel secondary">Cancel</button></div>' +
          '<button type="button" class="ask-none secondary">My forehead isn\'t in this photo</button>' +
          '<p class="visually-hidden" id="ask-tap-hint">The temples follow. With a keyboard, press Cancel and move the hairline handles with the arrow keys.</p>' +
        '</div>' +
        '<div class="message"><div class="spinner" aria-hidden="true"></div><p>Loading the preview engine…</p></div>' +
        '<div class="busy" hidden><div class="spinner" aria-hidden="true"></div><p>Preparing the preview…</p></div>' +
        '<div class="drop-hint" hidden><p>Drop your photo to preview it</p></div>' +
      '</div>' +
      '<div class="under">' +
        '<div class="toolbar group-zoom" role="group" aria-label="Zoom">' +
          '<button type="button" class="zoom-out" aria-label="Zoom out">−</button>' +
          '<span class="zoom-level" aria-hidden="true">100%</span>' +
          '<button type="button" class="zoom-in" aria-label="Zoom in">+</button>' +
          '<button type="button" class="fit">Fit</button>' +
          '<button type="button" class="actual" aria-label="Actual size, 100%">100%</button>' +
        '</div>' +
        range({ name: 'compare', label: 'Before / after', min: 0, max: 100, step: 1, value: 0 }, '', 'After', ' compare group-compare') +
      '</div>' +
      '<p class="status" role="status" aria-live="polite"></p>' +
      '<div class="invite" hidden>' +
        '<p>This shared design is shown on a sample photo. Load a photo of your own head to see it on you: the design carries over.</p>' +
        '<label for="file" class="button">Choose your photo…</label>' +
      '</div>' +
      '<p class="note">Results vary between people (skin, age, healing, practitioner): this is an illustration, not a promise.</p>' +
    '</section>' +

    '<div class="panel">' +
      '<div class="cta-row" hidden>' +
        '<a class="button cta cta-link" hidden>Contact the clinic</a>' +
        '<button type="button" class="cta cta-button" hidden>Contact the clinic</button>' +
      '</div>' +

      '<fieldset class="photo-set group-photo">' +
        '<legend>Your photo</legend>' +
        '<div class="row">' +
          '<input type="file" id="file" accept="image/*" class="visually-hidden">' +
          '<label for="file" class="button">Choose a photo…</label>' +
          '<input type="file" id="camera" accept="image/*" capture="user" class="visually-hidden">' +
          '<label for="camera" class="button secondary">Take a selfie</label>' +
        '</div>' +
        '<p class="hint">Or drop a photo onto the preview. A front or top view of your head works best. ' +
          'Your photo stays on this device: nothing is uploaded.</p>' +
        '<div class="field view-field">' +
          '<label for="view">View of this photo</label>' +
          '<select id="view" disabled aria-describedby="view-hint">' +
            VIEWS.map(([v, label]) => `<option value="${v}">${label}</option>`).join('') +
          '</select>' +
          hint('view', 'Front and top views get a hairline; side and back views fill the scalp.') +
        '</div>' +
      '</fieldset>' +

      group(
        'dots',
        'Dots',
        SLIDERS.filter((s) => s !== HAIRLINE).map((s) => range(s)).join('') +
          '<button type="button" class="new-pattern" aria-describedby="seed-value">New pattern</button>' +
          '<p class="hint" id="seed-value"></p>' +
          // "Over time" (journey.js): time since treatment, touch-up, diffuse thinning.
          '<fieldset class="journey">' +
            '<legend>Over time</legend>' +
            range(
              { name: 'months', label: 'Time since treatment', min: 0, max: TIME_STOPS.length - 1, step: 1, value: 1 },
              'Fresh dots are darker and crisper for the first days; healed dots settle about a month later. ' +
                'Over years they fade and soften (touch-ups are usual after 3 to 5 years).',
              TIME_STOPS[1].label,
            ) +
            '<button type="button" class="touch-up" aria-describedby="touch-up-hint">Touch-up</button>' +
            hint('touch-up', 'Restores the healed look.') +
            '<label class="check"><input type="checkbox" id="thinning" aria-describedby="thinning-hint"> ' +
              "I'm keeping my hair (diffuse thinning)</label>" +
            hint('thinning', 'Dots go between your existing hairs as shading, where skin shows.') +
          '</fieldset>',
      ) +

      group(
        'hairline',
        'Hairline',
        '<button type="button" class="place-hairline secondary" aria-describedby="place-hint">Place hairline</button>' +
          hint('place', 'Then tap the middle of the forehead on the photo: the temples follow.') +
          range(HAIRLINE) +
          '<div class="field">' +
            '<label for="shape">Hairline shape</label>' +
            '<select id="shape">' +
              '<option value="classic">Classic</option>' +
              '<option value="rounded">Rounded</option>' +
              '<option value="mature">Mature (recessed temples)</option>' +
            '</select>' +
          '</div>' +
          '<fieldset class="choice">' +
            '<legend>Edge</legend>' +
            radio('edge', 'soft', 'Soft', ' checked') +
            radio('edge', 'defined', 'Defined') +
          '</fieldset>' +
          '<label class="check"><input type="checkbox" id="show-line" checked> Show hairline guide</label>' +
          '<p class="hint">Drag the round handles on the photo, or focus one and use the arrow keys.</p>',
      ) +

      group(
        'brush',
        'Scalp brush',
        '<fieldset class="choice">' +
          '<legend>Brush</legend>' +
          radio('brush', 'off', 'Off', ' checked') +
          radio('brush', 'add', 'Add scalp') +
          radio('brush', 'erase', 'Erase') +
          radio('brush', 'scar', 'Scar', ' aria-describedby="scar-hint"') +
        '</fieldset>' +
        range({ name: 'brush-size', label: 'Brush size', min: 0.5, max: 6, step: 0.5, value: 2 }) +
        '<button type="button" class="undo" disabled>Undo brush stroke</button>' +
        '<p class="hint">Paint on the photo to add scalp the preview missed or erase dots from hair, ears or background. ' +
          'Drag with two fingers (or the middle mouse button) to move the photo while painting.</p>' +
        hint('scar', 'Scar: drag along a strip scar, or tap each small dot scar, to blend it in with dots. Undo takes back scars too.'),
      ) +

      group(
        'download',
        'Download',
        '<div class="row">' +
          '<button type="button" class="download" data-type="image/png">Download PNG</button>' +
          '<button type="button" class="download" data-type="image/jpeg">Download JPEG</button>' +
        '</div>' +
        '<p class="hint export-size"></p>',
      ) +

      group(
        'share',
        'Share',
        '<p class="hint">A share link carries the design (every setting, the hairline and brush edits), not your photo.</p>' +
          '<label class="check"><input type="checkbox" id="share-photo" aria-describedby="share-photo-hint"> ' +
            'Include a small copy of my photo in the link</label>' +
          hint('share-photo', 'Off unless you tick it. Anyone who gets the link can then see the photo.') +
          '<div class="row">' +
            '<button type="button" class="share-link">Share link</button>' +
            '<button type="button" class="share-image">Share image</button>' +
          '</div>' +
          '<div class="field share-out" hidden>' +
            '<div class="field-head"><label for="share-url">Link to this design</label></div>' +
            '<div class="row nowrap">' +
              '<input type="text" id="share-url" readonly spellcheck="false" autocomplete="off" aria-describedby="share-size">' +
              '<button type="button" class="copy-link secondary">Copy</button>' +
            '</div>' +
            '<p class="hint share-size" id="share-size"></p>' +
          '</div>',
      ) +
    '</div>' +
  '</div>' +
  '</div>';

/** Gives the SLIDERS in `root` the engine's `ranges` ({ name: { min, max, step, value } }), each at its default. */
export function setRanges(root, ranges) {
  for (const { name } of SLIDERS) {
    const r = ranges[name];
    Object.assign(root.getElementById(name), { min: r.min, max: r.max, step: r.step, value: r.value });
  }
}

/** Control groups the `controls` attribute can list (all are shown without it). */
export const CONTROL_GROUPS = ['photo', 'dots', 'hairline', 'brush', 'download', 'share', 'compare', 'zoom'];
