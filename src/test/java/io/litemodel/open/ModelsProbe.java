package io.litemodel.open;

import io.litemodel.InferenceModel;
import io.litemodel.LiteModelException;
import java.nio.file.Path;

/** Child-JVM main for {@link ModelsTest}: opens a model with {@link Models#open} and prints what it got. */
public final class ModelsProbe {
  private ModelsProbe() {}

  /** @param args the model path */
  public static void main(String[] args) {
    try (InferenceModel model = Models.open(Path.of(args[0]))) {
      System.out.println("loaded=" + model.getClass().getSimpleName());
    } catch (LiteModelException e) {
      System.out.println("status=" + e.status());
      System.out.println("message=" + e.getMessage());
    }
  }
}
