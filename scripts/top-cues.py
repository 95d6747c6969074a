#!/usr/bin/env python3
"""Whether the photo tells a top view's annotated scalp from the hair and forehead below it.

    SMP_EVAL_DOTS=/tmp/dots cargo test --release --test phone_eval phone_photos
    scripts/top-cues.py /tmp/dots [PATH]

For the 21 annotated phone tops (tests/annotations/phone-top.txt), the dots
the scorer drew on path PATH (default 4, the models after the taps) are read
back with three cues from the photo at each dot, each relative to its own
median over the dots in the pattern's upper 60% (the crown):

- coherence: how strongly one direction dominates the luminance gradients
  (structure tensor of the photo box-blurred 1 px, its products averaged
  over 0.2 cm), the "long parallel strands" cue;
- energy: the same tensor's trace, how much fine texture there is;
- colour: distance in chromaticity (r, g over r + g + b, over 0.15 cm)
  from the crown's.

Prints, per photo, how well each cue tells the dots off the annotated scalp
from those on it (AUC: the chance an off-scalp dot scores above an on-scalp
one; 0.5 is no better than chance), over all dots and over the pattern's
lower 40%; then, for cuts a preview could make (dots above a cue's
threshold dropped in the lower 40%; whole rows dropped from the pattern's
bottom while a row's median coherence and energy stay above thresholds),
the tops with dots outside <= 2% and covered >= 90% (the scorer's measures:
a scalp pixel is covered with a dot within 0.3 cm, the scale from the
scalp's widest row, 15 cm), with each threshold left out in turn; and, as
a bound, the best straight cut across the pattern's bottom for each photo
chosen with the annotation in hand. Needs Pillow and numpy.
"""
import os
import sys

import numpy as np
from PIL import Image, ImageDraw

sys.path.insert(0, os.path.dirname(__file__))
from annotate import PHOTOS, parse  # noqa: E402

ROOT = os.path.join(os.path.dirname(__file__), "..")


def box(v, r):
    """Mean over a (2r+1)^2 box, shrunk at the edges (as the engine's box_blur)."""
    r = max(int(r), 0)
    if r == 0:
        return v
    for axis in (0, 1):
        n = v.shape[axis]
        c = np.cumsum(v, axis=axis, dtype=np.float64)
        c = np.concatenate([np.zeros_like(np.take(c, [0], axis=axis)), c], axis=axis)
        i = np.arange(n)
        a, b = np.maximum(i - r, 0), np.minimum(i + r, n - 1) + 1
        v = (np.take(c, b, axis=axis) - np.take(c, a, axis=axis)) / (b - a).reshape(
            [-1 if k == axis else 1 for k in range(2)]
        )
    return v.astype(np.float32)


def auc(on, off):
    if len(on) == 0 or len(off) == 0:
        return float("nan")
    v = np.concatenate([on, off])
    ranks = np.empty(len(v))
    ranks[np.argsort(v, kind="mergesort")] = np.arange(1, len(v) + 1)
    n = len(off)
    return (ranks[len(on):].sum() - n * (n + 1) / 2) / (n * len(on))


class Top:
    def __init__(self, block, dots_dir, path):
        self.name = block["photo"].split("/")[-1]
        rgb = np.asarray(Image.open(os.path.join(PHOTOS, block["photo"])).convert("RGB"))
        rgb = rgb.astype(np.float32) / 255
        self.h, self.w, _ = rgb.shape
        im = Image.new("L", (self.w, self.h), 0)
        for p in block["scalp"]:
            ImageDraw.Draw(im).polygon(p, fill=1)
        self.scalp = np.array(im) > 0
        widest = max((r.nonzero()[0][-1] - r.nonzero()[0][0] + 1) for r in self.scalp if r.any())
        self.ppc = widest / 15.0
        d = np.loadtxt(os.path.join(dots_dir, f"{self.name}.{path}.txt"), ndmin=2)
        self.x = np.clip(d[:, 0].astype(int), 0, self.w - 1)
        self.y = np.clip(d[:, 1].astype(int), 0, self.h - 1)
        self.on = self.scalp[self.y, self.x]
        self.t = (d[:, 1] - d[:, 1].min()) / max(np.ptp(d[:, 1]), 1)
        self.crown = self.t < 0.6
        # Cue maps.
        luma = rgb @ np.array([0.2126, 0.7152, 0.0722], np.float32)
        g = box(luma, 1)
        gx = np.zeros_like(g)
        gy = np.zeros_like(g)
        gx[:, 1:-1] = (g[:, 2:] - g[:, :-2]) / 2
        gy[1:-1] = (g[2:] - g[:-2]) / 2
        r = 0.2 * self.ppc
        jxx, jyy, jxy = box(gx * gx, r), box(gy * gy, r), box(gx * gy, r)
        tr = jxx + jyy
        coh = np.sqrt((jxx - jyy) ** 2 + 4 * jxy**2) / (tr + 1e-9)
        s = 0.25 * self.ppc
        self.cue = {
            "coherence": self.rel(box(coh, s)),
            "energy": self.rel(box(tr, s)),
        }
        total = rgb.sum(2) + 1e-3
        k = 0.15 * self.ppc
        cr = box(rgb[..., 0] / total, k)[self.y, self.x]
        cg = box(rgb[..., 1] / total, k)[self.y, self.x]
        self.cue["colour"] = np.hypot(cr - np.median(cr[self.crown]), cg - np.median(cg[self.crown]))
        self.bands = np.minimum((self.t * 50).astype(int), 49)
        self.rows = {
            k: np.array([np.median(v[self.bands == i]) if (self.bands == i).any() else np.nan for i in range(50)])
            for k, v in self.cue.items()
        }
        self.cache = {}

    def rel(self, m):
        v = m[self.y, self.x]
        return v / np.median(v[self.crown])

    def score(self, keep):
        """Dots outside the scalp, and the scalp covered, with only `keep` drawn."""
        key = keep.tobytes()
        if key in self.cache:
            return self.cache[key]
        x, y = self.x[keep], self.y[keep]
        out = 1.0 - self.scalp[y, x].mean() if len(x) else 1.0
        grid = np.zeros((self.h, self.w), bool)
        grid[y, x] = True
        r = 0.3 * self.ppc
        ri = int(np.ceil(r))
        near = np.zeros_like(grid)
        for dy in range(-ri, ri + 1):
            for dx in range(-ri, ri + 1):
                if dx * dx + dy * dy <= r * r:
                    near[max(dy, 0):self.h + min(dy, 0), max(dx, 0):self.w + min(dx, 0)] |= grid[
                        max(-dy, 0):self.h + min(-dy, 0), max(-dx, 0):self.w + min(-dx, 0)
                    ]
        cov = near[self.scalp].mean()
        self.cache[key] = (out, cov)
        return out, cov


