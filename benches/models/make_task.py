#!/usr/bin/env python3
"""Builds the files the @mediapipe/tasks-vision runtime needs from the model
files inside the legacy npm packages (no model hub is reachable):

  target/models/tv/face_landmarker.task  a zip of face_detector.tflite (the
      face_detection_short_range.tflite of @mediapipe/face_detection) and
      face_landmarks_detector.tflite (face_landmark.tflite, 468 points, cut
      out of @mediapipe/face_mesh's face_mesh_solution_packed_assets.data at
      the offsets its loader lists).

    python3 benches/models/make_task.py
"""
import json, os, re, zipfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
MP = os.path.join(ROOT, 'node_modules', '@mediapipe')
OUT = os.path.join(ROOT, 'target', 'models', 'tv')


def packed(name):
    loader = open(os.path.join(MP, 'face_mesh', 'face_mesh_solution_packed_assets_loader.js')).read()
    m = re.search(r'"filename": "[^"]*/' + re.escape(name) + r'", "start": (\d+), "end": (\d+)', loader)
    start, end = int(m.group(1)), int(m.group(2))
    with open(os.path.join(MP, 'face_mesh', 'face_mesh_solution_packed_assets.data'), 'rb') as f:
        f.seek(start)
        return f.read(end - start)


os.makedirs(OUT, exist_ok=True)
landmarks = packed('face_landmark.tflite')
assert landmarks[4:8] == b'TFL3', 'not a tflite flatbuffer'
detector = open(os.path.join(MP, 'face_detection', 'face_detection_short_range.tflite'), 'rb').read()
with zipfile.ZipFile(os.path.join(OUT, 'face_landmarker.task'), 'w', zipfile.ZIP_STORED) as z:
    z.writestr('face_detector.tflite', detector)
    z.writestr('face_landmarks_detector.tflite', landmarks)
open(os.path.join(OUT, 'face_landmark.tflite'), 'wb').write(landmarks)
print('wrote', OUT)
