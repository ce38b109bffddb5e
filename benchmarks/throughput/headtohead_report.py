"""Summarizes headtohead.jsonl: the median of each configuration over the rounds, every run, the load average
before each side, the best Java row against the best Python row, and Spark's overhead against the in-process
pipeline with the same decoder and batch.

Usage: python headtohead_report.py headtohead.jsonl headtohead.md [MORE.jsonl ...]

An output named headtohead-tf.md (headtohead.sh ROUNDS tf) is the TensorFlow-runtime head-to-head: the frozen graph
through LiteModel's TensorFlow runtime and through Python's tf.data + tf.compat.v1 Session, beside the best TFLite row
of each side; it gets the ratios between those four and a section of its own in throughput.md.

MORE.jsonl files add inference-profile lines (HeadToHead inference, run on its own). Only CPU-time profile lines
(cpu_ms_per_image) are reported: wall-clock ones (ms_per_image, from runs before the profile used CPU time) measure
the machine's load as much as the model.

Also puts the summary into throughput.md beside headtohead.md, as its last section (replacing an older one), so that
the table a reader finds holds both; report.py (run.sh) keeps that section when it rewrites throughput.md.
"""

import json
import os
import statistics
import sys

# throughput.md's section that holds the head-to-head; report.py uses the same marker.
SECTION = "## Head-to-head, interleaved"
# The TensorFlow-runtime head-to-head's section (headtohead-tf.md); report.py keeps it too.
TF_SECTION = "## TensorFlow runtime head-to-head, interleaved"

# How the TensorFlow-runtime rows are told apart from the TFLite rows of the same side.
TF_JAVA = "TensorFlow runtime"
TF_PYTHON = "frozen graph"

# The in-process row a Spark row is compared with: the same decoder and the same batch.
SPARK_BASELINE = "Java pipeline: workers=0, replicas=2, {decoder} decoding, batch {batch}"
# Both sides name their DCT-domain decoding rows (DecodeScale.AUTO, decode_jpeg(ratio=k)) with this.
FAST_MARK = "DCT-domain"


def mode_ratios(runs, sides, medians, cpu, cpu_medians, fast, label, goal, inference):
    """The best Java row against the best Python row among exact rows, or among fast rows; and each against
    inference alone at the best row's batch size (the limit), when the inference profile has that size."""
    out = []
    best, cpu_best = {}, {}
    for side in ("java", "python"):
        candidates = [v for v in runs if sides[v] == side and (FAST_MARK in v) == fast]
        if candidates:
            best[side] = max(candidates, key=lambda v: medians[v])
        candidates = [v for v in cpu if sides[v] == side and (FAST_MARK in v) == fast]
        if candidates:
            cpu_best[side] = max(candidates, key=lambda v: cpu_medians[v])
    if len(best) == 2:
        ratio = medians[best["java"]] / medians[best["python"]]
        out.append(f"Best Java row{label}: **{medians[best['java']]:.1f}** images/s ({best['java']}); best Python "
                   f"row: **{medians[best['python']]:.1f}** ({best['python']}); ratio **{ratio:.2f}x** (goal "
                   f"{goal:.2f}x: {'met' if ratio >= goal else 'not met'}).")
    if len(cpu_best) == 2:
        cpu_ratio = cpu_medians[cpu_best["java"]] / cpu_medians[cpu_best["python"]]
        out.append(f"\nPer CPU-second{label}: best Java **{cpu_medians[cpu_best['java']]:.1f}** ({cpu_best['java']}), "
                   f"best Python **{cpu_medians[cpu_best['python']]:.1f}** ({cpu_best['python']}); ratio "
                   f"**{cpu_ratio:.2f}x**.")
        for side in ("java", "python"):
            batch = int(cpu_best[side].rsplit(" ", 1)[-1])
            if batch in inference:
                limit = 1000 / statistics.median(inference[batch])
                out.append(f"Inference alone at batch {batch} (one thread): {limit:.0f} images per CPU-second; the best "
                           f"{side} row{label} reaches **{cpu_medians[cpu_best[side]] / limit:.2f}** of it.")
        out.append("")
    return out


