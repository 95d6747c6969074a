#!/usr/bin/env python3
"""How well a fixed table places a profile's face line, by the frame its rows are read in.

    scripts/profile-lines.py

For every annotated phone profile (tests/annotations/phone-left.txt and
phone-right.txt) with the face detector's ear and eye keypoints apart
(tests/model-hints/faces.txt): per row above the temple, how far the
annotated scalp's front edge lies behind the person mask's outline
(tests/model-hints/*.png at 0.5), in ear-to-eye spans. A table of the
median gap per row (rows every 0.25 units, straight between them, none
above the first) is fitted on all profiles but one and scored on the one
left out, for two frames of the rows: spans below the ear's keypoint (what
`PROFILE_FRONT_GAP` in src/preview.rs uses) and spans below the eye's.
Prints the mean error in cm (a span taken as 8 cm) and each frame's table.
Needs Pillow and numpy.
"""
import os
import sys

import numpy as np
from PIL import Image, ImageDraw

sys.path.insert(0, os.path.dirname(__file__))
from annotate import parse  # noqa: E402

ROOT = os.path.join(os.path.dirname(__file__), "..")
STEP = 0.25


def keypoints():
    faces = {}
    for line in open(os.path.join(ROOT, "tests", "model-hints", "faces.txt")):
        f = line.split()
        if len(f) > 2 and not line.startswith("#"):
            faces[f[0]] = [tuple(map(float, p.split(","))) for p in f[2:]]
    return faces


def profiles():
    faces = keypoints()
    out = []
    for view in ("left", "right"):
        for b in parse(os.path.join(ROOT, "tests", "annotations", f"phone-{view}.txt")):
            name = b["photo"].replace("phone/", "")
            k = faces[b["photo"]]
            forward = -1 if view == "left" else 1
            ear = k[5] if view == "left" else k[4]
            eye = min(k[:2], key=lambda e: abs(e[0] - ear[0]))
            span = abs(eye[0] - ear[0])
            person = np.array(Image.open(os.path.join(ROOT, "tests", "model-hints", name + ".png")).convert("L")) > 127
            h, w = person.shape
            if span < 60:  # keypoints on one spot: the engine falls back to the head's circle
                continue
            scalp = Image.new("L", (w, h), 0)
            for p in b["scalp"]:
                ImageDraw.Draw(scalp).polygon(p, fill=255)
            scalp = np.array(scalp) > 0
            rows = []
            for y in range(int(ear[1] - 0.25 * span)):
                o, s = np.nonzero(person[y])[0], np.nonzero(scalp[y])[0]
                if len(o) and len(s):
                    edge, front = (o[0], s[0]) if forward < 0 else (o[-1], s[-1])
                    rows.append((y, (edge - front) * forward / span))
            out.append((name, ear, eye, span, np.array(rows, float)))
    return out


def frame(p, which):
    _, ear, eye, span, rows = p
    anchor = ear if which == "ear" else eye
    return (rows[:, 0] - anchor[1]) / span, rows[:, 1]


def fit(ps, which):
    v = np.concatenate([frame(p, which)[0] for p in ps])
    g = np.concatenate([frame(p, which)[1] for p in ps])
    at = np.arange(-2.5, 0.01, STEP)
    table = [np.median(g[abs(v - c) < STEP / 2]) if (abs(v - c) < STEP / 2).sum() > 50 else np.nan for c in at]
    keep = ~np.isnan(table)
    return at[keep], np.array(table)[keep]


def main():
    ps = profiles()
    print(f"{len(ps)} profiles with the ear and eye keypoints apart")
    for which in ("ear", "eye"):
        errors = []
        for i, p in enumerate(ps):
            at, table = fit(ps[:i] + ps[i + 1:], which)
            v, g = frame(p, which)
            pred = np.interp(v, at, table, left=0.0, right=np.nan)
            ok = ~np.isnan(pred)
            errors.append(np.mean(abs(pred[ok] - g[ok])) * 8.0)
        at, table = fit(ps, which)
        print(f"rows in spans below the {which}: face line off by {np.mean(errors):.2f} cm "
              f"(median {np.median(errors):.2f}) leaving each profile out")
        print("  rows  " + " ".join(f"{a:5.2f}" for a in at))
        print("  gap   " + " ".join(f"{t:5.2f}" for t in table))


if __name__ == "__main__":
    main()
