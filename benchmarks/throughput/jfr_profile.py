"""Where the pipeline's cycles go, from a JFR recording: samples of threads running Java (jdk.ExecutionSample) and
of threads inside native methods (jdk.NativeMethodSample), each attributed to a stage by the first frame from the
top of its stack that names one (decode, resize + normalize, inference, hand-off and waiting).

Usage: python jfr_profile.py RECORDING.jfr        (runs `jfr print --json`; prints a markdown table)
"""

import collections
import json
import subprocess
import sys

# First match from the top of the stack wins; (substring of "class.method", stage).
STAGES = [
    ("opencv_imgcodecs.imdecode", "decode (OpenCV imdecode, native)"),
    ("OpenCvImageDecoder.copyOut", "decoded pixels -> BufferedImage copy"),
    ("OpenCvImageDecoder.readAll", "file read"),
    ("ImageDecoder.readAll", "file read"),
    ("javax.imageio", "decode (ImageIO)"),
    ("com.sun.imageio", "decode (ImageIO)"),
    ("BilinearResizer", "resize + normalize into the slot"),
    ("JpegStructure", "JPEG structure check"),
    ("LiteModelShim", "inference (TFLite invoke, native)"),
    ("NativeInterpreter", "inference (TFLite invoke, native)"),
    ("LiteModel.predict", "inference (TFLite invoke, native)"),
    ("ArrayBlockingQueue", "hand-off / waiting (queues)"),
    ("ReentrantLock", "hand-off / waiting (locks)"),
    ("LockSupport.park", "hand-off / waiting (parked)"),
]


def stage(frames, stages=STAGES):
    """The stage of the first frame from the top of the stack that names one of stages, else the top frame."""
    for frame in frames:
        method = frame.get("method", {})
        name = method.get("type", {}).get("name", "") + "." + method.get("name", "")
        for needle, label in stages:
            if needle in name:
                return label
    top = frames[0]["method"] if frames else {}
    return "other: " + (top.get("type", {}).get("name", "?") + "." + top.get("name", "?") if top else "?")


def thread_samples(recording, thread_prefix, stack_depth=None):
    """Yields (frames, "java" or "native") for every execution or native-method sample of the threads whose name
    starts with thread_prefix, as `jfr print --json` reads them from the recording."""
    command = ["jfr", "print", "--json"] + (["--stack-depth", str(stack_depth)] if stack_depth else []) + [
        "--events", "jdk.ExecutionSample,jdk.NativeMethodSample", recording]
    raw = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    for event in json.loads(raw)["recording"]["events"]:
        thread = event["values"].get("sampledThread") or {}
        name = thread.get("javaName") or thread.get("osName") or ""
        if name.startswith(thread_prefix):
            frames = (event["values"].get("stackTrace") or {}).get("frames") or []
            yield frames, "native" if event["type"] == "jdk.NativeMethodSample" else "java"


def main():
    counts = collections.Counter()
    for frames, kind in thread_samples(sys.argv[1], "litemodel-batch-"):
        counts[(stage(frames), kind)] += 1
    total = sum(counts.values())
    print("| stage | thread state | samples | share |")
    print("| --- | --- | ---: | ---: |")
    for (label, kind), count in counts.most_common():
        print(f"| {label} | {kind} | {count} | {100 * count / total:.1f}% |")
    print(f"\n{total} samples of pipeline threads.")


if __name__ == "__main__":
    main()
