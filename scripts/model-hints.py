#!/usr/bin/env python3
"""Turn the on-device models' outputs on the annotated photos into test fixtures.

    node benches/models/run.mjs ...   (see benches/models/README.md) writes
    target/models-tasks/raw/<photo>.seg.png and <photo>.json; then
    scripts/model-hints.py target/models-tasks/raw tests/model-hints

writes one 1-bit PNG per photo (the person mask at 0.5 confidence, as the
engine thresholds it) and faces.txt (per photo: the face detector's score
and its six keypoints in pixels, or nothing). tests/phone_eval.rs feeds
them to the engine as the widget does. Needs Pillow.
"""
import glob
import json
import os
import sys

from PIL import Image


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    src, out = sys.argv[1:]
    os.makedirs(out, exist_ok=True)
    faces = ["# photo score x,y x,y x,y x,y x,y x,y (right eye, left eye, nose, mouth, right ear, left ear)"]
    for path in sorted(glob.glob(os.path.join(src, "*.json"))):
        raw = json.load(open(path))
        stem = os.path.basename(path)[: -len(".json")]
        photo = raw["photo"]
        seg = Image.open(os.path.join(src, stem + ".seg.png")).convert("L")
        seg.point(lambda v: 255 if v >= 128 else 0).convert("1").save(
            os.path.join(out, stem.replace("phone__", "") + ".png"), optimize=True
        )
        det = raw.get("det")
        if det:
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in det["keypoints"])
            faces.append(f"{photo} {det['score']:.4f} {points}")
        else:
            faces.append(photo)
    open(os.path.join(out, "faces.txt"), "w").write("\n".join(faces) + "\n")


if __name__ == "__main__":
    main()