def counts(res):
    return sum(o <= 0.02 for o, _ in res.values()), sum(c >= 0.9 for _, c in res.values())


def moved(base, res):
    return ", ".join(
        f"{n[9:14]} {100 * base[n][0]:.1f} -> {100 * o:.1f}% ({100 * base[n][1]:.1f} -> {100 * c:.1f}% covered)"
        for n, (o, c) in res.items()
        if (o <= 0.02) != (base[n][0] <= 0.02) or (c >= 0.9) != (base[n][1] >= 0.9)
    )


def held_out(base, table):
    """Each photo scored with the setting (or none) best on the other 20:
    most photos meeting either line, ties to the least mean outside."""
    settings = [None] + list(table)
    ok_o = ok_c = 0
    for n in base:
        def merit(s):
            res = base if s is None else table[s]
            others = {m: v for m, v in res.items() if m != n}
            o, c = counts(others)
            return (o + c, -sum(v[0] for v in others.values()))
        pick = max(settings, key=merit)
        o, c = (base if pick is None else table[pick])[n]
        ok_o += o <= 0.02
        ok_c += c >= 0.9
    return ok_o, ok_c


def main():
    dots_dir = sys.argv[1]
    path = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    blocks = parse(os.path.join(ROOT, "tests/annotations/phone-top.txt"))
    tops = [Top(b, dots_dir, path) for b in blocks if b["photo"].startswith("phone/")]
    all_dots = {t.name: np.ones(len(t.x), bool) for t in tops}
    base = {t.name: t.score(all_dots[t.name]) for t in tops}
    print(f"path {path}: {counts(base)[0]} of {len(tops)} tops with dots outside <= 2%, {counts(base)[1]} covered >= 90%\n")
    print("| top | outside | " + " | ".join(f"{k} AUC all / lower 40%" for k in tops[0].cue) + " |")
    print("|---|---|" + "---|" * len(tops[0].cue))
    for t in tops:
        low = t.t > 0.6
        cells = [f"{auc(v[t.on], v[~t.on]):.2f} / {auc(v[t.on & low], v[~t.on & low]):.2f}" for v in t.cue.values()]
        print(f"| {t.name[9:14]} | {100 * base[t.name][0]:.1f}% | " + " | ".join(cells) + " |")
    print()
    grids = {
        "coherence": [1.1, 1.25, 1.5, 2.0, 3.0],
        "energy": [1.5, 2.0, 3.0, 4.0, 6.0],
        "colour": [0.02, 0.03, 0.04, 0.05, 0.07, 0.1],
    }
    for cue, qs in grids.items():
        table = {}
        for q in qs:
            table[q] = {t.name: t.score(~((t.t > 0.6) & (t.cue[cue] > q))) for t in tops}
            print(f"{cue} > {q} in the lower 40% dropped: {counts(table[q])}  {moved(base, table[q])}")
        print(f"  held out: {held_out(base, table)}\n")
    table = {}
    for qc in (1.0, 1.2, 1.4, 1.6):
        for qe in (1.25, 1.5, 2.0):
            res = {}
            for t in tops:
                cut = 50
                for i in range(49, 29, -1):
                    if t.rows["coherence"][i] > qc and t.rows["energy"][i] > qe:
                        cut = i
                    else:
                        break
                res[t.name] = t.score(t.bands < cut)
            table[(qc, qe)] = res
            print(f"rows cut from the bottom while coherence > {qc} and energy > {qe}: {counts(res)}  {moved(base, res)}")
    print(f"  held out: {held_out(base, table)}\n")
    print("bound: the best straight cut across the pattern's bottom, per photo, keeping 90% covered")
    for t in tops:
        if base[t.name][0] <= 0.02:
            continue
        best = (*base[t.name], 1.0)
        for c in np.arange(0.99, 0.5, -0.01):
            o, cov = t.score(t.t < c)
            if cov >= 0.9 and o < best[0]:
                best = (o, cov, c)
        print(f"  {t.name[9:14]}: {100 * base[t.name][0]:.1f} -> {100 * best[0]:.1f}% ({100 * best[1]:.1f}% covered, the pattern cut at {100 * best[2]:.0f}% of its height)")


if __name__ == "__main__":
    main()
