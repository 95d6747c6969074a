#!/usr/bin/env python3
"""Scores the MediaPipe models (benches/models/run.mjs) and today's engine
(benches/models/engine_masks.rs) against tests/annotations/, side by side.

    python3 benches/models/score.py [--out target/models]

Reads OUT/raw/*.json, *.seg.png, OUT/engine/*, OUT/timing-*.json; writes
OUT/results.md (the tables of benches/models/README.md), OUT/per-photo.csv
and OUT/contact-sheet.png (4 photos per view: annotated scalp green, model
person mask cyan, model scalp estimate yellow, engine mask red; hairline
points: annotated white, model yellow, engine red).
"""
import csv, glob, gzip, json, math, os, sys
import numpy as np
from PIL import Image, ImageDraw

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
OUT = os.path.join(ROOT, sys.argv[sys.argv.index('--out') + 1] if '--out' in sys.argv else 'target/models')
# The 468-point mesh from another run (the legacy face_mesh package: tasks-vision cannot run its model).
MESH_FROM = os.path.join(ROOT, sys.argv[sys.argv.index('--mesh-from') + 1]) if '--mesh-from' in sys.argv else None
PHOTOS = os.path.join(ROOT, '..', 'shared', 'photos')
VIEWS = ['front', 'top', 'left', 'right', 'back']
IPD_CM, SKULL_CM = 6.3, 15.0
GLABELLA_ABOVE_PUPILS_CM = 0.6      # src/face.rs
HAIRLINE_CM, FOREHEAD_PROJECTION = 8.0, 0.80   # src/design.rs defaults
SEG_THRESHOLD = 128                 # person-mask confidence 0.5
ENGINE_THRESHOLD = 128


def annotations():
    out = []
    for f in sorted(glob.glob(os.path.join(ROOT, 'tests/annotations/*.txt'))):
        for raw in open(f):
            line = raw.split('#')[0].strip()
            if not line:
                continue
            if line.startswith('['):
                out.append({'photo': line[1:-1], 'scalp': [], 'face': [], 'hairline': None, 'eyes': None})
                continue
            key, _, rest = line.partition(' ')
            pts = [tuple(map(float, p.split(','))) for p in rest.split()] if key in ('scalp', 'face', 'eyes', 'hairline') else None
            a = out[-1]
            if key == 'view': a['view'] = rest.strip()
            elif key in ('scalp', 'face'): a[key].append(pts)
            elif key == 'hairline': a['hairline'] = pts[0]
            elif key == 'eyes': a['eyes'] = pts
    return out


def raster(polys, w, h):
    img = Image.new('L', (w, h), 0)
    d = ImageDraw.Draw(img)
    for p in polys:
        d.polygon(p, fill=255)
    return np.array(img) > 0


def true_px_per_cm(a, scalp):
    if a['eyes']:
        (x0, y0), (x1, y1) = a['eyes']
        return math.hypot(x1 - x0, y1 - y0) / IPD_CM
    rows = scalp.any(axis=1)
    widest = max((np.flatnonzero(r)[-1] - np.flatnonzero(r)[0] + 1) for r in scalp[rows]) if rows.any() else 0
    return widest / SKULL_CM


def stem(photo):
    return photo.replace('/', '__')


# ---- face geometry from model outputs -------------------------------------

