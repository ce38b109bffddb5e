package io.litemodel;

import io.litemodel.internal.litert.LiteRtRuntimeTest;
import java.nio.file.Path;

/** Child-JVM program for {@link LiteRtRuntimeTest}: loads seed_mlp on LiteRT's GPU path and prints the outcome. */
public final class LiteRtProbe {
  private LiteRtProbe() {}

  /** @param args the model path */
  public static void main(String[] args) {
    LiteModel.Options options =
        LiteModel.Options.defaults().withAccelerator(Accelerator.gpu().withSoftwareAdapter(true));
    try (LiteModel model = LiteModel.load(Path.of(args[0]), options)) {
      System.out.println("adapter=" + model.executionReport().gpuAdapter().orElse("none"));
    } catch (LiteModelException e) {
      System.out.println("status=" + e.status());
      System.out.println("message=" + e.getMessage());
    }
  }
}
