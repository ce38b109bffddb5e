"""Writes the TensorFlow-runtime latency table (Markdown) from one run of run-tf-latency.sh.

Per benchmark and per fork, p50/p99/p99.9 come from JMH's raw SampleTime histograms (all iterations of that fork);
the table shows the median over forks, and the range, so that one noisy fork on a busy machine does not decide a row.
B/call comes from the AverageTime pass with -prof gc (SampleTime's own sample buffers would add bytes of their own).

Usage: python3 aggregate_tf_latency.py RAW_DIR OUT.md
"""

import json
import statistics
import sys


def percentiles(histogram_iterations, qs):
    """Percentiles of all samples of one fork: iterations are lists of [value_us, count] pairs."""
    counts = {}
    for iteration in histogram_iterations:
        for value, count in iteration:
            counts[value] = counts.get(value, 0) + count
    values = sorted(counts)
    total = sum(counts.values())
    out = []
    for q in qs:
        target, seen = q * total, 0
        for v in values:
            seen += counts[v]
            if seen >= target:
                out.append(v)
                break
    return out


def main(raw, out_path):
    sample = json.load(open(f"{raw}/jmh-sample.json"))
    alloc = {b["benchmark"]: b["secondaryMetrics"]["gc.alloc.rate.norm"]["score"]
             for b in json.load(open(f"{raw}/jmh-alloc.json"))}
    machine = open(f"{raw}/machine.txt").read().strip().splitlines()
    floors = [json.load(open(f"{raw}/floor-{when}.json")) for when in ("before", "after")]
    names = {
        "io.litemodel.benchmarks.TfRuntimeBenchmark.seedMlpPredictSingle": "LiteModel TF runtime (TfModel.predictSingle)",
        "io.litemodel.benchmarks.TfJavaBenchmark.seedMlpRunner": "TF Java API (SavedModelBundle, Session.runner())",
        "io.litemodel.benchmarks.LiteModelBenchmark.predictSingle": "LiteModel, TFLite (seed_mlp.tflite, XNNPACK)",
    }
    qs = [0.5, 0.99, 0.999]
    rows = []
    for b in sample:
        forks = [percentiles(f, qs) for f in b["primaryMetric"]["rawDataHistogram"]]
        med = [statistics.median(f[i] for f in forks) for i in range(len(qs))]
        rng = [(min(f[i] for f in forks), max(f[i] for f in forks)) for i in range(len(qs))]
        rows.append((names.get(b["benchmark"], b["benchmark"]), med, rng, len(forks), alloc.get(b["benchmark"])))
    lines = ["# seed_mlp latency: LiteModel's TensorFlow runtime next to TF Java, LiteModel and the native floor", ""]
    lines += ["Machine: " + "; ".join(machine), ""]
    lines += ["| runtime | p50 µs | p99 µs | p99.9 µs | forks | B/call |", "|---|---|---|---|---|---|"]
    for name, med, rng, forks, b in rows:
        cells = [f"{m:.1f} ({lo:.1f}–{hi:.1f})" for m, (lo, hi) in zip(med, rng)]
        lines.append(f"| {name} | {' | '.join(cells)} | {forks} | {'' if b is None else f'{b:.2f}'} |")
    for when, f in zip(("before", "after"), floors):
        lines.append(f"| native floor, C, {when} JMH (seed_mlp.tflite, XNNPACK, {f['calls']} calls) | "
                     f"{f['p50_us']:.1f} | {f['p99_us']:.1f} | {f['p999_us']:.1f} | 1 process | n/a |")
    lines += ["", "Cells: median over forks of each fork's percentile (from all its samples), with the fork range."]
    open(out_path, "w").write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