def mesh_geometry(mesh):
    """Eyes, scale, up vector, yaw and two hairline estimates from the 468-point mesh."""
    P = np.array(mesh)
    # Eye centres: mid of the corners (person's right eye = image left: 33 outer, 133 inner).
    er = (P[33, :2] + P[133, :2]) / 2
    el = (P[263, :2] + P[362, :2]) / 2
    ipd = np.linalg.norm(el - er)
    # Corner-to-corner midpoints sit ~at the pupils; IPD from them.
    ppc = ipd / IPD_CM
    eye_dir = (el - er) / ipd
    up = np.array([eye_dir[1], -eye_dir[0]])          # perpendicular, pointing up in a level face
    if np.dot(up, P[10, :2] - P[152, :2]) < 0:
        up = -up
    mid = (er + el) / 2
    # (a) as the engine does, from the eyes: glabella 0.6 cm above the pupils, hairline 8 cm * 0.8 up.
    glab_a = mid + up * GLABELLA_ABOVE_PUPILS_CM * ppc
    hl_a = glab_a + up * HAIRLINE_CM * FOREHEAD_PROJECTION * ppc
    # (b) along the forehead as the mesh sees it in 3D: from landmark 9 (between the brows)
    # toward landmark 10 (top of the mesh), 8 cm of surface, foreshortened as the mesh is.
    v3 = P[10] - P[9]
    l3 = np.linalg.norm(v3)
    hl_b = P[9, :2] + v3[:2] / l3 * HAIRLINE_CM * FOREHEAD_PROJECTION * ppc
    # Yaw: nose tip against the cheeks' midpoint (234 image-left cheek, 454 image-right).
    cheeks = P[454, 0] - P[234, 0]
    yaw = (P[1, 0] - (P[234, 0] + P[454, 0]) / 2) / max(abs(cheeks), 1e-6)
    oval = [10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377,
            152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109]
    return {'eyes': (er, el), 'ppc': ppc, 'up': up, 'hl_eyes': hl_a, 'hl_mesh3d': hl_b, 'yaw': yaw,
            'oval': [tuple(P[i, :2]) for i in oval], 'top': P[10, :2]}


def det_geometry(det):
    """Hairline and yaw from the 6 keypoints of face_detection (eye R, eye L, nose, mouth, ear R, ear L)."""
    K = np.array(det['keypoints'])
    er, el = K[0], K[1]
    ipd = np.linalg.norm(el - er)
    ppc = ipd / IPD_CM
    eye_dir = (el - er) / max(ipd, 1e-6)
    up = np.array([eye_dir[1], -eye_dir[0]])
    if np.dot(up, (er + el) / 2 - K[3]) < 0:
        up = -up
    mid = (er + el) / 2
    hl = mid + up * (GLABELLA_ABOVE_PUPILS_CM + HAIRLINE_CM * FOREHEAD_PROJECTION) * ppc
    yaw = (K[2, 0] - mid[0]) / max(ipd, 1e-6)
    return {'ppc': ppc, 'up': up, 'hl_eyes': hl, 'yaw': yaw}


# ---- view classifier from model outputs -----------------------------------

def engine_const(name):
    """A threshold as the engine ships it (src/hints.rs): one source, read here."""
    import re
    text = open(os.path.join(ROOT, 'src', 'hints.rs')).read()
    m = re.search(r'const ' + name + r': f64 = ([0-9.]+);', text)
    if not m:
        sys.exit(f'src/hints.rs: no const {name} (renamed? update benches/models/score.py)')
    return float(m.group(1))


DET_FRONT = engine_const('FRONT_SCORE')      # score a frontal face needs
DET_PROFILE = engine_const('PROFILE_SCORE')  # score a profile needs
SKIN_TOP = engine_const('TOP_SKIN_SHARE')    # skin-coloured share of the mask's upper part: a bare crown from above
# The mesh spike's own profile test (the engine tells profiles by the nose beside the skull,
# hints::PROFILE_NOSE, on the head it finds in the person mask; the mesh is not shipped).
YAW_PROFILE = 0.4        # |nose - eye midpoint| / eye distance beyond which a face is a profile


ENGINE_VIEWS = {}


def engine_views():
    """The engine's view per photo from the same model outputs (tests/model-hints/), as
    `cargo test --release --test phone_eval` wrote it: the classifier that ships."""
    path = os.path.join(ROOT, 'target', 'phone-eval.csv')
    if not os.path.exists(path):
        sys.exit('target/phone-eval.csv is missing: run `cargo test --release --test phone_eval` first')
    return {r['photo']: r['models_view'] for r in csv.DictReader(open(path))}


def mask_features(seg, photo):
    """Shape and colour of the person mask, for views without a face."""
    m = seg >= SEG_THRESHOLD
    h, w = m.shape
    if m.sum() < 100:
        return None
    ys, xs = np.nonzero(m)
    top = ys.min()
    # Skin-coloured share of the upper part of the mask (a bald crown from above is mostly skin;
    # hair from behind mostly not): a loose RGB skin rule.
    upper = m & (np.arange(h)[:, None] < top + 0.45 * (ys.max() - top))
    rgb = photo[..., :3].astype(int)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    skin = (r > 60) & (r > g) & (r > b) & (r - np.minimum(g, b) > 12) & (abs(r - g) > 8)
    skin_share = (skin & upper).sum() / max(upper.sum(), 1)
    return {'area': m.mean(), 'top': top / h, 'skin': skin_share}


