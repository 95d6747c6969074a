#!/usr/bin/env python3
"""Profiles: does colour against the person's own cheek tell the fringe's
hair from the skin around the ear (neck, ear, face) better than luminance?

    python3 benches/models/profile_chroma.py [BLUR_MM]

For each of the 36 annotated phone profiles (tests/annotations/phone-left.txt,
phone-right.txt), in the frame of the face detector's tragion and eye
(tests/model-hints/faces.txt) and within the person mask (the model hints'
PNGs): pixels from 0.45 spans above to 0.6 below the tragion and 1.2 behind
to 0.3 in front of it; hair = the annotated scalp, skin = the rest (neck:
0.15 spans below the tragion and behind it). The cheek's reference: 0.3-0.65
spans in front of the tragion, 0.05 above to 0.35 below it, its brighter
half. Prints per profile and per side the area under the ROC curve (hair
against skin, and against the neck alone) for luminance ("lum"), the
distance to the cheek's chromaticity in log R/G, log B/G ("cd"), redness
below the cheek's ("redloss", log R/G), and the two together ("lum+red").
"""

import sys, re, numpy as np
from PIL import Image, ImageDraw

import os
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
PH = os.path.join(ROOT, '..', 'shared', 'photos') + '/'


def parse_ann(path):
    out, cur = {}, None
    for line in open(path):
        line = line.split('#')[0].strip()
        if not line:
            continue
        m = re.match(r'\[(.*)\]', line)
        if m:
            cur = m.group(1)
            out[cur] = {'scalp': [], 'face': []}
            continue
        k, _, rest = line.partition(' ')
        if k in ('scalp', 'face'):
            pts = [tuple(map(float, p.split(','))) for p in rest.split()]
            out[cur][k].append(pts)
        else:
            out[cur][k] = rest
    return out


def faces():
    f = {}
    for line in open(ROOT + '/tests/model-hints/faces.txt'):
        if line.startswith('#'):
            continue
        parts = line.split()
        if len(parts) < 8:
            continue
        f[parts[0]] = [tuple(map(float, p.split(','))) for p in parts[2:8]]
    return f


def poly_mask(polys, w, h):
    im = Image.new('L', (w, h), 0)
    d = ImageDraw.Draw(im)
    for p in polys:
        d.polygon(p, fill=255)
    return np.array(im) > 127


def box_blur(a, r):
    if r < 1:
        return a
    k = 2 * r + 1
    p = np.pad(a, ((r, r), (r, r)), mode='edge').astype(np.float64)
    c = np.cumsum(np.cumsum(p, 0), 1)
    c = np.pad(c, ((1, 0), (1, 0)))
    s = c[k:, k:] - c[:-k, k:] - c[k:, :-k] + c[:-k, :-k]
    return s / (k * k)


def auc(pos, neg):
    # P(pos > neg)
    if len(pos) == 0 or len(neg) == 0:
        return float('nan')
    allv = np.concatenate([pos, neg])
    ranks = allv.argsort().argsort().astype(np.float64) + 1
    rp = ranks[:len(pos)].sum()
    return (rp - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg))


def features(rgb, blur_r):
    R, G, B = [box_blur(rgb[..., i].astype(np.float64), blur_r) for i in range(3)]
    lum = (0.2126 * R + 0.7152 * G + 0.0722 * B) / 255
    eps = 4.0
    lr = np.log((R + eps) / (G + eps))
    lb = np.log((B + eps) / (G + eps))
    s = R + G + B + 3 * eps
    r = (R + eps) / s
    g = (G + eps) / s
    return lum, lr, lb, r, g


