package io.litemodel;

import io.litemodel.internal.tflite.NativeRuntime;

/** Child-JVM program for {@link NativeLogTest}: loads a model (XNNPACK on), then reports TensorFlow Lite's log level. */
public final class NativeLogProbe {
  private NativeLogProbe() {}

  /** @param args the model file, then optionally a level to {@link NativeLog#apply()} after loading */
  public static void main(String[] args) {
    try (LiteModel model = LiteModel.load(java.nio.file.Path.of(args[0]))) {
      System.out.println("loaded=" + model.inputs().size());
      System.out.println("severity=" + NativeRuntime.nativeLogSeverity());
      if (args.length > 1) {
        NativeLog.parse(args[1]).apply();
        System.out.println("severity_after=" + NativeRuntime.nativeLogSeverity());
        System.out.println("current=" + NativeLog.current());
      }
    } catch (IllegalArgumentException e) {
      System.out.println("rejected=" + e.getMessage());
    }
  }
}