def classify(face, feats, score=None):
    """The face mesh's view (the spike's rule): a face and its yaw give front/left/right;
    without one, a mostly skin-coloured upper mask gives top, else back. The face
    detector's view is the engine's own (engine_views)."""
    if face is not None:
        yaw = face['yaw']
        if abs(yaw) > YAW_PROFILE and (score is None or score >= DET_PROFILE):
            # nose toward the image's left: the person's left side faces the camera
            return 'left' if yaw < 0 else 'right'
        if score is None or score >= DET_FRONT:
            return 'front'
    if feats is None:
        return 'top'
    return 'top' if feats['skin'] >= SKIN_TOP else 'back'


# ---- per-photo scoring -----------------------------------------------------

def region_above(shape, point, up):
    """Half-plane of pixels above the line through `point` perpendicular to `up`."""
    h, w = shape
    yy, xx = np.mgrid[0:h, 0:w]
    return ((xx - point[0]) * up[0] + (yy - point[1]) * up[1]) >= 0


def score_photo(a):
    s = stem(a['photo'])
    rawf = os.path.join(OUT, 'raw', s + '.json')
    engf = os.path.join(OUT, 'engine', s + '.json')
    if not (os.path.exists(rawf) and os.path.exists(engf)):
        return None
    raw, eng = json.load(open(rawf)), json.load(open(engf))
    if MESH_FROM:
        mf = os.path.join(MESH_FROM, 'raw', s + '.json')
        other = json.load(open(mf)) if os.path.exists(mf) else {}
        raw['mesh'] = other.get('mesh')
        if 'mesh' in other.get('ms', {}):
            raw.setdefault('ms', {})['mesh_legacy'] = other['ms']['mesh']
    photo = np.array(Image.open(os.path.join(PHOTOS, a['photo'])).convert('RGB'))
    h, w = photo.shape[:2]
    scalp, face = raster(a['scalp'], w, h), raster(a['face'], w, h)
    ppc_true = true_px_per_cm(a, scalp)
    segp = os.path.join(OUT, 'raw', s + '.seg.png')
    seg = np.array(Image.open(segp).convert('L')) if os.path.exists(segp) else np.zeros((h, w), np.uint8)
    emask = np.array(Image.open(os.path.join(OUT, 'engine', s + '.mask.png')).convert('L'))
    M, E = seg >= SEG_THRESHOLD, emask >= ENGINE_THRESHOLD
    # Head box: the annotated scalp and face, widened 10% left, right and up (the background
    # beside and above the head counts; the neck and clothes below the chin do not).
    ys, xs = np.nonzero(scalp | face)
    bw, bh = xs.max() - xs.min(), ys.max() - ys.min()
    box = np.zeros_like(scalp)
    box[max(0, int(ys.min() - 0.1 * bh)):ys.max() + 1, max(0, int(xs.min() - 0.1 * bw)):int(xs.max() + 0.1 * bw) + 1] = True
    head = scalp | face
    r = {'photo': a['photo'], 'view': a['view']}
    for name, m in (('model', M), ('engine', E)):
        r[name + '_recall'] = (scalp & m).sum() / scalp.sum()
        inbox = m & box
        r[name + '_leak'] = (inbox & ~head).sum() / max(inbox.sum(), 1)
    # Faces.
    mesh = mesh_geometry(raw['mesh']) if raw.get('mesh') else None
    det = det_geometry(raw['det']) if raw.get('det') else None
    r['mesh_face'] = mesh is not None
    r['det_face'] = det is not None
    r['engine_face'] = eng['eyes'] is not None
    # Hairline errors, cm.
    if a['hairline']:
        hx, hy = a['hairline']
        err = lambda p: math.hypot(p[0] - hx, p[1] - hy) / ppc_true
        r['engine_hl'] = err(eng['hairline'])
        if mesh:
            r['mesh_hl_eyes'] = err(mesh['hl_eyes'])
            r['mesh_hl_3d'] = err(mesh['hl_mesh3d'])
        if det:
            r['det_hl'] = err(det['hl_eyes'])
    # View.
    feats = mask_features(seg, photo)
    r['det_score'] = raw['det']['score'] if det else None
    r['view_mesh'] = classify(mesh, feats)
    r['view_det'] = ENGINE_VIEWS.get(a['photo'], classify(det, feats, r['det_score']))
    r['view_engine'] = eng['view']
    r['yaw_mesh'] = mesh['yaw'] if mesh else None
    r['yaw_det'] = det['yaw'] if det else None
    if feats:
        r.update({'f_' + k: v for k, v in feats.items()})
    # Scalp estimate from the models: the person mask, above the hairline estimate on a face
    # seen from the front, less the face oval on other views with a face; compared with the
    # engine's own estimate (its mask above its hairline, as its dots are).
    est = M.copy()
    view = r['view_det']
    hl_model = None
    if det is not None and view == 'front':
        hl_model = det['hl_eyes']
        est &= region_above((h, w), hl_model, det['up'])
    elif det is not None and view in ('left', 'right'):
        # A profile: no dots on the face (the detection's box) nor below the ear's tragion.
        b = raw['det']['box']
        fb = raster([[(b['originX'], b['originY']), (b['originX'] + b['width'], b['originY']),
                      (b['originX'] + b['width'], b['originY'] + b['height']), (b['originX'], b['originY'] + b['height'])]], w, h)
        K = np.array(raw['det']['keypoints'])
        ear = K[4] if view == 'right' else K[5]
        est &= ~fb & (np.arange(h)[:, None] < ear[1])
    eng_est = E & (np.arange(h)[:, None] <= eng['hairline'][1])
    # Hybrid: the engine's own mask, cut to the model's person outline (and hairline on a front).
    hyb = est & E
    for name, e in (('model_est', est), ('engine_est', eng_est), ('hybrid_est', hyb)):
        r[name + '_outside'] = (e & ~scalp).sum() / max(e.sum(), 1) if e.any() else 1.0
        r[name + '_onface'] = (e & face).sum() / max(e.sum(), 1) if e.any() else 0.0
        r[name + '_covered'] = (e & scalp).sum() / scalp.sum()
    # Timing.
    r.update({'ms_' + k: v for k, v in raw.get('ms', {}).items()})
    r['ms_engine_detect'] = eng['detect_ms']
    r['_draw'] = {'seg': M, 'est': est, 'eng': E, 'scalp': scalp, 'hl_true': a['hairline'],
                  'hl_model': hl_model, 'hl_engine': eng['hairline'], 'mesh': mesh}
    return r


