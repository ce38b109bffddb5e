"""What the model sees through the Java paths against TensorFlow, on real photos, and what DecodeScale.AUTO does to
trained models. Writes benchmarks/results/preprocess-accuracy.md and benchmarks/results/decode-scale-effect.md.

Photos: scikit-image's bundled data images (requirements-images.txt; found on sys.path or in --pylib, only their
files are read), each resized (antialiased) to k x the model input for k = 2, 3, 4 and encoded as JPEG (quality 90)
by TensorFlow. For each target size, PreprocessDump (Java) writes what ImageIO + the scalar resize, the OpenCV path
with DecodeScale.EXACT and the OpenCV path with DecodeScale.AUTO give, in levels (0..255). References:
tf.image.resize(tf.io.decode_jpeg(full), bilinear, antialias=False) (the exact path's reference) and the same after
tf.io.decode_jpeg(ratio=k) with k chosen as DecodeScale.AUTO chooses it (Python's fast path).

Trained models (the public suite, models/.cache/public): MediaPipe selfie segmentation (256x256, inputs in [0, 1]):
IoU of the person masks (probability > 0.5) from the exact and the AUTO inputs; MediaPipe face detection short range
(128x128, inputs in [-1, 1]): the top face score and the IoU of the top box (decoded with the model's SSD anchors).

Usage: python preprocess_accuracy.py --classpath CP [--pylib DIR] [--work DIR]
  CP: target/classes, a classpath with OpenCV and the folder PreprocessDump.class was compiled into; the results
  were written with
    mvn -B -o -q compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
    javac -d /tmp/pb -cp target/classes:$(cat /tmp/cp.txt) benchmarks/throughput/src/PreprocessDump.java
    .venv/bin/python benchmarks/throughput/preprocess_accuracy.py --classpath /tmp/pb:target/classes:$(cat /tmp/cp.txt)
  DIR (--pylib): where requirements-images.txt's install put scikit-image (default benchmarks/throughput/.data/pylib).
"""

import argparse
import datetime
import glob
import importlib.util
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PUBLIC = os.path.join(ROOT, "models", ".cache", "public")
# Photographs among scikit-image's data images (not drawings, text, textures or microscope slides).
PHOTOS = ["astronaut.png", "camera.png", "chelsea.png", "coffee.png", "motorcycle_left.png", "rocket.jpg",
          "hubble_deep_field.jpg", "coins.png", "moon.png", "retina.jpg"]
FACTORS = (2, 3, 4)
SIZES = (128, 224, 256)
JAVA_PATHS = ("imageio", "opencv-exact", "opencv-auto")
JAVA_LABELS = {"imageio": "ImageIO + scalar Java resize (fallback)",
               "opencv-exact": "OpenCV, DecodeScale.EXACT", "opencv-auto": "OpenCV, DecodeScale.AUTO"}


def skimage_data(pylib):
    """The folder of scikit-image's data files, without importing scikit-image (it needs SciPy and more)."""
    if pylib:
        sys.path.insert(0, pylib)
    spec = importlib.util.find_spec("skimage")
    if spec is None:
        sys.exit("scikit-image not found: install it as requirements-images.txt says, and pass --pylib")
    return os.path.join(list(spec.submodule_search_locations)[0], "data")


