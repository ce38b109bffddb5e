"""Where the Spark row's task threads spend their time, from a JFR recording of SparkProfile's measured job: samples
of task threads running Java (jdk.ExecutionSample) and inside native methods (jdk.NativeMethodSample), each
attributed to a stage by the first frame from the top of its stack that names one.

Usage: python spark_profile.py RECORDING.jfr        (runs `jfr print --json`; prints a markdown table)

Only task threads ("Executor task ...") are counted: SparkProfile itself prints the CPU time of every
other thread, and of the JIT compiler and GC threads that JFR does not sample.
"""

import collections
import sys

from jfr_profile import stage, thread_samples

# First match from the top of the stack wins; (substring of "class.method", stage).
STAGES = [
    ("opencv_imgcodecs.imdecode", "decode (OpenCV imdecode, native)"),
    ("opencv_imgproc", "resize + normalize (OpenCV)"),
    ("opencv_core", "resize + normalize (OpenCV)"),
    ("OpenCvResizer", "resize + normalize (OpenCV)"),
    ("javax/imageio", "decode (ImageIO)"),
    ("com/sun/imageio", "decode (ImageIO)"),
    ("sun/awt/image", "decode (ImageIO)"),
    ("BilinearResizer", "resize + normalize (Java)"),
    ("JpegStructure", "JPEG/PNG structure check"),
    ("PngStructure", "JPEG/PNG structure check"),
    ("TfLiteInterpreterInvoke", "inference (TFLite invoke, native)"),
    ("LiteModel.predict", "inference (TFLite invoke, native)"),
    ("shuffle", "shuffle (write, sort, read)"),
    ("ShuffleExchange", "shuffle (write, sort, read)"),
    ("UnsafeExternalRowSorter", "shuffle (write, sort, read)"),
    ("DiskBlockObjectWriter", "shuffle (write, sort, read)"),
    ("lz4", "shuffle (write, sort, read)"),
    ("BinaryFileFormat", "file read (binaryFile)"),
    ("org/apache/hadoop", "file read (binaryFile)"),
    ("ScoringIterator.scoreBatch", "output rows (ScoringIterator)"),
    ("GeneratedClass", "row encoding (generated projections)"),
    ("catalyst", "row encoding (generated projections)"),
    ("UnsafeRow", "row encoding (generated projections)"),
    ("ExecutorModels", "task setup (model lease, buffers, decoder)"),
    ("ScoringIterator.<init>", "task setup (model lease, buffers, decoder)"),
    ("PartitionScorer", "task setup (model lease, buffers, decoder)"),
    ("ObjectInputStream", "task setup (deserialize the task)"),
    ("Executor$TaskRunner.run", "task setup and result (Spark executor)"),
]


def main():
    counts = collections.Counter()
    for frames, _ in thread_samples(sys.argv[1], "Executor task", stack_depth=64):
        counts[stage(frames, STAGES)] += 1
    total = sum(counts.values())
    print("| stage (task threads) | samples | share |")
    print("| --- | ---: | ---: |")
    for label, count in counts.most_common():
        print(f"| {label} | {count} | {100 * count / total:.1f}% |")
    print(f"\n{total} samples of task threads.")


if __name__ == "__main__":
    main()