# ---- tables ------------------------------------------------------------------

def frac(xs, pred):
    xs = [x for x in xs if x is not None]
    if not xs:
        return '-'
    n = sum(1 for x in xs if pred(x))
    return f'{n}/{len(xs)} ({100 * n / len(xs):.0f}%)'


def med(xs):
    xs = sorted(x for x in xs if x is not None)
    return f'{xs[len(xs) // 2]:.2f}' if xs else '-'


def tables(rows):
    out = []
    groups = [(v, [r for r in rows if r['view'] == v and r['photo'].startswith('phone/')]) for v in VIEWS]
    groups.append(('**all phone**', [r for r in rows if r['photo'].startswith('phone/')]))
    out.append('### 1. Person mask vs today\'s engine mask (scalp recall; leak = share of the mask inside the head box that is neither scalp nor face)\n')
    out.append('| view | photos | scalp inside mask, median: model / engine | recall >= 95%: model / engine | leak, median: model / engine | leak <= 10%: model / engine |')
    out.append('|---|---|---|---|---|---|')
    for v, g in groups:
        out.append(f"| {v} | {len(g)} | {med([r['model_recall'] for r in g])} / {med([r['engine_recall'] for r in g])} | "
                   f"{frac([r['model_recall'] for r in g], lambda x: x >= .95)} / {frac([r['engine_recall'] for r in g], lambda x: x >= .95)} | "
                   f"{med([r['model_leak'] for r in g])} / {med([r['engine_leak'] for r in g])} | "
                   f"{frac([r['model_leak'] for r in g], lambda x: x <= .10)} / {frac([r['engine_leak'] for r in g], lambda x: x <= .10)} |")
    out.append('\n### 2. Face found (share of photos) and front-view hairline error (cm)\n')
    out.append('| view | photos | face: face_mesh / face_detection / engine eyes |')
    out.append('|---|---|---|')
    for v, g in groups:
        out.append(f"| {v} | {len(g)} | {frac([r['mesh_face'] for r in g], bool)} / {frac([r['det_face'] for r in g], bool)} / {frac([r['engine_face'] for r in g], bool)} |")
    out.append('')
    out.append('| photos with a hairline drawn | n | within 1 cm | median error cm | within 2 cm |')
    out.append('|---|---|---|---|---|')
    for v in ('front', 'top'):
        g = [r for r in rows if r['view'] == v and r['photo'].startswith('phone/') and 'engine_hl' in r]
        for key, label in (('engine_hl', "today's engine"), ('mesh_hl_3d', 'face_mesh, along the 3D forehead (lm 9->10)'),
                           ('mesh_hl_eyes', 'face_mesh, engine formula from its eyes'), ('det_hl', 'face_detection, engine formula from its eyes')):
            xs = [r.get(key) for r in g]
            found = [x for x in xs if x is not None]
            out.append(f"| {v}: {label} | {len(found)} of {len(g)} | {frac(found, lambda x: x <= 1)} | {med(found)} | {frac(found, lambda x: x <= 2)} |")
    out.append('\n### 3. View recognised\n')
    out.append('| view | photos | face_mesh (yaw) + mask | face_detection (score, yaw) + mask | today\'s engine |')
    out.append('|---|---|---|---|---|')
    for v, g in groups:
        out.append(f"| {v} | {len(g)} | {frac([r['view_mesh'] == r['view'] for r in g], bool)} | {frac([r['view_det'] == r['view'] for r in g], bool)} | {frac([r['view_engine'] == r['view'] for r in g], bool)} |")
    ph = [r for r in rows if r['photo'].startswith('phone/')]
    out.append('\nConfusion (face_detection + mask; rows annotated, columns classified):\n')
    out.append('| | ' + ' | '.join(VIEWS) + ' |')
    out.append('|---|' + '---|' * len(VIEWS))
    for v in VIEWS:
        out.append(f'| {v} | ' + ' | '.join(str(sum(1 for r in ph if r['view'] == v and r['view_det'] == c)) for c in VIEWS) + ' |')
    out.append('\n### 4. Scalp estimate (pixel proxy of the scorer\'s targets). model = person mask, cut above the face_detection hairline on a front, less the face box and below the ear on a profile, whole on top/back; hybrid = that cut with the engine\'s colour mask; engine = its mask above its hairline\n')
    out.append('| view | photos | outside <= 2%: model / hybrid / engine | covered >= 90%: model / hybrid / engine | outside, median: model / hybrid / engine | covered, median: model / hybrid / engine | on face, median: model / hybrid / engine |')
    out.append('|---|---|---|---|---|---|---|')
    K = ('model_est', 'hybrid_est', 'engine_est')
    for v, g in groups:
        out.append(f"| {v} | {len(g)} | " + ' / '.join(frac([r[k + '_outside'] for r in g], lambda x: x <= .02) for k in K) + ' | '
                   + ' / '.join(frac([r[k + '_covered'] for r in g], lambda x: x >= .9) for k in K) + ' | '
                   + ' / '.join(med([r[k + '_outside'] for r in g]) for k in K) + ' | '
                   + ' / '.join(med([r[k + '_covered'] for r in g]) for k in K) + ' | '
                   + ' / '.join(med([r[k + '_onface'] for r in g]) for k in K) + ' |')
    return '\n'.join(out)


