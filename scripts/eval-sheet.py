#!/usr/bin/env python3
"""Before/after contact sheet of the evaluation's dots on phone photos.

    SMP_EVAL_DOTS=/tmp/before cargo test --release --test phone_eval phone_photos   (on the old commit)
    SMP_EVAL_DOTS=/tmp/after  cargo test --release --test phone_eval phone_photos   (on the new one)
    scripts/eval-sheet.py /tmp/before /tmp/after PATH OUT.jpg [VIEW]

PATH is the scorer's path number (0 classical, 1 classical after the view,
2 models, 3 models after the view, 4 models after the taps). Four photos per
view, picked evenly through each view's list, or with VIEW (front, top,
left, right, back) every phone photo of that view, eight pairs a row (with
`-` for the before folder, the after tiles alone); each as a before/after pair:
dots on the annotated scalp green, off it red, the scalp's outline yellow,
the face magenta, the hairline's middle cyan. Needs Pillow and numpy.
"""
import glob
import os
import sys

import numpy as np
from PIL import Image, ImageDraw

sys.path.insert(0, os.path.dirname(__file__))
from annotate import PHOTOS, parse  # noqa: E402

TW, TH = 240, 320


def tile(block, dots_file):
    im = Image.open(os.path.join(PHOTOS, block["photo"])).convert("RGB")
    w, h = im.size
    scalp = Image.new("L", im.size, 0)
    for p in block["scalp"]:
        ImageDraw.Draw(scalp).polygon(p, fill=255)
    inside = np.array(scalp) > 0
    d = ImageDraw.Draw(im)
    n = out = 0
    if os.path.exists(dots_file) and os.path.getsize(dots_file):
        for x, y in np.loadtxt(dots_file).reshape(-1, 2):
            ok = 0 <= x < w and 0 <= y < h and inside[int(y), int(x)]
            n += 1
            out += not ok
            d.ellipse([x - 1.5, y - 1.5, x + 1.5, y + 1.5], fill=(40, 220, 40) if ok else (255, 0, 0))
    for p in block["scalp"]:
        d.polygon(p, outline=(255, 255, 0), width=3)
    for p in block["face"]:
        d.polygon(p, outline=(255, 0, 255), width=3)
    if "hairline" in block:
        x, y = block["hairline"]
        d.ellipse([x - 9, y - 9, x + 9, y + 9], outline=(0, 255, 255), width=4)
    im = im.resize((TW, TH))
    d = ImageDraw.Draw(im)
    d.rectangle([0, 0, TW, 24], fill=(0, 0, 0))
    label = block["photo"].replace("phone/", "")[:22]
    d.text((3, 1), label, fill=(255, 255, 0))
    d.text((3, 12), f"{n} dots, {100 * out / max(n, 1):.1f}% off the scalp", fill=(255, 255, 255))
    return im


def main():
    if len(sys.argv) not in (5, 6):
        sys.exit(__doc__)
    before, after, path, out = sys.argv[1:5]
    blocks = []
    for f in sorted(glob.glob(os.path.join(os.path.dirname(__file__), "..", "tests", "annotations", "*.txt"))):
        blocks += [b for b in parse(f) if b["photo"].startswith("phone/")]
    if len(sys.argv) == 6:
        of_view = [b for b in blocks if b.get("view") == sys.argv[5]]
        folders = [after] if before == "-" else [before, after]
        per_row = 8 if before == "-" else 4
        rows = (len(of_view) + per_row - 1) // per_row
        sheet = Image.new("RGB", (per_row * (len(folders) * TW + 8) - 8, rows * TH), "white")
        for i, b in enumerate(of_view):
            name = b["photo"].replace("phone/", "")
            x = (i % per_row) * (len(folders) * TW + 8)
            for k, folder in enumerate(folders):
                sheet.paste(tile(b, os.path.join(folder, f"{name}.{path}.txt")), (x + k * TW, i // per_row * TH))
        # 21 tops fit under 400 KB.
        sheet.save(out, quality=72)
        return
    views = ["front", "top", "left", "right", "back"]
    sheet = Image.new("RGB", (8 * TW + 3 * 8, 5 * TH), "white")
    for row, v in enumerate(views):
        of_view = [b for b in blocks if b.get("view") == v]
        picks = [of_view[round(i * (len(of_view) - 1) / 3)] for i in range(4)]
        for i, b in enumerate(picks):
            name = b["photo"].replace("phone/", "")
            x = i * (2 * TW + 8)
            for k, folder in enumerate((before, after)):
                sheet.paste(tile(b, os.path.join(folder, f"{name}.{path}.txt")), (x + k * TW, row * TH))
    sheet.save(out, quality=82)


if __name__ == "__main__":
    main()
