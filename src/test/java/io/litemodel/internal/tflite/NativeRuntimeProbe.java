package io.litemodel.internal.tflite;

import io.litemodel.LiteModel;
import io.litemodel.LiteModelException;
import java.nio.file.Path;

/**
 * Child-JVM program for {@link NativeRuntimeTest}: loads the natives (or, given a model path, loads that model) and
 * prints the outcome; any throwable other than {@link LiteModelException} is printed as {@code unexpected=}.
 */
public final class NativeRuntimeProbe {
  private NativeRuntimeProbe() {}

  /** @param args empty, or the path of a model to load */
  public static void main(String[] args) {
    try {
      if (args.length > 0) {
        try (LiteModel model = LiteModel.load(Path.of(args[0]))) {
          System.out.println("loaded=" + model.inputs().size());
        }
      }
      System.out.println("version=" + LiteModel.tensorFlowLiteVersion());
    } catch (LiteModelException e) {
      System.out.println("status=" + e.status());
      System.out.println("message=" + e.getMessage());
      try {
        LiteModel.tensorFlowLiteVersion();
      } catch (LiteModelException again) {
        System.out.println("same_on_retry=" + (again == e));
      }
    } catch (Throwable t) { // reported, not thrown: the test asserts that nothing but LiteModelException got here
      System.out.println("unexpected=" + t);
    }
  }
}
