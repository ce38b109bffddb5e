package io.litemodel.tensorflow;

import io.litemodel.LiteModelException;
import java.nio.file.Path;

/** Child-JVM main for {@link TfNativesTest}: loads a SavedModel and prints the status and message it got. */
public final class TfNativesProbe {
  private TfNativesProbe() {}

  /** @param args the SavedModel directory */
  public static void main(String[] args) {
    try (TfModel model = TfModel.loadSavedModel(Path.of(args[0]))) {
      System.out.println("loaded=" + model.inputs());
    } catch (LiteModelException e) {
      System.out.println("status=" + e.status());
      System.out.println("message=" + e.getMessage());
    }
  }
}
