#!/usr/bin/env python3
"""Where the dots off the annotated scalp lie: within 3 mm of its edge or
farther, per phone photo over the issue's 2% line.

    SMP_EVAL_DOTS=/tmp/dots cargo test --release --test phone_eval phone_photos
    python3 benches/models/near_edge.py /tmp/dots

Reads path 4 (the models after the taps); the scale is the scorer's (the
annotated pupils 6.3 cm apart, else the scalp's widest row as 15 cm).
Needs numpy, scipy and Pillow. A measure for the notes, not a second scorer.
"""
import sys, os, glob, numpy as np
sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', 'scripts'))
from annotate import PHOTOS, parse
from PIL import Image, ImageDraw
from scipy import ndimage
dots_dir = sys.argv[1]
rows = []
for f in sorted(glob.glob(os.path.join(os.path.dirname(__file__), '..', '..', 'tests', 'annotations', 'phone-*.txt'))):
    for b in parse(f):
        if not b['photo'].startswith('phone/'):
            continue  # the issue counts the phone photos
        im = Image.open(os.path.join(PHOTOS, b['photo']))
        w, h = im.size
        m = Image.new('L', (w, h), 0)
        for p in b['scalp']:
            ImageDraw.Draw(m).polygon(p, fill=255)
        scalp = np.array(m) > 0
        if b.get('eyes'):
            (x0, y0), (x1, y1) = b['eyes']
            s = np.hypot(x1 - x0, y1 - y0) / 6.3
        else:
            widths = [r.nonzero()[0] for r in scalp]
            s = max((r[-1] - r[0] + 1) for r in widths if len(r)) / 15.0
        dist = ndimage.distance_transform_edt(~scalp) / s  # cm from the scalp
        p = os.path.join(dots_dir, os.path.basename(b['photo']) + '.4.txt')
        if not os.path.exists(p) or not os.path.getsize(p):
            continue
        d = np.loadtxt(p).reshape(-1, 2)
        xi = np.clip(d[:, 0].astype(int), 0, w - 1); yi = np.clip(d[:, 1].astype(int), 0, h - 1)
        dd = dist[yi, xi]
        n = len(d)
        out = (dd > 0).sum() / n
        near = ((dd > 0) & (dd <= 0.3)).sum() / n
        rows.append((b['photo'][6:30], b.get('view', '?'), out, near, out - near))
over = [r for r in rows if r[2] > 0.02]
print(f'{len(rows)} photos, {len(over)} over 2% outside')
print('over 2% but under 2% beyond 3 mm:', sum(1 for r in over if r[4] <= 0.02))
under = [r for r in rows if r[2] <= 0.02]
print(f'median share within 3 mm outside: all {np.median([r[3] for r in rows]) * 100:.1f}%, '
      f'under the line {np.median([r[3] for r in under]) * 100:.1f}%, over it {np.median([r[3] for r in over]) * 100:.1f}%')
for r in sorted(over, key=lambda r: r[4]):
    print(f'{r[0]:26s} out {r[2]*100:5.1f}  within 3mm {r[3]*100:5.1f}  beyond {r[4]*100:5.1f}')