def main():
    blur_mm = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    F = faces()
    rows = []
    global FA
    FA = {}
    for view in ('left', 'right'):
        ann = parse_ann(f'{ROOT}/tests/annotations/phone-{view}.txt')
        for photo, a in ann.items():
            kp = F.get(photo)
            name = photo.split('/')[-1][:-13]
            rgb = np.array(Image.open(PH + photo).convert('RGB'))
            h, w, _ = rgb.shape
            person = np.array(Image.open(f'{ROOT}/tests/model-hints/{photo.split("/")[-1]}.png').convert('L')) > 127
            toward_left = view == 'left'
            fwd = -1 if toward_left else 1
            ear = kp[5] if toward_left else kp[4]
            eyes = [kp[0], kp[1]]
            eye = min(eyes, key=lambda e: abs(e[0] - ear[0]))
            d = abs(eye[0] - ear[0])
            if (eye[0] - ear[0]) * fwd <= 0.2 * 0 or d < 20:
                print(name, 'no frame', file=sys.stderr)
            scalp = poly_mask(a['scalp'], w, h)
            face = poly_mask(a['face'], w, h) if a['face'] else np.zeros((h, w), bool)
            yy, xx = np.mgrid[0:h, 0:w]
            along = (xx - ear[0]) * fwd
            v = (yy - ear[1]) / d
            al = along / d
            # px per mm: span ~ 8 cm
            r = int(round(blur_mm * d / 80))
            lum, lr, lb, rr, gg = features(rgb, r)
            # skin reference: cheek in front of the ear, below the eye line
            ref = (al > 0.3) & (al < 0.65) & (v > -0.05) & (v < 0.35) & person & ~scalp
            if ref.sum() < 50:
                ref = face & person
            lref = lum[ref]
            bright = lref >= np.median(lref)
            ref_lr = np.median(lr[ref][bright]); ref_lb = np.median(lb[ref][bright])
            ref_l = np.median(lref[bright])
            cd = np.hypot(lr - ref_lr, lb - ref_lb)
            feats = {
              'lum': -lum,
              'cd': cd,
              'redloss': ref_lr - lr,          # less red than the skin
              'blueg': lb - ref_lb,            # bluer than the skin
              'rg': np.hypot(rr - np.median(rr[ref]), gg - np.median(gg[ref])),
              'sat': -(np.maximum(np.maximum(lr, 0), 0) - np.minimum(lb, 0)),  # neutral = high
              'lum+red': -lum / ref_l + 3 * (ref_lr - lr),
              'lum+cd': -lum / ref_l + 3 * cd,
            }
            # the engine's skin reference: upper quartile of luminance on the scalp
            # (engine's own scalp mask; here the annotated scalp as a stand-in)
            region = (v > -0.45) & (v < 0.6) & (al > -1.2) & (al < 0.3) & person
            hair = region & scalp
            skin = region & ~scalp & ~face | (region & face)
            neck = region & ~scalp & (v > 0.15) & (al < -0.1)
            # AUCs: hair should be darker (lower lum/ref) and farther in chroma
            a_l = auc(-lum[hair] / ref_l, -lum[skin] / ref_l)
            a_c = auc(cd[hair], cd[skin])
            a_cn = auc(cd[hair], cd[neck]) if neck.sum() > 50 else float('nan')
            a_ln = auc(-lum[hair], -lum[neck]) if neck.sum() > 50 else float('nan')
            for k, f in feats.items():
                FA.setdefault(k, []).append((view, auc(f[hair], f[skin]), auc(f[hair], f[neck]) if neck.sum() > 50 else np.nan, name))
            rows.append((view, name, hair.sum(), skin.sum(), neck.sum(), ref_l, a_l, a_c, a_ln, a_cn,
                         np.median(cd[hair]), np.median(cd[skin]), np.median(cd[neck]) if neck.sum() else np.nan,
                         np.percentile(cd[hair], 25), np.percentile(cd[skin], 75)))
    print(f'blur {blur_mm} mm')
    print('view name hairpx skinpx neckpx refL | AUC lum: all neck | AUC chroma: all neck | med cd hair skin neck | hairP25 skinP75')
    for r in rows:
        print(f'{r[0]:5} {r[1]:14} {r[2]:6} {r[3]:6} {r[4]:6} {r[5]:.2f} | {r[6]:.2f} {r[8]:.2f} | {r[7]:.2f} {r[9]:.2f} | {r[10]:.3f} {r[11]:.3f} {r[12]:.3f} | {r[13]:.3f} {r[14]:.3f}')
    A = np.array([r[6:10] for r in rows], dtype=float)
    for view in ('left', 'right', 'all'):
        sel = [i for i, r in enumerate(rows) if view == 'all' or r[0] == view]
        print(view, 'mean AUC lum all/neck', np.nanmean(A[sel, 0]).round(3), np.nanmean(A[sel, 2]).round(3),
              'chroma all/neck', np.nanmean(A[sel, 1]).round(3), np.nanmean(A[sel, 3]).round(3))


main()
import numpy as np
for k, L in FA.items():
    for view in ('left','right','all'):
        a=[x for x in L if view=='all' or x[0]==view]
        print(f'{k:8} {view:5} all {np.nanmean([x[1] for x in a]):.3f} neck {np.nanmean([x[2] for x in a]):.3f}')
bad=['left_n2_21','left_n5_24','left_n4_01','left_n3_31','left_n6_05','right_n5_06','right_n7_07','right_n5_22','right_n6_01']
print('name', ' '.join(FA))
for n in bad:
    print(n, ' '.join(f"{[x for x in FA[k] if x[3]==n][0][1]:.2f}/{[x for x in FA[k] if x[3]==n][0][2]:.2f}" for k in FA))
