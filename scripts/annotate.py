#!/usr/bin/env python3
"""Draw and check the phone-photo annotations in tests/annotations/.

    scripts/annotate.py grid PHOTO OUT.png     photo with a labelled 50/100 px grid
    scripts/annotate.py show FILE.txt OUTDIR   every annotated photo with its polygons
    scripts/annotate.py sheet FILE.txt OUT.png the same, small, on one contact sheet
    scripts/annotate.py models FILE.txt OUT.png   the same, given the on-device models'
                                               outputs in tests/model-hints/ (as the widget)
    scripts/annotate.py preview FILE.txt OUT.png  the engine's preview of each photo
                                               (target/release/smp-render) with the
                                               annotated outlines, on one contact sheet

An annotation file holds one block per photo (format in tests/annotations/README.md):

    [phone/front_n3_12_70c374d5.jpg]
    view front
    scalp 120,80 300,40 ...      polygon: where a practitioner would pigment
    face 150,400 ...             polygon: the face below the hairline
    hairline 320,260             where the hairline's middle belongs

Coordinates are pixels of the photo as stored. Needs Pillow (pip install pillow).
"""
import os
import subprocess
import sys
import tempfile

from PIL import Image, ImageDraw

PHOTOS = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "photos")
RENDER = os.path.join(os.path.dirname(__file__), "..", "target", "release", "smp-render")


def parse(path):
    blocks, cur = [], None
    for n, line in enumerate(open(path), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("["):
            cur = {"photo": line.strip("[]"), "scalp": [], "face": [], "line": n}
            blocks.append(cur)
            continue
        key, _, rest = line.partition(" ")
        if key in ("scalp", "face"):
            pts = [tuple(float(v) for v in p.split(",")) for p in rest.split()]
            if len(pts) < 3:
                sys.exit(f"{path}:{n}: a polygon needs 3 points")
            cur[key].append(pts)
        elif key == "hairline":
            cur["hairline"] = tuple(float(v) for v in rest.split(","))
        elif key == "eyes":
            cur["eyes"] = [tuple(float(v) for v in p.split(",")) for p in rest.split()]
        elif key in ("view", "stage", "note"):
            cur[key] = rest
        else:
            sys.exit(f"{path}:{n}: unknown key {key!r}")
    return blocks


def grid(photo, out):
    im = Image.open(photo).convert("RGBA")
    over = Image.new("RGBA", im.size)
    d = ImageDraw.Draw(over)
    w, h = im.size
    for v in range(0, max(w, h), 50):
        major = v % 100 == 0
        colour = (0, 255, 255, 200) if major else (255, 255, 255, 110)
        d.line([(v, 0), (v, h)], fill=colour, width=1)
        d.line([(0, v), (w, v)], fill=colour, width=1)
    for x in range(0, w, 100):
        for y in range(0, h, 100):
            d.rectangle([x + 1, y + 1, x + 44, y + 12], fill=(0, 0, 0, 160))
            d.text((x + 2, y + 1), f"{x},{y}", fill=(255, 255, 0, 255))
    Image.alpha_composite(im, over).convert("RGB").save(out)


def draw(block, image=None):
    """The photo (or `image`, e.g. a preview of it) with the annotation: filled,
    or only outlined over a preview."""
    im = (image or Image.open(os.path.join(PHOTOS, block["photo"]))).convert("RGB")
    over = Image.new("RGBA", im.size)
    d = ImageDraw.Draw(over)
    alpha = 0 if image else 70
    for poly in block["scalp"]:
        d.polygon(poly, fill=(0, 255, 0, alpha), outline=(0, 255, 0, 255))
    for poly in block["face"]:
        d.polygon(poly, fill=(255, 0, 0, alpha), outline=(255, 0, 0, 255))
    if "hairline" in block:
        x, y = block["hairline"]
        d.ellipse([x - 7, y - 7, x + 7, y + 7], outline=(255, 255, 0, 255), width=3)
    for x, y in block.get("eyes", []):
        d.ellipse([x - 5, y - 5, x + 5, y + 5], outline=(0, 128, 255, 255), width=2)
    im = Image.alpha_composite(im.convert("RGBA"), over).convert("RGB")
    ImageDraw.Draw(im).text((4, 4), f'{block["photo"]} {block.get("view", "?")}', fill=(255, 255, 0))
    return im


def rendered(block, args=()):
    """The engine's automatic preview of the block's photo, with every drawn
    dot marked in magenta so the coverage reads at contact-sheet size."""
    out = os.path.join(tempfile.gettempdir(), "annotate-preview.png")
    dots = os.path.join(tempfile.gettempdir(), "annotate-dots.csv")
    photo = os.path.join(PHOTOS, block["photo"])
    subprocess.run([RENDER, photo, "-o", out, "--dots", dots, *args], check=True)
    im = Image.open(out).convert("RGB")
    d = ImageDraw.Draw(im)
    for line in open(dots).read().splitlines()[1:]:
        x, y = (float(v) for v in line.split(",")[:2])
        d.point((x, y), fill=(255, 0, 255))
    return im


def model_args(block):
    """smp-render's flags for the models' outputs on the block's photo."""
    hints = os.path.join(os.path.dirname(__file__), "..", "tests", "model-hints")
    name = block["photo"].replace("phone/", "")
    args = ["--person-mask", os.path.join(hints, name + ".png")]
    for line in open(os.path.join(hints, "faces.txt")):
        fields = line.split()
        if fields and fields[0] == block["photo"] and len(fields) > 1:
            args += ["--face", " ".join(fields[1:])]
    return args


def contact_sheet(images, out, tw=240, th=320, cols=6):
    rows = (len(images) + cols - 1) // cols
    sheet = Image.new("RGB", (cols * tw, rows * th), "white")
    for i, im in enumerate(images):
        sheet.paste(im.resize((tw, th)), ((i % cols) * tw, (i // cols) * th))
    sheet.save(out)


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("grid", "show", "sheet", "preview", "models"):
        sys.exit(__doc__)
    cmd, a, b = sys.argv[1:]
    if cmd == "grid":
        grid(a, b)
    elif cmd == "show":
        os.makedirs(b, exist_ok=True)
        for block in parse(a):
            name = os.path.basename(block["photo"]).rsplit(".", 1)[0]
            draw(block).save(os.path.join(b, name + ".png"))
    elif cmd == "sheet":
        contact_sheet([draw(block) for block in parse(a)], b)
    elif cmd == "preview":
        contact_sheet([draw(block, rendered(block)) for block in parse(a)], b)
    else:
        contact_sheet([draw(block, rendered(block, model_args(block))) for block in parse(a)], b)


if __name__ == "__main__":
    main()