SIZE_FILES = {
    'legacy selfie_segmentation': [('node_modules/@mediapipe/selfie_segmentation', f) for f in (
        'selfie_segmentation.js', 'selfie_segmentation_solution_simd_wasm_bin.js', 'selfie_segmentation_solution_simd_wasm_bin.wasm',
        'selfie_segmentation.binarypb', 'selfie_segmentation.tflite')],
    'legacy face_detection': [('node_modules/@mediapipe/face_detection', f) for f in (
        'face_detection.js', 'face_detection_solution_simd_wasm_bin.js', 'face_detection_solution_simd_wasm_bin.wasm',
        'face_detection_short.binarypb', 'face_detection_short_range.tflite')],
    'legacy face_mesh': [('node_modules/@mediapipe/face_mesh', f) for f in (
        'face_mesh.js', 'face_mesh_solution_simd_wasm_bin.js', 'face_mesh_solution_simd_wasm_bin.wasm', 'face_mesh.binarypb',
        'face_mesh_solution_packed_assets_loader.js', 'face_mesh_solution_packed_assets.data')],
    'tasks-vision runtime': [('node_modules/@mediapipe/tasks-vision', f) for f in (
        'vision_bundle.mjs', 'wasm/vision_wasm_internal.js', 'wasm/vision_wasm_internal.wasm')],
    'tasks model: selfie_segmentation': [('target/models/tv', 'selfie_segmentation.tflite')],
    'tasks model: face_detector': [('target/models/tv', 'face_detector.tflite')],
    'tasks model: face_landmarker.task (468-pt, not usable, see README)': [('target/models/tv', 'face_landmarker.task')],
}
CONFIGS = {
    'A. legacy selfie_segmentation + legacy face_detection (two runtimes, WebGL)': ['legacy selfie_segmentation', 'legacy face_detection'],
    'B. tasks-vision + selfie_segmentation + face_detector (one runtime, CPU)': ['tasks-vision runtime', 'tasks model: selfie_segmentation', 'tasks model: face_detector'],
    'C. legacy selfie_segmentation + legacy face_mesh': ['legacy selfie_segmentation', 'legacy face_mesh'],
    'D. tasks-vision + selfie_segmentation only': ['tasks-vision runtime', 'tasks model: selfie_segmentation'],
}