def reduction(height, width, size):
    """DecodeScale.AUTO's choice: the largest of 8, 4, 2 whose decoded size (rounded up) still covers size."""
    for k in (8, 4, 2):
        if -(-height // k) >= size and -(-width // k) >= size:
            return k
    return 1


def make_jpegs(tf, data, size, folder):
    """Each photo at k x size (square, antialiased), JPEG quality 90; returns the sorted file names."""
    os.makedirs(folder, exist_ok=True)
    for name in PHOTOS:
        image = tf.io.decode_image(tf.io.read_file(os.path.join(data, name)), channels=3, expand_animations=False)
        for k in FACTORS:
            resized = tf.image.resize(image, (k * size, k * size), antialias=True)
            pixels = tf.cast(tf.clip_by_value(tf.round(resized), 0, 255), tf.uint8)
            tf.io.write_file(os.path.join(folder, f"{os.path.splitext(name)[0]}-x{k}.jpg"),
                             tf.io.encode_jpeg(pixels, quality=90))
    return sorted(glob.glob(os.path.join(folder, "*.jpg")))


def tf_inputs(tf, files, size, fast, dct_method=""):
    """What tf.data's map would give in levels: decode (at 1/k with fast), bilinear resize without antialiasing.
    dct_method "" is TensorFlow's default (libjpeg's fast integer IDCT); "INTEGER_ACCURATE" is what OpenCV uses."""
    rows = []
    for path in files:
        data = tf.io.read_file(path)
        ratio = 1
        if fast:
            shape = tf.io.extract_jpeg_shape(data).numpy()
            ratio = reduction(int(shape[0]), int(shape[1]), size)
        image = tf.io.decode_jpeg(data, channels=3, ratio=ratio, dct_method=dct_method)
        rows.append(tf.image.resize(image, (size, size), method="bilinear", antialias=False).numpy())
    return np.stack(rows).astype(np.float32)


def differences(a, b):
    d = np.abs(a.astype(np.float64) - b.astype(np.float64))
    return d.mean(), d.max()


def sigmoid(x):
    return 1 / (1 + np.exp(-np.clip(x, -80, 80)))


def face_anchors():
    """MediaPipe face detection short range's SSD anchors: strides 8, 16, 16, 16 on 128x128, centres only."""
    anchors = []
    for grid, per_cell in ((16, 2), (8, 6)):
        for y in range(grid):
            for x in range(grid):
                anchors += [((x + 0.5) / grid, (y + 0.5) / grid)] * per_cell
    return np.array(anchors)


def run_model(tf, name, inputs):
    interpreter = tf.lite.Interpreter(os.path.join(PUBLIC, name, "model.tflite"))
    interpreter.allocate_tensors()
    detail = interpreter.get_input_details()[0]
    outputs = interpreter.get_output_details()
    results = []
    for row in inputs:
        interpreter.set_tensor(detail["index"], row[None])
        interpreter.invoke()
        results.append([interpreter.get_tensor(o["index"])[0] for o in outputs])
    return results, [o["name"] for o in outputs]


def top_face(result, names, anchors):
    regressors = result[names.index("regressors")]
    scores = sigmoid(result[names.index("classificators")][:, 0])
    best = int(np.argmax(scores))
    cx = regressors[best, 0] / 128 + anchors[best, 0]
    cy = regressors[best, 1] / 128 + anchors[best, 1]
    w, h = regressors[best, 2] / 128, regressors[best, 3] / 128
    return scores[best], (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


def box_iou(a, b):
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 1.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--classpath", required=True)
    parser.add_argument("--pylib", default=os.path.join(HERE, ".data", "pylib"))
    parser.add_argument("--work", default=os.path.join(HERE, ".data", "accuracy"))
    args = parser.parse_args()
    import tensorflow as tf

    data = skimage_data(args.pylib)
    command = ("python benchmarks/throughput/preprocess_accuracy.py --classpath CP"
               + (f" --pylib {os.path.relpath(args.pylib, ROOT)}" if args.pylib else ""))
    java, tf_exact, tf_fast, tf_accurate, files = {}, {}, {}, {}, {}
    for size in SIZES:
        folder = os.path.join(args.work, f"x{size}")
        files[size] = make_jpegs(tf, data, size, folder)
        prefix = os.path.join(args.work, f"java-{size}")
        subprocess.run(["java", "-cp", args.classpath, "PreprocessDump", folder, str(size), str(size), prefix],
                       check=True)
        java[size] = {p: np.load(f"{prefix}-{p}.npy") for p in JAVA_PATHS}
        tf_exact[size] = tf_inputs(tf, files[size], size, fast=False)
        tf_fast[size] = tf_inputs(tf, files[size], size, fast=True)
        tf_accurate[size] = tf_inputs(tf, files[size], size, fast=False, dct_method="INTEGER_ACCURATE")

    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    count = len(PHOTOS) * len(FACTORS)
    lines = ["# What the model sees: the Java paths against tf.image.resize", "",
             f"Written {stamp} by `{command}` (TensorFlow {tf.__version__}, scikit-image data images of "
             f"requirements-images.txt). {len(PHOTOS)} photos ({', '.join(PHOTOS)}), each encoded as a JPEG "
             f"(quality 90) at {', '.join(str(k) for k in FACTORS)} x the target size: {count} JPEGs per size.", "",
             "Differences in levels (0..255, before normalization), over every value of every image: mean | max. "
             "*tf exact*: `tf.image.resize(tf.io.decode_jpeg(data), (S, S), 'bilinear', antialias=False)`; *tf fast*: "
             "the same after `decode_jpeg(data, ratio=k)` with k as DecodeScale.AUTO picks it; *tf exact, accurate "
             "IDCT*: tf exact with `dct_method='INTEGER_ACCURATE'`, the IDCT OpenCV and the JDK use (TensorFlow's "
             "default is libjpeg's fast integer IDCT), which leaves the resize as the main difference.", "",
             "| Java path | size | vs tf exact: mean | max | vs tf exact, accurate IDCT: mean | max "
             "| vs tf fast: mean | max |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for path in JAVA_PATHS:
        for size in SIZES:
            e = differences(java[size][path], tf_exact[size])
            a = differences(java[size][path], tf_accurate[size])
            f = differences(java[size][path], tf_fast[size])
            lines.append(f"| {JAVA_LABELS[path]} | {size} | {e[0]:.3f} | {e[1]:.2f} | {a[0]:.3f} | {a[1]:.2f} "
                         f"| {f[0]:.3f} | {f[1]:.2f} |")
    for size in SIZES:
        e = differences(tf_fast[size], tf_exact[size])
        lines.append(f"| (Python's fast path itself, tf fast vs tf exact) | {size} | {e[0]:.3f} | {e[1]:.2f} "
                     "| | | | |")
    lines += ["", "Tolerance (tested in OpenCvResizerTest against the float bilinear resize of the same decoded "
              "pixels, which samples as tf.image.resize does): at most 1 level per value for the OpenCV resize "
              "(8-bit, rounded). The rest of the exact path's difference is the JPEG decoders': TensorFlow's default "
              "fast IDCT, and where the decoders' chroma upsampling differs. The fast path is meant to be read "
              "against Python's fast path (the same work); against the exact reference it differs as Python's own "
              "shortcut does (the last rows), most at sharp edges."]
    with open(os.path.join(ROOT, "benchmarks", "results", "preprocess-accuracy.md"), "w") as out:
        out.write("\n".join(lines) + "\n")
    print("\n".join(lines))

    effect = ["# DecodeScale.AUTO against EXACT on trained models", "",
              f"Written {stamp} by `{command}`; the same JPEGs as preprocess-accuracy.md (scikit-image's photos at "
              f"{', '.join(str(k) for k in FACTORS)} x the model input, quality 90), through the Java OpenCV path. "
              "Python's fast path (`decode_jpeg(ratio=k)`) is shown against tf exact the same way.", ""]
    # Selfie segmentation: mask IoU.
    effect += ["## MediaPipe selfie segmentation (256x256, inputs in [0, 1])", "",
               "| photo | JPEG size | AUTO decodes at | mask pixels (exact) | IoU Java AUTO vs EXACT | "
               "IoU tf fast vs tf exact |", "|---|---:|---:|---:|---:|---:|"]
    masks = {}
    for key, inputs in (("exact", java[256]["opencv-exact"]), ("auto", java[256]["opencv-auto"]),
                        ("tf_exact", tf_exact[256]), ("tf_fast", tf_fast[256])):
        results, _ = run_model(tf, "selfie_segmentation", inputs / 255.0)
        masks[key] = [r[0][..., 0] > 0.5 for r in results]
    ious, tf_ious = [], []
    for i, path in enumerate(files[256]):
        name = os.path.basename(path)
        k = int(name.rsplit("-x", 1)[1][0])
        exact, auto = masks["exact"][i], masks["auto"][i]
        union = np.logical_or(exact, auto).sum()
        iou = np.logical_and(exact, auto).sum() / union if union else 1.0
        tu = np.logical_or(masks["tf_exact"][i], masks["tf_fast"][i]).sum()
        tiou = np.logical_and(masks["tf_exact"][i], masks["tf_fast"][i]).sum() / tu if tu else 1.0
        ious.append(iou)
        tf_ious.append(tiou)
        effect.append(f"| {name.rsplit('-x', 1)[0]} | {256 * k} | 1/{reduction(256 * k, 256 * k, 256)} | "
                      f"{int(exact.sum())} | {iou:.4f} | {tiou:.4f} |")
    effect += ["", f"Mean IoU: Java {np.mean(ious):.4f} (lowest {np.min(ious):.4f}); Python {np.mean(tf_ious):.4f} "
               f"(lowest {np.min(tf_ious):.4f}). An empty mask on both sides counts as IoU 1.", ""]
    # Face detection: top score and top box.
    anchors = face_anchors()
    effect += ["## MediaPipe face detection short range (128x128, inputs in [-1, 1])", "",
               "| photo | JPEG size | top score exact | top score AUTO | box IoU Java AUTO vs EXACT | "
               "top score tf exact / tf fast | box IoU tf |", "|---|---:|---:|---:|---:|---:|---:|"]
    faces = {}
    for key, inputs in (("exact", java[128]["opencv-exact"]), ("auto", java[128]["opencv-auto"]),
                        ("tf_exact", tf_exact[128]), ("tf_fast", tf_fast[128])):
        results, names = run_model(tf, "face_detection_short_range", inputs / 127.5 - 1)
        faces[key] = [top_face(r, names, anchors) for r in results]
    score_deltas, box_ious = [], []
    for i, path in enumerate(files[128]):
        name = os.path.basename(path)
        k = int(name.rsplit("-x", 1)[1][0])
        (se, be), (sa, ba) = faces["exact"][i], faces["auto"][i]
        (te, tbe), (tfa, tba) = faces["tf_exact"][i], faces["tf_fast"][i]
        score_deltas.append(abs(se - sa))
        if se > 0.5:
            box_ious.append(box_iou(be, ba))
        effect.append(f"| {name.rsplit('-x', 1)[0]} | {128 * k} | {se:.3f} | {sa:.3f} | "
                      f"{box_iou(be, ba):.3f} | {te:.3f} / {tfa:.3f} | {box_iou(tbe, tba):.3f} |")
    effect += ["", f"Top score: largest change {max(score_deltas):.3f}, mean {np.mean(score_deltas):.4f}. Box IoU "
               f"where the exact top score is a face (> 0.5): mean {np.mean(box_ious) if box_ious else float('nan'):.3f}"
               f", lowest {min(box_ious) if box_ious else float('nan'):.3f} ({len(box_ious)} of {len(score_deltas)})."
               " Boxes of non-faces (low scores) move freely and say nothing."]
    with open(os.path.join(ROOT, "benchmarks", "results", "decode-scale-effect.md"), "w") as out:
        out.write("\n".join(effect) + "\n")
    print("\n".join(effect))


if __name__ == "__main__":
    main()