def main():
    lines = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
    for extra in sys.argv[3:]:
        lines += [json.loads(line) for line in open(extra) if line.strip() and "inference" in line]
    runs, sides, loads, starts, inference, cpu = {}, {}, [], [], {}, {}
    for entry in lines:
        if entry["side"] == "inference":
            if "cpu_ms_per_image" in entry:
                inference.setdefault(entry["batch"], []).append(entry["cpu_ms_per_image"])
        elif entry["side"] == "load":
            loads.append(f"{entry['before']}: {entry['loadavg']}")
        elif entry["side"] == "round":
            starts.append(entry["started"])
        else:
            runs.setdefault(entry["variant"], []).append(entry["images_per_second"])
            if "images_per_cpu_second" in entry:
                cpu.setdefault(entry["variant"], []).append(entry["images_per_cpu_second"])
            sides[entry["variant"]] = entry["side"]
    medians = {variant: statistics.median(rates) for variant, rates in runs.items()}
    cpu_medians = {variant: statistics.median(rates) for variant, rates in cpu.items()}
    tf_mode = os.path.basename(sys.argv[2]).startswith("headtohead-tf")
    section = TF_SECTION if tf_mode else SECTION
    intro = ("`bash benchmarks/throughput/headtohead.sh 3 tf`: 2000 generated 450x450 JPEGs; `models/image_cnn_frozen.pb` "
             "(input `image:0`, output `Identity:0`) through LiteModel's TensorFlow runtime "
             "(`TfModel.loadFrozenGraph`, TensorFlow's default thread pools, one session shared by the replicas) in "
             "`BatchPredictor`, and through Python's seed recipe (tf.data with parallel map decode/resize + prefetch "
             "feeding the graph imported with `tf.compat.v1.import_graph_def` and run in a `tf.compat.v1.Session`), "
             "beside the best TFLite configuration of each side (`models/image_cnn.tflite`, batch 8); normalization "
             "to [-1, 1]; each round runs the Java and Python sides one after another (alternating which goes "
             "first), one warm-up and one measured pass per configuration."
             if tf_mode else
             "`bash benchmarks/throughput/headtohead.sh`: 2000 generated 450x450 JPEGs, `models/image_cnn.tflite`, "
             "normalization to [-1, 1]; each round runs the Java, Python and Spark sides one after another "
             "(alternating which goes first), one warm-up and one measured pass per configuration.")
    out = [f"{section} ({len(starts)} rounds, {starts[0]} to the end of {starts[-1]})", "", intro, "",
           "Images per CPU-second divides the images by the CPU time of the whole process (all its threads, "
           "user + system) during the measured pass: on a machine that other work shares, it is the comparison of "
           "the implementations, where images/s also measures how much of the contended CPU each process got "
           "(a process with more runnable threads gets more of it).", "",
           "| side | configuration | images/s (median) | all runs | images per CPU-second (median) | all runs |",
           "| --- | --- | ---: | --- | ---: | --- |"]
    for variant in runs:
        cpu_cells = (f"{cpu_medians[variant]:.1f} | " + ", ".join(f"{rate:.0f}" for rate in cpu[variant])
                     if variant in cpu else " | ")
        out.append(f"| {sides[variant]} | {variant} | {medians[variant]:.1f} | "
                   + ", ".join(f"{rate:.0f}" for rate in runs[variant]) + f" | {cpu_cells} |")
    out.append("")
    if tf_mode:
        out += tf_ratios(runs, sides, medians, cpu_medians)
    else:
        # Exact rows against exact rows, fast (DCT-domain decoding) rows against fast rows: the same work each.
        for mode, label, goal in (("exact", "", 1.15), ("fast", " (DCT-domain decoding)", 1.15)):
            out += mode_ratios(runs, sides, medians, cpu, cpu_medians, mode == "fast", label, goal, inference)
    for variant in runs:
        if sides[variant] != "spark":
            continue
        decoder = "OpenCV" if "OpenCV decoding" in variant else "ImageIO"
        baseline = SPARK_BASELINE.format(decoder=decoder, batch=variant.rsplit(" ", 1)[-1])
        if baseline not in medians:
            out.append(f"\n{variant}: {medians[variant]:.1f} images/s (no in-process row at this batch size).")
            continue
        share = medians[variant] / medians[baseline]
        line = (f"\n{variant}: {medians[variant]:.1f} images/s, {share:.2f} of the in-process pipeline with the "
                f"same decoder and batch ({baseline}: {medians[baseline]:.1f}), overhead {100 * (1 - share):.0f}%")
        if variant in cpu_medians and baseline in cpu_medians:
            cpu_share = cpu_medians[variant] / cpu_medians[baseline]
            line += (f"; per CPU-second {cpu_medians[variant]:.1f} against {cpu_medians[baseline]:.1f}, "
                     f"overhead {100 * (1 - cpu_share):.0f}%")
        out.append(line + ".")
    if inference:
        out += ["", "Inference alone, one replica on one thread, the same preprocessed images at each batch size, in "
                "that thread's CPU time (`HeadToHead inference`; median of its runs):", "",
                "| batch | CPU ms/image (median) | all runs |", "| ---: | ---: | --- |"]
        for batch in sorted(inference):
            out.append(f"| {batch} | {statistics.median(inference[batch]):.3f} | "
                       + ", ".join(f"{ms:.3f}" for ms in inference[batch]) + " |")
    out += ["", "Load average (1, 5, 15 min) before each side: " + "; ".join(loads) + "."]
    with open(sys.argv[2], "w") as handle:
        handle.write("\n".join(out) + "\n")
    throughput = os.path.join(os.path.dirname(os.path.abspath(sys.argv[2])), "throughput.md")
    if os.path.exists(throughput):
        with open(throughput) as handle:
            text = handle.read()
        with open(throughput, "w") as handle:
            handle.write(replace_section(text, section, "\n".join(out)))