def sizes():
    out = ['| part | file | raw bytes | gzip -9 bytes |', '|---|---|---|---|']
    tot = {}
    for part, files in SIZE_FILES.items():
        t = tot.setdefault(part, [0, 0])
        for d, f in files:
            p = os.path.join(ROOT, d, f)
            if not os.path.exists(p):
                out.append(f'| {part} | {f} | missing | |')
                continue
            data = open(p, 'rb').read()
            gz = len(gzip.compress(data, 9))
            out.append(f'| {part} | {f} | {len(data):,} | {gz:,} |')
            t[0] += len(data); t[1] += gz
    out += ['', '| configuration | raw MB | gzip MB | within 6 MB gzip |', '|---|---|---|---|']
    for name, parts in CONFIGS.items():
        raw = sum(tot[p][0] for p in parts) / 1e6
        gz = sum(tot[p][1] for p in parts) / 1e6
        out.append(f'| {name} | {raw:.2f} | {gz:.2f} | {"yes" if gz <= 6 else "no"} |')
    return '\n'.join(out), tot


def timing_table(rows):
    """Every OUT/timing-*.json (run.mjs), plus the engine's native detect time."""
    out = ['| run | CPU | model | photos | load + init ms | first photo ms | median per photo ms | max ms |', '|---|---|---|---|---|---|---|---|']
    for p in sorted(glob.glob(os.path.join(OUT, 'timing-*.json'))):
        t = json.load(open(p))
        for rate, run in sorted(t['runs'].items()):
            for m in run['load_ms']:
                f = lambda v: '-' if v is None else f'{v:.0f}'
                out.append(f"| {os.path.basename(p)[7:-5]} | {rate}x | {m} | {run['photos']} | {f(run['load_ms'][m])} | {f(run['first_photo_ms'].get(m))} | {f(run['median_ms'][m])} | {f(run['max_ms'][m])} |")
    eng = sorted(r['ms_engine_detect'] for r in rows)
    out.append(f"| native | 1x | today's engine ScalpMask::detect (not in a browser) | {len(eng)} | - | - | {eng[len(eng) // 2]:.0f} | {eng[-1]:.0f} |")
    return '\n'.join(out)


# ---- contact sheet -------------------------------------------------------------

