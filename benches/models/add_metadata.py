#!/usr/bin/env python3
"""Adds the TFLite metadata (input normalisation) that @mediapipe/tasks-vision
needs to the model files of the legacy npm packages, which ship without it:
the tasks runtime refuses a float input without NormalizationOptions.

Needs tflite-support (a venv: python3 -m venv /tmp/tfls &&
/tmp/tfls/bin/pip install tflite-support==0.4.4; on Debian also
apt-get install libusb-1.0-0). Run after make_task.py:

    /tmp/tfls/bin/python benches/models/add_metadata.py

Writes target/models/tv/{selfie_segmentation,face_detector,face_landmarks_detector}.tflite
and target/models/tv/face_landmarker.task (the zip of the last two).
"""
import os, zipfile
from tensorflow_lite_support.metadata.python.metadata_writers import metadata_info, metadata_writer, writer_utils
from tflite_support import metadata_schema_py_generated as fb

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
MP = os.path.join(ROOT, 'node_modules', '@mediapipe')
OUT = os.path.join(ROOT, 'target', 'models', 'tv')


def write(src, dst, name, mean, std, outputs):
    buf = writer_utils.load_file(src)
    general = metadata_info.GeneralMd(name=name, version='legacy npm package', description='metadata added for tasks-vision')
    inp = metadata_info.InputImageTensorMd(name='image', norm_mean=[mean], norm_std=[std],
                                           color_space_type=fb.ColorSpaceType.RGB,
                                           tensor_type=writer_utils.get_input_tensor_types(buf)[0])
    outs = [metadata_info.TensorMd(name=o) for o in outputs]
    w = metadata_writer.MetadataWriter.create_from_metadata_info(buf, general, input_md=[inp], output_md=outs)
    writer_utils.save_file(w.populate(), dst)
    return dst


os.makedirs(OUT, exist_ok=True)
write(os.path.join(MP, 'selfie_segmentation', 'selfie_segmentation.tflite'), os.path.join(OUT, 'selfie_segmentation.tflite'),
      'selfie_segmentation', 0.0, 255.0, ['segmentation'])
write(os.path.join(MP, 'face_detection', 'face_detection_short_range.tflite'), os.path.join(OUT, 'face_detector.tflite'),
      'face_detection_short_range', 127.5, 127.5, ['regressors', 'classificators'])
write(os.path.join(OUT, 'face_landmark.tflite'), os.path.join(OUT, 'face_landmarks_detector.tflite'),
      'face_landmark', 0.0, 255.0, ['landmarks', 'face_flag'])
with zipfile.ZipFile(os.path.join(OUT, 'face_landmarker.task'), 'w', zipfile.ZIP_STORED) as z:
    z.write(os.path.join(OUT, 'face_detector.tflite'), 'face_detector.tflite')
    z.write(os.path.join(OUT, 'face_landmarks_detector.tflite'), 'face_landmarks_detector.tflite')
print('wrote', OUT)