def replace_section(text, marker, body):
    """text with the section that starts with marker (up to the next "## " heading) replaced by body, or with body
    appended when there is none: the two head-to-head sections each replace only themselves."""
    start = text.find(marker)
    if start < 0:
        return text.rstrip("\n") + "\n\n" + body + "\n"
    end = text.find("\n## ", start + len(marker))
    rest = text[end + 1:] if end >= 0 else ""
    return text[:start] + body + "\n" + ("\n" + rest if rest else "")


def tf_ratios(runs, sides, medians, cpu_medians):
    """The TensorFlow-runtime rows against Python's frozen-graph rows and against each side's TFLite row, from the
    best configuration (by median images/s and, separately, by median images per CPU-second) of each group."""
    groups = {
        "LiteModel TensorFlow runtime": [v for v in runs if sides[v] == "java" and TF_JAVA in v],
        "Python tf.data + frozen graph": [v for v in runs if sides[v] == "python" and TF_PYTHON in v],
        "LiteModel TFLite pipeline": [v for v in runs if sides[v] == "java" and TF_JAVA not in v],
        "Python tf.data + TFLite": [v for v in runs if sides[v] == "python" and TF_PYTHON not in v],
    }
    groups = {name: variants for name, variants in groups.items() if variants}
    if "LiteModel TensorFlow runtime" not in groups:
        return []
    lines = ["| best of | images/s | images per CPU-second |", "| --- | ---: | ---: |"]
    best_wall, best_cpu = {}, {}
    for name, variants in groups.items():
        best_wall[name] = max(medians[v] for v in variants)
        with_cpu = [cpu_medians[v] for v in variants if v in cpu_medians]
        best_cpu[name] = max(with_cpu) if with_cpu else None
        cpu_cell = f"{best_cpu[name]:.1f}" if best_cpu[name] else ""
        lines.append(f"| {name} | {best_wall[name]:.1f} | {cpu_cell} |")
    lines.append("")
    ours = "LiteModel TensorFlow runtime"
    for other in groups:
        if other == ours:
            continue
        cpu_text = (f", per CPU-second **{best_cpu[ours] / best_cpu[other]:.2f}x**"
                    if best_cpu[ours] and best_cpu[other] else "")
        lines.append(f"- {ours} against {other}: images/s **{best_wall[ours] / best_wall[other]:.2f}x**{cpu_text}.")
    return lines


if __name__ == "__main__":
    main()
