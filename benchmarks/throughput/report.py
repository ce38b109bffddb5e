"""Merges the Java, decoder and Python results into benchmarks/results/throughput.json and throughput.md.

Usage: python report.py JAVA.json DECODERS.json PYTHON.json OUT_DIR MODE
"""

import datetime
import json
import os
import platform
import subprocess
import sys


def machine():
    """CPU model, cores, memory, OS: what the figures depend on."""
    info = {"platform": platform.platform(), "cores": os.cpu_count()}
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                info["memory"] = line.split(":", 1)[1].strip()
                break
        info["load_average_at_end"] = os.getloadavg()
    except OSError:
        pass
    try:
        info["git_commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                                            text=True, check=False).stdout.strip()
    except OSError:
        pass
    return info


def load(path):
    with open(path) as f:
        return json.load(f)


def runs(values):
    """Formats the images/s of every measured run, or a dash when there was one run."""
    return ", ".join(f"{v:.0f}" for v in values) if values else "-"


def main():
    java_path, decoders_path, python_path, out_dir, mode = sys.argv[1:6]
    java = load(java_path)
    decoders = load(decoders_path) if os.path.exists(decoders_path) else {}
    python = load(python_path) if os.path.exists(python_path) else {}
    result = {"date": datetime.datetime.now().isoformat(timespec="seconds"), "mode": mode, "machine": machine(),
              "java": java, "decoders": decoders, "python": python}
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "throughput.json"), "w") as f:
        json.dump(result, f, indent=2)

    p, i, cores = java["P_seconds"], java["I_seconds"], java["cores"]
    ideal = java["ideal_images_per_second"]
    head = java["pipeline"][0]
    lines = [
        "# Batch prediction throughput",
        "",
        f"{result['date']}, mode **{mode}** ({java['images']} generated 450x450 JPEGs), model `image_cnn` "
        f"(MobileNetV2 0.35, 224x224x3), batch {java['batch']}, "
        f"`bash benchmarks/throughput/run.sh{' --quick' if mode == 'quick' else ''}`.",
        "",
        f"Machine: {result['machine'].get('cpu', '?')}, {cores} cores, {result['machine'].get('memory', '?')}; "
        f"{java['java']}; TFLite {java['tflite']}; Python TensorFlow {python.get('tensorflow', 'not run')}. "
        f"Load average at the end: {result['machine'].get('load_average_at_end', '?')}.",
        "",
        "## Costs per image, one thread",
        "",
        "| what | ms/image | Java heap bytes allocated/image |",
        "| --- | ---: | ---: |",
        f"| P: read + decode + resize + normalize | {p * 1e3:.2f} | {java['preprocess_alloc_bytes_per_image']} |",
        f"| of which decode (ImageIO) | {java['decode_seconds'] * 1e3:.2f} | {java['decoder_alloc_bytes_per_image']} |",
        f"| of which resize + normalize into the slot | {java['resize_normalize_seconds'] * 1e3:.2f} | "
        f"{java['resize_alloc_bytes_per_image']} |",
    ]
    if "P_opencv_seconds" in java:
        lines += [
            f"| P with OpenCV decoding (DecoderKind.OPENCV) | {java['P_opencv_seconds'] * 1e3:.2f} | "
            f"{java['preprocess_opencv_alloc_bytes_per_image']} |",
            f"| of which decode (OpenCV imdecode) | {java['decode_opencv_seconds'] * 1e3:.2f} | "
            f"{java['decoder_opencv_alloc_bytes_per_image']} |",
        ]
    lines += [
        f"| I: inference at batch {java['batch']}, 1 thread | {i * 1e3:.2f} | |",
        "",
        f"Ideal throughput on {cores} cores = cores / (P + I) = **{ideal:.1f} images/s** with ImageIO decoding"
        + (f", **{java['ideal_opencv_images_per_second']:.1f} images/s** with OpenCV decoding"
           if "ideal_opencv_images_per_second" in java else "") + ".",
        "",
        "## Throughput",
        "",
        "Each row is the median of several measured runs (all runs listed); the machine is shared and moves by "
        "10-20% between runs, so compare rows only within this table. Rows decode with ImageIO unless they say "
        "OpenCV; a row's efficiency is against the ideal for its own decoder.",
        "",
        "| variant | images/s (median) | all runs | efficiency | pipeline heap bytes/item | workers busy | "
        "inference: model / helping / delivering / waiting |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: |",
        f"| Java naive loop (read, preprocess, predictSingle, one at a time) | {java['naive_images_per_second']:.1f} | "
        f"{runs(java.get('naive_runs_images_per_second'))} | {java['naive_images_per_second'] / ideal:.2f} | | | |",
    ]
    for row in java["pipeline"] + [java["pipeline_in_memory"]]:
        lines.append(
            f"| Java pipeline: {row['variant']} | {row['images_per_second']:.1f} | "
            f"{runs(row.get('runs_images_per_second'))} | {row['efficiency']:.2f} | "
            f"{row['alloc_bytes_per_item']:.0f} | {100 * row['worker_busy']:.0f}% | "
            f"{100 * row['inference_busy']:.0f}% / {100 * row['inference_helping']:.0f}% / "
            f"{100 * row.get('inference_delivering', 0):.0f}% / {100 * row['inference_waiting']:.0f}% |")
    for key in sorted(k for k in python if k.endswith("_images_per_second") and "_runs_" not in k):
        name = {"keras_predict_images_per_second": "Python Keras model.predict over tf.data"}.get(
            key, "Python tf.data (parallel map, prefetch) + TFLite, "
            + key.split("threads")[1].split("_")[0] + " interpreter thread(s)" if "threads" in key else key)
        all_runs = python.get(key.replace("_images_per_second", "_runs_images_per_second"))
        lines.append(f"| {name} | {python[key]:.1f} | {runs(all_runs)} | {python[key] / ideal:.2f} | | | |")
    lines += [
        "",
        "The in-memory row feeds the pipeline items that are already preprocessed (a bulk copy into the slot), so "
        "its bytes/item is the pipeline's own allocation with no decoder. The rows over JPEG files include what the "
        "decoder (ImageIO or OpenCV) allocates while decoding (measured alone in the first table).",
    ]
    if decoders:
        lines += ["", "## JPEG decoders (one thread, bytes already in memory)", "",
                  "| decoder | ms/image | Java heap bytes/image |", "| --- | ---: | ---: |"]
        for key, label in (("imageio_jdk", "JDK ImageIO"), ("imageio_twelvemonkeys", "TwelveMonkeys ImageIO 3.12"),
                           ("opencv_imdecode", "OpenCV 4.13 imdecode (JavaCPP)")):
            if key + "_ms" in decoders:
                lines.append(f"| {label} | {decoders[key + '_ms']:.2f} | {decoders[key + '_alloc_bytes']:.0f} |")
    opencv_head = next((row for row in java["pipeline"] if row["variant"] == "default, OpenCV decoding"), None)
    lines += ["", f"Efficiency of the default pipeline: **{head['efficiency']:.2f}** (goal 0.85)."]
    if opencv_head:
        lines.append(f"With OpenCV decoding: **{opencv_head['images_per_second']:.1f} images/s**, efficiency "
                     f"**{opencv_head['efficiency']:.2f}** against its own ideal.")
    lines.append("")
    # The interleaved head-to-head (headtohead.sh) stays the last section of the page.
    head_to_head = os.path.join(out_dir, "headtohead.md")
    if os.path.exists(head_to_head):
        with open(head_to_head) as f:
            lines += [f.read()]
    # So does the TensorFlow-runtime head-to-head (headtohead.sh ROUNDS tf), after it.
    tf_head_to_head = os.path.join(out_dir, "headtohead-tf.md")
    if os.path.exists(tf_head_to_head):
        with open(tf_head_to_head) as f:
            lines += [f.read()]
    with open(os.path.join(out_dir, "throughput.md"), "w") as f:
        f.write("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
