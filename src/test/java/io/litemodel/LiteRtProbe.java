package io.litemodel;

import java.nio.file.Path;

/** Child-JVM program for {@link LiteRtRuntimeTest}: loads seed_mlp on LiteRT's GPU path and prints the outcome. */
public final class LiteRtProbe {
  private LiteRtProbe() {}

  /** @param args the model path */
  public static void main(String[] args) {
    LiteRtModel.Options options = LiteRtModel.Options.defaults().allowSoftwareAdapter(true);
    try (LiteRtModel model = LiteRtModel.load(Path.of(args[0]), options)) {
      System.out.println("adapter=" + model.adapter());
    } catch (LiteModelException e) {
      System.out.println("status=" + e.status());
      System.out.println("message=" + e.getMessage());
    }
  }
}
