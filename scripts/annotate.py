#!/usr/bin/env python3
"""Draw and check the phone-photo annotations in tests/annotations/.

    scripts/annotate.py grid PHOTO OUT.png     photo with a labelled 50/100 px grid
    scripts/annotate.py show FILE.txt OUTDIR   every annotated photo with its polygons
    scripts/annotate.py sheet FILE.txt OUT.png the same, small, on one contact sheet

An annotation file holds one block per photo (format in tests/annotations/README.md):

    [phone/front_n3_12_70c374d5.jpg]
    view front
    scalp 120,80 300,40 ...      polygon: where a practitioner would pigment
    face 150,400 ...             polygon: the face below the hairline
    hairline 320,260             where the hairline's middle belongs

Coordinates are pixels of the photo as stored. Needs Pillow (pip install pillow).
"""
import os
import sys

from PIL import Image, ImageDraw

PHOTOS = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "photos")


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


def draw(block):
    im = Image.open(os.path.join(PHOTOS, block["photo"])).convert("RGB")
    over = Image.new("RGBA", im.size)
    d = ImageDraw.Draw(over)
    for poly in block["scalp"]:
        d.polygon(poly, fill=(0, 255, 0, 70), outline=(0, 255, 0, 255))
    for poly in block["face"]:
        d.polygon(poly, fill=(255, 0, 0, 70), outline=(255, 0, 0, 255))
    if "hairline" in block:
        x, y = block["hairline"]
        d.ellipse([x - 7, y - 7, x + 7, y + 7], outline=(255, 255, 0, 255), width=3)
    im = Image.alpha_composite(im.convert("RGBA"), over).convert("RGB")
    ImageDraw.Draw(im).text((4, 4), f'{block["photo"]} {block.get("view", "?")}', fill=(255, 255, 0))
    return im


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("grid", "show", "sheet"):
        sys.exit(__doc__)
    cmd, a, b = sys.argv[1:]
    if cmd == "grid":
        grid(a, b)
    elif cmd == "show":
        os.makedirs(b, exist_ok=True)
        for block in parse(a):
            name = os.path.basename(block["photo"]).rsplit(".", 1)[0]
            draw(block).save(os.path.join(b, name + ".png"))
    else:
        blocks = parse(a)
        tw, th, cols = 240, 320, 6
        rows = (len(blocks) + cols - 1) // cols
        sheet = Image.new("RGB", (cols * tw, rows * th), "white")
        for i, block in enumerate(blocks):
            sheet.paste(draw(block).resize((tw, th)), ((i % cols) * tw, (i // cols) * th))
        sheet.save(b)


if __name__ == "__main__":
    main()