def outline(m, k=2):
    e = m.copy()
    for dy in range(-k, k + 1):
        for dx in range(-k, k + 1):
            e &= np.roll(np.roll(m, dy, 0), dx, 1)
    return m & ~e


def contact_sheet(rows, path, per_view=4, cell=(320, 427)):
    picked = []
    for v in VIEWS:
        g = [r for r in rows if r['view'] == v and r['photo'].startswith('phone/')]
        step = max(1, len(g) // per_view)
        picked += g[step // 2::step][:per_view]
    W, H = cell
    sheet = Image.new('RGB', (W * per_view, (H + 16) * len(VIEWS)), 'black')
    for i, r in enumerate(picked):
        d = r['_draw']
        img = np.array(Image.open(os.path.join(PHOTOS, r['photo'])).convert('RGB'))
        for m, col in ((d['eng'], (255, 40, 40)), (d['est'], (255, 230, 0)), (d['seg'], (0, 220, 255)), (d['scalp'], (0, 255, 0))):
            img[outline(m, 2)] = col
        im = Image.fromarray(img)
        dr = ImageDraw.Draw(im)
        for pnt, col in ((d['hl_true'], 'white'), (d['hl_model'], 'yellow'), (d['hl_engine'], 'red')):
            if pnt is not None:
                x, y = pnt
                dr.ellipse([x - 9, y - 9, x + 9, y + 9], outline=col, width=4)
        if d['mesh']:
            for x, y in d['mesh']['oval']:
                dr.ellipse([x - 2, y - 2, x + 2, y + 2], fill='magenta')
        im = im.resize(cell)
        x0, y0 = (i % per_view) * W, (i // per_view) * (H + 16)
        sheet.paste(im, (x0, y0 + 16))
        ImageDraw.Draw(sheet).text((x0 + 3, y0 + 2), f"{r['photo'][6:26]} {r['view']}->{r['view_det']}", fill='white')
    sheet.save(path)
    return [r['photo'] for r in picked]


def agreement():
    """Legacy (WebGL) vs tasks-vision (CPU) person masks on the photos both runs covered."""
    if not MESH_FROM:
        return ''
    ious = []
    for p in sorted(glob.glob(os.path.join(MESH_FROM, 'raw', '*.seg.png'))):
        q = os.path.join(OUT, 'raw', os.path.basename(p))
        if os.path.exists(q):
            a = np.array(Image.open(p).convert('L')) >= SEG_THRESHOLD
            b = np.array(Image.open(q).convert('L')) >= SEG_THRESHOLD
            ious.append((a & b).sum() / max((a | b).sum(), 1))
    if not ious:
        return ''
    ious.sort()
    return (f'\nSame model, two runtimes: the person masks of the legacy package (WebGL) and of tasks-vision (CPU) '
            f'on the {len(ious)} photos both runs covered: IoU median {ious[len(ious) // 2]:.3f}, min {ious[0]:.3f}.\n')


def main():
    global ENGINE_VIEWS
    ENGINE_VIEWS = engine_views()
    rows = [r for r in (score_photo(a) for a in annotations()) if r]
    md = ['## Results (generated by benches/models/score.py)\n', tables(rows), agreement(), '\n### Sizes (what the browser fetches)\n']
    st, tot = sizes()
    md += [st, '\n### Timing (headless Chromium, this machine; see README for the caveats)\n', timing_table(rows)]
    open(os.path.join(OUT, 'results.md'), 'w').write('\n'.join(md) + '\n')
    keys = [k for k in rows[0] if not k.startswith('_')]
    allkeys = sorted({k for r in rows for k in r if not k.startswith('_')}, key=lambda k: (k not in keys, keys.index(k) if k in keys else 0, k))
    with open(os.path.join(OUT, 'per-photo.csv'), 'w', newline='') as f:
        wr = csv.DictWriter(f, fieldnames=allkeys)
        wr.writeheader()
        for r in rows:
            wr.writerow({k: (f'{v:.3f}' if isinstance(v, float) else v) for k, v in r.items() if not k.startswith('_')})
    picked = contact_sheet(rows, os.path.join(OUT, 'contact-sheet.png'))
    print('\n'.join(md))
    print('\ncontact sheet:', ', '.join(picked))


if __name__ == '__main__':
    main()
